// A RunStore over IndexedDB (browser and worker): the run's state and checkpoints survive a reload, so a
// run resumes where its last checkpoint left it. One transaction per save: IndexedDB commits it whole or
// not at all, so a failed save (full storage) leaves the previous version intact.
import { RunSetupError } from '../experiment/runSetupError.ts';
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { RunStore } from '../experiment/runStore.ts';

interface LabDb extends DBSchema {
  /** Run state JSON by run id. */
  runs: { key: string; value: { runId: string; savedAt: number; state: string } };
  /** Checkpoint bytes by `<runId>/<name>`. */
  checkpoints: { key: string; value: Uint8Array };
  /** Small settings, e.g. the run to resume after a reload. */
  settings: { key: string; value: unknown };
}

export class StorageFullError extends Error {
  constructor(what: string) {
    super(
      `the browser's storage is full: ${what} was not saved (the previous save is intact). ` +
        'Download your results and checkpoints, then delete old runs to make room.',
    );
    this.name = 'StorageFullError';
  }
}

let dbPromise: Promise<IDBPDatabase<LabDb>> | null = null;

export function labDb(name = 'persona-lab'): Promise<IDBPDatabase<LabDb>> {
  dbPromise ??= openDB<LabDb>(name, 1, {
    upgrade(db) {
      db.createObjectStore('runs');
      db.createObjectStore('checkpoints');
      db.createObjectStore('settings');
    },
  });
  return dbPromise;
}

async function guarded<T>(what: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof DOMException && error.name === 'QuotaExceededError')
      throw new StorageFullError(what);
    throw error;
  }
}

export class IdbRunStore implements RunStore {
  constructor(readonly runId: string) {}

  private key(name: string): string {
    return `${this.runId}/${name}`;
  }

  async saveCheckpoint(name: string, bytes: Uint8Array): Promise<void> {
    const db = await labDb();
    await guarded(`checkpoint ${name}`, () => db.put('checkpoints', bytes.slice(), this.key(name)));
  }

  async loadCheckpoint(name: string): Promise<Uint8Array | null> {
    const db = await labDb();
    return (await db.get('checkpoints', this.key(name))) ?? null;
  }

  async removeCheckpoint(name: string): Promise<void> {
    const db = await labDb();
    await db.delete('checkpoints', this.key(name));
  }

  async saveState(state: unknown): Promise<void> {
    const db = await labDb();
    const record = { runId: this.runId, savedAt: Date.now(), state: JSON.stringify(state) };
    await guarded('the run state', () => db.put('runs', record, this.runId));
  }

  async loadState(): Promise<unknown> {
    const db = await labDb();
    const record = await db.get('runs', this.runId);
    if (!record) return null;
    try {
      return JSON.parse(record.state);
    } catch {
      throw new RunSetupError(`the saved run ${this.runId} is damaged (its state is not valid JSON)`);
    }
  }

  /** Names of this run's checkpoints. */
  async checkpointNames(): Promise<string[]> {
    const db = await labDb();
    const prefix = `${this.runId}/`;
    const keys = await db.getAllKeys('checkpoints', IDBKeyRange.bound(prefix, `${prefix}\uffff`));
    return keys.map((k) => k.slice(prefix.length));
  }
}

/** Every saved run, newest first. */
export async function listSavedRuns(): Promise<{ runId: string; savedAt: number }[]> {
  const db = await labDb();
  const runs = await db.getAll('runs');
  return runs.map((r) => ({ runId: r.runId, savedAt: r.savedAt })).sort((a, b) => b.savedAt - a.savedAt);
}

/** Removes a run's state and every checkpoint of it. */
export async function deleteSavedRun(runId: string): Promise<void> {
  const db = await labDb();
  const tx = db.transaction(['runs', 'checkpoints'], 'readwrite');
  await tx.objectStore('runs').delete(runId);
  await tx.objectStore('checkpoints').delete(IDBKeyRange.bound(`${runId}/`, `${runId}/\uffff`));
  await tx.done;
}

export async function getSetting<T>(key: string): Promise<T | undefined> {
  const db = await labDb();
  return (await db.get('settings', key)) as T | undefined;
}

export async function setSetting(key: string, value: unknown): Promise<void> {
  const db = await labDb();
  await guarded(`setting ${key}`, () => db.put('settings', value, key));
}

/** What the lab keeps across reloads, over IndexedDB (see LabStorage in src/platform/labHost.ts). */
export const idbLabStorage = {
  run: (runId: string) => new IdbRunStore(runId),
  list: listSavedRuns,
  delete: deleteSavedRun,
  getSetting,
  setSetting,
};
