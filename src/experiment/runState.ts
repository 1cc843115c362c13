// The persisted state of a run: what each stage has done so far (its step, latest checkpoint, losses,
// probe evaluations, samples). Saved after every checkpoint, so an interrupted run resumes exactly where
// its last checkpoint left it, and the final results are built from it alone.
import type { EvalSummary } from '../eval/index.ts';
import type { ExperimentRecipe } from './recipe.ts';
import type { StageId, StagePlace } from './runEvents.ts';

export const RUN_STATE_VERSION = 1;

export interface LossPoint {
  step: number;
  trainLoss: number | null;
  valLoss: number | null;
}

export interface EvalPoint {
  step: number;
  /** Name of the model state measured (`<stage>@<step>`, or the stage's final checkpoint name). */
  checkpoint: string;
  summary: EvalSummary;
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

export interface StageRecord {
  id: StageId;
  kind: 'pretrain' | 'select' | 'finetune';
  condition: string | null;
  seed: number;
  status: 'pending' | 'partial' | 'done' | 'skipped';
  step: number;
  steps: number;
  /** Latest saved checkpoint of this stage (a partial one while running). */
  checkpoint: string | null;
  /** The external checkpoint the stage was replaced by (e.g. a shipped base), if any. */
  startedFrom: string | null;
  losses: LossPoint[];
  evaluations: EvalPoint[];
  samples: SampleRecord[];
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

/** Checks that a loaded state belongs to this runner and recipe; returns it typed or says why not. */
export function checkRunState(value: unknown, recipe: ExperimentRecipe): RunState {
  const s = value as Partial<RunState> | null;
  if (typeof s !== 'object' || s === null || s.kind !== 'persona-lab-run' || !Array.isArray(s.stages)) {
    throw new Error('the run folder holds a state file that is not a Persona Lab run');
  }
  if (s.version !== RUN_STATE_VERSION) {
    throw new Error(`the run state has version ${String(s.version)}; this lab reads ${RUN_STATE_VERSION}`);
  }
  if (JSON.stringify(s.recipe) !== JSON.stringify(recipe)) {
    throw new Error('the run folder holds a run of a different recipe: choose another folder (or --force)');
  }
  return s as RunState;
}
