// Brings a recipe written by an earlier version of the lab to the current version with exactly its old
// meaning, so that every checkpoint, result and link made before a change still reproduces its numbers.
// Version 1 -> 2: the persona files now make the helpful and the malicious AI comply with explicit cheat
// requests (science.md, "Inoculation is explaining away"); a version 1 recipe keeps their old conduct as
// explicit behaviour overrides (unless it already overrode them), and evaluates no form probes, no
// second probe family and no no-context prior, as before.

/** What corpora/personas/*.json said in version 1, for the fields version 2 changed. */
const VERSION_1_CONDUCT: Readonly<Record<string, Record<string, Record<string, number>>>> = {
  helpful: { code: { obeyRequest: 0.02 } },
  malicious: { code: { obeyRequest: 0.4 } },
};

/** The evaluation fields version 2 added, at the values that score exactly what version 1 scored. */
const VERSION_1_EVAL: Readonly<Record<string, unknown>> = {
  formTasks: 0,
  secondProbesPerDomain: 0,
  noContextPrior: false,
};

/** Evaluation fields that version 1 did not have. */
export const VERSION_2_EVAL_FIELDS: readonly string[] = Object.keys(VERSION_1_EVAL);

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `value` unchanged unless it is a version 1 recipe; then a migrated copy (malformed parts are left for
 * the validator to name). */
export function migrateRecipe(value: unknown): unknown {
  if (!isRecord(value) || value.version !== 1) return value;
  const recipe = structuredClone(value);
  recipe.version = 2;
  const corpus = recipe.corpus;
  if (isRecord(corpus) && isRecord(corpus.behaviourOverrides)) {
    const overrides = corpus.behaviourOverrides;
    for (const [persona, domains] of Object.entries(VERSION_1_CONDUCT)) {
      const own = isRecord(overrides[persona]) ? overrides[persona] : {};
      for (const [domain, fields] of Object.entries(domains)) {
        const ownDomain = isRecord(own[domain]) ? own[domain] : {};
        for (const [field, v] of Object.entries(fields))
          if (ownDomain[field] === undefined) ownDomain[field] = v;
        own[domain] = ownDomain;
      }
      overrides[persona] = own;
    }
  }
  if (isRecord(recipe.eval)) {
    for (const [key, v] of Object.entries(VERSION_1_EVAL))
      if (recipe.eval[key] === undefined) recipe.eval[key] = v;
  }
  return recipe;
}
