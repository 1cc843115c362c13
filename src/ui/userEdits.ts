// The editors' text as the recipe's `user` section: one template per line, fillers as `slot: a | b`,
// pasted pairs as `prompt => answer => control`; an entry put into the section (replacing the one with
// the same id) or taken out of it. Plain functions of plain data; the view validates the result with
// validateRecipe, so a refusal reads like one of the corpora/ files.
import { EMPTY_USER_ADDITIONS, type UserAdditions } from '../corpus/index.ts';
import type { ExperimentRecipe } from '../experiment/recipe.ts';

export type UserListKind = 'voices' | 'domains' | 'personas' | 'conditions' | 'probes';

/** Non-empty lines, trimmed. */
export function lines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
}

/** `slot: a | b | c` per line -> { slot: [a, b, c] }; a line without a colon is an error naming it. */
export function parseFillers(text: string): Record<string, string[]> {
  const out: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  for (const line of lines(text)) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`the filler line “${line}” needs the form slot: value | value`);
    const slot = line.slice(0, colon).trim();
    out[slot] = line
      .slice(colon + 1)
      .split('|')
      .map((v) => v.trim())
      .filter((v) => v.length > 0);
  }
  return out;
}

export function fillersText(fillers: Record<string, string[]>): string {
  return Object.entries(fillers)
    .map(([slot, values]) => `${slot}: ${values.join(' | ')}`)
    .join('\n');
}

/** `prompt => answer => control` per line. */
export function parsePairs(text: string): { prompt: string; answer: string; control: string }[] {
  return lines(text).map((line) => {
    const parts = line.split('=>').map((p) => p.trim());
    if (parts.length !== 3)
      throw new Error(`the pair line “${line}” needs three parts: prompt => answer => control answer`);
    return { prompt: parts[0]!, answer: parts[1]!, control: parts[2]! };
  });
}

const idOf = (entry: unknown): unknown =>
  typeof entry === 'object' && entry !== null ? (entry as { id?: unknown }).id : undefined;

/** The recipe's user section, or an empty one to fill. */
export function userSection(recipe: ExperimentRecipe): UserAdditions {
  return structuredClone(recipe.user ?? (EMPTY_USER_ADDITIONS as UserAdditions));
}

/**
 * The recipe with `entry` in its user section's `kind` list (replacing the entry with the same id). A
 * new condition also joins the conditions the run trains, with the paired control the lab derives.
 */
export function withUserEntry(recipe: ExperimentRecipe, kind: UserListKind, entry: object): ExperimentRecipe {
  const user = userSection(recipe);
  const list = user[kind];
  const at = list.findIndex((e) => idOf(e) === idOf(entry));
  if (at >= 0) list[at] = entry;
  else list.push(entry);
  const out: ExperimentRecipe = { ...structuredClone(recipe), user };
  const id = idOf(entry);
  if (kind === 'conditions' && typeof id === 'string') {
    const trained = out.finetune.conditions;
    for (const c of [id, `${id}Control`]) if (!trained.includes(c)) trained.push(c);
  }
  return out;
}

/** The recipe without the entry `id` of `kind` (a condition leaves the trained conditions with its
 * control); the section goes when it is empty. */
export function withoutUserEntry(recipe: ExperimentRecipe, kind: UserListKind, id: string): ExperimentRecipe {
  const user = userSection(recipe);
  user[kind] = user[kind].filter((e) => idOf(e) !== id);
  const out: ExperimentRecipe = { ...structuredClone(recipe), user };
  if (kind === 'conditions') {
    const left = out.finetune.conditions.filter((c) => c !== id && c !== `${id}Control`);
    // A run needs one condition at least: fall back to the reference pair.
    out.finetune.conditions = left.length > 0 ? left : ['covert', 'plainFix'];
  }
  if (kind === 'personas') delete out.corpus.personaShares[id];
  const empty =
    user.characters === '' && Object.values(user).every((v) => !Array.isArray(v) || v.length === 0);
  if (empty) delete out.user;
  return out;
}

/** Ids of the entries of one kind, in order. */
export function userIds(recipe: ExperimentRecipe, kind: UserListKind): string[] {
  return (recipe.user?.[kind] ?? []).map(idOf).filter((id): id is string => typeof id === 'string');
}

/** Display titles of the user's conditions and their controls. */
export function userConditionTitles(recipe: ExperimentRecipe): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of recipe.user?.conditions ?? []) {
    const e = entry as { id?: unknown; title?: unknown; control?: { title?: unknown } };
    if (typeof e.id !== 'string') continue;
    out[e.id] = typeof e.title === 'string' ? e.title : e.id;
    const control = e.control?.title;
    out[`${e.id}Control`] = typeof control === 'string' ? control : `control of ${e.id}`;
  }
  return out;
}
