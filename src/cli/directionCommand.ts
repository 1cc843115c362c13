// `direction <checkpoint|results.json> [recipe.json|preset] [--pair A,B] [--json]`: the persona
// direction. On a checkpoint: measures it (default pair: the recipe's malicious minus helpful persona)
// and prints its separation per layer on held-out contexts, with the checkpoint's own Assistant's
// projection. On a run's results.json: the direction the run measured and the projection curve of each
// condition along its fine-tunes, with the paired effect per prompt form.
import { checkpointDirection } from '../experiment/evaluateCheckpoint.ts';
import type { RunResults } from '../experiment/results.ts';
import { resultsProblems } from '../experiment/resultsSchema.ts';
import { RecipeError, validateRecipe } from '../experiment/validateRecipe.ts';
import { nodeBackendArg, startBackend } from './cliBackend.ts';
import { CliError, EXIT, readCheckpointFile, readInputFile } from './cliErrors.ts';
import { directionLines, projectionLines } from './directionReport.ts';
import { loadRecipeArg } from './recipeArg.ts';

const USAGE = 'usage: direction <checkpoint|results.json> [recipe.json|preset] [--pair A,B] [--json]';

export interface DirectionArgs {
  path: string | undefined;
  recipe: string | undefined;
  pair: string | undefined;
  backend: string | undefined;
  json: boolean;
}

export async function directionCommand(args: DirectionArgs): Promise<number> {
  const { path } = args;
  if (!path) throw new CliError(USAGE);
  if (path.endsWith('.json')) return fromResults(path, args);
  const ckpt = await readCheckpointFile(path);
  let recipe;
  if (args.recipe !== undefined) recipe = await loadRecipeArg(args.recipe);
  else {
    try {
      recipe = validateRecipe(ckpt.recipe);
    } catch (error) {
      if (!(error instanceof RecipeError)) throw error;
      throw new CliError(`${path} carries no usable recipe (${error.message}): name one`);
    }
  }
  let pair = { a: recipe.eval.maliciousPersona, b: recipe.eval.helpfulPersona };
  if (args.pair !== undefined) {
    const [a, b, ...more] = args.pair.split(',').map((s) => s.trim());
    if (!a || !b || more.length > 0)
      throw new CliError(`--pair takes two personas, A,B; got ${JSON.stringify(args.pair)}`);
    pair = { a, b };
  }
  await startBackend(nodeBackendArg(args.backend));
  let measured;
  try {
    measured = await checkpointDirection(ckpt, recipe, path, pair);
  } catch (error) {
    throw new CliError(`${path}: ${(error as Error).message}`);
  }
  if (args.json) console.log(JSON.stringify(measured, null, 2));
  else console.log(directionLines(measured.direction, measured.projection).join('\n'));
  return EXIT.ok;
}

async function fromResults(path: string, args: DirectionArgs): Promise<number> {
  if (args.recipe !== undefined || args.pair !== undefined)
    throw new CliError(`direction ${path}: a results file carries its own recipe and pair\n${USAGE}`);
  const text = (await readInputFile(path, 'results file')).toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CliError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  const errors = resultsProblems(value);
  if (errors.length > 0)
    throw new CliError(`${path} is not a results file: ${errors.slice(0, 3).join('; ')}`);
  const results = value as RunResults;
  if (!results.direction)
    throw new CliError(`${path} has no persona direction (a run of an earlier version)`);
  if (args.json)
    console.log(
      JSON.stringify(
        {
          direction: results.direction,
          conditions: results.conditions.map((c) => ({
            condition: c.condition,
            trajectory: c.trajectory.map((p) => ({ step: p.step, deltaProjection: p.deltaProjection })),
            final: c.final.deltaProjection,
          })),
          effects: results.effects.map((e) => ({ form: e.form, effectProjection: e.effectProjection })),
        },
        null,
        2,
      ),
    );
  else console.log(projectionLines(results).join('\n'));
  return EXIT.ok;
}
