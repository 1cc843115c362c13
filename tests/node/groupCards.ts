// Result cards of guided lab 5's groups, by hand: a group sets the malicious AI's share and its own
// pretraining seed, fine-tunes the covert cheat and its fix, and ends with the given final ΔMI per
// condition and seed. For the group comparison's tests (node, and pasted as codes in the built app).
import { presetRecipe } from '../../src/experiment/presets.ts';
import type { ExperimentRecipe } from '../../src/experiment/recipe.ts';
import type { RunResults } from '../../src/experiment/results.ts';
import { resultCard, type ResultCard } from '../../src/experiment/resultCard.ts';

export const GROUP_FIELD = 'corpus.personaShares.malicious';

/** A recipe of one group: its share, its pretraining seed, its fine-tune seeds. */
export function groupRecipe(share: number, pretraining: number, seeds: number[]): ExperimentRecipe {
  const recipe = presetRecipe('tiny');
  recipe.corpus.personaShares.malicious = share;
  recipe.seeds = {
    ...recipe.seeds,
    corpus: pretraining,
    pretrain: pretraining,
    select: pretraining,
    finetune: seeds,
  };
  recipe.finetune.conditions = ['covert', 'plainFix'];
  return recipe;
}

/** A finished run's results, by hand: final ΔMI per condition and seed, and the default MI. */
export function groupResults(
  recipe: ExperimentRecipe,
  defaultMI: number,
  finals: Record<string, Record<number, number>>,
): RunResults {
  const steps = recipe.finetune.steps;
  return {
    runId: `run-${recipe.corpus.personaShares.malicious}-${recipe.seeds.pretrain}`,
    provenance: { codeVersion: 'persona-lab@test', backend: 'cpu', corpusHash: 'h', recipe },
    baseline: { step: 4, checkpoint: 'select', summary: { mi: defaultMI } },
    branches: Object.entries(finals).flatMap(([condition, bySeed]) =>
      Object.entries(bySeed).map(([seed, deltaMI]) => ({
        condition,
        seed: Number(seed),
        status: 'done',
        trajectory: [
          { step: 0, deltaMI: 0, deltaMICode: 0, attainment: 0.5, deltaMISecond: null, transferRatio: null },
          {
            step: steps,
            deltaMI,
            deltaMICode: deltaMI,
            attainment: 0.9,
            deltaMISecond: null,
            transferRatio: 1,
          },
        ],
      })),
    ),
  } as unknown as RunResults;
}

export const hex = (c: string) => c.repeat(64);
export function groupCard(
  share: number,
  pretraining: number,
  defaultMI: number,
  finals: Record<string, Record<number, number>>,
): ResultCard {
  const seeds = [...new Set(Object.values(finals).flatMap((s) => Object.keys(s).map(Number)))];
  return resultCard(
    groupResults(groupRecipe(share, pretraining, seeds), defaultMI, finals),
    hex(String(pretraining)),
  );
}

/**
 * A class of four groups: two shares (0.1, 0.6), two pretrainings each (bases 1-4), and base 1 on two
 * cards (two students, fine-tune seeds 1 and 2). Plain effects per run: base 1 (5 + 7) / 2 = 6, base 2
 * 2, base 3 11, base 4 9; default MI -20, -16, -8, -10.
 */
export function classOfGroups(): ResultCard[] {
  return [
    groupCard(0.1, 1, -20, { covert: { 1: 4 }, plainFix: { 1: -1 } }),
    groupCard(0.1, 1, -20, { covert: { 2: 6 }, plainFix: { 2: -1 } }),
    groupCard(0.1, 2, -16, { covert: { 1: 2 }, plainFix: { 1: 0 } }),
    groupCard(0.6, 3, -8, { covert: { 1: 12 }, plainFix: { 1: 1 } }),
    groupCard(0.6, 4, -10, { covert: { 1: 9 }, plainFix: { 1: 0 } }),
  ];
}
