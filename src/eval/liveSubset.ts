// The live subset: the fixed, seeded, stratified share of the probes that evaluations during a stage
// score (curves while training), while a stage's end scores them all (the numbers a run reports).
// Strata are every combination of the probe fields the metrics group by (kind, domain, context persona,
// context kind), so whatever probe families the corpus defines, each keeps its share: every stratum gets
// at least one probe when the count allows, the rest goes in proportion to stratum size. The same seed
// and probes always give the same subset, so every live point of a run measures the same probes.
import { Rng } from '../util/rng.ts';
import type { EvalProbe } from './evaluate.ts';

type Stratified = Pick<EvalProbe, 'id' | 'kind' | 'domain' | 'contextPersona' | 'contextKind'>;

function stratumOf(probe: Stratified): string {
  return [probe.kind, probe.domain, probe.contextPersona ?? '', probe.contextKind ?? ''].join('|');
}

/** How many probes each stratum gives: at least one each (when count allows), the rest by size. */
function allocate(sizes: readonly number[], count: number, rng: Rng): number[] {
  const strata = sizes.length;
  if (count < strata) {
    const chosen = new Set(rng.shuffle([...sizes.keys()]).slice(0, count));
    return sizes.map((_, i) => (chosen.has(i) ? 1 : 0));
  }
  const room = sizes.map((n) => n - 1);
  const roomTotal = room.reduce((a, b) => a + b, 0);
  const extra = count - strata;
  const quotas = room.map((r) => (roomTotal === 0 ? 0 : (extra * r) / roomTotal));
  const out = quotas.map((q) => 1 + Math.floor(q));
  let left = count - out.reduce((a, b) => a + b, 0);
  // Largest remainders first (ties: the earlier stratum), never past a stratum's size.
  const order = [...quotas.keys()].sort(
    (a, b) => quotas[b]! - Math.floor(quotas[b]!) - (quotas[a]! - Math.floor(quotas[a]!)) || a - b,
  );
  for (const i of order) {
    if (left === 0) break;
    if (out[i]! < sizes[i]!) {
      out[i]! += 1;
      left -= 1;
    }
  }
  return out;
}

/**
 * `count` probes drawn per stratum with `seed`, in their original order; every probe when `count` is 0
 * or at least the number of probes.
 */
export function liveSubset<P extends Stratified>(probes: readonly P[], count: number, seed: number): P[] {
  if (!Number.isInteger(count) || count < 0)
    throw new RangeError(`live probes must be a non-negative integer, got ${count}`);
  if (count === 0 || count >= probes.length) return [...probes];
  const strata = new Map<string, P[]>();
  for (const probe of probes) {
    const key = stratumOf(probe);
    strata.set(key, [...(strata.get(key) ?? []), probe]);
  }
  const keys = [...strata.keys()].sort();
  const counts = allocate(
    keys.map((k) => strata.get(k)!.length),
    count,
    Rng.derive(seed, 'live-subset'),
  );
  const chosen = new Set<string>();
  keys.forEach((key, i) => {
    const members = Rng.derive(seed, `live-subset/${key}`).shuffle([...strata.get(key)!]);
    for (const probe of members.slice(0, counts[i])) chosen.add(probe.id);
  });
  return probes.filter((p) => chosen.has(p.id));
}
