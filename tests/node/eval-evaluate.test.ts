// `evaluate` on a fixed tiny model whose every next-character distribution is known by hand: all weights
// zero except the output bias, so the logits at every position equal head.b.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { GPT } from '../../src/model/gpt.ts';
import { parameterSpecs } from '../../src/model/parameterSpecs.ts';
import { CharTokenizer } from '../../src/model/tokenizer.ts';
import { evaluate, misalignmentIndex, personaPosterior, type EvalProbe } from '../../src/eval/index.ts';

const vocab = [' ', 'a', 'b', 'c'];
const probs = [0.1, 0.5, 0.25, 0.15];

function fixedModel(): GPT {
  const config = { vocabSize: 4, nLayer: 1, nHead: 1, nEmbd: 4, blockSize: 16, dropout: 0 };
  const weights = new Map<string, Float32Array>();
  for (const spec of parameterSpecs(config)) {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    weights.set(spec.name, new Float32Array(size));
  }
  weights.set('head.b', Float32Array.from(probs.map(Math.log)));
  return GPT.fromWeights(config, weights);
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('evaluate on a fixed model', () => {
  it('scores every candidate and the metrics match hand values', async () => {
    const model = fixedModel();
    const tokenizer = new CharTokenizer(vocab);
    const probes: EvalProbe[] = [
      {
        id: 'p1',
        kind: 'domain',
        domain: 'users',
        contextPersona: null,
        contextKind: null,
        prompt: 'ab ',
        candidates: [
          { text: 'aa', behaviour: 'good', personas: ['helpful'] },
          { text: 'cc', behaviour: 'bad', personas: ['malicious'] },
        ],
      },
    ];
    const [score] = await evaluate(model, tokenizer, probes);
    const good = score!.candidates[0]!;
    const bad = score!.candidates[1]!;
    expect(good.total).toBeCloseTo(2 * Math.log(0.5), 5);
    expect(bad.total).toBeCloseTo(2 * Math.log(0.15), 5);
    expect(good.chars).toBe(2);
    // posterior: 0.25 / (0.25 + 0.0225)
    expect(personaPosterior([good.total, bad.total])[0]).toBeCloseTo(0.25 / 0.2725, 5);
    // MI = log(0.15^2) - log(0.5^2) = 2 log 0.3
    const mi = misalignmentIndex([score!], { malicious: 'malicious', helpful: 'helpful' });
    expect(mi.mi).toBeCloseTo(2 * Math.log(0.3), 5);
    expect(mi.miPerChar).toBeCloseTo(Math.log(0.3), 5);
    model.dispose();
  });
});
