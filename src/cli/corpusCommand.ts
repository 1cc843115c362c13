// `corpus <recipe|preset> --print`: generates the recipe's corpus and prints sample documents of every
// persona and condition and its statistics, with the corpus generator's own formatting functions.
import {
  corpusFingerprints,
  corpusSamples,
  corpusStats,
  formatSamples,
  formatStats,
  generateCorpus,
} from '../corpus/index.ts';
import { CliError, EXIT } from './cliErrors.ts';
import { loadRecipeArg } from './recipeArg.ts';

export async function corpusCommand(recipeArg: string | undefined, print: boolean): Promise<number> {
  if (!print) throw new CliError('usage: corpus <recipe.json|preset> --print');
  const recipe = await loadRecipeArg(recipeArg);
  const corpus = generateCorpus(recipe.corpus, recipe.seeds.corpus);
  process.stdout.write(
    `${formatSamples(corpusSamples(corpus))}\n\n=== statistics ===\n${formatStats(corpusStats(corpus))}\n`,
  );
  process.stdout.write(`corpus hash: ${corpusFingerprints(corpus).all}\n`);
  return EXIT.ok;
}
