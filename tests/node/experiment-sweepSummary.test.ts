// The sweep summary from hand-made results (each point's final ΔMI interval, attainment and transfer
// ratio per condition), and the recipe difference that names why a stored run is another recipe's.
import { describe, expect, it } from 'vitest';
import { recipeDifference } from '../../src/experiment/recipeDifference.ts';
import type { Interval, RunResults } from '../../src/experiment/results.ts';
import { sweepSummary } from '../../src/experiment/sweepSummary.ts';

const interval = (mean: number | null, low: number | null, high: number | null, n: number): Interval => ({
  mean,
  low,
  high,
  n,
  excludesZero: n >= 2 && low !== null && high !== null && (low > 0 || high < 0),
});

/** Only the fields the summary reads; the rest of a results file does not matter here. */
function results(
  runId: string,
  conditions: { condition: string; deltaMI: Interval; attainment: number | null; ratio: number | null }[],
): RunResults {
  return {
    runId,
    provenance: { codeVersion: 'persona-lab@0.1.0', backend: 'cpu', corpusHash: `hash-${runId}` },
    conditions: conditions.map((c) => ({
      condition: c.condition,
      seeds: [1, 2, 3],
      trajectory: [],
      final: {
        deltaMI: c.deltaMI,
        deltaMICode: interval(1, 0.5, 1.5, 3),
        attainment: interval(c.attainment, null, null, 3),
        transferRatio: interval(c.ratio, null, null, 3),
      },
    })),
  } as unknown as RunResults;
}

function withEffects(runId: string, plain: number[], request: number[], defaultMI: number): RunResults {
  const r = results(runId, []);
  const of = (form: string, v: number[]) => ({
    form,
    effect: interval(v[0]!, v[1]!, v[2]!, 5),
  });
  return {
    ...r,
    baseline: { step: 60, checkpoint: 'select', summary: { mi: defaultMI } },
    effects: [of('plain', plain), of('request', request)],
  } as unknown as RunResults;
}

describe('sweepSummary over pretrainings', () => {
  const points = [
    { value: 1, label: '1', results: withEffects('p1', [4, 3, 5], [1, 0, 2], -20) },
    { value: 2, label: '2', results: withEffects('p2', [6, 4, 8], [2, 1, 3], -22) },
    { value: 3, label: '3', results: withEffects('p3', [5, 4.5, 5.5], [0, -1, 1], -18) },
  ];
  it('reports each point, its default MI, and each form over pretrainings apart from over seeds', () => {
    const summary = sweepSummary('pretraining', points);
    expect(summary.points.map((p) => p.defaultMI)).toEqual([-20, -22, -18]);
    expect(summary.effects.map((e) => [e.label, e.form, e.effect])).toEqual([
      ['1', 'plain', 4],
      ['1', 'request', 1],
      ['2', 'plain', 6],
      ['2', 'request', 2],
      ['3', 'plain', 5],
      ['3', 'request', 0],
    ]);
    const plain = summary.acrossPretrainings.find((a) => a.form === 'plain')!;
    // Means 4, 6, 5: mean 5, sd 1, t(2) = 4.303 (the table value): 5 +- 4.303 / sqrt(3).
    expect(plain.pretrainings).toBe(3);
    expect(plain.effect).toBeCloseTo(5, 10);
    expect(plain.high! - plain.effect!).toBeCloseTo(4.303 / Math.sqrt(3), 10);
    expect(plain.widestSeedHalfWidth).toBe(2);
    expect(plain.ratioToPlain).toBeNull();
  });
  it("reports each form over its own pretraining's plain effect, as an interval over pretrainings", () => {
    // request / plain per pretraining: 1/4, 2/6, 0/5; a pretraining without a positive plain effect has none.
    const request = sweepSummary('pretraining', points).acrossPretrainings.find((a) => a.form === 'request')!;
    const ratios = [1 / 4, 2 / 6, 0];
    const mean = ratios.reduce((a, b) => a + b) / 3;
    const sd = Math.sqrt(ratios.reduce((a, r) => a + (r - mean) ** 2, 0) / 2);
    expect(request.ratioToPlain!.n).toBe(3);
    expect(request.ratioToPlain!.mean).toBeCloseTo(mean, 10);
    expect(request.ratioToPlain!.high! - mean).toBeCloseTo((4.303 * sd) / Math.sqrt(3), 10);
    const flat = [
      ...points.slice(0, 2),
      { value: 3, label: '3', results: withEffects('p3', [-1, -2, 0], [0, -1, 1], -18) },
    ];
    expect(
      sweepSummary('pretraining', flat).acrossPretrainings.find((a) => a.form === 'request')!.ratioToPlain!.n,
    ).toBe(2);
  });
  it('reports no interval over points for a dose sweep, where points are not replicates', () => {
    expect(sweepSummary('corpus.personaShares.malicious', points).acrossPretrainings).toEqual([]);
    expect(sweepSummary('corpus.personaShares.malicious', points).overPretrainings).toEqual([]);
  });
});

describe('sweepSummary of values crossed with pretrainings', () => {
  // Two shares x three pretrainings; the second share's third pretraining has no default MI.
  const crossed = [
    { value: 0.05, label: '0.05', pretraining: 1, results: withEffects('a1', [4, 3, 5], [1, 0, 2], -20) },
    { value: 0.05, label: '0.05', pretraining: 2, results: withEffects('a2', [6, 4, 8], [2, 1, 3], -22) },
    {
      value: 0.05,
      label: '0.05',
      pretraining: 3,
      results: withEffects('a3', [5, 4.5, 5.5], [0, -1, 1], -18),
    },
    { value: 0.7, label: '0.70', pretraining: 1, results: withEffects('b1', [9, 8, 10], [3, 2, 4], -10) },
    { value: 0.7, label: '0.70', pretraining: 2, results: withEffects('b2', [11, 10, 12], [3, 2, 4], -14) },
    {
      value: 0.7,
      label: '0.70',
      pretraining: 3,
      results: { ...withEffects('b3', [10, 6, 14], [3, 2, 4], 0), baseline: null } as unknown as RunResults,
    },
  ];
  const summary = sweepSummary('corpus.personaShares.malicious', crossed);

  it('lists each value once and each point with its pretraining', () => {
    expect(summary.values).toEqual([0.05, 0.7]);
    expect(summary.pretrainings).toEqual([1, 2, 3]);
    expect(summary.points.map((p) => [p.label, p.pretraining])).toEqual([
      ['0.05', 1],
      ['0.05', 2],
      ['0.05', 3],
      ['0.70', 1],
      ['0.70', 2],
      ['0.70', 3],
    ]);
    expect(summary.effects.filter((e) => e.form === 'plain').map((e) => e.pretraining)).toEqual([
      1, 2, 3, 1, 2, 3,
    ]);
  });

  it('reports each value over its pretrainings: means of the points, t intervals with n = pretrainings', () => {
    const [low, high] = summary.overPretrainings;
    expect(low!.label).toBe('0.05');
    expect(low!.pretrainings).toBe(3);
    // Default MIs -20, -22, -18 and plain means 4, 6, 5: both sd 2 and 1, t(2) = 4.303.
    expect(low!.defaultMI.mean).toBeCloseTo(-20, 10);
    expect(low!.defaultMI.high! - low!.defaultMI.mean!).toBeCloseTo((4.303 * 2) / Math.sqrt(3), 10);
    const plain = low!.effects.find((e) => e.form === 'plain')!;
    expect(plain.effect.mean).toBeCloseTo(5, 10);
    expect(plain.effect.n).toBe(3);
    expect(plain.effect.high! - plain.effect.mean!).toBeCloseTo(4.303 / Math.sqrt(3), 10);
    expect(plain.widestSeedHalfWidth).toBe(2);
    // A point without a default MI drops out of that interval only.
    expect(high!.defaultMI.n).toBe(2);
    expect(high!.defaultMI.mean).toBeCloseTo(-12, 10);
    const highPlain = high!.effects.find((e) => e.form === 'plain')!;
    expect(highPlain.effect.n).toBe(3);
    expect(highPlain.effect.mean).toBeCloseTo(10, 10);
    expect(highPlain.widestSeedHalfWidth).toBe(4);
    // request / plain per pretraining of 0.70: 3/9, 3/11, 3/10.
    const highRequest = high!.effects.find((e) => e.form === 'request')!;
    expect(highRequest.ratioToPlain!.mean).toBeCloseTo((3 / 9 + 3 / 11 + 3 / 10) / 3, 10);
    expect(summary.acrossPretrainings).toEqual([]);
  });
});

describe('sweepSummary', () => {
  it('makes one row per value and condition with the final interval, attainment and transfer ratio', () => {
    const summary = sweepSummary('corpus.personaShares.shortcut', [
      {
        value: 0,
        label: '0',
        results: results('a', [
          { condition: 'covert', deltaMI: interval(2.5, 1, 4, 3), attainment: 0.9, ratio: 1.1 },
          { condition: 'honest', deltaMI: interval(-0.2, -1, 0.6, 3), attainment: 0.1, ratio: null },
        ]),
      },
      {
        value: 0.15,
        label: '0.15',
        results: results('b', [
          { condition: 'covert', deltaMI: interval(null, null, null, 0), attainment: null, ratio: null },
        ]),
      },
    ]);
    expect(summary.schema).toBe('persona-lab-sweep');
    expect(summary.param).toBe('corpus.personaShares.shortcut');
    expect(summary.values).toEqual([0, 0.15]);
    expect(summary.conditions).toEqual(['covert', 'honest']);
    expect(summary.points.map((p) => [p.label, p.runId, p.corpusHash])).toEqual([
      ['0', 'a', 'hash-a'],
      ['0.15', 'b', 'hash-b'],
    ]);
    expect(summary.rows).toEqual([
      {
        value: 0,
        label: '0',
        pretraining: null,
        condition: 'covert',
        seeds: 3,
        deltaMI: 2.5,
        deltaMILow: 1,
        deltaMIHigh: 4,
        excludesZero: true,
        attainment: 0.9,
        transferRatio: 1.1,
      },
      {
        value: 0,
        label: '0',
        pretraining: null,
        condition: 'honest',
        seeds: 3,
        deltaMI: -0.2,
        deltaMILow: -1,
        deltaMIHigh: 0.6,
        excludesZero: false,
        attainment: 0.1,
        transferRatio: null,
      },
      {
        value: 0.15,
        label: '0.15',
        pretraining: null,
        condition: 'covert',
        seeds: 0,
        deltaMI: null,
        deltaMILow: null,
        deltaMIHigh: null,
        excludesZero: false,
        attainment: null,
        transferRatio: null,
      },
    ]);
  });
});

describe('recipeDifference', () => {
  it('is null for equal values whatever the key order', () => {
    expect(recipeDifference({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 })).toBeNull();
  });

  it('names the first differing dot-path with both values', () => {
    expect(recipeDifference({ backend: 'wasm' }, { backend: 'auto' })).toBe(
      'backend: "wasm" there, "auto" here',
    );
    expect(recipeDifference({ s: { f: [1, 2] } }, { s: { f: [1, 3] } })).toBe('s.f.1: 2 there, 3 here');
    expect(recipeDifference({ s: { f: [1] } }, { s: { f: [1, 2] } })).toBe('s.f: [1] there, [1,2] here');
    expect(recipeDifference({ a: 1 }, { a: 1, b: 2 })).toBe('b: missing there, present here');
    expect(recipeDifference(undefined, { a: 1 })).toMatch(/^\(the whole recipe\): /);
  });
});
