// The persisted state of a run: what each stage has done so far (its step, latest checkpoint, losses,
// probe evaluations, samples). Saved after every checkpoint, so an interrupted run resumes exactly where
// its last checkpoint left it, and the final results are built from it alone.
import type { EvalSummary, PersonaDirection } from '../eval/index.ts';
import type { ExperimentRecipe } from './recipe.ts';
import * as v from 'valibot';
import {
  anyObject,
  boolean,
  constant,
  fields,
  integer,
  list,
  mapOf,
  number,
  numberOrNull,
  oneOf,
  schemaErrors,
  string,
  stringOrNull,
} from './fileSchema.ts';
import { DIRECTION_SCHEMA, STAGE_PROPERTIES } from './resultsSchema.ts';
import { RunSetupError } from './runSetupError.ts';
import { TIMING_PARTS, type RunTiming } from './runTiming.ts';

export const RUN_STATE_VERSION = 1;

/** 'pretrain', 'select', or 'finetune-<condition>-s<seed>' (see branchId). */
export type StageId = string;

/**
 * Where in the run a stage is, as fields (never read back out of the stage id): its kind, the branch's
 * condition and seed, and the branch's place in the run's order (1-based; 0 outside fine-tune branches).
 */
export interface StagePlace {
  kind: 'pretrain' | 'select' | 'finetune';
  condition: string | null;
  seed: number;
  branch: number;
  branches: number;
}

export interface LossPoint {
  step: number;
  trainLoss: number | null;
  valLoss: number | null;
}

/** 'full': every probe (stage ends); 'live': the recipe's live subset (evaluations during a stage). */
export type ProbeSet = 'full' | 'live';

export interface EvalPoint {
  step: number;
  /** Name of the model state measured (`<stage>@<step>`, or the stage's final checkpoint name). */
  checkpoint: string;
  summary: EvalSummary;
  /** The probes `summary` is over; absent in runs that predate the live subset (they scored all). */
  probeSet?: ProbeSet;
  /**
   * At a full evaluation when the live subset is smaller than the full set: the same scores summarised
   * over the live subset alone, so that live points have a baseline measured on their own probes.
   */
  live?: EvalSummary;
}

/**
 * The baseline summary a point is compared with, measured on the same probes: a live point against the
 * baseline's live-subset summary, a full one against its full summary. So a ΔMI never mixes probe sets.
 */
export function baselineFor(
  point: Pick<EvalPoint, 'probeSet'>,
  baseline: Pick<EvalPoint, 'summary' | 'live'> | null | undefined,
): EvalSummary | null {
  if (!baseline) return null;
  return point.probeSet === 'live' ? (baseline.live ?? baseline.summary) : baseline.summary;
}

export interface SampleRecord {
  step: number;
  probeId: string;
  prompt: string;
  text: string;
  /** The persona (candidate label) the sample most resembles, and that similarity (bigram Dice). */
  label: string;
  similarity: number;
}

/**
 * Where a stage stands, with the checkpoint each status implies: none before it starts; its latest
 * resumable one while partial (none before its first save); its final one once done; for a stage with
 * nothing to train (replaced by a given checkpoint, or of 0 steps), its input once saved.
 */
export type StageStatus =
  | { status: 'pending'; checkpoint: null }
  | { status: 'partial'; checkpoint: string | null }
  | { status: 'done'; checkpoint: string }
  | { status: 'skipped'; checkpoint: string | null };

export type StageRecord = StageStatus & {
  id: StageId;
  kind: 'pretrain' | 'select' | 'finetune';
  condition: string | null;
  seed: number;
  step: number;
  steps: number;
  /** The external checkpoint the stage was replaced by (e.g. a shipped base), if any. */
  startedFrom: string | null;
  losses: LossPoint[];
  evaluations: EvalPoint[];
  samples: SampleRecord[];
};

/** Moves a stage to another status (with its checkpoint, so the two never disagree). */
export function setStatus(record: StageRecord, next: StageStatus): void {
  Object.assign(record, next);
}

/** What the run measured once after selection and before the first fine-tune. */
export interface PreFinetuneState {
  surprise: Record<string, number | null>;
}

export interface RunState {
  kind: 'persona-lab-run';
  version: number;
  runId: string;
  recipe: ExperimentRecipe;
  corpusHash: string;
  backend: string;
  codeVersion: string;
  stages: StageRecord[];
  finished: boolean;
  /** Where the run's time went so far (absent in runs that predate it: they start from zero). */
  timing?: RunTiming;
  /** Measured once, after selection and before the first fine-tune: the mean loss of each condition's
   * fine-tune set under the selected model (its surprise). Absent from states of earlier versions. */
  preFinetune?: PreFinetuneState;
  /** The persona direction (the recipe's malicious minus helpful persona), computed once from the
   * pretrained base before selection; every evaluation after it projects the Assistant on it. Absent
   * from states of earlier versions. */
  direction?: PersonaDirection;
}

export function newStageRecord(
  id: StageId,
  kind: StageRecord['kind'],
  steps: number,
  seed: number,
  condition: string | null = null,
): StageRecord {
  return {
    id,
    kind,
    condition,
    seed,
    status: 'pending',
    step: 0,
    steps,
    checkpoint: null,
    startedFrom: null,
    losses: [],
    evaluations: [],
    samples: [],
  };
}

/** The stage id of one fine-tune branch (also its checkpoint's name: file-name safe). */
export function branchId(condition: string, seed: number): StageId {
  return `finetune-${condition}-s${seed}`;
}

/** Where a stage sits in its run: kind, condition, seed, and the branch's 1-based place in run order. */
export function placeOf(state: RunState, record: StageRecord): StagePlace {
  const branches = state.stages.filter((s) => s.kind === 'finetune');
  return {
    kind: record.kind,
    condition: record.condition,
    seed: record.seed,
    branch: branches.indexOf(record) + 1,
    branches: branches.length,
  };
}

/** How many probe evaluations a stage of `steps` makes when it evaluates every `every` steps and at its end. */
export function evaluationCount(steps: number, every: number): number {
  if (steps === 0) return 1;
  return every > 0 ? Math.ceil(steps / every) : 1;
}

const STAGE_RECORD = fields({
  ...STAGE_PROPERTIES,
  kind: oneOf(['pretrain', 'select', 'finetune']),
  condition: stringOrNull(),
  seed: integer(0, 2 ** 31 - 1),
  step: integer(0, 1e9),
});

const TIMING = fields(
  Object.fromEntries(['wall', ...TIMING_PARTS].map((part) => [part, number(0)])) as Record<
    'wall' | (typeof TIMING_PARTS)[number],
    ReturnType<typeof number>
  >,
);

/** run-state.json (and a browser run's stored state): what checkRunState trusts after reading it. */
export const RUN_STATE_SCHEMA = fields({
  kind: constant('persona-lab-run'),
  version: integer(),
  runId: string(),
  recipe: anyObject(),
  corpusHash: string(),
  backend: string(),
  codeVersion: string(),
  stages: list(STAGE_RECORD),
  finished: boolean(),
  timing: v.optional(TIMING),
  // Optional: states of earlier versions lack it (the runner then measures it before the branches).
  preFinetune: v.optional(fields({ surprise: mapOf(numberOrNull()) })),
  direction: v.optional(DIRECTION_SCHEMA),
});

/**
 * Checks that a loaded state belongs to this runner and recipe and is whole (every stage record of the
 * right shape, the stages the recipe plans, each step within its stage); returns it typed or throws a
 * RunSetupError saying why. A state file is outside input: a crash, a disk or a hand can damage it.
 */
export function checkRunState(value: unknown, recipe: ExperimentRecipe): RunState {
  const s = value as Partial<RunState> | null;
  if (typeof s !== 'object' || s === null || Array.isArray(s) || s.kind !== 'persona-lab-run') {
    throw new RunSetupError('the run folder holds a state file that is not a Persona Lab run');
  }
  if (s.version !== RUN_STATE_VERSION) {
    throw new RunSetupError(
      `the run state has version ${String(s.version)}; this lab reads ${RUN_STATE_VERSION}`,
    );
  }
  // Another recipe first: a whole state of another run is not "damaged", whatever else it holds.
  if (s.recipe !== undefined && JSON.stringify(s.recipe) !== JSON.stringify(recipe)) {
    throw new RunSetupError('the run folder holds a run of a different recipe');
  }
  const problems = schemaErrors(value, RUN_STATE_SCHEMA);
  if (problems.length > 0)
    throw new RunSetupError(`the run state is damaged (${problems[0]!.replace(/^\$\.?/, '')})`);
  const stages = s.stages!;
  const [pretrain, select] = stages;
  if (pretrain?.id !== 'pretrain' || select?.id !== 'select')
    throw new RunSetupError('the run state is damaged (its first stages are not pretrain and select)');
  const ids = new Set<string>();
  for (const stage of stages) {
    if (ids.has(stage.id)) throw new RunSetupError(`the run state is damaged (stage ${stage.id} twice)`);
    ids.add(stage.id);
    if (stage.step > stage.steps)
      throw new RunSetupError(
        `the run state is damaged (stage ${stage.id} at step ${stage.step} of ${stage.steps})`,
      );
    const implied = stage.status === 'done' ? 'string' : stage.status === 'pending' ? 'object' : null;
    if (implied !== null && typeof stage.checkpoint !== implied)
      throw new RunSetupError(
        `the run state is damaged (stage ${stage.id} is ${stage.status} with checkpoint ${String(stage.checkpoint)})`,
      );
  }
  return s as RunState;
}
