// Pause, resume and stop for one training run, shared by the user and by the engine's own side tasks
// (a sample or a checkpoint taken mid-run holds the loop between steps, then lets it go). The loop only
// resumes when the user has not paused it and no side task still holds it.
import type { TrainControl } from '../train/trainControl.ts';

export class RunGate {
  private userPaused = false;
  private holds = 0;
  private readonly pending: Promise<void>[] = [];
  private failure: { error: unknown } | null = null;

  constructor(private readonly control: TrainControl) {}

  get isPaused(): boolean {
    return this.userPaused;
  }

  pause(): void {
    this.userPaused = true;
    this.control.pause();
  }

  resume(): void {
    this.userPaused = false;
    if (this.holds === 0) this.control.resume();
  }

  stop(): void {
    this.control.stop();
  }

  /** Holds the loop at its next step boundary while `task` runs; a failing task stops the run. */
  hold(task: () => Promise<void>): void {
    this.holds += 1;
    this.control.pause();
    const done = task()
      .catch((error: unknown) => {
        this.failure ??= { error };
        this.control.stop();
      })
      .finally(() => {
        this.holds -= 1;
        if (this.holds === 0 && !this.userPaused) this.control.resume();
      });
    this.pending.push(done);
  }

  /** Waits for the side tasks; rethrows the first one's failure. */
  async settled(): Promise<void> {
    await Promise.all(this.pending);
    if (this.failure) throw this.failure.error;
  }
}
