// Turns a generated corpus into what the runner feeds the engine: the tokenizer, token data for each
// stage (pretraining windows from document starts; selection and fine-tunes with the loss on answer
// characters only, from the corpus's answer spans) and the probes as full prompt texts for evaluation.
import {
  bundledCorpusData,
  corpusFingerprints,
  generateCorpus,
  generateExtraProbes,
  probePrefix,
  type ConditionId,
  type CorpusData,
  type GeneratedCorpus,
  type Probe,
  type TrainingExample,
} from '../corpus/index.ts';
import type { EvalProbe } from '../eval/index.ts';
import { CharTokenizer } from '../model/tokenizer.ts';
import type { TokenData } from '../train/batches.ts';
import type { ExperimentRecipe } from './recipe.ts';

export interface CorpusInputs {
  corpus: GeneratedCorpus;
  /** Fingerprint of every generated text (corpusFingerprints().all). */
  corpusHash: string;
  tokenizer: CharTokenizer;
  pretrain: TokenData;
  validation: TokenData | null;
  selection: TokenData;
  finetune: Map<ConditionId, TokenData>;
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
const HEADED_KINDS: readonly Probe['kind'][] = ['domain', 'form', 'second'];

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

export function corpusInputs(recipe: ExperimentRecipe, data: CorpusData = bundledCorpusData()): CorpusInputs {
  const corpus = generateCorpus(recipe.corpus, recipe.seeds.corpus, data);
  const tokenizer = CharTokenizer.fromTexts([corpus.vocabulary]);
  const pretrain = splitTokenData(tokenizer, corpus.train.text, corpus.train.starts);
  if (!pretrain) throw new Error('the corpus recipe produced no pretraining text');
  const finetune = new Map<ConditionId, TokenData>();
  for (const condition of recipe.finetune.conditions) {
    const set = corpus.finetune[condition];
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
