// The persona posterior of one probe: a softmax over its candidates' total log-probabilities. With one
// candidate per persona this is "which character does the model think is answering", read straight off
// the model's own probabilities (no external judge).

/** log(sum(exp(x))) computed without overflow; -Infinity for an empty list. */
export function logSumExp(values: readonly number[]): number {
  if (values.length === 0) return -Infinity;
  const max = Math.max(...values);
  if (!Number.isFinite(max)) return max;
  let sum = 0;
  for (const v of values) sum += Math.exp(v - max);
  return max + Math.log(sum);
}

/** Probabilities (summing to 1) from candidate total log-probabilities, in the candidates' order. */
export function personaPosterior(totals: readonly number[]): number[] {
  if (totals.length === 0) throw new Error('personaPosterior needs at least one candidate');
  for (const t of totals) {
    if (Number.isNaN(t) || t === Infinity) throw new Error(`candidate log-probability ${t} is not valid`);
  }
  const norm = logSumExp(totals);
  return totals.map((t) => Math.exp(t - norm));
}
