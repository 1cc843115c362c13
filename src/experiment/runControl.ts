// Pause, resume and stop for a whole run. The runner attaches each stage's trainer in turn; a stop saves
// a checkpoint at the current step, so the run can resume exactly there.
import type { TrainControl } from '../train/trainControl.ts';

export class RunInterruptedError extends Error {
  constructor(
    readonly stage: string,
    readonly step: number,
  ) {
    super(`the run was stopped during ${stage} at step ${step}; run it again to resume from there`);
    this.name = 'RunInterruptedError';
  }
}

export class RunControl {
  private trainer: TrainControl | null = null;
  private paused = false;
  private stopped = false;

  /** Forwards this run's state to the trainer now running. */
  attach(trainer: TrainControl | null): void {
    this.trainer = trainer;
    if (!trainer) return;
    if (this.paused) trainer.pause();
    if (this.stopped) trainer.stop();
  }

  pause(): void {
    this.paused = true;
    this.trainer?.pause();
  }

  resume(): void {
    this.paused = false;
    this.trainer?.resume();
  }

  stop(): void {
    this.stopped = true;
    this.trainer?.stop();
  }

  get isStopped(): boolean {
    return this.stopped;
  }
}
