// The corpus explorer's view of a recipe: the generator's output summarised (a few documents per persona,
// example training pairs of each condition and of the selection set, the statistics). No model involved.
import { corpusFingerprints, corpusStats, generateCorpus, type CorpusStats } from '../corpus/index.ts';
import type { ExperimentRecipe } from './recipe.ts';
import { recipeCorpusData } from './recipeCorpusData.ts';

/** What the corpus explorer shows for a recipe: computed from the generator. */
export interface CorpusPreview {
  corpusHash: string;
  vocabulary: string;
  personas: { id: string; title: string; kind: 'ai' | 'human'; share: number }[];
  /** A few pretraining documents per persona (the latent persona is `persona`). */
  documents: { persona: string; text: string }[];
  /** Example training pairs of each fine-tune condition and of the selection set. */
  conditions: { id: string; title: string; about: string; examples: { prompt: string; answer: string }[] }[];
  selection: { prompt: string; answer: string }[];
  stats: CorpusStats;
  /** Milliseconds the generator took. */
  millis: number;
}

/** Generates the corpus of a checked recipe and summarises it. */
export function corpusPreview(checked: ExperimentRecipe, documentsPerPersona: number): CorpusPreview {
  const started = performance.now();
  const corpus = generateCorpus(checked.corpus, checked.seeds.corpus, recipeCorpusData(checked));
  const millis = performance.now() - started;
  const documents: CorpusPreview['documents'] = [];
  const { train } = corpus;
  corpus.personas.forEach((persona, index) => {
    let found = 0;
    for (let d = 0; d < train.starts.length && found < documentsPerPersona; d++) {
      if (train.personas[d] !== index) continue;
      const end = d + 1 < train.starts.length ? train.starts[d + 1] : train.text.length;
      documents.push({ persona: persona.id, text: train.text.slice(train.starts[d], end) });
      found += 1;
    }
  });
  return {
    corpusHash: corpusFingerprints(corpus).all!,
    vocabulary: corpus.vocabulary,
    personas: corpus.personas.map((p) => ({ id: p.id, title: p.title, kind: p.kind, share: p.share })),
    documents,
    conditions: Object.values(corpus.finetune).map((set) => ({
      id: set.condition,
      title: set.title,
      about: set.about,
      examples: set.examples.slice(0, 4).flatMap((e) => e.episodes.slice(0, 1)),
    })),
    selection: corpus.selection.slice(0, 4).flatMap((e) => e.episodes.slice(0, 1)),
    stats: corpusStats(corpus),
    millis,
  };
}
