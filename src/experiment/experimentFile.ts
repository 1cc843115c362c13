// One experiment as one file: the recipe (with the user's own personas, conditions and probes in its
// `user` section) and where the run starts (from scratch, or fine-tune only from the shipped base).
// The lab exports and imports it; `npm run lab -- run experiment.json` runs it. A file is hostile
// input: bounded in size, parsed into null-prototype objects, every field checked by name.
import { parseUserParam } from './urlCodec.ts';
import type { ExperimentRecipe } from './recipe.ts';
import { RecipeError, validateRecipe } from './validateRecipe.ts';

export const EXPERIMENT_KIND = 'persona-lab-experiment';
export const EXPERIMENT_FILE_VERSION = 1;
/** Bytes: an experiment is a recipe and some templates, never a corpus. */
export const MAX_EXPERIMENT_FILE = 512 * 1024;

/** 'shipped-base': the recipe's corpus and model are the shipped base's, and only fine-tunes train. */
export type ExperimentStart = 'scratch' | 'shipped-base';

export interface ExperimentFile {
  kind: typeof EXPERIMENT_KIND;
  version: number;
  /** What the experiment asks, in the author's words (shown on import). */
  about: string;
  start: ExperimentStart;
  recipe: ExperimentRecipe;
}

export class ExperimentFileError extends Error {
  constructor(message: string) {
    super(`experiment file: ${message}`);
    this.name = 'ExperimentFileError';
  }
}

export function experimentFile(recipe: ExperimentRecipe, start: ExperimentStart, about = ''): ExperimentFile {
  return { kind: EXPERIMENT_KIND, version: EXPERIMENT_FILE_VERSION, about, start, recipe };
}

export function experimentFileText(file: ExperimentFile): string {
  return `${JSON.stringify(file, null, 1)}\n`;
}

const FIELDS = ['kind', 'version', 'about', 'start', 'recipe'];

/** Checks a parsed experiment file and returns it typed; errors name the field (`recipe: user.…`). */
export function validateExperimentFile(value: unknown): ExperimentFile {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ExperimentFileError('must be a JSON object');
  const o = value as Record<string, unknown>;
  for (const key of Object.keys(o))
    if (!FIELDS.includes(key))
      throw new ExperimentFileError(`${key} is not a field (known: ${FIELDS.join(', ')})`);
  if (o.kind !== EXPERIMENT_KIND)
    throw new ExperimentFileError(
      `kind must be ${JSON.stringify(EXPERIMENT_KIND)} (is this a recipe or results file?)`,
    );
  if (o.version !== EXPERIMENT_FILE_VERSION) {
    throw new ExperimentFileError(
      typeof o.version === 'number' && o.version > EXPERIMENT_FILE_VERSION
        ? `version ${o.version} was written by a newer lab; update the lab`
        : `version must be ${EXPERIMENT_FILE_VERSION}`,
    );
  }
  if (o.about !== undefined && typeof o.about !== 'string')
    throw new ExperimentFileError('about must be text');
  if (o.start !== 'scratch' && o.start !== 'shipped-base')
    throw new ExperimentFileError('start must be "scratch" or "shipped-base"');
  return {
    kind: EXPERIMENT_KIND,
    version: EXPERIMENT_FILE_VERSION,
    about: o.about ?? '',
    start: o.start,
    recipe: validateRecipe(o.recipe),
  };
}

/** Parses and checks the text of an experiment file (refuses oversize text before parsing it). */
export function parseExperimentFile(text: string): ExperimentFile {
  if (text.length > MAX_EXPERIMENT_FILE)
    throw new ExperimentFileError(`is ${text.length} characters; at most ${MAX_EXPERIMENT_FILE} are read`);
  let parsed: unknown;
  try {
    parsed = parseUserParam(text, MAX_EXPERIMENT_FILE);
  } catch (error) {
    if (error instanceof RecipeError) throw new ExperimentFileError('is not valid JSON');
    throw error;
  }
  return validateExperimentFile(parsed);
}

/** Whether parsed JSON looks like an experiment file (rather than a bare recipe). */
export function isExperimentFile(value: unknown): boolean {
  return (
    typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === EXPERIMENT_KIND
  );
}
