// A class's pooled results: many students' result cards (resultCard.ts), each a fine-tune of the SAME
// base with its own seed, merged into one table with intervals over students. The cards must share the
// base fingerprint, the corpus and the recipe (all but the fine-tune seeds and the backend): a card that
// differs is refused naming the field. A branch already in the pool (same condition and seed: the same
// deterministic fine-tune) is ignored, as is a card with nothing new. The numbers over students come from
// the run's own aggregation (results.ts: conditionResults, formEffects), never a copy of it.
import { recipeDifference } from './recipeDifference.ts';
import type { ExperimentRecipe } from './recipe.ts';
import {
  conditionResults,
  formEffects,
  type BranchTrajectory,
  type ConditionResult,
  type FormEffect,
  type TrajectoryPoint,
} from './results.ts';
import { cardTrajectory, CardError, readCard, type CheckedCard } from './resultCard.ts';
import { compareGroups, type GroupComparison } from './groupComparison.ts';

export const POOL_SCHEMA_VERSION = 1;

/** One card given to the pool: where it came from (a file name, `code 3`) and its text. */
export interface CardInput {
  source: string;
  text: string;
}

export interface PooledBranch extends BranchTrajectory {
  /** The card (its source) this branch came from. */
  student: string;
  trajectory: TrajectoryPoint[];
}

export interface PooledStudent {
  source: string;
  runId: string;
  backend: string;
  seeds: number[];
  /** Each of the card's pooled branches at its last step: the student's point on the chart. */
  finals: { condition: string; seed: number; step: number; deltaMI: number | null }[];
}

export interface ClassPool {
  schema: 'persona-lab-pool';
  schemaVersion: number;
  /** The base every pooled branch started from (its weights' SHA-256). */
  base: string;
  corpusHash: string;
  /** The shared recipe, with the pooled seeds as its fine-tune seeds. */
  recipe: ExperimentRecipe;
  backends: string[];
  codeVersions: string[];
  students: PooledStudent[];
  branches: PooledBranch[];
  conditions: ConditionResult[];
  effects: FormEffect[];
}

export interface PoolOutcome {
  /** Null when no card was accepted. */
  pool: ClassPool | null;
  refused: { source: string; reason: string }[];
  ignored: { source: string; reason: string }[];
  /** Cards of several groups that differ in one recipe field (guided lab 5), compared by its value;
   * null when the cards do not form such groups. */
  groups: GroupComparison | null;
}

/** The recipe fields the students of one class may differ in. */
function shared(recipe: ExperimentRecipe): unknown {
  const { backend: _backend, seeds, ...rest } = recipe;
  const { finetune: _finetune, ...otherSeeds } = seeds;
  return { ...rest, seeds: otherSeeds };
}

/** Why `next` cannot join a pool started by `first`, or null when it can. */
function mismatch(first: CheckedCard, next: CheckedCard): string | null {
  if (next.card.base !== first.card.base)
    return `another base (fingerprint ${next.card.base.slice(0, 12)}…, the class's is ${first.card.base.slice(0, 12)}…): fine-tune from the class's base`;
  const difference = recipeDifference(shared(first.recipe), shared(next.recipe));
  if (difference !== null)
    return `another recipe: ${difference.replace(' there,', ' in the class,').replace(' here', ' on this card')}`;
  if (next.card.corpusHash !== first.card.corpusHash)
    return `another corpus (hash ${next.card.corpusHash}, the class's is ${first.card.corpusHash}): the corpus data differ`;
  return null;
}

/**
 * Pools the cards: the first readable card sets the base and recipe the others must share. Cards of
 * groups that differ in one recipe field are also compared by its value (`groups`); a card refused from
 * the pool for that reason says so.
 */
export function poolCards(inputs: readonly CardInput[]): PoolOutcome {
  // Refusals in the order the cards came, whichever check refused them.
  const refusedAt: { at: number; source: string; reason: string }[] = [];
  const ignored: PoolOutcome['ignored'] = [];
  const readable: { at: number; source: string; checked: CheckedCard }[] = [];
  inputs.forEach((input, at) => {
    try {
      readable.push({ at, source: input.source, checked: readCard(input.text) });
    } catch (error) {
      if (!(error instanceof CardError)) throw error;
      refusedAt.push({ at, source: input.source, reason: error.message });
    }
  });
  const groups = compareGroups(readable);
  const grouped = new Map(
    (groups?.groups ?? []).flatMap((g) => g.runs.flatMap((r) => r.sources.map((s) => [s, g.value] as const))),
  );
  const accepted: { source: string; checked: CheckedCard; branches: PooledBranch[] }[] = [];
  const bySeed = new Map<string, string>();
  for (const { at, source, checked } of readable) {
    const first = accepted[0]?.checked;
    const reason = first ? mismatch(first, checked) : null;
    if (reason !== null) {
      const value = grouped.get(source);
      refusedAt.push({
        at,
        source,
        reason:
          value === undefined
            ? reason
            : `another group (${groups!.field} ${value}, or another pretraining): compared under the groups, not pooled`,
      });
      continue;
    }
    const fresh: PooledBranch[] = [];
    const repeats: string[] = [];
    for (const b of checked.card.branches) {
      const key = `${b.condition}/${b.seed}`;
      const owner = bySeed.get(key);
      if (owner !== undefined) {
        repeats.push(`${b.condition} seed ${b.seed} (already from ${owner})`);
        continue;
      }
      bySeed.set(key, source);
      fresh.push({
        student: source,
        condition: b.condition,
        seed: b.seed,
        status: 'done',
        trajectory: cardTrajectory(b.curve),
      });
    }
    if (fresh.length === 0) {
      ignored.push({ source, reason: `a duplicate: ${repeats.join(', ')}` });
      continue;
    }
    if (repeats.length > 0) ignored.push({ source, reason: `left out ${repeats.join(', ')}` });
    accepted.push({ source, checked, branches: fresh });
  }
  const refused = refusedAt.sort((a, b) => a.at - b.at).map(({ source, reason }) => ({ source, reason }));
  if (accepted.length === 0) return { pool: null, refused, ignored, groups };
  const first = accepted[0]!.checked;
  const conditionOrder = first.recipe.finetune.conditions;
  const branches = accepted
    .flatMap((a) => a.branches)
    .sort(
      (a, b) => a.seed - b.seed || conditionOrder.indexOf(a.condition) - conditionOrder.indexOf(b.condition),
    );
  const seeds = [...new Set(branches.map((b) => b.seed))].sort((a, b) => a - b);
  const recipe = structuredClone(first.recipe);
  recipe.seeds.finetune = seeds;
  const distinct = (values: string[]) => [...new Set(values)];
  return {
    pool: {
      schema: 'persona-lab-pool',
      schemaVersion: POOL_SCHEMA_VERSION,
      base: first.card.base,
      corpusHash: first.card.corpusHash,
      recipe,
      backends: distinct(accepted.map((a) => a.checked.card.backend)),
      codeVersions: distinct(accepted.map((a) => a.checked.card.codeVersion)),
      students: accepted.map((a) => ({
        source: a.source,
        runId: a.checked.card.runId,
        backend: a.checked.card.backend,
        seeds: distinct(a.branches.map((b) => String(b.seed))).map(Number),
        finals: a.branches.map((b) => {
          const last = b.trajectory.at(-1)!;
          return { condition: b.condition, seed: b.seed, step: last.step, deltaMI: last.deltaMI };
        }),
      })),
      branches,
      conditions: conditionResults(conditionOrder, branches),
      effects: formEffects(branches),
    },
    refused,
    ignored,
    groups,
  };
}
