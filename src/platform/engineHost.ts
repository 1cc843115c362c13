// The engine behind the worker contract: one model, its tokenizer and optimizer, on one tfjs backend.
// workers/engine.worker.ts exposes it through comlink; tests drive it directly, without a Worker.
import * as tf from '@tensorflow/tfjs';
import { transfer } from 'comlink';
import { GPT } from '../model/gpt.ts';
import { disposeCausalMasks } from '../model/modelOps.ts';
import { sampleText, type SampleOptions, type SampleResult } from '../model/sampling.ts';
import { scoreCandidates, type CandidateScore, type ScoreRequest } from '../model/scoring.ts';
import { CharTokenizer } from '../model/tokenizer.ts';
import { AdamW, type AdamWState } from '../train/adamW.ts';
import { decodeCheckpoint, encodeCheckpoint } from '../train/checkpoint.ts';
import { Trainer, type TrainEvent } from '../train/trainer.ts';
import type {
  BackendChoice,
  BackendName,
  BackendReport,
  CheckpointMeta,
  EngineApi,
  EngineEvent,
  EngineEventSink,
  GPTConfig,
  LogitsResult,
  MemoryReport,
  ModelInfo,
  TrainSpec,
  TrainSummary,
} from '../../workers/contract.ts';
import { isBackendName, selectBackend } from './backend.ts';
import { EngineError, toEngineError } from './engineError.ts';
import { watchDeviceLoss, type DeviceLoss } from './gpuLost.ts';
import { RunGate } from './runGate.ts';
import { resolveTrainSpec } from './trainSpec.ts';

interface Loaded {
  model: GPT;
  tokenizer: CharTokenizer;
  /** Null until the model trains (or a checkpoint brings optimizer state). */
  optimizer: AdamW | null;
  /** Optimizer steps behind the weights. */
  step: number;
}

/** Every step that crossed a multiple of `every` between `before` (exclusive) and `now` (inclusive). */
const crossed = (before: number, now: number, every: number) =>
  Math.floor(now / every) > Math.floor(before / every);

export class EngineHost implements EngineApi {
  private backendName: BackendName | null = null;
  private loaded: Loaded | null = null;
  private gate: RunGate | null = null;
  private deviceLoss: DeviceLoss | null = null;
  private onDeviceLoss: ((loss: DeviceLoss) => void) | null = null;
  private stopWatchingDevice: () => void = () => {};
  private runCounter = 0;

  async init(choice: BackendChoice): Promise<BackendReport> {
    this.assertIdle();
    if (choice !== 'auto' && !isBackendName(choice)) {
      throw new EngineError('invalid-input', `unknown backend ${JSON.stringify(choice)}`);
    }
    // A loaded model moves over through plain arrays: tensors belong to the backend that made them.
    const saved = this.loaded ? await this.readState(this.loaded) : null;
    let report: BackendReport;
    try {
      report = await selectBackend(choice);
    } finally {
      disposeCausalMasks();
      if (saved && this.loaded) this.loaded = this.rebuild(saved, this.loaded);
    }
    this.backendName = report.backend;
    this.deviceLoss = null;
    this.stopWatchingDevice();
    this.stopWatchingDevice = watchDeviceLoss((loss) => {
      this.deviceLoss = loss;
      this.onDeviceLoss?.(loss);
    });
    return report;
  }

  async createModel(config: GPTConfig, vocab: string[], seed: number): Promise<ModelInfo> {
    this.assertIdle();
    this.assertReady();
    let tokenizer: CharTokenizer;
    let model: GPT;
    try {
      tokenizer = new CharTokenizer(vocab);
      if (config.vocabSize !== tokenizer.size) {
        throw new Error(`config.vocabSize is ${config.vocabSize} but the vocabulary has ${tokenizer.size}`);
      }
      model = GPT.create(config, seed);
    } catch (error) {
      throw toEngineError(error, 'invalid-input');
    }
    this.replace({ model, tokenizer, optimizer: null, step: 0 });
    return this.info();
  }

  async train(spec: TrainSpec, onEvent: EngineEventSink): Promise<TrainSummary> {
    this.runCounter += 1;
    const runId = spec.runId ?? `run-${this.runCounter}`;
    // Events are fire-and-forget: a page that went away must not break the run.
    const emit = (event: EngineEvent) => {
      try {
        void Promise.resolve(onEvent(event)).catch(() => {});
      } catch {
        // the sink threw synchronously: nothing to tell it
      }
    };
    const fail = (error: unknown, fallback: EngineError['kind'] = 'internal'): EngineError => {
      const engineError = toEngineError(error, fallback);
      emit({ type: 'error', runId, kind: engineError.kind, message: engineError.message });
      return engineError;
    };

    let loaded: Loaded;
    let trainer: Trainer;
    try {
      this.assertIdle();
      this.assertReady();
      loaded = this.assertModel();
      const { train, validation, options } = resolveTrainSpec(spec, loaded.tokenizer);
      if (!spec.resume || !loaded.optimizer) {
        loaded.optimizer?.dispose();
        loaded.optimizer = new AdamW(loaded.model.params, loaded.model.specs, options.adamW);
      }
      trainer = new Trainer(loaded.model, train, validation, options, loaded.optimizer);
    } catch (error) {
      throw fail(error, 'invalid-input');
    }

    const gate = new RunGate(trainer.control);
    this.gate = gate;
    const firstStep = trainer.step;
    const started = performance.now();
    let lastSample = firstStep;
    let lastCheckpoint = firstStep;
    const onTrainEvent = (event: TrainEvent) => {
      if (event.kind === 'eval') {
        emit({ type: 'eval', runId, step: event.step, trainLoss: event.trainLoss, valLoss: event.valLoss });
        return;
      }
      const { kind: _kind, ...progress } = event;
      emit({ type: 'progress', runId, ...progress });
      const { sampleEvery, checkpointEvery, samplePrompt } = spec;
      if (sampleEvery !== undefined && samplePrompt && crossed(lastSample, event.step, sampleEvery)) {
        lastSample = event.step;
        const options = spec.sampleOptions ?? { maxNewChars: 64, temperature: 0.8, topK: 0, seed: 0 };
        gate.hold(async () => {
          const { text } = await sampleText(loaded.model, loaded.tokenizer, samplePrompt, options);
          emit({ type: 'sample', runId, step: event.step, prompt: samplePrompt, text });
        });
      }
      if (checkpointEvery !== undefined && crossed(lastCheckpoint, event.step, checkpointEvery)) {
        lastCheckpoint = event.step;
        gate.hold(async () => {
          const bytes = await this.encode(loaded, { info: { runId } });
          const message: EngineEvent = { type: 'checkpoint', runId, step: event.step, bytes };
          emit(transfer(message, [bytes.buffer]));
        });
      }
    };

    const lost = this.deviceLost();
    try {
      const loss = await Promise.race([trainer.run(onTrainEvent), lost]);
      await gate.settled();
      loaded.step = trainer.step;
      const summary: TrainSummary = {
        runId,
        step: trainer.step,
        stepsRun: trainer.step - firstStep,
        loss,
        stopped: trainer.step < trainer.options.steps,
        seconds: (performance.now() - started) / 1000,
      };
      emit({ type: 'done', runId, summary });
      return summary;
    } catch (error) {
      trainer.control.stop();
      loaded.step = trainer.step;
      throw fail(error);
    } finally {
      this.gate = null;
      this.onDeviceLoss = null;
    }
  }

  /**
   * Rejects with a 'device-lost' EngineError once the WebGPU device is lost (at once if it already is).
   * A lost device can leave a read-back pending forever: runs race this so they always end. One run at a
   * time listens; it clears `onDeviceLoss` when it ends.
   */
  protected deviceLost(): Promise<never> {
    const lost = new Promise<never>((_, reject) => {
      const rejectWith = (loss: DeviceLoss) => reject(new EngineError('device-lost', loss.message));
      if (this.deviceLoss) rejectWith(this.deviceLoss);
      this.onDeviceLoss = rejectWith;
    });
    // A run that ends otherwise leaves this promise unobserved: keep its rejection from being reported.
    lost.catch(() => {});
    return lost;
  }

  /**
   * Whether the device is lost or goes within `ms`. A lost device often shows first as a failed buffer
   * read ("mapAsync ... no longer exists") before its `lost` promise settles: a failed run waits this
   * long to tell the user the real cause.
   */
  protected async deviceLossWithin(ms: number): Promise<DeviceLoss | null> {
    if (this.backendName !== 'webgpu') return null;
    if (this.deviceLoss) return this.deviceLoss;
    await new Promise((resolve) => setTimeout(resolve, ms));
    return this.deviceLoss;
  }

  protected stopListeningForDeviceLoss(): void {
    this.onDeviceLoss = null;
  }

  async pause(): Promise<void> {
    this.gate?.pause();
  }

  async resume(): Promise<void> {
    this.gate?.resume();
  }

  async stop(): Promise<void> {
    this.gate?.stop();
  }

  async sample(prompt: string, options: SampleOptions): Promise<SampleResult> {
    const { model, tokenizer } = this.assertModel();
    try {
      return await sampleText(model, tokenizer, prompt, options);
    } catch (error) {
      throw toEngineError(error, 'invalid-input');
    }
  }

  async score(requests: ScoreRequest[]): Promise<CandidateScore[][]> {
    const { model, tokenizer } = this.assertModel();
    try {
      return await scoreCandidates(model, tokenizer, requests);
    } catch (error) {
      throw toEngineError(error, 'invalid-input');
    }
  }

  async saveCheckpoint(meta: CheckpointMeta = {}): Promise<Uint8Array> {
    const loaded = this.assertModel();
    if (this.gate && !this.gate.isPaused) {
      // Mid-step weights would mix two steps: checkpoints are taken between steps.
      throw new EngineError('busy', 'a run is in progress: pause it (or use checkpointEvery) to save');
    }
    const bytes = await this.encode(loaded, meta);
    return transfer(bytes, [bytes.buffer]);
  }

  async loadCheckpoint(bytes: Uint8Array): Promise<ModelInfo> {
    this.assertIdle();
    this.assertReady();
    let next: Loaded;
    try {
      // Decoding validates the whole file before anything is built; the old model stays until the swap.
      const ckpt = await decodeCheckpoint(bytes);
      const model = GPT.fromWeights(ckpt.config, ckpt.weights);
      let optimizer: AdamW | null = null;
      if (ckpt.optimizer) {
        optimizer = new AdamW(model.params, model.specs, ckpt.optimizer.config);
        optimizer.setState(ckpt.optimizer);
      }
      next = { model, tokenizer: new CharTokenizer(ckpt.vocab), optimizer, step: ckpt.step };
    } catch (error) {
      throw toEngineError(error, 'checkpoint');
    }
    this.replace(next);
    return this.info();
  }

  async memory(): Promise<MemoryReport> {
    const backend = this.assertReady();
    const m = tf.memory();
    return {
      backend,
      numTensors: m.numTensors,
      numDataBuffers: m.numDataBuffers,
      numBytes: m.numBytes,
      unreliable: m.unreliable === true,
    };
  }

  async logits(ids: Int32Array, batch: number, time: number): Promise<LogitsResult> {
    const { model, tokenizer } = this.assertModel();
    if (ids.length !== batch * time || time > model.config.blockSize || batch < 1 || time < 1) {
      throw new EngineError(
        'invalid-input',
        `logits: ${ids.length} ids do not form [${batch}, ${time}] within the context (${model.config.blockSize})`,
      );
    }
    for (const id of ids) {
      if (id < 0 || id >= tokenizer.size)
        throw new EngineError('invalid-input', `logits: id ${id} is out of range`);
    }
    const logits = tf.tidy(() => model.forward(tf.tensor2d(ids, [batch, time], 'int32')));
    const values = new Float32Array(await logits.data());
    logits.dispose();
    return { values, shape: [batch, time, tokenizer.size] };
  }

  /** Info on the loaded model. */
  info(): ModelInfo {
    const loaded = this.assertModel();
    return {
      config: loaded.model.config,
      vocab: [...loaded.tokenizer.chars],
      parameterCount: loaded.model.parameterCount,
      step: loaded.step,
      backend: this.assertReady(),
    };
  }

  private async encode(loaded: Loaded, meta: CheckpointMeta): Promise<Uint8Array> {
    const state = await this.readState(loaded);
    return encodeCheckpoint({
      config: loaded.model.config,
      vocab: [...loaded.tokenizer.chars],
      weights: state.weights,
      optimizer: state.optimizer,
      step: loaded.optimizer?.step ?? loaded.step,
      recipe: meta.recipe ?? null,
      metrics: meta.metrics ?? {},
      info: { backend: this.backendName, ...meta.info },
    });
  }

  private async readState(loaded: Loaded) {
    const weights = await loaded.model.getWeights();
    const optimizer: (AdamWState & { config: AdamW['config'] }) | null = loaded.optimizer
      ? { ...(await loaded.optimizer.getState()), config: loaded.optimizer.config }
      : null;
    return { weights, optimizer };
  }

  private rebuild(saved: Awaited<ReturnType<EngineHost['readState']>>, old: Loaded): Loaded {
    const model = GPT.fromWeights(old.model.config, saved.weights);
    let optimizer: AdamW | null = null;
    if (saved.optimizer) {
      optimizer = new AdamW(model.params, model.specs, saved.optimizer.config);
      optimizer.setState(saved.optimizer);
    }
    old.optimizer?.dispose();
    old.model.dispose();
    return { model, tokenizer: old.tokenizer, optimizer, step: old.step };
  }

  private replace(next: Loaded): void {
    this.loaded?.optimizer?.dispose();
    this.loaded?.model.dispose();
    this.loaded = next;
  }

  private assertIdle(): void {
    if (this.gate) throw new EngineError('busy', 'a training run is in progress: stop it first');
  }

  private assertReady(): BackendName {
    if (!this.backendName) throw new EngineError('not-initialized', 'call init(backend) first');
    if (this.deviceLoss) throw new EngineError('device-lost', this.deviceLoss.message);
    return this.backendName;
  }

  private assertModel(): Loaded {
    if (!this.loaded)
      throw new EngineError('no-model', 'no model loaded: call createModel or loadCheckpoint');
    return this.loaded;
  }
}
