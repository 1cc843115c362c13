// `sweep <recipe.json|preset> --param DOT.PATH --values V1,V2,... --out DIR`: a dose-response sweep
// over one numeric recipe field. Each value is one ordinary run (runCommand) in DIR/<field>=<value>,
// its recipe kept beside it in DIR/recipe-<field>=<value>.json; then the points' results.json are
// summarised into DIR/sweep.json, sweep.csv, sweep.md (also printed) and sweep.svg.
//
// A point may have been started by hand in the same folder, or by an earlier sweep: a finished point is
// reused (if it is the same recipe), an interrupted one is resumed, so running the command again only
// does what is missing and then re-aggregates. Every point is checked before any training starts, so a
// clash at the last value is reported before hours are spent on the first.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ExperimentRecipe } from '../experiment/recipe.ts';
import { recipeDifference } from '../experiment/recipeDifference.ts';
import type { RunResults } from '../experiment/results.ts';
import { resultsProblems } from '../experiment/resultsSchema.ts';
import { sweepSummary, type SweepPointResults } from '../experiment/sweepSummary.ts';
import { CliError, EXIT, readInputFile } from './cliErrors.ts';
import { STATE_FILE, writeFileAtomic } from './fileRunStore.ts';
import { lockRunFolder } from './lockRunFolder.ts';
import { makeOutFolder } from './makeOutFolder.ts';
import { loadRecipeArg } from './recipeArg.ts';
import { runCommand } from './runCommand.ts';
import { sweepPoints, type SweepPoint } from './sweepPoints.ts';
import { sweepSvg } from './sweepSvg.ts';
import { sweepCsv, sweepMarkdown } from './sweepTables.ts';

export interface SweepArgs {
  recipe: string | undefined;
  param: string | undefined;
  values: string | undefined;
  pretrainings?: string | undefined;
  out: string | undefined;
  backend: string | undefined;
  quiet: boolean;
}

interface PlannedPoint extends SweepPoint {
  dir: string;
  recipeFile: string;
  status: 'finished' | 'resume' | 'start';
  /** The recipe handed to the runner (see inspect() for why it may be the stored copy). */
  runRecipe: ExperimentRecipe;
}

const RESULTS_FILE = 'results.json';

async function readJson(path: string, what: string): Promise<unknown> {
  const text = (await readInputFile(path, what)).toString('utf8');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliError(
      `${path} is not valid JSON (${(error as Error).message}): the sweep folder is damaged`,
    );
  }
}

function refuseOther(path: string, stored: unknown, point: SweepPoint, out: string): void {
  const difference = recipeDifference(stored, point.recipe);
  if (difference !== null) {
    throw new CliError(
      `${path} belongs to a different recipe than point ${point.name} of this sweep (${difference}): ` +
        `choose another --out than ${out}`,
    );
  }
}

/** A finished point's results, checked against the schema and against the point's recipe. */
async function readPointResults(point: SweepPoint, dir: string, out: string): Promise<RunResults> {
  const path = join(dir, RESULTS_FILE);
  const results = await readJson(path, 'results');
  const problems = resultsProblems(results);
  if (problems.length > 0) throw new CliError(`${path} is not a Persona Lab results file: ${problems[0]}`);
  const typed = results as RunResults;
  refuseOther(path, typed.provenance.recipe, point, out);
  return typed;
}

async function inspect(point: SweepPoint, out: string): Promise<PlannedPoint> {
  const dir = join(out, point.name);
  const recipeFile = join(out, `recipe-${point.name}.json`);
  if (existsSync(recipeFile)) refuseOther(recipeFile, await readJson(recipeFile, 'recipe file'), point, out);
  const planned = { ...point, dir, recipeFile, runRecipe: point.recipe };
  if (existsSync(join(dir, RESULTS_FILE))) {
    await readPointResults(point, dir, out);
    return { ...planned, status: 'finished' };
  }
  if (existsSync(join(dir, STATE_FILE))) {
    const state = (await readJson(join(dir, STATE_FILE), 'run state')) as { recipe?: unknown } | null;
    refuseOther(join(dir, STATE_FILE), state?.recipe, point, out);
    // The runner resumes only on a byte-identical recipe (it compares JSON text); hand it the stored
    // copy, equal in every value, so that a run started from a file with its keys in another order
    // still resumes.
    return { ...planned, status: 'resume', runRecipe: state!.recipe as ExperimentRecipe };
  }
  return { ...planned, status: 'start' };
}

export async function sweepCommand(args: SweepArgs): Promise<number> {
  const base = await loadRecipeArg(args.recipe);
  const points = sweepPoints(base, args);
  if (!args.out) throw new CliError('--out DIR is required: the folder for the points and the summary');
  const out = args.out;
  const log = (line: string) => {
    if (!args.quiet) console.error(line);
  };

  await makeOutFolder(out);
  const release = await lockRunFolder(out, `sweep ${args.param ?? ''}`, (reason: string) => {
    console.error(`persona-lab: lost the lock on ${out} (${reason}); stop this sweep and run it again`);
  });
  try {
    return await sweepLocked(args, points, out, log);
  } finally {
    await release().catch(() => {});
  }
}

async function sweepLocked(
  args: SweepArgs,
  points: SweepPoint[],
  out: string,
  log: (line: string) => void,
): Promise<number> {
  const plan: PlannedPoint[] = [];
  for (const point of points) plan.push(await inspect(point, out));
  for (const p of plan) {
    if (!existsSync(p.recipeFile))
      await writeFileAtomic(p.recipeFile, `${JSON.stringify(p.recipe, null, 2)}\n`);
  }
  const count = (status: PlannedPoint['status']) => plan.filter((p) => p.status === status).length;
  log(
    `sweep of ${args.param} over ${plan.length} ${args.pretrainings === undefined ? 'values' : 'points (values x pretrainings)'} in ${out}: ` +
      `${count('finished')} finished, ${count('resume')} to resume, ${count('start')} to start`,
  );

  // New points first, interrupted ones last: a point left with a run-state.json may be a run started
  // by hand that is still going in another process, and by the time its turn comes it has likely
  // finished (it is then reused, not run twice). The summary is in value order whatever the order here.
  const todo = [...plan.filter((p) => p.status === 'start'), ...plan.filter((p) => p.status === 'resume')];
  for (const [i, p] of todo.entries()) {
    if (existsSync(join(p.dir, RESULTS_FILE))) {
      await readPointResults(p, p.dir, out);
      log(`point ${p.name}: finished meanwhile, reused`);
      continue;
    }
    log(`point ${i + 1}/${todo.length}: ${p.name} (${p.status === 'resume' ? 'resuming' : 'starting'})`);
    const code = await runCommand({
      recipe: p.runRecipe,
      out: p.dir,
      force: false,
      // Already in the recipe; passed on so that an explicit --backend webgpu is honoured (runCommand
      // runs a recipe's own webgpu, written for the browser, on auto).
      backend: args.backend,
      from: undefined,
      fromStage: undefined,
      quiet: args.quiet,
    });
    if (code !== EXIT.ok) {
      log(`sweep stopped at ${p.name}: run the same command to continue where it stopped`);
      return code;
    }
  }

  const finished: SweepPointResults[] = [];
  for (const p of plan)
    finished.push({
      value: p.value,
      label: p.label,
      pretraining: p.pretraining,
      results: await readPointResults(p, p.dir, out),
    });
  await writeSweepFiles(out, args.param!, finished, log);
  return EXIT.ok;
}

/** Summarises finished points into DIR/sweep.json, sweep.csv, sweep.md (also printed) and sweep.svg. */
export async function writeSweepFiles(
  out: string,
  param: string,
  finished: SweepPointResults[],
  log: (line: string) => void,
): Promise<void> {
  const summary = sweepSummary(param, finished);
  const markdown = sweepMarkdown(summary);
  await writeFileAtomic(join(out, 'sweep.json'), `${JSON.stringify(summary, null, 1)}\n`);
  await writeFileAtomic(join(out, 'sweep.csv'), sweepCsv(summary));
  await writeFileAtomic(join(out, 'sweep.md'), markdown);
  await writeFileAtomic(join(out, 'sweep.svg'), sweepSvg(summary));
  log(`wrote ${join(out, 'sweep.json')}, sweep.csv, sweep.md and sweep.svg`);
  process.stdout.write(markdown);
}
