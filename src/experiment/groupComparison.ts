// Groups of a class compared (guided lab 5): result cards whose recipes differ in ONE numeric field (each
// group sets the malicious AI's share to its own value, pretrains and selects its own base, fine-tunes it)
// are grouped by that field's value. A run is one base (its weights' fingerprint): the runs of a value
// are independent pretrainings when the groups chose different seeds, and the same base twice counts
// once. Per value: the selected Assistant's default MI and each prompt form's behaviour effect, the
// interval over runs (n = runs), apart from each run's own interval over fine-tune seeds. Pure; the
// numbers come from the run's own aggregation (results.ts: formEffects).
import type { ExperimentRecipe } from './recipe.ts';
import { formEffects, toInterval, type BranchTrajectory, type Interval } from './results.ts';
import { cardTrajectory, type CheckedCard } from './resultCard.ts';

export interface GroupRun {
  /** The cards (their sources) of this base. */
  sources: string[];
  /** The base's weights fingerprint, shortened. */
  base: string;
  defaultMI: number | null;
  /** Each form's effect over this run's fine-tune seeds. */
  effects: { form: string; effect: Interval }[];
}

export interface CardGroup {
  value: number;
  runs: GroupRun[];
  defaultMI: Interval;
  /** Each form's effect: the interval of the runs' means (n = runs). */
  effects: { form: string; effect: Interval }[];
}

export interface GroupComparison {
  /** The recipe field the cards differ in (a dot-path, as in share links). */
  field: string;
  groups: CardGroup[];
  /** Cards that differ in another field as well, with the reason. */
  left: { source: string; reason: string }[];
}

type Leaves = Map<string, string>;

/** How many cards are tried as the reference the others are compared with. */
const MAX_REFERENCES = 5;

/** Every leaf of the recipe as dot-path -> JSON text; seeds and backend are not part of a group's setting. */
function leaves(recipe: ExperimentRecipe): Leaves {
  const { backend: _backend, seeds: _seeds, ...rest } = recipe;
  const out: Leaves = new Map();
  const walk = (value: unknown, path: string) => {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      for (const [key, inner] of Object.entries(value)) walk(inner, path ? `${path}.${key}` : key);
    } else {
      out.set(path, JSON.stringify(value));
    }
  };
  walk(rest, '');
  return out;
}

function differences(a: Leaves, b: Leaves): string[] {
  const paths = new Set([...a.keys(), ...b.keys()]);
  return [...paths].filter((p) => a.get(p) !== b.get(p)).sort();
}

/**
 * Groups `cards` by the one numeric recipe field they differ in; null when they do not differ (a plain
 * pool) or when no single numeric field separates them. One of the first cards sets the reference; a
 * card that differs from it in another field is left out, naming the fields.
 */
export function compareGroups(
  cards: readonly { source: string; checked: CheckedCard }[],
): GroupComparison | null {
  if (cards.length < 2) return null;
  const all = cards.map((c) => leaves(c.checked.recipe));
  // The reference card and field that group the most cards (each either equal to the reference or
  // different in that field only, with at least two values among them), tried from the first few cards,
  // so that an odd card first in the list does not decide the grouping.
  let best: { diffs: string[][]; field: string; members: number } | null = null;
  for (const reference of all.slice(0, MAX_REFERENCES)) {
    const diffs = all.map((l) => differences(reference, l));
    for (const field of new Set(diffs.flatMap((d) => (d.length === 1 ? d : [])))) {
      const members = all.filter((_, i) => diffs[i]!.every((p) => p === field));
      const values = new Set(members.map((l) => l.get(field)));
      if (values.size >= 2 && (best === null || members.length > best.members))
        best = { diffs, field, members: members.length };
    }
  }
  if (best === null) return null;
  const { diffs, field } = best;
  const numberAt = (l: Leaves): number | null => {
    const value = JSON.parse(l.get(field) ?? 'null') as unknown;
    return typeof value === 'number' ? value : null;
  };

  const left: GroupComparison['left'] = [];
  const byBase = new Map<string, { value: number; cards: { source: string; checked: CheckedCard }[] }>();
  cards.forEach((c, i) => {
    const extra = diffs[i]!.filter((p) => p !== field);
    if (extra.length > 0) {
      left.push({
        source: c.source,
        reason: `it differs in ${extra.slice(0, 3).join(', ')} (the groups differ only in ${field})`,
      });
      return;
    }
    const value = numberAt(all[i]!);
    if (value === null) {
      left.push({ source: c.source, reason: `its ${field} is not a number` });
      return;
    }
    const run = byBase.get(c.checked.card.base) ?? { value, cards: [] };
    run.cards.push(c);
    byBase.set(c.checked.card.base, run);
  });

  const runs = [...byBase.entries()].map(([base, { value, cards: own }]) => ({
    value,
    run: runOf(base, own),
  }));
  const values = [...new Set(runs.map((r) => r.value))].sort((a, b) => a - b);
  if (values.length < 2) return null;
  const forms = [...new Set(runs.flatMap((r) => r.run.effects.map((e) => e.form)))];
  return {
    field,
    groups: values.map((value) => {
      const own = runs.filter((r) => r.value === value).map((r) => r.run);
      return {
        value,
        runs: own,
        defaultMI: toInterval(own.map((r) => r.defaultMI)),
        effects: forms.map((form) => ({
          form,
          effect: toInterval(own.map((r) => r.effects.find((e) => e.form === form)?.effect.mean ?? null)),
        })),
      };
    }),
    left,
  };
}

/** One base's cards: its branches (a condition and seed once), its default MI and its form effects. */
function runOf(base: string, cards: readonly { source: string; checked: CheckedCard }[]): GroupRun {
  const seen = new Set<string>();
  const branches: BranchTrajectory[] = [];
  for (const { checked } of cards)
    for (const b of checked.card.branches) {
      const key = `${b.condition}/${b.seed}`;
      if (seen.has(key)) continue;
      seen.add(key);
      branches.push({
        condition: b.condition,
        seed: b.seed,
        status: 'done',
        trajectory: cardTrajectory(b.curve),
      });
    }
  const defaultMI = cards.map((c) => c.checked.card.defaultMI ?? null).find((m) => m !== null) ?? null;
  return {
    sources: cards.map((c) => c.source),
    base: base.slice(0, 12),
    defaultMI,
    effects: formEffects(branches).map((e) => ({ form: e.form, effect: e.effect })),
  };
}
