// The CLI against hostile input and faults: every case ends with exit 2 (or 130 after Ctrl-C) and one
// line that says what to do, never a stack trace or a hang; a refused run leaves nothing behind; two
// processes never share a run folder; Ctrl-C saves a checkpoint at the current step; half-written files
// a crash left are removed on resume.
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { presetRecipe } from '../../src/experiment/presets.ts';
import { decodeCheckpoint, encodeCheckpoint } from '../../src/train/checkpoint.ts';

const dir = mkdtempSync(join(tmpdir(), 'persona-lab-hostile-'));
const BASE = 'public/models/classroom-base.ckpt';

function lab(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    encoding: 'utf8',
    timeout: 180_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The process ended with `code` and printed exactly one line, with no stack trace. */
function refused(r: ReturnType<typeof lab>, code: number, message: RegExp): void {
  expect(r.stderr, r.stderr).toMatch(message);
  const lines = r.stderr
    .trim()
    .split('\n')
    .filter((l) => !/^(starting|resuming) the run/.test(l));
  expect(lines, r.stderr).toHaveLength(1);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.code, r.stderr).toBe(code);
}

/** A recipe long enough to be interrupted: tiny, with pretraining that would take many minutes. */
function longRecipe(): string {
  const recipe = presetRecipe('tiny');
  recipe.pretrain.steps = 20_000;
  recipe.pretrain.warmupSteps = 2;
  recipe.pretrain.checkpointEvery = 10_000;
  recipe.pretrain.logEvery = 1;
  const path = join(dir, 'long.json');
  writeFileSync(path, JSON.stringify(recipe));
  return path;
}

describe('CLI refusals: exit 2 and one line', () => {
  it('an incompatible --from base is refused and leaves no run state behind', () => {
    const out = join(dir, 'from');
    refused(
      lab('run', 'tiny', '--from', BASE, '--from-stage', 'select', '--out', out, '--backend', 'cpu'),
      2,
      /is a 2x128 model .* the recipe asks for 1x16 .*: use the recipe the checkpoint was made with/,
    );
    expect(readdirSync(out)).toEqual([]);
    refused(
      lab('run', 'tiny', '--from-stage', 'select', '--out', out),
      2,
      /--from-stage needs --from CHECKPOINT/,
    );
    refused(lab('run', 'tiny', '--from', BASE, '--out', out), 2, /--from needs --from-stage select/);
  });

  it('an --out that is a file, or that cannot be made, is refused without a hang', () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    refused(lab('run', 'tiny', '--out', file), 2, /--out .*a-file is a file, not a folder: choose a folder/);
    refused(lab('run', 'tiny', '--out', join(file, 'below')), 2, /a-file is a file, not a folder/);
    refused(lab('run', 'tiny', '--out', '/proc/nope'), 2, /cannot be made \(ENOENT at \/proc\/nope\)/);
    refused(
      lab('sweep', 'tiny', '--param', 'finetune.steps', '--values', '1', '--out', file),
      2,
      /is a file/,
    );
  });

  it('a recipe from a newer lab says so', () => {
    const path = join(dir, 'future.json');
    writeFileSync(path, JSON.stringify({ version: 999 }));
    refused(
      lab('run', path, '--out', join(dir, 'future')),
      2,
      /version 999: written by a newer lab.*update the lab/,
    );
  });

  it('score and sample refuse a junk backend and empty numbers', () => {
    const probes = join(dir, 'probes.jsonl');
    writeFileSync(probes, `${JSON.stringify({ prompt: '~\nU: hi\nAI: ', candidates: ['ok.\n'] })}\n`);
    refused(
      lab('score', BASE, probes, '--backend', 'junk'),
      2,
      /--backend must be auto, wasm, cpu or webgpu in Node, got "junk"/,
    );
    refused(lab('sample', BASE, '--prompt', 'hi', '--backend', 'junk'), 2, /got "junk"/);
    refused(
      lab('sample', BASE, '--prompt', 'hi', '--temperature', ''),
      2,
      /--temperature must be a number >= 0, got ""/,
    );
    refused(
      lab('sample', BASE, '--prompt', 'hi', '--top-k', ' '),
      2,
      /--top-k must be an integer >= 0, got " "/,
    );
    refused(lab('run', 'tiny', '--out', join(dir, 'b'), '--backend', 'junk'), 2, /got "junk"/);
  });

  it('score and sample refuse a checkpoint whose huge weights overflow, at load', async () => {
    // Re-encoded, so its SHA-256 is valid: the loader's weight bound refuses it before any scoring.
    const ckpt = await decodeCheckpoint(new Uint8Array(readFileSync(BASE)));
    const weights = new Map([...ckpt.weights].map(([k, v]) => [k, v.map((x) => x * 1e30)]));
    const huge = join(dir, 'huge.ckpt');
    writeFileSync(huge, await encodeCheckpoint({ ...ckpt, weights }));
    const probes = join(dir, 'probes.jsonl');
    const overflow = /huge\.ckpt: checkpoint refused: weight \S+ holds \S+e\+\d+, beyond the 1000/;
    refused(lab('score', huge, probes, '--backend', 'cpu'), 2, overflow);
    refused(lab('sample', huge, '--prompt', 'hi', '--max-chars', '2', '--backend', 'cpu'), 2, overflow);
  });
});

describe('run folders', () => {
  it('a sweep on a held folder is refused naming the holder', () => {
    const out = join(dir, 'sweep-held');
    mkdirSync(join(out, '.persona-lab.lock'), { recursive: true });
    const holder = { pid: process.pid, host: hostname(), command: 'sweep x', since: 'noon' };
    writeFileSync(join(out, '.persona-lab.lock.json'), JSON.stringify(holder));
    refused(
      lab('sweep', 'tiny', '--param', 'finetune.steps', '--values', '1', '--out', out),
      2,
      new RegExp(`sweep-held is in use by process ${process.pid} on .* \\(sweep x, since noon\\)`),
    );
    expect(readdirSync(out).sort()).toEqual(['.persona-lab.lock', '.persona-lab.lock.json']);
  });

  it('a damaged run-state.json is refused; --force sets it aside; half-written files are removed', () => {
    const out = join(dir, 'damaged');
    mkdirSync(join(out, 'checkpoints'), { recursive: true });
    writeFileSync(join(out, 'run-state.json'), '{"kind": "persona-lab-run", "version": 1, "stages": 3');
    refused(
      lab('run', 'tiny', '--out', out, '--backend', 'cpu'),
      2,
      /run-state\.json is not valid JSON .*--force to set its files aside/,
    );
    writeFileSync(join(out, 'run-state.json'), '{"kind": "persona-lab-run", "version": 1, "stages": "x"}');
    refused(
      lab('run', 'tiny', '--out', out, '--backend', 'cpu'),
      2,
      /the run state is damaged \(runId: is missing\)/,
    );
    // What a crash leaves: half a results.json and half a checkpoint, and the lock of a dead process.
    writeFileSync(join(out, 'results.json.tmp-99999'), '{"schema": "persona-lab-res');
    writeFileSync(join(out, 'checkpoints', 'pretrain@6.ckpt.tmp-99999'), 'PLAB');
    mkdirSync(join(out, '.persona-lab.lock'));
    utimesSync(join(out, '.persona-lab.lock'), new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    writeFileSync(
      join(out, '.persona-lab.lock.json'),
      JSON.stringify({ pid: 2 ** 22 + 7, host: hostname(), command: 'run', since: 'then' }),
    );
    const r = lab('run', 'tiny', '--out', out, '--backend', 'cpu', '--force');
    expect(r.stderr).toMatch(/set the previous run aside in/);
    expect(r.code, r.stderr).toBe(0);
    const aside = readdirSync(out).find((n) => n.startsWith('previous-'))!;
    expect(readFileSync(join(out, aside, 'run-state.json'), 'utf8')).toMatch(/"stages": "x"/);
    const all = [...readdirSync(out), ...readdirSync(join(out, 'checkpoints'))];
    expect(all.filter((n) => /\.tmp-\d+$/.test(n))).toEqual([]);
    expect(all.filter((n) => n.startsWith('.persona-lab.lock'))).toEqual([]);
    expect(JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')).finished).toBe(true);
  });

  it('a second run on a held folder is refused naming the holder; Ctrl-C saves at the current step', async () => {
    const out = join(dir, 'held');
    // Through the launcher, as a user types it: Ctrl-C reaches the whole process group.
    const first = spawn(
      process.execPath,
      ['bin/persona-lab.mjs', 'run', longRecipe(), '--out', out, '--backend', 'cpu'],
      {
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    first.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => first.on('exit', (code) => resolve(code)));
    await expect.poll(() => stderr, { timeout: 120_000, interval: 200 }).toMatch(/\(\d+\/20\d+ steps\)/);

    refused(
      lab('run', longRecipe(), '--out', out, '--backend', 'cpu'),
      2,
      /held is in use by process \d+ on .* \(run .*long\.json, since .*\): wait for it to finish, or choose another --out/,
    );

    process.kill(-first.pid!, 'SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toMatch(/stopping: saving a checkpoint at the current step/);
    const saved = readdirSync(join(out, 'checkpoints')).find((n) => /^pretrain@\d+\.ckpt$/.test(n));
    expect(saved, stderr).toBeDefined();
    const step = Number(/@(\d+)/.exec(saved!)![1]);
    expect(step).toBeGreaterThan(0);
    const state = JSON.parse(readFileSync(join(out, 'run-state.json'), 'utf8'));
    expect(state.stages[0]).toMatchObject({ status: 'partial', step, checkpoint: `pretrain@${step}` });
    expect(existsSync(join(out, '.persona-lab.lock'))).toBe(false);
  }, 300_000);
});
