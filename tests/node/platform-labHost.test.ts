// The worker's one surface (LabHost), driven directly on the cpu backend with its storage in memory:
// whole runs with their events, typed refusals (before init, busy, a bad recipe or start checkpoint),
// pause/resume/stop, stored checkpoints that round-trip, refused files, memory flat across runs, and
// the checkpoint inspection the page shows before a run starts from a base.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { presetRecipe } from '../../src/experiment/presets.ts';
import type { ExperimentRecipe } from '../../src/experiment/recipe.ts';
import type { RunEvent } from '../../src/experiment/runEvents.ts';
import { MemoryRunStore } from '../../src/experiment/runStore.ts';
import { GPT } from '../../src/model/gpt.ts';
import { EngineError } from '../../src/platform/engineError.ts';
import { LabHost, type LabStorage } from '../../src/platform/labHost.ts';
import { encodeCheckpoint } from '../../src/train/checkpoint.ts';
import type { RunRequest } from '../../workers/contract.ts';

/** LabStorage in memory: what IndexedDB keeps in the browser. */
function memoryStorage(): LabStorage {
  const runs = new Map<string, MemoryRunStore & { savedAt: number }>();
  const settings = new Map<string, unknown>();
  return {
    run(runId) {
      let store = runs.get(runId);
      if (!store) {
        store = Object.assign(new MemoryRunStore(), { savedAt: Date.now() });
        runs.set(runId, store);
      }
      const kept = store;
      return Object.assign(kept, {
        checkpointNames: async () => [...kept.checkpoints.keys()],
      });
    },
    list: async () =>
      [...runs.entries()]
        .filter(([, store]) => store.state !== null)
        .map(([runId, store]) => ({ runId, savedAt: store.savedAt })),
    delete: async (runId) => void runs.delete(runId),
    getSetting: async <T>(key: string) => settings.get(key) as T | undefined,
    setSetting: async (key, value) => void settings.set(key, value),
  };
}

/** The tiny preset with one branch per condition: a whole run in seconds. */
function smallRecipe(): ExperimentRecipe {
  const recipe = presetRecipe('tiny');
  recipe.seeds.finetune = [1];
  return recipe;
}

const request = (runId: string, recipe = smallRecipe()): RunRequest => ({
  recipe,
  runId,
  start: { kind: 'scratch' },
});

/** The kind of the EngineError `promise` rejects with, and its message. */
async function refusal(promise: Promise<unknown>): Promise<{ kind: string; message: string }> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EngineError);
  const { kind, message } = error as EngineError;
  return { kind, message };
}

/** A checkpoint of a fresh 'abcd' model, with the given recipe and stage in it. */
async function abcdCheckpoint(recipe: unknown, stage?: string): Promise<Uint8Array> {
  const config = { vocabSize: 4, nLayer: 1, nHead: 2, nEmbd: 16, blockSize: 16, dropout: 0 };
  const model = GPT.create(config, 1);
  try {
    return await encodeCheckpoint({
      config,
      vocab: ['a', 'b', 'c', 'd'],
      weights: await model.getWeights(),
      optimizer: null,
      step: 0,
      recipe,
      metrics: {},
      info: stage ? { stage } : {},
    });
  } finally {
    model.dispose();
  }
}

describe('LabHost on cpu', () => {
  const lab = new LabHost(memoryStorage());

  it('refuses a run before init, with the error kind, as an error event and a rejection', async () => {
    const fresh = new LabHost(memoryStorage());
    const events: RunEvent[] = [];
    const { kind, message } = await refusal(fresh.startRun(request('early'), (e) => void events.push(e)));
    expect(kind).toBe('not-initialized');
    expect(events).toEqual([{ type: 'error', runId: 'early', stage: null, message }]);
  });

  beforeAll(async () => {
    expect((await lab.init('cpu')).backend).toBe('cpu');
  });

  it('runs an experiment with stage, progress, metrics, probe, sample, checkpoint and done events', async () => {
    const recipe = smallRecipe();
    const events: RunEvent[] = [];
    const results = await lab.startRun(request('r1', recipe), (e) => void events.push(e));
    const types = new Set(events.map((e) => e.type));
    for (const type of ['stage', 'progress', 'metrics', 'evaluation', 'probe', 'sample', 'checkpoint']) {
      expect(types).toContain(type);
    }
    expect(events.at(-1)).toEqual({ type: 'done', runId: 'r1', results });
    expect(events.every((e) => e.runId === 'r1')).toBe(true);
    const pretrainSteps = events.flatMap((e) =>
      e.type === 'progress' && e.stage === 'pretrain' ? [e.step] : [],
    );
    expect(pretrainSteps).toEqual([3, 6, 9, 12]); // every logEvery steps
    expect(results.branches).toHaveLength(2);
    const [saved] = await lab.savedRuns();
    expect(saved).toMatchObject({ runId: 'r1', finished: true });
    expect(saved!.checkpoints).toEqual(expect.arrayContaining(['pretrain', 'select']));
  });

  it('a bad recipe or start checkpoint is a typed error event and a rejection naming the problem', async () => {
    const events: RunEvent[] = [];
    const recipe = smallRecipe();
    recipe.pretrain.batchSize = 0;
    const bad = await refusal(lab.startRun(request('bad', recipe), (e) => void events.push(e)));
    expect(bad).toEqual({ kind: 'invalid-input', message: expect.stringMatching(/pretrain\.batchSize/) });
    const foreign: RunRequest = {
      ...request('foreign'),
      start: { kind: 'checkpoint', stage: 'select', name: 'abcd', bytes: await abcdCheckpoint(null) },
    };
    const misfit = await refusal(lab.startRun(foreign, (e) => void events.push(e)));
    expect(misfit).toEqual({
      kind: 'invalid-input',
      message: expect.stringMatching(/checkpoint abcd has a different vocabulary/),
    });
    expect(events.map((e) => e.type === 'error' && e.message)).toEqual([bad.message, misfit.message]);
  });

  it('pause holds the run, busy refuses a second one, resume continues, stop saves and ends it', async () => {
    const recipe = smallRecipe();
    recipe.pretrain = { ...recipe.pretrain, steps: 100_000, logEvery: 1, checkpointEvery: 100_000 };
    const progress: number[] = [];
    let paused = false;
    const run = lab.startRun(request('long', recipe), (e) => {
      if (e.type !== 'progress') return;
      progress.push(e.step);
      if (!paused) {
        paused = true;
        void lab.pauseRun();
      }
    });
    const outcome = run.then(
      () => null,
      (e: unknown) => e,
    );
    await vi.waitFor(() => expect(progress).toEqual([1]), { timeout: 60_000 });
    await new Promise((r) => setTimeout(r, 300));
    expect(progress).toEqual([1]); // held at the step boundary after the pause
    const events: RunEvent[] = [];
    expect((await refusal(lab.startRun(request('second'), (e) => void events.push(e)))).kind).toBe('busy');
    expect(events).toEqual([expect.objectContaining({ type: 'error', runId: 'second' })]);
    expect((await refusal(lab.init('cpu'))).kind).toBe('busy');
    expect((await refusal(lab.deleteRun('r1'))).kind).toBe('busy');
    await lab.resumeRun();
    await vi.waitFor(() => expect(progress.length).toBeGreaterThan(2), { timeout: 30_000 });
    await lab.stopRun();
    const error = await outcome;
    const at = progress.at(-1)!;
    expect(String(error)).toMatch(new RegExp(`stopped during pretrain at step ${at}`));
    // The stop saved a checkpoint at that very step: a resume continues from it.
    const saved = (await lab.savedRuns()).find((r) => r.runId === 'long')!;
    expect(saved.checkpoints).toContain(`pretrain@${at}`);
    const inspected = await lab.inspectCheckpoint(await lab.exportCheckpoint('long', `pretrain@${at}`));
    expect(inspected).toMatchObject({ step: at, stage: 'pretrain' });
    await lab.deleteRun('long'); // no longer busy
  });

  it('stored checkpoints round-trip exactly; a truncated or foreign file is refused', async () => {
    const recipe = smallRecipe();
    const stored = { kind: 'stored', runId: 'r1', name: 'select' } as const;
    const bytes = await lab.exportCheckpoint('r1', 'select');
    const given = { kind: 'bytes', bytes } as const;
    expect(await lab.evaluateCheckpoint(recipe, given)).toEqual(await lab.evaluateCheckpoint(recipe, stored));
    const options = { maxNewChars: 12, temperature: 0.8, topK: 0, seed: 3 };
    expect(await lab.sampleCheckpoint(given, 'the ', options)).toEqual(
      await lab.sampleCheckpoint(stored, 'the ', options),
    );
    const truncated = await refusal(lab.inspectCheckpoint(bytes.slice(0, bytes.length - 10)));
    expect(truncated).toEqual({
      kind: 'checkpoint',
      message: expect.stringMatching(/checkpoint refused: the file is truncated/),
    });
    const foreign = await refusal(lab.inspectCheckpoint(new TextEncoder().encode('not a checkpoint at all')));
    expect(foreign.message).toMatch(/not a Persona Lab checkpoint/);
    expect((await refusal(lab.exportCheckpoint('r1', 'nothing'))).kind).toBe('invalid-input');
  });

  it('memory stays flat across runs', async () => {
    const recipe = smallRecipe();
    recipe.finetune.steps = 0;
    await lab.startRun(request('m1', recipe), () => {});
    const before = (await lab.memory()).numTensors;
    await lab.startRun(request('m2', recipe), () => {});
    expect((await lab.memory()).numTensors).toBe(before);
  });
});

describe('LabHost.inspectCheckpoint', () => {
  const lab = new LabHost(memoryStorage());

  it('returns the embedded recipe when it validates', async () => {
    const recipe = presetRecipe('tiny');
    const info = await lab.inspectCheckpoint(await abcdCheckpoint(recipe, 'select'));
    expect(info).toMatchObject({ step: 0, stage: 'select', recipe });
    expect(info.parameterCount).toBeGreaterThan(0);
  });

  it('gives null for a missing or unreadable recipe', async () => {
    const bad = { ...presetRecipe('tiny'), model: { nLayer: 'two' } };
    expect((await lab.inspectCheckpoint(await abcdCheckpoint(bad))).recipe).toBeNull();
    const none = await lab.inspectCheckpoint(await abcdCheckpoint(null));
    expect(none).toMatchObject({ stage: null, recipe: null });
  });
});
