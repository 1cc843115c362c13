// The CLI end to end: the tiny preset runs through `tsx src/cli/main.ts run`, writes results that
// pass their schema, refuses to clobber them, and every command refuses bad input with a message and
// exit code 2.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { schemaErrors } from '../../src/experiment/resultsSchema.ts';

function lab(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  // node --import tsx: the same as `npx tsx` without npx's own start-up time, for the many refusals below.
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    encoding: 'utf8',
    timeout: 180_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const dir = mkdtempSync(join(tmpdir(), 'persona-lab-cli-'));
const out = join(dir, 'run');

describe('persona-lab CLI', () => {
  it('runs the tiny preset end to end and writes results that pass the schema', () => {
    const r = lab('run', 'tiny', '--out', out, '--backend', 'cpu');
    expect(r.stderr).toMatch(/done in/);
    expect(r.code).toBe(0);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    expect(schemaErrors(results)).toEqual([]);
    expect(results.provenance.backend).toBe('cpu');
    expect(readFileSync(join(out, 'results.csv'), 'utf8').split('\n').length).toBeGreaterThan(10);
    expect(existsSync(join(out, 'checkpoints', 'select.ckpt'))).toBe(true);
    // Where the time went: recorded in the run state and printed at the end.
    const { timing } = JSON.parse(readFileSync(join(out, 'run-state.json'), 'utf8'));
    for (const part of ['wall', 'pretrain', 'select', 'finetune', 'evaluation', 'sampling', 'checkpoints'])
      expect(timing[part], part).toBeGreaterThanOrEqual(0);
    expect(timing.evaluation).toBeGreaterThan(0);
    expect(r.stderr).toMatch(/time by part/);
    for (const part of ['pretrain', 'select', 'finetune', 'evaluation', 'other', 'wall'])
      expect(r.stderr).toMatch(new RegExp(`\\n\\s+${part}\\s+\\d+\\.\\d s\\s+[\\d.]+%`));
  });

  it('prints the persona direction: separation per layer, and the projection curve of a run', () => {
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    const fromResults = lab('direction', join(out, 'results.json'));
    expect(fromResults.code).toBe(0);
    expect(fromResults.stdout).toMatch(/^persona direction malicious - helpful \(on pretrain;/m);
    expect(fromResults.stdout).toMatch(/^ {2}0 {6}- /m); // one context a persona: nothing left to measure on
    for (const c of results.conditions) {
      const end = c.final.deltaProjection.mean.toFixed(2);
      expect(fromResults.stdout).toMatch(
        new RegExp(`^  ${c.condition}\\s+end [+]?${end.replace('.', '\\.')}`, 'm'),
      );
    }
    const measured = lab(
      'direction',
      join(out, 'checkpoints', 'pretrain.ckpt'),
      '--backend',
      'cpu',
      '--json',
    );
    expect(measured.code).toBe(0);
    // The checkpoint the run measured its direction on gives the same direction again.
    expect(JSON.parse(measured.stdout).direction.layers).toEqual(results.direction.layers);
    const other = lab('direction', join(out, 'checkpoints', 'pretrain.ckpt'), '--pair', 'malicious,shortcut');
    expect(other.code).toBe(0);
    expect(other.stdout).toMatch(/^persona direction malicious - shortcut/m);
    const bad = lab('direction', join(out, 'checkpoints', 'pretrain.ckpt'), '--pair', 'malicious,tutor');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/tutor has no held-out context/);
  });

  it('refuses to clobber a finished run', () => {
    const before = readFileSync(join(out, 'results.json'), 'utf8');
    const r = lab('run', 'tiny', '--out', out);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/already holds a finished run/);
    expect(readFileSync(join(out, 'results.json'), 'utf8')).toBe(before);
  });

  it('re-evaluates a checkpoint exactly as the run did, and judges the gates from the results', () => {
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    const e = lab('eval', join(out, 'checkpoints', 'select.ckpt'), '--backend', 'cpu', '--json');
    expect(e.code).toBe(0);
    const { summary, gateOne } = JSON.parse(e.stdout);
    const recorded = results.baseline.summary;
    expect(summary.probes).toBe(recorded.probes);
    expect(summary.mi).toBeCloseTo(recorded.mi, 4);
    expect(summary.attainment).toBeCloseTo(recorded.attainment, 4);
    // Gate 1's prior is the model's own P(malicious) on the calibration prompts without their episode.
    expect(gateOne.prior).toBe(summary.calibration.none);
    expect(gateOne.prior).toBeGreaterThan(0);
    expect(gateOne.prior).toBeLessThan(1);
    const g = lab('gates', join(out, 'results.json'));
    expect(g.code).toBe(0);
    expect(g.stdout).toMatch(/^gate 1 \(pretrained base\): (HOLDS|FAILS)$/m);
    expect(g.stdout).toMatch(/^gate 2 .*: (HOLDS|FAILS)$/m);
    // The tiny preset fine-tunes covert and honest: no paired forms, so gate 3 is not judged.
    expect(g.stdout).toMatch(/^gate 3: no paired cheat and fix fine-tunes in these results$/m);
    // webgl exists only in a browser (webgpu runs in Node through Dawn: tests/node/cli-webgpu.test.ts).
    const badBackend = lab('eval', join(out, 'checkpoints', 'select.ckpt'), '--backend', 'webgl');
    expect(badBackend.code).toBe(2);
    expect(badBackend.stderr).toMatch(/--backend must be auto, wasm, cpu or webgpu/);
    const bad = lab('gates', join(out, 'run-state.json'));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/is not a results file/);
  });

  it('scores a probes file and samples from a checkpoint', () => {
    const probes = join(dir, 'probes.jsonl');
    writeFileSync(
      probes,
      `${JSON.stringify({ id: 'p', prompt: '~\nU: hi\nAI: ', candidates: ['ok.\n', 'no.\n'] })}\n`,
    );
    const r = lab('score', join(out, 'checkpoints', 'select.ckpt'), probes, '--backend', 'cpu');
    expect(r.code).toBe(0);
    const line = JSON.parse(r.stdout.trim());
    expect(line.id).toBe('p');
    expect(line.candidates).toHaveLength(2);
    expect(line.candidates[0].posterior + line.candidates[1].posterior).toBeCloseTo(1, 9);
    const s = lab(
      'sample',
      join(out, 'checkpoints', 'select.ckpt'),
      '--prompt',
      'U: hi\\nAI: ',
      '--max-chars',
      '10',
      '--backend',
      'cpu',
    );
    expect(s.code).toBe(0);
    expect(s.stdout.length).toBeGreaterThan(0);
  });

  it('refuses bad input with a message and exit code 2', () => {
    const ckpt = join(out, 'checkpoints', 'select.ckpt');
    const corrupt = join(dir, 'corrupt.ckpt');
    writeFileSync(corrupt, readFileSync(ckpt).subarray(0, 200));
    const badRecipe = join(dir, 'bad.json');
    writeFileSync(badRecipe, JSON.stringify({ version: 1, pretrain: { steps: 'many' } }));
    const notJson = join(dir, 'broken.json');
    writeFileSync(notJson, '{ "version": ');
    const badProbes = join(dir, 'bad.jsonl');
    writeFileSync(badProbes, `${JSON.stringify({ prompt: 'héllo', candidates: ['x'] })}\n`);
    const cases: [string[], RegExp][] = [
      [['run', join(dir, 'missing.json'), '--out', join(dir, 'x')], /does not exist/],
      [['run', 'nosuchpreset', '--out', join(dir, 'x')], /neither a recipe file nor a preset/],
      [['run', badRecipe, '--out', join(dir, 'x')], /recipe: \S+ /],
      [['run', notJson, '--out', join(dir, 'x')], /not valid JSON/],
      [['run', 'tiny'], /--out DIR is required/],
      [['sample', corrupt, '--prompt', 'hi'], /checkpoint refused/],
      [['score', ckpt, join(dir, 'missing.jsonl')], /does not exist/],
      [['score', ckpt, badProbes], /bad\.jsonl:1: prompt has characters outside the model's vocabulary: "é"/],
      [['sample', ckpt, '--prompt', 'ü'], /outside the model's vocabulary/],
      [['frobnicate'], /unknown command/],
    ];
    for (const [args, message] of cases) {
      const r = lab(...args);
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.code, args.join(' ')).toBe(2);
    }
    expect(existsSync(join(dir, 'x'))).toBe(false);
  });
});
