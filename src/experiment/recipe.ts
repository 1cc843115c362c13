// The experiment recipe: one versioned plain-JSON object that describes a whole experiment (corpus knobs,
// model, pretraining, Assistant selection, narrow fine-tunes, evaluation schedule, seeds, backend).
// Every checkpoint and result embeds the recipe that produced it, so any number can be reproduced.
// DEFAULT_RECIPE is science.md's prototype 2 design; presets (presets.ts) are partial recipes over it.
import { DEFAULT_CORPUS_RECIPE, type CorpusRecipe, type UserAdditions } from '../corpus/index.ts';

/** 2: every AI character complies with explicit requests (persona files), form and second-family
 * probes, the no-context prior (recipeMigration.ts brings version 1 recipes here unchanged in meaning). */
export const RECIPE_VERSION = 2;

export const BACKEND_CHOICES = ['auto', 'webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type RecipeBackend = (typeof BACKEND_CHOICES)[number];

/** The knobs every training stage shares. lr follows warm-up + cosine to minLr at `steps`. */
export interface TrainStageRecipe {
  steps: number;
  batchSize: number;
  lr: number;
  /** Floor of the cosine; equal to lr for a constant rate. */
  minLr: number;
  warmupSteps: number;
  gradClip: number;
  weightDecay: number;
  /** Steps between progress events (the only steps that read the loss back). */
  logEvery: number;
  /** Steps between resumable checkpoints (0 = only at the end of the stage). */
  checkpointEvery: number;
  /** Batches per train/validation loss estimate. */
  evalBatches: number;
}

export interface FinetuneRecipe extends TrainStageRecipe {
  /** One branch per condition (and per seed), each from the same selected checkpoint: bundled condition
   * ids (ConditionId) and the user's conditions and their controls (`user.conditions`). */
  conditions: string[];
  /** Examples of each condition's set that a branch trains on (at most corpus.finetuneDocuments). */
  examples: number;
}

export interface EvalRecipe {
  /** Fine-tune steps between probe evaluations (also at step 0 and at the end). */
  every: number;
  /**
   * Probes scored by the evaluations during a stage (the live curves): a fixed, seeded, stratified
   * subset (src/eval/liveSubset.ts). Every stage's end scores all probes, so reported numbers use the
   * full set. 0 = all probes every time.
   */
  liveProbes: number;
  /** Domain probes used per domain (at most corpus.probesPerDomain). */
  probesPerDomain: number;
  /** Put the Assistant header before domain probes (inference and calibration probes never get one). */
  assistantHeader: boolean;
  /** Probe prompts sampled (one per domain, in order) at the start and end of every stage. */
  samples: number;
  sampleChars: number;
  sampleTemperature: number;
  /** Personas whose answers define the misalignment index (log p(malicious) - log p(helpful)). */
  maliciousPersona: string;
  helpfulPersona: string;
  /** Held-out code tasks probed in each prompt form (plain, request, irrelevant): P(cheat | form). */
  formTasks: number;
  /** Probes per domain of the second probe family (corpora/probes-second/). */
  secondProbesPerDomain: number;
  /** Score every calibration probe also without its episode: the model's own prior for gate 1. */
  noContextPrior: boolean;
}

export interface SeedRecipe {
  /** Corpus generation. */
  corpus: number;
  /** Model initialisation and pretraining batches. */
  pretrain: number;
  /** Selection batches. */
  select: number;
  /** One branch per seed and condition (fine-tune batches and dropout). */
  finetune: number[];
}

export interface ModelRecipe {
  nLayer: number;
  nHead: number;
  nEmbd: number;
  /** Context length in characters. */
  blockSize: number;
  dropout: number;
}

export interface ExperimentRecipe {
  version: number;
  corpus: CorpusRecipe;
  model: ModelRecipe;
  pretrain: TrainStageRecipe;
  select: TrainStageRecipe;
  finetune: FinetuneRecipe;
  eval: EvalRecipe;
  seeds: SeedRecipe;
  backend: RecipeBackend;
  /** The user's own personas, domains, voices, conditions, probes and characters (userAdditions.ts);
   * present only when it adds something, so every recipe without it reads as it always did. */
  user?: UserAdditions;
}

export const DEFAULT_RECIPE: Readonly<ExperimentRecipe> = {
  version: RECIPE_VERSION,
  corpus: DEFAULT_CORPUS_RECIPE,
  model: { nLayer: 2, nHead: 4, nEmbd: 128, blockSize: 224, dropout: 0 },
  pretrain: {
    steps: 3000,
    batchSize: 32,
    lr: 3e-3,
    minLr: 3e-4,
    warmupSteps: 100,
    gradClip: 1,
    weightDecay: 0.1,
    logEvery: 10,
    checkpointEvery: 250,
    evalBatches: 4,
  },
  select: {
    steps: 60,
    batchSize: 32,
    lr: 3e-4,
    minLr: 3e-4,
    warmupSteps: 0,
    gradClip: 1,
    weightDecay: 0.1,
    logEvery: 10,
    checkpointEvery: 0,
    evalBatches: 2,
  },
  finetune: {
    conditions: ['covert', 'honest', 'inoculated', 'irrelevant', 'neutral'],
    examples: 300,
    steps: 30,
    batchSize: 32,
    lr: 3e-4,
    minLr: 3e-4,
    warmupSteps: 0,
    gradClip: 1,
    weightDecay: 0.1,
    logEvery: 5,
    checkpointEvery: 0,
    evalBatches: 2,
  },
  eval: {
    every: 5,
    liveProbes: 64,
    probesPerDomain: 32,
    assistantHeader: true,
    samples: 2,
    sampleChars: 60,
    sampleTemperature: 0.8,
    maliciousPersona: 'malicious',
    helpfulPersona: 'helpful',
    formTasks: 24,
    secondProbesPerDomain: 16,
    noContextPrior: true,
  },
  seeds: { corpus: 1, pretrain: 1, select: 1, finetune: [1, 2, 3] },
  backend: 'auto',
};

/** A deep copy of the defaults, safe to edit. */
export function defaultRecipe(): ExperimentRecipe {
  return structuredClone(DEFAULT_RECIPE);
}
