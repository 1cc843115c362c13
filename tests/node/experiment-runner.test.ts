// The runner on the tiny preset (cpu backend): the results conform to their schema, a run stopped
// twice (mid-pretraining and mid-branch) and resumed gives exactly the results of an uninterrupted run,
// and its events alone, folded into its state, give those results too (what the page shows).
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { presetRecipe } from '../../src/experiment/presets.ts';
import { RunControl, RunInterruptedError } from '../../src/experiment/runControl.ts';
import { runExperiment } from '../../src/experiment/runner.ts';
import { MemoryRunStore } from '../../src/experiment/runStore.ts';
import { corpusInputs } from '../../src/experiment/corpusInputs.ts';
import { schemaErrors } from '../../src/experiment/resultsSchema.ts';
import { resultsCsv } from '../../src/experiment/resultsCsv.ts';
import type { RunEvent } from '../../src/experiment/runEvents.ts';
import { validateRecipe } from '../../src/experiment/validateRecipe.ts';
import type { RunState } from '../../src/experiment/runState.ts';
import { foldRunEvent } from '../../src/experiment/foldRunEvent.ts';
import { buildResults } from '../../src/experiment/results.ts';
import { TIMING_PARTS } from '../../src/experiment/runTiming.ts';
import { evaluate, liveSubset, summarize } from '../../src/eval/index.ts';
import { GPT } from '../../src/model/gpt.ts';
import { decodeCheckpoint } from '../../src/train/checkpoint.ts';
import type { ExperimentRecipe } from '../../src/experiment/recipe.ts';
import type { CorpusInputs } from '../../src/experiment/corpusInputs.ts';
import { estimateLoss } from '../../src/train/trainer.ts';

/** The selected checkpoint of a run of `r` that stops after selection (same seeds, so the same model). */
async function runSelected(r: ExperimentRecipe, inputs: CorpusInputs): Promise<Uint8Array | null> {
  const store = new MemoryRunStore();
  const upToSelect = structuredClone(r);
  upToSelect.finetune.steps = 0;
  await runExperiment(upToSelect, { store, backend: 'cpu', inputs });
  return store.loadCheckpoint('select');
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const recipe = presetRecipe('tiny');
const inputs = corpusInputs(recipe);

describe('runExperiment (tiny preset, cpu)', () => {
  it('resumes to the same results as an uninterrupted run', async () => {
    const events: RunEvent[] = [];
    const wholeStore = new MemoryRunStore();
    const whole = await runExperiment(recipe, {
      store: wholeStore,
      backend: 'cpu',
      runId: 'r',
      inputs,
      onEvent: (e) => events.push(e),
    });
    expect(schemaErrors(JSON.parse(JSON.stringify(whole)))).toEqual([]);
    expect(whole.branches).toHaveLength(4);
    expect(whole.branches[0]!.trajectory.map((p) => p.step)).toEqual([0, 2, 4]);
    expect(whole.branches[0]!.trajectory[0]!.deltaMI).toBe(0);
    // The projection curve: the direction from the pretrained base, every point's shift in spreads.
    const direction = whole.direction!;
    expect(direction.source).toBe('pretrain');
    expect(direction.pair).toEqual({ a: 'malicious', b: 'helpful' });
    expect(direction.layers).toHaveLength(recipe.model.nLayer);
    expect(whole.select.evaluations.at(-1)!.summary.projection).toHaveLength(recipe.model.nLayer);
    for (const branch of whole.branches) {
      expect(branch.trajectory[0]!.deltaProjection).toBe(0);
      for (const point of branch.trajectory) expect(Number.isFinite(point.deltaProjection)).toBe(true);
      const last = branch.trajectory.at(-1)!;
      const layer = direction.bestLayer;
      expect(last.deltaProjection).toBeCloseTo(
        (last.summary.projection![layer]! - whole.baseline!.summary.projection![layer]!) /
          direction.layers[layer]!.spread,
        10,
      );
    }
    expect(whole.branches.some((b) => b.trajectory.at(-1)!.deltaProjection !== 0)).toBe(true);
    expect(whole.conditions[0]!.final.deltaProjection!.n).toBe(2);
    expect(whole.conditions[0]!.trajectory.map((p) => p.deltaProjection!.n)).toEqual([2, 2, 2]);
    expect(whole.provenance.corpusHash).toBe(inputs.corpusHash);
    expect(new Set(events.map((e) => e.type))).toEqual(
      new Set([
        'run',
        'preFinetune',
        'stage',
        'direction',
        'progress',
        'metrics',
        'evaluation',
        'probe',
        'sample',
        'checkpoint',
        'done',
      ]),
    );
    expect(events.every((e) => e.runId === 'r')).toBe(true);
    // The events carry what the results hold: folded into the run's state, they build the same results,
    // and each branch evaluation's ΔMI is its point's in the results.
    const folded = events.reduce<RunState | null>(foldRunEvent, null);
    expect(buildResults(folded!)).toEqual(whole);
    const beforeDone = events.slice(0, -1).reduce<RunState | null>(foldRunEvent, null);
    expect(buildResults(beforeDone!)).toEqual({ ...whole, finished: false });
    const probes = events.flatMap((e) => (e.type === 'probe' ? [e] : []));
    for (const e of probes) {
      const branch = whole.branches.find((b) => b.id === e.stage);
      const point = branch?.trajectory.find((p) => p.step === e.step);
      expect(e.deltaMI).toBe(branch ? point!.deltaMI : null);
      expect(e.place.kind === 'finetune').toBe(branch !== undefined);
    }
    expect(probes.some((e) => e.deltaMI !== null && e.deltaMI !== 0)).toBe(true);
    expect(resultsCsv(whole).split('\n')[0]).toMatch(/^runId,codeVersion,backend,corpusHash,stage/);

    // Stop at pretraining step 9 (between checkpoints), then at step 2 of the second covert branch.
    const store = new MemoryRunStore();
    const stops = [
      { stage: 'pretrain', step: 9 },
      { stage: 'finetune-covert-s2', step: 2 },
    ];
    let resumed;
    let session: RunEvent[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      const control = new RunControl();
      const stop = stops[attempt];
      session = [];
      try {
        resumed = await runExperiment(recipe, {
          store,
          backend: 'cpu',
          runId: 'r',
          inputs,
          control,
          onEvent: (e) => {
            session.push(e);
            if (stop && e.type === 'progress' && e.stage === stop.stage && e.step === stop.step)
              control.stop();
          },
        });
        break;
      } catch (error) {
        expect(error).toBeInstanceOf(RunInterruptedError);
        expect((error as RunInterruptedError).step).toBe(stop!.step);
      }
    }
    expect(resumed).toEqual(whole);
    // The last session alone (as a reloaded page sees it): its `run` event carries what came before.
    expect(buildResults(session.reduce<RunState | null>(foldRunEvent, null)!)).toEqual(whole);
    expect([...store.checkpoints.keys()].sort()).toEqual([
      'finetune-covert-s1',
      'finetune-covert-s2',
      'finetune-honest-s1',
      'finetune-honest-s2',
      'pretrain',
      'select',
    ]);
  });

  it('fine-tunes from a given selected checkpoint exactly as the run that made it', async () => {
    const wholeStore = new MemoryRunStore();
    const whole = await runExperiment(recipe, { store: wholeStore, backend: 'cpu', runId: 'w', inputs });
    const bytes = (await wholeStore.loadCheckpoint('select'))!;
    const pretrained = (await wholeStore.loadCheckpoint('pretrain'))!;
    const events: RunEvent[] = [];
    const fromBase = await runExperiment(recipe, {
      store: new MemoryRunStore(),
      backend: 'cpu',
      runId: 'b',
      inputs,
      startFrom: { stage: 'finetune', name: 'select.ckpt', bytes },
      directionBase: { name: 'pretrain.ckpt', bytes: pretrained },
      onEvent: (e) => events.push(e),
    });
    // Replaced stages too: the events alone give the same results.
    expect(buildResults(events.reduce<RunState | null>(foldRunEvent, null)!)).toEqual(fromBase);
    // The direction from the given pretrained base is the run's own; without one, the selected model's.
    expect(fromBase.direction).toEqual({ ...whole.direction, source: 'pretrain.ckpt' });
    const noBase = await runExperiment(recipe, {
      store: new MemoryRunStore(),
      backend: 'cpu',
      inputs,
      startFrom: { stage: 'finetune', name: 'select.ckpt', bytes },
    });
    expect(noBase.direction!.source).toBe('select.ckpt (the selected model: no pretrained base given)');
    expect(noBase.direction!.layers[0]!.vector).not.toEqual(whole.direction!.layers[0]!.vector);
    expect(fromBase.pretrain.status).toBe('skipped');
    expect(fromBase.select.startedFrom).toBe('select.ckpt');
    expect(fromBase.baseline!.summary).toEqual(whole.baseline!.summary);
    // Same numbers at every step; only the name of the step-0 model differs (the given file's).
    const numbers = (r: typeof whole) =>
      r.branches.map((b) => b.trajectory.map(({ checkpoint: _, ...p }) => p));
    expect(numbers(fromBase)).toEqual(numbers(whole));
    expect(fromBase.branches[0]!.trajectory[0]!.checkpoint).toBe('select.ckpt');
  });

  it('scores the live subset during stages and every probe at stage ends, ΔMI on like probes; timing adds up over a resume', async () => {
    const live = validateRecipe({ ...recipe, eval: { ...recipe.eval, liveProbes: 6 } });
    const all = inputs.probes.length;
    expect(all).toBeGreaterThan(6);
    const wholeStore = new MemoryRunStore();
    const whole = await runExperiment(live, { store: wholeStore, backend: 'cpu', runId: 'l', inputs });
    expect(schemaErrors(JSON.parse(JSON.stringify(whole)))).toEqual([]);
    const shape = (points: typeof whole.pretrain.evaluations) =>
      points.map((p) => [p.step, p.probeSet, p.summary.probes, p.live?.probes ?? null]);
    expect(shape(whole.pretrain.evaluations)).toEqual([
      [6, 'live', 6, null],
      [12, 'full', all, 6],
    ]);
    const branch = whole.branches[0]!;
    expect(shape(branch.evaluations)).toEqual([
      [2, 'live', 6, null],
      [4, 'full', all, 6],
    ]);
    const base = whole.baseline!;
    expect(branch.trajectory[1]!.deltaMI).toBeCloseTo(
      branch.evaluations[0]!.summary.mi! - base.live!.mi!,
      12,
    );
    expect(branch.trajectory[2]!.deltaMI).toBeCloseTo(
      branch.evaluations[1]!.summary.mi! - base.summary.mi!,
      12,
    );

    // A stage end's live summary is the subset's own evaluation, drawn from the full scores.
    const ckpt = await decodeCheckpoint((await wholeStore.loadCheckpoint(branch.id))!);
    const model = GPT.fromWeights(ckpt.config, ckpt.weights);
    const subset = liveSubset(inputs.probes, 6, live.seeds.corpus);
    const pair = { malicious: live.eval.maliciousPersona, helpful: live.eval.helpfulPersona };
    const alone = summarize(await evaluate(model, inputs.tokenizer, subset), pair);
    model.dispose();
    expect(alone.probes).toBe(6);
    expect(alone.mi).toBeCloseTo(branch.evaluations[1]!.live!.mi!, 5);
    expect(alone.attainment).toBeCloseTo(branch.evaluations[1]!.live!.attainment!, 5);

    // Stopped mid-branch and resumed: the same results, and the timing of both sessions.
    const store = new MemoryRunStore();
    const control = new RunControl();
    await expect(
      runExperiment(live, {
        store,
        backend: 'cpu',
        runId: 'l',
        inputs,
        control,
        onEvent: (e) => {
          if (e.type === 'progress' && e.stage === 'finetune-honest-s1' && e.step === 2) control.stop();
        },
      }),
    ).rejects.toBeInstanceOf(RunInterruptedError);
    const stopped = (await store.loadState()) as RunState;
    const resumed = await runExperiment(live, { store, backend: 'cpu', runId: 'l', inputs });
    expect(resumed).toEqual(whole);
    const timing = ((await store.loadState()) as RunState).timing!;
    for (const part of TIMING_PARTS) {
      expect(timing[part], part).toBeGreaterThanOrEqual(stopped.timing![part]);
      expect(timing[part], part).toBeGreaterThanOrEqual(0);
    }
    for (const part of ['pretrain', 'select', 'finetune', 'evaluation', 'checkpoints'] as const)
      expect(timing[part], part).toBeGreaterThan(0);
    expect(timing.finetune).toBeGreaterThan(stopped.timing!.finetune);
    expect(timing.wall).toBeGreaterThan(stopped.timing!.wall);
    const parts = TIMING_PARTS.reduce((sum, part) => sum + timing[part], 0);
    expect(parts).toBeLessThanOrEqual(timing.wall);
  });

  it("measures each set's surprise before fine-tuning and reports the paired effect of a form", async () => {
    const paired = structuredClone(recipe);
    paired.finetune.conditions = ['covert', 'plainFix'];
    const pairedInputs = corpusInputs(paired);
    const r = await runExperiment(paired, {
      store: new MemoryRunStore(),
      backend: 'cpu',
      inputs: pairedInputs,
    });
    expect(schemaErrors(JSON.parse(JSON.stringify(r)))).toEqual([]);
    const surprise = r.preFinetune!.surprise;
    expect(Object.keys(surprise)).toEqual(['covert', 'plainFix']);
    for (const loss of Object.values(surprise)) expect(loss).toBeGreaterThan(0);
    // The same mean loss, recomputed from the selected checkpoint.
    const ckpt = await decodeCheckpoint((await runSelected(paired, pairedInputs))!);
    const selected = GPT.fromWeights(ckpt.config, ckpt.weights);
    const again = await estimateLoss(
      selected,
      pairedInputs.finetune.get('covert')!,
      paired.finetune.batchSize,
      Math.ceil(paired.finetune.examples / paired.finetune.batchSize),
    );
    selected.dispose();
    expect(surprise.covert).toBeCloseTo(again, 5);
    expect(Object.keys(r.preFinetune!.cheatByForm).sort()).toEqual(['irrelevant', 'plain', 'request']);
    const [plain] = r.effects;
    expect(plain!.form).toBe('plain');
    const final = (id: string, seed: number) =>
      r.branches.find((b) => b.condition === id && b.seed === seed)!.trajectory.at(-1)!.deltaMI!;
    expect(plain!.perSeed).toEqual(
      paired.seeds.finetune.map((s) => final('covert', s) - final('plainFix', s)),
    );
    // The same paired contrast on the projection along the persona direction.
    const projection = (id: string, seed: number) =>
      r.branches.find((b) => b.condition === id && b.seed === seed)!.trajectory.at(-1)!.deltaProjection!;
    const perSeed = paired.seeds.finetune.map((s) => projection('covert', s) - projection('plainFix', s));
    expect(plain!.effectProjection!.n).toBe(perSeed.length);
    expect(plain!.effectProjection!.mean).toBeCloseTo(
      perSeed.reduce((a, b) => a + b, 0) / perSeed.length,
      10,
    );
    expect(plain!.trajectory.at(-1)!.effectProjection!.mean).toBeCloseTo(plain!.effectProjection!.mean!, 10);
  });

  it('refuses to resume a store that holds another recipe', async () => {
    const store = new MemoryRunStore();
    await store.saveState({ kind: 'persona-lab-run', version: 1, recipe: { other: true }, stages: [] });
    await expect(runExperiment(recipe, { store, backend: 'cpu', inputs })).rejects.toThrow(
      /different recipe/,
    );
  });
});
