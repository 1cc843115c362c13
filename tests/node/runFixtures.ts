// A run's results from hand-written probe evaluations: the stages they name (in order of first mention)
// as a RunState, through the runner's own buildResults. For tests of what is read off results.
import { buildResults, type RunResults } from '../../src/experiment/results.ts';
import { defaultRecipe } from '../../src/experiment/recipe.ts';
import {
  branchId,
  newStageRecord,
  RUN_STATE_VERSION,
  type EvalPoint,
  type RunState,
  type StageRecord,
} from '../../src/experiment/runState.ts';
import type { PersonaDirection } from '../../src/eval/index.ts';

/** One evaluation of a stage, the stage given by its id and its fields. */
export type EvaluationSpec = Omit<EvalPoint, 'checkpoint'> & {
  stage: string;
  kind: StageRecord['kind'];
  condition?: string;
  seed?: number;
};

/** An evaluation of the pretrained base or the selected checkpoint at `step`. */
export function stageAt(
  kind: 'pretrain' | 'select',
  step: number,
  summary: EvalPoint['summary'],
): EvaluationSpec {
  return { stage: kind, kind, step, summary };
}

/** An evaluation of the fine-tune branch of `condition` with `seed` at `step`. */
export function branchAt(
  condition: string,
  seed: number,
  step: number,
  summary: EvalPoint['summary'],
): EvaluationSpec {
  return { stage: branchId(condition, seed), kind: 'finetune', condition, seed, step, summary };
}

export function runStateOf(
  evaluations: readonly EvaluationSpec[],
  direction: PersonaDirection | null = null,
): RunState {
  const stages: StageRecord[] = [];
  for (const { stage, kind, condition, seed, ...point } of evaluations) {
    let record = stages.find((s) => s.id === stage);
    if (!record) {
      record = { ...newStageRecord(stage, kind, 100, seed ?? 1, condition ?? null), status: 'partial' };
      stages.push(record);
    }
    record.evaluations.push({ checkpoint: `${stage}@${point.step}`, ...point });
  }
  for (const kind of ['select', 'pretrain'] as const)
    if (!stages.some((s) => s.kind === kind)) stages.unshift(newStageRecord(kind, kind, 100, 1));
  const recipe = defaultRecipe();
  const conditions = [...new Set(stages.flatMap((s) => (s.condition === null ? [] : [s.condition])))];
  return {
    kind: 'persona-lab-run',
    version: RUN_STATE_VERSION,
    runId: 'r',
    recipe: { ...recipe, finetune: { ...recipe.finetune, conditions } },
    corpusHash: 'c',
    backend: 'cpu',
    codeVersion: 'test',
    stages,
    finished: false,
    ...(direction ? { direction } : {}),
  };
}

export function resultsOf(
  evaluations: readonly EvaluationSpec[],
  direction: PersonaDirection | null = null,
): RunResults {
  return buildResults(runStateOf(evaluations, direction));
}
