// One training stage (pretrain, select or a fine-tune branch): one trainer over the whole stage, with
// the work due after its steps as hooks: loss estimates and a resumable checkpoint (weights + AdamW
// state) every `checkpointEvery` steps and at every probe evaluation (every `evalEvery` steps), and at
// the end the full evaluation, samples and the final checkpoint. Batches depend only on (seed, step) and
// the optimizer state travels in the checkpoint, so stopping and resuming gives the same result.
import type { GPT } from '../model/gpt.ts';
import { AdamW, DEFAULT_ADAMW } from '../train/adamW.ts';
import type { TokenData } from '../train/batches.ts';
import { dueEvery, Trainer, type DueHook, type TrainProgress } from '../train/trainer.ts';
import type { TrainStageRecipe } from './recipe.ts';
import { RunInterruptedError } from './runControl.ts';
import { loadRunCheckpoint, writeCheckpoint } from './runCheckpoints.ts';
import { saveState, type RunContext } from './runContext.ts';
import { evaluateStage, sampleModel } from './stageEvaluation.ts';
import { evaluationCount, placeOf, setStatus, type StageRecord } from './runState.ts';
import { timed } from './runTiming.ts';

export interface StageJob {
  record: StageRecord;
  recipe: TrainStageRecipe;
  data: TokenData;
  validation: TokenData | null;
  /** Steps between probe evaluations; 0 = only at the end. */
  evalEvery: number;
  /** The model holding the stage's starting weights (replaced by the partial checkpoint on resume). */
  model: GPT;
  /** Return (the stage left partial, saved) at the first evaluation at or after this step. */
  pauseAt?: number;
}

const finiteOrNull = (v: number | null): number | null => (v !== null && Number.isFinite(v) ? v : null);

/**
 * Runs the stage to its end: one trainer, one loop, and the work due after its steps. Ends early, the
 * stage left partial and saved, at `job.pauseAt`; throws RunInterruptedError after saving where a stop
 * left it.
 */
export async function runTrainStage(ctx: RunContext, job: StageJob): Promise<void> {
  const { record, recipe, model } = job;
  const runId = ctx.state.runId;
  const place = placeOf(ctx.state, record);
  const optimizer = new AdamW(model.params, model.specs, {
    ...DEFAULT_ADAMW,
    weightDecay: recipe.weightDecay,
  });
  try {
    await startOrResume(ctx, record, model, optimizer);
    const trainer = new Trainer(
      model,
      job.data,
      job.validation,
      {
        steps: recipe.steps,
        batchSize: recipe.batchSize,
        schedule: {
          lr: recipe.lr,
          minLr: recipe.minLr,
          warmupSteps: recipe.warmupSteps,
          decaySteps: recipe.steps,
        },
        gradClip: recipe.gradClip,
        adamW: optimizer.config,
        logInterval: recipe.logEvery,
        evalBatches: recipe.evalBatches,
        seed: record.seed,
      },
      optimizer,
    );
    const final = (step: number) => step === recipe.steps;
    // Probe evaluations: every `evalEvery` steps on the live subset, at the end on every probe.
    const probeDue = dueEvery(job.evalEvery, recipe.steps);
    // Save points: every probe evaluation and every `checkpointEvery` steps, so a reload loses at most
    // one interval (and the evaluations already drawn are kept with the state that points to the save).
    const saveDue = (step: number) => probeDue(step) || dueEvery(recipe.checkpointEvery)(step);
    let held = false;
    // Seconds the hooks took: each is accounted under its own part (evaluation, sampling, checkpoints).
    let aside = 0;
    const hook = (isDue: (step: number) => boolean, work: DueHook['run']): DueHook => ({
      isDue,
      run: async (step) => {
        const start = performance.now();
        try {
          return await work(step);
        } finally {
          aside += (performance.now() - start) / 1000;
        }
      },
    });
    const hooks = [
      // Loss estimates on the stage's data (and held-out split): training time, like the steps.
      hook(saveDue, async (step) => {
        record.step = step;
        const estimate = await timed(ctx.timing, record.kind, () => trainer.evaluate(step));
        const point = {
          step,
          trainLoss: finiteOrNull(estimate.trainLoss),
          valLoss: finiteOrNull(estimate.valLoss),
        };
        record.losses.push(point);
        ctx.emit({
          type: 'metrics',
          runId,
          stage: record.id,
          place,
          ...point,
          trainLoss: estimate.trainLoss,
        });
      }),
      hook(probeDue, async (step) => {
        const checkpoint = final(step) ? record.id : `${record.id}@${step}`;
        const index = job.evalEvery > 0 ? Math.ceil(step / job.evalEvery) : 1;
        const count = evaluationCount(recipe.steps, job.evalEvery);
        // During the stage the live subset (the curves); at its end every probe (the reported numbers).
        const probeSet = final(step) ? 'full' : 'live';
        await evaluateStage(ctx, record, model, { step, checkpoint, index, count, probeSet });
      }),
      hook(final, async (step) => {
        for (const sample of await sampleModel(ctx, model, step)) {
          record.samples.push(sample);
          ctx.emit({ type: 'sample', runId, stage: record.id, place, ...sample });
        }
      }),
      hook(saveDue, async (step) => {
        if (final(step)) return finishStage(ctx, record, model, step);
        await savePartial(ctx, record, model, optimizer, step);
        // Held here (just saved): the stage continues later from this checkpoint.
        if (probeDue(step) && job.pauseAt !== undefined && step >= job.pauseAt) {
          held = true;
          return 'stop';
        }
      }),
    ];
    let stepsBefore = trainer.step;
    const onProgress = (event: TrainProgress) => {
      ctx.pace.advance(event.step - stepsBefore);
      stepsBefore = event.step;
      ctx.emit({
        type: 'progress',
        runId,
        stage: record.id,
        place,
        step: event.step,
        steps: recipe.steps,
        loss: event.loss,
        lr: event.lr,
        done: ctx.pace.done,
        total: ctx.pace.total,
        etaSeconds: ctx.pace.etaSeconds,
      });
    };
    ctx.control.attach(trainer.control);
    const started = performance.now();
    try {
      await trainer.run(onProgress, hooks);
    } finally {
      // Training time of this stage kind (the run's timing): the loop, less what the hooks accounted.
      ctx.timing[record.kind] += (performance.now() - started) / 1000 - aside;
    }
    if (record.status === 'done' || held) return;
    // Stopped: keep exactly this step, so a resume continues from it.
    record.step = trainer.step;
    await savePartial(ctx, record, model, optimizer, trainer.step);
    throw new RunInterruptedError(record.id, trainer.step);
  } finally {
    ctx.control.attach(null);
    optimizer.dispose();
  }
}

/** Loads the stage's partial checkpoint (weights and optimizer) to resume it, or starts it afresh. */
async function startOrResume(ctx: RunContext, record: StageRecord, model: GPT, optimizer: AdamW) {
  const place = placeOf(ctx.state, record);
  const { runId } = ctx.state;
  if (record.status === 'partial' && record.checkpoint) {
    const ckpt = await loadRunCheckpoint(ctx, record.checkpoint);
    model.setWeights(ckpt.weights);
    if (!ckpt.optimizer)
      throw new Error(`checkpoint ${record.checkpoint} cannot resume: it has no optimizer state`);
    optimizer.setState(ckpt.optimizer);
    const { step, steps } = record;
    ctx.emit({ type: 'stage', runId, stage: record.id, place, status: 'resume', step, steps });
    return;
  }
  setStatus(record, { status: 'partial', checkpoint: null });
  record.step = 0;
  ctx.emit({ type: 'stage', runId, stage: record.id, place, status: 'start', step: 0, steps: record.steps });
}

/** Saves a resumable checkpoint, then the state that points to it, then drops the older partial. */
async function savePartial(ctx: RunContext, record: StageRecord, model: GPT, optimizer: AdamW, step: number) {
  const name = `${record.id}@${step}`;
  const previous = record.checkpoint;
  await writeCheckpoint(ctx, name, model, record, step, optimizer);
  setStatus(record, { status: 'partial', checkpoint: name });
  await saveState(ctx);
  if (previous && previous !== name) await ctx.store.removeCheckpoint(previous);
  emitCheckpoint(ctx, record, step, name, false);
}

/** Says a checkpoint of the stage is stored: `final` for the stage's own, else a resumable partial. */
export function emitCheckpoint(
  ctx: RunContext,
  record: StageRecord,
  step: number,
  name: string,
  final: boolean,
) {
  const place = placeOf(ctx.state, record);
  ctx.emit({ type: 'checkpoint', runId: ctx.state.runId, stage: record.id, place, step, name, final });
}

/** The stage's final checkpoint (weights only: later stages start fresh optimizers). */
async function finishStage(ctx: RunContext, record: StageRecord, model: GPT, step: number) {
  const previous = record.checkpoint;
  await writeCheckpoint(ctx, record.id, model, record, step, null);
  setStatus(record, { status: 'done', checkpoint: record.id });
  await saveState(ctx);
  if (previous && previous !== record.id) await ctx.store.removeCheckpoint(previous);
  emitCheckpoint(ctx, record, step, record.id, true);
  ctx.emit({
    type: 'stage',
    runId: ctx.state.runId,
    stage: record.id,
    place: placeOf(ctx.state, record),
    status: 'done',
    step,
    steps: record.steps,
  });
}
