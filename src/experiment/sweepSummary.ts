// The summary of a dose-response sweep: one row per swept value and fine-tune condition, taken from each
// point's results.json (the condition's final ΔMI off-code with its 95% interval over seeds, attainment
// and transfer ratio), the paired behaviour effect of each prompt form, each point's default MI and
// provenance, and, for a sweep over independent pretrainings, each form's interval over pretrainings. Pure: the CLI reads the files and writes
// sweep.json / sweep.csv / sweep.md / sweep.svg from this.
import { toInterval, type RunResults } from './results.ts';

/** 2: paired behaviour effects per point, the selected Assistant's default MI, and over pretrainings. */
export const SWEEP_SCHEMA_VERSION = 2;

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

/** One point's paired behaviour effect of one prompt form (results.effects), over its fine-tune seeds. */
export interface SweepEffectRow {
  value: number;
  label: string;
  form: string;
  seeds: number;
  effect: number | null;
  effectLow: number | null;
  effectHigh: number | null;
}

/** A prompt form's effect over the points taken as independent pretrainings: the interval of the
 * points' mean effects (n = pretrainings), apart from each point's interval over fine-tune seeds. */
export interface AcrossPretrainings {
  form: string;
  pretrainings: number;
  effect: number | null;
  low: number | null;
  high: number | null;
  /** The widest of the points' own intervals over fine-tune seeds (half-width, nats). */
  widestSeedHalfWidth: number | null;
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
    /** The selected Assistant's off-code MI before any fine-tune (its default persona), nats. */
    defaultMI: number | null;
  }[];
  rows: SweepRow[];
  effects: SweepEffectRow[];
  /** Only for a sweep over `pretraining` with at least two points (otherwise empty). */
  acrossPretrainings: AcrossPretrainings[];
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
  const effects: SweepEffectRow[] = points.flatMap(({ value, label, results }) =>
    (results.effects ?? []).map((e) => ({
      value,
      label,
      form: e.form,
      seeds: e.effect.n,
      effect: e.effect.mean,
      effectLow: e.effect.low,
      effectHigh: e.effect.high,
    })),
  );
  const forms = [...new Set(effects.map((e) => e.form))];
  const acrossPretrainings: AcrossPretrainings[] =
    param !== 'pretraining' || points.length < 2
      ? []
      : forms.map((form) => {
          const own = effects.filter((e) => e.form === form);
          const r = toInterval(own.map((e) => e.effect));
          const halves = own.flatMap((e) =>
            e.effectLow === null || e.effectHigh === null ? [] : [(e.effectHigh - e.effectLow) / 2],
          );
          return {
            form,
            pretrainings: r.n,
            effect: r.mean,
            low: r.low,
            high: r.high,
            widestSeedHalfWidth: halves.length > 0 ? Math.max(...halves) : null,
          };
        });
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
      defaultMI: results.baseline?.summary.mi ?? null,
    })),
    rows,
    effects,
    acrossPretrainings,
  };
}
