// Share an experiment by URL: the search params carry only the dot-paths whose values differ from a base
// recipe (the defaults, or the preset or lab the link names), plus `v` (the recipe version). Keys are
// short but readable (`ft.steps=3` for `finetune.steps`); the long dot-paths of older links still
// decode. A URL is hostile input: every key must match a strict grammar, is looked up as an own key
// only, and is written into null-prototype objects, so no key can reach Object.prototype. Decoding
// reports unknown or ill-typed keys by name instead of dropping them; the result goes through
// validateRecipe.
import { VERSION_2_EVAL_FIELDS } from './recipeMigration.ts';
import { DEFAULT_RECIPE, RECIPE_VERSION, type ExperimentRecipe } from './recipe.ts';
import { recipeFieldSpec, type FieldSpec } from './recipeFields.ts';
import { RecipeError, validateRecipe } from './validateRecipe.ts';

type Leaf = number | string | boolean | (number | string)[];

/** Short first segments of a key and the dot-path each stands for. Longer paths are tried first when
 * encoding; no alias equals a top-level recipe field, so a long key never reads as an alias. */
export const KEY_ALIASES: Readonly<Record<string, string>> = {
  bo: 'corpus.behaviourOverrides',
  ps: 'corpus.personaShares',
  c: 'corpus',
  m: 'model',
  pt: 'pretrain',
  sel: 'select',
  ft: 'finetune',
  ev: 'eval',
  seed: 'seeds',
};
const BY_LENGTH = Object.entries(KEY_ALIASES).sort((a, b) => b[1].length - a[1].length);

/** Version keys: `v` in new links, `version` in old ones. */
const VERSION_KEYS = ['v', 'version'];

/** One segment of a key: a letter, then letters and digits (what every recipe field name is). */
const SEGMENT = /^[A-Za-z][A-Za-z0-9]*$/;
/** Names that pass the grammar but would reach an object's prototype machinery. */
const RESERVED = new Set(['constructor', 'prototype', 'hasOwnProperty', 'toString', 'valueOf']);
const MAX_KEY_LENGTH = 200;
const MAX_VALUE_LENGTH = 2000;
/** The user's own section (personas, conditions, probes) travels whole, as JSON under this key, when
 * it is small enough for a link; a larger one is shared as an experiment file. */
export const USER_KEY = 'user';
export const MAX_USER_LINK = 6000;

/** Every leaf of an object as dot-path -> value (arrays are leaves). */
export function flattenRecipe(
  value: unknown,
  prefix = '',
  out: Map<string, Leaf> = new Map(),
): Map<string, Leaf> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    for (const [key, child] of Object.entries(value))
      flattenRecipe(child, prefix ? `${prefix}.${key}` : key, out);
  } else {
    out.set(prefix, value as Leaf);
  }
  return out;
}

function encodeLeaf(value: Leaf): string {
  return Array.isArray(value) ? value.join(',') : String(value);
}

function sameLeaf(a: Leaf | undefined, b: Leaf): boolean {
  return a !== undefined && encodeLeaf(a) === encodeLeaf(b) && Array.isArray(a) === Array.isArray(b);
}

/** The short key of a dot-path (`finetune.steps` -> `ft.steps`). */
export function shortKey(path: string): string {
  for (const [alias, long] of BY_LENGTH)
    if (path.startsWith(`${long}.`)) return alias + path.slice(long.length);
  return path;
}

/** The dot-path a key names: aliases expanded, long keys unchanged. */
export function longKey(key: string): string {
  const dot = key.indexOf('.');
  const head = dot < 0 ? key : key.slice(0, dot);
  return Object.hasOwn(KEY_ALIASES, head) ? KEY_ALIASES[head] + key.slice(head.length) : key;
}

/** URL params for a recipe: `v` and every field that differs from `base`, under short keys. */
export function encodeRecipeParams(
  recipe: ExperimentRecipe,
  base: Readonly<ExperimentRecipe> = DEFAULT_RECIPE,
): URLSearchParams {
  const defaults = flattenRecipe(base);
  const params = new URLSearchParams();
  params.set('v', String(recipe.version));
  const { user, ...rest } = recipe;
  if (user !== undefined) {
    const json = JSON.stringify(user);
    if (json.length > MAX_USER_LINK) {
      throw new RecipeError(
        USER_KEY,
        `is too large for a link (${json.length} characters of JSON; at most ${MAX_USER_LINK}): export the experiment file instead`,
      );
    }
    params.set(USER_KEY, json);
  }
  for (const [path, value] of flattenRecipe(rest)) {
    if (path === 'version' || sameLeaf(defaults.get(path), value)) continue;
    params.set(shortKey(path), encodeLeaf(value));
  }
  return params;
}

/** A query string for params, with list commas left readable (`seed.finetune=1,2`, not `1%2C2`). */
export function shareQuery(params: URLSearchParams): string {
  return params.toString().replace(/%2C/g, ',');
}

/** The spec of a path: from the table, or a number for corpus fields (all corpus leaves are numbers). */
function specFor(path: string, defaults: Map<string, Leaf>): FieldSpec | null {
  const spec = recipeFieldSpec(path);
  if (spec) return spec;
  if (defaults.has(path) && typeof defaults.get(path) === 'number')
    return { type: 'number', min: -Infinity, max: Infinity };
  // Behaviour overrides are sparse (absent by default): persona.domain.field, a probability.
  if (/^corpus\.behaviourOverrides\.[^.]+\.[^.]+\.[^.]+$/.test(path))
    return { type: 'number', min: 0, max: 1 };
  return null;
}

function parseLeaf(path: string, text: string, spec: FieldSpec): Leaf {
  const number = (t: string): number => {
    const n = t.trim() === '' ? Number.NaN : Number(t);
    if (!Number.isFinite(n))
      throw new RecipeError(path, `must be a number in the URL, got ${JSON.stringify(t)}`);
    return n;
  };
  switch (spec.type) {
    case 'int':
    case 'number':
      return number(text);
    case 'bool':
      if (text !== 'true' && text !== 'false')
        throw new RecipeError(path, `must be true or false in the URL, got ${JSON.stringify(text)}`);
      return text === 'true';
    case 'string':
    case 'enum':
      return text;
    case 'intList':
      return text.split(',').map(number);
    case 'enumList':
      return text.split(',');
  }
}

/** The segments of a key, or a RecipeError naming it when it breaks the key grammar. */
function keySegments(key: string): string[] {
  const shown = key.length > 60 ? `${key.slice(0, 60)}...` : key;
  if (key.length > MAX_KEY_LENGTH)
    throw new RecipeError(shown, `is not a recipe field (longer than ${MAX_KEY_LENGTH} characters)`);
  const segments = key.split('.');
  for (const segment of segments) {
    if (!SEGMENT.test(segment) || RESERVED.has(segment)) {
      throw new RecipeError(
        shown,
        `is not a recipe field: ${JSON.stringify(segment)} is not a field name (a letter, then letters or digits)`,
      );
    }
  }
  return segments;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The `user` param's JSON (or an experiment file's), bounded, into null-prototype objects (a `__proto__` key stays a plain key
 * that the validator then refuses by name). */
export function parseUserParam(text: string, max = MAX_USER_LINK): unknown {
  if (text.length > max) throw new RecipeError(USER_KEY, `has a value longer than ${max} characters`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new RecipeError(USER_KEY, 'must be JSON in the URL (the link was cut or edited)');
  }
  const copy = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(copy);
    if (!isRecord(v)) return v;
    const out = Object.create(null) as Record<string, unknown>;
    for (const [key, child] of Object.entries(v))
      Object.defineProperty(out, key, {
        value: copy(child),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    return out;
  };
  return copy(value);
}

/** Sets target[k1][k2]... = value through own keys only, creating null-prototype objects on the way. */
function setPath(target: Record<string, unknown>, keys: readonly string[], value: Leaf): void {
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = Object.hasOwn(node, key) ? node[key] : undefined;
    if (isRecord(next)) {
      node = next;
    } else {
      const fresh: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
      Object.defineProperty(node, key, {
        value: fresh,
        enumerable: true,
        writable: true,
        configurable: true,
      });
      node = fresh;
    }
  }
  Object.defineProperty(node, keys[keys.length - 1]!, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/**
 * The recipe a URL describes: `base` (the defaults, or the preset the link names) overlaid with its
 * params. Throws RecipeError naming the first unknown, ill-formed or ill-typed key. Params outside the
 * recipe (e.g. `lab=`) can be let through with `ignore`.
 */
export function decodeRecipeParams(
  params: URLSearchParams,
  ignore: readonly string[] = [],
  base: Readonly<ExperimentRecipe> = DEFAULT_RECIPE,
): ExperimentRecipe {
  const defaults = flattenRecipe(DEFAULT_RECIPE);
  const recipe = structuredClone(base) as unknown as Record<string, unknown>;
  for (const key of VERSION_KEYS) {
    const version = params.get(key);
    // A version 1 link meant version 1's meaning (its corpus, no extra probes): validateRecipe migrates
    // it (recipeMigration.ts) once the fields version 1 lacked are gone from the base it starts from.
    if (version !== null && Number(version) === 1) {
      recipe.version = 1;
      const evalSection = recipe.eval as Record<string, unknown>;
      for (const field of VERSION_2_EVAL_FIELDS) delete evalSection[field];
      continue;
    }
    if (version !== null && Number(version) !== RECIPE_VERSION) {
      throw new RecipeError(
        'version',
        Number(version) > RECIPE_VERSION
          ? `${JSON.stringify(version)}: the link was made by a newer lab (this one reads ${RECIPE_VERSION}); update the lab`
          : `${JSON.stringify(version)} is not a recipe version this lab reads (1 to ${RECIPE_VERSION})`,
      );
    }
  }
  const seen = new Set<string>();
  if (params.getAll(USER_KEY).length > 1) throw new RecipeError(USER_KEY, 'is given twice in the URL');
  const userText = params.get(USER_KEY);
  if (userText !== null) recipe.user = parseUserParam(userText);
  for (const [key, text] of params) {
    if (VERSION_KEYS.includes(key) || ignore.includes(key) || key === USER_KEY) continue;
    const path = longKey(key);
    const segments = keySegments(path);
    if (seen.has(path)) throw new RecipeError(path, 'is given twice in the URL');
    seen.add(path);
    const spec = specFor(path, defaults);
    if (!spec) throw new RecipeError(path, 'is not a recipe field (from the URL)');
    if (text.length > MAX_VALUE_LENGTH)
      throw new RecipeError(path, `has a value longer than ${MAX_VALUE_LENGTH} characters`);
    setPath(recipe, segments, parseLeaf(path, text, spec));
  }
  return validateRecipe(recipe);
}
