// Checks an untrusted experiment recipe (a file, a URL, a checkpoint's header) and returns it typed, or
// throws a RecipeError naming the bad field's dot-path. Unknown keys are refused, never ignored: a typo
// must not silently run the default.
import {
  CorpusDataError,
  bundledCorpusData,
  validateCorpusRecipe,
  type CorpusData,
} from '../corpus/index.ts';
import { RECIPE_VERSION, type ExperimentRecipe } from './recipe.ts';
import { RECIPE_FIELDS, fieldProblem } from './recipeFields.ts';
import { migrateRecipe } from './recipeMigration.ts';

export class RecipeError extends Error {
  constructor(
    readonly field: string,
    detail: string,
  ) {
    super(`recipe: ${field === '' ? '(top level)' : field} ${detail}`);
    this.name = 'RecipeError';
  }
}

const SECTIONS: Record<string, readonly string[]> = {};
for (const path of Object.keys(RECIPE_FIELDS)) {
  const dot = path.indexOf('.');
  const [section, key] = dot < 0 ? ['', path] : [path.slice(0, dot), path.slice(dot + 1)];
  SECTIONS[section] = [...(SECTIONS[section] ?? []), key];
}
const TOP_LEVEL = [...(SECTIONS[''] ?? []), 'corpus', ...Object.keys(SECTIONS).filter((s) => s !== '')];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkKeys(value: unknown, path: string, known: readonly string[]): Record<string, unknown> {
  if (!isRecord(value)) throw new RecipeError(path, value === undefined ? 'is missing' : 'must be an object');
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      throw new RecipeError(
        path === '' ? key : `${path}.${key}`,
        `is not a recipe field (known: ${known.join(', ')})`,
      );
    }
  }
  for (const key of known) {
    if (value[key] === undefined) throw new RecipeError(path === '' ? key : `${path}.${key}`, 'is missing');
  }
  return value;
}

/**
 * Fields added to recipe version 1 after recipes had been stored (in checkpoints, run folders, links):
 * a stored recipe without one reads with the value that reproduces how it ran. Any other missing
 * field is still an error.
 */
const ADDED_FIELDS: Readonly<Record<string, number>> = {
  // Recipes before the live subset scored every probe at every evaluation.
  'eval.liveProbes': 0,
};

function withAddedFields(value: unknown): unknown {
  if (!isRecord(value)) return value;
  let out = value;
  for (const [path, fill] of Object.entries(ADDED_FIELDS)) {
    const [section, key] = path.split('.') as [string, string];
    const holder = out[section];
    if (!isRecord(holder) || key in holder) continue;
    out = { ...out, [section]: { ...holder, [key]: fill } };
  }
  return out;
}

function require(ok: boolean, field: string, detail: string): void {
  if (!ok) throw new RecipeError(field, detail);
}

export function validateRecipe(value: unknown, data: CorpusData = bundledCorpusData()): ExperimentRecipe {
  // The version first: a recipe from a newer lab may lack fields this lab wants, and "is missing" would
  // send its reader hunting for a typo instead of an update.
  const version = isRecord(value) && Object.hasOwn(value, 'version') ? value.version : undefined;
  if (typeof version === 'number' && version > RECIPE_VERSION) {
    throw new RecipeError(
      'version',
      `${version}: written by a newer lab (this one reads recipe version ${RECIPE_VERSION}); update the lab`,
    );
  }
  // A recipe of an earlier version is first brought to this version with exactly its old meaning.
  const top = checkKeys(withAddedFields(migrateRecipe(value)), '', TOP_LEVEL);
  for (const [section, keys] of Object.entries(SECTIONS))
    if (section !== '') checkKeys(top[section], section, keys);
  for (const [path, spec] of Object.entries(RECIPE_FIELDS)) {
    const [head, key] = path.includes('.') ? path.split('.') : [path, undefined];
    const v = key === undefined ? top[head!] : (top[head!] as Record<string, unknown>)[key];
    const problem = fieldProblem(spec, v);
    if (problem) throw new RecipeError(path, problem);
  }
  let corpus;
  try {
    corpus = validateCorpusRecipe(top.corpus, data, 'corpus');
  } catch (error) {
    if (!(error instanceof CorpusDataError)) throw error;
    const prefix = `${error.file}: ${error.field} `;
    const detail = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
    throw new RecipeError(error.field, detail);
  }
  const recipe = structuredClone({ ...top, corpus }) as unknown as ExperimentRecipe;

  const { model, finetune } = recipe;
  require(model.nEmbd % model.nHead ===
    0, 'model.nEmbd', `(${model.nEmbd}) must be divisible by model.nHead (${model.nHead})`);
  for (const stage of ['pretrain', 'select', 'finetune'] as const) {
    const s = recipe[stage];
    require(s.minLr <= s.lr, `${stage}.minLr`, `(${s.minLr}) must not exceed ${stage}.lr (${s.lr})`);
    require(s.warmupSteps <=
      s.steps, `${stage}.warmupSteps`, `(${s.warmupSteps}) must not exceed ${stage}.steps (${s.steps})`);
  }
  require(finetune.examples <=
    corpus.finetuneDocuments, 'finetune.examples', `(${finetune.examples}) must not exceed corpus.finetuneDocuments (${corpus.finetuneDocuments})`);
  require(recipe.eval.probesPerDomain <=
    corpus.probesPerDomain, 'eval.probesPerDomain', `(${recipe.eval.probesPerDomain}) must not exceed corpus.probesPerDomain (${corpus.probesPerDomain})`);
  const personas = data.personas.map((p) => p.id);
  for (const key of ['maliciousPersona', 'helpfulPersona'] as const) {
    require(personas.includes(
      recipe.eval[key],
    ), `eval.${key}`, `must be one of the corpus personas: ${personas.join(', ')}`);
  }
  return recipe;
}
