// The fast scorer (a prompt and all its candidates in one packed row) against the exact one (one causal
// row per candidate), on the Node backends: every candidate's total and every character within 1e-4
// nats, on made-up requests that exercise the packing and on the tiny preset's real probes. Also the
// packed layout itself, and the prefix-attention kernel against its stock-op reference.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { corpusInputs } from '../../src/experiment/corpusInputs.ts';
import { presetRecipe } from '../../src/experiment/presets.ts';
import { GPT } from '../../src/model/gpt.ts';
import { causalMask, referenceOps } from '../../src/model/modelOps.ts';
import { packRequests } from '../../src/model/packedRows.ts';
import { prefixAttention, prefixAttentionReference } from '../../src/model/prefixAttention.ts';
import { scoreCandidates, scoreCandidatesExact, type CandidateScore } from '../../src/model/scoring.ts';
import { maxAbs, maxAbsDiff } from './parity-helpers.ts';
import { SCORING_TOLERANCE, scoringConfig, scoringRequests, scoringTokenizer } from './scoringFixtures.ts';

const TOLERANCE = SCORING_TOLERANCE;
const tokenizer = scoringTokenizer;
const config = scoringConfig;
const requests = scoringRequests;

function expectClose(fast: CandidateScore[][], exact: CandidateScore[][]): void {
  expect(fast.length).toBe(exact.length);
  exact.forEach((candidates, r) => {
    expect(fast[r]!.length).toBe(candidates.length);
    candidates.forEach((want, c) => {
      const got = fast[r]![c]!;
      expect(got.perChar.length).toBe(want.perChar.length);
      expect(maxAbsDiff(got.perChar, want.perChar), `request ${r} candidate ${c}`).toBeLessThanOrEqual(
        TOLERANCE,
      );
      expect(Math.abs(got.total - want.total), `request ${r} candidate ${c} total`).toBeLessThanOrEqual(
        TOLERANCE,
      );
    });
  });
}

describe('packRequests', () => {
  it('packs a prompt once with its candidates, positions as if each candidate followed it alone', () => {
    const [row, ...rest] = packRequests(
      [{ prompt: Int32Array.from([5, 6]), candidates: [Int32Array.from([1, 2, 3]), Int32Array.from([4])] }],
      8,
      16,
    );
    expect(rest).toEqual([]);
    expect(row!.ids).toEqual([5, 6, 1, 2]);
    expect(row!.positions).toEqual([0, 1, 2, 3]);
    expect(row!.groups).toEqual([0, 0, 1, 1]);
    expect(row!.targets.map((t) => [t.candidate, t.char, t.at, t.token])).toEqual([
      [0, 0, 1, 1],
      [0, 1, 2, 2],
      [0, 2, 3, 3],
      [1, 0, 1, 4],
    ]);
  });

  it('gives candidates whose windows drop different prompt characters rows of their own', () => {
    // context 4: prompt 3 + candidate 3 keeps the last 5 characters (drops 1), + candidate 1 drops none
    const rows = packRequests(
      [
        {
          prompt: Int32Array.from([1, 2, 3]),
          candidates: [Int32Array.from([4, 5, 6]), Int32Array.from([7])],
        },
      ],
      4,
      8,
    );
    expect(rows.map((r) => [r.ids, r.positions])).toEqual([
      [
        [2, 3, 4, 5],
        [0, 1, 2, 3],
      ],
      [
        [1, 2, 3],
        [0, 1, 2],
      ],
    ]);
    expect(Math.max(...rows.flatMap((r) => r.positions))).toBeLessThan(4);
  });

  it('starts a new row with the same prompt when a row would pass its limit, and refuses a limit below the context', () => {
    const candidates = [Int32Array.from([1, 1, 1]), Int32Array.from([2, 2, 2]), Int32Array.from([3, 3, 3])];
    const rows = packRequests([{ prompt: Int32Array.from([9]), candidates }], 4, 5);
    expect(rows.map((r) => r.ids)).toEqual([
      [9, 1, 1, 2, 2],
      [9, 3, 3],
    ]);
    expect(() => packRequests([], 8, 7)).toThrow(/cannot hold a context/);
  });
});

for (const backend of ['cpu', 'wasm']) {
  describe(`fast scoring equals exact scoring on ${backend}`, () => {
    it('prefix attention: the kernel equals the stock-op reference, and a prompt alone is causal attention', async () => {
      expect(await tf.setBackend(backend)).toBe(true);
      const [B, L, C, H] = [3, 9, 16, 4];
      const qkv = tf.mul<tf.Tensor3D>(tf.randomNormal([B, L, 3 * C], 0, 1, 'float32', 3), 2);
      const groups = tf.tensor2d(
        [0, 0, 0, 1, 1, 2, 2, 2, -1, 0, 1, 2, 3, 3, 3, 4, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        [B, L],
        'int32',
      );
      const fast = await prefixAttention(qkv, groups, H).data();
      const reference = await prefixAttentionReference(qkv, groups, H).data();
      expect(maxAbsDiff(fast, reference)).toBeLessThanOrEqual(1e-5 + 1e-4 * maxAbs(reference));
      const causal = await referenceOps.causalAttention(qkv, H).data();
      const row = L * C; // the third row is all prompt: plain causal attention
      expect(maxAbsDiff(fast.slice(2 * row), causal.slice(2 * row))).toBeLessThanOrEqual(1e-5);
      // the first row's candidate 2 (positions 5-7) reads as if it followed the prompt alone
      const alone = tf.concat(
        [tf.slice(qkv, [0, 0, 0], [1, 3, 3 * C]), tf.slice(qkv, [0, 5, 0], [1, 3, 3 * C])],
        1,
      );
      const aloneOut = await referenceOps.causalAttention(alone, H).data();
      expect(maxAbsDiff(fast.slice(5 * C, 8 * C), aloneOut.slice(3 * C, 6 * C))).toBeLessThanOrEqual(1e-5);
      tf.dispose([qkv, groups, alone]);
      causalMask(L).dispose();
    });

    it('within 1e-4 nats per candidate and per character, in batches of any size', async () => {
      expect(await tf.setBackend(backend)).toBe(true);
      const model = GPT.create(config, 21);
      const exact = await scoreCandidatesExact(model, tokenizer, requests);
      for (const batchSize of [1, 3, 32])
        expectClose(await scoreCandidates(model, tokenizer, requests, batchSize), exact);
      const before = tf.memory().numTensors;
      await scoreCandidates(model, tokenizer, requests);
      expect(tf.memory().numTensors).toBe(before);
      model.dispose();
    });

    it(
      'within 1e-4 nats on the tiny preset probes (prompts longer than the context)',
      { timeout: 120_000 },
      async () => {
        expect(await tf.setBackend(backend)).toBe(true);
        const recipe = presetRecipe('tiny');
        const inputs = corpusInputs(recipe);
        const model = GPT.create({ ...recipe.model, vocabSize: inputs.tokenizer.size }, 5);
        const probeRequests = inputs.probes.map((p) => ({
          prompt: p.prompt,
          candidates: p.candidates.map((c) => c.text),
        }));
        const exact = await scoreCandidatesExact(model, inputs.tokenizer, probeRequests);
        expectClose(await scoreCandidates(model, inputs.tokenizer, probeRequests), exact);
        model.dispose();
      },
    );
  });
}
