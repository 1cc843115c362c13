// The Kubernetes manifest's job command, run as a pod would run it (sh as the first process, with
// JOB_COMPLETION_INDEX set) on a tiny plan: it passes SIGTERM on to the job, which saves a checkpoint and
// exits 130, and the same command then finishes the job. And the manifest and the Dockerfile agree with
// the command line: the exit code ignored is the one `job` uses for waiting, the entry point exists.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/cliErrors.ts';
import { presetRecipe } from '../../src/experiment/presets.ts';

const manifest = readFileSync('deploy/persona-lab-jobs.yaml', 'utf8');
const dockerfile = readFileSync('Dockerfile', 'utf8');

/** The shell script of the plan's Job (the block under `args: - |`). */
function jobScript(): string {
  const lines = manifest.split('\n');
  const start = lines.findIndex((l) => l.trim() === '- |');
  const indent = lines[start + 1]!.length - lines[start + 1]!.trimStart().length;
  const body: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.trim() !== '' && line.length - line.trimStart().length < indent) break;
    body.push(line.slice(indent));
  }
  return body.join('\n');
}

describe('deploy/persona-lab-jobs.yaml and the Dockerfile', () => {
  it('map the completion index to --index, ignore the waiting exit code, run the CLI entry', () => {
    expect(manifest).toMatch(/completionMode: Indexed/);
    expect(jobScript()).toMatch(/job \/shared\/plan --index "\$JOB_COMPLETION_INDEX"/);
    expect(manifest).toMatch(new RegExp(`operator: In\\s+values: \\[${EXIT.waiting}\\]`));
    expect(jobScript()).toContain(`-eq ${EXIT.waiting}`);
    const entry = /ENTRYPOINT \["node", "--import", "tsx", "([^"]+)"\]/.exec(dockerfile)?.[1];
    expect(entry).toBe('src/cli/main.ts');
    for (const [, source] of dockerfile.matchAll(/^COPY (\S+)/gm))
      expect(existsSync(source!), source).toBe(true);
  });

  it('passes SIGTERM on to the job, which saves and resumes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'persona-lab-pod-'));
    const recipe = presetRecipe('tiny');
    recipe.pretrain.steps = 60;
    writeFileSync(join(dir, 'recipe.json'), JSON.stringify(recipe));
    const plan = join(dir, 'plan');
    const planned = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'plan', join(dir, 'recipe.json'), '--out', plan],
      { encoding: 'utf8' },
    );
    expect(planned.status, planned.stderr).toBe(0);
    const script = jobScript().replaceAll('/shared/plan', plan);
    const pod = () =>
      spawn('sh', ['-c', script], {
        env: { ...process.env, JOB_COMPLETION_INDEX: '0' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });

    const first = pod();
    let stderr = '';
    first.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => first.on('exit', (code) => resolve(code)));
    await expect.poll(() => stderr, { timeout: 120_000, interval: 100 }).toMatch(/step \d+\/60/);
    first.kill('SIGTERM'); // to sh, as the kubelet does
    expect(await exited, stderr).toBe(130);
    expect(stderr).toMatch(/stopping: saving a checkpoint/);
    const state = JSON.parse(readFileSync(join(plan, 'run', 'jobs', 'pretrain', 'run-state.json'), 'utf8'));
    expect(state.stages[0].status).toBe('partial');

    const second = pod();
    let again = '';
    second.stderr.on('data', (chunk: Buffer) => (again += chunk.toString()));
    expect(await new Promise((resolve) => second.on('exit', resolve)), again).toBe(0);
    expect(again).toMatch(/resuming on cpu/);
  }, 300_000);
});
