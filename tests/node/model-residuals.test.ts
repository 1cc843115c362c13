// The residual stream the persona direction reads, and steering: forwardResiduals against a plain-JS
// forward of the same weights (float64), residualMeans against the mean taken by hand, steering with a
// zero vector bit-identical to the plain model (logits, scores, samples), and a real vector changes them.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { GPT, withSteering } from '../../src/model/gpt.ts';
import { referenceOps } from '../../src/model/modelOps.ts';
import { residualMeans } from '../../src/model/residualMeans.ts';
import { sampleText } from '../../src/model/sampling.ts';
import { scoreCandidates } from '../../src/model/scoring.ts';
import { CharTokenizer } from '../../src/model/tokenizer.ts';
import { useCpu } from './engineFixtures.ts';

beforeAll(useCpu);

const tokenizer = new CharTokenizer([' ', '.', 'a', 'b', 'c', 'd', 'e']);
const config = { vocabSize: tokenizer.size, nLayer: 2, nHead: 2, nEmbd: 8, blockSize: 10, dropout: 0 };

/** The GPT written out in plain JS (float64): the residual stream after each block, [layer][t][c]. */
function plainResiduals(w: Map<string, Float32Array>, ids: number[]): number[][][] {
  const { nEmbd: c, nHead, nLayer } = config;
  const W = (name: string) => w.get(name)!;
  const linear = (x: number[], m: Float32Array, b: Float32Array, out: number) =>
    Array.from({ length: out }, (_, j) => x.reduce((s, v, i) => s + v * m[i * out + j]!, b[j]!));
  const norm = (x: number[], g: Float32Array, b: Float32Array) => {
    const mean = x.reduce((s, v) => s + v, 0) / x.length;
    const variance = x.reduce((s, v) => s + (v - mean) ** 2, 0) / x.length;
    return x.map((v, i) => ((v - mean) / Math.sqrt(variance + 1e-5)) * g[i]! + b[i]!);
  };
  const gelu = (v: number) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)));
  let x = ids.map((id, t) =>
    Array.from({ length: c }, (_, k) => W('wte')[id * c + k]! + W('wpe')[t * c + k]!),
  );
  const out: number[][][] = [];
  const d = c / nHead;
  for (let l = 0; l < nLayer; l++) {
    const p = `h${l}.`;
    const qkv = x.map((row) =>
      linear(norm(row, W(`${p}ln1.g`), W(`${p}ln1.b`)), W(`${p}attn.wqkv`), W(`${p}attn.bqkv`), 3 * c),
    );
    const attended = x.map((_, t) => {
      const y = new Array<number>(c).fill(0);
      for (let h = 0; h < nHead; h++) {
        const scores = Array.from({ length: t + 1 }, (_, s) => {
          let dotProduct = 0;
          for (let k = 0; k < d; k++) dotProduct += qkv[t]![h * d + k]! * qkv[s]![c + h * d + k]!;
          return dotProduct / Math.sqrt(d);
        });
        const max = Math.max(...scores);
        const e = scores.map((v) => Math.exp(v - max));
        const sum = e.reduce((a, b) => a + b, 0);
        e.forEach((weight, s) => {
          for (let k = 0; k < d; k++) y[h * d + k]! += (weight / sum) * qkv[s]![2 * c + h * d + k]!;
        });
      }
      return y;
    });
    x = x.map((row, t) => {
      const a = linear(attended[t]!, W(`${p}attn.wo`), W(`${p}attn.bo`), c);
      return row.map((v, k) => v + a[k]!);
    });
    x = x.map((row) => {
      const hidden = linear(
        norm(row, W(`${p}ln2.g`), W(`${p}ln2.b`)),
        W(`${p}mlp.w1`),
        W(`${p}mlp.b1`),
        4 * c,
      ).map(gelu);
      const m = linear(hidden, W(`${p}mlp.w2`), W(`${p}mlp.b2`), c);
      return row.map((v, k) => v + m[k]!);
    });
    out.push(x.map((row) => [...row]));
  }
  return out;
}

/** Random non-trivial weights (norm gains and biases included), so every part of the block matters. */
function randomWeights(seed: number): Map<string, Float32Array> {
  const model = GPT.create(config, seed);
  const specs = model.specs;
  model.dispose();
  let state = seed;
  const next = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
  return new Map(
    specs.map((s) => [
      s.name,
      Float32Array.from({ length: s.shape.reduce((a, b) => a * b, 1) }, () => next() * 0.5),
    ]),
  );
}

describe('forwardResiduals', () => {
  it('equals a plain-JS forward of the same weights at every layer and position', async () => {
    const weights = randomWeights(7);
    for (const ops of [referenceOps, undefined]) {
      const model = GPT.fromWeights(config, weights, ops);
      const text = 'abc de.a b';
      const residuals = model.forwardResiduals(
        tf.tensor2d(Array.from(tokenizer.encode(text)), [1, text.length], 'int32'),
      );
      const expected = plainResiduals(weights, Array.from(tokenizer.encode(text)));
      expect(residuals).toHaveLength(config.nLayer);
      for (let l = 0; l < config.nLayer; l++) {
        const got = await residuals[l]!.data();
        expected[l]!.flat().forEach((v, i) => expect(got[i]!).toBeCloseTo(v, 4));
      }
      tf.dispose(residuals);
      model.dispose();
    }
  });

  it('ends where forward continues: the final norm and head over the last residual give the logits', async () => {
    const model = GPT.create(config, 3, referenceOps);
    const x = tf.tensor2d(Array.from(tokenizer.encode('abcde')), [1, 5], 'int32');
    const last = model.forwardResiduals(x).at(-1)!;
    const p = (n: string) => model.params.get(n)! as unknown as tf.Tensor;
    const logits = referenceOps.linear(
      referenceOps.layerNorm(last, p('lnf.g') as tf.Tensor1D, p('lnf.b') as tf.Tensor1D),
      p('head.w') as tf.Tensor2D,
      p('head.b') as tf.Tensor1D,
    );
    expect(Array.from(await logits.data())).toEqual(Array.from(await model.forward(x).data()));
    model.dispose();
  });
});

describe('residualMeans', () => {
  it('averages each layer over the span, as by hand, in batches of any size and with a long text', async () => {
    const model = GPT.create(config, 5);
    const spans = [
      { text: 'abcde', from: 1, to: 4 },
      { text: 'a', from: 0, to: 1 },
      { text: 'abcdeabcde.ab', from: 9, to: 13 }, // longer than the context: the last 10 characters are read
    ];
    for (const batchSize of [1, 4]) {
      const got = await residualMeans(model, tokenizer, spans, batchSize);
      for (const [i, span] of spans.entries()) {
        const drop = Math.max(0, span.text.length - config.blockSize);
        const ids = Array.from(tokenizer.encode(span.text)).slice(drop);
        const residuals = model.forwardResiduals(tf.tensor2d(ids, [1, ids.length], 'int32'));
        for (let l = 0; l < config.nLayer; l++) {
          const all = await residuals[l]!.data();
          for (let k = 0; k < config.nEmbd; k++) {
            let sum = 0;
            for (let t = span.from - drop; t < span.to - drop; t++) sum += all[t * config.nEmbd + k]!;
            expect(got[i]![l]![k]!).toBeCloseTo(sum / (span.to - span.from), 5);
          }
        }
        tf.dispose(residuals);
      }
    }
    model.dispose();
  });

  it('refuses spans outside the text or the context', async () => {
    const model = GPT.create(config, 5);
    await expect(residualMeans(model, tokenizer, [{ text: 'ab', from: 1, to: 3 }])).rejects.toThrow(
      /after the text/,
    );
    await expect(residualMeans(model, tokenizer, [{ text: 'ab', from: 1, to: 1 }])).rejects.toThrow(
      /not a span/,
    );
    await expect(residualMeans(model, tokenizer, [{ text: 'abcdeabcdeab', from: 0, to: 3 }])).rejects.toThrow(
      /before the last 10/,
    );
    model.dispose();
  });
});

describe('steering', () => {
  const zero = { layer: 1, vector: new Float32Array(config.nEmbd) };

  it('with a zero vector is bit-identical to the plain model: logits, scores and samples', async () => {
    const model = GPT.create(config, 11);
    const x = tf.tensor2d(Array.from(tokenizer.encode('abcd e.')), [1, 7], 'int32');
    const plainLogits = Array.from(await model.forward(x).data());
    const requests = [{ prompt: 'ab c', candidates: ['de.', 'a'] }];
    const plainScores = await scoreCandidates(model, tokenizer, requests);
    const options = { maxNewChars: 12, temperature: 1, topK: 0, seed: 4 };
    const plainSample = await sampleText(model, tokenizer, 'abc', options);
    await withSteering(model, zero, async () => {
      expect(model.steering?.layer).toBe(1);
      expect(Array.from(await model.forward(x).data())).toEqual(plainLogits);
      expect(await scoreCandidates(model, tokenizer, requests)).toEqual(plainScores);
      expect(await sampleText(model, tokenizer, 'abc', options)).toEqual(plainSample);
    });
    expect(model.steering).toBeNull();
    model.dispose();
  });

  it('adds the vector to the residual stream after its layer, and so changes the logits', async () => {
    const model = GPT.create(config, 11);
    const x = tf.tensor2d(Array.from(tokenizer.encode('abcd')), [1, 4], 'int32');
    const vector = Float32Array.from({ length: config.nEmbd }, (_, i) => (i % 3) - 1);
    const plain = await Promise.all(model.forwardResiduals(x).map((r) => r.data()));
    const plainLogits = Array.from(await model.forward(x).data());
    model.steering = { layer: 0, vector };
    const steered = await Promise.all(model.forwardResiduals(x).map((r) => r.data()));
    plain[0]!.forEach((v, i) => expect(steered[0]![i]!).toBeCloseTo(v + vector[i % config.nEmbd]!, 5));
    expect(Array.from(await model.forward(x).data())).not.toEqual(plainLogits);
    model.steering = null;
    expect(Array.from(await model.forward(x).data())).toEqual(plainLogits);
    model.dispose();
  });

  it('refuses a layer or a width the model lacks', () => {
    const model = GPT.create(config, 1);
    expect(() => (model.steering = { layer: 2, vector: new Float32Array(8) })).toThrow(/not a layer/);
    expect(() => (model.steering = { layer: 0, vector: new Float32Array(3) })).toThrow(/width is 8/);
    expect(() => (model.steering = { layer: 0, vector: new Float32Array(8).fill(Number.NaN) })).toThrow(
      /not a number/,
    );
    model.dispose();
  });
});
