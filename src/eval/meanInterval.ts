// Mean with a two-sided 95% Student-t confidence interval over seeds. science.md calls a result a shift
// only when this interval excludes zero.

/** t(0.975, df) for df = 1..30, from standard tables. */
const T_975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131,
  2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/** The 0.975 quantile of Student's t with `df` degrees of freedom. */
export function tQuantile975(df: number): number {
  if (!Number.isInteger(df) || df < 1)
    throw new RangeError(`degrees of freedom must be a positive integer, got ${df}`);
  const tabled = T_975[df - 1];
  if (tabled !== undefined) return tabled;
  // Cornish-Fisher expansion around the normal quantile: within 1e-4 of the exact value for df > 30.
  const z = 1.959964;
  return z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df ** 2);
}

export interface MeanInterval {
  mean: number;
  /** Bounds of the 95% interval; equal to the mean when there is a single value (no spread known). */
  low: number;
  high: number;
  /** Sample standard deviation (n - 1); 0 for a single value. */
  sd: number;
  n: number;
  /** True when there are at least two values and the interval excludes zero. */
  excludesZero: boolean;
}

export function meanInterval(values: readonly number[]): MeanInterval {
  const finite = values.filter((v) => Number.isFinite(v));
  const n = finite.length;
  if (n === 0)
    return { mean: Number.NaN, low: Number.NaN, high: Number.NaN, sd: Number.NaN, n: 0, excludesZero: false };
  const m = finite.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { mean: m, low: m, high: m, sd: 0, n, excludesZero: false };
  const sd = Math.sqrt(finite.reduce((a, v) => a + (v - m) ** 2, 0) / (n - 1));
  const half = (tQuantile975(n - 1) * sd) / Math.sqrt(n);
  const low = m - half;
  const high = m + half;
  return { mean: m, low, high, sd, n, excludesZero: low > 0 || high < 0 };
}
