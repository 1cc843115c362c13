// Parity of whole training with the fast ops against the stock-op reference on `cpu` and `wasm`:
// one step's loss and every parameter gradient (|fast - ref| <= 1e-4 * max|ref| + 1e-6 per parameter),
// and the tiny preset's losses over 50 AdamW steps, the fast path with the fused host AdamW kernel and
// the reference with the stock-op AdamW (|fast - ref| <= 2e-3 at every step; float32
// rounding differences compound through the optimizer, observed ~1e-5).
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { opsFor } from '../../src/model/fastOps.ts';
import { referenceOps } from '../../src/model/modelOps.ts';
import { lossAndGrads, maxAbs, maxAbsDiff, tinyConfig, trainLosses } from './parity-helpers.ts';

for (const backend of ['cpu', 'wasm']) {
  describe(`training with the fast ops matches the reference on ${backend}`, () => {
    it('one step: loss and every parameter gradient', async () => {
      expect(await tf.setBackend(backend)).toBe(true);
      const ref = await lossAndGrads(tinyConfig, referenceOps);
      const fast = await lossAndGrads(tinyConfig, opsFor(backend));
      expect(Math.abs(fast.loss - ref.loss)).toBeLessThan(1e-5 * Math.abs(ref.loss));
      ref.grads.forEach((g, i) => {
        const diff = maxAbsDiff(fast.grads[i]!, g);
        expect(diff, `parameter ${i}`).toBeLessThanOrEqual(1e-4 * maxAbs(g) + 1e-6);
      });
    });

    it('the tiny preset: 50 steps of losses', async () => {
      expect(await tf.setBackend(backend)).toBe(true);
      // The reference is stock ops throughout, its optimizer too; the fast path uses the fused host AdamW.
      const ref = await trainLosses(tinyConfig, referenceOps, 50, { fusedKernel: false });
      const fast = await trainLosses(tinyConfig, opsFor(backend), 50, { fusedKernel: true });
      expect(ref[49]!).toBeLessThan(ref[0]! - 0.5); // it learns, so the comparison means something
      const worst = maxAbsDiff(fast, ref);
      expect(worst).toBeLessThanOrEqual(2e-3);
    });
  });
}
