// Text tables of the persona direction for the command line: its separation per layer, and the
// Assistant's projection on it along the fine-tune branches (per condition over seeds, and the paired
// effect per prompt form), in spreads of the direction.
import type { PersonaDirection } from '../eval/index.ts';
import type { RunResults } from '../experiment/results.ts';
import type { Interval } from '../experiment/results.ts';

const f2 = (v: number | null | undefined) => (v === null || v === undefined ? '-' : v.toFixed(2));
const signed = (v: number | null | undefined) =>
  v === null || v === undefined ? '-' : `${v >= 0 ? '+' : ''}${v.toFixed(2)}`;
const interval = (i: Interval | undefined) =>
  i === undefined || i.mean === null ? '-' : `${signed(i.mean)} [${signed(i.low)}, ${signed(i.high)}]`;

/** The direction's separation per layer on the held-out contexts it was not fitted on. */
export function directionLines(
  direction: PersonaDirection,
  projection?: readonly (number | null)[],
): string[] {
  const { a, b } = direction.pair;
  return [
    `persona direction ${a} - ${b} (on ${direction.source}; ${direction.contexts.fit} held-out contexts a persona to fit, ${direction.contexts.test} to measure):`,
    `  layer  AUC    d'     mean ${a.slice(0, 10).padEnd(10)} mean ${b.slice(0, 10).padEnd(10)} spread${projection ? '  Assistant' : ''}`,
    ...direction.layers.map(
      (l) =>
        `  ${String(l.layer).padEnd(5)}  ${f2(l.auc).padEnd(5)}  ${f2(l.dPrime).padEnd(5)}  ${f2(l.meanA).padEnd(15)} ${f2(l.meanB).padEnd(15)} ${f2(l.spread).padEnd(6)}${projection ? `  ${f2(projection[l.layer])}` : ''}${l.layer === direction.bestLayer ? '  <- best' : ''}`,
    ),
  ];
}

/** The projection curve of each condition (mean and 95% interval over seeds, in spreads). */
export function projectionLines(results: RunResults): string[] {
  const direction = results.direction;
  if (!direction) return [];
  const layer = direction.bestLayer;
  const lines = [
    ...directionLines(direction),
    `Δ projection of the Assistant on the direction at layer ${layer} (spreads, against the selected Assistant; mean [95% interval] over seeds):`,
  ];
  for (const c of results.conditions) {
    const curve = c.trajectory.map((p) => `${p.step}: ${signed(p.deltaProjection?.mean)}`).join(', ');
    lines.push(
      `  ${c.condition.padEnd(16)} end ${interval(c.final.deltaProjection).padEnd(24)} curve ${curve}`,
    );
  }
  if (results.effects.some((e) => e.effectProjection))
    lines.push('projection effect per prompt form (cheat - fix, same prompts, paired by seed; spreads):');
  for (const e of results.effects)
    if (e.effectProjection)
      lines.push(
        `  ${e.form.padEnd(10)} ${interval(e.effectProjection).padEnd(24)} (${e.cheat} - ${e.fix}, ${e.seeds.length} seeds)`,
      );
  return lines;
}
