// What the user's own probes say in a run's results: per probe set, the selected Assistant's posterior
// over the personas' answers, and per condition the mean final ΔMI on that set over its finished seeds
// (log p(malicious answer) - log p(helpful answer), against the selected checkpoint).
import type { RunResults } from '../experiment/results.ts';

export interface UserProbeRow {
  probeSet: string;
  /** Persona -> mean posterior of its answer, before any fine-tune. */
  before: Record<string, number>;
  /** Condition -> mean final ΔMI on this set (null where it could not be measured). */
  deltaMI: Record<string, number | null>;
}

export function userProbeRows(results: RunResults): UserProbeRow[] {
  const baseline = results.baseline?.summary;
  const sets = Object.keys(baseline?.userPosteriors ?? {});
  return sets.map((probeSet) => {
    const deltaMI: Record<string, number | null> = {};
    for (const condition of results.conditions.map((c) => c.condition)) {
      const values = results.branches
        .filter((b) => b.condition === condition && b.status === 'done')
        .map((b) => {
          const after = b.trajectory.at(-1)?.summary.miUserPerDomain?.[probeSet] ?? null;
          const before = baseline?.miUserPerDomain?.[probeSet] ?? null;
          return after === null || before === null ? null : after - before;
        })
        .filter((v): v is number => v !== null);
      deltaMI[condition] = values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
    }
    return { probeSet, before: baseline?.userPosteriors?.[probeSet] ?? {}, deltaMI };
  });
}
