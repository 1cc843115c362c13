// The persona direction's maths against plain-JS references (hand-written loops, worked examples), and
// its held-out contexts: inference probes only, never a training text.
import { describe, expect, it } from 'vitest';
import { findLeaks, trainingTexts } from '../../src/corpus/index.ts';
import {
  answerSpan,
  auc,
  directionContexts,
  dPrime,
  fitDirection,
  meanProjection,
  standardDeviation,
  steeringVector,
  unitDifference,
  type DirectionContext,
  type EvalProbe,
} from '../../src/eval/index.ts';
import { corpusInputs } from '../../src/experiment/corpusInputs.ts';
import { presetRecipe } from '../../src/experiment/presets.ts';

describe('separation statistics', () => {
  it('AUC counts wins and half ties, as a worked example', () => {
    // pairs (a > b): 3>1, 3>2, 2>1 win; 2=2 ties; 1<2, 1=1 -> (3 + 0.5 + 0.5) / 6
    expect(auc([3, 2, 1], [1, 2])).toBeCloseTo((3 + 0.5 + 0.5) / 6, 12);
    expect(auc([5, 6], [1, 2])).toBe(1);
    expect(auc([1], [2])).toBe(0);
    expect(auc([], [1])).toBeNull();
  });

  it("d' is the mean difference over the root mean variance (n - 1)", () => {
    // a: mean 2, var 1; b: mean 0, var 4 -> 2 / sqrt(2.5)
    expect(dPrime([1, 2, 3], [-2, 0, 2])).toBeCloseTo(2 / Math.sqrt(2.5), 12);
    expect(dPrime([1], [0, 1])).toBeNull();
    expect(standardDeviation([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(Math.sqrt(32 / 7), 12);
  });

  it('the unit difference of the means has length 1 and points from b to a', () => {
    const d = unitDifference(
      [
        [3, 0],
        [5, 0],
      ],
      [
        [0, 0],
        [0, 0],
      ],
    );
    expect(d).toEqual([1, 0]);
    expect(() => unitDifference([[1, 1]], [[1, 1]])).toThrow(/no direction/);
  });
});

/** A plain-JS fit of the direction: loops over contexts, float64, nothing shared with the module. */
function referenceFit(
  contexts: DirectionContext[],
  residuals: number[][][],
  a: string,
  b: string,
  layer: number,
) {
  const width = residuals[0]![layer]!.length;
  const mean = (persona: string) => {
    const sum = new Array<number>(width).fill(0);
    let n = 0;
    contexts.forEach((c, i) => {
      if (c.persona !== persona || !c.fit) return;
      n += 1;
      for (let k = 0; k < width; k++) sum[k]! += residuals[i]![layer]![k]!;
    });
    return sum.map((v) => v / n);
  };
  const ma = mean(a);
  const mb = mean(b);
  const diff = ma.map((v, k) => v - mb[k]!);
  const norm = Math.hypot(...diff);
  const unit = diff.map((v) => v / norm);
  const proj = residuals.map((r) => r[layer]!.reduce((s, v, k) => s + v * unit[k]!, 0));
  const m = proj.reduce((s, v) => s + v, 0) / proj.length;
  const spread = Math.sqrt(proj.reduce((s, v) => s + (v - m) ** 2, 0) / (proj.length - 1));
  return { unit, proj, spread };
}

describe('fitDirection', () => {
  // Three layers, width 4; persona a sits +1 along axis 0 at layer 1 only, noise elsewhere.
  let state = 3;
  const noise = () => ((state = (state * 69069 + 1) % 2 ** 32) / 2 ** 32 - 0.5) * 0.4;
  const contexts: DirectionContext[] = [];
  const residuals: number[][][] = [];
  for (const persona of ['mal', 'help']) {
    for (let i = 0; i < 8; i++) {
      contexts.push({ probeId: `${persona}:${i}`, persona, text: 'x', from: 0, to: 1, fit: i % 2 === 0 });
      residuals.push(
        [0, 1, 2].map((layer) =>
          [0, 1, 2, 3].map((k) => noise() + (layer === 1 && k === 0 && persona === 'mal' ? 1 : 0)),
        ),
      );
    }
  }
  const direction = fitDirection(contexts, residuals, { a: 'mal', b: 'help' }, 'test');

  it('equals the plain-JS reference: unit vector, spread, separation half means, AUC and d per layer', () => {
    expect(direction.layers).toHaveLength(3);
    for (const layer of [0, 1, 2]) {
      const ref = referenceFit(contexts, residuals, 'mal', 'help', layer);
      const got = direction.layers[layer]!;
      got.vector.forEach((v, k) => expect(v).toBeCloseTo(ref.unit[k]!, 12));
      expect(got.spread).toBeCloseTo(ref.spread, 12);
      const test = (p: string) => ref.proj.filter((_, i) => contexts[i]!.persona === p && !contexts[i]!.fit);
      const [a, b] = [test('mal'), test('help')];
      expect(got.meanA).toBeCloseTo(a.reduce((s, v) => s + v, 0) / a.length, 12);
      expect(got.meanB).toBeCloseTo(b.reduce((s, v) => s + v, 0) / b.length, 12);
      let wins = 0;
      for (const x of a) for (const y of b) wins += x > y ? 1 : x === y ? 0.5 : 0;
      expect(got.auc).toBeCloseTo(wins / (a.length * b.length), 12);
    }
    expect(direction.contexts).toEqual({ fit: 4, test: 4 });
  });

  it('finds the layer where the personas differ, and separates them there on the held-out half', () => {
    expect(direction.bestLayer).toBe(1);
    expect(direction.layers[1]!.auc).toBe(1);
    expect(direction.layers[1]!.dPrime!).toBeGreaterThan(3);
    expect(Math.abs(direction.layers[1]!.vector[0]!)).toBeGreaterThan(0.9);
  });

  it('projects the Assistant per layer, and steers by alpha spreads', () => {
    const at = [residuals[0]!, residuals[8]!];
    const projection = meanProjection(at, direction);
    for (const layer of [0, 1, 2]) {
      const v = direction.layers[layer]!.vector;
      const byHand = at.map((r) => r[layer]!.reduce((s, x, k) => s + x * v[k]!, 0));
      expect(projection[layer]).toBeCloseTo((byHand[0]! + byHand[1]!) / 2, 12);
    }
    const steer = steeringVector(direction, 1, -2);
    steer.forEach((v, k) =>
      expect(v).toBeCloseTo(-2 * direction.layers[1]!.spread * direction.layers[1]!.vector[k]!, 6),
    );
    expect(Array.from(steeringVector(direction, 1, 0))).toEqual([0, 0, 0, 0]);
    expect(() => steeringVector(direction, 3, 1)).toThrow(/no layer 3/);
  });
});

describe('directionContexts', () => {
  const probe = (id: string, kind: EvalProbe['kind'], persona: string | null): EvalProbe => ({
    id,
    kind,
    domain: 'users',
    contextPersona: persona,
    contextKind: null,
    prompt: `ctx ${id}\nAI: `,
    candidates: [
      { text: 'good.\n', behaviour: 'good', personas: ['help', 'other'] },
      { text: 'bad!\n', behaviour: 'bad', personas: ['mal'] },
    ],
  });

  it("takes each persona's inference probes with its own answer, alternately to fit and to measure", () => {
    const probes = [
      probe('d', 'domain', null),
      probe('m0', 'inference', 'mal'),
      probe('h0', 'inference', 'help'),
      probe('m1', 'inference', 'mal'),
      probe('o0', 'inference', 'other'),
      probe('c', 'calibration', 'mal'),
    ];
    const contexts = directionContexts(probes, { a: 'mal', b: 'help' });
    expect(contexts.map((c) => [c.probeId, c.persona, c.fit])).toEqual([
      ['m0', 'mal', true],
      ['m1', 'mal', false],
      ['h0', 'help', true],
    ]);
    const m0 = contexts[0]!;
    expect(m0.text).toBe('ctx m0\nAI: bad!\n');
    // The answer positions: from the prompt's last character, each predicting the next answer character.
    expect(m0.text.slice(m0.from + 1, m0.to + 1)).toBe('bad!\n');
    expect(answerSpan('ab', 'cd')).toEqual({ text: 'abcd', from: 1, to: 3 });
    expect(() => directionContexts(probes, { a: 'mal', b: 'mal' })).toThrow(/two different personas/);
    expect(() => directionContexts(probes, { a: 'mal', b: 'tutor' })).toThrow(
      /tutor has no held-out context/,
    );
  });

  it('never uses a training text: no context appears in pretraining, selection or fine-tune sets', () => {
    const recipe = presetRecipe('tiny');
    recipe.corpus.inferenceProbesPerPersona = 4;
    const inputs = corpusInputs(recipe);
    const contexts = directionContexts(inputs.probes, { a: 'malicious', b: 'helpful' });
    expect(contexts.length).toBe(8);
    const phrases = contexts.flatMap((c) => [c.text, c.text.slice(c.from + 1)]);
    const leaks = findLeaks(trainingTexts(inputs.corpus), { probes: [], heldOutPhrases: phrases });
    expect(leaks).toEqual([]);
  });
});
