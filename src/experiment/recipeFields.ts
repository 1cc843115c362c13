// The type and range of every recipe field outside the corpus section, as data keyed by dot-path and
// typed against ExperimentRecipe: a field added to the recipe and not here (or the other way round, or
// with a spec of the wrong kind) does not compile. The validator (validateRecipe.ts builds its valibot
// schema from this table) and the URL codec both read it, so a field cannot be valid in one and not the
// other. (The corpus section has its own validator in src/corpus; its fields are all numbers.)
import * as v from 'valibot';
import { CONDITION_IDS } from '../corpus/index.ts';
import { GPT_CONFIG_LIMITS } from '../model/config.ts';
import { BACKEND_CHOICES, type ExperimentRecipe, type TrainStageRecipe } from './recipe.ts';

export type IntSpec = { type: 'int'; min: number; max: number };
export type NumberSpec = { type: 'number'; min: number; max: number };
export type BoolSpec = { type: 'bool' };
export type StringSpec = { type: 'string' };
export type EnumSpec<T extends string = string> = { type: 'enum'; options: readonly T[] };
export type IntListSpec = { type: 'intList'; min: number; max: number };
export type EnumListSpec = { type: 'enumList'; options: readonly string[] };
export type FieldSpec = IntSpec | NumberSpec | BoolSpec | StringSpec | EnumSpec | IntListSpec | EnumListSpec;

/** The part of the recipe this table covers. */
type TablePart = Omit<ExperimentRecipe, 'corpus' | 'user'>;
type Leaf = number | string | boolean | readonly unknown[];
/** Every leaf's dot-path (`finetune.steps`, `backend`). */
type LeafPaths<T, P extends string = ''> = {
  [K in keyof T & string]-?: T[K] extends Leaf ? `${P}${K}` : LeafPaths<T[K], `${P}${K}.`>;
}[keyof T & string];
export type RecipeFieldPath = LeafPaths<TablePart>;
type At<T, P extends string> = P extends `${infer H}.${infer R}`
  ? H extends keyof T
    ? At<T[H], R>
    : never
  : P extends keyof T
    ? T[P]
    : never;
/** The specs that fit a field's type (a union of string literals must list exactly its choices). */
type SpecFor<V> = [V] extends [boolean]
  ? BoolSpec
  : [V] extends [number]
    ? IntSpec | NumberSpec
    : [V] extends [readonly number[]]
      ? IntListSpec
      : [V] extends [readonly string[]]
        ? EnumListSpec
        : [V] extends [string]
          ? string extends V
            ? StringSpec | EnumSpec
            : EnumSpec<V>
          : never;
export type RecipeFieldTable = { readonly [P in RecipeFieldPath]: SpecFor<At<TablePart, P>> };

const int = (min: number, max: number): IntSpec => ({ type: 'int', min, max });
const num = (min: number, max: number): NumberSpec => ({ type: 'number', min, max });

/** `{steps: ...}` as `{'pretrain.steps': ...}`. */
function prefixed<S extends string, T extends object>(
  prefix: S,
  fields: T,
): { [K in keyof T & string as `${S}.${K}`]: T[K] } {
  return Object.fromEntries(Object.entries(fields).map(([key, spec]) => [`${prefix}.${key}`, spec])) as {
    [K in keyof T & string as `${S}.${K}`]: T[K];
  };
}

function stageFields<S extends 'pretrain' | 'select' | 'finetune'>(stage: S, maxSteps: number) {
  const fields: { [K in keyof TrainStageRecipe]: IntSpec | NumberSpec } = {
    steps: int(0, maxSteps),
    batchSize: int(1, 1024),
    lr: num(0, 1),
    minLr: num(0, 1),
    warmupSteps: int(0, maxSteps),
    gradClip: num(1e-6, 1e6),
    weightDecay: num(0, 10),
    logEvery: int(1, maxSteps),
    checkpointEvery: int(0, maxSteps),
    evalBatches: int(1, 1000),
  };
  return prefixed(stage, fields);
}

export const RECIPE_FIELDS: RecipeFieldTable = {
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

/** The spec of a dot-path from outside (a URL key), if it is a field of the table. */
export function recipeFieldSpec(path: string): FieldSpec | undefined {
  return Object.hasOwn(RECIPE_FIELDS, path) ? RECIPE_FIELDS[path as RecipeFieldPath] : undefined;
}

/** A field's valibot schema; its messages name the rule and what was given (`must be an integer in
 * [0, 1000000], got -1`). A list's item problem reads `[2] must be ...`. */
export function fieldSchema(spec: FieldSpec): v.GenericSchema {
  const got = (issue: v.BaseIssue<unknown>) => `got ${JSON.stringify(issue.input)}`;
  switch (spec.type) {
    case 'int':
    case 'number': {
      const rule = `must be ${spec.type === 'int' ? 'an integer' : 'a number'} in [${spec.min}, ${spec.max}]`;
      const message = (issue: v.BaseIssue<unknown>) => `${rule}, ${got(issue)}`;
      return v.pipe(
        v.number(message),
        spec.type === 'int' ? v.integer(message) : v.finite(message),
        v.minValue(spec.min, message),
        v.maxValue(spec.max, message),
      );
    }
    case 'bool':
      return v.boolean((issue) => `must be true or false, ${got(issue)}`);
    case 'string': {
      const message = (issue: v.BaseIssue<unknown>) => `must be a non-empty string, ${got(issue)}`;
      return v.pipe(v.string(message), v.minLength(1, message));
    }
    case 'enum':
      return v.picklist(spec.options, (issue) => `must be one of ${spec.options.join(', ')}, ${got(issue)}`);
    case 'intList':
    case 'enumList': {
      const item = fieldSchema(
        spec.type === 'intList' ? int(spec.min, spec.max) : { type: 'enum', options: spec.options },
      );
      const nonEmpty = (issue: v.BaseIssue<unknown>) => `must be a non-empty list, ${got(issue)}`;
      return v.pipe(
        v.array(v.unknown(), nonEmpty),
        v.minLength(1, nonEmpty),
        v.check(
          (list) => new Set(list).size === list.length,
          (issue) => `must not repeat an entry, ${got(issue)}`,
        ),
        v.array(item),
      );
    }
  }
}
