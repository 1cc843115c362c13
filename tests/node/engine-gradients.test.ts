// The GPT's analytic gradients (tfjs autodiff through our own ops) against central finite differences.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { GPT } from '../../src/model/gpt.ts';
import { TINY, ids, useCpu } from './engineFixtures.ts';

beforeAll(useCpu);

describe('GPT gradients', () => {
  it('match central finite differences on cpu for every kind of parameter', async () => {
    const model = GPT.create({ ...TINY, nLayer: 1, blockSize: 6 }, 3);
    const x = ids(2, 6, TINY.vocabSize);
    const y = ids(2, 6, TINY.vocabSize, 1);
    const mask = tf.tensor2d([1, 1, 0, 1, 1, 1, 0, 1, 1, 1, 1, 1], [2, 6]);
    const lossAt = async () => {
      const l = model.loss(x, y, mask);
      const v = (await l.data())[0]!;
      l.dispose();
      return v;
    };
    const variables = model.specs.map((s) => model.params.get(s.name)!);
    const { value, grads } = tf.variableGrads(() => model.loss(x, y, mask), variables);
    value.dispose();
    // float32 forward passes: eps 1e-2 keeps rounding error (~1e-7 / eps) well under the tolerance, and the
    // central difference's truncation error (~eps^2 * f''') is small for this smooth loss.
    const eps = 1e-2;
    const checked = [
      'wte',
      'wpe',
      'h0.ln1.g',
      'h0.attn.wqkv',
      'h0.attn.bo',
      'h0.mlp.w1',
      'h0.mlp.b2',
      'lnf.b',
      'head.w',
    ];
    for (const name of checked) {
      const variable = model.params.get(name)!;
      const analytic = await grads[variable.name]!.data();
      const original = new Float32Array(await variable.data());
      // Probe the four largest-gradient coordinates (small gradients are dominated by rounding).
      const order = Array.from(analytic.keys()).sort(
        (a, b) => Math.abs(analytic[b]!) - Math.abs(analytic[a]!),
      );
      for (const i of order.slice(0, 4)) {
        const bumped = new Float32Array(original);
        bumped[i] = original[i]! + eps;
        variable.assign(tf.tensor(bumped, variable.shape));
        const up = await lossAt();
        bumped[i] = original[i]! - eps;
        variable.assign(tf.tensor(bumped, variable.shape));
        const down = await lossAt();
        variable.assign(tf.tensor(original, variable.shape));
        const numeric = (up - down) / (2 * eps);
        expect(
          Math.abs(numeric - analytic[i]!),
          `${name}[${i}] analytic ${analytic[i]} numeric ${numeric}`,
        ).toBeLessThan(2e-3 + 2e-2 * Math.abs(numeric));
      }
    }
    tf.dispose([x, y, mask, ...Object.values(grads)]);
    model.dispose();
  });

  it('gives zero gradient to positions the mask leaves out', async () => {
    const model = GPT.create({ ...TINY, nLayer: 1, blockSize: 4 }, 5);
    const x = ids(1, 4, TINY.vocabSize);
    const y = ids(1, 4, TINY.vocabSize, 2);
    const none = tf.zeros<tf.Rank.R2>([1, 4]);
    const variables = model.specs.map((s) => model.params.get(s.name)!);
    const { value, grads } = tf.variableGrads(() => model.loss(x, y, none), variables);
    expect(Math.abs((await value.data())[0]!)).toBe(0);
    for (const g of Object.values(grads)) expect(Math.max(...(await tf.abs(g).data()))).toBe(0);
    tf.dispose([x, y, none, value, ...Object.values(grads)]);
    model.dispose();
  });
});
