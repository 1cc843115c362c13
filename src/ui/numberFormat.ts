// Number formatting for the lab's views: a few significant digits, explicit units, and a dash for
// missing values (null, NaN), so every figure on screen reads the same way.

const DASH = '–';

const finite = (x: number | null | undefined): x is number => typeof x === 'number' && Number.isFinite(x);

/** `x` to `digits` significant digits (plain notation for everyday magnitudes). */
export function sig(x: number | null | undefined, digits = 3): string {
  if (!finite(x)) return DASH;
  if (x === 0) return '0';
  const magnitude = Math.abs(x);
  if (magnitude >= 1e6 || magnitude < 1e-3) return x.toExponential(digits - 1);
  const decimals = Math.max(0, digits - 1 - Math.floor(Math.log10(magnitude)));
  return x.toFixed(Math.min(decimals, 6));
}

/** A signed value in nats, e.g. `+1.23 nats`. */
export function nats(x: number | null | undefined, digits = 3): string {
  if (!finite(x)) return DASH;
  return `${x > 0 ? '+' : ''}${sig(x, digits)} nats`;
}

/** A probability or share as a percentage, e.g. `38%` or `4.2%`. */
export function pct(x: number | null | undefined): string {
  if (!finite(x)) return DASH;
  const p = x * 100;
  return `${Math.abs(p) >= 10 || p === 0 ? p.toFixed(0) : p.toFixed(1)}%`;
}

/** A probability to two decimals (0.54). */
export function prob(x: number | null | undefined): string {
  return finite(x) ? x.toFixed(2) : DASH;
}

/** Whole numbers with thousands separators. */
export function count(x: number | null | undefined): string {
  return finite(x) ? Math.round(x).toLocaleString('en-US') : DASH;
}

/** Seconds as `42 s`, `3 min 5 s`, `1 h 12 min`. */
export function duration(seconds: number | null | undefined): string {
  if (!finite(seconds) || seconds < 0) return DASH;
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** Characters per second, e.g. `12.3k chars/s`. */
export function rate(perSecond: number | null | undefined): string {
  if (!finite(perSecond)) return DASH;
  return perSecond >= 1000 ? `${sig(perSecond / 1000, 3)}k chars/s` : `${sig(perSecond, 3)} chars/s`;
}

/** A signed number to fixed decimals, e.g. `+0.42`; a value that rounds to zero reads `0.00`, unsigned. */
export function formatNats(value: number | null | undefined, digits = 2): string {
  if (!finite(value)) return DASH;
  const fixed = value.toFixed(digits);
  return value > 0 && Number(fixed) !== 0 ? `+${fixed}` : Number(fixed) === 0 ? (0).toFixed(digits) : fixed;
}

/** The fewest decimals (up to 12) that write `x` exactly, up to floating-point noise: 0.25 → 2, 5 → 0. */
function decimalsOf(x: number): number {
  for (let d = 0; d < 12; d++) {
    const scaled = Math.abs(x) * 10 ** d;
    if (Math.abs(scaled - Math.round(scaled)) < 1e-6 * Math.max(1, scaled)) return d;
  }
  return 12;
}

/**
 * Labels for an axis's tick values, all with the same number of decimals: as many as the spacing between
 * ticks needs, so neighbouring ticks never read alike (0.00, 0.25, 0.50, not 0, 0, 1) and whole-number
 * ticks carry none (0, 1, 2).
 */
export function tickLabels(ticks: readonly (number | null)[]): string[] {
  const values = ticks.filter(finite);
  let decimals = values.reduce((d, v) => Math.max(d, decimalsOf(v)), 0);
  const sorted = [...values].sort((a, b) => a - b);
  for (let i = 1; i < sorted.length; i++) {
    const gap = sorted[i]! - sorted[i - 1]!;
    if (gap > 0) decimals = Math.max(decimals, decimalsOf(gap));
  }
  return ticks.map((t) => {
    if (!finite(t)) return '';
    const text = t.toFixed(decimals);
    return Number(text) === 0 ? (0).toFixed(decimals) : text;
  });
}

/** A mean with its interval over seeds, as the fine-tune bench holds them. */
export interface IntervalLike {
  mean: number | null;
  low: number | null;
  high: number | null;
  n: number;
}

/** What the results table shows where the transfer ratio has no meaning. */
export const NO_ON_CODE_SHIFT = 'n/a (no on-code shift)';

/**
 * True when an on-code ΔMI is indistinguishable from no shift: its interval over seeds (two seeds or more)
 * contains zero, or the value is zero or missing. A ratio over such a denominator can take any size or sign.
 */
export function noShift(i: IntervalLike): boolean {
  if (!finite(i.mean) || i.mean === 0) return true;
  return i.n > 1 && finite(i.low) && finite(i.high) && i.low <= 0 && i.high >= 0;
}

/**
 * The transfer ratio (off-code ΔMI / on-code ΔMI) for display: its mean and interval, or
 * {@link NO_ON_CODE_SHIFT} when the on-code ΔMI it divides by shows no shift. Exports keep the number.
 */
export function formatTransferRatio(
  ratio: IntervalLike,
  onCode: IntervalLike,
): { value: string; interval: string | null; meaningless: boolean } {
  if (!finite(ratio.mean)) return { value: DASH, interval: null, meaningless: false };
  if (noShift(onCode)) return { value: NO_ON_CODE_SHIFT, interval: null, meaningless: true };
  const interval =
    ratio.n > 1 && finite(ratio.low) && finite(ratio.high)
      ? `[${formatNats(ratio.low)}, ${formatNats(ratio.high)}]`
      : null;
  return { value: formatNats(ratio.mean), interval, meaningless: false };
}
