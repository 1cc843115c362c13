// A full disk in the middle of a run (ENOSPC injected into the file writes): `run` ends with one line
// and exit 1, the last run-state.json and checkpoint are intact, no half-written file is left, and the
// same command resumes to a finished run once there is space again.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type * as FsPromises from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';

const disk = vi.hoisted(() => ({ stateWrites: 0, fullAfterStateWrites: Infinity }));

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof FsPromises>();
  const writeFile: typeof real.writeFile = async (path, data, options) => {
    const name = typeof path === 'string' ? path : path instanceof URL ? path.pathname : '';
    if (disk.stateWrites >= disk.fullAfterStateWrites && name.includes('.tmp-')) {
      const error = new Error(`ENOSPC: no space left on device, write`) as NodeJS.ErrnoException;
      Object.assign(error, { code: 'ENOSPC', errno: -28, syscall: 'write', path: name });
      throw error;
    }
    await real.writeFile(path, data, options);
    if (name.includes('run-state.json')) disk.stateWrites += 1;
  };
  return { ...real, default: { ...real, writeFile }, writeFile };
});

const { runCommand } = await import('../../src/cli/runCommand.ts');
const { CliError, EXIT } = await import('../../src/cli/cliErrors.ts');

describe('run on a full disk', () => {
  it('stops with exit 1 and one line, keeps what was saved, and resumes', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'persona-lab-full-')), 'run');
    const args = {
      recipe: 'tiny',
      out,
      force: false,
      backend: 'cpu',
      from: undefined,
      fromStage: undefined,
      quiet: true,
    };
    disk.fullAfterStateWrites = 2; // the state at the start and after pretrain's first checkpoint
    const error = await runCommand(args).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CliError);
    expect((error as InstanceType<typeof CliError>).exitCode).toBe(EXIT.failure);
    const message = (error as Error).message;
    expect(message).toMatch(
      /^no space left on the device \(ENOSPC\) writing .*\.tmp-\d+: what was saved before is intact; fix that and run the same command to resume$/,
    );
    expect(message).not.toContain('\n');

    const state = JSON.parse(readFileSync(join(out, 'run-state.json'), 'utf8'));
    const pretrain = state.stages[0];
    expect(pretrain.status).toBe('partial');
    expect(pretrain.step).toBeGreaterThan(0);
    expect(existsSync(join(out, 'checkpoints', `${pretrain.checkpoint}.ckpt`))).toBe(true);
    const files = [...readdirSync(out), ...readdirSync(join(out, 'checkpoints'))];
    expect(files.filter((n) => n.includes('.tmp-'))).toEqual([]);
    expect(existsSync(join(out, '.persona-lab.lock'))).toBe(false);

    disk.fullAfterStateWrites = Infinity;
    expect(await runCommand(args)).toBe(EXIT.ok);
    expect(JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')).finished).toBe(true);
  }, 300_000);
});
