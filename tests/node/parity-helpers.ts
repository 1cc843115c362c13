// Shared by the parity tests: run an op (or a loss) on both op sets and compare values and gradients.
import * as tf from '@tensorflow/tfjs';
import type { ModelOps } from '../../src/model/modelOps.ts';

export interface OpCase {
  name: string;
  /** Inputs to differentiate; made fresh per call from a seed. */
  inputs: () => tf.Tensor[];
  apply: (ops: ModelOps, ...inputs: tf.Tensor[]) => tf.Tensor;
}

/** Largest |a - b| over all elements. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

export function maxAbs(a: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]!));
  return worst;
}

/**
 * Value and gradients of sum(op(inputs) * weights) under one op set; the random weights make every
 * output element's gradient path count.
 */
export async function valueAndGrads(
  ops: ModelOps,
  opCase: OpCase,
): Promise<{ value: Float32Array; grads: Float32Array[] }> {
  const inputs = tf.tidy(() => opCase.inputs());
  const out = tf.tidy(() => opCase.apply(ops, ...inputs));
  const weights = tf.randomNormal(out.shape, 0, 1, 'float32', 99);
  const grads = tf.grads((...xs: tf.Tensor[]) => tf.sum(tf.mul(opCase.apply(ops, ...xs), weights)))(inputs);
  const result = {
    value: (await out.data()) as Float32Array,
    grads: await Promise.all(grads.map(async (g) => (await g.data()) as Float32Array)),
  };
  tf.dispose([...inputs, out, weights, ...grads]);
  return result;
}
