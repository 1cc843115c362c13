// results.json as outside input (`gates`, `sweep`): the committed reference run passes; a forged file
// is refused naming the field: ill-typed or out-of-range numbers, 1e999, prototype keys, and an
// embedded recipe the recipe validator refuses.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resultsProblems, schemaErrors } from '../../src/experiment/resultsSchema.ts';

type Json = Record<string, unknown>;
const REFERENCE = 'experiments/reference/results.json';
const referenceText = readFileSync(REFERENCE, 'utf8');

/** The reference results with one edit made on the parsed JSON (or on the text, for 1e999). */
function edited(edit: (r: Json & { provenance: Json & { recipe: Json } }) => void): unknown {
  const r = JSON.parse(referenceText);
  edit(r);
  return r;
}
const firstSummary = (r: Json) => ((r.pretrain as Json).evaluations as Json[]).at(-1)!.summary as Json;

describe('results.json checks', () => {
  it('accepts the committed reference run', () => {
    expect(resultsProblems(JSON.parse(referenceText))).toEqual([]);
  });

  it('refuses the embedded recipe when the recipe validator does, naming the field', () => {
    const problems = resultsProblems(
      edited((r) => (((r.provenance.recipe.corpus as Json).personaShares as Json).malicious = 'lots')),
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^\$\.provenance\.recipe: corpus\.personaShares\.malicious must be a number/);
  });

  it('refuses out-of-range, infinite and ill-typed numbers', () => {
    expect(schemaErrors(edited((r) => ((firstSummary(r).calibration as Json).covert = 5e300)))).toEqual([
      expect.stringMatching(
        /^\$\.pretrain\.evaluations\[\d+\]\.summary\.calibration\.covert: must be in \[0, 1\], is 5e\+300$/,
      ),
    ]);
    const infinite = JSON.parse(referenceText.replace(/"probes": \d+/, '"probes": 1e999'));
    expect(schemaErrors(infinite)[0]).toMatch(/probes: must be (a finite number|integer), is/);
    expect(schemaErrors(edited((r) => ((r.pretrain as Json).steps = -3)))).toEqual([
      '$.pretrain.steps: must be in [0, 1000000000], is -3',
    ]);
    expect(schemaErrors(edited((r) => (firstSummary(r).mi = 1e7)))[0]).toMatch(/summary\.mi: must be in/);
  });

  it('refuses __proto__ and constructor keys anywhere, even where free keys are allowed', () => {
    const proto = JSON.parse(referenceText.replace('"miPerDomain": {', '"miPerDomain": {"__proto__": 1,'));
    expect(schemaErrors(proto)[0]).toMatch(/miPerDomain\.__proto__: is a reserved name/);
    expect(schemaErrors(edited((r) => ((r.provenance as Json)['constructor'] = 'x')))).toEqual([
      '$.provenance.constructor: is a reserved name, not a results field',
    ]);
    // Own keys only: a required field is not found on the prototype.
    const missing = edited((r) => delete r.runId);
    expect(schemaErrors(missing)).toEqual(['$.runId: is missing']);
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('miPerDomain');
  });

  it('gates refuses a forged file with exit 2 and one line naming the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'persona-lab-gates-'));
    const file = join(dir, 'results.json');
    writeFileSync(
      file,
      JSON.stringify(edited((r) => ((firstSummary(r).calibration as Json).covert = 5e300))),
    );
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'gates', file], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/is not a results file: .*calibration\.covert: must be in \[0, 1\]/);
  });
});
