// Shared by the parity tests (Node and browser, so no Node-only imports): run an op (or a loss) on both
// op sets and compare values and gradients; train a tiny model on a toy corpus and compare its losses.
import * as tf from '@tensorflow/tfjs';
import type { GPTConfig } from '../../src/model/config.ts';
import { GPT } from '../../src/model/gpt.ts';
import { referenceOps, type ModelOps } from '../../src/model/modelOps.ts';
import { AdamW, type AdamWOptions } from '../../src/train/adamW.ts';
import { getBatch, type TokenData } from '../../src/train/batches.ts';
import { batchTensors, trainStep } from '../../src/train/trainStep.ts';
import { Rng } from '../../src/util/rng.ts';

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

/** The tiny model the training parity tests compare (2 layers, 2 heads, width 32, context 32). */
export const tinyConfig: GPTConfig = {
  vocabSize: 13,
  nLayer: 2,
  nHead: 2,
  nEmbd: 32,
  blockSize: 32,
  dropout: 0,
};
const batchSize = 8;

/** A learnable toy corpus: a repeating pattern with some seeded noise. */
export function toyData(): TokenData {
  const rng = Rng.derive(7, 'toy');
  const tokens = new Int32Array(4000);
  for (let i = 0; i < tokens.length; i++) tokens[i] = rng.next() < 0.1 ? Math.floor(rng.next() * 13) : i % 9;
  return { tokens };
}

/** One batch's loss and every parameter gradient of a fresh model (seed 3) with these ops. */
export async function lossAndGrads(config: GPTConfig, ops: ModelOps | undefined) {
  const model = GPT.create(config, 3, ops);
  const { x, y, mask } = batchTensors(getBatch(toyData(), batchSize, config.blockSize, Rng.derive(1, 'b')));
  const vars = model.specs.map((s) => model.params.get(s.name)!);
  const { value, grads } = tf.variableGrads(() => model.loss(x, y, mask), vars);
  const out = {
    loss: (await value.data())[0]!,
    grads: await Promise.all(vars.map(async (v) => (await grads[v.name]!.data()) as Float32Array)),
  };
  tf.dispose([x, y, mask, value, ...Object.values(grads)]);
  model.dispose();
  return out;
}

/** The losses of `steps` AdamW steps of a fresh model (seed 5) with these ops on the toy corpus. */
export async function trainLosses(
  config: GPTConfig,
  ops: ModelOps | undefined,
  steps: number,
  options?: AdamWOptions,
): Promise<number[]> {
  const data = toyData();
  const model = GPT.create(config, 5, ops);
  const optimizer = new AdamW(model.params, model.specs, undefined, options);
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    const batch = getBatch(data, batchSize, config.blockSize, Rng.derive(11, `batch/${step}`));
    const { loss, gradNorm } = trainStep(model, optimizer, batch, 3e-3, 1, step);
    losses.push((await loss.data())[0]!);
    tf.dispose([loss, gradNorm]);
  }
  optimizer.dispose();
  model.dispose();
  return losses;
}

export const rnd = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, 'float32', seed);

/** Three clipped AdamW updates of a tiny model's weights with fixed gradients; the state afterwards. */
export async function adamWState(config: GPTConfig, fusedKernel: boolean) {
  const model = GPT.create(config, 9, referenceOps);
  const optimizer = new AdamW(model.params, model.specs, undefined, { fusedKernel });
  const norms: number[] = [];
  for (let step = 0; step < 3; step++) {
    const grads: tf.NamedTensorMap = {}; // seeds from 1000: tf.randomNormal treats seed 0 as unseeded
    model.specs.forEach((spec, i) => (grads[spec.name] = rnd(spec.shape, 1000 + 100 * step + i)));
    const norm = optimizer.applyClipped(grads, 1e-2, step === 0 ? 1e3 : 1); // unclipped, then clipped
    norms.push((await norm.data())[0]!);
    tf.dispose([norm, ...Object.values(grads)]);
  }
  const state = await optimizer.getState();
  const weights = await model.getWeights();
  optimizer.dispose();
  model.dispose();
  return { norms, state, weights };
}
