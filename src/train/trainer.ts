// The training loop, in nanoGPT's order: learning rate, evaluation, forward/backward, clip, update, log.
// It knows nothing of any UI: it reports through an `onEvent` callback.
import * as tf from '@tensorflow/tfjs';
import type { GPT } from '../model/gpt.ts';
import { Rng } from '../util/rng.ts';
import { AdamW, DEFAULT_ADAMW, type AdamWConfig } from './adamW.ts';
import { getBatch, sweepBatches, validateTokenData, type TokenData } from './batches.ts';
import { lrAt, type LrSchedule } from './schedule.ts';
import { TrainControl } from './trainControl.ts';
import { batchTensors, trainStep } from './trainStep.ts';

export interface TrainOptions {
  /** Total steps of this run (the schedule's horizon). */
  steps: number;
  batchSize: number;
  schedule: LrSchedule;
  gradClip: number;
  adamW: AdamWConfig;
  /** Steps between progress reports (the only steps that read the loss back from the device). */
  logInterval: number;
  /** Steps between evaluations on the held-out split; 0 = only at the end. */
  evalInterval: number;
  /** Batches per evaluation. */
  evalBatches: number;
  /** Seeds batch order and dropout; a step's batch depends only on (seed, step), so resumes repeat it. */
  seed: number;
}

export const DEFAULT_TRAIN_OPTIONS: Omit<TrainOptions, 'steps' | 'batchSize' | 'schedule' | 'seed'> = {
  gradClip: 1,
  adamW: DEFAULT_ADAMW,
  logInterval: 10,
  evalInterval: 0,
  evalBatches: 4,
};

export type TrainEvent =
  | {
      kind: 'progress';
      step: number;
      steps: number;
      loss: number;
      lr: number;
      gradNorm: number;
      tokensPerSecond: number;
      etaSeconds: number;
    }
  | { kind: 'eval'; step: number; trainLoss: number; valLoss: number | null };

export class NonFiniteLossError extends Error {
  constructor(readonly step: number) {
    super(
      `the loss became NaN or infinite at step ${step}: training stopped. ` +
        'Lower the learning rate or the gradient clip and resume from the last checkpoint.',
    );
    this.name = 'NonFiniteLossError';
  }
}

/** Mean loss over up to `maxBatches` deterministic batches (windows from document starts). */
export async function estimateLoss(
  model: GPT,
  data: TokenData,
  batchSize: number,
  maxBatches: number,
): Promise<number> {
  let total = 0;
  let count = 0;
  for (const batch of sweepBatches(data, batchSize, model.config.blockSize, maxBatches)) {
    const { x, y, mask } = batchTensors(batch);
    const weight = batch.mask.reduce((a, b) => a + b, 0);
    const loss = model.loss(x, y, mask);
    total += (await loss.data())[0]! * weight;
    count += weight;
    tf.dispose([x, y, mask, loss]);
  }
  return count > 0 ? total / count : Number.NaN;
}

export class Trainer {
  readonly optimizer: AdamW;
  readonly control = new TrainControl();

  constructor(
    readonly model: GPT,
    readonly train: TokenData,
    readonly validation: TokenData | null,
    readonly options: TrainOptions,
    optimizer?: AdamW,
  ) {
    validateTokenData(train, model.config.vocabSize);
    if (validation) validateTokenData(validation, model.config.vocabSize);
    this.optimizer = optimizer ?? new AdamW(model.params, model.specs, options.adamW);
  }

  /** Steps completed (continues across resumes: the optimizer carries it). */
  get step(): number {
    return this.optimizer.step;
  }

  /**
   * Trains until `options.steps` or until stopped. Returns the last logged loss.
   * Throws NonFiniteLossError (leaving the weights of the last good log step untouched is the caller's
   * job: it should reload its last checkpoint).
   */
  async run(onEvent: (event: TrainEvent) => void = () => {}): Promise<number> {
    const { steps, batchSize, schedule, gradClip, logInterval, evalInterval, evalBatches, seed } =
      this.options;
    const time = this.model.config.blockSize;
    let lastLoss = Number.NaN;
    let windowStart = performance.now();
    let windowSteps = 0;
    while (this.step < steps) {
      if (!(await this.control.checkpoint())) break;
      const step = this.step;
      const lr = lrAt(step, schedule);
      if (evalInterval > 0 && step > 0 && step % evalInterval === 0) {
        onEvent(await this.evaluate(step, batchSize, evalBatches));
        windowStart = performance.now();
        windowSteps = 0;
      }
      const batch = getBatch(this.train, batchSize, time, Rng.derive(seed, `batch/${step}`));
      const { loss, gradNorm } = trainStep(
        this.model,
        this.optimizer,
        batch,
        lr,
        gradClip,
        seed * 100003 + step,
      );
      windowSteps += 1;
      const done = this.step;
      if (done % logInterval === 0 || done === steps) {
        // Read-backs happen only here: they synchronise with the device.
        lastLoss = (await loss.data())[0]!;
        const norm = (await gradNorm.data())[0]!;
        if (!Number.isFinite(lastLoss)) {
          tf.dispose([loss, gradNorm]);
          throw new NonFiniteLossError(done);
        }
        const seconds = (performance.now() - windowStart) / 1000;
        const tokensPerSecond = (windowSteps * batchSize * time) / Math.max(seconds, 1e-9);
        const etaSeconds = ((steps - done) * seconds) / windowSteps;
        onEvent({
          kind: 'progress',
          step: done,
          steps,
          loss: lastLoss,
          lr,
          gradNorm: norm,
          tokensPerSecond,
          etaSeconds,
        });
        windowStart = performance.now();
        windowSteps = 0;
      }
      tf.dispose([loss, gradNorm]);
    }
    if (this.step >= steps) {
      onEvent(await this.evaluate(this.step, batchSize, evalBatches));
    }
    return lastLoss;
  }

  async evaluate(step: number, batchSize: number, batches: number): Promise<TrainEvent> {
    const trainLoss = await estimateLoss(this.model, this.train, batchSize, batches);
    const valLoss = this.validation
      ? await estimateLoss(this.model, this.validation, batchSize, batches)
      : null;
    return { kind: 'eval', step, trainLoss, valLoss };
  }
}
