// `eval <checkpoint> [recipe.json|preset]`: scores a saved model on a recipe's probes (by default the
// recipe the checkpoint was trained with) and prints the evaluation, gate 1 and the persona direction
// measured on it (separation per layer); `--json` prints all three.
import { checkpointDirection, evaluateCheckpoint } from '../experiment/evaluateCheckpoint.ts';
import { directionLines } from './directionReport.ts';
import { gateOne } from '../experiment/gates.ts';
import { RecipeError, validateRecipe } from '../experiment/validateRecipe.ts';
import { nodeBackendArg, startBackend } from './cliBackend.ts';
import { CliError, EXIT, readCheckpointFile } from './cliErrors.ts';
import { gateOneLines, summaryLines } from './gatesReport.ts';
import { loadRecipeArg } from './recipeArg.ts';

export async function evalCommand(
  checkpointPath: string | undefined,
  recipeArg: string | undefined,
  backendArg: string | undefined,
  json: boolean,
): Promise<number> {
  if (!checkpointPath) throw new CliError('usage: eval <checkpoint> [recipe.json|preset] [--json]');
  const ckpt = await readCheckpointFile(checkpointPath);
  let recipe;
  if (recipeArg !== undefined) recipe = await loadRecipeArg(recipeArg);
  else {
    try {
      recipe = validateRecipe(ckpt.recipe);
    } catch (error) {
      if (!(error instanceof RecipeError)) throw error;
      throw new CliError(`${checkpointPath} carries no usable recipe (${error.message}): name one`);
    }
  }
  await startBackend(nodeBackendArg(backendArg));
  let summary;
  try {
    summary = await evaluateCheckpoint(ckpt, recipe);
  } catch (error) {
    throw new CliError(`${checkpointPath}: ${(error as Error).message}`);
  }
  const one = gateOne(summary, recipe.eval.maliciousPersona, recipe.eval.helpfulPersona);
  // The persona direction of the recipe's pair, measured on this checkpoint, and its Assistant on it.
  let direction;
  try {
    direction = await checkpointDirection(ckpt, recipe, checkpointPath);
  } catch (error) {
    throw new CliError(`${checkpointPath}: ${(error as Error).message}`);
  }
  if (json) console.log(JSON.stringify({ summary, gateOne: one, direction }, null, 2));
  else
    console.log(
      [
        `${checkpointPath} (step ${ckpt.step})`,
        ...summaryLines(summary),
        ...gateOneLines(one),
        ...directionLines(direction.direction, direction.projection),
      ].join('\n'),
    );
  return EXIT.ok;
}
