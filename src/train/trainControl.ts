// Pause, resume and stop for a running training loop. The loop awaits `checkpoint()` between steps,
// which also yields to the event loop so that messages (pause, stop) can arrive in a worker.

export class TrainControl {
  private paused = false;
  private stopped = false;
  private wake: (() => void) | null = null;

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.wake?.();
    this.wake = null;
  }

  stop(): void {
    this.stopped = true;
    this.resume();
  }

  get isPaused(): boolean {
    return this.paused;
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  /** Resolves to false when the loop should stop; waits while paused. */
  async checkpoint(): Promise<boolean> {
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
    while (this.paused && !this.stopped) {
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
    return !this.stopped;
  }
}
