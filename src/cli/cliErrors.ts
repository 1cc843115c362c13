// The CLI's error type and exit codes: bad input (a missing file, a malformed recipe, a corrupt
// checkpoint, characters outside the vocabulary) is a usage error with a clear message, never a stack.
import { CheckpointError, decodeCheckpoint, type Checkpoint } from '../train/checkpoint.ts';
import { readFile } from 'node:fs/promises';

export const EXIT = { ok: 0, failure: 1, badInput: 2, interrupted: 130 } as const;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.badInput,
  ) {
    super(message);
    this.name = 'CliError';
  }
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
    return decodeCheckpoint(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (error) {
    if (error instanceof CheckpointError) throw new CliError(`${path}: ${error.message}`);
    throw error;
  }
}
