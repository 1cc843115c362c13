// The wasm backend's Identity (src/model/kernels/wasmIdentity.ts) shares a tensor's bytes instead of
// copying them: a clone reads the same values, outlives its original, and frees its memory with the last
// reference; a gradient through saved tensors is unchanged.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/platform/backend.ts';

interface WasmBackendLike {
  dataIdMap: {
    get(dataId: object): { memoryOffset: number; refCount: number } | undefined;
    has(dataId: object): boolean;
  };
}

describe('wasm Identity', () => {
  it('clones by reference and frees with the last reference', { timeout: 120_000 }, async () => {
    await selectBackend('wasm');
    const backend = tf.backend() as unknown as WasmBackendLike;
    const before = tf.memory().numBytes;
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
    const y = tf.clone(x);
    expect(backend.dataIdMap.get(y.dataId)?.memoryOffset).toBe(backend.dataIdMap.get(x.dataId)?.memoryOffset);
    expect(backend.dataIdMap.get(x.dataId)?.refCount).toBe(2);
    x.dispose();
    expect(Array.from(await y.data())).toEqual([1, 2, 3, 4, 5, 6]);
    y.dispose();
    expect(backend.dataIdMap.has(y.dataId)).toBe(false);
    expect(tf.memory().numBytes).toBe(before);
  });

  it('leaves gradients through saved tensors as they were', async () => {
    const x = tf.tensor1d([0.5, -1, 2]);
    // d/dx sum(exp(x) * x) = exp(x) * (1 + x): Mul saves both inputs, Exp its output.
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.exp(v), v)))(x);
    const values = await g.data();
    [0.5, -1, 2].forEach((v, i) => expect(values[i]).toBeCloseTo(Math.exp(v) * (1 + v), 5));
    tf.dispose([x, g]);
  });
});
