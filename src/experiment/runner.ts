// The experiment runner: pretrain -> select (Assistant SFT on answer characters) -> one branch per
// fine-tune condition x seed, every branch from the SAME selected checkpoint, with probe evaluations
// along each branch (after measuring how surprising each fine-tune set is to the selected model). Any
// stage can be replaced by a given checkpoint (e.g. a shipped base). A run whose store already holds
// state resumes from its last checkpoint. Emits RunEvents; returns the results.
import type { CorpusData } from '../corpus/index.ts';
import type { ModelOps } from '../model/modelOps.ts';
import { decodeCheckpoint } from '../train/checkpoint.ts';
import { estimateLoss } from '../train/trainer.ts';
import { GPT } from '../model/gpt.ts';
import { CODE_VERSION } from './codeVersion.ts';
import { corpusInputs, type CorpusInputs } from './corpusInputs.ts';
import type { ExperimentRecipe } from './recipe.ts';
import { recipeCorpusData } from './recipeCorpusData.ts';
import { RunControl } from './runControl.ts';
import { liveSubset, measureDirection, type PersonaDirection } from '../eval/index.ts';
import { checkCompatible, loadRunCheckpoint, modelFrom, writeCheckpoint } from './runCheckpoints.ts';
import { RunPace, saveState, type RunContext } from './runContext.ts';
import { evaluateStage } from './stageEvaluation.ts';
import type { RunEvent } from './runEvents.ts';
import {
  branchId,
  checkRunState,
  newStageRecord,
  placeOf,
  RUN_STATE_VERSION,
  setStatus,
  type RunState,
  type StageRecord,
} from './runState.ts';
import type { RunStore } from './runStore.ts';
import { buildResults, type RunResults } from './results.ts';
import { RunSetupError } from './runSetupError.ts';
import { newRunTiming, timed } from './runTiming.ts';
import { emitCheckpoint, runTrainStage, type StageJob } from './trainStage.ts';

export interface RunOptions {
  store: RunStore;
  /** Name of the tfjs backend the model runs on (recorded in every result). */
  backend: string;
  runId?: string;
  /** Op set to force (e.g. `referenceOps`); default: the model's fastest correct set for the backend. */
  ops?: ModelOps;
  control?: RunControl;
  onEvent?: (event: RunEvent) => void;
  /** Replace a stage by a given checkpoint: 'select' starts from it as the pretrained base, 'finetune' as the selected model. */
  startFrom?: { stage: 'select' | 'finetune'; name: string; bytes: Uint8Array };
  /**
   * The pretrained base the persona direction is computed on when the run starts from a selected model
   * (startFrom stage 'finetune'); without it, the direction comes from the given selected model itself.
   */
  directionBase?: { name: string; bytes: Uint8Array };
  /** A prepared corpus (saves regenerating it); must come from the same recipe. */
  inputs?: CorpusInputs;
  data?: CorpusData;
  /**
   * Run only these stages (one job of a plan, src/experiment/jobPlan.ts); the others are left as the
   * saved state has them. Whoever runs the selection also measures the fine-tune sets' surprise.
   */
  only?: readonly string[];
}

/** The conditions a class compares first: the covert cheat against the honest fix. */
const FIRST_CONDITIONS: readonly string[] = ['covert', 'honest'];

/**
 * The order the branches run in: seed by seed, and within a seed covert and honest before the other
 * conditions, so the first minutes show covert against honest and later branches fill in the other
 * lines and the bands over seeds. Branches are independent (each starts from the selected checkpoint with
 * its own seeded batches), so the order changes when a number appears, never its value.
 */
export function branchOrder(
  conditions: readonly string[],
  seeds: readonly number[],
): { condition: string; seed: number }[] {
  const rank = (c: string) =>
    FIRST_CONDITIONS.includes(c) ? FIRST_CONDITIONS.indexOf(c) : FIRST_CONDITIONS.length;
  const ordered = [...conditions].sort((a, b) => rank(a) - rank(b));
  return seeds.flatMap((seed) => ordered.map((condition) => ({ condition, seed })));
}

/**
 * The branches that first run only to their first evaluation, before any branch runs to its end: covert
 * and honest of the first seed, so both ΔMI lines start within the first minute. Each then continues
 * from the checkpoint saved at that evaluation, which resumes exactly (same weights, optimizer state and
 * batches), so this too changes when a number appears, never its value. Only branches not yet started.
 */
function firstLook(recipe: ExperimentRecipe, branches: readonly StageRecord[]): StageRecord[] {
  const every = recipe.eval.every;
  if (every <= 0 || every >= recipe.finetune.steps || branches.length === 0) return [];
  const seed = branches[0]!.seed;
  return branches.filter(
    (b) => b.seed === seed && FIRST_CONDITIONS.includes(b.condition ?? '') && b.status === 'pending',
  );
}

export function planStages(recipe: ExperimentRecipe): StageRecord[] {
  const stages = [
    newStageRecord('pretrain', 'pretrain', recipe.pretrain.steps, recipe.seeds.pretrain),
    newStageRecord('select', 'select', recipe.select.steps, recipe.seeds.select),
  ];
  if (recipe.finetune.steps > 0) {
    for (const { condition, seed } of branchOrder(recipe.finetune.conditions, recipe.seeds.finetune)) {
      stages.push(
        newStageRecord(branchId(condition, seed), 'finetune', recipe.finetune.steps, seed, condition),
      );
    }
  }
  return stages;
}

/** The total optimizer steps of a run and how many are already done (for the progress bar). */
function countSteps(state: RunState): { done: number; total: number } {
  let done = 0;
  let total = 0;
  for (const s of state.stages) {
    if (s.status === 'skipped') continue;
    total += s.steps;
    done += s.status === 'done' ? s.steps : s.step;
  }
  return { done, total };
}

export async function runExperiment(recipe: ExperimentRecipe, options: RunOptions): Promise<RunResults> {
  const emit = options.onEvent ?? (() => {});
  const inputs = options.inputs ?? corpusInputs(recipe, options.data ?? recipeCorpusData(recipe));
  const saved = await options.store.loadState();
  const state: RunState = saved
    ? checkRunState(saved, recipe)
    : {
        kind: 'persona-lab-run',
        version: RUN_STATE_VERSION,
        runId: options.runId ?? `run-${Date.now().toString(36)}`,
        recipe,
        corpusHash: inputs.corpusHash,
        backend: options.backend,
        codeVersion: CODE_VERSION,
        stages: planStages(recipe),
        finished: false,
      };
  if (state.corpusHash !== inputs.corpusHash) {
    throw new RunSetupError(
      'the corpus generated now differs from the one this run started with (corpus data changed?)',
    );
  }
  if (state.backend !== options.backend) {
    throw new RunSetupError(
      `this run started on the ${state.backend} backend, not ${options.backend}`,
      `resume it on the ${state.backend} backend`,
    );
  }
  const steps = countSteps(state);
  const ctx: RunContext = {
    recipe,
    inputs,
    store: options.store,
    state,
    ops: options.ops,
    control: options.control ?? new RunControl(),
    emit,
    pace: new RunPace(steps.done, steps.total),
    liveProbes: liveSubset(inputs.probes, recipe.eval.liveProbes, recipe.seeds.corpus),
    timing: state.timing ?? newRunTiming(),
    session: { startedAt: performance.now(), wallBefore: state.timing?.wall ?? 0 },
  };
  const runId = state.runId;
  const start = options.startFrom;
  // Before anything is written: a refused start must leave no run state behind.
  if (start) checkCompatible(ctx, await decodeCheckpoint(start.bytes), start.name);
  try {
    if (!saved) await saveState(ctx);
    const [pretrain, select, ...branches] = state.stages as [StageRecord, StageRecord, ...StageRecord[]];
    if (start) applyStartFrom(start, pretrain, select);
    Object.assign(ctx.pace, countSteps(state)); // the replaced stages are no longer to do
    emit({ type: 'run', runId, state: structuredClone(state) });

    const mine = (record: StageRecord) => options.only === undefined || options.only.includes(record.id);
    if (mine(pretrain)) {
      const base = await stageInput(ctx, pretrain, start ?? null, null);
      try {
        await runOrSkip(ctx, pretrain, base, () => ({
          data: inputs.pretrain,
          validation: inputs.validation,
          evalEvery: recipe.pretrain.checkpointEvery,
          recipe: recipe.pretrain,
        }));
      } finally {
        base.dispose();
      }
    }
    if (mine(select)) {
      const base = await stageInput(ctx, select, start?.stage === 'finetune' ? start : null, pretrain);
      try {
        if (state.direction === undefined) {
          state.direction = await baseDirection(
            ctx,
            base,
            pretrain,
            start ?? null,
            options.directionBase ?? null,
          );
          await saveState(ctx);
        }
        emit({ type: 'direction', runId, direction: state.direction });
        await runOrSkip(ctx, select, base, () => ({
          data: inputs.selection,
          validation: null,
          evalEvery: 0,
          recipe: recipe.select,
        }));
      } finally {
        base.dispose();
      }
    }
    // Measured even when no branch trains (finetune.steps 0): what the selected Assistant expects of
    // each set is worth seeing before deciding to fine-tune.
    if (mine(select) && recipe.finetune.conditions.length > 0 && state.preFinetune === undefined) {
      const model = await stageInput(ctx, select, null, select);
      try {
        state.preFinetune = { surprise: await finetuneSurprise(ctx, model) };
      } finally {
        model.dispose();
      }
      await saveState(ctx);
      emit({ type: 'preFinetune', runId, preFinetune: state.preFinetune });
    }
    const runBranch = async (branch: StageRecord, pauseAt?: number) => {
      const model = await stageInput(ctx, branch, null, select);
      try {
        await runOrSkip(ctx, branch, model, () => ({
          data: inputs.finetune.get(branch.condition!)!,
          validation: null,
          evalEvery: recipe.eval.every,
          recipe: recipe.finetune,
          pauseAt,
        }));
      } finally {
        model.dispose();
      }
    };
    const ownBranches = branches.filter(mine);
    for (const branch of firstLook(recipe, ownBranches)) await runBranch(branch, recipe.eval.every);
    for (const branch of ownBranches) await runBranch(branch);
    state.finished = state.stages.every((s) => s.status === 'done' || s.status === 'skipped');
    await saveState(ctx);
    const results = buildResults(state);
    emit({ type: 'done', runId, results });
    return results;
  } catch (error) {
    const stage = state.stages.find((s) => s.status === 'partial')?.id ?? null;
    emit({ type: 'error', runId, stage, message: error instanceof Error ? error.message : String(error) });
    throw error;
  }
}

/**
 * The persona direction of the recipe's pair (malicious minus helpful), computed once on the pretrained
 * base (the model the selection starts from), before selection. When the run starts from a selected
 * model, on the pretrained base given for it, else on that selected model (its name says so).
 */
async function baseDirection(
  ctx: RunContext,
  selectInput: GPT,
  pretrain: StageRecord,
  start: NonNullable<RunOptions['startFrom']> | null,
  given: { name: string; bytes: Uint8Array } | null,
): Promise<PersonaDirection> {
  const pair = { a: ctx.recipe.eval.maliciousPersona, b: ctx.recipe.eval.helpfulPersona };
  const measure = (model: GPT, source: string) =>
    timed(ctx.timing, 'evaluation', () =>
      measureDirection(model, ctx.inputs.tokenizer, ctx.inputs.probes, pair, source),
    );
  if (start?.stage !== 'finetune')
    return measure(selectInput, start?.name ?? pretrain.checkpoint ?? pretrain.id);
  if (given === null)
    return measure(selectInput, `${start.name} (the selected model: no pretrained base given)`);
  const ckpt = await decodeCheckpoint(given.bytes);
  checkCompatible(ctx, ckpt, given.name);
  const model = modelFrom(ctx, ckpt);
  try {
    return await measure(model, given.name);
  } finally {
    model.dispose();
  }
}

/** Marks the stages a given checkpoint replaces as skipped (they were done elsewhere). */
function applyStartFrom(
  start: NonNullable<RunOptions['startFrom']>,
  pretrain: StageRecord,
  select: StageRecord,
) {
  const replaced = start.stage === 'select' ? [pretrain] : [pretrain, select];
  for (const record of replaced) {
    if (record.status === 'done' && record.startedFrom === null) continue;
    setStatus(record, { status: 'skipped', checkpoint: record.checkpoint });
    record.startedFrom = start.name;
  }
}

/**
 * The model a stage starts from: a fresh seeded model (pretrain), the previous stage's final checkpoint,
 * or the given external checkpoint when that replaces the previous stage.
 */
async function stageInput(
  ctx: RunContext,
  record: StageRecord,
  external: { name: string; bytes: Uint8Array } | null,
  previous: StageRecord | null,
): Promise<GPT> {
  if (external) return modelFrom(ctx, await decodeCheckpoint(external.bytes));
  if (previous === null) {
    const config = { ...ctx.recipe.model, vocabSize: ctx.inputs.tokenizer.size };
    return GPT.create(config, record.seed, ctx.ops);
  }
  // A skipped stage saved its input as its checkpoint; only a replaced stage whose checkpoint was never
  // saved (a resume without the replacing file) has nothing to hand on.
  if (previous.status === 'skipped' && previous.checkpoint === null) {
    throw new Error(
      `stage ${previous.id} was replaced by ${previous.startedFrom}: pass that checkpoint again to resume`,
    );
  }
  return modelFrom(ctx, await loadRunCheckpoint(ctx, previous.checkpoint ?? previous.id));
}

/** Trains the stage, or says why not and hands its input on (then it is `skipped`, input saved). */
async function runOrSkip(
  ctx: RunContext,
  record: StageRecord,
  model: GPT,
  job: () => Omit<StageJob, 'record' | 'model'>,
): Promise<void> {
  const emitSkip = (step: number, detail: string) =>
    ctx.emit({
      type: 'stage',
      runId: ctx.state.runId,
      stage: record.id,
      place: placeOf(ctx.state, record),
      status: 'skip',
      step,
      steps: record.steps,
      detail,
    });
  switch (record.status) {
    case 'done':
      return emitSkip(record.step, 'already done');
    case 'skipped':
      if (record.checkpoint !== null) return emitSkip(0, 'already replaced');
      return handOnInput(ctx, record, model, emitSkip);
    case 'pending':
    case 'partial':
      if (record.steps === 0) return handOnInput(ctx, record, model, emitSkip);
      return runTrainStage(ctx, { record, model, ...job() });
    default:
      return record satisfies never;
  }
}

/**
 * A stage with nothing to train (replaced by a given checkpoint, or of 0 steps): its result is its input
 * model, evaluated like any stage and saved as its checkpoint.
 */
async function handOnInput(
  ctx: RunContext,
  record: StageRecord,
  model: GPT,
  emitSkip: (step: number, detail: string) => void,
): Promise<void> {
  setStatus(record, { status: 'skipped', checkpoint: null });
  emitSkip(0, record.startedFrom ? `replaced by ${record.startedFrom}` : '0 steps');
  if (record.evaluations.length === 0) {
    // Emitted like any evaluation: the replaced selection's is the baseline every ΔMI point needs.
    const checkpoint = record.startedFrom ?? record.id;
    await evaluateStage(ctx, record, model, { step: 0, checkpoint, index: 1, count: 1, probeSet: 'full' });
  }
  await writeCheckpoint(ctx, record.id, model, record, 0, null);
  setStatus(record, { status: 'skipped', checkpoint: record.id });
  await saveState(ctx);
  emitCheckpoint(ctx, record, 0, record.id, true);
}

/**
 * The surprise of each fine-tune set to the selected model: its mean loss (nats per answer character)
 * over the examples a branch trains on. Explaining away predicts that a set the Assistant already
 * expects (a requested cheat, when every AI complies with requests) moves its persona less.
 */
async function finetuneSurprise(ctx: RunContext, model: GPT): Promise<Record<string, number | null>> {
  const { batchSize, examples, conditions } = ctx.recipe.finetune;
  const out: Record<string, number | null> = {};
  for (const condition of conditions) {
    const data = ctx.inputs.finetune.get(condition);
    const loss = data ? await estimateLoss(model, data, batchSize, Math.ceil(examples / batchSize)) : NaN;
    out[condition] = Number.isFinite(loss) ? loss : null;
  }
  return out;
}
