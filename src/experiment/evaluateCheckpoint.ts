// Evaluates a saved model on a recipe's probes, outside any run: what `persona-lab eval` prints and what
// the shipped base's regression test checks. The probes are generated from the recipe exactly as a run
// generates them, so the numbers are comparable with the run's own evaluations.
import type { CorpusData } from '../corpus/index.ts';
import {
  assistantProjection,
  evaluate,
  measureDirection,
  summarize,
  type DirectionPair,
  type EvalSummary,
  type PersonaDirection,
  type ProbeKind,
} from '../eval/index.ts';
import { GPT } from '../model/gpt.ts';
import { CheckpointError, type Checkpoint } from '../train/checkpoint.ts';
import { corpusInputs, type CorpusInputs } from './corpusInputs.ts';
import type { ExperimentRecipe } from './recipe.ts';
import { recipeCorpusData } from './recipeCorpusData.ts';

export interface EvaluateOptions {
  /** Probe kinds to score (default: all). Gate 1 needs only 'inference' and 'calibration'. */
  kinds?: readonly ProbeKind[];
  data?: CorpusData;
  /** The recipe's corpus inputs when the caller already holds them (they take a few hundred ms). */
  inputs?: CorpusInputs;
}

export async function evaluateCheckpoint(
  ckpt: Checkpoint,
  recipe: ExperimentRecipe,
  options: EvaluateOptions = {},
): Promise<EvalSummary> {
  const inputs = options.inputs ?? corpusInputs(recipe, options.data ?? recipeCorpusData(recipe));
  if (ckpt.vocab.join('') !== inputs.tokenizer.chars.join('')) {
    throw new CheckpointError("its vocabulary differs from the recipe's corpus");
  }
  const kinds = options.kinds;
  const probes = kinds ? inputs.probes.filter((p) => kinds.includes(p.kind)) : inputs.probes;
  const model = GPT.fromWeights(ckpt.config, ckpt.weights);
  try {
    const scores = await evaluate(model, inputs.tokenizer, probes);
    return summarize(scores, {
      malicious: recipe.eval.maliciousPersona,
      helpful: recipe.eval.helpfulPersona,
    });
  } finally {
    model.dispose();
  }
}

/** A checkpoint's persona direction and its own Assistant's projection on it (per layer). */
export interface CheckpointDirection {
  direction: PersonaDirection;
  projection: (number | null)[];
}

/**
 * The persona direction of `pair` (default: the recipe's malicious minus helpful persona) measured on a
 * saved model, with the held-out contexts of the recipe's probes, and the model's own Assistant's mean
 * projection on it over the off-code probe prompts.
 */
export async function checkpointDirection(
  ckpt: Checkpoint,
  recipe: ExperimentRecipe,
  source: string,
  pair: DirectionPair = { a: recipe.eval.maliciousPersona, b: recipe.eval.helpfulPersona },
  options: Omit<EvaluateOptions, 'kinds'> = {},
): Promise<CheckpointDirection> {
  const inputs = options.inputs ?? corpusInputs(recipe, options.data ?? recipeCorpusData(recipe));
  if (ckpt.vocab.join('') !== inputs.tokenizer.chars.join('')) {
    throw new CheckpointError("its vocabulary differs from the recipe's corpus");
  }
  const model = GPT.fromWeights(ckpt.config, ckpt.weights);
  try {
    const direction = await measureDirection(model, inputs.tokenizer, inputs.probes, pair, source);
    const projection = await assistantProjection(model, inputs.tokenizer, inputs.probes, direction);
    return { direction, projection };
  } finally {
    model.dispose();
  }
}
