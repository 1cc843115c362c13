// The one training loop, in nanoGPT's order: learning rate, batch, forward/backward, clip, update, log,
// then the work due after the step (loss estimates, checkpoints, probes, samples) as due-hooks. It knows
// nothing of any UI or experiment: it reports progress through a callback and runs the hooks it is given.
import * as tf from '@tensorflow/tfjs';
import type { GPT } from '../model/gpt.ts';
import { Rng } from '../util/rng.ts';
import { AdamW, DEFAULT_ADAMW, type AdamWConfig } from './adamW.ts';
import { getBatch, sweepBatches, validateTokenData, type TokenData } from './batches.ts';
import { lrAt, type LrSchedule } from './schedule.ts';
import { TrainControl } from './trainControl.ts';
import { batchTensors, trainStep } from './trainStep.ts';

export interface TrainOptions {
  /** Total steps of this run (the horizon; a resumed optimizer counts its steps already done). */
  steps: number;
  batchSize: number;
  schedule: LrSchedule;
  gradClip: number;
  adamW: AdamWConfig;
  /** Steps between progress reports (the only steps that read the loss back from the device). */
  logInterval: number;
  /** Batches per loss estimate (`evaluate`). */
  evalBatches: number;
  /** Seeds batch order and dropout; a step's batch depends only on (seed, step), so resumes repeat it. */
  seed: number;
}

export const DEFAULT_TRAIN_OPTIONS: Omit<TrainOptions, 'steps' | 'batchSize' | 'schedule' | 'seed'> = {
  gradClip: 1,
  adamW: DEFAULT_ADAMW,
  logInterval: 10,
  evalBatches: 4,
};

export interface TrainProgress {
  kind: 'progress';
  step: number;
  steps: number;
  loss: number;
  lr: number;
  gradNorm: number;
  tokensPerSecond: number;
  etaSeconds: number;
}

/** Mean losses over fixed batches of the training split and of the held-out one (null without it). */
export interface LossEstimate {
  kind: 'eval';
  step: number;
  trainLoss: number;
  valLoss: number | null;
}

export type TrainEvent = TrainProgress | LossEstimate;

/**
 * Work done between two steps when it is due (evaluate, checkpoint, probe, sample): after every step
 * `isDue` names, in the order given. `run` returns 'stop' to end the run there, as a stop would.
 */
export interface DueHook {
  isDue(step: number): boolean;
  run(step: number): Promise<void | 'stop'>;
}

/** Due after every multiple of `interval` (0: never) and after the last step `steps`. */
export function dueEvery(interval: number, steps = Number.POSITIVE_INFINITY): (step: number) => boolean {
  return (step) => (interval > 0 && step % interval === 0) || step === steps;
}

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
   * The loop, in nanoGPT's order: learning rate, batch, forward/backward, clip, update, log, then the
   * work due after this step. Trains until `options.steps`, until stopped, or until a hook says 'stop'.
   * Returns the last logged loss. Throws NonFiniteLossError at a log step whose loss is NaN or infinite
   * (the caller reloads its last checkpoint).
   */
  async run(
    onProgress: (event: TrainProgress) => void = () => {},
    hooks: readonly DueHook[] = [],
  ): Promise<number> {
    const { steps, batchSize, schedule, gradClip, logInterval, seed } = this.options;
    const time = this.model.config.blockSize;
    let lastLoss = Number.NaN;
    let windowStart = performance.now();
    let windowSteps = 0;
    while (this.step < steps) {
      // Pause and stop take effect here, between steps (this also lets messages reach a worker).
      if (!(await this.control.checkpoint())) break;
      const step = this.step;
      const lr = lrAt(step, schedule);
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
      const due = hooks.filter((hook) => hook.isDue(done));
      // Read-backs happen only at log steps (and before due work, which synchronises anyway).
      if (done % logInterval === 0 || done === steps || due.length > 0) {
        lastLoss = (await loss.data())[0]!;
        const norm = (await gradNorm.data())[0]!;
        tf.dispose([loss, gradNorm]);
        if (!Number.isFinite(lastLoss)) throw new NonFiniteLossError(done);
        const seconds = (performance.now() - windowStart) / 1000;
        onProgress({
          kind: 'progress',
          step: done,
          steps,
          loss: lastLoss,
          lr,
          gradNorm: norm,
          tokensPerSecond: (windowSteps * batchSize * time) / Math.max(seconds, 1e-9),
          etaSeconds: ((steps - done) * seconds) / windowSteps,
        });
        windowStart = performance.now();
        windowSteps = 0;
      } else {
        tf.dispose([loss, gradNorm]);
      }
      for (const hook of due) if ((await hook.run(done)) === 'stop') return lastLoss;
      // The pace window leaves out the time the hooks took.
      if (due.length > 0) windowStart = performance.now();
    }
    return lastLoss;
  }

  /** Loss estimates on `evalBatches` fixed batches of each split, at `step`. */
  async evaluate(step: number = this.step): Promise<LossEstimate> {
    const { batchSize, evalBatches } = this.options;
    const trainLoss = await estimateLoss(this.model, this.train, batchSize, evalBatches);
    const valLoss = this.validation
      ? await estimateLoss(this.model, this.validation, batchSize, evalBatches)
      : null;
    return { kind: 'eval', step, trainLoss, valLoss };
  }
}
