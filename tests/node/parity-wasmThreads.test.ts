// The threaded wasm build in Node (opt-in, src/platform/wasmThreads.ts) starts with 2 XNNPACK threads
// and trains like the stock-op reference on cpu: one step's loss and every gradient
// (|threads - ref| <= 1e-4 * max|ref| + 1e-6 per parameter) and 30 AdamW steps' losses (within 2e-3).
// This file runs in its own process (vitest forks per file): the wasm build is chosen once per process.
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import type { GPTConfig } from '../../src/model/config.ts';
import { GPT } from '../../src/model/gpt.ts';
import { referenceOps, type ModelOps } from '../../src/model/modelOps.ts';
import { selectBackend } from '../../src/platform/backend.ts';
import { AdamW } from '../../src/train/adamW.ts';
import { getBatch, type TokenData } from '../../src/train/batches.ts';
import { batchTensors, trainStep } from '../../src/train/trainStep.ts';
import { Rng } from '../../src/util/rng.ts';
import { maxAbs, maxAbsDiff } from './parity-helpers.ts';

// Wide enough that XNNPACK splits its matmuls over both threads.
const config: GPTConfig = { vocabSize: 13, nLayer: 2, nHead: 4, nEmbd: 64, blockSize: 64, dropout: 0 };
const batchSize = 8;

function toyData(): TokenData {
  const rng = Rng.derive(7, 'toy');
  const tokens = new Int32Array(4000);
  for (let i = 0; i < tokens.length; i++) tokens[i] = rng.next() < 0.1 ? Math.floor(rng.next() * 13) : i % 9;
  return { tokens };
}

async function lossAndGrads(ops: ModelOps | undefined) {
  const model = GPT.create(config, 3, ops);
  const batch = getBatch(toyData(), batchSize, config.blockSize, Rng.derive(1, 'b'));
  const { x, y, mask } = batchTensors(batch);
  const vars = model.specs.map((s) => model.params.get(s.name)!);
  const { value, grads } = tf.variableGrads(() => model.loss(x, y, mask), vars);
  const out = {
    loss: (await value.data())[0]!,
    grads: await Promise.all(vars.map(async (v) => (await grads[v.name]!.data()) as Float32Array)),
  };
  tf.dispose([x, y, mask, value, ...Object.values(grads)]);
  model.dispose();
  return out;
}

async function trainLosses(ops: ModelOps | undefined, steps: number): Promise<number[]> {
  const data = toyData();
  const model = GPT.create(config, 5, ops);
  const optimizer = new AdamW(model.params, model.specs);
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    const batch = getBatch(data, batchSize, config.blockSize, Rng.derive(11, `batch/${step}`));
    const { loss, gradNorm } = trainStep(model, optimizer, batch, 3e-3, 1, step);
    losses.push((await loss.data())[0]!);
    tf.dispose([loss, gradNorm]);
  }
  optimizer.dispose();
  model.dispose();
  return losses;
}

describe('wasm with 2 threads in Node', () => {
  it('starts the threaded build with 2 threads and matches the reference on cpu', async () => {
    process.env.PERSONA_LAB_WASM_THREADS = '2';
    const report = await selectBackend('wasm');
    expect(report.backend).toBe('wasm');
    expect(report.wasm?.threads).toBe(true);
    expect(getThreadsCount()).toBe(2);
    const threaded = await lossAndGrads(undefined); // the model's default (fast) ops for wasm
    const threadedLosses = await trainLosses(undefined, 30);

    await selectBackend('cpu');
    const ref = await lossAndGrads(referenceOps);
    const refLosses = await trainLosses(referenceOps, 30);

    expect(Math.abs(threaded.loss - ref.loss)).toBeLessThan(1e-5 * Math.abs(ref.loss));
    ref.grads.forEach((g, i) => {
      expect(maxAbsDiff(threaded.grads[i]!, g), `parameter ${i}`).toBeLessThanOrEqual(
        1e-4 * maxAbs(g) + 1e-6,
      );
    });
    expect(refLosses[29]!).toBeLessThan(refLosses[0]! - 0.5);
    expect(maxAbsDiff(threadedLosses, refLosses)).toBeLessThanOrEqual(2e-3);
  });
});
