// `run <recipe.json|preset> --out DIR`: runs an experiment headless with a progress bar and ETA, writes
// DIR/results.json and DIR/results.csv, keeps checkpoints under DIR, and resumes when DIR holds an
// interrupted run. A finished run's results are never clobbered: --force moves them aside first. One
// process at a time holds DIR (a lock naming the holder). Bad input and a damaged folder end with exit 2
// and one line; a full disk with exit 1 and one line; Ctrl-C saves a checkpoint and ends with 130.
import { projectionLines } from './directionReport.ts';
import { effectLines, preFinetuneLines } from './gatesReport.ts';
import { Presets, SingleBar } from 'cli-progress';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { RunControl, RunInterruptedError } from '../experiment/runControl.ts';
import { FOLDER_HINT, RunSetupError } from '../experiment/runSetupError.ts';
import type { RunEvent } from '../experiment/runEvents.ts';
import { runExperiment, type RunOptions } from '../experiment/runner.ts';
import type { RunResults } from '../experiment/results.ts';
import { effectsCsv, resultsCsv } from '../experiment/resultsCsv.ts';
import type { ExperimentRecipe, RecipeBackend } from '../experiment/recipe.ts';
import { nodeBackendArg, startBackend } from './cliBackend.ts';
import { CliError, EXIT, readCheckpointFile, readInputFile, writeFailure } from './cliErrors.ts';
import { FileRunStore, STATE_FILE, removeTemporaryFiles, writeFileAtomic } from './fileRunStore.ts';
import { LOCK_NAMES, lockRunFolder } from './lockRunFolder.ts';
import { makeOutFolder } from './makeOutFolder.ts';
import { loadRunArg } from './recipeArg.ts';
import { adoptBaseRecipe } from '../experiment/adoptBase.ts';
import { validateRecipe } from '../experiment/validateRecipe.ts';
import { fileURLToPath } from 'node:url';
import type { RunState } from '../experiment/runState.ts';
import { formatRunTiming } from '../experiment/runTiming.ts';
import { recipeStepGflop } from './recipeStepGflop.ts';

export interface RunArgs {
  /** A recipe file or preset name, or a recipe already built and validated (one point of `sweep`). */
  recipe: string | ExperimentRecipe | undefined;
  out: string | undefined;
  force: boolean;
  backend: string | undefined;
  from: string | undefined;
  fromStage: string | undefined;
  /** The pretrained base the persona direction is measured on when --from-stage is finetune. */
  directionFrom?: string | undefined;
  quiet: boolean;
}

/** Moves a run's files into DIR/previous-<time>/ so that nothing written is overwritten. */
async function setAside(dir: string): Promise<string> {
  const aside = join(dir, `previous-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  await mkdir(aside);
  for (const name of await readdir(dir)) {
    if (name.startsWith('previous-') || (LOCK_NAMES as readonly string[]).includes(name)) continue;
    await rename(join(dir, name), join(aside, name));
  }
  return aside;
}

/** The shipped classroom base (public/models/): the reference design's first selected Assistant. */
export const SHIPPED_BASE_PATH = fileURLToPath(
  new URL('../../public/models/classroom-base.ckpt', import.meta.url),
);

export async function runCommand(args: RunArgs): Promise<number> {
  const loaded =
    typeof args.recipe === 'object'
      ? { recipe: args.recipe, start: 'scratch' as const }
      : await loadRunArg(args.recipe);
  let recipe = loaded.recipe;
  if (!args.out) throw new CliError('--out DIR is required: the folder for checkpoints and results');
  if (loaded.start === 'shipped-base' && args.from === undefined) {
    // An experiment file that fine-tunes the shipped base: the base fixes the corpus, model and corpus
    // seed (as in the lab); the file's own section, fine-tunes and evaluation are kept.
    const base = await readCheckpointFile(SHIPPED_BASE_PATH);
    recipe = validateRecipe(adoptBaseRecipe(recipe, validateRecipe(base.recipe)).recipe);
    // Named relative to the working folder, as a user would type it (results record the name).
    args.from = relative(process.cwd(), SHIPPED_BASE_PATH) || SHIPPED_BASE_PATH;
    args.fromStage = 'finetune';
  }
  const backendChoice: RecipeBackend =
    args.backend === undefined ? recipe.backend : nodeBackendArg(args.backend);
  const dir = args.out;
  let startFrom;
  if (args.from !== undefined) {
    if (args.fromStage !== 'select' && args.fromStage !== 'finetune') {
      throw new CliError(
        '--from needs --from-stage select (CHECKPOINT is the pretrained base) or finetune (the selected model)',
      );
    }
    await readCheckpointFile(args.from); // refuses a corrupt file with a clear message before any work
    const bytes = await readInputFile(args.from, 'checkpoint');
    startFrom = { stage: args.fromStage, name: args.from, bytes: new Uint8Array(bytes) } as const;
  } else if (args.fromStage !== undefined) {
    throw new CliError('--from-stage needs --from CHECKPOINT');
  }
  let directionBase;
  if (args.directionFrom !== undefined) {
    if (startFrom?.stage !== 'finetune')
      throw new CliError(
        '--direction-from needs --from-stage finetune (otherwise the run has its pretrained base)',
      );
    await readCheckpointFile(args.directionFrom);
    const bytes = await readInputFile(args.directionFrom, 'checkpoint');
    directionBase = { name: args.directionFrom, bytes: new Uint8Array(bytes) };
  }
  await makeOutFolder(dir);
  const control = new RunControl();
  const log = (line: string) => {
    if (!args.quiet) console.error(line);
  };
  const release = await lockRunFolder(
    dir,
    `run ${typeof args.recipe === 'string' ? args.recipe : ''}`.trim(),
    (reason) => {
      console.error(`persona-lab: lost the lock on ${dir} (${reason}): stopping`);
      control.stop();
    },
  );
  try {
    return await runLocked(args, recipe, backendChoice, dir, { startFrom, directionBase }, control, log);
  } catch (error) {
    const failure = writeFailure(error);
    if (failure) throw failure;
    if (error instanceof RunSetupError) {
      const hint =
        error.hint === FOLDER_HINT ? 'choose another --out, or --force to set its files aside' : error.hint;
      throw new CliError(`${dir}: ${error.message}: ${hint}`);
    }
    throw error;
  } finally {
    await release().catch(() => {}); // a folder that vanished has no lock left to release
  }
}

async function runLocked(
  args: RunArgs,
  recipe: ExperimentRecipe,
  backendChoice: RecipeBackend,
  dir: string,
  start: Pick<RunOptions, 'startFrom' | 'directionBase'>,
  control: RunControl,
  log: (line: string) => void,
): Promise<number> {
  const finished = existsSync(join(dir, 'results.json'));
  if (finished && !args.force) {
    throw new CliError(
      `${dir} already holds a finished run's results.json: choose another --out, or --force to set it aside`,
    );
  }
  // --force sets aside whatever the folder holds, a finished run or a refused or damaged one.
  if (args.force && (finished || existsSync(join(dir, STATE_FILE))))
    console.error(`set the previous run aside in ${await setAside(dir)}`);
  const leftovers = await removeTemporaryFiles(dir);
  if (leftovers.length > 0) log(`removed ${leftovers.length} half-written file(s) an earlier crash left`);
  // A recipe's webgpu or webgl was chosen for a browser: the CLI runs it on auto unless --backend says.
  const backend = await startBackend(
    backendChoice === 'webgl' || (backendChoice === 'webgpu' && args.backend === undefined)
      ? 'auto'
      : backendChoice,
    undefined,
    { stepGflop: recipeStepGflop(recipe) },
  );
  const resuming = existsSync(join(dir, STATE_FILE));
  log(`${resuming ? 'resuming' : 'starting'} the run in ${dir} on the ${backend} backend`);

  // `on`, not `once`: a Ctrl-C reaches every process of the group, and a launcher (tsx, npm) relays it
  // again; a second signal must not kill the run while it saves.
  let stopping = false;
  const onSignal = () => {
    if (stopping) return;
    stopping = true;
    log('\nstopping: saving a checkpoint at the current step...');
    control.stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const bar = new SingleBar(
    {
      format: ' {bar} {percentage}% | {value}/{total} steps | ETA {eta_formatted} | {stage} loss {loss}',
      etaBuffer: 50,
    },
    Presets.shades_classic,
  );
  let barStarted = false;
  // Without a terminal (a log file, CI) the bar cannot redraw: print a line every tenth of the run.
  const tty = process.stderr.isTTY === true;
  let nextTenth = 0;
  const onEvent = (e: RunEvent) => {
    if (args.quiet) return;
    if (e.type === 'progress' && !tty) {
      if (e.done >= (nextTenth * e.total) / 10) {
        log(
          `${Math.floor((100 * e.done) / e.total)}% (${e.done}/${e.total} steps), ${e.stage} loss ${e.loss.toFixed(3)}, ETA ${Math.round(e.etaSeconds)} s`,
        );
        nextTenth = Math.floor((10 * e.done) / e.total) + 1;
      }
    } else if (e.type === 'progress') {
      if (!barStarted) {
        bar.start(e.total, e.done, { stage: e.stage, loss: '-' });
        barStarted = true;
      }
      bar.update(e.done, { stage: e.stage, loss: e.loss.toFixed(3) });
    } else if (e.type === 'probe' && !barStarted) {
      log(`${e.stage} step ${e.step}: MI ${e.summary.mi?.toFixed(3) ?? '-'}`);
    } else if (e.type === 'stage' && (e.status === 'skip' || e.status === 'resume')) {
      if (barStarted) bar.stop();
      barStarted = false;
      log(`${e.stage}: ${e.status}${e.detail ? ` (${e.detail})` : ''}`);
    }
  };
  const started = performance.now();
  const store = new FileRunStore(dir);
  /** Where the run's time went (all its sessions), from the state it saved. */
  const logTiming = async () => {
    const state = (await store.loadState()) as Partial<RunState> | null;
    if (!state?.timing) return;
    log('time by part (all sessions of this run):');
    for (const line of formatRunTiming(state.timing)) log(line);
  };
  try {
    const results = await runExperiment(recipe, {
      store,
      backend,
      control,
      onEvent,
      ...start,
    });
    if (barStarted) bar.stop();
    await writeRunResults(dir, results);
    log(
      `done in ${((performance.now() - started) / 1000).toFixed(1)} s: ${join(dir, 'results.json')} and results.csv`,
    );
    for (const line of preFinetuneLines(results.preFinetune)) log(line);
    for (const line of effectLines(results.effects)) log(line);
    // Each condition on its own too: the raw shift, surface drift included.
    log('ΔMI off-code of each condition on its own (raw: includes drift from the prompt surface):');
    for (const c of results.conditions) {
      const d = c.final.deltaMI;
      log(
        `  ${c.condition}: ΔMI ${d.mean?.toFixed(3) ?? '-'} [${d.low?.toFixed(3) ?? '-'}, ${d.high?.toFixed(3) ?? '-'}] over ${d.n} seeds`,
      );
    }
    for (const line of projectionLines(results)) log(line);
    await logTiming();
    return EXIT.ok;
  } catch (error) {
    if (barStarted) bar.stop();
    if (error instanceof RunInterruptedError) {
      log(error.message);
      await logTiming();
      return EXIT.interrupted;
    }
    throw error;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** A run's results.csv, effects.csv (when it has paired effects) and results.json, in that order. */
export async function writeRunResults(dir: string, results: RunResults): Promise<void> {
  await writeFileAtomic(join(dir, 'results.csv'), resultsCsv(results));
  if (results.effects.length > 0) await writeFileAtomic(join(dir, 'effects.csv'), effectsCsv(results));
  await writeFileAtomic(join(dir, 'results.json'), `${JSON.stringify(results, null, 1)}\n`);
}
