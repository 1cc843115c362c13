// A RunStore over a folder (Node): DIR/run-state.json and DIR/checkpoints/<name>.ckpt. Every write goes
// to a temporary file first and is renamed into place, so a crash never leaves a half-written file and
// a failed write leaves the previous version intact. A crash can leave a `*.tmp-PID` file behind: it is
// never read, and removeTemporaryFiles clears them when a run resumes (under the folder's lock).
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RunSetupError } from '../experiment/runSetupError.ts';
import type { RunStore } from '../experiment/runStore.ts';

export const STATE_FILE = 'run-state.json';

/** Writes `data` to `path` atomically (tmp file in the same folder, then rename). */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}

async function readOrNull(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

export class FileRunStore implements RunStore {
  /**
   * @param dir the run folder (its run-state.json)
   * @param checkpointDir where its checkpoints go: DIR/checkpoints, or a folder the jobs of one planned
   *   run share (each stage writes only checkpoints named after itself)
   */
  constructor(
    readonly dir: string,
    readonly checkpointDir: string = join(dir, 'checkpoints'),
  ) {}

  private checkpointPath(name: string): string {
    if (!/^[A-Za-z0-9._@-]+$/.test(name))
      throw new Error(`checkpoint name ${JSON.stringify(name)} is not file-safe`);
    return join(this.checkpointDir, `${name}.ckpt`);
  }

  async saveCheckpoint(name: string, bytes: Uint8Array): Promise<void> {
    await mkdir(this.checkpointDir, { recursive: true });
    await writeFileAtomic(this.checkpointPath(name), bytes);
  }

  async loadCheckpoint(name: string): Promise<Uint8Array | null> {
    const data = await readOrNull(this.checkpointPath(name));
    return data ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : null;
  }

  async removeCheckpoint(name: string): Promise<void> {
    await rm(this.checkpointPath(name), { force: true });
  }

  async saveState(state: unknown): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await writeFileAtomic(join(this.dir, STATE_FILE), `${JSON.stringify(state, null, 1)}\n`);
  }

  async loadState(): Promise<unknown> {
    const data = await readOrNull(join(this.dir, STATE_FILE));
    if (!data) return null;
    try {
      return JSON.parse(data.toString('utf8'));
    } catch {
      throw new RunSetupError(`${join(this.dir, STATE_FILE)} is not valid JSON (the run folder is damaged)`);
    }
  }
}

const TEMPORARY = /\.tmp-\d+$/;

/** Removes the half-written `*.tmp-PID` files a crash left in `dir` and its checkpoints; returns them. */
export async function removeTemporaryFiles(dir: string): Promise<string[]> {
  const removed: string[] = [];
  for (const folder of [dir, join(dir, 'checkpoints')]) {
    let names: string[];
    try {
      names = await readdir(folder);
    } catch {
      continue; // no checkpoints yet
    }
    for (const name of names.filter((n) => TEMPORARY.test(n))) {
      await rm(join(folder, name), { force: true });
      removed.push(join(folder, name));
    }
  }
  return removed;
}
