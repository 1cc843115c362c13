// THE contract between the page and the engine worker: the API the worker exposes through comlink and
// the events it emits. Both sides import this module and nothing else of each other. Everything that
// crosses is plain structured-clonable data (numbers, strings, arrays, typed arrays).
import type { GPTConfig } from '../src/model/config.ts';
import type { SampleOptions, SampleResult } from '../src/model/sampling.ts';
import type { CandidateScore, ScoreRequest } from '../src/model/scoring.ts';
import type { BackendChoice, BackendFailure, BackendName, BackendReport } from '../src/util/backendReport.ts';
import type { AdamWConfig } from '../src/train/adamW.ts';
import type { CorpusStats } from '../src/corpus/index.ts';
import type { DirectionPair, EvalSummary, PersonaDirection } from '../src/eval/index.ts';
import type { CheckpointDirection } from '../src/experiment/evaluateCheckpoint.ts';
import type { DosePoint } from '../src/experiment/steeringDose.ts';
import type { ExperimentRecipe } from '../src/experiment/recipe.ts';
import type { RunEvent, StagePlace } from '../src/experiment/runEvents.ts';
import type { RunResults } from '../src/experiment/results.ts';
import type { CardInput, ClassPool, PoolOutcome } from '../src/experiment/classPool.ts';
import type { LrSchedule } from '../src/train/schedule.ts';

export type {
  BackendChoice,
  BackendFailure,
  BackendName,
  BackendReport,
  GPTConfig,
  SampleOptions,
  SampleResult,
};
export type { CandidateScore, ScoreRequest, AdamWConfig, LrSchedule };

/** Training data: text (encoded with the loaded vocabulary) or token ids. */
export type TrainData =
  | { kind: 'text'; text: string; docStarts?: Int32Array }
  | { kind: 'tokens'; tokens: Int32Array; docStarts?: Int32Array; lossMask?: Uint8Array };

export interface TrainSpec {
  /** Tags every event of this run; the engine makes one up when absent. */
  runId?: string;
  data: TrainData;
  /** Held-out data for the `eval` events' valLoss. */
  validation?: TrainData;
  /** Total optimizer steps (the horizon; with `resume` it counts the steps already done). */
  steps: number;
  batchSize: number;
  schedule: LrSchedule;
  /** Seeds batch order and dropout. */
  seed: number;
  /** Steps between progress events (the only steps that read the loss back from the device). */
  logInterval: number;
  gradClip?: number;
  adamW?: Partial<AdamWConfig>;
  /** Steps between eval events; 0 or absent = only at the end. */
  evalInterval?: number;
  evalBatches?: number;
  /** Continue the optimizer of the previous run or of the loaded checkpoint instead of a fresh one. */
  resume?: boolean;
  /** Emit a `sample` event at the first progress event at or after every multiple of this step. */
  sampleEvery?: number;
  samplePrompt?: string;
  sampleOptions?: SampleOptions;
  /** Emit a `checkpoint` event (the file's bytes) at the first progress event after every multiple. */
  checkpointEvery?: number;
}

export interface TrainSummary {
  runId: string;
  /** Optimizer steps done in total (counts resumed steps). */
  step: number;
  /** Steps this call ran. */
  stepsRun: number;
  /** The last logged training loss (NaN when no step was logged). */
  loss: number;
  /** True when stop() ended the run before `steps`. */
  stopped: boolean;
  seconds: number;
}

export type EngineErrorKind =
  | 'invalid-input' // a spec, a prompt or a character the model cannot take
  | 'not-initialized' // call init first
  | 'no-model' // createModel or loadCheckpoint first
  | 'busy' // a run is in progress
  | 'non-finite-loss' // the loss became NaN or infinite
  | 'device-lost' // the WebGPU device went away
  | 'checkpoint' // a checkpoint file was refused
  | 'internal';

export type EngineEvent =
  | {
      type: 'progress';
      runId: string;
      step: number;
      steps: number;
      loss: number;
      lr: number;
      gradNorm: number;
      tokensPerSecond: number;
      etaSeconds: number;
    }
  | { type: 'eval'; runId: string; step: number; trainLoss: number; valLoss: number | null }
  | { type: 'sample'; runId: string; step: number; prompt: string; text: string }
  | { type: 'checkpoint'; runId: string; step: number; bytes: Uint8Array }
  | { type: 'done'; runId: string; summary: TrainSummary }
  | { type: 'error'; runId: string; kind: EngineErrorKind; message: string };

/** The page passes `Comlink.proxy(fn)`; inside the worker each call returns a promise, hence the union. */
export type EngineEventSink = (event: EngineEvent) => void | Promise<void>;

export interface ModelInfo {
  config: GPTConfig;
  vocab: string[];
  parameterCount: number;
  /** Optimizer steps behind these weights. */
  step: number;
  backend: BackendName;
}

export interface CheckpointMeta {
  recipe?: unknown;
  metrics?: Record<string, unknown>;
  info?: Record<string, unknown>;
}

export interface MemoryReport {
  backend: BackendName;
  numTensors: number;
  numDataBuffers: number;
  numBytes: number;
  /** tfjs cannot count some backends' bytes exactly (e.g. webgl textures). */
  unreliable: boolean;
}

export interface LogitsResult {
  /** [batch, time, vocab] row-major. */
  values: Float32Array;
  shape: [number, number, number];
}

export interface EngineApi {
  /** Starts a backend ('auto' tries webgpu, webgl, wasm, cpu). Moves a loaded model over. */
  init(backend: BackendChoice): Promise<BackendReport>;
  /** A fresh model with seeded weights; replaces the loaded one. */
  createModel(config: GPTConfig, vocab: string[], seed: number): Promise<ModelInfo>;
  /** Trains the loaded model. Events arrive through `onEvent`; the promise rejects on any failure. */
  train(spec: TrainSpec, onEvent: EngineEventSink): Promise<TrainSummary>;
  pause(): Promise<void>;
  resume(): Promise<void>;
  stop(): Promise<void>;
  sample(prompt: string, options: SampleOptions): Promise<SampleResult>;
  score(requests: ScoreRequest[]): Promise<CandidateScore[][]>;
  /** The loaded model (and its optimizer, if it has trained) as a checkpoint file; the buffer is transferred. */
  saveCheckpoint(meta?: CheckpointMeta): Promise<Uint8Array>;
  /** Validates the whole file first: a refused file leaves the loaded model as it was. */
  loadCheckpoint(bytes: Uint8Array): Promise<ModelInfo>;
  memory(): Promise<MemoryReport>;
  /** Logits for ids [batch, time] (row-major): for parity tests and inspection. */
  logits(ids: Int32Array, batch: number, time: number): Promise<LogitsResult>;
}

// ---------------------------------------------------------------------------------------------------
// The lab: whole experiments (the same runner as the CLI) inside the worker, saved in IndexedDB.

export type { ExperimentRecipe, RunEvent, RunResults, EvalSummary, CorpusStats, StagePlace };
export type { CardInput, ClassPool, PoolOutcome };

/** A finished run's result card, as a file's text and as a code to paste. */
export interface ExportedCard {
  fileName: string;
  fileText: string;
  code: string;
}

export type { CheckpointDirection, DirectionPair, PersonaDirection };

/** What the corpus explorer shows for a recipe: computed in the worker from the generator. */
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

/** Where a run starts: from scratch, or with earlier stages replaced by a checkpoint. */
export type RunStart =
  | { kind: 'scratch' }
  | {
      kind: 'checkpoint';
      stage: 'select' | 'finetune';
      name: string;
      bytes: Uint8Array;
      /** With stage 'finetune': the pretrained base the persona direction is measured on. */
      directionBase?: { name: string; bytes: Uint8Array };
    }
  /** Continue the saved run with this id, however it started (its start checkpoint is stored with it). */
  | { kind: 'resume' };

export interface RunRequest {
  recipe: ExperimentRecipe;
  /** A new run id, or the id of a saved run to resume. */
  runId: string;
  start: RunStart;
}

export interface SavedRun {
  runId: string;
  savedAt: number;
  recipe: ExperimentRecipe;
  finished: boolean;
  /** The results so far (built from the saved state). */
  results: RunResults;
  /** Names of the checkpoints stored for this run. */
  checkpoints: string[];
}

export type RunEventSink = (event: RunEvent) => void | Promise<void>;

/** What a checkpoint file holds, as far as starting a run from it goes. */
export interface CheckpointInspection {
  /** Optimizer steps behind its weights. */
  step: number;
  parameterCount: number;
  /** The stage it was saved after (`pretrain`, `select`, ...), when it says. */
  stage: string | null;
  /** The recipe that produced it, when it embeds one that this lab reads; else null. */
  recipe: ExperimentRecipe | null;
}

export interface LabApi {
  /** Generates the corpus of a recipe and summarises it (no model involved). */
  corpusPreview(recipe: ExperimentRecipe, documentsPerPersona: number): Promise<CorpusPreview>;
  /** Runs (or resumes) an experiment; resolves with its results; rejects with the error on failure. */
  startRun(request: RunRequest, onEvent: RunEventSink): Promise<RunResults>;
  pauseRun(): Promise<void>;
  resumeRun(): Promise<void>;
  /** Stops at the current step after saving a checkpoint there (the run can resume later). */
  stopRun(): Promise<void>;
  savedRuns(): Promise<SavedRun[]>;
  deleteRun(runId: string): Promise<void>;
  /** A stored checkpoint's bytes (to download), transferred. */
  exportCheckpoint(runId: string, name: string): Promise<Uint8Array>;
  /** Checks a file before it is used as a run's start (throws a clear message if refused). */
  inspectCheckpoint(bytes: Uint8Array): Promise<CheckpointInspection>;
  /** Evaluates a stored checkpoint (or given bytes) on the recipe's probes. */
  evaluateCheckpoint(recipe: ExperimentRecipe, source: CheckpointSource): Promise<EvalSummary>;
  /** Samples from a stored checkpoint (or given bytes), for side-by-side comparison; with `steering`,
   * the direction times alpha spreads is added to the residual stream at its layer while sampling. */
  sampleCheckpoint(
    source: CheckpointSource,
    prompt: string,
    options: SampleOptions,
    steering?: SteeringRequest | null,
  ): Promise<SampleResult>;
  /** The persona direction of `pair` measured on a checkpoint (held-out contexts of the recipe's
   * probes), with the checkpoint's own Assistant's projection on it per layer. */
  measureDirection(
    recipe: ExperimentRecipe,
    source: CheckpointSource,
    pair: DirectionPair,
  ): Promise<CheckpointDirection>;
  /** Off-code MI of a checkpoint steered by each alpha (spreads along the direction at `layer`), on
   * the first `probesPerDomain` domain probes of each off-code domain: the dose-response. */
  steeringDose(
    recipe: ExperimentRecipe,
    source: CheckpointSource,
    steering: Omit<SteeringRequest, 'alpha'>,
    alphas: number[],
    probesPerDomain: number,
  ): Promise<SteeringDosePoint[]>;
  /** The result card of a saved run's finished fine-tunes (its base: the run's selected checkpoint). */
  resultCard(runId: string): Promise<ExportedCard>;
  /** Pools students' result cards (files' text or pasted codes): the class's results, and what was left out. */
  poolCards(cards: CardInput[]): Promise<PoolOutcome>;
}

/** Steering: `alpha` spreads of `direction` at `layer`, added to the residual stream. */
export interface SteeringRequest {
  direction: PersonaDirection;
  layer: number;
  alpha: number;
}

/** One point of the dose-response: alpha and the off-code MI (nats, null when no probe counted). */
export type SteeringDosePoint = DosePoint;

export type CheckpointSource =
  | { kind: 'stored'; runId: string; name: string }
  /** `name`: what to call the file in what is measured on it (e.g. a direction's source). */
  | { kind: 'bytes'; bytes: Uint8Array; name?: string };

/** Everything the worker exposes: the engine and the lab. */
export type WorkerApi = EngineApi & LabApi;
