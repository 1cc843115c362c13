// The runner's order of work (tiny preset, cpu): branches run seed by seed with covert and honest first
// (each of those two first to its first evaluation), and the order changes no number (a run saved in the old condition-by-condition order gives the same
// results); every stage says what it is doing as fields (kind, condition, seed, branch k of n,
// evaluation k of n); and a crash mid-branch loses at most one evaluation interval.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { presetRecipe } from '../../src/experiment/presets.ts';
import { branchOrder, runExperiment } from '../../src/experiment/runner.ts';
import { MemoryRunStore } from '../../src/experiment/runStore.ts';
import { corpusInputs } from '../../src/experiment/corpusInputs.ts';
import { CODE_VERSION } from '../../src/experiment/codeVersion.ts';
import { branchId, newStageRecord, RUN_STATE_VERSION, type RunState } from '../../src/experiment/runState.ts';
import type { RunEvent } from '../../src/experiment/runEvents.ts';
import type { ConditionId } from '../../src/corpus/index.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const recipe = presetRecipe('tiny');
recipe.finetune.conditions = ['neutral', 'honest', 'covert'] as ConditionId[];
recipe.finetune.logEvery = 1;
const inputs = corpusInputs(recipe);

describe('branchOrder', () => {
  it('puts covert and honest on the first seed first, then the rest seed by seed', () => {
    expect(branchOrder(['neutral', 'inoculated', 'honest', 'covert'], [3, 1])).toEqual([
      { condition: 'covert', seed: 3 },
      { condition: 'honest', seed: 3 },
      { condition: 'neutral', seed: 3 },
      { condition: 'inoculated', seed: 3 },
      { condition: 'covert', seed: 1 },
      { condition: 'honest', seed: 1 },
      { condition: 'neutral', seed: 1 },
      { condition: 'inoculated', seed: 1 },
    ]);
    expect(branchOrder(['neutral'], [1, 2])).toEqual([
      { condition: 'neutral', seed: 1 },
      { condition: 'neutral', seed: 2 },
    ]);
  });
});

describe('the runner’s order of work (tiny preset, cpu)', () => {
  it('runs covert and honest of seed 1 first, says what it does, and gives the old order’s numbers', async () => {
    const events: RunEvent[] = [];
    const store = new MemoryRunStore();
    const results = await runExperiment(recipe, {
      store,
      backend: 'cpu',
      runId: 'new',
      inputs,
      onEvent: (e) => events.push(e),
    });
    const started = events.flatMap((e) =>
      e.type === 'stage' && e.status === 'start' && e.place.kind === 'finetune' ? [e.stage] : [],
    );
    expect(started).toEqual([
      'finetune-covert-s1',
      'finetune-honest-s1',
      'finetune-neutral-s1',
      'finetune-covert-s2',
      'finetune-honest-s2',
      'finetune-neutral-s2',
    ]);

    // Structured fields on every progress event agree with the stage they report.
    for (const e of events) {
      if (e.type !== 'progress' || e.place.kind !== 'finetune') continue;
      expect(branchId(e.place.condition!, e.place.seed)).toBe(e.stage);
      expect(e.place.branches).toBe(6);
      expect(started[e.place.branch - 1]).toBe(e.stage);
    }
    // Each evaluation is announced (k of n) before its result arrives.
    const covert = events.flatMap((e): (string | number)[][] => {
      if (e.type === 'evaluation' && e.stage === 'finetune-covert-s1')
        return [[e.type, `${e.index}/${e.count}`]];
      if (e.type === 'probe' && e.stage === 'finetune-covert-s1') return [[e.type, e.step]];
      return [];
    });
    expect(covert).toEqual([
      ['evaluation', '1/2'],
      ['probe', 2],
      ['evaluation', '2/2'],
      ['probe', 4],
    ]);
    // Covert and honest of seed 1 each draw their first point before any branch runs to its end.
    const probes = events.flatMap((e) =>
      e.type === 'probe' && e.place.kind === 'finetune' ? [`${e.stage}@${e.step}`] : [],
    );
    expect(probes.slice(0, 3)).toEqual([
      'finetune-covert-s1@2',
      'finetune-honest-s1@2',
      'finetune-covert-s1@4',
    ]);

    // The same run, saved with its branches in the old order (condition by condition), run from there.
    const old: RunState = {
      kind: 'persona-lab-run',
      version: RUN_STATE_VERSION,
      runId: 'new',
      recipe,
      corpusHash: inputs.corpusHash,
      backend: 'cpu',
      codeVersion: CODE_VERSION,
      stages: [
        newStageRecord('pretrain', 'pretrain', recipe.pretrain.steps, recipe.seeds.pretrain),
        newStageRecord('select', 'select', recipe.select.steps, recipe.seeds.select),
        ...recipe.finetune.conditions.flatMap((condition) =>
          recipe.seeds.finetune.map((seed) =>
            newStageRecord(branchId(condition, seed), 'finetune', recipe.finetune.steps, seed, condition),
          ),
        ),
      ],
      finished: false,
    };
    const oldStore = new MemoryRunStore();
    await oldStore.saveState(old);
    const oldOrder = await runExperiment(recipe, { store: oldStore, backend: 'cpu', inputs });
    expect(oldOrder.branches.map((b) => b.id)).toEqual([
      'finetune-neutral-s1',
      'finetune-neutral-s2',
      'finetune-honest-s1',
      'finetune-honest-s2',
      'finetune-covert-s1',
      'finetune-covert-s2',
    ]);
    expect(results.conditions).toEqual(oldOrder.conditions);
    const byId = (r: typeof results) => [...r.branches].sort((a, b) => a.id.localeCompare(b.id));
    expect(byId(results)).toEqual(byId(oldOrder));
    expect(results.baseline).toEqual(oldOrder.baseline);

    // And the final numbers are those of branches that ran straight through (evaluated only at the end,
    // so no branch pauses for a first look).
    const straight = structuredClone(recipe);
    straight.eval.every = recipe.finetune.steps;
    const unpaused = await runExperiment(straight, { store: new MemoryRunStore(), backend: 'cpu', inputs });
    expect(results.conditions.map((c) => c.final)).toEqual(unpaused.conditions.map((c) => c.final));
  });

  it('autosaves at every evaluation: a crash mid-interval resumes from the last evaluation', async () => {
    const store = new MemoryRunStore();
    const crash = new Error('the page was closed');
    let crashed = false;
    await expect(
      runExperiment(recipe, {
        store,
        backend: 'cpu',
        runId: 'c',
        inputs,
        onEvent: (e) => {
          // Step 3 of the second branch: past its evaluation at step 2, before the one at step 4.
          if (!crashed && e.type === 'progress' && e.stage === 'finetune-honest-s1' && e.step === 3) {
            crashed = true;
            throw crash;
          }
        },
      }),
    ).rejects.toBe(crash);
    const events: RunEvent[] = [];
    const resumed = await runExperiment(recipe, {
      store,
      backend: 'cpu',
      inputs,
      onEvent: (e) => events.push(e),
    });
    const resume = events.find((e) => e.type === 'stage' && e.status === 'resume');
    expect(resume).toMatchObject({ stage: 'finetune-honest-s1', step: 2 });
    // The evaluation saved before the crash is kept, once, and the branch ends as an uninterrupted one.
    const honest = resumed.branches.find((b) => b.id === 'finetune-honest-s1')!;
    expect(honest.evaluations.map((e) => e.step)).toEqual([2, 4]);
    const whole = await runExperiment(recipe, { store: new MemoryRunStore(), backend: 'cpu', inputs });
    expect(resumed.conditions).toEqual(whole.conditions);
  });
});
