// The files of a planned folder: DIR/plan.json, DIR/<point>/recipe.json, the shared checkpoints of a
// point (DIR/<point>/checkpoints) and each job's own run folder (DIR/<point>/jobs/<stage>/, its
// run-state.json and lock). Every job and `merge` read the plan and recipes through here, checked.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  checkPlan,
  planRunId,
  type JobPlan,
  type PlanPoint,
  type PlannedJob,
} from '../experiment/jobPlan.ts';
import type { ExperimentRecipe } from '../experiment/recipe.ts';
import { RunSetupError } from '../experiment/runSetupError.ts';
import { checkRunState, type RunState } from '../experiment/runState.ts';
import { CliError, readInputFile } from './cliErrors.ts';
import { STATE_FILE } from './fileRunStore.ts';
import { loadRecipeArg } from './recipeArg.ts';

export const PLAN_FILE = 'plan.json';

export const pointDir = (dir: string, point: string) => join(dir, point);
export const recipeFile = (dir: string, point: string) => join(dir, point, 'recipe.json');
export const checkpointDir = (dir: string, point: string) => join(dir, point, 'checkpoints');
export const jobDir = (dir: string, job: PlannedJob) => join(dir, job.point, 'jobs', job.stage);

async function readJson(path: string, what: string): Promise<unknown> {
  const text = (await readInputFile(path, what)).toString('utf8');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliError(`${path} is not valid JSON (${(error as Error).message}): the plan folder is damaged`);
  }
}

export async function readPlan(dir: string): Promise<JobPlan> {
  const path = join(dir, PLAN_FILE);
  if (!existsSync(path))
    throw new CliError(`${dir} holds no ${PLAN_FILE}: make one with \`plan ... --out ${dir}\``);
  try {
    return checkPlan(await readJson(path, 'plan'));
  } catch (error) {
    if (error instanceof RunSetupError) throw new CliError(`${path}: ${error.message}`);
    throw error;
  }
}

/** A point's recipe, validated, and refused if it is not the recipe the plan was made from. */
export async function readPointRecipe(dir: string, point: PlanPoint): Promise<ExperimentRecipe> {
  const path = recipeFile(dir, point.name);
  const recipe = await loadRecipeArg(path);
  if (planRunId(recipe) !== point.runId)
    throw new CliError(`${path} is not the recipe this plan was made from (it was edited): plan again`);
  return recipe;
}

/** A job's saved state, checked against the recipe; null when the job has not started. */
export async function readJobState(
  dir: string,
  job: PlannedJob,
  recipe: ExperimentRecipe,
): Promise<RunState | null> {
  const path = join(jobDir(dir, job), STATE_FILE);
  if (!existsSync(path)) return null;
  try {
    return checkRunState(await readJson(path, 'job state'), recipe);
  } catch (error) {
    if (error instanceof RunSetupError) throw new CliError(`${path}: ${error.message}`);
    throw error;
  }
}
