// The results of a run, built from its persisted state alone: provenance (recipe, corpus hash, backend,
// code version), each stage's losses, evaluations and samples, every fine-tune branch's trajectory as
// ΔMI against the selected checkpoint, and per condition the mean with a 95% interval over seeds; per
// prompt form the paired behaviour effect (factorial.ts); what the selected Assistant made of each form
// and fine-tune set before any fine-tune; whether the second probe family agrees with the first.
// The JSON schema is resultsSchema.ts (documented in docs/results-schema.md); CSV is resultsCsv.
import {
  meanInterval,
  projectionShift,
  transferRatio,
  type EvalSummary,
  type PersonaDirection,
} from '../eval/index.ts';
import { FORM_PAIRS } from './factorial.ts';
import type { ExperimentRecipe } from './recipe.ts';
import {
  baselineFor,
  type EvalPoint,
  type LossPoint,
  type RunState,
  type SampleRecord,
  type StageRecord,
} from './runState.ts';

/** 2: paired behaviour effects per prompt form, the pre-fine-tune measurements, the second probe family.
 * 3: the persona direction and the Assistant's projection on it (branches, conditions, effects). */
export const RESULTS_SCHEMA_VERSION = 3;

export interface Interval {
  mean: number | null;
  low: number | null;
  high: number | null;
  n: number;
  /** At least two seeds and the 95% interval excludes zero. */
  excludesZero: boolean;
}

export interface StageResult {
  id: string;
  status: StageRecord['status'];
  steps: number;
  checkpoint: string | null;
  startedFrom: string | null;
  losses: LossPoint[];
  evaluations: EvalPoint[];
  samples: SampleRecord[];
}

export interface BranchPoint {
  step: number;
  checkpoint: string;
  /** Off-code ΔMI against the selected checkpoint, nats (and per character), and per domain. */
  deltaMI: number | null;
  deltaMIPerChar: number | null;
  deltaMIPerDomain: Record<string, number | null>;
  /** ΔMI on the code domain, and off-code ΔMI / code ΔMI. */
  deltaMICode: number | null;
  transferRatio: number | null;
  attainment: number | null;
  /** Off-code ΔMI on the second probe family (null where it was not scored). */
  deltaMISecond: number | null;
  /** Change of the Assistant's projection on the run's persona direction (at its best layer) against
   * the selected checkpoint, in spreads of the direction (null where the run had no direction). */
  deltaProjection?: number | null;
  /** ΔMI on the user's own probes; absent when the recipe has none. */
  deltaMIUser?: number | null;
  summary: EvalSummary;
}

export interface BranchResult extends StageResult {
  condition: string;
  seed: number;
  trajectory: BranchPoint[];
}

/** What the aggregation over seeds reads of one point of a branch's trajectory. */
export type TrajectoryPoint = Pick<
  BranchPoint,
  | 'step'
  | 'deltaMI'
  | 'deltaMICode'
  | 'attainment'
  | 'transferRatio'
  | 'deltaMISecond'
  | 'deltaProjection'
  | 'deltaMIUser'
>;

/**
 * What the aggregation over seeds reads of a branch: a run's BranchResult, or a branch another run
 * measured against the same selected checkpoint (a student's result card, a job of a plan).
 */
export interface BranchTrajectory {
  condition: string;
  seed: number;
  status: StageRecord['status'];
  trajectory: readonly TrajectoryPoint[];
}

export interface ConditionResult {
  condition: string;
  seeds: number[];
  /** At each evaluated step, over seeds. */
  trajectory: { step: number; deltaMI: Interval; attainment: Interval; deltaProjection?: Interval }[];
  final: {
    deltaMI: Interval;
    deltaMICode: Interval;
    attainment: Interval;
    transferRatio: Interval;
    deltaProjection?: Interval;
  };
}

/** One prompt form's behaviour effect: ΔMI(cheat) - ΔMI(fix), paired by seed (seeds with both done);
 * or a user condition's effect, ΔMI(condition) - ΔMI(its control) on the same prompts (then `form` is
 * the condition's id, `cheat` the condition and `fix` its control). */
export interface FormEffect {
  form: string;
  cheat: string;
  fix: string;
  seeds: number[];
  /** Off-code, main probes, at the end of the branches, per paired seed and over them. */
  perSeed: (number | null)[];
  effect: Interval;
  /** The same contrast on code (did the cheat set teach more cheating than the fix set?). */
  effectCode: Interval;
  /** The same contrast on the second probe family. */
  effectSecond: Interval;
  /** The same contrast on the Assistant's projection on the persona direction (spreads). */
  effectProjection?: Interval;
  /** The same contrast on the user's own probes; absent when the recipe has none. */
  effectUser?: Interval;
  /** The contrast at each evaluated step, over paired seeds. */
  trajectory: { step: number; effect: Interval; effectProjection?: Interval }[];
}

/** What the selected Assistant made of each prompt form and each fine-tune set before any fine-tune. */
export interface PreFinetune {
  /** P(cheat) on held-out code tasks per prompt form (plain, request, irrelevant). */
  cheatByForm: Record<string, number | null>;
  /** Mean loss (nats per answer character) of each condition's fine-tune set: its surprise. */
  surprise: Record<string, number | null>;
}

/** Does the second probe family tell the same story as the main probes? */
export interface FamilyAgreement {
  /** Forms measured by both families. */
  forms: string[];
  /** Every form's effect has the same sign in both families. */
  sign: boolean;
  /** The forms rank in the same order by effect in both families. */
  order: boolean;
}

export interface RunResults {
  schema: 'persona-lab-results';
  schemaVersion: number;
  runId: string;
  finished: boolean;
  provenance: { codeVersion: string; backend: string; corpusHash: string; recipe: ExperimentRecipe };
  pretrain: StageResult;
  select: StageResult;
  /** The selected checkpoint's evaluation: every ΔMI is measured against it. */
  baseline: EvalPoint | null;
  branches: BranchResult[];
  conditions: ConditionResult[];
  /** Null where the run measured nothing before its fine-tunes (results of earlier versions). */
  preFinetune: PreFinetune | null;
  effects: FormEffect[];
  /** Null unless both families measured at least one form's effect. */
  secondFamily: FamilyAgreement | null;
  /** The persona direction the projections are measured on (null when the run computed none). */
  direction?: PersonaDirection | null;
}

const num = (v: number | null | undefined): number | null =>
  v !== null && v !== undefined && Number.isFinite(v) ? v : null;
const diff = (a: number | null, b: number | null): number | null =>
  a === null || b === null ? null : num(a - b);

export function toInterval(values: readonly (number | null)[]): Interval {
  const r = meanInterval(values.filter((v): v is number => v !== null));
  return { mean: num(r.mean), low: num(r.low), high: num(r.high), n: r.n, excludesZero: r.excludesZero };
}

function stageResult(s: StageRecord): StageResult {
  return {
    id: s.id,
    status: s.status,
    steps: s.steps,
    checkpoint: s.checkpoint,
    startedFrom: s.startedFrom,
    losses: s.losses,
    evaluations: s.evaluations,
    samples: s.samples,
  };
}

/** Off-code ΔMI of an evaluation against the selected checkpoint's, on the same probes (null without it). */
export function deltaMIOf(
  point: Pick<EvalPoint, 'summary' | 'probeSet'>,
  baseline: EvalPoint | null,
): number | null {
  return diff(point.summary.mi, baselineFor(point, baseline)?.mi ?? null);
}

function branchPoint(
  point: EvalPoint,
  baseline: EvalPoint | null,
  direction: PersonaDirection | null,
): BranchPoint {
  const s = point.summary;
  const base = baselineFor(point, baseline);
  const deltaMIPerDomain: Record<string, number | null> = {};
  for (const [domain, mi] of Object.entries(s.miPerDomain))
    deltaMIPerDomain[domain] = diff(mi, base?.miPerDomain[domain] ?? null);
  const deltaMI = deltaMIOf(point, baseline);
  const deltaMICode = diff(s.miCode, base?.miCode ?? null);
  const out: BranchPoint = {
    step: point.step,
    checkpoint: point.checkpoint,
    deltaMI,
    deltaMIPerChar: diff(s.miPerChar, base?.miPerChar ?? null),
    deltaMIPerDomain,
    deltaMICode,
    transferRatio: deltaMI === null || deltaMICode === null ? null : transferRatio(deltaMI, deltaMICode),
    attainment: s.attainment,
    deltaMISecond: diff(s.miSecond ?? null, base?.miSecond ?? null),
    ...(s.miUser === undefined ? {} : { deltaMIUser: diff(s.miUser, base?.miUser ?? null) }),
    summary: s,
  };
  if (direction) out.deltaProjection = projectionShift(s, base, direction);
  return out;
}

/** The user's conditions of a recipe as pairs: each against the control the lab derived for it. */
export function userPairs(recipe: ExperimentRecipe): { form: string; cheat: string; fix: string }[] {
  return (recipe.user?.conditions ?? []).flatMap((c) => {
    const id = typeof c === 'object' && c !== null ? (c as { id?: unknown }).id : undefined;
    return typeof id === 'string' ? [{ form: id, cheat: id, fix: `${id}Control` }] : [];
  });
}

/** The paired behaviour effect of each pair (the prompt forms, then the user's conditions) whose two
 * branches both ran. */
export function formEffects(
  branches: readonly BranchTrajectory[],
  pairsToRead: readonly { form: string; cheat: string; fix: string }[] = FORM_PAIRS,
): FormEffect[] {
  const withProjection = hasProjection(branches);
  const out: FormEffect[] = [];
  for (const pair of pairsToRead) {
    const done = (id: string) => branches.filter((b) => b.condition === id && b.status === 'done');
    const fixes = new Map(done(pair.fix).map((b) => [b.seed, b]));
    const pairs = done(pair.cheat).flatMap((c) => {
      const h = fixes.get(c.seed);
      return h ? [[c, h] as const] : [];
    });
    if (pairs.length === 0) continue;
    const final = (pick: (p: TrajectoryPoint) => number | null) =>
      pairs.map(([c, h]) => diff(pick(c.trajectory.at(-1)!), pick(h.trajectory.at(-1)!)));
    const perSeed = final((p) => p.deltaMI);
    const steps = [...new Set(pairs.flatMap(([c]) => c.trajectory.map((p) => p.step)))].sort((a, b) => a - b);
    const at = (b: BranchTrajectory, step: number, pick: (p: TrajectoryPoint) => number | null) => {
      const point = b.trajectory.find((p) => p.step === step);
      return point ? pick(point) : null;
    };
    const contrast = (step: number, pick: (p: TrajectoryPoint) => number | null) =>
      toInterval(pairs.map(([c, h]) => diff(at(c, step, pick), at(h, step, pick))));
    const projection = (p: TrajectoryPoint) => p.deltaProjection ?? null;
    const effect: FormEffect = {
      form: pair.form,
      cheat: pair.cheat,
      fix: pair.fix,
      seeds: pairs.map(([c]) => c.seed),
      perSeed,
      effect: toInterval(perSeed),
      effectCode: toInterval(final((p) => p.deltaMICode)),
      effectSecond: toInterval(final((p) => p.deltaMISecond)),
      ...(pairs[0]![0].trajectory.at(-1)?.deltaMIUser === undefined
        ? {}
        : { effectUser: toInterval(final((p) => p.deltaMIUser ?? null)) }),
      trajectory: steps.map((step) => ({
        step,
        effect: contrast(step, (p) => p.deltaMI),
        ...(withProjection ? { effectProjection: contrast(step, projection) } : {}),
      })),
    };
    if (withProjection) effect.effectProjection = toInterval(final(projection));
    out.push(effect);
  }
  return out;
}

/** Sign and order agreement of the two probe families over the forms both measured. */
export function familyAgreement(effects: readonly FormEffect[]): FamilyAgreement | null {
  const forms = FORM_PAIRS.map((p) => p.form as string);
  const both = effects.filter(
    (e) => forms.includes(e.form) && e.effect.mean !== null && e.effectSecond.mean !== null,
  );
  if (both.length === 0) return null;
  const rank = (key: 'effect' | 'effectSecond') =>
    both
      .slice()
      .sort((a, b) => a[key].mean! - b[key].mean!)
      .map((e) => e.form)
      .join(',');
  return {
    forms: both.map((e) => e.form),
    sign: both.every((e) => Math.sign(e.effect.mean!) === Math.sign(e.effectSecond.mean!)),
    order: rank('effect') === rank('effectSecond'),
  };
}

/** Whether the branches carry projections on a persona direction (runs that measured one). */
function hasProjection(branches: readonly BranchTrajectory[]): boolean {
  return branches.some((b) => b.trajectory.some((p) => p.deltaProjection !== undefined));
}

/**
 * ΔMI, code ΔMI, attainment and transfer ratio at each branch's last point, as means with their 95%
 * intervals over the branches (and the projection on the persona direction, with `projection`).
 */
export function atLastPoints(
  branches: readonly BranchTrajectory[],
  projection: boolean,
): ConditionResult['final'] {
  const last = (pick: (p: TrajectoryPoint) => number | null | undefined) =>
    toInterval(branches.map((b) => b.trajectory.at(-1)).map((p) => (p ? (pick(p) ?? null) : null)));
  return {
    deltaMI: last((p) => p.deltaMI),
    deltaMICode: last((p) => p.deltaMICode),
    attainment: last((p) => p.attainment),
    transferRatio: last((p) => p.transferRatio),
    ...(projection ? { deltaProjection: last((p) => p.deltaProjection) } : {}),
  };
}

/**
 * Per condition, over its branches (one per seed): ΔMI and attainment at each evaluated step, and the
 * final values of the finished branches, each as a mean with its 95% interval (and the projection on the
 * persona direction, where the branches carry it). The one place where a run's, a class pool's and a job
 * plan's numbers over seeds are computed.
 */
export function conditionResults(
  conditionIds: readonly string[],
  branches: readonly BranchTrajectory[],
): ConditionResult[] {
  const direction = hasProjection(branches);
  const conditions: ConditionResult[] = [];
  for (const condition of conditionIds) {
    const own = branches.filter((b) => b.condition === condition);
    if (own.length === 0) continue;
    const steps = [...new Set(own.flatMap((b) => b.trajectory.map((p) => p.step)))].sort((a, b) => a - b);
    const at = (b: BranchTrajectory, step: number) => b.trajectory.find((p) => p.step === step);
    const result: ConditionResult = {
      condition,
      seeds: own.map((b) => b.seed),
      trajectory: steps.map((step) => ({
        step,
        deltaMI: toInterval(own.map((b) => at(b, step)?.deltaMI ?? null)),
        attainment: toInterval(own.map((b) => at(b, step)?.attainment ?? null)),
        ...(direction
          ? { deltaProjection: toInterval(own.map((b) => at(b, step)?.deltaProjection ?? null)) }
          : {}),
      })),
      final: atLastPoints(
        own.filter((b) => b.status === 'done'),
        direction,
      ),
    };
    conditions.push(result);
  }
  return conditions;
}

export function buildResults(state: RunState): RunResults {
  const pretrain = state.stages.find((s) => s.kind === 'pretrain')!;
  const select = state.stages.find((s) => s.kind === 'select')!;
  const baseline = select.evaluations.at(-1) ?? null;
  const direction = state.direction ?? null;
  const branches: BranchResult[] = state.stages
    .filter((s) => s.kind === 'finetune')
    .map((s) => {
      // Step 0 of every branch is the selected checkpoint itself (ΔMI 0 by definition).
      const points = baseline ? [{ ...baseline, step: 0 }, ...s.evaluations] : s.evaluations;
      return {
        ...stageResult(s),
        condition: s.condition!,
        seed: s.seed,
        trajectory: points.map((p) => branchPoint(p, baseline, direction)),
      };
    });
  const conditions = conditionResults(state.recipe.finetune.conditions, branches);
  const effects = formEffects(branches, [...FORM_PAIRS, ...userPairs(state.recipe)]);
  const surprise = state.preFinetune?.surprise ?? null;
  const preFinetune: PreFinetune | null =
    surprise === null && baseline?.summary.cheatByForm === undefined
      ? null
      : { cheatByForm: baseline?.summary.cheatByForm ?? {}, surprise: surprise ?? {} };
  return {
    schema: 'persona-lab-results',
    schemaVersion: RESULTS_SCHEMA_VERSION,
    runId: state.runId,
    finished: state.finished,
    provenance: {
      codeVersion: state.codeVersion,
      backend: state.backend,
      corpusHash: state.corpusHash,
      recipe: state.recipe,
    },
    pretrain: stageResult(pretrain),
    select: stageResult(select),
    baseline,
    branches,
    conditions,
    preFinetune,
    effects,
    secondFamily: familyAgreement(effects),
    direction,
  };
}
