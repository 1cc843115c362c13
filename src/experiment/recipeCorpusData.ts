// The corpus data a recipe runs on: the bundled corpora/ files, with the recipe's `user` section put in
// when it has one. Built once per distinct section (validation and generation ask for it often).
import {
  CONDITION_IDS,
  bundledCorpusData,
  isEmptyUserAdditions,
  readUserAdditions,
  userCorpusData,
  type CorpusData,
  type UserAdditions,
} from '../corpus/index.ts';
import type { ExperimentRecipe } from './recipe.ts';

const cache = new Map<string, CorpusData>();

/** The corpus data of a `user` section (throws a CorpusDataError naming `user.…` and the field). */
export function userSectionData(user: UserAdditions | undefined): CorpusData {
  if (user === undefined || isEmptyUserAdditions(user)) return bundledCorpusData();
  const key = JSON.stringify(user);
  let data = cache.get(key);
  if (!data) {
    data = userCorpusData(readUserAdditions(user), CONDITION_IDS);
    if (cache.size > 8) cache.clear();
    cache.set(key, data);
  }
  return data;
}

export function recipeCorpusData(recipe: Pick<ExperimentRecipe, 'user'>): CorpusData {
  return userSectionData(recipe.user);
}

/** Every condition a recipe may train: the bundled ones, then each user condition and its control. */
export function conditionChoices(data: CorpusData): string[] {
  return [...CONDITION_IDS, ...(data.user?.conditions ?? []).flatMap((c) => [c.id, c.controlId])];
}
