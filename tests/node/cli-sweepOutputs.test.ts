// The pure parts of `sweep`: the --values parser and the dot-path setter (with their refusals), the
// points' recipes, and the summary's CSV, markdown and SVG.
import { describe, expect, it } from 'vitest';
import { CliError } from '../../src/cli/cliErrors.ts';
import { parseSweepValues, setNumberAt, sweepPoints } from '../../src/cli/sweepPoints.ts';
import { escapeXml, niceAxis, sweepSvg } from '../../src/cli/sweepSvg.ts';
import { sweepCsv, sweepMarkdown } from '../../src/cli/sweepTables.ts';
import { presetRecipe } from '../../src/experiment/presets.ts';
import type { RunResults } from '../../src/experiment/results.ts';
import { sweepSummary, type SweepRow, type SweepSummary } from '../../src/experiment/sweepSummary.ts';

function refusal(f: () => unknown): CliError {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(2);
    return error as CliError;
  }
  throw new Error('expected a CliError');
}

describe('parseSweepValues', () => {
  it('keeps each value as written', () => {
    expect(parseSweepValues('0, 0.15,.4,1e-1,-2')).toEqual([
      { value: 0, label: '0' },
      { value: 0.15, label: '0.15' },
      { value: 0.4, label: '.4' },
      { value: 0.1, label: '1e-1' },
      { value: -2, label: '-2' },
    ]);
  });

  it('refuses missing, empty, non-numeric and repeated values', () => {
    expect(refusal(() => parseSweepValues(undefined)).message).toMatch(/--values V1,V2,\.\.\. is required/);
    expect(refusal(() => parseSweepValues('')).message).toMatch(/--values is empty/);
    expect(refusal(() => parseSweepValues('0,,1')).message).toMatch(/empty item \(number 2 of 3\)/);
    for (const bad of ['abc', '0x10', 'Infinity', 'NaN', '1.2.3', '1e999'])
      expect(refusal(() => parseSweepValues(`0,${bad}`)).message).toContain(`"${bad}" is not a number`);
    expect(refusal(() => parseSweepValues('0,0.5,0.50')).message).toMatch(/0\.50 repeats 0\.5/);
  });
});

describe('setNumberAt', () => {
  const recipe = { corpus: { shares: { a: 1 }, list: [1, 2] }, name: 'x' };

  it('returns a copy with the number replaced, the original untouched', () => {
    const out = setNumberAt(recipe, 'corpus.shares.a', 0.25);
    expect(out.corpus.shares.a).toBe(0.25);
    expect(recipe.corpus.shares.a).toBe(1);
    expect(setNumberAt(recipe, 'corpus.list.1', 7).corpus.list).toEqual([1, 7]);
  });

  it('refuses a path that does not exist or does not hold a number, naming it', () => {
    expect(refusal(() => setNumberAt(recipe, 'corpus.nope.a', 1)).message).toBe(
      '--param corpus.nope.a: the recipe has no field corpus.nope',
    );
    expect(refusal(() => setNumberAt(recipe, 'corpus.shares.a.b', 1)).message).toMatch(
      /no field corpus\.shares\.a\.b/,
    );
    expect(refusal(() => setNumberAt(recipe, 'corpus.shares', 1)).message).toBe(
      "--param corpus.shares: the recipe's corpus.shares is a section, not a number: sweep a numeric field",
    );
    expect(refusal(() => setNumberAt(recipe, 'name', 1)).message).toMatch(/name is "x", not a number/);
    expect(refusal(() => setNumberAt(recipe, 'corpus..a', 1)).message).toMatch(/is not a dot-path/);
    expect(refusal(() => setNumberAt(recipe, '__proto__.x', 1)).message).toMatch(/no field __proto__/);
  });
});

describe('sweepPoints', () => {
  const tiny = presetRecipe('tiny');

  it('builds one validated recipe per value, named after the last path segment', () => {
    const points = sweepPoints(tiny, {
      param: 'corpus.personaShares.shortcut',
      values: '0,0.50',
      backend: 'wasm',
    });
    expect(points.map((p) => p.name)).toEqual(['shortcut=0', 'shortcut=0.50']);
    expect(points.map((p) => p.recipe.corpus.personaShares.shortcut)).toEqual([0, 0.5]);
    expect(points.every((p) => p.recipe.backend === 'wasm')).toBe(true);
    expect(
      sweepPoints(tiny, { param: 'model.nLayer', values: '1', backend: undefined })[0]!.recipe.backend,
    ).toBe(tiny.backend);
  });

  it("refuses a value the recipe does not allow, with the field's dot-path", () => {
    expect(
      refusal(() =>
        sweepPoints(tiny, { param: 'corpus.personaShares.shortcut', values: '-1', backend: undefined }),
      ).message,
    ).toMatch(/^point shortcut=-1: recipe: corpus\.personaShares\.shortcut /);
    expect(
      refusal(() => sweepPoints(tiny, { param: 'model.nLayer', values: '1.5', backend: undefined })).message,
    ).toMatch(/^point nLayer=1\.5: recipe: model\.nLayer /);
    expect(
      refusal(() => sweepPoints(tiny, { param: undefined, values: '1', backend: undefined })).message,
    ).toMatch(/--param DOT\.PATH is required/);
    expect(
      refusal(() => sweepPoints(tiny, { param: 'model.nLayer', values: '1', backend: 'webgl' })).message,
    ).toMatch(/--backend must be auto, wasm, cpu or webgpu/);
  });
});

const row = (
  value: number,
  condition: string,
  mean: number | null,
  low: number | null,
  high: number | null,
) =>
  ({
    value,
    label: String(value),
    pretraining: null,
    condition,
    seeds: 3,
    deltaMI: mean,
    deltaMILow: low,
    deltaMIHigh: high,
    excludesZero: low !== null && high !== null && (low > 0 || high < 0),
    attainment: 0.5,
    transferRatio: null,
  }) satisfies SweepRow;

const summary: SweepSummary = {
  schema: 'persona-lab-sweep',
  schemaVersion: 1,
  param: 'corpus.personaShares.shortcut',
  values: [0, 0.4, 0.8],
  pretrainings: [],
  conditions: ['covert', 'a<b & "c"'],
  points: [0, 0.4, 0.8].map((value) => ({
    value,
    label: String(value),
    pretraining: null,
    runId: `r${value}`,
    backend: 'cpu',
    codeVersion: 'persona-lab@0.1.0',
    corpusHash: 'h',
    defaultMI: null,
  })),
  rows: [
    row(0, 'covert', 1, 0.5, 1.5),
    row(0, 'a<b & "c"', -0.5, -1, 0),
    row(0.4, 'covert', 3, 2, 4),
    row(0.4, 'a<b & "c"', null, null, null),
    row(0.8, 'covert', 6, 5, 7),
    row(0.8, 'a<b & "c"', 0.2, 0.2, 0.2),
  ],
  effects: [],
  acrossPretrainings: [],
  overPretrainings: [],
};

describe('sweep tables', () => {
  it('writes one CSV row per value and condition, empty cells for nulls', () => {
    const lines = sweepCsv(summary).trimEnd().split('\n');
    expect(lines[0]).toBe(
      'param,value,pretraining,condition,seeds,deltaMI,deltaMILow,deltaMIHigh,excludesZero,attainment,transferRatio',
    );
    expect(lines).toHaveLength(7);
    expect(lines[1]).toBe('corpus.personaShares.shortcut,0,,covert,3,1,0.5,1.5,true,0.5,');
    expect(lines[2]).toBe('corpus.personaShares.shortcut,0,,"a<b & ""c""",3,-0.5,-1,0,false,0.5,');
  });

  it('writes a value x condition markdown table of ΔMI [interval] and attainment', () => {
    const lines = sweepMarkdown(summary).split('\n');
    expect(lines[0]).toBe(
      '| shortcut | covert ΔMI [95% CI] | covert attainment | a<b & "c" ΔMI [95% CI] | a<b & "c" attainment |',
    );
    expect(lines[2]).toBe('| 0 | +1.00 [+0.50, +1.50] * | 0.50 | -0.50 [-1.00, +0.00] | 0.50 |');
    expect(lines[3]).toBe('| 0.4 | +3.00 [+2.00, +4.00] * | 0.50 | - [-, -] | 0.50 |');
    expect(sweepMarkdown(summary)).toMatch(/mean over 3 seeds/);
    // Small shifts get more decimals rather than printing as +0.00.
    const small = { ...summary, rows: [row(0, 'covert', -0.0574, -0.1116, -0.0033)] };
    expect(sweepMarkdown(small).split('\n')[2]).toBe('| 0 | -0.057 [-0.112, -0.003] * | 0.50 | - | - |');
  });
});

describe('sweep tables over pretrainings', () => {
  /** A results file with only what the summary reads: a default MI and the plain and request effects. */
  const point = (value: number, pretraining: number, plain: number, request: number) => ({
    value,
    label: String(value),
    pretraining,
    results: {
      runId: `r${value}-${pretraining}`,
      provenance: { codeVersion: 'v', backend: 'wasm', corpusHash: 'h' },
      conditions: [],
      baseline: { summary: { mi: -10 + pretraining } },
      effects: [
        { form: 'plain', effect: { mean: plain, low: plain - 1, high: plain + 1, n: 3, excludesZero: true } },
        {
          form: 'request',
          effect: { mean: request, low: request - 1, high: request + 1, n: 3, excludesZero: false },
        },
      ],
    } as unknown as RunResults,
  });

  it('writes a value seen on one pretraining as its mean, marked, never as a zero-width interval', () => {
    const text = sweepMarkdown(
      sweepSummary('corpus.personaShares.malicious', [point(0.05, 1, 4, 1), point(0.7, 1, 8, 2)]),
    );
    expect(text).toContain(
      '| 0.05 | 1 | -9.00 (1 pretraining) | +4.00 (1 pretraining) | +1.00 (1 pretraining) | 0.25x (1 pretraining) |',
    );
    expect(text).not.toMatch(/\[([+-]\d+\.\d+), \1\]/);
  });

  it('writes intervals once a value has two pretrainings', () => {
    const text = sweepMarkdown(
      sweepSummary('corpus.personaShares.malicious', [point(0.05, 1, 4, 1), point(0.05, 2, 6, 3)]),
    );
    // Default MIs -9 and -8, plain 4 and 6, request / plain 0.25 and 0.5: t(1) = 12.706 over two.
    expect(text).toContain(
      '| 0.05 | 2 | -8.50 [-14.85, -2.15] | +5.00 [-7.71, +17.71] | +2.00 [-10.71, +14.71] | 0.38x [-1.21, 1.96] |',
    );
  });
});

describe('sweepSvg', () => {
  const svg = sweepSvg(summary);

  it('is one self-contained SVG document with one line per condition', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).not.toMatch(/<script|href=|@import|url\(/);
    expect(svg.match(/<path class="series"/g)).toHaveLength(2);
    // The missing mean at 0.4 breaks the second line into two pieces instead of bridging it.
    const second = svg.split('<g class="condition"')[2]!;
    expect(second.match(/class="series" d="([^"]*)"/)![1]!.match(/M/g)).toHaveLength(2);
  });

  it('draws error bars for intervals with a width, a zero line, axes with ticks and labels, a legend', () => {
    // Four intervals have a width; the one-point interval at 0.8 and the missing one at 0.4 have none.
    expect(svg.match(/class="error-bar"/g)).toHaveLength(4);
    expect(svg).toMatch(/class="zero-line"/);
    expect(svg).toMatch(/class="x-axis"/);
    expect(svg).toMatch(/class="y-axis"/);
    expect(svg).toMatch(/<text class="axis-label x-label"[^>]*>corpus\.personaShares\.shortcut<\/text>/);
    expect(svg).toMatch(/<text class="axis-label y-label"[^>]*>ΔMI off-code \(nats\)/);
    for (const tick of ['0.0', '0.2', '0.4', '0.6', '0.8']) expect(svg).toContain(`>${tick}</text>`);
    expect(svg).toMatch(/<g class="legend"/);
    expect(svg).toContain('>covert</text>');
  });

  it('escapes text', () => {
    expect(escapeXml(`a<b & "c" > 'd'`)).toBe('a&lt;b &amp; &quot;c&quot; &gt; &#39;d&#39;');
    expect(svg).toContain('>a&lt;b &amp; &quot;c&quot;</text>');
    expect(svg).toContain('data-condition="a&lt;b &amp; &quot;c&quot;"');
    expect(svg).not.toContain('a<b');
  });

  it('picks round ticks that cover the data, with a tick exactly at zero', () => {
    expect(niceAxis(0, 0.8)).toMatchObject({ lo: 0, hi: 0.8, decimals: 1 });
    const y = niceAxis(-1, 7);
    expect(y.ticks).toEqual([-2, 0, 2, 4, 6, 8]);
    expect(niceAxis(-0.3, 0.7).ticks).toContain(0);
    expect(niceAxis(5, 5).lo).toBeLessThan(5);
  });
});
