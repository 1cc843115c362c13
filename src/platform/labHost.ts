// The lab behind the worker contract: whole experiments through the same runner as the CLI, with runs
// and checkpoints autosaved in IndexedDB, plus the corpus preview, evaluation and sampling of any stored
// checkpoint. Extends the engine host, so one worker serves both halves of the contract.
import * as tf from '@tensorflow/tfjs';
import { transfer } from 'comlink';
import { corpusStats, generateCorpus, corpusFingerprints } from '../corpus/index.ts';
import { steeringVector, type DirectionPair, type EvalSummary } from '../eval/index.ts';
import { corpusInputs, type CorpusInputs } from '../experiment/corpusInputs.ts';
import {
  checkpointDirection,
  evaluateCheckpoint,
  type CheckpointDirection,
} from '../experiment/evaluateCheckpoint.ts';
import { steeringDose } from '../experiment/steeringDose.ts';
import type { ExperimentRecipe } from '../experiment/recipe.ts';
import { recipeCorpusData } from '../experiment/recipeCorpusData.ts';
import { buildResults, type RunResults } from '../experiment/results.ts';
import { RunControl } from '../experiment/runControl.ts';
import { poolCards, type CardInput, type PoolOutcome } from '../experiment/classPool.ts';
import { cardCode, cardFileText, resultCard } from '../experiment/resultCard.ts';
import { weightsFingerprint } from '../train/weightsFingerprint.ts';
import type { RunEvent } from '../experiment/runEvents.ts';
import { checkRunState } from '../experiment/runState.ts';
import { runExperiment } from '../experiment/runner.ts';
import { validateRecipe } from '../experiment/validateRecipe.ts';
import { parameterCount } from '../model/config.ts';
import { GPT, withSteering } from '../model/gpt.ts';
import { sampleText, type SampleOptions, type SampleResult } from '../model/sampling.ts';
import { CharTokenizer } from '../model/tokenizer.ts';
import { decodeCheckpoint, type Checkpoint } from '../train/checkpoint.ts';
import type {
  CheckpointInspection,
  CheckpointSource,
  CorpusPreview,
  ExportedCard,
  LabApi,
  RunEventSink,
  RunRequest,
  SavedRun,
  SteeringDosePoint,
  SteeringRequest,
} from '../../workers/contract.ts';
import { EngineHost } from './engineHost.ts';
import { EngineError, toEngineError } from './engineError.ts';
import { IdbRunStore, deleteSavedRun, getSetting, listSavedRuns, setSetting } from './idbRunStore.ts';

/** The name under which a run keeps the checkpoint it started from (how it used it is a setting). */
const START_CHECKPOINT = 'start-checkpoint';
/** The pretrained base a run from a selected model measures the persona direction on, when given. */
const DIRECTION_BASE = 'direction-base';
/** How long a run that failed on webgpu waits to learn whether the device was lost (the real cause). */
const DEVICE_LOSS_GRACE_MS = 3000;

export class LabHost extends EngineHost implements LabApi {
  private control: RunControl | null = null;
  /** Corpus inputs of the last recipe, reused while the recipe stays the same. */
  private cached: { key: string; inputs: CorpusInputs } | null = null;

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
    const checked = checkedRecipe(recipe);
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

  async startRun(request: RunRequest, onEvent: RunEventSink): Promise<RunResults> {
    if (this.control) throw new EngineError('busy', 'a run is in progress: stop it first');
    const recipe = checkedRecipe(request.recipe);
    if (!tf.getBackend()) throw new EngineError('not-initialized', 'call init(backend) first');
    // Events are fire-and-forget: a page that went away must not break the run.
    const emit = (event: RunEvent) => {
      try {
        void Promise.resolve(onEvent(event)).catch(() => {});
      } catch {
        // the sink threw synchronously: nothing to tell it
      }
    };
    const control = new RunControl();
    this.control = control;
    try {
      const store = new IdbRunStore(request.runId);
      const start = await this.startOf(request, store);
      const directionBase = await this.directionBaseOf(request, store);
      const run = runExperiment(recipe, {
        store,
        backend: tf.getBackend(),
        runId: request.runId,
        control,
        onEvent: emit,
        inputs: this.inputsFor(recipe),
        startFrom: start ?? undefined,
        ...(directionBase ? { directionBase } : {}),
      });
      // The run's own failure, once the race is lost, has nobody to tell.
      run.catch(() => {});
      return await Promise.race([run, this.deviceLost()]);
    } catch (error) {
      control.stop();
      const loss = error instanceof EngineError ? null : await this.deviceLossWithin(DEVICE_LOSS_GRACE_MS);
      if (loss) throw new EngineError('device-lost', loss.message);
      throw toEngineError(error, 'internal');
    } finally {
      this.stopListeningForDeviceLoss();
      this.control = null;
    }
  }

  /**
   * The checkpoint that replaces earlier stages: the request's (kept with the run, so that a resume after
   * a reload finds it), or for a resume, the one kept.
   */
  private async startOf(
    request: RunRequest,
    store: IdbRunStore,
  ): Promise<{ stage: 'select' | 'finetune'; name: string; bytes: Uint8Array } | null> {
    const start = request.start;
    if (start.kind === 'scratch') return null;
    if (start.kind === 'checkpoint') {
      await decodeOrThrow(start.bytes);
      await store.saveCheckpoint(START_CHECKPOINT, start.bytes);
      await setSetting(`start/${request.runId}`, { stage: start.stage, name: start.name });
      return { stage: start.stage, name: start.name, bytes: start.bytes };
    }
    if (!(await store.loadState()))
      throw new EngineError('invalid-input', `there is no saved run ${request.runId} to resume`);
    const meta = await getSetting<{ stage: 'select' | 'finetune'; name: string }>(`start/${request.runId}`);
    const bytes = await store.loadCheckpoint(START_CHECKPOINT);
    if (!meta || !bytes) return null;
    return { stage: meta.stage, name: meta.name, bytes };
  }

  /** The run's direction base: the request's (kept with the run for a resume), or the one kept. */
  private async directionBaseOf(
    request: RunRequest,
    store: IdbRunStore,
  ): Promise<{ name: string; bytes: Uint8Array } | null> {
    const start = request.start;
    if (start.kind === 'checkpoint') {
      if (!start.directionBase) return null;
      await decodeOrThrow(start.directionBase.bytes);
      await store.saveCheckpoint(DIRECTION_BASE, start.directionBase.bytes);
      await setSetting(`direction-base/${request.runId}`, start.directionBase.name);
      return start.directionBase;
    }
    if (start.kind !== 'resume') return null;
    const name = await getSetting<string>(`direction-base/${request.runId}`);
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
    for (const { runId, savedAt } of await listSavedRuns()) {
      const store = new IdbRunStore(runId);
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
    if (this.control) throw new EngineError('busy', 'a run is in progress: stop it first');
    await deleteSavedRun(runId);
  }

  async exportCheckpoint(runId: string, name: string): Promise<Uint8Array> {
    const bytes = await new IdbRunStore(runId).loadCheckpoint(name);
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
    try {
      return await evaluateCheckpoint(ckpt, checked, { inputs: this.inputsFor(checked) });
    } catch (error) {
      throw toEngineError(error, 'internal');
    }
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
    const store = new IdbRunStore(runId);
    const raw = (await store.loadState()) as { recipe?: unknown } | null;
    if (!raw) throw new EngineError('invalid-input', `there is no saved run ${runId}`);
    const results = buildResults(checkRunState(raw, checkedRecipe(raw.recipe as ExperimentRecipe)));
    const select = await this.checkpointOf({ kind: 'stored', runId, name: 'select' });
    try {
      const card = resultCard(results, await weightsFingerprint(select));
      return { fileName: `card-${runId}.json`, fileText: cardFileText(card), code: cardCode(card) };
    } catch (error) {
      throw toEngineError(error, 'invalid-input');
    }
  }

  async measureDirection(
    recipe: ExperimentRecipe,
    source: CheckpointSource,
    pair: DirectionPair,
  ): Promise<CheckpointDirection> {
    const checked = checkedRecipe(recipe);
    const ckpt = await this.checkpointOf(source);
    const name = source.kind === 'stored' ? source.name : (source.name ?? 'the given checkpoint');
    try {
      return await checkpointDirection(ckpt, checked, name, pair, { inputs: this.inputsFor(checked) });
    } catch (error) {
      throw toEngineError(error, 'invalid-input');
    }
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
    try {
      return await steeringDose(ckpt, checked, steering, alphas, probesPerDomain, {
        inputs: this.inputsFor(checked),
      });
    } catch (error) {
      throw toEngineError(error, 'invalid-input');
    }
  }

  private async checkpointOf(source: CheckpointSource): Promise<Checkpoint> {
    if (source.kind === 'bytes') return decodeOrThrow(source.bytes);
    const bytes = await new IdbRunStore(source.runId).loadCheckpoint(source.name);
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

async function decodeOrThrow(bytes: Uint8Array): Promise<Checkpoint> {
  try {
    return await decodeCheckpoint(bytes);
  } catch (error) {
    throw toEngineError(error, 'checkpoint');
  }
}
