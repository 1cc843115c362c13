// Parity of whole training with the fast ops against the stock-op reference on `cpu` and `wasm`:
// one step's loss and every parameter gradient (|fast - ref| <= 1e-4 * max|ref| + 1e-6 per parameter),
// and the tiny preset's losses over 50 AdamW steps, the fast path with the fused host AdamW kernel and
// the reference with the stock-op AdamW (|fast - ref| <= 2e-3 at every step; float32
// rounding differences compound through the optimizer, observed ~1e-5).
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import type { GPTConfig } from '../../src/model/config.ts';
import { opsFor } from '../../src/model/fastOps.ts';
import { GPT } from '../../src/model/gpt.ts';
import { referenceOps, type ModelOps } from '../../src/model/modelOps.ts';
import { AdamW } from '../../src/train/adamW.ts';
import { getBatch, type TokenData } from '../../src/train/batches.ts';
import { batchTensors, trainStep } from '../../src/train/trainStep.ts';
import { Rng } from '../../src/util/rng.ts';
import { maxAbs, maxAbsDiff } from './parity-helpers.ts';

const tiny: GPTConfig = { vocabSize: 13, nLayer: 2, nHead: 2, nEmbd: 32, blockSize: 32, dropout: 0 };
const batchSize = 8;

/** A learnable toy corpus: a repeating pattern with some seeded noise. */
function toyData(): TokenData {
  const rng = Rng.derive(7, 'toy');
  const tokens = new Int32Array(4000);
  for (let i = 0; i < tokens.length; i++) tokens[i] = rng.next() < 0.1 ? Math.floor(rng.next() * 13) : i % 9;
  return { tokens };
}

async function lossAndGrads(ops: ModelOps, data: TokenData) {
  const model = GPT.create(tiny, 3, ops);
  const { x, y, mask } = batchTensors(getBatch(data, batchSize, tiny.blockSize, Rng.derive(1, 'b')));
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

async function trainLosses(ops: ModelOps, data: TokenData, steps: number): Promise<number[]> {
  const model = GPT.create(tiny, 5, ops);
  // The reference is stock ops throughout, its optimizer too; the fast path uses the fused host AdamW.
  const optimizer = new AdamW(model.params, model.specs, undefined, { fusedKernel: ops !== referenceOps });
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    const batch = getBatch(data, batchSize, tiny.blockSize, Rng.derive(11, `batch/${step}`));
    const { loss, gradNorm } = trainStep(model, optimizer, batch, 3e-3, 1, step);
    losses.push((await loss.data())[0]!);
    tf.dispose([loss, gradNorm]);
  }
  optimizer.dispose();
  model.dispose();
  return losses;
}

for (const backend of ['cpu', 'wasm']) {
  describe(`training with the fast ops matches the reference on ${backend}`, () => {
    it('one step: loss and every parameter gradient', async () => {
      expect(await tf.setBackend(backend)).toBe(true);
      const data = toyData();
      const ref = await lossAndGrads(referenceOps, data);
      const fast = await lossAndGrads(opsFor(backend), data);
      expect(Math.abs(fast.loss - ref.loss)).toBeLessThan(1e-5 * Math.abs(ref.loss));
      ref.grads.forEach((g, i) => {
        const diff = maxAbsDiff(fast.grads[i]!, g);
        expect(diff, `parameter ${i}`).toBeLessThanOrEqual(1e-4 * maxAbs(g) + 1e-6);
      });
    });

    it('the tiny preset: 50 steps of losses', async () => {
      expect(await tf.setBackend(backend)).toBe(true);
      const data = toyData();
      const ref = await trainLosses(referenceOps, data, 50);
      const fast = await trainLosses(opsFor(backend), data, 50);
      expect(ref[49]!).toBeLessThan(ref[0]! - 0.5); // it learns, so the comparison means something
      const worst = maxAbsDiff(fast, ref);
      expect(worst).toBeLessThanOrEqual(2e-3);
    });
  });
}
