// Parity of the fast ops with the stock-op reference on the `wasm` backend inside Chromium (the
// browser's wasm build may use SIMD and threads, unlike Node's): every op's values and gradients,
// |fast - reference| <= 1e-5 + 1e-4 * max|reference| per tensor, as in the Node parity tests.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { opsFor } from '../../src/model/fastOps.ts';
import { referenceOps } from '../../src/model/modelOps.ts';
import { selectBackend } from '../../src/platform/backend.ts';
import { maxAbs, maxAbsDiff, valueAndGrads, type OpCase } from '../node/parity-helpers.ts';

const [B, T, C, H, V] = [2, 6, 16, 4, 9];
const rnd = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, 'float32', seed);

const cases: OpCase[] = [
  {
    name: 'layerNorm',
    inputs: () => [rnd([B, T, C], 1), rnd([C], 2), rnd([C], 3)],
    apply: (ops, x, g, b) => ops.layerNorm(x as tf.Tensor3D, g as tf.Tensor1D, b as tf.Tensor1D),
  },
  {
    name: 'linear',
    inputs: () => [rnd([B, T, C], 4), rnd([C, 2 * C], 5), rnd([2 * C], 6)],
    apply: (ops, x, w, b) => ops.linear(x as tf.Tensor3D, w as tf.Tensor2D, b as tf.Tensor1D),
  },
  {
    name: 'causalAttention',
    inputs: () => [rnd([B, T, 3 * C], 7)],
    apply: (ops, qkv) => ops.causalAttention(qkv as tf.Tensor3D, H),
  },
  { name: 'gelu', inputs: () => [rnd([B, T, C], 8)], apply: (ops, x) => ops.gelu(x as tf.Tensor3D) },
  {
    name: 'maskedCrossEntropy',
    inputs: () => [rnd([B, T, V], 9)],
    apply: (ops, logits) =>
      ops.maskedCrossEntropy(
        logits as tf.Tensor3D,
        tf.tensor2d(
          Int32Array.from({ length: B * T }, (_, i) => (i * 4) % V),
          [B, T],
          'int32',
        ),
        tf.tensor2d(
          Float32Array.from({ length: B * T }, (_, i) => (i % 4 === 0 ? 0 : 1)),
          [B, T],
        ),
      ),
  },
];

describe('fast ops match the reference on wasm in Chromium', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s: values and gradients', async (_, opCase) => {
    const report = await selectBackend('wasm');
    expect(report.backend).toBe('wasm');
    const ref = await valueAndGrads(referenceOps, opCase);
    const got = await valueAndGrads(opsFor('wasm'), opCase);
    expect(maxAbsDiff(got.value, ref.value)).toBeLessThanOrEqual(1e-5 + 1e-4 * maxAbs(ref.value));
    ref.grads.forEach((g, i) => {
      expect(maxAbsDiff(got.grads[i]!, g), `gradient ${i}`).toBeLessThanOrEqual(1e-5 + 1e-4 * maxAbs(g));
    });
  });
});
