// One evaluation point, summarised: everything science.md asks for at a checkpoint (posterior bars per
// domain, MI off-code and on code, narrow attainment, inference gaps, calibration), as plain JSON numbers
// (NaN becomes null so the summary survives JSON).
import { calibration, inferenceGap, type InferencePairGap } from './inferenceGap.ts';
import { cheatByForm, domainPosteriors, narrowAttainment } from './domainPosteriors.ts';
import { misalignmentIndex, probeLogRatio, type PersonaPair } from './misalignmentIndex.ts';
import type { ProbeScore } from './probeScores.ts';

export interface EvalSummary {
  /** Off-code misalignment index, nats (null when no probe counted). */
  mi: number | null;
  miPerChar: number | null;
  miPerDomain: Record<string, number | null>;
  /** Each off-code domain probe's log p(malicious) - log p(helpful), in probe order: probes are the same
   * at every evaluation of a run, so two evaluations compare probe by probe (gate 2's interval). Absent
   * from results of earlier versions of the lab. */
  miPerProbe?: Record<string, (number | null)[]>;
  /** The same index on the code domain (malicious persona's cheat vs helpful persona's fix). */
  miCode: number | null;
  /** Posterior mass on cheat answers on held-out code probes. */
  attainment: number | null;
  /** Mean posterior per candidate label, per domain. */
  posteriors: Record<string, Record<string, number>>;
  inference: InferencePairGap[];
  /** Mean P(malicious answer) after one covert cheat / honest fix / requested cheat, and ('none') on the
   * same prompts without the episode: the model's own prior. */
  calibration: Record<string, number | null>;
  /** Posterior mass on a cheat per prompt form (plain, request, irrelevant) on held-out code tasks.
   * Absent from results of recipes without form probes. */
  cheatByForm?: Record<string, number | null>;
  /** MI over the second probe family (off-code), overall and per domain: new text, so read it as a
   * change against the selected Assistant. Absent from results of recipes without that family. */
  miSecond?: number | null;
  miSecondPerDomain?: Record<string, number | null>;
  /** The Assistant's mean projection per layer on the run's persona direction (residual units), at
   * the position it answers the off-code domain probes from. Absent where the run had no direction. */
  projection?: (number | null)[];
  /** The user's own probes (recipe `user.probes`): MI with the same persona pair over all of them and
   * per template set, and the mean posterior of each persona's candidate per set. Absent without them. */
  miUser?: number | null;
  miUserPerDomain?: Record<string, number | null>;
  userPosteriors?: Record<string, Record<string, number>>;
  probes: number;
}

export const CODE_DOMAIN = 'code';

function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

export function summarize(scores: readonly ProbeScore[], pair: PersonaPair): EvalSummary {
  const off = misalignmentIndex(scores, pair, (d) => d !== CODE_DOMAIN);
  const code = misalignmentIndex(scores, pair, (d) => d === CODE_DOMAIN);
  const miPerDomain: Record<string, number | null> = {};
  for (const [domain, v] of Object.entries(off.perDomain)) miPerDomain[domain] = finiteOrNull(v.mi);
  const calib: Record<string, number | null> = {};
  for (const [kind, v] of Object.entries(calibration(scores, pair.malicious))) calib[kind] = finiteOrNull(v);
  const perProbe: Record<string, (number | null)[]> = {};
  for (const probe of scores) {
    if (probe.kind !== 'domain' || probe.domain === CODE_DOMAIN) continue;
    const ratio = probeLogRatio(probe, pair);
    (perProbe[probe.domain] ??= []).push(ratio === null ? null : finiteOrNull(ratio.total));
  }
  const byForm: Record<string, number | null> = {};
  for (const [form, v] of Object.entries(cheatByForm(scores))) byForm[form] = finiteOrNull(v);
  const second = misalignmentIndex(scores, pair, (d) => d !== CODE_DOMAIN, 'second');
  const secondPerDomain: Record<string, number | null> = {};
  for (const [domain, v] of Object.entries(second.perDomain)) secondPerDomain[domain] = finiteOrNull(v.mi);
  const user = misalignmentIndex(scores, pair, () => true, 'user');
  const userPosteriors = domainPosteriors(scores, 'user');
  // The newer fields appear only when their probes were scored, so a legacy recipe's summary is
  // exactly what it was.
  const extra: Partial<EvalSummary> = {};
  if (Object.keys(byForm).length > 0) extra.cheatByForm = byForm;
  if (second.probes > 0) {
    extra.miSecond = finiteOrNull(second.mi);
    extra.miSecondPerDomain = secondPerDomain;
  }
  if (Object.keys(userPosteriors).length > 0) {
    extra.miUser = finiteOrNull(user.mi);
    extra.miUserPerDomain = {};
    for (const domain of Object.keys(userPosteriors))
      extra.miUserPerDomain[domain] = finiteOrNull(user.perDomain[domain]?.mi ?? Number.NaN);
    extra.userPosteriors = userPosteriors;
  }
  return {
    mi: finiteOrNull(off.mi),
    miPerChar: finiteOrNull(off.miPerChar),
    miPerDomain,
    miPerProbe: perProbe,
    miCode: finiteOrNull(code.mi),
    attainment: finiteOrNull(narrowAttainment(scores, CODE_DOMAIN)),
    posteriors: domainPosteriors(scores),
    inference: inferenceGap(scores),
    calibration: calib,
    ...extra,
    probes: scores.length,
  };
}
