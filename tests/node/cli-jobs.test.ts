// `plan`, `job` and `merge` on the reference preset shrunk to tiny sizes (cpu backend): the jobs run by GNU
// parallel (`parallel -j2`) in dependency waves merge to exactly the results of `run` of the same recipe
// (all but the run id). A job whose inputs have not finished exits 75 and writes nothing; a finished job is
// skipped; a job stopped by SIGTERM (a pod evicted) resumes from its checkpoint to the same results. A
// sweep planned as jobs merges to the summary `sweep` writes.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planCommand } from '../../src/cli/planCommand.ts';
import { checkPlan, planJobs } from '../../src/experiment/jobPlan.ts';
import { presetRecipe } from '../../src/experiment/presets.ts';
import type { ExperimentRecipe } from '../../src/experiment/recipe.ts';

const dir = mkdtempSync(join(tmpdir(), 'persona-lab-jobs-'));
const CLI = [process.execPath, '--import', 'tsx', 'src/cli/main.ts'];
const hasParallel = spawnSync('parallel', ['--version'], { encoding: 'utf8' }).status === 0;
if (!hasParallel)
  console.warn('cli-jobs: GNU parallel is not installed (apt-get install -y parallel): its test is skipped');

function lab(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(CLI[0]!, [...CLI.slice(1), ...args], { encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The reference recipe at the tiny preset's sizes (its conditions, seeds 1 and 2), on cpu. */
function shrunkReference(): ExperimentRecipe {
  const tiny = presetRecipe('tiny');
  const recipe = presetRecipe('reference');
  recipe.corpus = tiny.corpus;
  recipe.model = tiny.model;
  for (const stage of ['pretrain', 'select', 'finetune'] as const) {
    const [r, t] = [recipe[stage], tiny[stage]];
    Object.assign(r, {
      steps: t.steps,
      batchSize: t.batchSize,
      warmupSteps: Math.min(r.warmupSteps, t.steps),
      logEvery: t.logEvery,
      checkpointEvery: t.checkpointEvery,
      evalBatches: t.evalBatches,
    });
  }
  // Long enough to be stopped part-way (a checkpoint every 6 steps).
  recipe.pretrain.steps = 60;
  recipe.finetune.examples = tiny.finetune.examples;
  const { every, probesPerDomain, samples, sampleChars, formTasks, secondProbesPerDomain } = tiny.eval;
  recipe.eval = {
    ...recipe.eval,
    every,
    probesPerDomain,
    samples,
    sampleChars,
    formTasks,
    secondProbesPerDomain,
  };
  recipe.seeds.finetune = [1, 2];
  recipe.backend = 'cpu';
  return recipe;
}

const withoutRunId = (path: string) => {
  const value = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  delete value.runId;
  return value;
};

describe('planJobs', () => {
  it('numbers jobs in dependency waves, each needing the job it starts from', () => {
    const recipe = presetRecipe('tiny');
    const plan = planJobs(
      [1, 2].map((v) => ({
        name: `p=${v}`,
        value: v,
        label: String(v),
        pretraining: null,
        recipe: { ...recipe, seeds: { ...recipe.seeds, pretrain: v } },
      })),
      'cpu',
      'seeds.pretrain',
    );
    expect(plan.jobs.map((j) => `${j.index}:${j.point}/${j.stage}<${j.needs.join('+')}`)).toEqual([
      '0:p=1/pretrain<',
      '1:p=2/pretrain<',
      '2:p=1/select<0',
      '3:p=2/select<1',
      '4:p=1/finetune-covert-s1<2',
      '5:p=1/finetune-honest-s1<2',
      '6:p=1/finetune-covert-s2<2',
      '7:p=1/finetune-honest-s2<2',
      '8:p=2/finetune-covert-s1<3',
      '9:p=2/finetune-honest-s1<3',
      '10:p=2/finetune-covert-s2<3',
      '11:p=2/finetune-honest-s2<3',
    ]);
    expect(plan.jobs.map((j) => j.wave)).toEqual([0, 0, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2]);
    expect(plan.points[0]!.runId).not.toBe(plan.points[1]!.runId);
  });

  it('plans a sweep crossed with pretrainings as one run per value and pretraining', async () => {
    const out = join(dir, 'crossed-plan');
    const base = { recipe: 'tiny', out, param: 'corpus.personaShares.shortcut', backend: 'cpu', quiet: true };
    await expect(
      planCommand({ ...base, param: undefined, values: undefined, pretrainings: '1' }),
    ).rejects.toThrow(/--pretrainings needs --param and --values/);
    expect(await planCommand({ ...base, values: '0,0.5', pretrainings: '1,2' })).toBe(0);
    const plan = checkPlan(JSON.parse(readFileSync(join(out, 'plan.json'), 'utf8')));
    expect(plan.points.map((p) => [p.name, p.value, p.pretraining])).toEqual([
      ['shortcut=0_pretraining=1', 0, 1],
      ['shortcut=0_pretraining=2', 0, 2],
      ['shortcut=0.5_pretraining=1', 0.5, 1],
      ['shortcut=0.5_pretraining=2', 0.5, 2],
    ]);
    const recipe = JSON.parse(readFileSync(join(out, 'shortcut=0.5_pretraining=2', 'recipe.json'), 'utf8'));
    expect(recipe.seeds).toMatchObject({ corpus: 2, pretrain: 2, select: 2 });
    expect(recipe.corpus.personaShares.shortcut).toBe(0.5);
    expect(plan.jobs.filter((j) => j.wave === 0)).toHaveLength(4);
    // A plan written before sweeps could be crossed (no `pretraining` on its points) still reads.
    const older = { ...plan, points: plan.points.map(({ pretraining: _, ...rest }) => rest) };
    expect(checkPlan(older).points).toHaveLength(4);
  });
});

describe('plan, job and merge', () => {
  it.skipIf(!hasParallel)(
    'jobs run by parallel -j2 in waves merge to the results of `run`; waiting, skipping and resuming',
    async () => {
      const recipeFile = join(dir, 'reference-tiny.json');
      writeFileSync(recipeFile, JSON.stringify(shrunkReference()));
      const out = join(dir, 'plan');
      const planned = lab('plan', recipeFile, '--out', out);
      expect(planned.code, planned.stderr).toBe(0);
      const plan = JSON.parse(readFileSync(join(out, 'plan.json'), 'utf8')) as ReturnType<typeof planJobs>;
      const branches = plan.jobs.filter((j) => j.kind === 'finetune');
      expect(branches).toHaveLength(7 * 2);
      expect(Number(planned.stdout.trim())).toBe(plan.jobs.length);
      expect(readFileSync(join(out, 'wave-2.txt'), 'utf8').trim().split('\n').map(Number)).toEqual(
        branches.map((j) => j.index),
      );
      // Planning again is a no-op; another plan in the same folder is refused.
      expect(lab('plan', recipeFile, '--out', out).code).toBe(0);
      const other = lab('plan', 'tiny', '--out', out);
      expect(other.code).toBe(2);
      expect(other.stderr).toMatch(/already holds another plan/);

      // A branch before its selection: exit 75, nothing written.
      const early = lab('job', out, '--index', String(branches[0]!.index));
      expect(early.code, early.stderr).toBe(75);
      expect(early.stderr).toMatch(/needs job 1 \(select\), which has not finished/);
      expect(existsSync(join(out, 'run', 'jobs', branches[0]!.stage))).toBe(false);
      const merged = lab('merge', out);
      expect(merged.code).toBe(75);
      expect(merged.stderr).toMatch(/16 job\(s\) have not finished: 0 \(pretrain\), 1 \(select\)/);

      // The pretraining job stopped part-way (SIGTERM, as a scheduler evicts a pod), then resumed.
      const first = spawn(CLI[0]!, [...CLI.slice(1), 'job', out, '--index', '0'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      first.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => first.on('exit', (code) => resolve(code)));
      await expect.poll(() => stderr, { timeout: 120_000, interval: 100 }).toMatch(/step \d+\/60/);
      first.kill('SIGTERM');
      expect(await exited, stderr).toBe(130);
      const stopped = JSON.parse(
        readFileSync(join(out, 'run', 'jobs', 'pretrain', 'run-state.json'), 'utf8'),
      );
      expect(stopped.stages[0].status).toBe('partial');
      expect(stopped.stages[0].step).toBeLessThan(60);

      for (const wave of [0, 1, 2]) {
        const r = spawnSync(
          'parallel',
          [
            '-j2',
            '--halt',
            'now,fail=1',
            ...CLI,
            'job',
            out,
            '--index',
            '{}',
            '--quiet',
            '::::',
            join(out, `wave-${wave}.txt`),
          ],
          { encoding: 'utf8', timeout: 600_000 },
        );
        expect(r.status, r.stderr).toBe(0);
      }
      const again = lab('job', out, '--index', '0');
      expect(again.code).toBe(0);
      expect(again.stderr).toMatch(/already done \(skipped\)/);
      const done = lab('merge', out);
      expect(done.code, done.stderr).toBe(0);

      const single = lab('run', recipeFile, '--out', join(dir, 'single'), '--quiet');
      expect(single.code, single.stderr).toBe(0);
      const fromJobs = withoutRunId(join(out, 'run', 'results.json'));
      expect(fromJobs).toEqual(withoutRunId(join(dir, 'single', 'results.json')));
      expect((fromJobs as { effects: unknown[] }).effects.length).toBe(3);
      expect(readFileSync(join(out, 'run', 'results.csv'), 'utf8').split('\n').length).toBe(
        readFileSync(join(dir, 'single', 'results.csv'), 'utf8').split('\n').length,
      );
    },
    900_000,
  );

  it('a sweep planned as jobs merges to the summary `sweep` writes', () => {
    const recipe = presetRecipe('tiny');
    recipe.finetune.conditions = ['covert'];
    recipe.seeds.finetune = [1];
    const recipeFile = join(dir, 'tiny-one.json');
    writeFileSync(recipeFile, JSON.stringify(recipe));
    const sweep = ['--param', 'pretraining', '--values', '3,4'];
    const out = join(dir, 'sweep-jobs');
    expect(lab('plan', recipeFile, '--out', out, ...sweep).code).toBe(0);
    for (const index of [0, 1, 2, 3, 4, 5]) {
      const r = lab('job', out, '--index', String(index), '--quiet');
      expect(r.code, r.stderr).toBe(0);
    }
    const merged = lab('merge', out);
    expect(merged.code, merged.stderr).toBe(0);
    const direct = lab('sweep', recipeFile, '--out', join(dir, 'sweep-direct'), '--quiet', ...sweep);
    expect(direct.code, direct.stderr).toBe(0);
    const summary = (path: string) => {
      const s = JSON.parse(readFileSync(path, 'utf8')) as { points: { runId?: string }[] };
      for (const p of s.points) delete p.runId;
      return s;
    };
    expect(summary(join(out, 'sweep.json'))).toEqual(summary(join(dir, 'sweep-direct', 'sweep.json')));
    expect(readFileSync(join(out, 'sweep.md'), 'utf8')).toBe(
      readFileSync(join(dir, 'sweep-direct', 'sweep.md'), 'utf8'),
    );

    // A merged point is a finished run folder: its card, pooled from a file and from a code.
    const card = lab('card', join(out, 'pretraining=3'), '--out', join(dir, 'card-3.json'));
    expect(card.code, card.stderr).toBe(0);
    writeFileSync(join(dir, 'codes.txt'), `${card.stdout.trim()}\n`);
    expect(lab('card', join(out, 'pretraining=4'), '--out', join(dir, 'card-4.json')).code).toBe(0);
    const pooled = lab(
      'pool',
      join(dir, 'card-3.json'),
      join(dir, 'codes.txt'),
      join(dir, 'card-4.json'),
      '--out',
      join(dir, 'pool'),
    );
    expect(pooled.code, pooled.stderr).toBe(0);
    expect(pooled.stderr).toMatch(/ignored .*codes\.txt:1: a duplicate: covert seed 1/);
    expect(pooled.stderr).toMatch(/refused .*card-4\.json: another base/);
    const pool = JSON.parse(readFileSync(join(dir, 'pool', 'results.json'), 'utf8'));
    const point = JSON.parse(readFileSync(join(out, 'pretraining=3', 'results.json'), 'utf8'));
    expect(pool.conditions).toEqual(point.conditions);
    expect(readFileSync(join(dir, 'pool', 'results.csv'), 'utf8')).toMatch(/^base,corpusHash,row,student/);
    writeFileSync(join(dir, 'junk.txt'), 'hello\n');
    const junk = lab('pool', join(dir, 'junk.txt'), '--out', join(dir, 'pool-junk'));
    expect(junk.code).toBe(2);
    expect(junk.stderr).toMatch(/refused .*junk\.txt:1: it is neither a card file nor a code/);
    expect(junk.stderr).toMatch(/no card to pool among 1 given/);
  }, 600_000);

  it('refuses a bad index, a missing or damaged plan, naming what is wrong', () => {
    const out = join(dir, 'plan-bad');
    expect(lab('plan', 'tiny', '--out', out).code).toBe(0);
    const cases: [string[], RegExp][] = [
      [['job', out, '--index', '99'], /--index 99: the plan has jobs 0 to 5/],
      [['job', out, '--index', 'x'], /--index N is required/],
      [['job', out], /--index N is required/],
      [['job', join(dir, 'nowhere'), '--index', '0'], /holds no plan\.json/],
    ];
    for (const [args, message] of cases) {
      const r = lab(...args);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    // An input made on another backend (another host of the same plan): refused, nothing started.
    expect(lab('job', out, '--index', '0', '--quiet').code).toBe(0);
    const pretrainState = join(out, 'run', 'jobs', 'pretrain', 'run-state.json');
    const madeElsewhere = JSON.parse(readFileSync(pretrainState, 'utf8'));
    madeElsewhere.backend = 'wasm';
    writeFileSync(pretrainState, JSON.stringify(madeElsewhere));
    const mixed = lab('job', out, '--index', '1');
    expect(mixed.code, mixed.stderr).toBe(2);
    expect(mixed.stderr).toMatch(
      /its input ran on wasm with corpus \w+; this machine gives cpu and \w+: run every job/,
    );
    expect(existsSync(join(out, 'run', 'jobs', 'select', 'run-state.json'))).toBe(false);
    const plan = JSON.parse(readFileSync(join(out, 'plan.json'), 'utf8'));
    plan.jobs[3].needs = [4];
    writeFileSync(join(out, 'plan.json'), JSON.stringify(plan));
    expect(lab('job', out, '--index', '0').stderr).toMatch(/the plan is damaged \(job 3 needs a later job/);
    plan.points[0].name = '../x';
    writeFileSync(join(out, 'plan.json'), JSON.stringify(plan));
    expect(lab('merge', out).stderr).toMatch(/point name "\.\.\/x" is not a folder name/);
    writeFileSync(
      join(out, 'run', 'recipe.json'),
      JSON.stringify({ ...presetRecipe('tiny'), seeds: { ...presetRecipe('tiny').seeds, pretrain: 5 } }),
    );
    plan.points[0].name = 'run';
    plan.jobs[3].needs = [1];
    writeFileSync(join(out, 'plan.json'), JSON.stringify(plan));
    expect(lab('job', out, '--index', '0').stderr).toMatch(/is not the recipe this plan was made from/);
  }, 120_000);
});
