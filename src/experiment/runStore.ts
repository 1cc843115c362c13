// Where a run keeps its checkpoints and its state: an interface, so the runner works the same over a
// folder (Node CLI: src/cli/fileRunStore.ts), IndexedDB (browser, later) or memory (tests).
// Contract: a save replaces the named item atomically (never half-written), and a failed save leaves
// the previous one intact.

export interface RunStore {
  saveCheckpoint(name: string, bytes: Uint8Array): Promise<void>;
  /** The checkpoint's bytes, or null when there is none by that name. */
  loadCheckpoint(name: string): Promise<Uint8Array | null>;
  removeCheckpoint(name: string): Promise<void>;
  saveState(state: unknown): Promise<void>;
  /** The saved run state (parsed JSON), or null when the store holds no run. */
  loadState(): Promise<unknown>;
}

/** A store in memory, for tests and for runs nobody wants to keep. */
export class MemoryRunStore implements RunStore {
  readonly checkpoints = new Map<string, Uint8Array>();
  state: string | null = null;

  async saveCheckpoint(name: string, bytes: Uint8Array): Promise<void> {
    this.checkpoints.set(name, bytes.slice());
  }

  async loadCheckpoint(name: string): Promise<Uint8Array | null> {
    return this.checkpoints.get(name)?.slice() ?? null;
  }

  async removeCheckpoint(name: string): Promise<void> {
    this.checkpoints.delete(name);
  }

  async saveState(state: unknown): Promise<void> {
    this.state = JSON.stringify(state);
  }

  async loadState(): Promise<unknown> {
    return this.state === null ? null : JSON.parse(this.state);
  }
}
