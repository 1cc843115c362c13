// Creates the --out folder of `run` and `sweep`, or refuses in one line when it cannot be one: a path that
// is a file, under a file, or somewhere nothing can be created. Node's recursive mkdir loops forever on
// some paths (under /proc it keeps getting ENOENT for a parent that exists), so the folder is made one
// level at a time from its nearest existing ancestor, a bounded loop.
import { mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { CliError } from './cliErrors.ts';

async function kindOf(path: string): Promise<'folder' | 'other' | 'none'> {
  try {
    return (await stat(path)).isDirectory() ? 'folder' : 'other';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // ENOTDIR: an ancestor is a file; the walk up reaches it and names it.
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'none';
    throw new CliError(
      `--out cannot be checked (${code ?? 'error'} at ${path}): choose a folder you can write to`,
    );
  }
}

export async function makeOutFolder(dir: string): Promise<void> {
  const missing: string[] = [];
  let path = resolve(dir);
  for (;;) {
    const kind = await kindOf(path);
    if (kind === 'folder') break;
    if (kind === 'other') {
      throw new CliError(
        path === resolve(dir)
          ? `--out ${dir} is a file, not a folder: choose a folder`
          : `--out ${dir} cannot be made: ${path} is a file, not a folder`,
      );
    }
    missing.unshift(path);
    const parent = dirname(path);
    if (parent === path) break; // the root itself is missing: mkdir below says why
    path = parent;
  }
  for (const folder of missing) {
    try {
      await mkdir(folder);
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      if (e.code === 'EEXIST' && (await kindOf(folder)) === 'folder') continue; // made meanwhile
      throw new CliError(
        `--out ${dir} cannot be made (${e.code ?? 'error'} at ${folder}): choose a folder you can write to`,
      );
    }
  }
}
