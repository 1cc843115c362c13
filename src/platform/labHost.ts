// The engine worker's one surface (workers/contract.ts): whole experiments through the same runner as the
// CLI, with runs and checkpoints autosaved (IndexedDB in the browser), plus the corpus preview,
// evaluation and sampling of any stored checkpoint. It owns the backend, the one-run-at-a-time gate and
// the watch on the WebGPU device. workers/engine.worker.ts exposes it; tests drive it directly.
import * as tf from '@tensorflow/tfjs';
import { transfer } from 'comlink';
import { steeringVector, type DirectionPair, type EvalSummary } from '../eval/index.ts';
import { corpusInputs, type CorpusInputs } from '../experiment/corpusInputs.ts';
import { corpusPreview, type CorpusPreview } from '../experiment/corpusPreview.ts';
import {
  checkpointDirection,
  evaluateCheckpoint,
  type CheckpointDirection,
} from '../experiment/evaluateCheckpoint.ts';
import { steeringDose } from '../experiment/steeringDose.ts';
import type { ExperimentRecipe } from '../experiment/recipe.ts';
import { buildResults, type RunResults } from '../experiment/results.ts';
import { RunControl } from '../experiment/runControl.ts';
import { poolCards, type CardInput, type PoolOutcome } from '../experiment/classPool.ts';
import { cardCode, cardFileText, resultCard } from '../experiment/resultCard.ts';
import { weightsFingerprint } from '../train/weightsFingerprint.ts';
import type { RunEvent } from '../experiment/runEvents.ts';
import { checkRunState } from '../experiment/runState.ts';
import type { RunStore } from '../experiment/runStore.ts';
import { runExperiment } from '../experiment/runner.ts';
import { validateRecipe } from '../experiment/validateRecipe.ts';
import { parameterCount } from '../model/config.ts';
import { GPT, withSteering } from '../model/gpt.ts';
import { disposeCausalMasks } from '../model/modelOps.ts';
import { sampleText, type SampleOptions, type SampleResult } from '../model/sampling.ts';
import { CharTokenizer } from '../model/tokenizer.ts';
import { decodeCheckpoint, type Checkpoint } from '../train/checkpoint.ts';
import type {
  BackendChoice,
  BackendName,
  BackendReport,
  CheckpointInspection,
  CheckpointSource,
  EngineErrorKind,
  ExportedCard,
  LabApi,
  MemoryReport,
  RunEventSink,
  RunRequest,
  SavedRun,
  SteeringDosePoint,
  SteeringRequest,
} from '../../workers/contract.ts';
import { isBackendName, selectBackend } from './backend.ts';
import { EngineError, toEngineError } from './engineError.ts';
import { DeviceWatch } from './gpuLost.ts';
import { idbLabStorage } from './idbRunStore.ts';

/** Where the lab keeps runs, their checkpoints and small settings across reloads. */
export interface LabStorage {
  run(runId: string): RunStore & { checkpointNames(): Promise<string[]> };
  /** Every saved run, newest first. */
  list(): Promise<{ runId: string; savedAt: number }[]>;
  /** Removes a run's state and every checkpoint of it. */
  delete(runId: string): Promise<void>;
  getSetting<T>(key: string): Promise<T | undefined>;
  setSetting(key: string, value: unknown): Promise<void>;
}

/** The name under which a run keeps the checkpoint it started from (how it used it is a setting). */
const START_CHECKPOINT = 'start-checkpoint';
/** The pretrained base a run from a selected model measures the persona direction on, when given. */
const DIRECTION_BASE = 'direction-base';
/** How long a run that failed on webgpu waits to learn whether the device was lost (the real cause). */
const DEVICE_LOSS_GRACE_MS = 3000;

export class LabHost implements LabApi {
  private backendName: BackendName | null = null;
  private device: DeviceWatch | null = null;
  /** The run in progress (one at a time): its pause, resume and stop. */
  private control: RunControl | null = null;
  /** Corpus inputs of the last recipe, reused while the recipe stays the same. */
  private cached: { key: string; inputs: CorpusInputs } | null = null;

  constructor(private readonly storage: LabStorage = idbLabStorage) {}

  async init(choice: BackendChoice): Promise<BackendReport> {
    this.assertIdle();
    if (choice !== 'auto' && !isBackendName(choice)) {
      throw new EngineError('invalid-input', `unknown backend ${JSON.stringify(choice)}`);
    }
    let report: BackendReport;
    try {
      report = await selectBackend(choice);
    } finally {
      // Tensors belong to the backend that made them: the cached masks go with the old one.
      disposeCausalMasks();
    }
    this.backendName = report.backend;
    this.device?.close();
    this.device = new DeviceWatch(report.backend);
    return report;
  }

  async memory(): Promise<MemoryReport> {
    const [backend] = this.assertReady();
    const m = tf.memory();
    return {
      backend,
      numTensors: m.numTensors,
      numDataBuffers: m.numDataBuffers,
      numBytes: m.numBytes,
      unreliable: m.unreliable === true,
    };
  }

  private inputsFor(recipe: ExperimentRecipe): CorpusInputs {
    const key = JSON.stringify({
      corpus: recipe.corpus,
      seed: recipe.seeds.corpus,
      eval: recipe.eval,
      f: recipe.finetune,
      user: recipe.user ?? null,
    });
    if (this.cached?.key !== key) this.cached = { key, inputs: corpusInputs(recipe) };
    return this.cached.inputs;
  }

  async corpusPreview(recipe: ExperimentRecipe, documentsPerPersona: number): Promise<CorpusPreview> {
    return corpusPreview(checkedRecipe(recipe), documentsPerPersona);
  }

  async startRun(request: RunRequest, onEvent: RunEventSink): Promise<RunResults> {
    // Once the run has ended (a lost device ends it before its loop knows), its events are over.
    let open = true;
    let failureTold = false;
    // Events are fire-and-forget: a page that went away must not break the run.
    const emit = (event: RunEvent) => {
      if (!open) return;
      if (event.type === 'error') failureTold = true;
      try {
        void Promise.resolve(onEvent(event)).catch(() => {});
      } catch {
        // the sink threw synchronously: nothing to tell it
      }
    };
    // Every failure is told twice, as an `error` event (the runner's own, else this one) and a rejection.
    const fail = (error: unknown, fallback: EngineError['kind']): EngineError => {
      const engineError = toEngineError(error, fallback);
      if (!failureTold)
        emit({ type: 'error', runId: request.runId, stage: null, message: engineError.message });
      open = false;
      return engineError;
    };
    let recipe: ExperimentRecipe;
    let backend: BackendName;
    let device: DeviceWatch;
    try {
      this.assertIdle();
      [backend, device] = this.assertReady();
      recipe = validateRecipe(request.recipe);
    } catch (error) {
      throw fail(error, 'invalid-input');
    }
    const control = new RunControl();
    this.control = control;
    try {
      const store = this.storage.run(request.runId);
      const start = await this.startOf(request, store);
      const directionBase = await this.directionBaseOf(request, store);
      const run = runExperiment(recipe, {
        store,
        backend,
        runId: request.runId,
        control,
        onEvent: emit,
        inputs: this.inputsFor(recipe),
        startFrom: start ?? undefined,
        ...(directionBase ? { directionBase } : {}),
      });
      // The run's own failure, once the race is lost, has nobody to tell.
      run.catch(() => {});
      const results = await Promise.race([run, device.lost()]);
      open = false;
      return results;
    } catch (error) {
      control.stop();
      const loss = error instanceof EngineError ? null : await device.lossWithin(DEVICE_LOSS_GRACE_MS);
      if (loss) {
        failureTold = false; // the runner told the symptom; the cause is what the page must show
        throw fail(new EngineError('device-lost', loss.message), 'device-lost');
      }
      throw fail(error, 'internal');
    } finally {
      device.release();
      this.control = null;
    }
  }

  private assertIdle(): void {
    if (this.control) throw new EngineError('busy', 'a run is in progress: stop it first');
  }

  /** The backend to compute on: refuses before `init`, and after the device was lost. */
  private assertReady(): [BackendName, DeviceWatch] {
    const { backendName, device } = this;
    if (!backendName || !device) throw new EngineError('not-initialized', 'call init(backend) first');
    if (device.loss) throw new EngineError('device-lost', device.loss.message);
    return [backendName, device];
  }

  /**
   * The checkpoint that replaces earlier stages: the request's (kept with the run, so that a resume after
   * a reload finds it), or for a resume, the one kept.
   */
  private async startOf(
    request: RunRequest,
    store: RunStore,
  ): Promise<{ stage: 'select' | 'finetune'; name: string; bytes: Uint8Array } | null> {
    const start = request.start;
    if (start.kind === 'scratch') return null;
    if (start.kind === 'checkpoint') {
      await decodeOrThrow(start.bytes);
      await store.saveCheckpoint(START_CHECKPOINT, start.bytes);
      await this.storage.setSetting(`start/${request.runId}`, { stage: start.stage, name: start.name });
      return { stage: start.stage, name: start.name, bytes: start.bytes };
    }
    if (!(await store.loadState()))
      throw new EngineError('invalid-input', `there is no saved run ${request.runId} to resume`);
    const meta = await this.storage.getSetting<{ stage: 'select' | 'finetune'; name: string }>(
      `start/${request.runId}`,
    );
    const bytes = await store.loadCheckpoint(START_CHECKPOINT);
    if (!meta || !bytes) return null;
    return { stage: meta.stage, name: meta.name, bytes };
  }

  /** The run's direction base: the request's (kept with the run for a resume), or the one kept. */
  private async directionBaseOf(
    request: RunRequest,
    store: RunStore,
  ): Promise<{ name: string; bytes: Uint8Array } | null> {
    const start = request.start;
    if (start.kind === 'checkpoint') {
      if (!start.directionBase) return null;
      await decodeOrThrow(start.directionBase.bytes);
      await store.saveCheckpoint(DIRECTION_BASE, start.directionBase.bytes);
      await this.storage.setSetting(`direction-base/${request.runId}`, start.directionBase.name);
      return start.directionBase;
    }
    if (start.kind !== 'resume') return null;
    const name = await this.storage.getSetting<string>(`direction-base/${request.runId}`);
    const bytes = await store.loadCheckpoint(DIRECTION_BASE);
    return name && bytes ? { name, bytes } : null;
  }

  async pauseRun(): Promise<void> {
    this.control?.pause();
  }

  async resumeRun(): Promise<void> {
    this.control?.resume();
  }

  async stopRun(): Promise<void> {
    this.control?.stop();
  }

  async savedRuns(): Promise<SavedRun[]> {
    const out: SavedRun[] = [];
    for (const { runId, savedAt } of await this.storage.list()) {
      const store = this.storage.run(runId);
      try {
        const raw = (await store.loadState()) as { recipe?: unknown } | null;
        if (!raw) continue;
        const recipe = validateRecipe(raw.recipe);
        const state = checkRunState(raw, recipe);
        out.push({
          runId,
          savedAt,
          recipe,
          finished: state.finished,
          results: buildResults(state),
          checkpoints: await store.checkpointNames(),
        });
      } catch {
        // A run saved by an incompatible version of the lab, or damaged: listed nowhere, deleted by the user.
      }
    }
    return out;
  }

  async deleteRun(runId: string): Promise<void> {
    this.assertIdle();
    await this.storage.delete(runId);
  }

  async exportCheckpoint(runId: string, name: string): Promise<Uint8Array> {
    const bytes = await this.storage.run(runId).loadCheckpoint(name);
    if (!bytes) throw new EngineError('invalid-input', `run ${runId} has no checkpoint ${name}`);
    return transfer(bytes, [bytes.buffer as ArrayBuffer]);
  }

  async inspectCheckpoint(bytes: Uint8Array): Promise<CheckpointInspection> {
    const ckpt = await decodeOrThrow(bytes);
    const stage = typeof ckpt.info.stage === 'string' ? ckpt.info.stage : null;
    return { step: ckpt.step, parameterCount: parameterCount(ckpt.config), stage, recipe: recipeOf(ckpt) };
  }

  async evaluateCheckpoint(recipe: ExperimentRecipe, source: CheckpointSource): Promise<EvalSummary> {
    const checked = checkedRecipe(recipe);
    const ckpt = await this.checkpointOf(source);
    return failingAs('internal', () =>
      evaluateCheckpoint(ckpt, checked, { inputs: this.inputsFor(checked) }),
    );
  }

  async sampleCheckpoint(
    source: CheckpointSource,
    prompt: string,
    options: SampleOptions,
    steering: SteeringRequest | null = null,
  ): Promise<SampleResult> {
    const ckpt = await this.checkpointOf(source);
    const model = GPT.fromWeights(ckpt.config, ckpt.weights);
    try {
      const steer = steering
        ? {
            layer: steering.layer,
            vector: steeringVector(steering.direction, steering.layer, steering.alpha),
          }
        : null;
      return await withSteering(model, steer, () =>
        sampleText(model, new CharTokenizer(ckpt.vocab), prompt, options),
      );
    } catch (error) {
      throw toEngineError(error, 'invalid-input');
    } finally {
      model.dispose();
    }
  }

  async resultCard(runId: string): Promise<ExportedCard> {
    const store = this.storage.run(runId);
    const raw = (await store.loadState()) as { recipe?: unknown } | null;
    if (!raw) throw new EngineError('invalid-input', `there is no saved run ${runId}`);
    const results = buildResults(checkRunState(raw, checkedRecipe(raw.recipe as ExperimentRecipe)));
    const select = await this.checkpointOf({ kind: 'stored', runId, name: 'select' });
    return failingAs('invalid-input', async () => {
      const card = resultCard(results, await weightsFingerprint(select));
      return { fileName: `card-${runId}.json`, fileText: cardFileText(card), code: cardCode(card) };
    });
  }

  async measureDirection(
    recipe: ExperimentRecipe,
    source: CheckpointSource,
    pair: DirectionPair,
  ): Promise<CheckpointDirection> {
    const checked = checkedRecipe(recipe);
    const ckpt = await this.checkpointOf(source);
    const name = source.kind === 'stored' ? source.name : (source.name ?? 'the given checkpoint');
    return failingAs('invalid-input', () =>
      checkpointDirection(ckpt, checked, name, pair, { inputs: this.inputsFor(checked) }),
    );
  }

  async poolCards(cards: CardInput[]): Promise<PoolOutcome> {
    return poolCards(cards);
  }

  async steeringDose(
    recipe: ExperimentRecipe,
    source: CheckpointSource,
    steering: Omit<SteeringRequest, 'alpha'>,
    alphas: number[],
    probesPerDomain: number,
  ): Promise<SteeringDosePoint[]> {
    const checked = checkedRecipe(recipe);
    const ckpt = await this.checkpointOf(source);
    return failingAs('invalid-input', () =>
      steeringDose(ckpt, checked, steering, alphas, probesPerDomain, { inputs: this.inputsFor(checked) }),
    );
  }

  /** A checkpoint to compute on (so, refused once the device is lost). */
  private async checkpointOf(source: CheckpointSource): Promise<Checkpoint> {
    this.assertReady();
    if (source.kind === 'bytes') return decodeOrThrow(source.bytes);
    const bytes = await this.storage.run(source.runId).loadCheckpoint(source.name);
    if (!bytes)
      throw new EngineError('invalid-input', `run ${source.runId} has no checkpoint ${source.name}`);
    return decodeOrThrow(bytes);
  }
}

function checkedRecipe(recipe: ExperimentRecipe): ExperimentRecipe {
  try {
    return validateRecipe(recipe);
  } catch (error) {
    throw toEngineError(error, 'invalid-input');
  }
}

/** The checkpoint's embedded recipe if this lab reads it (an older or foreign one gives null). */
function recipeOf(ckpt: Checkpoint): ExperimentRecipe | null {
  try {
    return validateRecipe(ckpt.recipe);
  } catch {
    return null;
  }
}

function decodeOrThrow(bytes: Uint8Array): Promise<Checkpoint> {
  return failingAs('checkpoint', () => decodeCheckpoint(bytes));
}

/** Does `work`, a failure of it reported as an EngineError of `kind` (unless it already is one). */
async function failingAs<T>(kind: EngineErrorKind, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toEngineError(error, kind);
  }
}
