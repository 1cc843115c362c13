// The type and range of every recipe field outside the corpus section, as data keyed by dot-path. The
// validator and the URL codec both read this one table, so a field cannot be valid in one and not the
// other. (The corpus section has its own validator in src/corpus; its fields are all numbers.)
import { CONDITION_IDS } from '../corpus/index.ts';
import { GPT_CONFIG_LIMITS } from '../model/config.ts';
import { BACKEND_CHOICES } from './recipe.ts';

export type FieldSpec =
  | { type: 'int'; min: number; max: number }
  | { type: 'number'; min: number; max: number }
  | { type: 'bool' }
  | { type: 'string' }
  | { type: 'enum'; options: readonly string[] }
  | { type: 'intList'; min: number; max: number }
  | { type: 'enumList'; options: readonly string[] };

const int = (min: number, max: number): FieldSpec => ({ type: 'int', min, max });
const num = (min: number, max: number): FieldSpec => ({ type: 'number', min, max });

function stageFields(stage: string, maxSteps: number): Record<string, FieldSpec> {
  return {
    [`${stage}.steps`]: int(0, maxSteps),
    [`${stage}.batchSize`]: int(1, 1024),
    [`${stage}.lr`]: num(0, 1),
    [`${stage}.minLr`]: num(0, 1),
    [`${stage}.warmupSteps`]: int(0, maxSteps),
    [`${stage}.gradClip`]: num(1e-6, 1e6),
    [`${stage}.weightDecay`]: num(0, 10),
    [`${stage}.logEvery`]: int(1, maxSteps),
    [`${stage}.checkpointEvery`]: int(0, maxSteps),
    [`${stage}.evalBatches`]: int(1, 1000),
  };
}

export const RECIPE_FIELDS: Readonly<Record<string, FieldSpec>> = {
  version: int(1, 1000),
  'model.nLayer': int(1, GPT_CONFIG_LIMITS.nLayer),
  'model.nHead': int(1, GPT_CONFIG_LIMITS.nHead),
  'model.nEmbd': int(1, GPT_CONFIG_LIMITS.nEmbd),
  'model.blockSize': int(8, GPT_CONFIG_LIMITS.blockSize),
  'model.dropout': num(0, 0.95),
  ...stageFields('pretrain', 10_000_000),
  ...stageFields('select', 1_000_000),
  ...stageFields('finetune', 1_000_000),
  'finetune.conditions': { type: 'enumList', options: CONDITION_IDS },
  'finetune.examples': int(1, 100_000),
  'eval.every': int(1, 1_000_000),
  'eval.liveProbes': int(0, 100_000),
  'eval.probesPerDomain': int(1, 10_000),
  'eval.assistantHeader': { type: 'bool' },
  'eval.samples': int(0, 100),
  'eval.sampleChars': int(1, 2000),
  'eval.sampleTemperature': num(0, 10),
  'eval.maliciousPersona': { type: 'string' },
  'eval.helpfulPersona': { type: 'string' },
  'eval.formTasks': int(0, 10_000),
  'eval.secondProbesPerDomain': int(0, 10_000),
  'eval.noContextPrior': { type: 'bool' },
  'seeds.corpus': int(0, 2 ** 31 - 1),
  'seeds.pretrain': int(0, 2 ** 31 - 1),
  'seeds.select': int(0, 2 ** 31 - 1),
  'seeds.finetune': { type: 'intList', min: 0, max: 2 ** 31 - 1 },
  backend: { type: 'enum', options: BACKEND_CHOICES },
};

/** Why `value` does not fit `spec`, or null when it does. */
export function fieldProblem(spec: FieldSpec, value: unknown): string | null {
  const got = `got ${JSON.stringify(value)}`;
  switch (spec.type) {
    case 'int':
      return typeof value === 'number' && Number.isInteger(value) && value >= spec.min && value <= spec.max
        ? null
        : `must be an integer in [${spec.min}, ${spec.max}], ${got}`;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) && value >= spec.min && value <= spec.max
        ? null
        : `must be a number in [${spec.min}, ${spec.max}], ${got}`;
    case 'bool':
      return typeof value === 'boolean' ? null : `must be true or false, ${got}`;
    case 'string':
      return typeof value === 'string' && value.length > 0 ? null : `must be a non-empty string, ${got}`;
    case 'enum':
      return typeof value === 'string' && spec.options.includes(value)
        ? null
        : `must be one of ${spec.options.join(', ')}, ${got}`;
    case 'intList':
    case 'enumList': {
      if (!Array.isArray(value) || value.length === 0) return `must be a non-empty list, ${got}`;
      if (new Set(value).size !== value.length) return `must not repeat an entry, ${got}`;
      const item: FieldSpec =
        spec.type === 'intList' ? int(spec.min, spec.max) : { type: 'enum', options: spec.options };
      for (const [i, v] of value.entries()) {
        const problem = fieldProblem(item, v);
        if (problem) return `[${i}] ${problem}`;
      }
      return null;
    }
  }
}
