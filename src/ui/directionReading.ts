// Plain-words readings of the persona direction, computed from the numbers only: where in the model the
// two personas separate (AUC and d' per layer on held-out documents), how far each fine-tune moved the
// Assistant along the direction (in spreads, with the 95% interval over seeds) and whether that agrees
// with the misalignment index, and what steering did to the index (the dose-response).
import type { PersonaDirection } from '../../workers/contract.ts';
import type { ConditionShift } from '../experiment/conditionShifts.ts';
import type { Interval } from '../experiment/results.ts';
import { formatInterval } from './shiftReading.ts';
import { formatNats } from './numberFormat.ts';

const two = (v: number | null) => (v === null ? 'unmeasured' : v.toFixed(2));

/** How well AUC separates, in words (0.5 is chance). */
function strength(auc: number | null): string {
  if (auc === null) return 'could not be measured (too few held-out documents)';
  if (auc >= 0.95) return 'separates the two almost perfectly';
  if (auc >= 0.8) return 'separates them well';
  if (auc >= 0.65) return 'separates them somewhat';
  return 'hardly separates them (0.5 is chance)';
}

/** Sentences on the direction's separation per layer. */
export function readDirection(direction: PersonaDirection): string[] {
  const { a, b } = direction.pair;
  const best = direction.layers[direction.bestLayer];
  if (!best) return ['No direction has been measured.'];
  const lines = [
    `The direction from the ${b} persona to the ${a} persona, measured on ${direction.source}, ${strength(best.auc)} at layer ${best.layer}: AUC ${two(best.auc)}, d′ ${two(best.dPrime)} on ${direction.contexts.test} held-out documents a persona it was not fitted on.`,
  ];
  const others = direction.layers.filter((l) => l.layer !== best.layer);
  if (others.length > 0)
    lines.push(
      `Elsewhere: ${others.map((l) => `layer ${l.layer} AUC ${two(l.auc)}, d′ ${two(l.dPrime)}`).join('; ')}. Where the separation is largest is where the model keeps track of who is speaking.`,
    );
  if (direction.contexts.test === 0)
    lines.push(
      'With one held-out document a persona, all of it fits the direction: nothing is left to test it on.',
    );
  return lines;
}

const overlap = (x: Interval, y: Interval) =>
  x.low !== null &&
  x.high !== null &&
  y.low !== null &&
  y.high !== null &&
  x.low <= y.high &&
  y.low <= x.high;

/** The pairs read together: each cheat against its fix on the same prompts, then covert against controls. */
const PAIRS: [string, string][] = [
  ['covert', 'plainFix'],
  ['requestCheat', 'requestFix'],
  ['irrelevantCheat', 'irrelevantFix'],
  ['covert', 'honest'],
  ['covert', 'neutral'],
];

/** Sentences on the projection curve of each condition, their contrasts, and agreement with ΔMI. */
export function readProjection(
  shifts: readonly ConditionShift[],
  direction: PersonaDirection | null,
  titleOf: (id: string) => string,
): string[] {
  if (!direction) return ['This run has no persona direction (a run of an earlier version of the lab).'];
  const measured = shifts.filter((s) => s.latest.deltaProjection.mean !== null);
  if (measured.length === 0) return ['No fine-tune has been measured on the direction yet.'];
  const toward = direction.pair.a;
  const lines = measured.map((s) => {
    const d = s.latest.deltaProjection;
    const moved = `${titleOf(s.condition)} moved the Assistant ${formatNats(d.mean)} spreads along the direction (${formatInterval(d)})`;
    if (d.n < 2) return `${moved}; two seeds or more are needed to call it a shift.`;
    if (!d.excludesZero) return `${moved}: the interval includes zero, so no move can be claimed.`;
    return `${moved}: ${d.mean! > 0 ? 'toward' : 'away from'} the ${toward} persona.`;
  });
  const byId = new Map(measured.map((s) => [s.condition, s]));
  for (const [x, y] of PAIRS) {
    const a = byId.get(x)?.latest.deltaProjection;
    const b = byId.get(y)?.latest.deltaProjection;
    if (!a || !b || a.n < 2 || b.n < 2) continue;
    lines.push(
      overlap(a, b)
        ? `On the direction, the intervals of ${titleOf(x)} and ${titleOf(y)} overlap: these seeds do not separate them.`
        : `On the direction, ${titleOf(x)} moved the Assistant ${a.mean! > b.mean! ? 'further toward' : 'less toward'} the ${toward} persona than ${titleOf(y)}, and their intervals do not overlap.`,
    );
  }
  const both = measured.filter((s) => s.latest.deltaMI.mean !== null && s.latest.deltaMI.mean !== 0);
  if (both.length > 0) {
    const agree = both.filter(
      (s) => Math.sign(s.latest.deltaMI.mean!) === Math.sign(s.latest.deltaProjection.mean!),
    ).length;
    lines.push(
      `The two instruments agree in sign for ${agree} of ${both.length} condition${both.length === 1 ? '' : 's'}: the answers the model prefers (ΔMI) and where its activations sit (the direction).`,
    );
  }
  return lines.map((l) => l.charAt(0).toUpperCase() + l.slice(1));
}

export interface DoseReadingPoint {
  alpha: number;
  mi: number | null;
}

/** Strictly rising over the points from `alpha` up (at least two of them). */
function risesFrom(sorted: readonly { alpha: number; mi: number }[], alpha: number): boolean {
  const upper = sorted.filter((p) => p.alpha >= alpha);
  return upper.length >= 2 && upper.every((p, i) => i === 0 || p.mi > upper[i - 1]!.mi);
}

/** Sentences on MI against steering strength. */
export function readDose(points: readonly DoseReadingPoint[], toward: string): string[] {
  const valid = points.filter((p): p is { alpha: number; mi: number } => p.mi !== null);
  if (valid.length < 2) return ['Steer at two strengths or more to see how MI follows the direction.'];
  const sorted = [...valid].sort((p, q) => p.alpha - q.alpha);
  const first = sorted[0]!;
  const last = sorted[sorted.length - 1]!;
  const rises = sorted.every((p, i) => i === 0 || p.mi > sorted[i - 1]!.mi);
  const falls = sorted.every((p, i) => i === 0 || p.mi < sorted[i - 1]!.mi);
  const plain = sorted.find((p) => p.alpha === 0);
  const lines = [
    `Off-code MI is ${formatNats(first.mi)} nats at α = ${first.alpha} and ${formatNats(last.mi)} at α = ${last.alpha}${plain ? ` (unsteered: ${formatNats(plain.mi)})` : ''}.`,
  ];
  if (rises)
    lines.push(
      `MI rises at every step of α: pushing the activations along the direction makes the ${toward} persona's answers more likely, so the direction does not only describe the persona, it moves it.`,
    );
  else if (falls)
    lines.push(
      `MI falls as α grows: along this direction the model prefers the ${toward} persona's answers less.`,
    );
  else if (plain && risesFrom(sorted, plain.alpha))
    lines.push(
      `MI rises at every step of α above 0: pushing along the direction makes the ${toward} persona's answers more likely. Pushing the other way does not make them less likely (the model may already sit near that end, and moving its activations further off their range changes its answers in other ways), so the direction moves the persona one way only.`,
    );
  else
    lines.push(
      'MI does not change in one direction with α: at this layer the direction does not steer the persona cleanly.',
    );
  return lines;
}
