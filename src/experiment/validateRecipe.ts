// Checks an untrusted experiment recipe (a file, a URL, a checkpoint's header) and returns it typed, or
// throws a RecipeError naming the bad field's dot-path. Unknown keys are refused, never ignored: a typo
// must not silently run the default.
import {
  CorpusDataError,
  bundledCorpusData,
  isEmptyUserAdditions,
  readUserAdditions,
  validateCorpusRecipe,
  type CorpusData,
  type UserAdditions,
} from '../corpus/index.ts';
import { RECIPE_VERSION, type ExperimentRecipe } from './recipe.ts';
import { conditionChoices, userSectionData } from './recipeCorpusData.ts';
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

/** A persona the user added takes its file's share unless the recipe's mix gives it one (a base's
 * recipe, adopted for its corpus, knows nothing of it). */
function withUserShares(corpus: unknown, data: CorpusData): unknown {
  if (!isRecord(corpus) || !isRecord(corpus.personaShares) || !data.user) return corpus;
  const shares = { ...corpus.personaShares };
  const bundled = new Set(bundledCorpusData().personas.map((p) => p.id));
  for (const persona of data.personas)
    if (!bundled.has(persona.id) && !Object.hasOwn(shares, persona.id)) shares[persona.id] = persona.share;
  return { ...corpus, personaShares: shares };
}

function require(ok: boolean, field: string, detail: string): void {
  if (!ok) throw new RecipeError(field, detail);
}

/** A CorpusDataError as a RecipeError: a user file's path joins its field (`user.personas[0].names[1]`). */
function asRecipeError(error: CorpusDataError): RecipeError {
  const prefix = `${error.file}: ${error.field} `;
  const detail = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
  const own = error.file === 'user' || error.file.startsWith('user.');
  const field = own ? [error.file, error.field].filter((p) => p !== '').join('.') : error.field;
  return new RecipeError(field, detail);
}

/** The `user` section and the corpus data it makes (the bundled data when it adds nothing). */
function userSection(value: unknown, data: CorpusData | undefined) {
  try {
    const user: UserAdditions = readUserAdditions(value);
    const empty = isEmptyUserAdditions(user);
    return { user: empty ? undefined : user, data: data ?? userSectionData(empty ? undefined : user) };
  } catch (error) {
    if (error instanceof CorpusDataError) throw asRecipeError(error);
    throw error;
  }
}

/**
 * `data` replaces the corpus data the recipe's own `user` section makes (tests pass broken copies).
 */
export function validateRecipe(value: unknown, dataGiven?: CorpusData): ExperimentRecipe {
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
  const migrated = withAddedFields(migrateRecipe(value));
  // The optional `user` section first: it decides which personas and conditions the rest may name.
  const { user: userIn, ...rest } = isRecord(migrated) ? migrated : { user: undefined };
  const { user, data } = userSection(userIn, dataGiven);
  const top = checkKeys(isRecord(migrated) ? rest : migrated, '', TOP_LEVEL);
  for (const [section, keys] of Object.entries(SECTIONS))
    if (section !== '') checkKeys(top[section], section, keys);
  for (const [path, spec] of Object.entries(RECIPE_FIELDS)) {
    const [head, key] = path.includes('.') ? path.split('.') : [path, undefined];
    const v = key === undefined ? top[head!] : (top[head!] as Record<string, unknown>)[key];
    const own =
      path === 'finetune.conditions'
        ? ({ type: 'enumList', options: conditionChoices(data) } as const)
        : spec;
    const problem = fieldProblem(own, v);
    if (problem) throw new RecipeError(path, problem);
  }
  let corpus;
  try {
    corpus = validateCorpusRecipe(withUserShares(top.corpus, data), data, 'corpus');
  } catch (error) {
    if (!(error instanceof CorpusDataError)) throw error;
    throw asRecipeError(error);
  }
  const recipe = structuredClone({
    ...top,
    corpus,
    ...(user ? { user } : {}),
  }) as unknown as ExperimentRecipe;

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
