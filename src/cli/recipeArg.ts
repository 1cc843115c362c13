// Reads the recipe argument of `run` and `corpus`: a JSON file (validated, naming the bad field), or
// the name of a preset.
import { existsSync } from 'node:fs';
import { PRESETS, presetRecipe } from '../experiment/presets.ts';
import type { ExperimentRecipe } from '../experiment/recipe.ts';
import { RecipeError, validateRecipe } from '../experiment/validateRecipe.ts';
import { CliError, readInputFile } from './cliErrors.ts';

export async function loadRecipeArg(arg: string | undefined): Promise<ExperimentRecipe> {
  if (arg === undefined)
    throw new CliError(`name a recipe file or a preset (${Object.keys(PRESETS).join(', ')})`);
  if (Object.hasOwn(PRESETS, arg) && !existsSync(arg)) return presetRecipe(arg);
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
    return validateRecipe(json);
  } catch (error) {
    if (error instanceof RecipeError) throw new CliError(`${arg}: ${error.message}`);
    throw error;
  }
}
