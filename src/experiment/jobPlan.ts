// A run (or a sweep of runs) cut into independent jobs for an existing scheduler (GNU parallel, a
// Kubernetes Indexed Job): one job per pretraining, per selection and per fine-tune branch, each with the
// jobs whose checkpoints it starts from. Jobs are numbered in dependency waves (every pretraining, then
// every selection, then every branch), so a scheduler that runs one wave after the other never starts a
// job before its inputs. Each job runs the ordinary runner on ONE stage (RunOptions.only) with a state of
// its own, seeded from the records of the stages it needs; merging the jobs' records gives the state,
// and so the results, that one `run` of the same recipe gives. Pure: the CLI does the files.
import { fingerprint } from '../util/hash.ts';
import type { ExperimentRecipe } from './recipe.ts';
import * as schema from './fileSchema.ts';
import { planStages } from './runner.ts';
import { RunSetupError } from './runSetupError.ts';
import { RUN_STATE_VERSION, type RunState, type StageRecord } from './runState.ts';
import { TIMING_PARTS, newRunTiming, type RunTiming } from './runTiming.ts';

export const PLAN_KIND = 'persona-lab-plan';
export const PLAN_VERSION = 1;

export interface PlannedJob {
  index: number;
  /** The run it belongs to: `run`, or a sweep point's name (`shortcut=0.15`). */
  point: string;
  /** The stage it runs (its id in the run: `pretrain`, `select`, `finetune-covert-s1`). */
  stage: string;
  kind: StageRecord['kind'];
  /** 0: pretrainings, 1: selections, 2: fine-tune branches. */
  wave: number;
  /** The jobs whose checkpoints this one starts from. */
  needs: number[];
}

export interface PlanPoint {
  name: string;
  /** The swept value (null for a plan of one recipe). */
  value: number | null;
  label: string | null;
  /** The pretraining a swept value is crossed with (`--pretrainings`); null or absent otherwise. */
  pretraining?: number | null;
  /** Every job of the point carries it; derived from the recipe, so a recipe edited after planning shows. */
  runId: string;
}

export interface JobPlan {
  kind: typeof PLAN_KIND;
  version: number;
  /** The backend every job must run on (results are identical only on one backend). */
  backend: 'wasm' | 'cpu';
  /** The swept recipe field (null for a plan of one recipe). */
  param: string | null;
  points: PlanPoint[];
  jobs: PlannedJob[];
}

export interface PointToPlan {
  name: string;
  value: number | null;
  label: string | null;
  pretraining: number | null;
  recipe: ExperimentRecipe;
}

const WAVE: Record<StageRecord['kind'], number> = { pretrain: 0, select: 1, finetune: 2 };

/** The run id of a planned point: a fingerprint of its recipe. */
export function planRunId(recipe: ExperimentRecipe): string {
  return `plan-${fingerprint(JSON.stringify(recipe))}`;
}

export function planJobs(
  points: readonly PointToPlan[],
  backend: 'wasm' | 'cpu',
  param: string | null,
): JobPlan {
  const staged = points.map((p) => ({ point: p, stages: planStages(p.recipe) }));
  const jobs: PlannedJob[] = [];
  const indexOf = new Map<string, number>();
  for (const wave of [0, 1, 2]) {
    for (const { point, stages } of staged) {
      for (const stage of stages.filter((s) => WAVE[s.kind] === wave)) {
        const needs =
          stage.kind === 'pretrain'
            ? []
            : [indexOf.get(`${point.name}/${stage.kind === 'select' ? 'pretrain' : 'select'}`)!];
        indexOf.set(`${point.name}/${stage.id}`, jobs.length);
        jobs.push({ index: jobs.length, point: point.name, stage: stage.id, kind: stage.kind, wave, needs });
      }
    }
  }
  return {
    kind: PLAN_KIND,
    version: PLAN_VERSION,
    backend,
    param,
    points: points.map((p) => ({
      name: p.name,
      value: p.value,
      label: p.label,
      pretraining: p.pretraining,
      runId: planRunId(p.recipe),
    })),
    jobs,
  };
}

const PLAN_SCHEMA = schema.fields({
  kind: schema.constant(PLAN_KIND),
  version: schema.constant(PLAN_VERSION),
  backend: schema.oneOf(['wasm', 'cpu']),
  param: schema.stringOrNull(),
  points: schema.list(
    schema.fields({
      name: schema.string(),
      value: schema.numberOrNull(),
      label: schema.stringOrNull(),
      // Absent in plans written before sweeps could be crossed with pretrainings.
      pretraining: schema.optional(schema.numberOrNull()),
      runId: schema.string(),
    }),
  ),
  jobs: schema.list(
    schema.fields({
      index: schema.integer(0, 1e7),
      point: schema.string(),
      stage: schema.string(),
      kind: schema.oneOf(['pretrain', 'select', 'finetune']),
      wave: schema.oneOf([0, 1, 2]),
      needs: schema.list(schema.integer(0, 1e7)),
    }),
  ),
});

/** A plan file read from the shared folder, checked (shape, numbering, names that are file-safe). */
export function checkPlan(value: unknown): JobPlan {
  const problems = schema.schemaErrors(value, PLAN_SCHEMA);
  if (problems.length > 0)
    throw new RunSetupError(`the plan is damaged (${problems[0]!.replace(/^\$\.?/, '')})`);
  const plan = value as JobPlan;
  const names = new Set(plan.points.map((p) => p.name));
  for (const name of names)
    if (!/^[A-Za-z0-9._=+-]+$/.test(name) || name === '.' || name === '..')
      throw new RunSetupError(
        `the plan is damaged (point name ${JSON.stringify(name)} is not a folder name)`,
      );
  plan.jobs.forEach((job, i) => {
    if (job.index !== i || !names.has(job.point) || !/^[A-Za-z0-9._@-]+$/.test(job.stage))
      throw new RunSetupError(`the plan is damaged (job ${i})`);
    if (job.needs.some((n) => n >= i || plan.jobs[n]!.point !== job.point))
      throw new RunSetupError(`the plan is damaged (job ${i} needs a later job or another point's)`);
  });
  return plan;
}

/** Whether a stage record of a finished job can be handed on (its checkpoint is saved). */
export function handsOn(record: StageRecord | undefined): boolean {
  return (
    record !== undefined &&
    record.checkpoint !== null &&
    (record.status === 'done' || record.status === 'skipped')
  );
}

/**
 * The state a job starts with: the plan's run, the records of the stages it needs (copied from their
 * jobs' states, with the selection's surprise measurements), and its own stage not yet started.
 */
export function jobState(
  point: PlanPoint,
  job: PlannedJob,
  recipe: ExperimentRecipe,
  run: { corpusHash: string; backend: string; codeVersion: string },
  needed: readonly RunState[],
): RunState {
  const planned = planStages(recipe);
  const from = (id: string) => {
    for (const state of needed) {
      const record = state.stages.find((s) => s.id === id);
      if (handsOn(record)) return { record: structuredClone(record!), state };
    }
    return null;
  };
  const own = planned.find((s) => s.id === job.stage);
  if (!own) throw new RunSetupError(`the recipe plans no stage ${job.stage} (was recipe.json edited?)`);
  const stages: StageRecord[] = [];
  let preFinetune: RunState['preFinetune'];
  let direction: RunState['direction'];
  for (const stage of planned.slice(0, 2)) {
    if (stage.id === job.stage) stages.push(own);
    else {
      const done = from(stage.id);
      stages.push(done?.record ?? stage);
      if (stage.kind === 'select' && done?.state.preFinetune)
        preFinetune = structuredClone(done.state.preFinetune);
      // The persona direction the selection job measured: every branch projects on the same one.
      if (stage.kind === 'select' && done?.state.direction) direction = structuredClone(done.state.direction);
    }
  }
  if (own.kind === 'finetune') stages.push(own);
  return {
    kind: 'persona-lab-run',
    version: RUN_STATE_VERSION,
    runId: point.runId,
    recipe,
    corpusHash: run.corpusHash,
    backend: run.backend,
    codeVersion: run.codeVersion,
    stages,
    finished: false,
    ...(preFinetune ? { preFinetune } : {}),
    ...(direction ? { direction } : {}),
  };
}

/**
 * The state of the whole run from its jobs' states (by stage id): each stage's record from the job that
 * ran it, in the order `run` plans them, the selection job's surprise measurements, and the jobs' timing
 * added up (machine time, not wall time: jobs overlap).
 */
export function mergeJobStates(recipe: ExperimentRecipe, states: ReadonlyMap<string, RunState>): RunState {
  const stages = planStages(recipe).map((planned) => {
    const record = states.get(planned.id)?.stages.find((s) => s.id === planned.id);
    if (!record || !handsOn(record)) throw new RunSetupError(`stage ${planned.id} has not finished`);
    return structuredClone(record);
  });
  const select = states.get('select')!;
  const timing: RunTiming = newRunTiming();
  for (const state of states.values()) {
    if (!state.timing) continue;
    timing.wall += state.timing.wall;
    for (const part of TIMING_PARTS) timing[part] += state.timing[part];
  }
  return {
    kind: 'persona-lab-run',
    version: RUN_STATE_VERSION,
    runId: select.runId,
    recipe,
    corpusHash: select.corpusHash,
    backend: select.backend,
    codeVersion: select.codeVersion,
    stages,
    finished: true,
    timing,
    ...(select.preFinetune ? { preFinetune: structuredClone(select.preFinetune) } : {}),
    ...(select.direction ? { direction: structuredClone(select.direction) } : {}),
  };
}
