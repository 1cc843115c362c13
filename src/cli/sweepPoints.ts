// The points of `sweep`: the --values list parsed, and per value the base recipe with one numeric field
// (a dot-path such as corpus.personaShares.shortcut) set, or with `pretraining` one independent
// pretraining (its seeds) per value, validated like any recipe. With --pretrainings each value is
// crossed with independent pretrainings, one point per pair. Pure: bad input is refused with a
// CliError (exit code 2) before any folder is touched.
import type { ExperimentRecipe } from '../experiment/recipe.ts';
import { RecipeError, validateRecipe } from '../experiment/validateRecipe.ts';
import { nodeBackendArg } from './cliBackend.ts';
import { CliError } from './cliErrors.ts';

export interface SweepValue {
  value: number;
  /** The value as the user wrote it: it names the point's folder, so `0.10` stays `0.10`. */
  label: string;
}

export interface SweepPoint extends SweepValue {
  /** `<last path segment>=<label>`, e.g. `shortcut=0.15` (crossed with pretrainings:
   * `shortcut=0.15_pretraining=2`): the point's folder and recipe file name. */
  name: string;
  /** The pretraining seed the value is crossed with (--pretrainings); null otherwise. */
  pretraining: number | null;
  recipe: ExperimentRecipe;
}

// Plain decimal numbers only: Number() would also take '', '0x10' and 'Infinity', none of which is a
// sensible dose, and the text becomes part of a folder name.
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export function parseSweepValues(text: string | undefined, option = '--values'): SweepValue[] {
  if (text === undefined)
    throw new CliError(`${option} V1,V2,... is required: the values the field takes, one run each`);
  const out: SweepValue[] = [];
  const items = text.split(',').map((s) => s.trim());
  if (items.length === 1 && items[0] === '')
    throw new CliError(`${option} is empty: give at least one value`);
  for (const [i, label] of items.entries()) {
    if (label === '') throw new CliError(`${option} has an empty item (number ${i + 1} of ${items.length})`);
    const value = Number(label);
    if (!DECIMAL.test(label) || !Number.isFinite(value))
      throw new CliError(`${option}: ${JSON.stringify(label)} is not a number`);
    const twin = out.find((v) => v.value === value);
    if (twin)
      throw new CliError(
        `${option}: ${label} repeats ${twin.label}: each value names one point, give it once`,
      );
    out.push({ value, label });
  }
  return out;
}

/** Pretraining seeds: whole numbers >= 0 (each sets the corpus, initialisation and selection seeds). */
function parseSeeds(text: string | undefined, option: string): SweepValue[] {
  const seeds = parseSweepValues(text, option);
  for (const { label, value } of seeds)
    if (!Number.isInteger(value) || value < 0)
      throw new CliError(`${option}: pretraining ${label} is not a seed (a whole number >= 0)`);
  return seeds;
}

/** A copy of `recipe` with the number at `path` replaced; the path must exist and hold a number. */
export function setNumberAt<T>(recipe: T, path: string, value: number): T {
  const keys = path.split('.');
  if (path === '' || keys.some((k) => k === ''))
    throw new CliError(
      `--param ${JSON.stringify(path)} is not a dot-path such as corpus.personaShares.shortcut`,
    );
  const copy = structuredClone(recipe);
  let node: unknown = copy;
  for (const [i, key] of keys.entries()) {
    const here = keys.slice(0, i + 1).join('.');
    // Own properties only: a path never reaches a prototype (`__proto__`, `constructor`).
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, key))
      throw new CliError(`--param ${path}: the recipe has no field ${here}`);
    const record = node as Record<string, unknown>;
    if (i < keys.length - 1) {
      node = record[key];
    } else if (typeof record[key] !== 'number') {
      throw new CliError(
        `--param ${path}: the recipe's ${here} is ${describe(record[key])}, not a number: sweep a numeric field`,
      );
    } else {
      record[key] = value;
    }
  }
  return copy;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object' && value !== null) return 'a section';
  return JSON.stringify(value);
}

/**
 * `--param pretraining`: each value is one independent pretraining, its corpus, initialisation and
 * selection seeds all set to the value (the fine-tune seeds stay the recipe's), so that a result can be
 * reported over pretrainings apart from over fine-tune seeds.
 */
export const PRETRAINING_PARAM = 'pretraining';

function pretrainingAt(recipe: ExperimentRecipe, seed: number): ExperimentRecipe {
  const copy = structuredClone(recipe);
  copy.seeds = { ...copy.seeds, corpus: seed, pretrain: seed, select: seed };
  return copy;
}

export interface SweepOptions {
  param: string | undefined;
  values: string | undefined;
  /** `--pretrainings S1,S2,...`: cross every value with these independent pretrainings. */
  pretrainings?: string | undefined;
  /** Written into every point's recipe.backend when given (auto, wasm, cpu or webgpu). */
  backend: string | undefined;
}

export function sweepPoints(base: ExperimentRecipe, options: SweepOptions): SweepPoint[] {
  const { param } = options;
  if (param === undefined)
    throw new CliError(
      '--param DOT.PATH is required: the recipe field to sweep, e.g. corpus.personaShares.shortcut',
    );
  const values =
    param === PRETRAINING_PARAM ? parseSeeds(options.values, '--values') : parseSweepValues(options.values);
  if (options.backend !== undefined) nodeBackendArg(options.backend);
  const last = param.split('.').at(-1)!;
  let crossed: (SweepValue | null)[] = [null];
  if (options.pretrainings !== undefined) {
    if (param === PRETRAINING_PARAM)
      throw new CliError(
        '--pretrainings crosses a swept field with pretrainings: it cannot go with --param pretraining',
      );
    crossed = parseSeeds(options.pretrainings, '--pretrainings');
  }
  return values.flatMap(({ value, label }) =>
    crossed.map((seed) => {
      const set = param === PRETRAINING_PARAM ? pretrainingAt(base, value) : setNumberAt(base, param, value);
      const edited = seed === null ? set : pretrainingAt(set, seed.value);
      const name = `${last}=${label}${seed === null ? '' : `_pretraining=${seed.label}`}`;
      return { value, label, name, pretraining: seed?.value ?? null, recipe: checked(edited, name, options) };
    }),
  );
}

function checked(edited: ExperimentRecipe, name: string, options: SweepOptions): ExperimentRecipe {
  if (options.backend !== undefined) (edited as { backend: string }).backend = options.backend;
  let recipe;
  try {
    recipe = validateRecipe(edited);
  } catch (error) {
    if (error instanceof RecipeError) throw new CliError(`point ${name}: ${error.message}`);
    throw error;
  }
  return recipe;
}
