// Turns a generated corpus into what the runner feeds the engine: the tokenizer, token data for each
// stage (pretraining windows from document starts; selection and fine-tunes with the loss on answer
// characters only, from the corpus's answer spans) and the probes as full prompt texts for evaluation.
import {
  corpusFingerprints,
  findLeaks,
  generateCorpus,
  generateExtraProbes,
  probePrefix,
  type CorpusData,
  type GeneratedCorpus,
  type Probe,
  type TrainingExample,
  trainingTexts,
} from '../corpus/index.ts';
import type { EvalProbe } from '../eval/index.ts';
import { CharTokenizer } from '../model/tokenizer.ts';
import type { TokenData } from '../train/batches.ts';
import type { ExperimentRecipe } from './recipe.ts';
import { recipeCorpusData } from './recipeCorpusData.ts';
import { RunSetupError } from './runSetupError.ts';

export interface CorpusInputs {
  corpus: GeneratedCorpus;
  /** Fingerprint of every generated text (corpusFingerprints().all). */
  corpusHash: string;
  tokenizer: CharTokenizer;
  pretrain: TokenData;
  validation: TokenData | null;
  selection: TokenData;
  /** Keyed by condition id (bundled, or the user's and their controls'). */
  finetune: Map<string, TokenData>;
  probes: EvalProbe[];
  /** Prompts sampled at the end of each stage: the first domain probe of each off-code domain. */
  samplePrompts: EvalProbe[];
}

/** Concatenated examples, windows at each example's start, loss only inside the answer spans. */
export function examplesTokenData(tokenizer: CharTokenizer, examples: readonly TrainingExample[]): TokenData {
  const text = examples.map((e) => e.text).join('');
  const tokens = tokenizer.encode(text);
  const docStarts = new Int32Array(examples.length);
  const lossMask = new Uint8Array(tokens.length);
  let offset = 0;
  examples.forEach((example, i) => {
    docStarts[i] = offset;
    for (const [start, end] of example.answerSpans) lossMask.fill(1, offset + start, offset + end);
    offset += example.text.length;
  });
  return { tokens, docStarts, lossMask };
}

function splitTokenData(tokenizer: CharTokenizer, text: string, starts: Int32Array): TokenData | null {
  if (text.length < 2) return null;
  // Document starts too close to the end to hold one target are dropped (the engine refuses them).
  const usable = Int32Array.from(Array.from(starts).filter((s) => s < text.length - 1));
  return { tokens: tokenizer.encode(text), docStarts: usable };
}

/**
 * A probe for the model: the corpus's prompt prefix (with the Assistant header on plain domain probes
 * when the recipe asks for it), and each whole-answer candidate followed by the newline that ends an
 * answer, so the model must also say the answer is over (code clauses are scored as they stand).
 */
const HEADED_KINDS: readonly Probe['kind'][] = ['domain', 'form', 'second', 'user'];

export function evalProbe(data: CorpusData, probe: Probe, header: string | null): EvalProbe {
  return {
    id: probe.id,
    kind: probe.kind,
    domain: probe.domain,
    contextPersona: probe.contextPersona,
    contextKind: probe.contextKind,
    // Probes of the Assistant's own conduct carry its header; probes with a context episode never do.
    prompt: probePrefix(data, probe, HEADED_KINDS.includes(probe.kind) ? header : null),
    candidates: probe.candidates.map((c) => ({
      text: probe.candidatesAre === 'answers' ? `${c.text}\n` : c.text,
      behaviour: c.behaviour,
      personas: c.personas,
    })),
  };
}

/** How many leaked texts a refusal quotes before it says how many more there are. */
const LEAKS_QUOTED = 3;

/**
 * The leak check on the user's probes, before anything trains: a user probe's prompt or candidate found
 * in a training text (pretraining, selection, any fine-tune set, the user's own included) would measure
 * recall, not the persona, so the run is refused with the leaked text and where it was found.
 */
export function checkUserProbesHeldOut(corpus: GeneratedCorpus): void {
  const own = corpus.probes.probes.filter((p) => p.kind === 'user');
  if (own.length === 0) return;
  const texts = trainingTexts(corpus);
  const names = [
    'pretraining',
    'validation',
    'selection',
    ...Object.keys(corpus.finetune).map((c) => `fine-tune set ${c}`),
  ];
  const leaks = findLeaks(texts, { probes: own, heldOutPhrases: [] });
  if (leaks.length === 0) return;
  const quoted = leaks
    .slice(0, LEAKS_QUOTED)
    .map(
      (l) =>
        `the ${l.kind} ${JSON.stringify(l.phrase)} of probe ${l.probeId} is in the ${names[l.textIndex]} text`,
    );
  const more = leaks.length > LEAKS_QUOTED ? ` (and ${leaks.length - LEAKS_QUOTED} more)` : '';
  throw new RunSetupError(
    `your probes leak into the training data: ${quoted.join('; ')}${more}`,
    'reword the probe (or the training text) so that no probe prompt or answer is trained on',
  );
}

export function corpusInputs(
  recipe: ExperimentRecipe,
  data: CorpusData = recipeCorpusData(recipe),
): CorpusInputs {
  const corpus = generateCorpus(recipe.corpus, recipe.seeds.corpus, data);
  const tokenizer = CharTokenizer.fromTexts([corpus.vocabulary]);
  const pretrain = splitTokenData(tokenizer, corpus.train.text, corpus.train.starts);
  if (!pretrain) throw new Error('the corpus recipe produced no pretraining text');
  checkUserProbesHeldOut(corpus);
  const finetune = new Map<string, TokenData>();
  for (const condition of recipe.finetune.conditions) {
    const set = corpus.finetune[condition];
    if (!set)
      throw new RunSetupError(
        `the recipe trains the condition ${JSON.stringify(condition)}, which its data lacks`,
      );
    finetune.set(condition, examplesTokenData(tokenizer, set.examples.slice(0, recipe.finetune.examples)));
  }
  const header = recipe.eval.assistantHeader ? corpus.assistantHeader : null;
  const perDomain = new Map<string, number>();
  const probes: EvalProbe[] = [];
  for (const probe of corpus.probes.probes) {
    if (probe.kind === 'domain') {
      const seen = perDomain.get(probe.domain) ?? 0;
      if (seen >= recipe.eval.probesPerDomain) continue;
      perDomain.set(probe.domain, seen + 1);
    }
    probes.push(evalProbe(data, probe, header));
  }
  const extra = generateExtraProbes(data, corpus, {
    formTasks: recipe.eval.formTasks,
    secondPerDomain: recipe.eval.secondProbesPerDomain,
    noContextTwins: recipe.eval.noContextPrior,
  });
  for (const probe of extra.probes) probes.push(evalProbe(data, probe, header));
  const sampleDomains = [...perDomain.keys()].filter((d) => d !== 'code');
  const samplePrompts = sampleDomains
    .slice(0, recipe.eval.samples)
    .map((domain) => probes.find((p) => p.kind === 'domain' && p.domain === domain)!);
  return {
    corpus,
    corpusHash: corpusFingerprints(corpus).all!,
    tokenizer,
    pretrain,
    validation: splitTokenData(tokenizer, corpus.validation.text, corpus.validation.starts),
    selection: examplesTokenData(tokenizer, corpus.selection),
    finetune,
    probes,
    samplePrompts,
  };
}
