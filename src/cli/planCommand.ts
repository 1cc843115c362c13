// `plan <recipe.json|preset> --out DIR [--param P --values V1,V2 ... [--pretrainings S1,S2]] [--backend wasm|cpu]`: cuts a run,
// or a sweep, into jobs (src/experiment/jobPlan.ts) and writes DIR/plan.json, each point's recipe, and
// DIR/wave-0.txt .. wave-2.txt (the job indices of each dependency wave, one a line) for schedulers such
// as GNU parallel. Planning again with the same arguments changes nothing; another plan is refused.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { planJobs, type PointToPlan } from '../experiment/jobPlan.ts';
import { recipeDifference } from '../experiment/recipeDifference.ts';
import { nodeBackendArg } from './cliBackend.ts';
import { CliError, EXIT, readInputFile } from './cliErrors.ts';
import { writeFileAtomic } from './fileRunStore.ts';
import { makeOutFolder } from './makeOutFolder.ts';
import { PLAN_FILE, pointDir, recipeFile } from './planFolder.ts';
import { loadRecipeArg } from './recipeArg.ts';
import { sweepPoints } from './sweepPoints.ts';

export interface PlanArgs {
  recipe: string | undefined;
  out: string | undefined;
  param: string | undefined;
  values: string | undefined;
  pretrainings?: string | undefined;
  backend: string | undefined;
  quiet: boolean;
}

/** The point of a plan of one recipe. */
export const SINGLE_POINT = 'run';

export async function planCommand(args: PlanArgs): Promise<number> {
  const base = await loadRecipeArg(args.recipe);
  if (!args.out) throw new CliError('--out DIR is required: the shared folder the jobs read and write');
  const choice = args.backend === undefined ? base.backend : nodeBackendArg(args.backend);
  // Jobs on different machines must all run on one backend to give the results of one run: never `auto`.
  const backend = choice === 'cpu' ? 'cpu' : 'wasm';
  if (args.values !== undefined && args.param === undefined) throw new CliError('--values needs --param');
  if (args.pretrainings !== undefined && args.param === undefined)
    throw new CliError('--pretrainings needs --param and --values: it crosses a sweep with pretrainings');
  const points: PointToPlan[] =
    args.param === undefined
      ? [{ name: SINGLE_POINT, value: null, label: null, pretraining: null, recipe: { ...base, backend } }]
      : sweepPoints(base, {
          param: args.param,
          values: args.values,
          pretrainings: args.pretrainings,
          backend,
        });
  const plan = planJobs(points, backend, args.param ?? null);
  const out = args.out;
  await makeOutFolder(out);
  const planPath = join(out, PLAN_FILE);
  if (existsSync(planPath)) {
    const before = JSON.parse((await readInputFile(planPath, 'plan')).toString('utf8')) as unknown;
    const difference = recipeDifference(before, plan);
    if (difference !== null)
      throw new CliError(`${out} already holds another plan (${difference}): choose another --out`);
  }
  for (const point of points) {
    await mkdir(pointDir(out, point.name), { recursive: true });
    await writeFileAtomic(recipeFile(out, point.name), `${JSON.stringify(point.recipe, null, 2)}\n`);
  }
  for (const wave of [0, 1, 2]) {
    const indices = plan.jobs.filter((j) => j.wave === wave).map((j) => j.index);
    await writeFileAtomic(join(out, `wave-${wave}.txt`), indices.map((i) => `${i}\n`).join(''));
  }
  await writeFileAtomic(planPath, `${JSON.stringify(plan, null, 1)}\n`);
  if (!args.quiet) {
    const count = (wave: number) => plan.jobs.filter((j) => j.wave === wave).length;
    console.error(
      `planned ${plan.jobs.length} jobs on ${backend} in ${out}: ${count(0)} pretraining, ${count(1)} selection, ` +
        `${count(2)} fine-tune branch${count(2) === 1 ? '' : 'es'} (waves in wave-0.txt .. wave-2.txt)`,
    );
  }
  console.log(plan.jobs.length);
  return EXIT.ok;
}
