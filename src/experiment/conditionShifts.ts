// The fine-tune bench's numbers per condition, read off a run's results (built live from the run's state
// while it goes, or final, or saved): ΔMI, attainment and the projection on the persona direction at each
// evaluated step, and the values at the branches' latest evaluations, each as a mean with its 95% interval
// over seeds. Only branches that have been evaluated count (a branch that has not started is no seed yet).
// The intervals are results.ts's own (conditionResults, atLastPoints): the page computes none.
import {
  atLastPoints,
  conditionResults,
  toInterval,
  type BranchResult,
  type Interval,
  type RunResults,
} from './results.ts';

export interface ShiftStep {
  step: number;
  deltaMI: Interval;
  attainment: Interval;
  /** Shift of the Assistant's projection on the run's persona direction, in spreads (n 0 without one). */
  deltaProjection: Interval;
}

export interface ConditionShift {
  condition: string;
  seeds: number[];
  trajectory: ShiftStep[];
  /** At the branches' latest evaluations: while the run goes, every evaluated branch's; after it, the
   * finished branches' (the results' final values) when there are any. */
  latest: {
    deltaMI: Interval;
    deltaMIPerChar: Interval;
    deltaMICode: Interval;
    attainment: Interval;
    transferRatio: Interval;
    deltaProjection: Interval;
  };
  /** 'live': the run is still going, so these are its latest evaluations, not its final ones. */
  source: 'results' | 'live';
}

const NONE = toInterval([]);

/**
 * The conditions of `results` in `order` (others after, by id), each over its evaluated branches; empty
 * until the selected checkpoint, which every ΔMI is measured against, has been evaluated.
 */
export function conditionShifts(
  results: RunResults,
  order: readonly string[],
  live: boolean,
): ConditionShift[] {
  if (!results.baseline) return [];
  const evaluated = results.branches.filter((b) => b.evaluations.length > 0);
  const present = new Set(evaluated.map((b) => b.condition));
  const ids = [
    ...order.filter((id) => present.has(id)),
    ...[...present].filter((id) => !order.includes(id)).sort((a, b) => a.localeCompare(b)),
  ];
  const projection = results.direction !== undefined && results.direction !== null;
  return conditionResults(ids, evaluated).map((c) => {
    const own = evaluated.filter((b) => b.condition === c.condition);
    const done = own.filter((b) => b.status === 'done');
    const counted: readonly BranchResult[] = live || done.length === 0 ? own : done;
    const latest = atLastPoints(counted, projection);
    return {
      condition: c.condition,
      seeds: [...c.seeds].sort((a, b) => a - b),
      trajectory: c.trajectory.map((t) => ({ ...t, deltaProjection: t.deltaProjection ?? NONE })),
      latest: {
        ...latest,
        deltaMIPerChar: toInterval(counted.map((b) => b.trajectory.at(-1)?.deltaMIPerChar ?? null)),
        deltaProjection: latest.deltaProjection ?? NONE,
      },
      source: live ? 'live' : 'results',
    };
  });
}
