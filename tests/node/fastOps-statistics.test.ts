// The host ops' statistics (LayerNorm's mean and 1/std, GELU's tanh, attention's probabilities) are saved
// for the backward pass, never outputs on the tape: a taped output without a gradient makes tfjs build a
// zero gradient of its full size in JS and copy it into the backend before calling the backward (on the
// reference model 67 MB a step). Watched at the engine's door for tensors made from JS values.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterEach, describe, expect, it } from 'vitest';
import { opsFor } from '../../src/model/fastOps.ts';
import { GPT } from '../../src/model/gpt.ts';

const config = { vocabSize: 11, nLayer: 1, nHead: 2, nEmbd: 16, blockSize: 12, dropout: 0 };
const B = 3;

type MakeTensor = (values: unknown, shape: number[], dtype: tf.DataType) => tf.Tensor;

/** Sizes of the tensors made from JS values while `work` runs. */
function valuesMadeDuring(work: () => void): number[] {
  const engine = tf.engine() as unknown as { makeTensor: MakeTensor };
  const original = engine.makeTensor;
  const sizes: number[] = [];
  engine.makeTensor = function (this: unknown, values, shape, dtype) {
    sizes.push(shape.reduce((a, b) => a * b, 1));
    return original.call(this, values, shape, dtype);
  };
  try {
    work();
  } finally {
    engine.makeTensor = original;
  }
  return sizes;
}

describe.each(['wasm', 'cpu'])('fast ops on %s', (backend) => {
  afterEach(() => tf.disposeVariables());

  it('compute gradients without building a zero gradient for any statistic', async () => {
    expect(await tf.setBackend(backend)).toBe(true);
    const model = GPT.create(config, 1, opsFor(backend));
    const ids = Int32Array.from({ length: B * config.blockSize }, (_, i) => (i * 7) % config.vocabSize);
    const x = tf.tensor2d(ids, [B, config.blockSize], 'int32');
    const mask = tf.ones<tf.Rank.R2>([B, config.blockSize]);
    const before = tf.memory().numTensors;
    const sizes = valuesMadeDuring(() => {
      const variables = model.specs.map((s) => model.params.get(s.name)!);
      const { value, grads } = tf.variableGrads(() => model.loss(x, x, mask), variables);
      expect(Object.keys(grads)).toHaveLength(variables.length);
      tf.dispose([value, ...Object.values(grads)]);
    });
    // The smallest statistic is LayerNorm's [B, T, 2]; scalars (the loss's constants) are all the
    // forward and backward may make from JS.
    expect(Math.max(0, ...sizes)).toBeLessThan(B * config.blockSize * 2);
    // Everything the tape saved is freed.
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, mask]);
    model.dispose();
  });
});
