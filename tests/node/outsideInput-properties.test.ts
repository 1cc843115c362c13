// Property-based tests (fast-check) of the parsers that take outside input: the URL codec, the recipe
// validator and the probes JSONL parser of `score`. For any input: nothing but the lab's own typed
// error is thrown, Object.prototype is never touched, what is accepted is no bigger than the input
// allows, and what is accepted round-trips. Run counts are small so the suite stays quick in CI; a
// failure prints the seed and the shrunk counterexample.
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { CliError } from '../../src/cli/cliErrors.ts';
import { parseProbeLines } from '../../src/cli/scoreCommand.ts';
import { PRESETS, presetRecipe } from '../../src/experiment/presets.ts';
import { DEFAULT_RECIPE, RECIPE_VERSION, defaultRecipe } from '../../src/experiment/recipe.ts';
import { RECIPE_FIELDS } from '../../src/experiment/recipeFields.ts';
import {
  decodeRecipeParams,
  encodeRecipeParams,
  flattenRecipe,
  shortKey,
} from '../../src/experiment/urlCodec.ts';
import { RecipeError, validateRecipe } from '../../src/experiment/validateRecipe.ts';
import { CharTokenizer } from '../../src/model/tokenizer.ts';

const RUNS = { numRuns: 150 };
const PROTOTYPE = Object.getOwnPropertyNames(Object.prototype).map(
  (name) => [name, (Object.prototype as Record<string, unknown>)[name]] as const,
);

/** Object.prototype has exactly its own original properties, each with its original value. */
function expectCleanPrototype(): void {
  const now = Object.getOwnPropertyNames(Object.prototype);
  expect(now.sort()).toEqual(PROTOTYPE.map(([name]) => name).sort());
  for (const [name, value] of PROTOTYPE)
    expect((Object.prototype as Record<string, unknown>)[name], name).toBe(value);
}

afterEach(expectCleanPrototype);

/** Runs `parse`; returns its value, or undefined when it threw `Typed`; any other throw fails. */
function accepts<T>(parse: () => T, Typed: new (...args: never[]) => Error): T | undefined {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof Typed)) throw new Error(`threw ${String(error)}, not a ${Typed.name}`);
    return undefined;
  }
}

const PATHS = [...flattenRecipe(DEFAULT_RECIPE).keys()];
/** Key segments a hostile link would try, and pieces of real ones. */
const segment = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty'),
  fc.constantFrom(
    'corpus',
    'behaviourOverrides',
    'malicious',
    'code',
    'cheat',
    'model',
    'nLayer',
    'bo',
    'ft',
    'seed',
  ),
  fc.string({ maxLength: 8 }),
);
const key = fc.oneof(
  { arbitrary: fc.constantFrom(...PATHS, ...PATHS.map(shortKey), 'v', 'version'), weight: 2 },
  // The free-keyed map of the recipe (persona.domain.field below it), where a walk can go astray.
  {
    arbitrary: fc
      .tuple(fc.constantFrom('corpus.behaviourOverrides', 'bo'), segment, segment, segment)
      .map((parts) => parts.join('.')),
    weight: 3,
  },
  { arbitrary: fc.array(segment, { minLength: 1, maxLength: 6 }).map((s) => s.join('.')), weight: 1 },
);
const value = fc.oneof(
  fc.constantFrom(
    '0',
    '1',
    '-1',
    '0.5',
    '1e300',
    '1e999',
    'NaN',
    '',
    ' ',
    'true',
    'false',
    'covert,honest',
    '1,2,3',
    'cpu',
  ),
  fc.double().map(String),
  fc.integer().map(String),
  fc.string({ maxLength: 12 }),
);

describe('URL codec (property)', () => {
  it('any query: a valid recipe or a RecipeError, no bigger than the query allows', () => {
    // A link of an older version migrates to a full recipe of this one (a version-1 link grows by the
    // version-1 defaults it stands for): the bound starts from the largest of those.
    const versions = Array.from({ length: RECIPE_VERSION }, (_, i) => `v=${i + 1}`);
    const baseSize = Math.max(
      JSON.stringify(DEFAULT_RECIPE).length,
      ...versions.map((q) => JSON.stringify(decodeRecipeParams(new URLSearchParams(q))).length),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(key, value), { maxLength: 4 }), (pairs) => {
        const params = new URLSearchParams(pairs);
        const recipe = accepts(() => decodeRecipeParams(params), RecipeError);
        expectCleanPrototype();
        if (recipe === undefined) return;
        expect(validateRecipe(recipe)).toEqual(recipe);
        expect(JSON.stringify(recipe).length).toBeLessThanOrEqual(
          baseSize + 2 * params.toString().length + 64,
        );
        expect(decodeRecipeParams(encodeRecipeParams(recipe))).toEqual(recipe);
      }),
      { numRuns: 400 },
    );
  });

  it('a valid recipe round-trips through its link, relative to any preset', () => {
    const numeric = Object.entries(RECIPE_FIELDS).filter(([, s]) => s.type === 'int' || s.type === 'number');
    const edit = fc.tuple(fc.constantFrom(...numeric), fc.double({ min: 0, max: 1, noNaN: true }));
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(PRESETS)), fc.array(edit, { maxLength: 4 }), (id, edits) => {
        const base = presetRecipe(id);
        const candidate = structuredClone(base) as unknown as Record<string, Record<string, number>>;
        for (const [[path, spec], t] of edits) {
          if (spec.type !== 'int' && spec.type !== 'number') continue;
          const [section, field] = path.split('.') as [string, string | undefined];
          const span = Math.min(spec.max, 1e6) - spec.min;
          const v = spec.min + t * span;
          const n = spec.type === 'int' ? Math.round(v) : v;
          if (field === undefined) (candidate as Record<string, unknown>)[section] = n;
          else candidate[section]![field] = n;
        }
        const recipe = accepts(() => validateRecipe(candidate), RecipeError);
        fc.pre(recipe !== undefined);
        const link = encodeRecipeParams(recipe, base);
        expect(decodeRecipeParams(new URLSearchParams(link.toString()), [], base)).toEqual(recipe);
      }),
      RUNS,
    );
  });
});

/** A recipe with a few random edits at random paths (JSON values, prototype names as keys). */
const editedRecipe = fc
  .array(
    fc.tuple(
      fc.array(fc.oneof(fc.constantFrom(...PATHS.flatMap((p) => p.split('.'))), segment), {
        minLength: 1,
        maxLength: 4,
      }),
      fc.jsonValue({ maxDepth: 2 }),
    ),
    { maxLength: 3 },
  )
  .map((edits) => {
    const recipe = defaultRecipe() as unknown as Record<string, unknown>;
    for (const [path, v] of edits) setOwn(recipe, path, v);
    // Through JSON text, as a file arrives: `__proto__` stays an own key, as JSON.parse makes it.
    return JSON.parse(JSON.stringify(recipe)) as unknown;
  });

/** obj[p0][p1]... = v through own data properties only (so `__proto__` is a key like any other). */
function setOwn(obj: Record<string, unknown>, path: readonly string[], v: unknown): void {
  let node = obj;
  for (const k of path.slice(0, -1)) {
    const next = Object.hasOwn(node, k) ? node[k] : undefined;
    if (typeof next === 'object' && next !== null && !Array.isArray(next))
      node = next as Record<string, unknown>;
    else {
      const fresh = {};
      Object.defineProperty(node, k, { value: fresh, enumerable: true, writable: true, configurable: true });
      node = fresh;
    }
  }
  Object.defineProperty(node, path.at(-1)!, {
    value: v,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

describe('recipe validator (property)', () => {
  it('any JSON value: a recipe or a RecipeError; accepted recipes are fixed points', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue({ maxDepth: 3 }), editedRecipe), (input) => {
        const recipe = accepts(() => validateRecipe(input), RecipeError);
        expectCleanPrototype();
        if (recipe === undefined) return;
        expect(validateRecipe(JSON.parse(JSON.stringify(recipe)))).toEqual(recipe);
        expect(JSON.stringify(recipe).length).toBeLessThanOrEqual(JSON.stringify(input).length);
      }),
      RUNS,
    );
  });
});

describe('probes JSONL parser (property)', () => {
  const tokenizer = new CharTokenizer([...'~\nUAI: abcdefghijklmnopqrstuvwxyz.?!']);
  const text = fc.string({ unit: fc.constantFrom(...'~\nUAI: abcxyz.é{}"\\'), maxLength: 20 });
  const probeLine = fc.oneof(
    fc
      .record(
        {
          id: fc.oneof(fc.string({ maxLength: 4 }), fc.integer(), fc.constant(null)),
          prompt: text,
          candidates: fc.array(text, { maxLength: 3 }),
        },
        { requiredKeys: [] },
      )
      .map((o) => JSON.stringify(o)),
    fc.constantFrom(
      '{"__proto__": {"polluted": 1}, "prompt": "a", "candidates": ["b"]}',
      '{"constructor": 1}',
      '[]',
      'null',
      '{',
      '',
    ),
    fc.string({ maxLength: 30 }),
  );

  it('any lines: probes or a CliError naming the line; accepted probes round-trip', () => {
    fc.assert(
      fc.property(fc.array(probeLine, { maxLength: 5 }), (lines) => {
        const input = lines.join('\n');
        const probes = accepts(() => parseProbeLines(input, 'p.jsonl', tokenizer, 8), CliError);
        expectCleanPrototype();
        if (probes === undefined) return;
        expect(probes.length).toBeLessThanOrEqual(lines.length);
        const again = probes.map((p) =>
          JSON.stringify({
            ...(p.id === null ? {} : { id: p.id }),
            prompt: p.prompt,
            candidates: p.candidates,
          }),
        );
        expect(parseProbeLines(again.join('\n'), 'p.jsonl', tokenizer, 8)).toEqual(probes);
      }),
      RUNS,
    );
  });
});
