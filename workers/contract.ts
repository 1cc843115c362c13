// THE contract between the page and the engine worker: the API the worker exposes through comlink and
// the events it emits. Both sides import this module and nothing else of each other. Everything that
// crosses is plain structured-clonable data (numbers, strings, arrays, typed arrays).
import type { SampleOptions, SampleResult } from '../src/model/sampling.ts';
import type { BackendChoice, BackendFailure, BackendName, BackendReport } from '../src/util/backendReport.ts';
import type { CorpusStats } from '../src/corpus/index.ts';
import type { DirectionPair, EvalSummary, PersonaDirection } from '../src/eval/index.ts';
import type { CheckpointDirection } from '../src/experiment/evaluateCheckpoint.ts';
import type { DosePoint } from '../src/experiment/steeringDose.ts';
import type { CorpusPreview } from '../src/experiment/corpusPreview.ts';
import type { ExperimentRecipe } from '../src/experiment/recipe.ts';
import type { RunEvent, StagePlace } from '../src/experiment/runEvents.ts';
import type { RunResults } from '../src/experiment/results.ts';
import type { CardInput, ClassPool, PoolOutcome } from '../src/experiment/classPool.ts';

export type { BackendChoice, BackendFailure, BackendName, BackendReport, SampleOptions, SampleResult };

export type EngineErrorKind =
  | 'invalid-input' // a recipe, a prompt or a character the model cannot take
  | 'not-initialized' // call init first
  | 'busy' // a run is in progress
  | 'non-finite-loss' // the loss became NaN or infinite
  | 'device-lost' // the WebGPU device went away
  | 'checkpoint' // a checkpoint file was refused
  | 'internal';

export interface MemoryReport {
  backend: BackendName;
  numTensors: number;
  numDataBuffers: number;
  numBytes: number;
  /** tfjs cannot count some backends' bytes exactly (e.g. webgl textures). */
  unreliable: boolean;
}

export type { ExperimentRecipe, RunEvent, RunResults, EvalSummary, CorpusPreview, CorpusStats, StagePlace };
export type { CardInput, ClassPool, PoolOutcome };

/** A finished run's result card, as a file's text and as a code to paste. */
export interface ExportedCard {
  fileName: string;
  fileText: string;
  code: string;
}

export type { CheckpointDirection, DirectionPair, PersonaDirection };

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

/** Everything the worker exposes: whole experiments (the same runner as the CLI), saved in IndexedDB. */
export interface LabApi {
  /** Starts a backend ('auto' tries webgpu, webgl, wasm, cpu). Refused while a run is in progress. */
  init(backend: BackendChoice): Promise<BackendReport>;
  /** The backend's tensor and memory counts: a run that leaks shows here. */
  memory(): Promise<MemoryReport>;
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
