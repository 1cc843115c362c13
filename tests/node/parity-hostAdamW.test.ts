// Parity of the fused host AdamW kernel (src/model/kernels/hostAdamW.ts, `wasm` with its SIMD update, and `cpu`) with the
// stock-op AdamW on cpu: the gradient norms (1e-5 relative), and the moments (as getState returns them)
// and weights after 3 updates, one unclipped and two clipped (1e-7 + 1e-5 x max|ref| per tensor).
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import type { GPTConfig } from '../../src/model/config.ts';
import { simdKernelsStatus } from '../../src/model/kernels/simd/simdKernels.ts';
import { adamWState, maxAbs, maxAbsDiff } from './parity-helpers.ts';

const tiny: GPTConfig = { vocabSize: 13, nLayer: 2, nHead: 2, nEmbd: 32, blockSize: 32, dropout: 0 };

for (const backend of ['cpu', 'wasm']) {
  describe(`the fused host AdamW on ${backend} matches the stock-op AdamW on cpu`, () => {
    it('gradient norms, moments (getState) and weights after 3 updates', async () => {
      expect(await tf.setBackend('cpu')).toBe(true);
      const ref = await adamWState(tiny, false);
      expect(await tf.setBackend(backend)).toBe(true);
      const before = tf.memory().numTensors;
      const got = await adamWState(tiny, true);
      expect(tf.memory().numTensors).toBe(before);
      expect(got.state.step).toBe(3);
      // On wasm the moments and parameters were updated in the SIMD module.
      if (backend === 'wasm') expect(simdKernelsStatus().active).toBe(true);
      got.norms.forEach((n, i) =>
        expect(Math.abs(n - ref.norms[i]!)).toBeLessThanOrEqual(1e-5 * ref.norms[i]!),
      );
      for (const [name, values] of ref.weights) {
        for (const [label, a, b] of [
          ['weights', got.weights.get(name)!, values],
          ['m', got.state.m.get(name)!, ref.state.m.get(name)!],
          ['v', got.state.v.get(name)!, ref.state.v.get(name)!],
        ] as const) {
          expect(maxAbsDiff(a, b), `${label} of ${name}`).toBeLessThanOrEqual(1e-7 + 1e-5 * maxAbs(b));
        }
      }
    });
  });
}
