// Training behaviour on the cpu backend: a tiny model learns a trivial task, memory stays flat, a seed
// fixes everything, and AdamW and the schedule do what their formulas say.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { GPT } from '../../src/model/gpt.ts';
import { CharTokenizer } from '../../src/model/tokenizer.ts';
import { AdamW } from '../../src/train/adamW.ts';
import { lrAt } from '../../src/train/schedule.ts';
import {
  DEFAULT_TRAIN_OPTIONS,
  Trainer,
  type TrainEvent,
  type TrainOptions,
} from '../../src/train/trainer.ts';
import { useCpu } from './engineFixtures.ts';

beforeAll(useCpu);

const text = 'the cat sat. '.repeat(60);
const tokenizer = CharTokenizer.fromTexts([text]);
const config = { vocabSize: tokenizer.size, nLayer: 1, nHead: 2, nEmbd: 24, blockSize: 16, dropout: 0 };

function options(steps: number, seed = 7): TrainOptions {
  return {
    ...DEFAULT_TRAIN_OPTIONS,
    steps,
    batchSize: 8,
    seed,
    logInterval: 1,
    schedule: { lr: 1e-2, minLr: 1e-3, warmupSteps: 5, decaySteps: steps },
  };
}

describe('training', () => {
  it('learns a repeating sentence: loss falls below 0.25 nats from ~2.0', async () => {
    const model = GPT.create(config, 1);
    const losses: number[] = [];
    const trainer = new Trainer(model, { tokens: tokenizer.encode(text) }, null, options(120));
    await trainer.run((e) => e.kind === 'progress' && losses.push(e.loss));
    expect(losses[0]).toBeGreaterThan(1.5);
    expect(losses.at(-1)).toBeLessThan(0.25);
    model.dispose();
    trainer.optimizer.dispose();
  });

  it("keeps tf.memory().numTensors and the backend's buffers flat over 50 steps", async () => {
    const model = GPT.create(config, 2);
    const trainer = new Trainer(model, { tokens: tokenizer.encode(text) }, null, {
      ...options(60),
      logInterval: 5,
    });
    const counts: string[] = [];
    await trainer.run(
      (e) => e.kind === 'progress' && counts.push(`${tf.memory().numTensors}/${tf.backend().numDataIds()}`),
    );
    // The first reading can include lazily created constants (the causal mask); after it, flat.
    expect(counts.length).toBeGreaterThan(5);
    expect(new Set(counts.slice(1)).size).toBe(1);
    model.dispose();
    trainer.optimizer.dispose();
  });

  it('gives the same first-step loss and the same trajectory for the same seed, another for another', async () => {
    const run = async (seed: number) => {
      const model = GPT.create(config, seed);
      const events: TrainEvent[] = [];
      const trainer = new Trainer(model, { tokens: tokenizer.encode(text) }, null, options(3, seed));
      await trainer.run((e) => events.push(e));
      model.dispose();
      trainer.optimizer.dispose();
      return events.filter((e) => e.kind === 'progress').map((e) => (e.kind === 'progress' ? e.loss : 0));
    };
    const a = await run(11);
    const b = await run(11);
    const c = await run(12);
    expect(a).toEqual(b);
    expect(a[0]).not.toBe(c[0]);
  });

  it('stops when asked and resumes from where it stopped', async () => {
    const model = GPT.create(config, 4);
    const trainer = new Trainer(model, { tokens: tokenizer.encode(text) }, null, options(10));
    await trainer.run((e) => {
      if (e.kind === 'progress' && e.step === 4) trainer.control.stop();
    });
    expect(trainer.step).toBe(4);
    model.dispose();
    trainer.optimizer.dispose();
  });

  it('refuses training data outside the vocabulary', () => {
    const model = GPT.create(config, 4);
    expect(() => new Trainer(model, { tokens: new Int32Array([0, 1, 99]) }, null, options(1))).toThrow(
      /outside the vocabulary/,
    );
    model.dispose();
  });
});

describe('AdamW', () => {
  it('applies one decoupled-decay update exactly as its formula', async () => {
    const p = tf.variable(tf.tensor2d([[1, -2]]), true, 'adam-test-w');
    const b = tf.variable(tf.tensor1d([0.5]), true, 'adam-test-b');
    const specs = [
      { name: 'w', shape: [1, 2], init: 'zeros' as const, std: 0, decay: true },
      { name: 'b', shape: [1], init: 'zeros' as const, std: 0, decay: false },
    ];
    const opt = new AdamW(
      new Map<string, tf.Variable>([
        ['w', p],
        ['b', b],
      ]),
      specs,
      { beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.1 },
    );
    const grads = { w: tf.tensor2d([[0.2, -0.4]]), b: tf.tensor1d([1]) };
    opt.apply(grads, 0.01);
    // step 1: m_hat = g, v_hat = g^2, so the Adam term is sign(g) (up to eps); decay adds 0.1 * p to weights.
    const w = await p.data();
    expect(w[0]).toBeCloseTo(1 - 0.01 * (1 + 0.1 * 1), 6);
    expect(w[1]).toBeCloseTo(-2 - 0.01 * (-1 + 0.1 * -2), 6);
    expect((await b.data())[0]).toBeCloseTo(0.5 - 0.01 * 1, 6);
    const state = await opt.getState();
    expect(state.step).toBe(1);
    expect(Array.from(state.m.get('w')!)).toEqual([expect.closeTo(0.02, 7), expect.closeTo(-0.04, 7)]);
    tf.dispose([p, b, grads.w, grads.b]);
    opt.dispose();
  });
});

describe('learning-rate schedule', () => {
  const s = { lr: 1, minLr: 0.1, warmupSteps: 10, decaySteps: 110 };
  it('warms up linearly, peaks, decays by cosine to the floor and stays there', () => {
    expect(lrAt(0, s)).toBeCloseTo(0.1);
    expect(lrAt(9, s)).toBeCloseTo(1);
    expect(lrAt(10, s)).toBeCloseTo(1);
    expect(lrAt(60, s)).toBeCloseTo(0.55);
    expect(lrAt(110, s)).toBeCloseTo(0.1);
    expect(lrAt(500, s)).toBeCloseTo(0.1);
  });
});
