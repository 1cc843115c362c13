// The CLI's error type and exit codes: bad input (a missing file, a malformed recipe, a corrupt
// checkpoint, characters outside the vocabulary) is a usage error with a clear message, never a stack.
import { CheckpointError, decodeCheckpoint, type Checkpoint } from '../train/checkpoint.ts';
import { readFile } from 'node:fs/promises';

/** waiting (75, sysexits' EX_TEMPFAIL): a job's inputs, or a merge's jobs, have not finished; try later. */
export const EXIT = { ok: 0, failure: 1, badInput: 2, waiting: 75, interrupted: 130 } as const;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.badInput,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

const WRITE_PROBLEMS: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is used up',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EIO: 'an input/output error of the disk',
};

/**
 * A file-system failure while a run writes (a full disk, a read-only or vanished folder) as one line
 * that says what to do, exit 1; null for any other error. Every write is atomic, so what was saved
 * before (the last checkpoint, run-state.json) is intact and the same command resumes from it.
 */
export function writeFailure(error: unknown): CliError | null {
  const e = error as NodeJS.ErrnoException;
  if (!(error instanceof Error) || typeof e.code !== 'string' || !Object.hasOwn(WRITE_PROBLEMS, e.code))
    return null;
  const where = typeof e.path === 'string' ? ` writing ${e.path}` : '';
  return new CliError(
    `${WRITE_PROBLEMS[e.code]} (${e.code})${where}: what was saved before is intact; ` +
      'fix that and run the same command to resume',
    EXIT.failure,
  );
}

export async function readInputFile(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CliError(`${what} ${path} does not exist`);
    if (code === 'EISDIR') throw new CliError(`${what} ${path} is a folder, not a file`);
    throw new CliError(`cannot read ${what} ${path}: ${(error as Error).message}`);
  }
}

export async function readCheckpointFile(path: string): Promise<Checkpoint> {
  const bytes = await readInputFile(path, 'checkpoint');
  try {
    return await decodeCheckpoint(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (error) {
    if (error instanceof CheckpointError) throw new CliError(`${path}: ${error.message}`);
    throw error;
  }
}
