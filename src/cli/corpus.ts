// `npm run corpus -- [--seed N] [--per-persona K] [--documents N]`: generates the corpus with the default
// recipe, prints a few documents for each persona, the selection set, each fine-tune condition and
// each probe kind, then the statistics, the vocabulary, the leak check and how long generation took.
import { DEFAULT_RECIPE } from '../experiment/recipe.ts';
import {
  corpusFingerprints,
  corpusSamples,
  corpusStats,
  defaultCorpusRecipe,
  bundledCorpusData,
  findLeaks,
  generateExtraProbes,
  formatSamples,
  formatStats,
  generateCorpus,
  trainingTexts,
  validateCorpusRecipe,
} from '../corpus/index.ts';

function parseArgs(argv: readonly string[]): { seed: number; perPersona: number; documents: number | null } {
  const out = { seed: 1, perPersona: 2, documents: null as number | null };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = Number(argv[i + 1]);
    const need = () => {
      if (!Number.isInteger(value) || value < 0) throw new Error(`${flag} needs a non-negative integer`);
      i++;
      return value;
    };
    if (flag === '--seed') out.seed = need();
    else if (flag === '--per-persona') out.perPersona = need();
    else if (flag === '--documents') out.documents = need();
    else if (flag === '--help' || flag === '-h') {
      console.log('usage: npm run corpus -- [--seed N] [--per-persona K] [--documents N]');
      process.exit(0);
    } else throw new Error(`unknown argument ${String(flag)} (try --help)`);
  }
  return out;
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const recipe = validateCorpusRecipe({
    ...defaultCorpusRecipe(),
    ...(args.documents === null ? {} : { documents: args.documents }),
  });

  // Warm up once (module loading, JIT) so the timing reflects generation itself.
  generateCorpus({ ...recipe, documents: 500 }, args.seed);
  const t0 = performance.now();
  const corpus = generateCorpus(recipe, args.seed);
  const generateMs = performance.now() - t0;

  console.log(formatSamples(corpusSamples(corpus, args.perPersona)));
  console.log('\n=== statistics ===');
  console.log(formatStats(corpusStats(corpus)));

  const t1 = performance.now();
  // The newer probe kinds at the default recipe's counts (form probes, no-context twins, second family).
  const { formTasks, secondProbesPerDomain, noContextPrior } = DEFAULT_RECIPE.eval;
  const extra = generateExtraProbes(bundledCorpusData(), corpus, {
    formTasks,
    secondPerDomain: secondProbesPerDomain,
    noContextTwins: noContextPrior,
  });
  const leaks = [
    ...findLeaks(trainingTexts(corpus), corpus.probes),
    ...findLeaks(trainingTexts(corpus), extra),
  ];
  const leakMs = performance.now() - t1;
  const chars = corpus.train.text.length + corpus.validation.text.length;
  console.log('\n=== checks ===');
  console.log(`vocabulary (${corpus.vocabulary.length} characters): ${JSON.stringify(corpus.vocabulary)}`);
  console.log(
    `probes: ${corpus.probes.probes.length} (+${extra.probes.length} newer), held-out phrases: ` +
      `${corpus.probes.heldOutPhrases.length + extra.heldOutPhrases.length}, ` +
      `leaks: ${leaks.length}${leaks.length > 0 ? ` (first: ${JSON.stringify(leaks[0])})` : ''}`,
  );
  console.log(`fingerprint of the whole corpus: ${corpusFingerprints(corpus).all}`);
  console.log(
    `generated ${recipe.documents} documents (${(chars / 1e6).toFixed(2)}M characters) and all sets in ` +
      `${generateMs.toFixed(0)} ms (${(chars / 1e6 / (generateMs / 1000)).toFixed(1)}M chars/s); ` +
      `leak check ${leakMs.toFixed(0)} ms`,
  );
  if (leaks.length > 0) process.exitCode = 1;
}

main();
