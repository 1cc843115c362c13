// What one evaluation measures for each probe: every candidate's total log-probability and length, with
// the labels the metrics need (domain, probe kind, context persona, the personas each candidate stands
// for). Plain data, so every metric below is a pure function that can be checked by hand.

export type ProbeKind = 'domain' | 'inference' | 'calibration' | 'form' | 'second' | 'user';

export interface ScoredCandidate {
  /** The behaviour the answer shows ('fix', 'hardcode', 'delete', 'good', 'bad', ...). */
  behaviour: string;
  /** The personas whose typical answer this is. */
  personas: readonly string[];
  /** Sum of the natural-log probabilities of the candidate's characters given the prompt. */
  total: number;
  /** Number of scored characters (for per-character values). */
  chars: number;
}

export interface ProbeScore {
  probeId: string;
  kind: ProbeKind;
  /** Domain of the final prompt. */
  domain: string;
  /** Persona of the context episodes (inference probes), else null. */
  contextPersona: string | null;
  /** Kind of the context episode (calibration probes: 'covert' | 'honest' | 'requested'), else null. */
  contextKind: string | null;
  candidates: ScoredCandidate[];
}

/** The candidate that stands for `persona`, or undefined when the probe has none. */
export function candidateOf(probe: ProbeScore, persona: string): ScoredCandidate | undefined {
  return probe.candidates.find((c) => c.personas.includes(persona));
}

/** A candidate's label for posterior bars: its personas, or its behaviour when no persona claims it. */
export function candidateLabel(candidate: ScoredCandidate): string {
  return candidate.personas.length > 0 ? candidate.personas.join('+') : candidate.behaviour;
}

/** Arithmetic mean; NaN for an empty list (reported as null in results). */
export function mean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}
