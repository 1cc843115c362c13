// The persona direction (science.md "Metrics"; issue: see the persona inside the model): per layer, the
// mean residual-stream activation at the answer positions of held-out contexts written by persona A,
// minus the same over persona B, normalised to length 1. How well it separates the two personas is
// measured on OTHER held-out contexts (AUC and d'), and its spread (the standard deviation of all the
// contexts' projections) is the unit in which the Assistant's projection and steering are expressed.
// Held-out contexts are the persona-inference probes: two episodes of the persona, a probe prompt and the
// persona's own candidate answer. Probe prompts and candidates never appear in training text (the leak
// check), so no context is a training document. Pure maths over plain vectors: the model side is
// measureDirection.ts.
import type { EvalSummary } from './evalSummary.ts';
import type { EvalProbe } from './evaluate.ts';

/** The two personas: the direction points from `b` toward `a` (default: malicious minus helpful). */
export interface DirectionPair {
  a: string;
  b: string;
}

/** A held-out context of one persona and the span of its answer positions. */
export interface DirectionContext {
  probeId: string;
  persona: string;
  /** Probe prompt (context episodes included) followed by the persona's own answer. */
  text: string;
  /** Answer positions [from, to): the positions whose next character is one of the answer's. */
  from: number;
  to: number;
  /** Used to fit the direction (true) or to measure its separation (false): alternate contexts. */
  fit: boolean;
}

export interface DirectionLayer {
  layer: number;
  /** The unit direction [C], mean(A) - mean(B) normalised. */
  vector: number[];
  /** Standard deviation of the projections of every held-out context (both personas, both halves). */
  spread: number;
  /** Mean projection of the separation half's contexts of A and of B (null when a half is empty). */
  meanA: number | null;
  meanB: number | null;
  /** P(projection of an A context > that of a B context) on the separation half (ties count half). */
  auc: number | null;
  /** (meanA - meanB) / sqrt of the mean of the two variances, on the separation half. */
  dPrime: number | null;
}

export interface PersonaDirection {
  pair: DirectionPair;
  /** The checkpoint the direction was computed on. */
  source: string;
  /** Contexts per persona used to fit the direction and to measure its separation. */
  contexts: { fit: number; test: number };
  layers: DirectionLayer[];
  /** The layer with the highest separation (d'; the last on ties): the curve's and steering's default. */
  bestLayer: number;
}

/** Answer positions of `answer` after `prompt`: from the prompt's last character to the answer's
 * last-but-one (each predicts the next answer character); a trailing newline is part of the answer. */
export function answerSpan(prompt: string, answer: string): { text: string; from: number; to: number } {
  if (prompt.length === 0 || answer.length === 0) throw new Error('a context needs a prompt and an answer');
  return { text: prompt + answer, from: prompt.length - 1, to: prompt.length + answer.length - 1 };
}

/**
 * The held-out contexts of the pair: every inference probe whose context persona is A or B, with that
 * persona's own candidate; alternate ones (in probe order, per persona) fit the direction, the others
 * measure it (with a single context per persona nothing is left to measure: separation is null). Throws
 * when a persona has no context.
 */
export function directionContexts(probes: readonly EvalProbe[], pair: DirectionPair): DirectionContext[] {
  if (pair.a === pair.b) throw new Error(`a direction needs two different personas, got ${pair.a} twice`);
  const out: DirectionContext[] = [];
  for (const persona of [pair.a, pair.b]) {
    let n = 0;
    for (const probe of probes) {
      if (probe.kind !== 'inference' || probe.contextPersona !== persona) continue;
      const candidate = probe.candidates.find((c) => c.personas.includes(persona));
      if (!candidate) continue;
      out.push({ probeId: probe.id, persona, ...answerSpan(probe.prompt, candidate.text), fit: n % 2 === 0 });
      n += 1;
    }
    if (n === 0)
      throw new Error(
        `persona ${persona} has no held-out context: a direction needs an AI persona with inference probes`,
      );
  }
  return out;
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`vectors of ${a.length} and ${b.length} values`);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Element-wise mean of equal-length vectors. */
export function meanVector(vectors: readonly ArrayLike<number>[]): Float64Array {
  if (vectors.length === 0) throw new Error('the mean of no vectors');
  const out = new Float64Array(vectors[0]!.length);
  for (const v of vectors) {
    if (v.length !== out.length) throw new Error(`vectors of ${out.length} and ${v.length} values`);
    for (let i = 0; i < out.length; i++) out[i]! += v[i]!;
  }
  for (let i = 0; i < out.length; i++) out[i]! /= vectors.length;
  return out;
}

/** mean(a) - mean(b), normalised to length 1; throws when the means coincide (no direction). */
export function unitDifference(a: readonly ArrayLike<number>[], b: readonly ArrayLike<number>[]): number[] {
  const ma = meanVector(a);
  const mb = meanVector(b);
  const d = Array.from(ma, (v, i) => v - mb[i]!);
  const norm = Math.sqrt(dot(d, d));
  if (!(norm > 0)) throw new Error('the two personas have the same mean activation: there is no direction');
  return d.map((v) => v / norm);
}

const finiteOrNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

function meanOf(values: readonly number[]): number {
  return values.reduce((s, v) => s + v, 0) / values.length;
}

/** Sample variance (n - 1); NaN below two values. */
function variance(values: readonly number[]): number {
  if (values.length < 2) return Number.NaN;
  const m = meanOf(values);
  return values.reduce((s, v) => s + (v - m) ** 2, 0) / (values.length - 1);
}

/** Sample standard deviation (n - 1); NaN below two values. */
export function standardDeviation(values: readonly number[]): number {
  return Math.sqrt(variance(values));
}

/** The area under the ROC curve of scores `a` (positives) against `b`: P(a > b) + P(a = b) / 2. */
export function auc(a: readonly number[], b: readonly number[]): number | null {
  if (a.length === 0 || b.length === 0) return null;
  let wins = 0;
  for (const x of a) for (const y of b) wins += x > y ? 1 : x === y ? 0.5 : 0;
  return wins / (a.length * b.length);
}

/** d' = (mean a - mean b) / sqrt((var a + var b) / 2); null when it is not a finite number. */
export function dPrime(a: readonly number[], b: readonly number[]): number | null {
  const pooled = Math.sqrt((variance(a) + variance(b)) / 2);
  const d = (meanOf(a) - meanOf(b)) / pooled;
  return Number.isFinite(d) ? d : null;
}

/**
 * The direction from each context's mean residual per layer (`residuals[i][layer]`, in the order of
 * `contexts`): fitted on the fit half, separation on the other half, spread over all contexts.
 */
export function fitDirection(
  contexts: readonly DirectionContext[],
  residuals: readonly (readonly ArrayLike<number>[])[],
  pair: DirectionPair,
  source: string,
): PersonaDirection {
  if (residuals.length !== contexts.length)
    throw new Error(`${residuals.length} residual rows for ${contexts.length} contexts`);
  const layers = residuals[0]?.length ?? 0;
  if (layers === 0) throw new Error('no residuals to fit a direction on');
  const rows = (persona: string, fit: boolean) =>
    contexts.flatMap((c, i) => (c.persona === persona && c.fit === fit ? [i] : []));
  const fitA = rows(pair.a, true);
  const fitB = rows(pair.b, true);
  const testA = rows(pair.a, false);
  const testB = rows(pair.b, false);
  const out: DirectionLayer[] = [];
  for (let layer = 0; layer < layers; layer++) {
    const at = (i: number) => residuals[i]![layer]!;
    const vector = unitDifference(fitA.map(at), fitB.map(at));
    const project = (i: number) => dot(at(i), vector);
    const a = testA.map(project);
    const b = testB.map(project);
    out.push({
      layer,
      vector,
      spread: standardDeviation(contexts.map((_, i) => project(i))) || 0,
      meanA: finiteOrNull(meanOf(a)),
      meanB: finiteOrNull(meanOf(b)),
      auc: auc(a, b),
      dPrime: dPrime(a, b),
    });
  }
  let bestLayer = 0;
  for (const l of out)
    if ((l.dPrime ?? -Infinity) >= (out[bestLayer]!.dPrime ?? -Infinity)) bestLayer = l.layer;
  return {
    pair,
    source,
    contexts: { fit: Math.min(fitA.length, fitB.length), test: Math.min(testA.length, testB.length) },
    layers: out,
    bestLayer,
  };
}

/** The Assistant's prompts the curve reads: the plain off-code domain probes (header included). */
export function assistantPrompts(probes: readonly EvalProbe[], codeDomain = 'code'): EvalProbe[] {
  return probes.filter((p) => p.kind === 'domain' && p.domain !== codeDomain);
}

/**
 * Mean projection per layer of the given per-probe residuals (each [layer][C], at the position the
 * Assistant answers from) on the direction: the raw projection, in residual units.
 */
export function meanProjection(
  residuals: readonly (readonly ArrayLike<number>[])[],
  direction: PersonaDirection,
): (number | null)[] {
  return direction.layers.map((l) => {
    if (residuals.length === 0) return null;
    const value = meanOf(residuals.map((r) => dot(r[l.layer]!, l.vector)));
    return Number.isFinite(value) ? value : null;
  });
}

/** The steering vector for `alpha` spreads along the direction at `layer`. */
export function steeringVector(direction: PersonaDirection, layer: number, alpha: number): Float32Array {
  const l = direction.layers[layer];
  if (!l) throw new Error(`the direction has no layer ${layer}`);
  if (!Number.isFinite(alpha)) throw new Error(`steering strength ${alpha} is not a number`);
  // + 0 turns -0 into 0: alpha 0 gives a plain zero vector.
  return Float32Array.from(l.vector, (v) => v * alpha * l.spread + 0);
}

/** The projection's change at the direction's best layer, in spreads (null when either lacks it). */
export function projectionShift(
  current: Pick<EvalSummary, 'projection'>,
  baseline: Pick<EvalSummary, 'projection'> | null,
  direction: PersonaDirection,
): number | null {
  const layer = direction.bestLayer;
  const spread = direction.layers[layer]?.spread ?? 0;
  const now = current.projection?.[layer];
  const before = baseline?.projection?.[layer];
  if (now === null || now === undefined || before === null || before === undefined || !(spread > 0))
    return null;
  const shift = (now - before) / spread;
  return Number.isFinite(shift) ? shift : null;
}
