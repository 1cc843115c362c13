// The fallback backends train in the browser too: wasm (with the project's gather gradient and its
// binaries served by vite) and webgl. Each takes a few steps whose gradients match the cpu backend's.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { GPT } from '../../src/model/gpt.ts';
import { disposeCausalMasks } from '../../src/model/modelOps.ts';
import { selectBackend, type BackendName } from '../../src/platform/backend.ts';
import { AdamW } from '../../src/train/adamW.ts';
import { getBatch } from '../../src/train/batches.ts';
import { batchTensors, trainStep } from '../../src/train/trainStep.ts';
import { Rng } from '../../src/util/rng.ts';
import { abcdConfig, closeness, spreadWeights } from './engineFixtures.ts';

const tokens = Int32Array.from({ length: 256 }, (_, i) => i % 4);
const batch = getBatch({ tokens }, 8, abcdConfig.blockSize, new Rng('fallback-batch'));

/** The gradient of the token embedding (the gather gradient) for fixed weights and batch. */
async function embeddingGradient(backend: BackendName): Promise<Float32Array> {
  disposeCausalMasks();
  expect((await selectBackend(backend)).backend).toBe(backend);
  const model = GPT.fromWeights(abcdConfig, spreadWeights(abcdConfig, 9));
  const { x, y, mask } = batchTensors(batch);
  const wte = model.params.get('wte')!;
  const { grads } = tf.variableGrads(() => model.loss(x, y, mask), [wte]);
  const values = new Float32Array(await grads[wte.name]!.data());
  tf.dispose([x, y, mask, ...Object.values(grads)]);
  model.dispose();
  return values;
}

/** Three optimizer steps; returns the losses. */
async function trainSteps(backend: BackendName): Promise<number[]> {
  disposeCausalMasks();
  expect((await selectBackend(backend)).backend).toBe(backend);
  const model = GPT.create(abcdConfig, 1);
  const optimizer = new AdamW(model.params, model.specs);
  const losses: number[] = [];
  for (let step = 0; step < 3; step++) {
    const result = trainStep(model, optimizer, batch, 2e-2, 1, step);
    losses.push((await result.loss.data())[0]!);
    tf.dispose([result.loss, result.gradNorm]);
  }
  optimizer.dispose();
  model.dispose();
  return losses;
}

describe('fallback backends', () => {
  it('wasm: loads its binaries under vite, reports SIMD/threads, and trains through the gather gradient', async () => {
    const report = await selectBackend('wasm');
    expect(report.backend).toBe('wasm');
    expect(report.wasm).not.toBeNull();
    console.log(`wasm: ${JSON.stringify(report.wasm)}`);
    expect(tf.getKernel('UnsortedSegmentSum', 'wasm')).toBeDefined();
    const losses = await trainSteps('wasm');
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[2]!).toBeLessThan(losses[0]!);
    const wasmGrad = await embeddingGradient('wasm');
    const cpuGrad = await embeddingGradient('cpu');
    const c = closeness(wasmGrad, cpuGrad, 1e-4, 1e-3);
    console.log(`wasm wte gradient vs cpu: max abs diff ${c.maxAbs.toExponential(2)}`);
    expect(c.violations).toBe(0);
  });

  it('webgl: trains and its gather gradient matches cpu', async () => {
    const losses = await trainSteps('webgl');
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[2]!).toBeLessThan(losses[0]!);
    const webglGrad = await embeddingGradient('webgl');
    const cpuGrad = await embeddingGradient('cpu');
    const c = closeness(webglGrad, cpuGrad, 1e-4, 1e-3);
    console.log(`webgl wte gradient vs cpu: max abs diff ${c.maxAbs.toExponential(2)}`);
    expect(c.violations).toBe(0);
  });
});
