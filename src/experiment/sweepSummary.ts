// The summary of a dose-response sweep: one row per swept value and fine-tune condition, taken from each
// point's results.json (the condition's final ΔMI off-code with its 95% interval over seeds, attainment
// and transfer ratio), plus each point's provenance. Pure: the CLI reads the files and writes
// sweep.json / sweep.csv / sweep.md / sweep.svg from this.
import type { RunResults } from './results.ts';

export const SWEEP_SCHEMA_VERSION = 1;

export interface SweepPointResults {
  value: number;
  /** The value as written on the command line (it names the point's folder). */
  label: string;
  results: RunResults;
}

export interface SweepRow {
  value: number;
  label: string;
  condition: string;
  /** Seeds whose branch finished (the n of the interval). */
  seeds: number;
  /** Off-code ΔMI against the selected Assistant, nats: mean over seeds and its 95% interval. */
  deltaMI: number | null;
  deltaMILow: number | null;
  deltaMIHigh: number | null;
  /** At least two seeds and the interval excludes zero (what counts as a shift). */
  excludesZero: boolean;
  /** Means over seeds; null where the run could not measure them. */
  attainment: number | null;
  transferRatio: number | null;
}

export interface SweepSummary {
  schema: 'persona-lab-sweep';
  schemaVersion: number;
  /** The swept recipe field's dot-path. */
  param: string;
  values: number[];
  /** Every condition of any point, in recipe order. */
  conditions: string[];
  points: {
    value: number;
    label: string;
    runId: string;
    backend: string;
    codeVersion: string;
    corpusHash: string;
  }[];
  rows: SweepRow[];
}

export function sweepSummary(param: string, points: readonly SweepPointResults[]): SweepSummary {
  const conditions: string[] = [];
  const rows: SweepRow[] = [];
  for (const { value, label, results } of points) {
    for (const c of results.conditions) {
      if (!conditions.includes(c.condition)) conditions.push(c.condition);
      const d = c.final.deltaMI;
      rows.push({
        value,
        label,
        condition: c.condition,
        seeds: d.n,
        deltaMI: d.mean,
        deltaMILow: d.low,
        deltaMIHigh: d.high,
        excludesZero: d.excludesZero,
        attainment: c.final.attainment.mean,
        transferRatio: c.final.transferRatio.mean,
      });
    }
  }
  return {
    schema: 'persona-lab-sweep',
    schemaVersion: SWEEP_SCHEMA_VERSION,
    param,
    values: points.map((p) => p.value),
    conditions,
    points: points.map(({ value, label, results }) => ({
      value,
      label,
      runId: results.runId,
      backend: results.provenance.backend,
      codeVersion: results.provenance.codeVersion,
      corpusHash: results.provenance.corpusHash,
    })),
    rows,
  };
}
