// Share an experiment by URL: the search params carry only the dot-paths whose values differ from the
// defaults, plus `version`. Decoding reports unknown or ill-typed keys by name instead of silently
// dropping them, and the result still goes through validateRecipe.
import { DEFAULT_RECIPE, RECIPE_VERSION, defaultRecipe, type ExperimentRecipe } from './recipe.ts';
import { RECIPE_FIELDS, type FieldSpec } from './recipeFields.ts';
import { RecipeError, validateRecipe } from './validateRecipe.ts';

type Leaf = number | string | boolean | (number | string)[];

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

/** URL search params for a recipe: `version` and every field that differs from DEFAULT_RECIPE. */
export function encodeRecipeParams(recipe: ExperimentRecipe): URLSearchParams {
  const defaults = flattenRecipe(DEFAULT_RECIPE);
  const params = new URLSearchParams();
  params.set('version', String(recipe.version));
  for (const [path, value] of flattenRecipe(recipe)) {
    if (path === 'version' || sameLeaf(defaults.get(path), value)) continue;
    params.set(path, encodeLeaf(value));
  }
  return params;
}

/** The spec of a path: from the table, or a number for corpus fields (all corpus leaves are numbers). */
function specFor(path: string, defaults: Map<string, Leaf>): FieldSpec | null {
  const spec = RECIPE_FIELDS[path];
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

function setPath(target: Record<string, unknown>, path: string, value: Leaf): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]!] = value;
}

/**
 * The recipe a URL describes: defaults overlaid with its params. Throws RecipeError naming the first
 * unknown or ill-typed key. Params outside the recipe (e.g. `lab=`) can be let through with `ignore`.
 */
export function decodeRecipeParams(
  params: URLSearchParams,
  ignore: readonly string[] = [],
): ExperimentRecipe {
  const defaults = flattenRecipe(DEFAULT_RECIPE);
  const recipe = defaultRecipe() as unknown as Record<string, unknown>;
  const version = params.get('version');
  if (version !== null && Number(version) !== RECIPE_VERSION) {
    throw new RecipeError(
      'version',
      `${JSON.stringify(version)} is not a recipe version this lab reads (${RECIPE_VERSION})`,
    );
  }
  for (const [path, text] of params) {
    if (path === 'version' || ignore.includes(path)) continue;
    const spec = specFor(path, defaults);
    if (!spec) throw new RecipeError(path, 'is not a recipe field (from the URL)');
    setPath(recipe, path, parseLeaf(path, text, spec));
  }
  return validateRecipe(recipe);
}
