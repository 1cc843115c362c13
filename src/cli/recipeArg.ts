// Reads the recipe argument of `run` and `corpus`: a JSON file (a recipe, or an experiment file that the
// lab exported: validated, naming the bad field), or the name of a preset.
import { existsSync } from 'node:fs';
import { PRESETS, presetRecipe } from '../experiment/presets.ts';
import {
  ExperimentFileError,
  isExperimentFile,
  validateExperimentFile,
  type ExperimentStart,
} from '../experiment/experimentFile.ts';
import type { ExperimentRecipe } from '../experiment/recipe.ts';
import { RecipeError, validateRecipe } from '../experiment/validateRecipe.ts';
import { CliError, readInputFile } from './cliErrors.ts';

export async function loadRecipeArg(arg: string | undefined): Promise<ExperimentRecipe> {
  return (await loadRunArg(arg)).recipe;
}

/** The recipe, and where an experiment file asks its run to start ('scratch' for recipes and presets). */
export async function loadRunArg(
  arg: string | undefined,
): Promise<{ recipe: ExperimentRecipe; start: ExperimentStart }> {
  if (arg === undefined)
    throw new CliError(`name a recipe file or a preset (${Object.keys(PRESETS).join(', ')})`);
  if (Object.hasOwn(PRESETS, arg) && !existsSync(arg)) return { recipe: presetRecipe(arg), start: 'scratch' };
  if (!arg.endsWith('.json') && !existsSync(arg)) {
    throw new CliError(
      `${arg} is neither a recipe file nor a preset (presets: ${Object.keys(PRESETS).join(', ')})`,
    );
  }
  const text = (await readInputFile(arg, 'recipe file')).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CliError(`${arg} is not valid JSON: ${(error as Error).message}`);
  }
  try {
    if (isExperimentFile(json)) {
      const file = validateExperimentFile(json);
      return { recipe: file.recipe, start: file.start };
    }
    return { recipe: validateRecipe(json), start: 'scratch' };
  } catch (error) {
    if (error instanceof RecipeError || error instanceof ExperimentFileError)
      throw new CliError(`${arg}: ${error.message}`);
    throw error;
  }
}
