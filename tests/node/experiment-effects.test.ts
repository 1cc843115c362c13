// The paired behaviour effects from hand-made branches: ΔMI(cheat) - ΔMI(fix) per seed, only where both
// branches of a seed finished, their interval and trajectory; the two probe families' agreement.
import { describe, expect, it } from 'vitest';
import { familyAgreement, formEffects } from '../../src/experiment/results.ts';
import type { BranchPoint, BranchResult, FormEffect } from '../../src/experiment/results.ts';

function point(step: number, deltaMI: number, deltaMISecond: number | null = null): BranchPoint {
  return { step, deltaMI, deltaMICode: deltaMI * 2, deltaMISecond } as unknown as BranchPoint;
}

function branch(
  condition: string,
  seed: number,
  finalDelta: number,
  status: BranchResult['status'] = 'done',
  second: number | null = null,
): BranchResult {
  return {
    condition,
    seed,
    status,
    trajectory: [
      point(0, 0, second === null ? null : 0),
      point(10, finalDelta / 2),
      point(20, finalDelta, second),
    ],
  } as unknown as BranchResult;
}

describe('formEffects', () => {
  it('pairs cheat and fix by seed and takes the difference of their final ΔMI', () => {
    const effects = formEffects([
      branch('covert', 1, 5),
      branch('covert', 2, 7),
      branch('covert', 3, 9),
      branch('plainFix', 1, 1),
      branch('plainFix', 2, 2),
      branch('plainFix', 3, 3),
      // Unpaired or unfinished branches do not count.
      branch('covert', 4, 100),
      branch('plainFix', 5, -100),
      branch('requestCheat', 1, 4),
      branch('requestFix', 1, 3, 'partial'),
    ]);
    expect(effects.map((e) => e.form)).toEqual(['plain']);
    const plain = effects[0]!;
    expect(plain).toMatchObject({ cheat: 'covert', fix: 'plainFix', seeds: [1, 2, 3], perSeed: [4, 5, 6] });
    // Mean 5, sd 1, t(2) = 4.303.
    expect(plain.effect.mean).toBeCloseTo(5, 10);
    expect(plain.effect.high! - 5).toBeCloseTo(4.303 / Math.sqrt(3), 10);
    expect(plain.effectCode.mean).toBeCloseTo(10, 10);
    expect(plain.effectSecond.n).toBe(0);
    expect(plain.trajectory.map((t) => [t.step, t.effect.mean])).toEqual([
      [0, 0],
      [10, 2.5],
      [20, 5],
    ]);
  });

  it('measures the second family with the same contrast', () => {
    const [e] = formEffects([
      branch('requestCheat', 1, 2, 'done', 1.5),
      branch('requestFix', 1, 1, 'done', 0.5),
      branch('requestCheat', 2, 4, 'done', 2),
      branch('requestFix', 2, 1, 'done', 0),
    ]);
    expect(e!.form).toBe('request');
    expect(e!.perSeed).toEqual([1, 3]);
    expect(e!.effectSecond.mean).toBeCloseTo(1.5, 10);
  });
});

describe('familyAgreement', () => {
  const of = (form: FormEffect['form'], main: number, second: number | null) =>
    ({ form, effect: { mean: main }, effectSecond: { mean: second } }) as unknown as FormEffect;
  it('checks the sign of each form and the order of the forms in both families', () => {
    expect(familyAgreement([of('plain', 5, 2), of('request', 1, 0.5), of('irrelevant', 4, 1.5)])).toEqual({
      forms: ['plain', 'request', 'irrelevant'],
      sign: true,
      order: true,
    });
    expect(familyAgreement([of('plain', 5, 1), of('request', 1, 2)])).toMatchObject({
      sign: true,
      order: false,
    });
    expect(familyAgreement([of('plain', 5, -1), of('request', 1, -2)])).toMatchObject({
      sign: false,
      order: true,
    });
    expect(familyAgreement([of('plain', 5, null)])).toBeNull();
  });
});
