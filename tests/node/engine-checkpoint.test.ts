// Checkpoints: a round trip gives identical logits and an identical next training step; truncated,
// corrupt and foreign files are refused with a message that says what is wrong.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { GPT } from '../../src/model/gpt.ts';
import { CharTokenizer } from '../../src/model/tokenizer.ts';
import { AdamW } from '../../src/train/adamW.ts';
import {
  CheckpointError,
  decodeCheckpoint,
  encodeCheckpoint,
  type Checkpoint,
} from '../../src/train/checkpoint.ts';
import { DEFAULT_TRAIN_OPTIONS, Trainer, type TrainOptions } from '../../src/train/trainer.ts';
import { editMetadata, withHeader } from './checkpointEdits.ts';
import { ids, useCpu } from './engineFixtures.ts';

beforeAll(useCpu);

const text = 'abc abd abe. '.repeat(30);
const tokenizer = CharTokenizer.fromTexts([text]);
const config = { vocabSize: tokenizer.size, nLayer: 1, nHead: 2, nEmbd: 16, blockSize: 12, dropout: 0 };
const options = (steps: number): TrainOptions => ({
  ...DEFAULT_TRAIN_OPTIONS,
  steps,
  batchSize: 4,
  seed: 3,
  logInterval: 1,
  schedule: { lr: 5e-3, minLr: 5e-4, warmupSteps: 2, decaySteps: 8 },
});

async function snapshot(model: GPT, optimizer: AdamW | null, step: number): Promise<Checkpoint> {
  return {
    config: model.config,
    vocab: tokenizer.toJSON(),
    weights: await model.getWeights(),
    optimizer: optimizer ? { ...(await optimizer.getState()), config: optimizer.config } : null,
    step,
    recipe: { note: 'test' },
    metrics: { loss: 1.5 },
    info: { stage: 'pretrain' },
  };
}

async function logitsOf(model: GPT): Promise<Float32Array> {
  const x = ids(2, 12, tokenizer.size);
  const logits = model.forward(x);
  const values = new Float32Array(await logits.data());
  tf.dispose([x, logits]);
  return values;
}

describe('checkpoints', () => {
  it('round-trip every field and give identical logits', async () => {
    const model = GPT.create(config, 1);
    const bytes = await encodeCheckpoint(await snapshot(model, null, 42));
    const decoded = await decodeCheckpoint(bytes);
    expect(decoded.step).toBe(42);
    expect(decoded.vocab).toEqual(tokenizer.toJSON());
    expect(decoded.recipe).toEqual({ note: 'test' });
    expect(decoded.metrics).toEqual({ loss: 1.5 });
    expect(decoded.info).toEqual({ stage: 'pretrain' });
    const restored = GPT.fromWeights(decoded.config, decoded.weights);
    expect(await logitsOf(restored)).toEqual(await logitsOf(model));
    model.dispose();
    restored.dispose();
  });

  it('decodes from a view at any offset of a larger buffer (a Node Buffer read from a file)', async () => {
    const model = GPT.create(config, 1);
    const bytes = await encodeCheckpoint(await snapshot(model, null, 7));
    // Node's Buffer.slice returns a view, not a copy: the decoder must not assume either.
    const pool = Buffer.alloc(bytes.length + 13);
    pool.set(bytes, 13);
    const decoded = await decodeCheckpoint(pool.subarray(13));
    const restored = GPT.fromWeights(decoded.config, decoded.weights);
    expect(await logitsOf(restored)).toEqual(await logitsOf(model));
    model.dispose();
    restored.dispose();
  });

  it('resumes training exactly: stop at step 4, reload, continue = never stopped', async () => {
    const straight = GPT.create(config, 5);
    const straightTrainer = new Trainer(straight, { tokens: tokenizer.encode(text) }, null, options(8));
    const straightLosses: number[] = [];
    await straightTrainer.run((e) => e.kind === 'progress' && straightLosses.push(e.loss));

    const first = GPT.create(config, 5);
    const firstTrainer = new Trainer(first, { tokens: tokenizer.encode(text) }, null, options(4));
    await firstTrainer.run();
    const bytes = await encodeCheckpoint(await snapshot(first, firstTrainer.optimizer, firstTrainer.step));
    const ckpt = await decodeCheckpoint(bytes);
    const resumed = GPT.fromWeights(ckpt.config, ckpt.weights);
    const optimizer = new AdamW(resumed.params, resumed.specs, ckpt.optimizer!.config);
    optimizer.setState(ckpt.optimizer!);
    const resumedTrainer = new Trainer(
      resumed,
      { tokens: tokenizer.encode(text) },
      null,
      options(8),
      optimizer,
    );
    const resumedLosses: number[] = [];
    await resumedTrainer.run((e) => e.kind === 'progress' && resumedLosses.push(e.loss));
    expect(resumedLosses).toEqual(straightLosses.slice(4));
    expect(await logitsOf(resumed)).toEqual(await logitsOf(straight));
    for (const m of [straight, first, resumed]) m.dispose();
    for (const o of [straightTrainer.optimizer, firstTrainer.optimizer, optimizer]) o.dispose();
  });

  it('refuses truncated, corrupt, foreign and mismatched files with a clear message', async () => {
    const model = GPT.create(config, 1);
    const good = await encodeCheckpoint(await snapshot(model, null, 1));
    const refuse = async (bytes: Uint8Array, pattern: RegExp) => {
      const error = await decodeCheckpoint(bytes).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(CheckpointError);
      expect((error as Error).message).toMatch(pattern);
    };
    await refuse(good.slice(0, good.length - 10), /truncated/);
    await refuse(good.slice(0, 40), /truncated/);
    await refuse(good.slice(0, 5), /too short/);
    await refuse(
      new TextEncoder().encode('{"weights": [1, 2, 3], "format": "something else entirely"}'),
      /header length is absurd|not a checkpoint/,
    );
    const flipped = good.slice();
    flipped[flipped.length - 3]! ^= 0xff;
    await refuse(flipped, /SHA-256 does not match/);
    await refuse(
      withHeader(good, (h) => void (h.__metadata__.format_version = '99'), { resign: false }),
      /written by a newer lab/,
    );
    // A checkpoint whose header claims another architecture than its weights, digest recomputed.
    await refuse(
      editMetadata(good, 'config', (c) => ({ ...(c as object), nEmbd: 32 })),
      /needs \d+ bytes of weights, the file holds \d+/,
    );
    model.dispose();
  });
});
