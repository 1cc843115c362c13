// Parity of the fast op set with the stock-op reference, op by op, values and gradients, on the Node
// backends (`cpu`, `wasm` with its SIMD kernels, and `wasm` with them off, on the JS loops). Tolerance: |fast - reference| <= 1e-5 + 1e-4 * max|reference| per tensor
// (float32 rounding of different summation orders; observed differences are ~1e-7).
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { opsFor } from '../../src/model/fastOps.ts';
import { runKernel } from '../../src/model/fast/runKernel.ts';
import { LINEAR_WEIGHT_GRAD } from '../../src/model/kernels/weightGradKernel.ts';
import { setSimdKernelsEnabled, simdKernelsStatus } from '../../src/model/kernels/simd/simdKernels.ts';
import { referenceOps } from '../../src/model/modelOps.ts';
import { maxAbs, maxAbsDiff, valueAndGrads, type OpCase } from './parity-helpers.ts';

const [B, T, C, H, V] = [2, 7, 16, 4, 11];
const rnd = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, 'float32', seed);

const cases: OpCase[] = [
  {
    name: 'embed',
    inputs: () => [rnd([V, C], 10)],
    apply: (ops, table) => {
      // ids repeat (a table row gathers several positions' gradients) and skip some rows entirely
      const ids = tf.tensor2d(
        Int32Array.from({ length: B * T }, (_, i) => (i * 3) % (V - 2)),
        [B, T],
        'int32',
      );
      return ops.embed(table as tf.Tensor2D, ids);
    },
  },
  {
    name: 'layerNorm',
    inputs: () => [rnd([B, T, C], 1), rnd([C], 2), rnd([C], 3)],
    apply: (ops, x, g, b) => ops.layerNorm(x as tf.Tensor3D, g as tf.Tensor1D, b as tf.Tensor1D),
  },
  {
    name: 'linear',
    inputs: () => [rnd([B, T, C], 4), rnd([C, 3 * C], 5), rnd([3 * C], 6)],
    apply: (ops, x, w, b) => ops.linear(x as tf.Tensor3D, w as tf.Tensor2D, b as tf.Tensor1D),
  },
  {
    // Narrowing to five outputs: one 4-wide column block in the SIMD module, one column in JS.
    name: 'linear, narrowing',
    inputs: () => [rnd([B, T, C], 17), rnd([C, 5], 18), rnd([5], 19)],
    apply: (ops, x, w, b) => ops.linear(x as tf.Tensor3D, w as tf.Tensor2D, b as tf.Tensor1D),
  },
  {
    // 300 rows: the weight gradient's three row chunks; 18 inputs: a last block of two rows; 31 outputs:
    // its 8- and 4-wide column panels and three columns left to the JS loop.
    name: 'linear, odd sizes over three row chunks',
    inputs: () => [rnd([3, 100, 18], 21), rnd([18, 31], 22), rnd([31], 23)],
    apply: (ops, x, w, b) => ops.linear(x as tf.Tensor3D, w as tf.Tensor2D, b as tf.Tensor1D),
  },
  {
    // 98 rows of 520 inputs: the product's row chunks (28 rows: 64 KB of a's rows) and a last block of
    // two rows; 14 outputs: an 8- and a 4-wide panel and two columns left to the JS loop.
    name: 'linear, wide input over row chunks',
    inputs: () => [rnd([2, 49, 520], 24), tf.mul(rnd([520, 14], 25), 0.1), rnd([14], 26)],
    apply: (ops, x, w, b) => ops.linear(x as tf.Tensor3D, w as tf.Tensor2D, b as tf.Tensor1D),
  },
  {
    name: 'causalAttention',
    inputs: () => [tf.mul(rnd([B, T, 3 * C], 7), 2)],
    apply: (ops, qkv) => ops.causalAttention(qkv as tf.Tensor3D, H),
  },
  {
    name: 'gelu',
    inputs: () => [tf.mul(rnd([B, T, 4 * C], 8), 3)],
    apply: (ops, x) => ops.gelu(x as tf.Tensor3D),
  },
  {
    // Widths and counts that are not multiples of the SIMD kernels' four lanes exercise their scalar tails.
    name: 'layerNorm, odd width',
    inputs: () => [rnd([B, T, 18], 11), rnd([18], 12), rnd([18], 13)],
    apply: (ops, x, g, b) => ops.layerNorm(x as tf.Tensor3D, g as tf.Tensor1D, b as tf.Tensor1D),
  },
  {
    // Head size 8: one eight-column block of the SIMD kernels; 13 steps: three blocks of four queries and
    // of four keys, then one query and one key alone.
    name: 'causalAttention, head size 8, 13 steps',
    inputs: () => [tf.mul(rnd([B, 13, 3 * 32], 16), 2)],
    apply: (ops, qkv) => ops.causalAttention(qkv as tf.Tensor3D, H),
  },
  {
    // Head size 48, 45 steps: six eight-column blocks; eleven four-query blocks whose scores cross rows
    // of odd length, and a last query and key alone.
    name: 'causalAttention, head size 48, 45 steps',
    inputs: () => [tf.mul(rnd([B, 45, 3 * 96], 20), 2)],
    apply: (ops, qkv) => ops.causalAttention(qkv as tf.Tensor3D, 2),
  },
  {
    // Head size 12: an eight- and a four-column block; 30 steps: two queries and two keys alone at the end.
    name: 'causalAttention, head size 12, 30 steps',
    inputs: () => [tf.mul(rnd([B, 30, 3 * 36], 24), 2)],
    apply: (ops, qkv) => ops.causalAttention(qkv as tf.Tensor3D, 3),
  },
  {
    // Head size 4: only four-column blocks; 3 steps: no four-query block at all.
    name: 'causalAttention, head size 4, 3 steps',
    inputs: () => [tf.mul(rnd([B, 3, 3 * 8], 25), 2)],
    apply: (ops, qkv) => ops.causalAttention(qkv as tf.Tensor3D, 2),
  },
  {
    // Head size 5: not a multiple of four, so wasm takes the JS loops even with the SIMD kernels on.
    name: 'causalAttention, head size 5, 9 steps',
    inputs: () => [tf.mul(rnd([B, 9, 3 * 20], 15), 2)],
    apply: (ops, qkv) => ops.causalAttention(qkv as tf.Tensor3D, H),
  },
  {
    name: 'gelu, odd count',
    inputs: () => [tf.mul(rnd([B, T, 9], 14), 3)],
    apply: (ops, x) => ops.gelu(x as tf.Tensor3D),
  },
  {
    name: 'maskedCrossEntropy',
    inputs: () => [tf.mul(rnd([B, T, V], 9), 3)],
    apply: (ops, logits) => {
      const targets = tf.tensor2d(
        Int32Array.from({ length: B * T }, (_, i) => (i * 5) % V),
        [B, T],
        'int32',
      );
      const mask = tf.tensor2d(
        Float32Array.from({ length: B * T }, (_, i) => (i % 3 === 0 ? 0 : 1)),
        [B, T],
      );
      return ops.maskedCrossEntropy(logits as tf.Tensor3D, targets, mask);
    },
  },
];

const within = (fast: Float32Array, ref: Float32Array) => maxAbsDiff(fast, ref) <= 1e-5 + 1e-4 * maxAbs(ref);

const setups = [
  { label: 'cpu', backend: 'cpu', simd: false },
  { label: 'wasm, SIMD kernels', backend: 'wasm', simd: true },
  { label: 'wasm, JS loops', backend: 'wasm', simd: false },
];

for (const { label, backend, simd } of setups) {
  describe(`fast ops match the reference on ${label}`, () => {
    beforeEach(() => setSimdKernelsEnabled(simd));
    afterAll(() => setSimdKernelsEnabled(true));

    it.each(cases.map((c) => [c.name, c] as const))('%s: values and gradients', async (_, opCase) => {
      expect(await tf.setBackend(backend)).toBe(true);
      const fast = opsFor(backend);
      expect(fast).not.toBe(referenceOps);
      const ref = await valueAndGrads(referenceOps, opCase);
      const got = await valueAndGrads(fast, opCase);
      expect(got.value.length).toBe(ref.value.length);
      expect(within(got.value, ref.value), `value diff ${maxAbsDiff(got.value, ref.value)}`).toBe(true);
      ref.grads.forEach((g, i) => {
        const diff = maxAbsDiff(got.grads[i]!, g);
        expect(within(got.grads[i]!, g), `gradient ${i} diff ${diff}`).toBe(true);
      });
      // Which path ran: the SIMD kernels are found on wasm unless turned off (never on cpu).
      if (backend === 'wasm') expect(simdKernelsStatus().active).toBe(simd);
    });

    it('gives zero weight and bias gradients over no rows', async () => {
      expect(await tf.setBackend(backend)).toBe(true);
      opsFor(backend);
      const [x, dy] = [tf.zeros([0, 6]), tf.zeros([0, 8])];
      const [dw, db] = runKernel<tf.Tensor[]>(LINEAR_WEIGHT_GRAD, { x, dy });
      expect(Array.from(await dw!.data())).toEqual(new Array(48).fill(0));
      expect(Array.from(await db!.data())).toEqual(new Array(8).fill(0));
      tf.dispose([x, dy, dw!, db!]);
    });

    it('keeps tensor counts flat across a forward and backward pass', async () => {
      expect(await tf.setBackend(backend)).toBe(true);
      const fast = opsFor(backend);
      await valueAndGrads(fast, cases[2]!); // warm caches (causal masks, kernels)
      const before = tf.memory().numTensors;
      for (const opCase of cases) await valueAndGrads(fast, opCase);
      expect(tf.memory().numTensors).toBe(before);
    });
  });
}
