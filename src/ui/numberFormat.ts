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
