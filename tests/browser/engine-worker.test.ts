// The engine in its module Worker on webgpu, driven through comlink exactly as the page drives it: a
// tiny model learns the repeating 'abcd' task, pause/resume/stop work, samples come back, checkpoints
// round-trip to identical logits, and a truncated file is refused without harming the loaded model.
import { proxy } from 'comlink';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createEngine } from '../../src/platform/engineClient.ts';
import type { EngineEvent, TrainSpec } from '../../workers/contract.ts';
import { abcdConfig, abcdVocab } from './engineFixtures.ts';

// After 40 steps at lr 2e-2 the cpu backend reaches ~0.001 nats (ln 4 = 1.39 at the start):
// 0.2 leaves a wide margin for another backend's rounding and still proves the pattern was learned.
const LOSS_BOUND = 0.2;

const engine = createEngine();
/** Every call races the worker's own failure: a worker that dies fails the test, never hangs it. */
const call = <T>(promise: Promise<T>): Promise<T> =>
  Promise.race([
    promise,
    engine.crashed.then((error) => {
      throw error;
    }),
  ]);

const learnSpec: TrainSpec = {
  runId: 'learn',
  data: { kind: 'text', text: 'abcd'.repeat(64) },
  steps: 40,
  batchSize: 8,
  schedule: { lr: 2e-2, minLr: 2e-3, warmupSteps: 5, decaySteps: 40 },
  seed: 3,
  logInterval: 5,
  sampleEvery: 20,
  samplePrompt: 'ab',
  sampleOptions: { maxNewChars: 8, temperature: 0, topK: 0, seed: 1 },
};
const probeIds = Int32Array.from([0, 1, 2, 3, 0, 1, 2, 3, 1, 2, 3, 0, 1, 2, 3, 0]);
/** Optimizer steps behind the weights after the stopped run (a fresh optimizer: it counts from 0). */
let stoppedAtStep = 0;

describe('engine worker on webgpu', () => {
  afterAll(() => engine.terminate());

  it('starts webgpu in the worker and reports the adapter', async () => {
    const report = await call(engine.api.init('webgpu'));
    expect(report.backend).toBe('webgpu');
    expect(report.adapter?.isFallbackAdapter).toBe(true); // SwiftShader on this project's machines
    const info = await call(engine.api.createModel(abcdConfig, abcdVocab, 1));
    expect(info).toMatchObject({ backend: 'webgpu', step: 0, vocab: abcdVocab });
  });

  it(`learns 'abcd' to a loss below ${LOSS_BOUND} nats, with falling progress and samples`, async () => {
    const events: EngineEvent[] = [];
    const summary = await call(
      engine.api.train(
        learnSpec,
        proxy((e: EngineEvent) => void events.push(e)),
      ),
    );
    await vi.waitFor(() => expect(events.at(-1)?.type).toBe('done')); // events travel on their own port
    const progress = events.flatMap((e) => (e.type === 'progress' ? [e] : []));
    expect(progress.map((p) => p.step)).toEqual([5, 10, 15, 20, 25, 30, 35, 40]);
    console.log(
      `losses: ${progress.map((p) => p.loss.toFixed(3)).join(' ')} in ${summary.seconds.toFixed(1)} s`,
    );
    expect(progress.at(-1)!.loss).toBeLessThan(progress[0]!.loss);
    expect(summary.loss).toBeLessThan(LOSS_BOUND);
    expect(progress.every((p) => p.tokensPerSecond > 0 && p.etaSeconds >= 0 && p.lr > 0)).toBe(true);
    const evalEvent = events.find((e) => e.type === 'eval');
    expect(evalEvent?.type === 'eval' && evalEvent.trainLoss).toBeLessThan(LOSS_BOUND);
    const samples = events.flatMap((e) => (e.type === 'sample' ? [e] : []));
    expect(samples.map((s) => s.step)).toEqual([20, 40]);
    expect(samples.at(-1)!.text).toBe('cdabcdab');
    expect(summary).toMatchObject({ runId: 'learn', step: 40, stepsRun: 40, stopped: false });
    expect(events.every((e) => e.runId === 'learn')).toBe(true);
  });

  it('samples the learned continuation', async () => {
    const result = await call(
      engine.api.sample('bc', { maxNewChars: 6, temperature: 0, topK: 0, seed: 1, stop: ['b'] }),
    );
    expect(result).toEqual({ text: 'da', stoppedBy: 'stop' });
  });

  it('pauses, resumes and stops a run', async () => {
    const steps: number[] = [];
    const run = call(
      engine.api.train(
        { ...learnSpec, runId: 'control', steps: 100_000, logInterval: 1, sampleEvery: undefined },
        proxy((e: EngineEvent) => {
          if (e.type === 'progress') steps.push(e.step);
        }),
      ),
    );
    await vi.waitFor(() => expect(steps.length).toBeGreaterThan(0), { timeout: 60_000 });
    await call(engine.api.pause());
    await new Promise((r) => setTimeout(r, 1500)); // let a step already in flight report
    const held = steps.length;
    await new Promise((r) => setTimeout(r, 1500));
    expect(steps.length).toBe(held); // nothing moves while paused
    expect((await call(engine.api.memory())).backend).toBe('webgpu'); // the worker still answers
    await call(engine.api.resume());
    await vi.waitFor(() => expect(steps.length).toBeGreaterThan(held + 2), { timeout: 60_000 });
    await call(engine.api.stop());
    const summary = await run;
    expect(summary.stopped).toBe(true);
    expect(summary.stepsRun).toBeLessThan(100_000);
    stoppedAtStep = summary.step;
  });

  it('a checkpoint round-trips to identical logits; a truncated one is refused and changes nothing', async () => {
    const before = await call(engine.api.logits(probeIds, 1, 16));
    const bytes = await call(engine.api.saveCheckpoint({ info: { test: 'engine-worker' } }));
    expect(bytes.byteLength).toBeGreaterThan(1000);

    await call(engine.api.createModel(abcdConfig, abcdVocab, 2)); // other weights
    expect((await call(engine.api.logits(probeIds, 1, 16))).values).not.toEqual(before.values);
    const info = await call(engine.api.loadCheckpoint(bytes));
    expect(info.step).toBe(stoppedAtStep);
    expect((await call(engine.api.logits(probeIds, 1, 16))).values).toEqual(before.values);

    await expect(call(engine.api.loadCheckpoint(bytes.slice(0, bytes.length - 100)))).rejects.toThrow(
      /checkpoint refused: the file is truncated/,
    );
    await expect(call(engine.api.loadCheckpoint(bytes.slice(0, 6)))).rejects.toThrow(/too short/);
    expect((await call(engine.api.logits(probeIds, 1, 16))).values).toEqual(before.values);
    const sample = await call(engine.api.sample('ab', { maxNewChars: 4, temperature: 0, topK: 0, seed: 1 }));
    expect(sample.text).toBe('cdab');
  });

  it('a failing run is a typed error event and a rejected promise, never a hang', async () => {
    const events: EngineEvent[] = [];
    await expect(
      call(
        engine.api.train(
          { ...learnSpec, runId: 'bad', data: { kind: 'text', text: 'abcx' } },
          proxy((e: EngineEvent) => void events.push(e)),
        ),
      ),
    ).rejects.toThrow(/outside the model's vocabulary: "x"/);
    await vi.waitFor(() =>
      expect(events).toEqual([
        expect.objectContaining({ type: 'error', runId: 'bad', kind: 'invalid-input' }),
      ]),
    );
  });

  it('keeps the tensor count flat across runs in the worker', async () => {
    const run = (runId: string) =>
      call(
        engine.api.train(
          { ...learnSpec, runId, steps: 5, sampleEvery: undefined },
          proxy(() => {}),
        ),
      );
    await run('warm');
    const before = await call(engine.api.memory());
    await run('again');
    const after = await call(engine.api.memory());
    expect(after.numTensors, JSON.stringify({ before, after })).toBe(before.numTensors);
  });
});
