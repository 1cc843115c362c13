// `job DIR --index N`: runs job N of the plan in DIR (one pretraining, selection or fine-tune branch)
// with the ordinary runner, its state in DIR/<point>/jobs/<stage>/ and its checkpoints in the point's
// shared folder. Idempotent: a finished job is skipped (exit 0), an interrupted one resumes from its last
// checkpoint. A job whose inputs (the jobs it needs) have not finished exits with EXIT.waiting (75),
// touching nothing, so a scheduler can run it again later. Ctrl-C or SIGTERM (a pod evicted) saves a
// checkpoint and exits 130.
import { corpusInputs } from '../experiment/corpusInputs.ts';
import { CODE_VERSION } from '../experiment/codeVersion.ts';
import { handsOn, jobState } from '../experiment/jobPlan.ts';
import { RunControl, RunInterruptedError } from '../experiment/runControl.ts';
import type { RunEvent } from '../experiment/runEvents.ts';
import { runExperiment } from '../experiment/runner.ts';
import { RunSetupError } from '../experiment/runSetupError.ts';
import type { RunState } from '../experiment/runState.ts';
import { startBackend } from './cliBackend.ts';
import { recipeStepGflop } from './recipeStepGflop.ts';
import { CliError, EXIT, writeFailure } from './cliErrors.ts';
import { FileRunStore, removeTemporaryFiles } from './fileRunStore.ts';
import { lockRunFolder } from './lockRunFolder.ts';
import { makeOutFolder } from './makeOutFolder.ts';
import { checkpointDir, jobDir, readJobState, readPlan, readPointRecipe } from './planFolder.ts';

export interface JobArgs {
  dir: string | undefined;
  index: string | undefined;
  quiet: boolean;
}

export async function jobCommand(args: JobArgs): Promise<number> {
  if (args.dir === undefined) throw new CliError('name the plan folder (made by `plan ... --out DIR`)');
  const dir = args.dir;
  const plan = await readPlan(dir);
  if (args.index === undefined || !/^\d{1,9}$/.test(args.index.trim()))
    throw new CliError(`--index N is required: a job number from 0 to ${plan.jobs.length - 1}`);
  const job = plan.jobs[Number(args.index)];
  if (!job) throw new CliError(`--index ${args.index}: the plan has jobs 0 to ${plan.jobs.length - 1}`);
  const point = plan.points.find((p) => p.name === job.point)!;
  const recipe = await readPointRecipe(dir, point);
  const name = `job ${job.index} (${job.stage}${plan.param ? ` of ${job.point}` : ''})`;
  const log = (line: string) => {
    if (!args.quiet) console.error(`${name}: ${line}`);
  };

  const needed: RunState[] = [];
  for (const n of job.needs) {
    const need = plan.jobs[n]!;
    const state = await readJobState(dir, need, recipe);
    if (!handsOn(state?.stages.find((s) => s.id === need.stage)))
      throw new CliError(
        `${name} needs job ${n} (${need.stage}), which has not finished: run it first, then this one again`,
        EXIT.waiting,
      );
    needed.push(state!);
  }

  const own = jobDir(dir, job);
  await makeOutFolder(own);
  const control = new RunControl();
  const release = await lockRunFolder(own, `job ${job.index}`, (reason) => {
    console.error(`persona-lab: lost the lock on ${own} (${reason}): stopping`);
    control.stop();
  });
  try {
    const saved = await readJobState(dir, job, recipe);
    if (handsOn(saved?.stages.find((s) => s.id === job.stage))) {
      log('already done (skipped)');
      return EXIT.ok;
    }
    const backend = await startBackend(plan.backend, undefined, { stepGflop: recipeStepGflop(recipe) });
    const inputs = corpusInputs(recipe);
    const store = new FileRunStore(own, checkpointDir(dir, job.point));
    if (saved) {
      await removeTemporaryFiles(own);
      log(`resuming on ${backend}`);
    } else {
      const run = { corpusHash: inputs.corpusHash, backend, codeVersion: CODE_VERSION };
      for (const state of needed) {
        if (state.backend !== backend || state.corpusHash !== inputs.corpusHash)
          throw new CliError(
            `${name}: its input ran on ${state.backend} with corpus ${state.corpusHash}; this machine gives ` +
              `${backend} and ${inputs.corpusHash}: run every job of a plan on one backend and one lab version`,
          );
      }
      await store.saveState(jobState(point, job, recipe, run, needed));
      log(`starting on ${backend}`);
    }
    return await runJob(recipe, store, backend, inputs, job.stage, control, log);
  } catch (error) {
    const failure = writeFailure(error);
    if (failure) throw failure;
    if (error instanceof RunSetupError) throw new CliError(`${own}: ${error.message}: ${error.hint}`);
    throw error;
  } finally {
    await release().catch(() => {});
  }
}

async function runJob(
  recipe: Parameters<typeof runExperiment>[0],
  store: FileRunStore,
  backend: string,
  inputs: ReturnType<typeof corpusInputs>,
  stage: string,
  control: RunControl,
  log: (line: string) => void,
): Promise<number> {
  let stopping = false;
  const onSignal = () => {
    if (stopping) return;
    stopping = true;
    log('stopping: saving a checkpoint at the current step...');
    control.stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let lastTenth = -1;
  const onEvent = (e: RunEvent) => {
    if (e.type !== 'progress' || e.stage !== stage) return;
    const tenth = Math.floor((10 * e.step) / e.steps);
    if (tenth > lastTenth) {
      lastTenth = tenth;
      log(`step ${e.step}/${e.steps}, loss ${e.loss.toFixed(3)}`);
    }
  };
  const started = performance.now();
  try {
    await runExperiment(recipe, { store, backend, inputs, control, onEvent, only: [stage] });
    log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof RunInterruptedError) {
      log(error.message);
      return EXIT.interrupted;
    }
    throw error;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
