// The engine behind the worker contract, driven directly on the cpu backend: training with events,
// pause/resume/stop, typed errors, and checkpoints whose refusal leaves the loaded model untouched.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { EngineHost } from '../../src/platform/engineHost.ts';
import type { EngineEvent, GPTConfig, TrainSpec } from '../../workers/contract.ts';

const vocab = ['a', 'b', 'c', 'd'];
const config: GPTConfig = { vocabSize: 4, nLayer: 1, nHead: 2, nEmbd: 16, blockSize: 16, dropout: 0 };
const text = 'abcd'.repeat(100);
const spec = (overrides: Partial<TrainSpec> = {}): TrainSpec => ({
  data: { kind: 'text', text },
  steps: 10,
  batchSize: 4,
  schedule: { lr: 1e-2, minLr: 1e-3, warmupSteps: 2, decaySteps: 10 },
  seed: 1,
  logInterval: 1,
  ...overrides,
});
const ids = Int32Array.from([0, 1, 2, 3, 0, 1, 2, 3]);

describe('EngineHost on cpu', () => {
  const engine = new EngineHost();
  beforeAll(async () => {
    expect((await engine.init('cpu')).backend).toBe('cpu');
  });

  it('refuses work before a model exists, with the error kind', async () => {
    const events: EngineEvent[] = [];
    await expect(engine.train(spec(), (e) => void events.push(e))).rejects.toThrow(/no model loaded/);
    expect(events).toEqual([expect.objectContaining({ type: 'error', kind: 'no-model' })]);
  });

  it('trains with progress, eval, sample, checkpoint and done events', async () => {
    await engine.createModel(config, vocab, 7);
    const events: EngineEvent[] = [];
    const summary = await engine.train(
      spec({ runId: 'r1', sampleEvery: 5, samplePrompt: 'ab', checkpointEvery: 5 }),
      (e) => void events.push(e),
    );
    expect(summary).toMatchObject({ runId: 'r1', step: 10, stepsRun: 10, stopped: false });
    const types = events.map((e) => e.type);
    expect(types.filter((t) => t === 'progress')).toHaveLength(10);
    expect(types.filter((t) => t === 'sample')).toHaveLength(2);
    expect(types.filter((t) => t === 'checkpoint')).toHaveLength(2);
    expect(types.at(-1)).toBe('done');
    expect(types).toContain('eval');
    expect(events.every((e) => e.runId === 'r1')).toBe(true);
  });

  it('a bad spec is a typed error event and a rejection naming the field', async () => {
    const events: EngineEvent[] = [];
    await expect(engine.train(spec({ batchSize: 0 }), (e) => void events.push(e))).rejects.toThrow(
      /batchSize must be a positive integer/,
    );
    await expect(
      engine.train(spec({ data: { kind: 'text', text: 'abcx' } }), (e) => void events.push(e)),
    ).rejects.toThrow(/outside the model's vocabulary: "x"/);
    expect(events.map((e) => e.type === 'error' && e.kind)).toEqual(['invalid-input', 'invalid-input']);
  });

  it('pause holds the loop, resume continues, stop ends it early', async () => {
    const progress: number[] = [];
    let paused = false;
    const run = engine.train(spec({ steps: 1000 }), (e) => {
      if (e.type !== 'progress') return;
      progress.push(e.step);
      if (!paused) {
        paused = true;
        void engine.pause();
      }
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(progress).toEqual([1]); // held at the step boundary after the pause
    await expect(engine.saveCheckpoint()).resolves.toBeInstanceOf(Uint8Array); // allowed while paused
    await engine.resume();
    await vi.waitFor(() => expect(progress.length).toBeGreaterThan(2), { timeout: 30_000 });
    await engine.stop();
    const summary = await run;
    expect(progress.length).toBeGreaterThan(1);
    expect(summary.stopped).toBe(true);
    expect(summary.step).toBeLessThan(1000);
  });

  it('checkpoints round-trip exactly; a truncated or foreign file is refused and changes nothing', async () => {
    const before = await engine.logits(ids, 2, 4);
    const bytes = await engine.saveCheckpoint({ info: { note: 'test' } });
    await expect(engine.loadCheckpoint(bytes.slice(0, bytes.length - 10))).rejects.toThrow(
      /checkpoint refused: the file is truncated/,
    );
    await expect(engine.loadCheckpoint(new TextEncoder().encode('not a checkpoint at all'))).rejects.toThrow(
      /not a Persona Lab checkpoint/,
    );
    expect((await engine.logits(ids, 2, 4)).values).toEqual(before.values);
    await engine.createModel(config, vocab, 99);
    expect((await engine.logits(ids, 2, 4)).values).not.toEqual(before.values);
    const info = await engine.loadCheckpoint(bytes);
    expect(info.vocab).toEqual(vocab);
    expect((await engine.logits(ids, 2, 4)).values).toEqual(before.values);
  });

  it('memory stays flat across runs', async () => {
    await engine.train(spec({ steps: 3 }), () => {});
    const before = (await engine.memory()).numTensors;
    await engine.train(spec({ steps: 3 }), () => {});
    expect((await engine.memory()).numTensors).toBe(before);
  });
});
