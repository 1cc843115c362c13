// `merge DIR`: once every job of the plan in DIR has finished, builds each point's run-state.json,
// results.json, results.csv and effects.csv from the jobs' states (the results `run` gives for the same
// recipe on the same backend), and for a sweep the summary (sweep.json, .csv, .md, .svg). Jobs not
// finished yet: exit EXIT.waiting (75), naming them, writing nothing.
import { join } from 'node:path';
import { mergeJobStates } from '../experiment/jobPlan.ts';
import { buildResults } from '../experiment/results.ts';
import { RunSetupError } from '../experiment/runSetupError.ts';
import type { RunState } from '../experiment/runState.ts';
import type { SweepPointResults } from '../experiment/sweepSummary.ts';
import { CliError, EXIT } from './cliErrors.ts';
import { STATE_FILE, writeFileAtomic } from './fileRunStore.ts';
import { pointDir, readJobState, readPlan, readPointRecipe } from './planFolder.ts';
import { writeRunResults } from './runCommand.ts';
import { writeSweepFiles } from './sweepCommand.ts';

export async function mergeCommand(dir: string | undefined, quiet: boolean): Promise<number> {
  if (dir === undefined) throw new CliError('name the plan folder (made by `plan ... --out DIR`)');
  const log = (line: string) => {
    if (!quiet) console.error(line);
  };
  const plan = await readPlan(dir);
  const merged: { point: (typeof plan.points)[number]; state: RunState }[] = [];
  const waiting: string[] = [];
  for (const point of plan.points) {
    const recipe = await readPointRecipe(dir, point);
    const states = new Map<string, RunState>();
    for (const job of plan.jobs.filter((j) => j.point === point.name)) {
      const state = await readJobState(dir, job, recipe);
      const record = state?.stages.find((s) => s.id === job.stage);
      if (state && record && (record.status === 'done' || record.status === 'skipped'))
        states.set(job.stage, state);
      else waiting.push(`${job.index} (${job.stage}${plan.param ? ` of ${job.point}` : ''})`);
    }
    if (waiting.length === 0) {
      try {
        merged.push({ point, state: mergeJobStates(recipe, states) });
      } catch (error) {
        if (error instanceof RunSetupError)
          throw new CliError(`${pointDir(dir, point.name)}: ${error.message}`);
        throw error;
      }
    }
  }
  if (waiting.length > 0) {
    const shown =
      waiting.slice(0, 10).join(', ') + (waiting.length > 10 ? `, and ${waiting.length - 10} more` : '');
    throw new CliError(`${waiting.length} job(s) have not finished: ${shown}`, EXIT.waiting);
  }
  const finished: SweepPointResults[] = [];
  for (const { point, state } of merged) {
    const folder = pointDir(dir, point.name);
    await writeFileAtomic(join(folder, STATE_FILE), `${JSON.stringify(state, null, 1)}\n`);
    const results = buildResults(state);
    await writeRunResults(folder, results);
    log(
      `merged ${plan.jobs.filter((j) => j.point === point.name).length} jobs into ${join(folder, 'results.json')}`,
    );
    finished.push({
      value: point.value!,
      label: point.label!,
      pretraining: point.pretraining ?? null,
      results,
    });
  }
  if (plan.param !== null) await writeSweepFiles(dir, plan.param, finished, log);
  return EXIT.ok;
}
