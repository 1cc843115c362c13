// Shared by the engine's browser tests: tiny configs, random-but-seeded weights, and a closeness measure.
import type { GPTConfig } from '../../src/model/config.ts';
import { parameterSpecs } from '../../src/model/parameterSpecs.ts';
import { Rng } from '../../src/util/rng.ts';

export const abcdVocab = ['a', 'b', 'c', 'd'];
/** A tiny model that learns the repeating 'abcd' task in a few dozen steps. */
export const abcdConfig: GPTConfig = {
  vocabSize: 4,
  nLayer: 1,
  nHead: 2,
  nEmbd: 16,
  blockSize: 16,
  dropout: 0,
};

/**
 * Weights with unit-scale LayerNorm gains and std-0.3 matrices: larger than a fresh model's 0.02, so
 * logits and gradients are far from uniform and a wrong kernel cannot hide behind near-zero values.
 */
export function spreadWeights(config: GPTConfig, seed: number): Map<string, Float32Array> {
  const rng = new Rng(seed);
  const out = new Map<string, Float32Array>();
  for (const spec of parameterSpecs(config)) {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(size);
    const isGain = spec.name.endsWith('.g');
    for (let i = 0; i < size; i++) values[i] = (isGain ? 1 : 0) + (rng.next() * 2 - 1) * 0.5;
    out.set(spec.name, values);
  }
  return out;
}

export interface Closeness {
  maxAbs: number;
  /** Largest |a-b| / |b| among entries with |b| > 1e-3 (smaller ones are judged by maxAbs alone). */
  maxRel: number;
  /** Entries outside |a-b| <= atol + rtol*|b|. */
  violations: number;
}

export function closeness(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  atol: number,
  rtol: number,
) {
  if (actual.length !== expected.length)
    throw new Error(`lengths differ: ${actual.length} vs ${expected.length}`);
  const result: Closeness = { maxAbs: 0, maxRel: 0, violations: 0 };
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const b = expected[i]!;
    const diff = Math.abs(a - b);
    result.maxAbs = Math.max(result.maxAbs, diff);
    if (Math.abs(b) > 1e-3) result.maxRel = Math.max(result.maxRel, diff / Math.abs(b));
    if (!(diff <= atol + rtol * Math.abs(b))) result.violations += 1;
  }
  return result;
}
