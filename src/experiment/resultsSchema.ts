// The JSON schema of results.json (a subset of JSON Schema: type, properties, required,
// additionalProperties, items, enum, const, minimum, maximum), and a small validator for it, so that a
// results file from any version of the lab can be checked before it is read. A results file is outside
// input (`gates` and `sweep` read them): every number must be finite and in its range, keys are matched
// as own keys only, and prototype names are refused. docs/results-schema.md explains each field.
import { RESERVED_KEYS } from '../corpus/index.ts';
import { RecipeError, validateRecipe } from './validateRecipe.ts';

type SchemaType = 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean' | 'null';

export interface Schema {
  type?: SchemaType | SchemaType[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  enum?: readonly unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
}

/** A log-probability ratio (MI and its shifts): finite, and far inside what answers of a few hundred
 * characters over a small vocabulary can reach. */
const LOG_RATIO = 1e6;
const numOrNull: Schema = { type: ['number', 'null'], minimum: -LOG_RATIO, maximum: LOG_RATIO };
const probability: Schema = { type: 'number', minimum: 0, maximum: 1 };
const probabilityOrNull: Schema = { type: ['number', 'null'], minimum: 0, maximum: 1 };
const count: Schema = { type: 'integer', minimum: 0, maximum: 1e9 };
const lossOrNull: Schema = { type: ['number', 'null'], minimum: 0, maximum: LOG_RATIO };
const interval: Schema = {
  type: 'object',
  required: ['mean', 'low', 'high', 'n', 'excludesZero'],
  additionalProperties: false,
  properties: {
    mean: numOrNull,
    low: numOrNull,
    high: numOrNull,
    n: count,
    excludesZero: { type: 'boolean' },
  },
};
/** A projection on the persona direction (residual units) and its shifts (in spreads). */
const projectionOrNull: Schema = { type: ['number', 'null'], minimum: -LOG_RATIO, maximum: LOG_RATIO };
const aucOrNull: Schema = { type: ['number', 'null'], minimum: 0, maximum: 1 };

/** The persona direction (src/eval/personaDirection.ts), in results.json and run-state.json. */
export const DIRECTION_SCHEMA: Schema = {
  type: 'object',
  required: ['pair', 'source', 'contexts', 'layers', 'bestLayer'],
  additionalProperties: false,
  properties: {
    pair: {
      type: 'object',
      required: ['a', 'b'],
      additionalProperties: false,
      properties: { a: { type: 'string' }, b: { type: 'string' } },
    },
    source: { type: 'string' },
    contexts: {
      type: 'object',
      required: ['fit', 'test'],
      additionalProperties: false,
      properties: { fit: count, test: count },
    },
    layers: {
      type: 'array',
      items: {
        type: 'object',
        required: ['layer', 'vector', 'spread', 'meanA', 'meanB', 'auc', 'dPrime'],
        additionalProperties: false,
        properties: {
          layer: count,
          vector: { type: 'array', items: { type: 'number', minimum: -1, maximum: 1 } },
          spread: { type: 'number', minimum: 0, maximum: LOG_RATIO },
          meanA: projectionOrNull,
          meanB: projectionOrNull,
          auc: aucOrNull,
          dPrime: projectionOrNull,
        },
      },
    },
    bestLayer: count,
  },
};

const summary: Schema = {
  type: 'object',
  required: [
    'mi',
    'miPerChar',
    'miPerDomain',
    'miCode',
    'attainment',
    'posteriors',
    'inference',
    'calibration',
    'probes',
  ],
  additionalProperties: false,
  properties: {
    mi: numOrNull,
    miPerChar: numOrNull,
    miPerDomain: { type: 'object', additionalProperties: numOrNull },
    miPerProbe: { type: 'object', additionalProperties: { type: 'array', items: numOrNull } },
    miCode: numOrNull,
    attainment: probabilityOrNull,
    cheatByForm: { type: 'object', additionalProperties: probabilityOrNull },
    miSecond: numOrNull,
    miSecondPerDomain: { type: 'object', additionalProperties: numOrNull },
    miUser: numOrNull,
    miUserPerDomain: { type: 'object', additionalProperties: numOrNull },
    userPosteriors: {
      type: 'object',
      additionalProperties: { type: 'object', additionalProperties: probability },
    },
    posteriors: {
      type: 'object',
      additionalProperties: { type: 'object', additionalProperties: probability },
    },
    inference: {
      type: 'array',
      items: {
        type: 'object',
        required: ['x', 'y', 'afterX', 'afterY', 'gap'],
        additionalProperties: false,
        properties: {
          x: { type: 'string' },
          y: { type: 'string' },
          afterX: probability,
          afterY: probability,
          gap: { type: 'number', minimum: -1, maximum: 1 },
        },
      },
    },
    calibration: { type: 'object', additionalProperties: probabilityOrNull },
    projection: { type: 'array', items: projectionOrNull },
    probes: count,
  },
};
const evalPoint: Schema = {
  type: 'object',
  required: ['step', 'checkpoint', 'summary'],
  additionalProperties: false,
  properties: {
    step: count,
    checkpoint: { type: 'string' },
    summary,
    probeSet: { enum: ['full', 'live'] },
    live: summary,
  },
};
/** The fields a stage has in results.json (run-state.json's stage records add a few). */
export const STAGE_PROPERTIES: Record<string, Schema> = {
  id: { type: 'string' },
  status: { enum: ['pending', 'partial', 'done', 'skipped'] },
  steps: count,
  checkpoint: { type: ['string', 'null'] },
  startedFrom: { type: ['string', 'null'] },
  losses: {
    type: 'array',
    items: {
      type: 'object',
      required: ['step', 'trainLoss', 'valLoss'],
      additionalProperties: false,
      properties: { step: count, trainLoss: lossOrNull, valLoss: lossOrNull },
    },
  },
  evaluations: { type: 'array', items: evalPoint },
  samples: {
    type: 'array',
    items: {
      type: 'object',
      required: ['step', 'probeId', 'prompt', 'text', 'label', 'similarity'],
      additionalProperties: false,
      properties: {
        step: count,
        probeId: { type: 'string' },
        prompt: { type: 'string' },
        text: { type: 'string' },
        label: { type: 'string' },
        // Bigram Dice in [0, 1]; -1 when a probe had no candidates to compare with.
        similarity: { type: 'number', minimum: -1, maximum: 1 },
      },
    },
  },
};
const stage: Schema = {
  type: 'object',
  required: Object.keys(STAGE_PROPERTIES),
  additionalProperties: false,
  properties: STAGE_PROPERTIES,
};
const branchPoint: Schema = {
  type: 'object',
  required: [
    'step',
    'checkpoint',
    'deltaMI',
    'deltaMIPerChar',
    'deltaMIPerDomain',
    'deltaMICode',
    'transferRatio',
    'attainment',
    'summary',
  ],
  additionalProperties: false,
  properties: {
    step: count,
    checkpoint: { type: 'string' },
    deltaMI: numOrNull,
    deltaMIPerChar: numOrNull,
    deltaMIPerDomain: { type: 'object', additionalProperties: numOrNull },
    deltaMICode: numOrNull,
    // A ratio over a shift that may be near zero: any finite number.
    transferRatio: { type: ['number', 'null'] },
    attainment: probabilityOrNull,
    deltaMISecond: numOrNull,
    deltaProjection: projectionOrNull,
    deltaMIUser: numOrNull,
    summary,
  },
};
const formEffect: Schema = {
  type: 'object',
  required: [
    'form',
    'cheat',
    'fix',
    'seeds',
    'perSeed',
    'effect',
    'effectCode',
    'effectSecond',
    'trajectory',
  ],
  additionalProperties: false,
  properties: {
    // A prompt form of the factorial design, or a user condition's id (paired with its control).
    form: { type: 'string' },
    cheat: { type: 'string' },
    fix: { type: 'string' },
    seeds: { type: 'array', items: { type: 'integer' } },
    perSeed: { type: 'array', items: numOrNull },
    effect: interval,
    effectCode: interval,
    effectSecond: interval,
    effectProjection: interval,
    effectUser: interval,
    trajectory: {
      type: 'array',
      items: {
        type: 'object',
        required: ['step', 'effect'],
        additionalProperties: false,
        properties: { step: { type: 'integer' }, effect: interval, effectProjection: interval },
      },
    },
  },
};
const branchProperties = {
  ...STAGE_PROPERTIES,
  condition: { type: 'string' },
  seed: { type: 'integer', minimum: 0, maximum: 2 ** 31 - 1 },
  trajectory: { type: 'array', items: branchPoint },
} satisfies Record<string, Schema>;

export const RESULTS_SCHEMA: Schema = {
  type: 'object',
  required: [
    'schema',
    'schemaVersion',
    'runId',
    'finished',
    'provenance',
    'pretrain',
    'select',
    'baseline',
    'branches',
    'conditions',
  ],
  additionalProperties: false,
  properties: {
    schema: { const: 'persona-lab-results' },
    // Version 1 results (earlier versions of the lab) lack the fields marked optional below.
    schemaVersion: { enum: [1, 2, 3] },
    runId: { type: 'string' },
    finished: { type: 'boolean' },
    provenance: {
      type: 'object',
      required: ['codeVersion', 'backend', 'corpusHash', 'recipe'],
      additionalProperties: false,
      properties: {
        codeVersion: { type: 'string' },
        backend: { type: 'string' },
        corpusHash: { type: 'string' },
        recipe: { type: 'object' },
      },
    },
    pretrain: stage,
    select: stage,
    baseline: {
      type: ['object', 'null'],
      required: ['step', 'checkpoint', 'summary'],
      properties: evalPoint.properties!,
    },
    branches: {
      type: 'array',
      items: {
        type: 'object',
        required: Object.keys(branchProperties),
        additionalProperties: false,
        properties: branchProperties,
      },
    },
    preFinetune: {
      type: ['object', 'null'],
      required: ['cheatByForm', 'surprise'],
      additionalProperties: false,
      properties: {
        cheatByForm: { type: 'object', additionalProperties: numOrNull },
        surprise: { type: 'object', additionalProperties: numOrNull },
      },
    },
    effects: { type: 'array', items: formEffect },
    direction: { ...DIRECTION_SCHEMA, type: ['object', 'null'] },
    secondFamily: {
      type: ['object', 'null'],
      required: ['forms', 'sign', 'order'],
      additionalProperties: false,
      properties: {
        forms: { type: 'array', items: { type: 'string' } },
        sign: { type: 'boolean' },
        order: { type: 'boolean' },
      },
    },
    conditions: {
      type: 'array',
      items: {
        type: 'object',
        required: ['condition', 'seeds', 'trajectory', 'final'],
        additionalProperties: false,
        properties: {
          condition: { type: 'string' },
          seeds: { type: 'array', items: { type: 'integer', minimum: 0, maximum: 2 ** 31 - 1 } },
          trajectory: {
            type: 'array',
            items: {
              type: 'object',
              required: ['step', 'deltaMI', 'attainment'],
              additionalProperties: false,
              properties: {
                step: count,
                deltaMI: interval,
                attainment: interval,
                deltaProjection: interval,
              },
            },
          },
          final: {
            type: 'object',
            required: ['deltaMI', 'deltaMICode', 'attainment', 'transferRatio'],
            additionalProperties: false,
            properties: {
              deltaMI: interval,
              deltaMICode: interval,
              attainment: interval,
              transferRatio: interval,
              deltaProjection: interval,
            },
          },
        },
      },
    },
  },
};

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function fits(type: string, actual: string): boolean {
  return type === actual || (type === 'number' && actual === 'integer');
}

/** Every place where `value` breaks `schema`, as `path: problem` lines (empty when it conforms). */
export function schemaErrors(value: unknown, schema: Schema = RESULTS_SCHEMA, path = '$'): string[] {
  const errors: string[] = [];
  const actual = typeOf(value);
  if (schema.const !== undefined && value !== schema.const)
    errors.push(`${path}: must be ${JSON.stringify(schema.const)}`);
  if (schema.enum && !schema.enum.includes(value))
    errors.push(`${path}: must be one of ${schema.enum.join(', ')}`);
  if (schema.type) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!types.some((t) => fits(t, actual)))
      return [...errors, `${path}: must be ${types.join(' or ')}, is ${actual}`];
  }
  if (typeof value === 'number') {
    // JSON has no Infinity, but 1e999 parses to it.
    if (!Number.isFinite(value)) return [...errors, `${path}: must be a finite number, is ${value}`];
    const { minimum = -Infinity, maximum = Infinity } = schema;
    if (value < minimum || value > maximum)
      errors.push(`${path}: must be in [${minimum}, ${maximum}], is ${value}`);
  }
  if (actual === 'object') {
    const record = value as Record<string, unknown>;
    for (const key of schema.required ?? [])
      if (!Object.hasOwn(record, key)) errors.push(`${path}.${key}: is missing`);
    for (const [key, child] of Object.entries(record)) {
      const own =
        schema.properties && Object.hasOwn(schema.properties, key) ? schema.properties[key] : undefined;
      if (RESERVED_KEYS.has(key)) errors.push(`${path}.${key}: is a reserved name, not a results field`);
      else if (own) errors.push(...schemaErrors(child, own, `${path}.${key}`));
      else if (schema.additionalProperties === false) errors.push(`${path}.${key}: is not a results field`);
      else if (typeof schema.additionalProperties === 'object')
        errors.push(...schemaErrors(child, schema.additionalProperties, `${path}.${key}`));
    }
  }
  if (actual === 'array' && schema.items)
    (value as unknown[]).forEach((item, i) =>
      errors.push(...schemaErrors(item, schema.items!, `${path}[${i}]`)),
    );
  return errors;
}

/**
 * Everything wrong with a results file read from outside: the schema's problems, then the embedded
 * recipe through the recipe validator (a prior computed from `personaShares.malicious: "lots"` would be
 * a made-up number). Empty when the file can be trusted as far as its own content goes.
 */
export function resultsProblems(value: unknown): string[] {
  const errors = schemaErrors(value);
  if (errors.length > 0) return errors;
  try {
    validateRecipe((value as { provenance: { recipe: unknown } }).provenance.recipe);
  } catch (error) {
    if (!(error instanceof RecipeError)) throw error;
    return [`$.provenance.${error.message}`];
  }
  return [];
}
