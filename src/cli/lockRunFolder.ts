// One process at a time on a run or sweep folder: two writers would both train every stage and overwrite
// each other's checkpoints. The lock is proper-lockfile's (an atomic mkdir of DIR/.persona-lab.lock,
// kept fresh while held, stale after a while); beside it a small file names the holder, so that the
// second process can say who holds the folder, and so that a lock left by a crashed process on this
// machine is taken over at once instead of after the stale time.
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import { CliError } from './cliErrors.ts';

export const LOCK_NAMES = ['.persona-lab.lock', '.persona-lab.lock.json'] as const;
/** How long a lock from another machine (or a hung process) is honoured without being refreshed. */
const STALE_MS = 120_000;

interface Holder {
  pid: number;
  host: string;
  command: string;
  since: string;
}

async function readHolder(path: string): Promise<Holder | null> {
  try {
    const value = JSON.parse(await readFile(path, 'utf8')) as Partial<Holder>;
    return typeof value.pid === 'number' && typeof value.host === 'string' ? (value as Holder) : null;
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Locks `dir` (which must exist) for this process and returns the release. Refuses with exit 2, naming
 * the holder, when another live process holds it. `onLost` is called if the lock is lost while held
 * (another process removed it after it went stale).
 */
export async function lockRunFolder(
  dir: string,
  command: string,
  onLost: (reason: string) => void,
  takeOver = true,
): Promise<() => Promise<void>> {
  const lockPath = join(dir, LOCK_NAMES[0]);
  const holderPath = join(dir, LOCK_NAMES[1]);
  const options = {
    lockfilePath: lockPath,
    realpath: false,
    stale: STALE_MS,
    update: STALE_MS / 4,
    onCompromised: (error: Error) => onLost(error.message),
  };
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(dir, options);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
    const holder = await readHolder(holderPath);
    if (takeOver && holder && holder.host === hostname() && !alive(holder.pid)) {
      // The holder crashed on this machine: its lock is stale now, whatever its age. A lock made in the
      // last seconds may be a live process's that has not written its holder file yet: left alone.
      const made = await stat(lockPath).then(
        (s) => s.mtimeMs,
        () => 0,
      );
      if (Date.now() - made > 2000) {
        await rm(lockPath, { recursive: true, force: true });
        return lockRunFolder(dir, command, onLost, false);
      }
    }
    const who = holder
      ? `process ${holder.pid} on ${holder.host} (${holder.command}, since ${holder.since})`
      : 'another process';
    throw new CliError(`${dir} is in use by ${who}: wait for it to finish, or choose another --out`);
  }
  const holder: Holder = { pid: process.pid, host: hostname(), command, since: new Date().toISOString() };
  await writeFile(holderPath, `${JSON.stringify(holder)}\n`);
  return async () => {
    await rm(holderPath, { force: true });
    await release();
  };
}
