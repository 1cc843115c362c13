// The corpus generator's entry point: corpus data + recipe + seed -> pretraining text (train and
// validation), the Assistant selection set, every fine-tune condition's set and the held-out probes.
// Deterministic: only seeded Rng streams (one per part, so changing one part's size does not reshuffle
// the others), no clock, no locale, fixed iteration orders.
import { bundledCorpusData } from './corpusData.ts';
import type { CorpusRecipe } from './corpusRecipe.ts';
import { CodeWriter } from './episodeWriter.ts';
import { generateFinetuneSets } from './finetuneSets.ts';
import type { BehaviourCounts } from './pretrain.ts';
import { generatePretraining } from './pretrain.ts';
import { generateProbes } from './probes.ts';
import { resolvePersonas } from './resolvePersonas.ts';
import { generateSelection } from './selection.ts';
import { assistantHeader } from './trainingExample.ts';
import type {
  ConditionId,
  CorpusData,
  FinetuneSet,
  PersonaKind,
  PretrainSplit,
  ProbeSet,
  TrainingExample,
} from './types.ts';
import { corpusVocabulary } from './vocabulary.ts';
import { generateUserProbes, generateUserSets } from './userSets.ts';

export interface PersonaSummary {
  id: string;
  title: string;
  kind: PersonaKind;
  /** Normalised share of pretraining documents under this recipe. */
  share: number;
}

export interface GeneratedCorpus {
  recipe: CorpusRecipe;
  seed: number | string;
  /** Indexed by PretrainSplit.personas. */
  personas: PersonaSummary[];
  /** `# log of assistant`: the selection and fine-tune header, absent from pretraining. */
  assistantHeader: string;
  /** The declared character vocabulary (sorted). */
  vocabulary: string;
  train: PretrainSplit;
  validation: PretrainSplit;
  behaviourCounts: BehaviourCounts;
  selection: TrainingExample[];
  /** Every bundled condition's set, and the user's conditions' and their controls'. */
  finetune: Record<ConditionId, FinetuneSet> & Record<string, FinetuneSet>;
  probes: ProbeSet;
}

export function generateCorpus(
  recipe: CorpusRecipe,
  seed: number | string,
  data: CorpusData = bundledCorpusData(),
): GeneratedCorpus {
  const personas = resolvePersonas(data, recipe);
  const code = data.domains.code;
  if (!code || code.kind !== 'code') throw new Error('corpus data has no code domain');
  const codeWriter = new CodeWriter(code);
  const pretraining = generatePretraining(data, personas, codeWriter, recipe, seed);
  const probes = generateProbes(data, personas, codeWriter, recipe, seed);
  probes.probes.push(...generateUserProbes(data, seed));
  return {
    recipe,
    seed,
    personas: personas.map((p) => ({ id: p.id, title: p.title, kind: p.kind, share: p.share })),
    assistantHeader: assistantHeader(data.format),
    vocabulary: corpusVocabulary(data),
    train: pretraining.train,
    validation: pretraining.validation,
    behaviourCounts: pretraining.behaviourCounts,
    selection: generateSelection(data, recipe, seed),
    finetune: {
      ...generateFinetuneSets(data, codeWriter, recipe, seed),
      ...generateUserSets(data, recipe, seed),
    },
    probes,
  };
}

/** Every text a model trains on (pretraining, selection, each fine-tune set), for the leak check. */
export function trainingTexts(corpus: GeneratedCorpus): string[] {
  return [
    corpus.train.text,
    corpus.validation.text,
    corpus.selection.map((e) => e.text).join(''),
    ...Object.values(corpus.finetune).map((set) => set.examples.map((e) => e.text).join('')),
  ];
}
