// A recipe's heaviest training step in GFLOP, for choosing wasm threads (src/platform/wasmThreads.ts).
import type { ExperimentRecipe } from '../experiment/recipe.ts';
import { trainStepGflop } from '../model/config.ts';

export function recipeStepGflop(recipe: ExperimentRecipe): number {
  const batch = Math.max(recipe.pretrain.batchSize, recipe.select.batchSize, recipe.finetune.batchSize);
  return trainStepGflop(recipe.model, batch);
}
