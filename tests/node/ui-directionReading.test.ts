// The persona direction on the page: the live projection curve (shifts in spreads, against hand-computed
// values) and the plain-words readings of the direction, the curve and the dose-response.
import { describe, expect, it } from 'vitest';
import { conditionShifts } from '../../src/experiment/conditionShifts.ts';
import { readDirection, readDose, readProjection } from '../../src/ui/directionReading.ts';
import type { EvalSummary, PersonaDirection } from '../../workers/contract.ts';
import { branchAt, resultsOf, stageAt } from './runFixtures.ts';

const direction: PersonaDirection = {
  pair: { a: 'malicious', b: 'helpful' },
  source: 'pretrain',
  contexts: { fit: 12, test: 12 },
  layers: [
    { layer: 0, vector: [1, 0], spread: 0.5, meanA: 0.1, meanB: -0.3, auc: 0.7, dPrime: 1.1 },
    { layer: 1, vector: [0, 1], spread: 2, meanA: 1.2, meanB: -0.4, auc: 1, dPrime: 7 },
  ],
  bestLayer: 1,
};

function summary(mi: number, projection: number): EvalSummary {
  return {
    mi,
    miPerChar: mi / 40,
    miPerDomain: {},
    miCode: 0,
    attainment: 0.5,
    posteriors: {},
    inference: [],
    calibration: {},
    projection: [99, projection],
    probes: 10,
  };
}

const evaluations = [
  stageAt('select', 60, summary(-10, -8)),
  branchAt('covert', 1, 10, summary(-6, -7)), // +1 nat... projection +1/2 = +0.5 spreads
  branchAt('covert', 2, 10, summary(-5, -6.8)), // +0.6
  branchAt('covert', 3, 10, summary(-5.5, -6.6)), // +0.7
  branchAt('plainFix', 1, 10, summary(-10.5, -8.2)), // -0.1
  branchAt('plainFix', 2, 10, summary(-10.2, -8)), // 0
  branchAt('plainFix', 3, 10, summary(-10.1, -8.1)), // -0.05
];

/** The shifts a running run shows, from the results built of these evaluations. */
const liveShifts = (order: string[], withDirection: PersonaDirection | null) =>
  conditionShifts(resultsOf(evaluations, withDirection), order, true);

describe('the live projection curve', () => {
  it('is the shift at the best layer in spreads, per condition over seeds, 0 at step 0', () => {
    const shifts = liveShifts(['covert', 'plainFix'], direction);
    const covert = shifts.find((s) => s.condition === 'covert')!;
    expect(covert.trajectory[0]!.deltaProjection.mean).toBe(0);
    expect(covert.latest.deltaProjection.mean).toBeCloseTo((0.5 + 0.6 + 0.7) / 3, 12);
    expect(covert.latest.deltaProjection.n).toBe(3);
    expect(covert.latest.deltaProjection.excludesZero).toBe(true);
    // Without a direction the curve is empty, ΔMI unchanged.
    const none = liveShifts(['covert'], null).find((s) => s.condition === 'covert')!;
    expect(none.latest.deltaProjection.n).toBe(0);
    expect(none.latest.deltaMI.mean).toBeCloseTo((4 + 5 + 4.5) / 3, 12);
  });

  it('reads each condition, the cheat against its fix, and the agreement with ΔMI', () => {
    const shifts = liveShifts(['covert', 'plainFix'], direction);
    const lines = readProjection(shifts, direction, (id) => id);
    expect(lines[0]).toMatch(
      /^Covert moved the Assistant \+0\.60 spreads along the direction .*: toward the malicious persona\.$/,
    );
    expect(lines[1]).toMatch(/^PlainFix moved the Assistant −?-?0\.05 spreads.*interval includes zero/);
    expect(lines).toContain(
      'On the direction, covert moved the Assistant further toward the malicious persona than plainFix, and their intervals do not overlap.',
    );
    expect(lines.at(-1)).toMatch(/agree in sign for 2 of 2 conditions/);
    expect(readProjection(shifts, null, (id) => id)).toEqual([
      'This run has no persona direction (a run of an earlier version of the lab).',
    ]);
  });
});

describe('readings', () => {
  it('names the best layer and its separation, and the other layers', () => {
    const lines = readDirection(direction);
    expect(lines[0]).toBe(
      'The direction from the helpful persona to the malicious persona, measured on pretrain, separates the two almost perfectly at layer 1: AUC 1.00, d′ 7.00 on 12 held-out documents a persona it was not fitted on.',
    );
    expect(lines[1]).toMatch(/^Elsewhere: layer 0 AUC 0\.70, d′ 1\.10\./);
  });

  it('reads the dose-response: monotone or not, from the numbers', () => {
    const rising = readDose(
      [
        { alpha: -2, mi: -12 },
        { alpha: 0, mi: -10 },
        { alpha: 2, mi: -4 },
      ],
      'malicious',
    );
    expect(rising[0]).toMatch(/at α = -2 and .*4\.00 at α = 2 \(unsteered: .*10\.00\)/);
    expect(rising[1]).toMatch(/^MI rises at every step of α/);
    const bumpy = readDose(
      [
        { alpha: -1, mi: 1 },
        { alpha: 0, mi: 3 },
        { alpha: 1, mi: 2 },
      ],
      'malicious',
    );
    expect(bumpy[1]).toMatch(/does not change in one direction/);
    // Rising from the unsteered model up, not below it: said as one-sided, never as "every step".
    const oneSided = readDose(
      [
        { alpha: -4, mi: -6.7 },
        { alpha: -2, mi: -7.13 },
        { alpha: 0, mi: -7.31 },
        { alpha: 2, mi: -5.95 },
        { alpha: 4, mi: -4.12 },
      ],
      'malicious',
    );
    expect(oneSided[1]).toMatch(/^MI rises at every step of α above 0: .*malicious.* one way only\.$/);
    const flatAbove = readDose(
      [
        { alpha: -2, mi: -8 },
        { alpha: 0, mi: -7 },
        { alpha: 2, mi: -7 },
        { alpha: 4, mi: -9 },
      ],
      'malicious',
    );
    expect(flatAbove[1]).toMatch(/does not change in one direction/);
    expect(readDose([{ alpha: 0, mi: 1 }], 'malicious')[0]).toMatch(/two strengths or more/);
  });
});
