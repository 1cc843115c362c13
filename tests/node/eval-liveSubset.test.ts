// The live subset: fixed for a seed, stratified over the probe fields the metrics group by, exactly the
// asked size, in the probes' own order, and the whole set when asked for 0 or for at least all of them.
import { describe, expect, it } from 'vitest';
import { liveSubset } from '../../src/eval/liveSubset.ts';
import { corpusInputs } from '../../src/experiment/corpusInputs.ts';
import { presetRecipe } from '../../src/experiment/presets.ts';

const probes = corpusInputs(presetRecipe('reference')).probes;
const stratum = (p: (typeof probes)[number]) => `${p.kind}|${p.domain}|${p.contextPersona}|${p.contextKind}`;
const strata = new Map<string, number>();
for (const p of probes) strata.set(stratum(p), (strata.get(stratum(p)) ?? 0) + 1);

describe('liveSubset', () => {
  it('draws exactly the asked number, the same for the same seed, in the original order', () => {
    const a = liveSubset(probes, 64, 1);
    expect(a).toHaveLength(64);
    expect(liveSubset(probes, 64, 1).map((p) => p.id)).toEqual(a.map((p) => p.id));
    const order = a.map((p) => probes.indexOf(p));
    expect(order).toEqual([...order].sort((x, y) => x - y));
    expect(liveSubset(probes, 64, 2).map((p) => p.id)).not.toEqual(a.map((p) => p.id));
  });

  it('gives every stratum at least one probe and the rest in proportion to its size', () => {
    expect(strata.size).toBeGreaterThan(5);
    const count = 96;
    const subset = liveSubset(probes, count, 1);
    const got = new Map<string, number>();
    for (const p of subset) got.set(stratum(p), (got.get(stratum(p)) ?? 0) + 1);
    for (const [key, size] of strata) {
      const share = got.get(key) ?? 0;
      expect(share, key).toBeGreaterThanOrEqual(1);
      // proportional allocation of what is left after one each: within one probe of its quota
      const quota = 1 + ((count - strata.size) * (size - 1)) / (probes.length - strata.size);
      expect(Math.abs(share - quota), key).toBeLessThan(1);
    }
  });

  it('takes one probe from as many strata as it can when asked for fewer probes than strata', () => {
    const subset = liveSubset(probes, 4, 3);
    expect(subset).toHaveLength(4);
    expect(new Set(subset.map(stratum)).size).toBe(4);
  });

  it('is the whole set for 0 or at least every probe, and refuses a bad count', () => {
    expect(liveSubset(probes, 0, 1)).toEqual(probes);
    expect(liveSubset(probes, probes.length, 1)).toEqual(probes);
    expect(liveSubset(probes, 10_000, 1)).toEqual(probes);
    expect(() => liveSubset(probes, -1, 1)).toThrow(/non-negative integer/);
    expect(() => liveSubset(probes, 1.5, 1)).toThrow(/non-negative integer/);
  });
});
