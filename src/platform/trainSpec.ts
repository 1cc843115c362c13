// Turns a TrainSpec that arrived from the page into the trainer's inputs, checking every field first so
// that a bad spec is refused with a message naming the field, before anything is allocated.
import type { CharTokenizer } from '../model/tokenizer.ts';
import { DEFAULT_ADAMW } from '../train/adamW.ts';
import { validateTokenData, type TokenData } from '../train/batches.ts';
import { DEFAULT_TRAIN_OPTIONS, type TrainOptions } from '../train/trainer.ts';
import type { TrainData, TrainSpec } from '../../workers/contract.ts';

export class InvalidSpecError extends Error {
  constructor(field: string, problem: string) {
    super(`train spec: ${field} ${problem}`);
    this.name = 'InvalidSpecError';
  }
}

function positiveInt(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new InvalidSpecError(field, `must be a positive integer, got ${JSON.stringify(value)}`);
  }
  return value;
}

function nonNegative(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new InvalidSpecError(field, `must be a finite number >= 0, got ${JSON.stringify(value)}`);
  }
  return value;
}

function tokenData(data: TrainData, tokenizer: CharTokenizer, field: string): TokenData {
  const out: TokenData =
    data.kind === 'text'
      ? { tokens: tokenizer.encode(data.text) } // refuses unknown characters, naming them
      : { tokens: data.tokens, ...(data.lossMask ? { lossMask: data.lossMask } : {}) };
  if (data.docStarts) out.docStarts = data.docStarts;
  try {
    validateTokenData(out, tokenizer.size);
  } catch (error) {
    throw new InvalidSpecError(field, error instanceof Error ? error.message : String(error));
  }
  return out;
}

export interface ResolvedTrainSpec {
  train: TokenData;
  validation: TokenData | null;
  options: TrainOptions;
}

export function resolveTrainSpec(spec: TrainSpec, tokenizer: CharTokenizer): ResolvedTrainSpec {
  const steps = positiveInt(spec.steps, 'steps');
  const batchSize = positiveInt(spec.batchSize, 'batchSize');
  const logInterval = positiveInt(spec.logInterval, 'logInterval');
  if (!Number.isInteger(spec.seed)) throw new InvalidSpecError('seed', 'must be an integer');
  const s = spec.schedule;
  nonNegative(s.lr, 'schedule.lr');
  nonNegative(s.minLr, 'schedule.minLr');
  nonNegative(s.warmupSteps, 'schedule.warmupSteps');
  nonNegative(s.decaySteps, 'schedule.decaySteps');
  for (const field of ['sampleEvery', 'checkpointEvery', 'evalBatches'] as const) {
    if (spec[field] !== undefined) positiveInt(spec[field], field);
  }
  if (spec.evalInterval !== undefined) nonNegative(spec.evalInterval, 'evalInterval');
  if (spec.sampleEvery !== undefined) {
    const prompt = spec.samplePrompt ?? '';
    if (prompt === '') throw new InvalidSpecError('samplePrompt', 'is needed with sampleEvery');
    const unknown = tokenizer.unknownCharacters(prompt);
    if (unknown.length > 0) {
      throw new InvalidSpecError(
        'samplePrompt',
        `has characters outside the vocabulary: ${unknown.join('')}`,
      );
    }
  }
  const gradClip = nonNegative(spec.gradClip ?? DEFAULT_TRAIN_OPTIONS.gradClip, 'gradClip');
  const train = tokenData(spec.data, tokenizer, 'data');
  const validation = spec.validation ? tokenData(spec.validation, tokenizer, 'validation') : null;
  if (train.tokens.length < 2) throw new InvalidSpecError('data', 'needs at least two tokens');
  return {
    train,
    validation,
    options: {
      steps,
      batchSize,
      schedule: { lr: s.lr, minLr: s.minLr, warmupSteps: s.warmupSteps, decaySteps: s.decaySteps },
      gradClip,
      adamW: { ...DEFAULT_ADAMW, ...spec.adamW },
      logInterval,
      evalInterval: spec.evalInterval ?? DEFAULT_TRAIN_OPTIONS.evalInterval,
      evalBatches: spec.evalBatches ?? DEFAULT_TRAIN_OPTIONS.evalBatches,
      seed: spec.seed,
    },
  };
}
