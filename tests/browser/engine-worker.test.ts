// The engine in its module Worker on webgpu, driven through comlink exactly as the page drives it: a
// tiny experiment runs with falling loss, probes and samples; pause/resume/stop work; a stored
// checkpoint round-trips to identical evaluations and samples; a truncated file is refused; a failing
// run is an error event and a rejection; the tensor count stays flat across runs.
import { proxy } from 'comlink';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { presetRecipe } from '../../src/experiment/presets.ts';
import type { ExperimentRecipe } from '../../src/experiment/recipe.ts';
import { createEngine } from '../../src/platform/engineClient.ts';
import type { RunEvent, RunRequest } from '../../workers/contract.ts';

const engine = createEngine();
/** Every call races the worker's own failure: a worker that dies fails the test, never hangs it. */
const call = <T>(promise: Promise<T>): Promise<T> =>
  Promise.race([
    promise,
    engine.crashed.then((error) => {
      throw error;
    }),
  ]);

/** The tiny preset on webgpu with one branch: the whole pipeline in the worker. */
function tinyRecipe(): ExperimentRecipe {
  const recipe = presetRecipe('tiny');
  recipe.backend = 'webgpu';
  recipe.finetune.conditions = ['covert'];
  recipe.seeds.finetune = [1];
  return recipe;
}
// Saved runs live in the page's IndexedDB: ids of their own per test session.
const session = Date.now().toString(36);
const request = (name: string, recipe = tinyRecipe()): RunRequest => ({
  recipe,
  runId: `${name}-${session}`,
  start: { kind: 'scratch' },
});

describe('engine worker on webgpu', () => {
  afterAll(() => engine.terminate());

  it('starts webgpu in the worker and reports the adapter', async () => {
    const report = await call(engine.api.init('webgpu'));
    expect(report.backend).toBe('webgpu');
    expect(report.adapter?.isFallbackAdapter).toBe(true); // SwiftShader on this project's machines
  });

  it('runs an experiment with falling loss, probes, samples and a done event', async () => {
    const events: RunEvent[] = [];
    const learn = request('learn');
    const started = performance.now();
    const results = await call(
      engine.api.startRun(
        learn,
        proxy((e: RunEvent) => void events.push(e)),
      ),
    );
    await vi.waitFor(() => expect(events.at(-1)?.type).toBe('done')); // events travel on their own port
    const progress = events.flatMap((e) => (e.type === 'progress' && e.stage === 'pretrain' ? [e] : []));
    expect(progress.map((p) => p.step)).toEqual([3, 6, 9, 12]);
    console.log(
      `losses: ${progress.map((p) => p.loss.toFixed(3)).join(' ')} in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    expect(progress.at(-1)!.loss).toBeLessThan(progress[0]!.loss);
    expect(progress.every((p) => p.etaSeconds >= 0 && p.lr > 0 && p.done <= p.total)).toBe(true);
    expect(events.some((e) => e.type === 'metrics' && e.stage === 'pretrain')).toBe(true);
    expect(events.filter((e) => e.type === 'probe').length).toBeGreaterThan(2);
    const samples = events.flatMap((e) => (e.type === 'sample' ? [e] : []));
    expect(samples.length).toBeGreaterThan(0);
    expect(samples.every((s) => s.text.length > 0)).toBe(true);
    expect(results.branches).toHaveLength(1);
    expect(events.every((e) => e.runId === learn.runId)).toBe(true);
  });

  it('pauses, resumes and stops a run', async () => {
    const recipe = tinyRecipe();
    recipe.pretrain = { ...recipe.pretrain, steps: 100_000, logEvery: 1, checkpointEvery: 100_000 };
    const control = request('control', recipe);
    const steps: number[] = [];
    const run = call(
      engine.api.startRun(
        control,
        proxy((e: RunEvent) => {
          if (e.type === 'progress') steps.push(e.step);
        }),
      ),
    ).then(
      () => null,
      (e: unknown) => e,
    );
    await vi.waitFor(() => expect(steps.length).toBeGreaterThan(0), { timeout: 60_000 });
    await call(engine.api.pauseRun());
    await new Promise((r) => setTimeout(r, 1500)); // let a step already in flight report
    const held = steps.length;
    await new Promise((r) => setTimeout(r, 1500));
    expect(steps.length).toBe(held); // nothing moves while paused
    expect((await call(engine.api.memory())).backend).toBe('webgpu'); // the worker still answers
    await call(engine.api.resumeRun());
    await vi.waitFor(() => expect(steps.length).toBeGreaterThan(held + 2), { timeout: 60_000 });
    await call(engine.api.stopRun());
    expect(String(await run)).toMatch(/stopped during pretrain at step \d+/);
    const saved = (await call(engine.api.savedRuns())).find((r) => r.runId === control.runId);
    expect(saved?.checkpoints.some((name) => name.startsWith('pretrain@'))).toBe(true);
    await call(engine.api.deleteRun(control.runId));
  });

  it('a stored checkpoint round-trips to identical evaluations and samples; a truncated one is refused', async () => {
    const recipe = tinyRecipe();
    const runId = request('learn').runId;
    const stored = { kind: 'stored', runId, name: 'select' } as const;
    const bytes = await call(engine.api.exportCheckpoint(runId, 'select'));
    expect(bytes.byteLength).toBeGreaterThan(1000);
    const inspected = await call(engine.api.inspectCheckpoint(bytes));
    expect(inspected).toMatchObject({ stage: 'select', recipe });
    const fromBytes = await call(engine.api.evaluateCheckpoint(recipe, { kind: 'bytes', bytes }));
    expect(fromBytes).toEqual(await call(engine.api.evaluateCheckpoint(recipe, stored)));
    const options = { maxNewChars: 8, temperature: 0, topK: 0, seed: 1 };
    const sample = await call(engine.api.sampleCheckpoint(stored, 'the ', options));
    expect(await call(engine.api.sampleCheckpoint({ kind: 'bytes', bytes }, 'the ', options))).toEqual(
      sample,
    );

    await expect(call(engine.api.inspectCheckpoint(bytes.slice(0, bytes.length - 100)))).rejects.toThrow(
      /checkpoint refused: the file is truncated/,
    );
    await expect(call(engine.api.inspectCheckpoint(bytes.slice(0, 6)))).rejects.toThrow(/too short/);
    await call(engine.api.deleteRun(runId));
  });

  it('a failing run is an error event and a rejected promise, never a hang', async () => {
    const recipe = tinyRecipe();
    recipe.pretrain.batchSize = 0;
    const bad = request('bad', recipe);
    const events: RunEvent[] = [];
    await expect(
      call(
        engine.api.startRun(
          bad,
          proxy((e: RunEvent) => void events.push(e)),
        ),
      ),
    ).rejects.toThrow(/pretrain\.batchSize/);
    await vi.waitFor(() =>
      expect(events).toEqual([
        expect.objectContaining({
          type: 'error',
          runId: bad.runId,
          message: expect.stringMatching(/batchSize/),
        }),
      ]),
    );
  });

  it('keeps the tensor count flat across runs in the worker', async () => {
    const recipe = tinyRecipe();
    recipe.finetune.steps = 0;
    const run = async (name: string) => {
      const { runId } = request(name);
      await call(
        engine.api.startRun(
          request(name, recipe),
          proxy(() => {}),
        ),
      );
      await call(engine.api.deleteRun(runId));
    };
    await run('warm');
    const before = await call(engine.api.memory());
    await run('again');
    const after = await call(engine.api.memory());
    expect(after.numTensors, JSON.stringify({ before, after })).toBe(before.numTensors);
  });
});
