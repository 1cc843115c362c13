// The summary of a dose-response sweep: one row per swept value and fine-tune condition, taken from each
// point's results.json (the condition's final ΔMI off-code with its 95% interval over seeds, attainment
// and transfer ratio), the paired behaviour effect of each prompt form, each point's default MI and
// provenance, and, for a sweep over independent pretrainings, each form's interval over pretrainings. A
// sweep crossed with pretrainings (`--pretrainings`) has one point per value and pretraining, and
// reports each value over its pretrainings as well. Pure: the CLI reads the files and writes
// sweep.json / sweep.csv / sweep.md / sweep.svg from this.
import { toInterval, type Interval, type RunResults } from './results.ts';

/** 3: a value crossed with independent pretrainings (`pretraining` on every row, `overPretrainings`). */
export const SWEEP_SCHEMA_VERSION = 3;

export interface SweepPointResults {
  value: number;
  /** The value as written on the command line (it names the point's folder). */
  label: string;
  /** The pretraining (its seeds) of a sweep crossed with `--pretrainings`; null or absent otherwise. */
  pretraining?: number | null;
  results: RunResults;
}

export interface SweepRow {
  value: number;
  label: string;
  pretraining: number | null;
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
  pretraining: number | null;
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
  /** Each point's effect over its own plain effect, over pretrainings: the quantity gate 3 judges. It
   * cancels the scale a pretraining sets, so it can be tight where the effects' interval is not. Null
   * for the plain form itself; a point whose plain effect is not above zero has no ratio. */
  ratioToPlain: Interval | null;
}

/** One swept value over its independent pretrainings (a sweep crossed with `--pretrainings`): the
 * interval over pretrainings (n = pretrainings) of the points' default MI, of each condition's mean ΔMI
 * and of each form's mean effect, beside the widest interval over fine-tune seeds among its points. */
export interface ValueOverPretrainings {
  value: number;
  label: string;
  pretrainings: number;
  defaultMI: Interval;
  conditions: { condition: string; deltaMI: Interval; attainment: number | null }[];
  effects: {
    form: string;
    effect: Interval;
    widestSeedHalfWidth: number | null;
    /** As in AcrossPretrainings: each point's effect over its own plain effect, over pretrainings. */
    ratioToPlain: Interval | null;
  }[];
}

export interface SweepSummary {
  schema: 'persona-lab-sweep';
  schemaVersion: number;
  /** The swept recipe field's dot-path. */
  param: string;
  /** The swept values, each once, in sweep order. */
  values: number[];
  /** The pretrainings each value was crossed with (empty for a plain sweep). */
  pretrainings: number[];
  /** Every condition of any point, in recipe order. */
  conditions: string[];
  points: {
    value: number;
    label: string;
    pretraining: number | null;
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
  /** Only for a sweep crossed with `--pretrainings` (otherwise empty): one entry per value. */
  overPretrainings: ValueOverPretrainings[];
}

const halfWidth = (low: number | null, high: number | null): number | null =>
  low === null || high === null ? null : (high - low) / 2;
const widest = (widths: readonly (number | null)[]): number | null => {
  const known = widths.filter((w): w is number => w !== null);
  return known.length > 0 ? Math.max(...known) : null;
};
const unique = <T>(items: readonly T[]): T[] => [...new Set(items)];
/** The prompt form the others are measured against. */
const PLAIN_FORM = 'plain';

/** Each point's effect of `form` over the same point's plain effect (where that is above zero), as an
 * interval over the points; null for the plain form itself. */
function ratioToPlain(
  form: string,
  of: readonly SweepEffectRow[],
  all: readonly SweepEffectRow[],
): Interval | null {
  if (form === PLAIN_FORM) return null;
  const ratios = of.map((e) => {
    const plain = all.find(
      (p) => p.form === PLAIN_FORM && p.label === e.label && p.pretraining === e.pretraining,
    )?.effect;
    return e.effect === null || plain === undefined || plain === null || plain <= 0 ? null : e.effect / plain;
  });
  return toInterval(ratios);
}

export function sweepSummary(param: string, points: readonly SweepPointResults[]): SweepSummary {
  const conditions: string[] = [];
  const rows: SweepRow[] = [];
  for (const { value, label, pretraining = null, results } of points) {
    for (const c of results.conditions) {
      if (!conditions.includes(c.condition)) conditions.push(c.condition);
      const d = c.final.deltaMI;
      rows.push({
        value,
        label,
        pretraining,
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
  const effects: SweepEffectRow[] = points.flatMap(({ value, label, pretraining = null, results }) =>
    (results.effects ?? []).map((e) => ({
      value,
      label,
      pretraining,
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
          return {
            form,
            pretrainings: r.n,
            effect: r.mean,
            low: r.low,
            high: r.high,
            widestSeedHalfWidth: widest(own.map((e) => halfWidth(e.effectLow, e.effectHigh))),
            ratioToPlain: ratioToPlain(form, own, effects),
          };
        });
  const pretrainings = unique(
    points.flatMap((p) => (p.pretraining === undefined || p.pretraining === null ? [] : [p.pretraining])),
  );
  const values = unique(points.map((p) => p.value));
  return {
    schema: 'persona-lab-sweep',
    schemaVersion: SWEEP_SCHEMA_VERSION,
    param,
    values,
    pretrainings,
    conditions,
    points: points.map(({ value, label, pretraining = null, results }) => ({
      value,
      label,
      pretraining,
      runId: results.runId,
      backend: results.provenance.backend,
      codeVersion: results.provenance.codeVersion,
      corpusHash: results.provenance.corpusHash,
      defaultMI: results.baseline?.summary.mi ?? null,
    })),
    rows,
    effects,
    acrossPretrainings,
    overPretrainings:
      pretrainings.length === 0
        ? []
        : values.map((value) => overPretrainingsOf(value, points, conditions, rows, effects)),
  };
}

function overPretrainingsOf(
  value: number,
  points: readonly SweepPointResults[],
  conditions: readonly string[],
  rows: readonly SweepRow[],
  effects: readonly SweepEffectRow[],
): ValueOverPretrainings {
  const own = points.filter((p) => p.value === value);
  const ownRows = rows.filter((r) => r.value === value);
  const ownEffects = effects.filter((e) => e.value === value);
  const forms = unique(effects.map((e) => e.form));
  return {
    value,
    label: own[0]!.label,
    pretrainings: own.length,
    defaultMI: toInterval(own.map((p) => p.results.baseline?.summary.mi ?? null)),
    conditions: conditions.map((condition) => {
      const of = ownRows.filter((r) => r.condition === condition);
      const attainment = toInterval(of.map((r) => r.attainment));
      return { condition, deltaMI: toInterval(of.map((r) => r.deltaMI)), attainment: attainment.mean };
    }),
    effects: forms.map((form) => {
      const of = ownEffects.filter((e) => e.form === form);
      return {
        form,
        effect: toInterval(of.map((e) => e.effect)),
        widestSeedHalfWidth: widest(of.map((e) => halfWidth(e.effectLow, e.effectHigh))),
        ratioToPlain: ratioToPlain(form, of, ownEffects),
      };
    }),
  };
}
