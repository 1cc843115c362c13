// The checks both checkpoint readers (today's safetensors layout and the older PLABCKPT one) apply to
// what a file claims: the model config within the lab's limits, the vocabulary, the step, the AdamW
// settings, the weights' values, and the byte count the config implies, which is checked against the
// file's size before a single parameter is listed or allocated.
import { parameterCount, validateGPTConfig, type GPTConfig } from '../model/config.ts';
import type { AdamWConfig } from './adamW.ts';
import { refuse } from './checkpointError.ts';

/**
 * The largest magnitude a stored parameter may have. Trained toy models stay within a few units (the
 * shipped base: 1.9); weights far beyond this overflow float32 activations and score NaN, so such a
 * file is refused as corrupt or forged rather than loaded.
 */
export const MAX_ABS_WEIGHT = 1000;

/** Keys that would reach an object's prototype if a later consumer merged the parsed value. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Parses a JSON text from a header, refusing prototype keys anywhere in it. */
export function parseHeaderJson(text: string, field: string): unknown {
  try {
    return JSON.parse(text, (key: string, value: unknown) => {
      if (FORBIDDEN_KEYS.has(key)) throw new TypeError(`the key ${key} is not allowed`);
      return value;
    });
  } catch (error) {
    if (error instanceof TypeError) refuse(`${field}: ${error.message}`);
    refuse(`${field} is not valid JSON`);
  }
}

export function checkedConfig(value: unknown): GPTConfig {
  try {
    return validateGPTConfig(value);
  } catch (error) {
    refuse((error as Error).message);
  }
}

export function checkedVocab(value: unknown, config: GPTConfig): string[] {
  if (!Array.isArray(value) || value.some((c) => typeof c !== 'string' || [...c].length !== 1)) {
    refuse('vocab must be an array of single characters');
  }
  const vocab = value as string[];
  if (new Set(vocab).size !== vocab.length) refuse('vocab has a repeated character');
  if (vocab.length !== config.vocabSize) {
    refuse(`vocab has ${vocab.length} characters but config.vocabSize is ${config.vocabSize}`);
  }
  return vocab;
}

export function checkedStep(value: unknown, field = 'step'): number {
  if (!Number.isSafeInteger(value) || (value as number) < 0)
    refuse(`${field} must be a non-negative integer`);
  return value as number;
}

export function checkedAdamWConfig(value: unknown): AdamWConfig {
  if (!isPlainObject(value)) refuse('optimizer.config must be an object');
  const inRange = (key: keyof AdamWConfig, min: number, max: number, openMax: boolean) => {
    const v = value[key];
    const ok = typeof v === 'number' && v >= min && (openMax ? v < max : v <= max);
    if (!ok) refuse(`optimizer.config.${key} must be a number in [${min}, ${max}${openMax ? ')' : ']'}`);
    return v;
  };
  const config: AdamWConfig = {
    beta1: inRange('beta1', 0, 1, true),
    beta2: inRange('beta2', 0, 1, true),
    eps: inRange('eps', 1e-30, 1, false),
    weightDecay: inRange('weightDecay', 0, 10, false),
  };
  for (const key of Object.keys(value)) {
    if (!(key in config)) refuse(`optimizer.config.${key} is not an AdamW setting`);
  }
  return config;
}

/** Metrics and provenance are free-form objects; anything else in their place is a forged header. */
export function checkedRecord(value: unknown, field: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (!isPlainObject(value)) refuse(`${field} must be an object`);
  return value;
}

/**
 * Refuses a file whose data cannot be the config's parameters (times three with AdamW moments). Uses the
 * closed-form count, so a config claiming 48 layers of width 4096 costs nothing to refuse.
 */
export function checkDataSize(config: GPTConfig, withOptimizer: boolean, dataBytes: number): void {
  const floats = parameterCount(config) * (withOptimizer ? 3 : 1);
  if (floats * 4 !== dataBytes) {
    const model = `${config.nLayer} layers of width ${config.nEmbd}, context ${config.blockSize}`;
    const what = withOptimizer ? 'weights and AdamW moments' : 'weights';
    refuse(
      `its config (${model}) needs ${floats * 4} bytes of ${what}, the file holds ${dataBytes}: ` +
        'the header does not describe this data, or the file is truncated',
    );
  }
}

/** Parameters: finite and of a sane size. */
export function checkWeights(name: string, values: Float32Array): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) refuse(`the weights hold NaN or infinite values (${name})`);
    if (Math.abs(v) > MAX_ABS_WEIGHT) {
      refuse(`weight ${name} holds ${v}, beyond the ${MAX_ABS_WEIGHT} any trained model here reaches`);
    }
  }
}

/** AdamW moments: finite, and the second moment (a running mean of squares) never negative. */
export function checkMoments(name: string, m: Float32Array, v: Float32Array): void {
  for (let i = 0; i < m.length; i++) {
    if (!Number.isFinite(m[i]!) || !Number.isFinite(v[i]!))
      refuse(`the optimizer state of ${name} holds NaN or infinite values`);
    if (v[i]! < 0) refuse(`the optimizer's second moment of ${name} is negative`);
  }
}
