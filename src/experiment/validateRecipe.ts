// Checks an untrusted experiment recipe (a file, a URL, a checkpoint's header) and returns it typed, or
// throws a RecipeError naming the bad field's dot-path. Unknown keys are refused, never ignored: a typo
// must not silently run the default.
import * as v from 'valibot';
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
import { RECIPE_FIELDS, fieldSchema, type FieldSpec } from './recipeFields.ts';
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

/** The table's fields by section (`''` holds the top-level fields). */
const SECTIONS: Record<string, [string, FieldSpec][]> = {};
for (const [path, spec] of Object.entries(RECIPE_FIELDS) as [string, FieldSpec][]) {
  const dot = path.indexOf('.');
  const [section, key] = dot < 0 ? ['', path] : [path.slice(0, dot), path.slice(dot + 1)];
  (SECTIONS[section] ??= []).push([key, spec]);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An object with exactly the fields `known` (in the order messages list them): unknown keys are named
 * first (a typo must not read as the field it meant being missing), then each entry in order. */
function section(entries: v.ObjectEntries, known = Object.keys(entries)) {
  return v.pipe(
    v.custom<Record<string, unknown>>(isRecord, (issue) =>
      issue.input === undefined ? 'is missing' : 'must be an object',
    ),
    v.rawCheck(({ dataset, addIssue }) => {
      if (!dataset.typed) return;
      const input = dataset.value;
      const key = Object.keys(input).find((k) => !known.includes(k));
      if (key === undefined) return;
      addIssue({
        message: `is not a recipe field (known: ${known.join(', ')})`,
        path: [{ type: 'object', origin: 'key', input, key, value: input[key] }],
      });
    }),
    v.strictObject(entries, 'is missing'),
  );
}

const SECTION_NAMES = Object.keys(SECTIONS).filter((name) => name !== '');
const TOP_LEVEL = [...SECTIONS['']!.map(([key]) => key), 'corpus', ...SECTION_NAMES];

/**
 * The recipe's schema, built from RECIPE_FIELDS: with `conditions` (the fine-tune conditions the corpus
 * data offers, bundled and the user's own) every field is checked, in the table's order; without, only
 * the shape (every section and field present, no other), which is checked first so that a missing
 * section is named before a bad value elsewhere. The corpus section is validateCorpusRecipe's.
 */
function recipeSchema(conditions?: readonly string[]) {
  const fieldsOf = (name: string): v.ObjectEntries =>
    Object.fromEntries(
      SECTIONS[name]!.map(([key, spec]) => {
        if (!conditions) return [key, v.unknown()];
        const own: FieldSpec =
          name === 'finetune' && key === 'conditions' ? { type: 'enumList', options: conditions } : spec;
        return [key, fieldSchema(own)];
      }),
    );
  const top = fieldsOf('');
  const sections = SECTION_NAMES.map((name) => [name, section(fieldsOf(name))] as const);
  // Values in the table's order: `version` first, the sections, then `backend`.
  const { version, ...rest } = top;
  return section(
    { version: version!, corpus: v.unknown(), ...Object.fromEntries(sections), ...rest },
    TOP_LEVEL,
  );
}
const RECIPE_SHAPE = recipeSchema();
/** The top level alone: its keys are named before any section's. */
const TOP_SHAPE = section(Object.fromEntries(TOP_LEVEL.map((key) => [key, v.unknown()])));

/** The first problem valibot finds, as a RecipeError: string keys make the field's dot-path, a list
 * index leads the detail (`seeds.finetune [1] must be an integer in ...`). */
function firstProblem(value: unknown, schema: v.GenericSchema): RecipeError | null {
  const result = v.safeParse(schema, value, { abortEarly: true, abortPipeEarly: true });
  const issue = result.issues?.[0];
  if (!issue) return null;
  const keys = (issue.path ?? []).map((item) => (item as { key: unknown }).key);
  const field = keys.filter((key) => typeof key === 'string').join('.');
  const index = keys.filter((key) => typeof key === 'number').map((i) => `[${i}] `);
  return new RecipeError(field, `${index.join('')}${issue.message}`);
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

/** Throws a RecipeError naming `field` unless `ok`: the checks between fields. */
function insist(ok: boolean, field: string, detail: string): void {
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
  const top = isRecord(migrated) ? rest : migrated;
  const problem =
    firstProblem(top, TOP_SHAPE) ??
    firstProblem(top, RECIPE_SHAPE) ??
    firstProblem(top, recipeSchema(conditionChoices(data)));
  if (problem) throw problem;
  if (!isRecord(top)) throw new RecipeError('', 'must be an object'); // refused above; this narrows `top`
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
  insist(
    model.nEmbd % model.nHead === 0,
    'model.nEmbd',
    `(${model.nEmbd}) must be divisible by model.nHead (${model.nHead})`,
  );
  for (const stage of ['pretrain', 'select', 'finetune'] as const) {
    const s = recipe[stage];
    insist(s.minLr <= s.lr, `${stage}.minLr`, `(${s.minLr}) must not exceed ${stage}.lr (${s.lr})`);
    insist(
      s.warmupSteps <= s.steps,
      `${stage}.warmupSteps`,
      `(${s.warmupSteps}) must not exceed ${stage}.steps (${s.steps})`,
    );
  }
  insist(
    finetune.examples <= corpus.finetuneDocuments,
    'finetune.examples',
    `(${finetune.examples}) must not exceed corpus.finetuneDocuments (${corpus.finetuneDocuments})`,
  );
  insist(
    recipe.eval.probesPerDomain <= corpus.probesPerDomain,
    'eval.probesPerDomain',
    `(${recipe.eval.probesPerDomain}) must not exceed corpus.probesPerDomain (${corpus.probesPerDomain})`,
  );
  const personas = data.personas.map((p) => p.id);
  for (const key of ['maliciousPersona', 'helpfulPersona'] as const) {
    insist(
      personas.includes(recipe.eval[key]),
      `eval.${key}`,
      `must be one of the corpus personas: ${personas.join(', ')}`,
    );
  }
  return recipe;
}
