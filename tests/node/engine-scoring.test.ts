// Scoring is the lab's measuring instrument: it must equal log-probabilities computed by hand from the
// logits. Sampling must be reproducible from its seed.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { GPT } from '../../src/model/gpt.ts';
import { drawFromLogits, sampleText } from '../../src/model/sampling.ts';
import { scoreCandidates, scoreCandidatesExact } from '../../src/model/scoring.ts';
import { CharTokenizer, UnknownCharacterError } from '../../src/model/tokenizer.ts';
import { Rng } from '../../src/util/rng.ts';
import { useCpu } from './engineFixtures.ts';

beforeAll(useCpu);

const tokenizer = new CharTokenizer([' ', '.', 'a', 'b', 'c', 'd', 'e']);
const config = { vocabSize: tokenizer.size, nLayer: 2, nHead: 2, nEmbd: 16, blockSize: 10, dropout: 0 };

/**
 * log p(candidate | prompt) by hand: one forward pass per candidate character on exactly the context the
 * scorer promises (everything before it within the last blockSize + 1 characters), float64 log-softmax.
 */
async function scoreByHand(model: GPT, prompt: string, candidate: string): Promise<number[]> {
  const all = Array.from(tokenizer.encode(prompt + candidate));
  const out: number[] = [];
  const windowStart = Math.max(0, all.length - (config.blockSize + 1));
  for (let k = prompt.length; k < all.length; k++) {
    const context = all.slice(windowStart, k);
    const logits = model.forward(tf.tensor2d(context, [1, context.length], 'int32'));
    const values = Array.from(await logits.data()).slice((context.length - 1) * tokenizer.size);
    logits.dispose();
    const max = Math.max(...values);
    const logSum = max + Math.log(values.reduce((s, v) => s + Math.exp(v - max), 0));
    out.push(values[all[k]!]! - logSum);
  }
  return out;
}

describe.each([
  ['scoreCandidates', scoreCandidates],
  ['scoreCandidatesExact', scoreCandidatesExact],
])('%s', (_, scoreCandidates) => {
  it('equals the sum of per-character log-probabilities computed by hand, batched and unbatched', async () => {
    const model = GPT.create(config, 9);
    const requests = [
      { prompt: 'ab', candidates: ['cd.', 'e'] },
      { prompt: 'abcde abcd', candidates: ['e a', 'ddd'] }, // prompt + candidate longer than the context
      { prompt: 'c', candidates: ['abcdeabcde'] }, // candidate as long as the context
      // several candidates whose windows start at prompt character 0, 1 (two of them) and 2
      { prompt: 'abc d', candidates: ['a', 'dd.ddd.', 'bb', 'abcdeabc', 'e.e', 'c.c.c.c'] },
    ];
    for (const batchSize of [1, 2, 32]) {
      const scores = await scoreCandidates(model, tokenizer, requests, batchSize);
      for (const [r, request] of requests.entries()) {
        for (const [c, candidate] of request.candidates.entries()) {
          const expected = await scoreByHand(model, request.prompt, candidate);
          const got = scores[r]![c]!;
          expect(got.perChar).toHaveLength(candidate.length);
          got.perChar.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 4));
          expect(got.total).toBeCloseTo(
            expected.reduce((a, b) => a + b, 0),
            4,
          );
        }
      }
    }
    model.dispose();
  });

  it('refuses characters outside the vocabulary, empty prompts and over-long candidates', async () => {
    const model = GPT.create(config, 9);
    await expect(scoreCandidates(model, tokenizer, [{ prompt: 'ab', candidates: ['xyz'] }])).rejects.toThrow(
      UnknownCharacterError,
    );
    await expect(scoreCandidates(model, tokenizer, [{ prompt: '', candidates: ['a'] }])).rejects.toThrow(
      /prompt is empty/,
    );
    await expect(
      scoreCandidates(model, tokenizer, [{ prompt: 'a', candidates: ['a'.repeat(11)] }]),
    ).rejects.toThrow(/longer than the context/);
    model.dispose();
  });
});

describe('sampling', () => {
  it('gives the same text for the same seed and stops at a stop string', async () => {
    const model = GPT.create(config, 2);
    const opts = { maxNewChars: 12, temperature: 1, topK: 0, seed: 5 };
    const a = await sampleText(model, tokenizer, 'ab', opts);
    const b = await sampleText(model, tokenizer, 'ab', opts);
    expect(a).toEqual(b);
    expect(a.text).toHaveLength(12);
    const others = await Promise.all(
      [6, 7, 8].map((seed) => sampleText(model, tokenizer, 'ab', { ...opts, seed })),
    );
    expect(others.some((o) => o.text !== a.text)).toBe(true);
    const stopAt = a.text[3]!;
    const stopped = await sampleText(model, tokenizer, 'ab', { ...opts, stop: [stopAt] });
    expect(stopped.stoppedBy).toBe('stop');
    expect(stopped.text).toBe(a.text.slice(0, a.text.indexOf(stopAt)));
    model.dispose();
  });

  it('greedy picks the argmax; top-k never picks outside the k best', () => {
    const rng = new Rng(1);
    expect(drawFromLogits([0.1, 3, 2], 0, 0, rng)).toBe(1);
    const picks = new Set(Array.from({ length: 200 }, () => drawFromLogits([5, 4, 0, -1], 1, 2, rng)));
    expect([...picks].sort()).toEqual([0, 1]);
  });
});

describe('CharTokenizer', () => {
  it('builds stable ids in code-point order and round-trips text', () => {
    const t = CharTokenizer.fromTexts(['cab', 'a c']);
    expect(t.toJSON()).toEqual([' ', 'a', 'b', 'c']);
    expect(Array.from(t.encode('cab'))).toEqual([3, 1, 2]);
    expect(t.decode(t.encode('a cab'))).toBe('a cab');
    expect(new CharTokenizer(t.toJSON()).encode('ba')).toEqual(t.encode('ba'));
  });

  it('refuses unknown characters, naming them', () => {
    const t = CharTokenizer.fromTexts(['abc']);
    expect(() => t.encode('abZq')).toThrow(/"Z", "q"/);
    expect(() => new CharTokenizer(['a', 'a'])).toThrow(/twice/);
  });
});
