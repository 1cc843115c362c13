// The fine-tune bench's numbers, per condition: ΔMI (against the selected checkpoint) over fine-tune
// steps and at the latest step, each as a mean with a 95% interval over seeds. Built either live from the
// run's probe evaluations (before `done` delivers RunResults) or from the final RunResults. Pure: no DOM.
import { meanInterval } from '../eval/meanInterval.ts';
import type { EvalSummary, PersonaDirection } from '../../workers/contract.ts';
import { projectionShift } from '../eval/personaDirection.ts';
import type { RunResults } from '../experiment/results.ts';
import { baselineFor } from '../experiment/runState.ts';
import type { EvaluationRecord } from './labState.ts';

/** Mean and 95% interval over seeds (null where no finite value exists). */
export interface SeedInterval {
  mean: number | null;
  low: number | null;
  high: number | null;
  n: number;
  /** At least two seeds and the interval excludes zero. */
  excludesZero: boolean;
}

export interface ShiftStep {
  step: number;
  deltaMI: SeedInterval;
  attainment: SeedInterval;
  /** Shift of the Assistant's projection on the run's persona direction, in spreads (n 0 without one). */
  deltaProjection: SeedInterval;
}

export interface ConditionShift {
  condition: string;
  seeds: number[];
  trajectory: ShiftStep[];
  /** At each branch's latest evaluation (its end once it is done). */
  latest: {
    deltaMI: SeedInterval;
    deltaMIPerChar: SeedInterval;
    deltaMICode: SeedInterval;
    attainment: SeedInterval;
    transferRatio: SeedInterval;
    deltaProjection: SeedInterval;
  };
  /** 'results': the worker's final RunResults; 'live': aggregated here from probe events. */
  source: 'results' | 'live';
}

const finite = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);
const diff = (a: number | null | undefined, b: number | null | undefined): number | null =>
  finite(a) && finite(b) ? a - b : null;

/** Mean with a 95% t-interval over the finite values. */
export function seedInterval(values: readonly (number | null | undefined)[]): SeedInterval {
  const r = meanInterval(values.filter(finite));
  const orNull = (v: number) => (Number.isFinite(v) ? v : null);
  return {
    mean: orNull(r.mean),
    low: orNull(r.low),
    high: orNull(r.high),
    n: r.n,
    excludesZero: r.excludesZero,
  };
}

/** A checkpoint named `finetune-<condition>-s<seed>` → its condition and seed; null for other names. */
export function parseBranchStage(stage: string): { condition: string; seed: number } | null {
  const m = /^finetune-(.+)-s(\d+)$/.exec(stage);
  return m ? { condition: m[1]!, seed: Number(m[2]) } : null;
}

interface BranchPointLike {
  step: number;
  deltaMI: number | null;
  deltaMIPerChar: number | null;
  deltaMICode: number | null;
  attainment: number | null;
  deltaProjection?: number | null;
}

const transfer = (p: BranchPointLike | undefined): number | null =>
  p && finite(p.deltaMI) && finite(p.deltaMICode) && p.deltaMICode !== 0 ? p.deltaMI / p.deltaMICode : null;

function aggregate(
  condition: string,
  branches: { seed: number; points: BranchPointLike[] }[],
  source: ConditionShift['source'],
): ConditionShift {
  const steps = [...new Set(branches.flatMap((b) => b.points.map((p) => p.step)))].sort((a, b) => a - b);
  const at = (step: number) => branches.map((b) => b.points.find((p) => p.step === step));
  const last = branches.map((b) => b.points.at(-1));
  return {
    condition,
    seeds: branches.map((b) => b.seed).sort((a, b) => a - b),
    trajectory: steps.map((step) => ({
      step,
      deltaMI: seedInterval(at(step).map((p) => p?.deltaMI)),
      attainment: seedInterval(at(step).map((p) => p?.attainment)),
      deltaProjection: seedInterval(at(step).map((p) => p?.deltaProjection)),
    })),
    latest: {
      deltaMI: seedInterval(last.map((p) => p?.deltaMI)),
      deltaMIPerChar: seedInterval(last.map((p) => p?.deltaMIPerChar)),
      deltaMICode: seedInterval(last.map((p) => p?.deltaMICode)),
      attainment: seedInterval(last.map((p) => p?.attainment)),
      transferRatio: seedInterval(last.map(transfer)),
      deltaProjection: seedInterval(last.map((p) => p?.deltaProjection)),
    },
    source,
  };
}

function pointFrom(
  step: number,
  s: EvalSummary,
  base: EvalSummary,
  direction: PersonaDirection | null,
): BranchPointLike {
  return {
    step,
    deltaMI: diff(s.mi, base.mi),
    deltaMIPerChar: diff(s.miPerChar, base.miPerChar),
    deltaMICode: diff(s.miCode, base.miCode),
    attainment: s.attainment,
    deltaProjection: direction ? projectionShift(s, base, direction) : null,
  };
}

const orderBy = (order: readonly string[]) => (a: string, b: string) => {
  const ia = order.indexOf(a);
  const ib = order.indexOf(b);
  return (ia < 0 ? order.length : ia) - (ib < 0 ? order.length : ib) || a.localeCompare(b);
};

/**
 * Live aggregation from probe evaluations: ΔMI = branch mi − the selected checkpoint's mi (its latest
 * 'select' evaluation), on the same probes (a live point against the selection's live-subset summary).
 * Every branch starts at step 0 with the selected checkpoint itself (ΔMI 0). Empty until the 'select'
 * evaluation has arrived.
 */
export function liveShift(
  evaluations: readonly EvaluationRecord[],
  order: readonly string[] = [],
  direction: PersonaDirection | null = null,
): ConditionShift[] {
  const select = evaluations
    .filter((e) => e.stage === 'select')
    .sort((a, b) => a.step - b.step)
    .at(-1);
  if (!select) return [];
  const base = select.summary;
  const byBranch = new Map<string, { condition: string; seed: number; points: BranchPointLike[] }>();
  for (const e of evaluations) {
    const branch = e.branch;
    if (!branch) continue;
    let entry = byBranch.get(e.stage);
    if (!entry) {
      entry = { ...branch, points: [pointFrom(0, base, base, direction)] };
      byBranch.set(e.stage, entry);
    }
    const sameProbes = baselineFor(e, select) ?? base;
    entry.points = [
      ...entry.points.filter((p) => p.step !== e.step),
      pointFrom(e.step, e.summary, sameProbes, direction),
    ];
  }
  const conditions = [...new Set([...byBranch.values()].map((b) => b.condition))].sort(orderBy(order));
  return conditions.map((condition) =>
    aggregate(
      condition,
      [...byBranch.values()]
        .filter((b) => b.condition === condition)
        .map((b) => ({ seed: b.seed, points: [...b.points].sort((x, y) => x.step - y.step) })),
      'live',
    ),
  );
}

/** The same view of the worker's final (or saved) RunResults: its branch trajectories, unchanged. */
export function shiftFromResults(results: RunResults, order: readonly string[] = []): ConditionShift[] {
  const conditions = [...new Set(results.branches.map((b) => b.condition))].sort(orderBy(order));
  return conditions.map((condition) => {
    const own = results.branches.filter((b) => b.condition === condition);
    const shift = aggregate(
      condition,
      own.map((b) => ({ seed: b.seed, points: b.trajectory })),
      'results',
    );
    // The worker's own intervals where it computed them (over finished branches).
    const fin = results.conditions.find((c) => c.condition === condition)?.final;
    if (fin && fin.deltaMI.n > 0) {
      const done = own.filter((b) => b.status === 'done');
      shift.latest = {
        ...fin,
        deltaMIPerChar: seedInterval(done.map((b) => b.trajectory.at(-1)?.deltaMIPerChar)),
        deltaProjection: fin.deltaProjection ?? shift.latest.deltaProjection,
      };
    }
    return shift;
  });
}
