// Parity of the fused host AdamW kernel (src/model/kernels/hostAdamW.ts, `wasm` and `cpu`) with the
// stock-op AdamW on cpu: the gradient norms (1e-5 relative), and the moments (as getState returns them)
// and weights after 3 updates, one unclipped and two clipped (1e-7 + 1e-5 x max|ref| per tensor).
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import type { GPTConfig } from '../../src/model/config.ts';
import { GPT } from '../../src/model/gpt.ts';
import { referenceOps } from '../../src/model/modelOps.ts';
import { AdamW } from '../../src/train/adamW.ts';
import { maxAbs, maxAbsDiff } from './parity-helpers.ts';

const tiny: GPTConfig = { vocabSize: 13, nLayer: 2, nHead: 2, nEmbd: 32, blockSize: 32, dropout: 0 };
const rnd = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, 'float32', seed);

/** Three AdamW updates of a tiny model's weights with fixed gradients; the state afterwards. */
async function adamWState(fusedKernel: boolean) {
  const model = GPT.create(tiny, 9, referenceOps);
  const optimizer = new AdamW(model.params, model.specs, undefined, { fusedKernel });
  const norms: number[] = [];
  for (let step = 0; step < 3; step++) {
    const grads: tf.NamedTensorMap = {}; // seeds from 1000: tf.randomNormal treats seed 0 as unseeded
    model.specs.forEach((spec, i) => (grads[spec.name] = rnd(spec.shape, 1000 + 100 * step + i)));
    const norm = optimizer.applyClipped(grads, 1e-2, step === 0 ? 1e3 : 1); // unclipped, then clipped
    norms.push((await norm.data())[0]!);
    tf.dispose([norm, ...Object.values(grads)]);
  }
  const state = await optimizer.getState();
  const weights = await model.getWeights();
  optimizer.dispose();
  model.dispose();
  return { norms, state, weights };
}

for (const backend of ['cpu', 'wasm']) {
  describe(`the fused host AdamW on ${backend} matches the stock-op AdamW on cpu`, () => {
    it('gradient norms, moments (getState) and weights after 3 updates', async () => {
      expect(await tf.setBackend('cpu')).toBe(true);
      const ref = await adamWState(false);
      expect(await tf.setBackend(backend)).toBe(true);
      const before = tf.memory().numTensors;
      const got = await adamWState(true);
      expect(tf.memory().numTensors).toBe(before);
      expect(got.state.step).toBe(3);
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
