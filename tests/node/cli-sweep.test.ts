// `sweep` end to end on the tiny preset: a point run by hand beforehand is reused, the other is run, the
// summary carries the results' own numbers, a second call only re-aggregates, an interrupted point is
// resumed, a folder of another recipe is refused, and bad flags end with exit code 2. A sweep crossed
// with pretrainings runs every value on each independent pretraining and reports it over them.
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CliError } from '../../src/cli/cliErrors.ts';
import { sweepCommand, type SweepArgs } from '../../src/cli/sweepCommand.ts';
import { presetRecipe } from '../../src/experiment/presets.ts';
import type { RunResults } from '../../src/experiment/results.ts';
import type { SweepSummary } from '../../src/experiment/sweepSummary.ts';

function lab(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    encoding: 'utf8',
    timeout: 180_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const PARAM = 'corpus.personaShares.shortcut';
const dir = mkdtempSync(join(tmpdir(), 'persona-lab-sweep-'));
const out = join(dir, 'dose');
const sweep = (...more: string[]) =>
  lab('sweep', 'tiny', '--param', PARAM, '--values', '0,0.5', '--out', out, '--backend', 'cpu', ...more);
const readResults = (point: string): RunResults =>
  JSON.parse(readFileSync(join(out, point, 'results.json'), 'utf8')) as RunResults;

describe('persona-lab sweep', () => {
  it('reuses a point run by hand, runs the others and summarises the results', () => {
    // The point shortcut=0 started by hand from its own recipe file, keys in another order than the
    // sweep writes them: the same recipe all the same.
    const recipe = presetRecipe('tiny');
    recipe.corpus.personaShares.shortcut = 0;
    const { backend, ...rest } = recipe;
    const handFile = join(out, 'recipe-shortcut=0.json');
    mkdirSync(out, { recursive: true });
    writeFileSync(handFile, JSON.stringify({ backend, ...rest }));
    const hand = lab('run', handFile, '--out', join(out, 'shortcut=0'), '--quiet');
    expect(hand.stderr).toBe('');
    expect(hand.code).toBe(0);

    const r = sweep();
    expect(r.stderr).toMatch(/2 values in .*: 1 finished, 0 to resume, 1 to start/);
    expect(r.code).toBe(0);
    for (const point of ['shortcut=0', 'shortcut=0.5'])
      expect(existsSync(join(out, point, 'results.json')), point).toBe(true);
    expect(readFileSync(handFile, 'utf8')).toBe(JSON.stringify({ backend, ...rest }));
    const written = JSON.parse(readFileSync(join(out, 'recipe-shortcut=0.5.json'), 'utf8'));
    expect(written.corpus.personaShares.shortcut).toBe(0.5);
    expect(readResults('shortcut=0.5').provenance.recipe).toEqual(written);

    const summary = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8')) as SweepSummary;
    expect(summary.param).toBe(PARAM);
    expect(summary.values).toEqual([0, 0.5]);
    expect(summary.conditions).toEqual(['covert', 'honest']);
    const expected = [0, 0.5].flatMap((value) =>
      readResults(`shortcut=${value}`).conditions.map((c) => ({
        value,
        label: String(value),
        pretraining: null,
        condition: c.condition,
        seeds: c.final.deltaMI.n,
        deltaMI: c.final.deltaMI.mean,
        deltaMILow: c.final.deltaMI.low,
        deltaMIHigh: c.final.deltaMI.high,
        excludesZero: c.final.deltaMI.excludesZero,
        attainment: c.final.attainment.mean,
        transferRatio: c.final.transferRatio.mean,
      })),
    );
    expect(summary.rows).toEqual(expected);
    expect(summary.rows.every((row) => row.seeds === 2)).toBe(true);
    expect(summary.points.map((p) => p.runId)).toEqual([
      readResults('shortcut=0').runId,
      readResults('shortcut=0.5').runId,
    ]);
    expect(readFileSync(join(out, 'sweep.csv'), 'utf8').trimEnd().split('\n')).toHaveLength(5);
    expect(readFileSync(join(out, 'sweep.svg'), 'utf8').match(/<path class="series"/g)).toHaveLength(2);
    expect(r.stdout).toBe(readFileSync(join(out, 'sweep.md'), 'utf8'));
    expect(r.stdout).toMatch(/^\| shortcut \| covert ΔMI \[95% CI\] \|/);
  });

  it('only re-aggregates when every point has finished', () => {
    const before = statSync(join(out, 'shortcut=0.5', 'results.json')).mtimeMs;
    const summary = readFileSync(join(out, 'sweep.json'), 'utf8');
    const r = sweep();
    expect(r.stderr).toMatch(/2 finished, 0 to resume, 0 to start/);
    expect(r.stderr).not.toMatch(/starting the run/);
    expect(r.code).toBe(0);
    expect(statSync(join(out, 'shortcut=0.5', 'results.json')).mtimeMs).toBe(before);
    expect(readFileSync(join(out, 'sweep.json'), 'utf8')).toBe(summary);
  });

  it('resumes a point that has a run state but no results, even with its keys in another order', () => {
    const point = join(out, 'shortcut=0.5');
    const finished = readResults('shortcut=0.5');
    renameSync(join(point, 'results.json'), join(dir, 'results-0.5.json'));
    // The runner compares recipes as JSON text: the sweep must hand it the stored copy.
    const state = JSON.parse(readFileSync(join(point, 'run-state.json'), 'utf8'));
    const { backend, ...rest } = state.recipe;
    state.recipe = { backend, ...rest };
    writeFileSync(join(point, 'run-state.json'), JSON.stringify(state));
    const r = sweep('--quiet');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const resumed = readResults('shortcut=0.5');
    expect(resumed.runId).toBe(finished.runId);
    expect(resumed.conditions).toEqual(finished.conditions);
  });

  it('refuses a folder that holds another recipe, naming the difference', () => {
    const r = lab('sweep', 'tiny', '--param', PARAM, '--values', '0', '--out', out, '--backend', 'wasm');
    expect(r.stderr).toMatch(/belongs to a different recipe than point shortcut=0 of this sweep \(backend: /);
    expect(r.stderr).toMatch(/choose another --out/);
    expect(r.code).toBe(2);
  });

  it('refuses bad values and parameters with exit code 2 before touching any folder', async () => {
    const fresh = join(dir, 'never');
    // Through the command line for the exit code...
    const badValue = lab('sweep', 'tiny', '--param', PARAM, '--values', '0,abc', '--out', fresh);
    expect(badValue.stderr).toMatch(/^persona-lab: --values: "abc" is not a number/);
    expect(badValue.code).toBe(2);
    const badParam = lab('sweep', 'tiny', '--param', 'corpus.nope', '--values', '1', '--out', fresh);
    expect(badParam.stderr).toMatch(
      /^persona-lab: --param corpus\.nope: the recipe has no field corpus\.nope/,
    );
    expect(badParam.code).toBe(2);
    // ...and in process for the rest (each spawn costs a second or two of start-up).
    const base = { recipe: 'tiny', param: PARAM, values: '1', out: fresh, backend: undefined, quiet: true };
    const cases: [Partial<SweepArgs>, RegExp][] = [
      [{ values: '0,0.0' }, /0\.0 repeats 0/],
      [{ values: '' }, /--values is empty/],
      [{ values: undefined }, /--values V1,V2,\.\.\. is required/],
      [{ param: 'corpus.personaShares' }, /is a section, not a number/],
      [{ values: '2000' }, /point shortcut=2000: recipe: corpus\.personaShares\.shortcut/],
      [{ backend: 'gpu' }, /--backend must be auto, wasm, cpu or webgpu/],
      [{ out: undefined }, /--out DIR is required/],
      [{ recipe: 'nosuchpreset' }, /neither a recipe file nor a preset/],
      [{ pretrainings: '1,1.5' }, /--pretrainings: pretraining 1\.5 is not a seed/],
      [{ pretrainings: '' }, /--pretrainings is empty/],
      [{ pretrainings: '1,1' }, /--pretrainings: 1 repeats 1/],
      [{ param: 'pretraining', pretrainings: '1' }, /cannot go with --param pretraining/],
    ];
    for (const [change, message] of cases) {
      const error = await sweepCommand({ ...base, ...change }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error, JSON.stringify(change)).toBeInstanceOf(CliError);
      expect((error as CliError).message, JSON.stringify(change)).toMatch(message);
      expect((error as CliError).exitCode).toBe(2);
    }
    expect(existsSync(fresh)).toBe(false);
  });

  it('crosses the values with independent pretrainings and reports each value over them', () => {
    const crossed = join(dir, 'crossed');
    const r = lab(
      'sweep',
      'tiny',
      '--param',
      PARAM,
      '--values',
      '0,0.5',
      '--pretrainings',
      '1,2',
      '--out',
      crossed,
      '--backend',
      'cpu',
      '--quiet',
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const names = [
      'shortcut=0_pretraining=1',
      'shortcut=0_pretraining=2',
      'shortcut=0.5_pretraining=1',
      'shortcut=0.5_pretraining=2',
    ];
    const results = names.map(
      (name) => JSON.parse(readFileSync(join(crossed, name, 'results.json'), 'utf8')) as RunResults,
    );
    results.forEach((res, i) => {
      const seed = 1 + (i % 2);
      const { seeds, corpus } = res.provenance.recipe;
      expect([seeds.corpus, seeds.pretrain, seeds.select], names[i]).toEqual([seed, seed, seed]);
      expect(corpus.personaShares.shortcut, names[i]).toBe(i < 2 ? 0 : 0.5);
    });
    // Independent pretrainings of one value: their own corpora.
    expect(results[0]!.provenance.corpusHash).not.toBe(results[1]!.provenance.corpusHash);

    const summary = JSON.parse(readFileSync(join(crossed, 'sweep.json'), 'utf8')) as SweepSummary;
    expect(summary.schemaVersion).toBe(3);
    expect(summary.values).toEqual([0, 0.5]);
    expect(summary.pretrainings).toEqual([1, 2]);
    expect(summary.points.map((p) => [p.label, p.pretraining])).toEqual([
      ['0', 1],
      ['0', 2],
      ['0.5', 1],
      ['0.5', 2],
    ]);
    expect(summary.overPretrainings).toHaveLength(2);
    summary.overPretrainings.forEach((v, k) => {
      const own = results.slice(2 * k, 2 * k + 2);
      expect(v.pretrainings).toBe(2);
      const mean = (xs: number[]) => (xs[0]! + xs[1]!) / 2;
      expect(v.defaultMI.mean).toBeCloseTo(mean(own.map((x) => x.baseline!.summary.mi!)), 10);
      for (const c of v.conditions) {
        const means = own.map(
          (x) => x.conditions.find((d) => d.condition === c.condition)!.final.deltaMI.mean!,
        );
        expect(c.deltaMI.mean, c.condition).toBeCloseTo(mean(means), 10);
        expect(c.deltaMI.n).toBe(2);
      }
    });
    const markdown = readFileSync(join(crossed, 'sweep.md'), 'utf8');
    expect(markdown).toMatch(/^\| shortcut \| pretraining \| covert ΔMI \[95% CI\]/);
    expect(markdown).toMatch(/\| shortcut \| pretrainings \| default MI \| covert ΔMI \| honest ΔMI \|/);
    expect(markdown).toMatch(/independent pretrainings \(1, 2\)/);
    expect(readFileSync(join(crossed, 'sweep.svg'), 'utf8')).toMatch(/95% interval over pretrainings/);
  });
});
