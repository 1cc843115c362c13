// One training stage (pretrain, select or a fine-tune branch), run in segments between boundaries:
// every `checkpointEvery` steps a resumable checkpoint (weights + AdamW state), every `evalEvery` steps
// a probe evaluation followed by such a checkpoint, and at the end both plus samples. Batches depend only on (seed, step) and the
// optimizer state travels in the checkpoint, so stopping and resuming gives the same result.
import type { GPT } from '../model/gpt.ts';
import { AdamW, DEFAULT_ADAMW } from '../train/adamW.ts';
import type { TokenData } from '../train/batches.ts';
import { Trainer, type TrainEvent } from '../train/trainer.ts';
import type { TrainStageRecipe } from './recipe.ts';
import { RunInterruptedError } from './runControl.ts';
import {
  evaluateStage,
  loadRunCheckpoint,
  sampleModel,
  saveState,
  writeCheckpoint,
  type RunContext,
} from './runContext.ts';
import { evaluationCount, placeOf, type StageRecord } from './runState.ts';
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

function nextBoundary(step: number, steps: number, every: readonly number[]): number {
  let next = steps;
  for (const e of every) if (e > 0) next = Math.min(next, (Math.floor(step / e) + 1) * e);
  return next;
}

const finiteOrNull = (v: number | null): number | null => (v !== null && Number.isFinite(v) ? v : null);

/** Runs the stage to its end (or throws RunInterruptedError after saving where it stopped). */
export async function runTrainStage(ctx: RunContext, job: StageJob): Promise<void> {
  const { record, recipe, model } = job;
  const runId = ctx.state.runId;
  const place = placeOf(ctx.state, record);
  const evaluations = evaluationCount(recipe.steps, job.evalEvery);
  const optimizer = new AdamW(model.params, model.specs, {
    ...DEFAULT_ADAMW,
    weightDecay: recipe.weightDecay,
  });
  try {
    if (record.status === 'partial' && record.checkpoint) {
      const ckpt = await loadRunCheckpoint(ctx, record.checkpoint);
      model.setWeights(ckpt.weights);
      if (!ckpt.optimizer)
        throw new Error(`checkpoint ${record.checkpoint} cannot resume: it has no optimizer state`);
      optimizer.setState(ckpt.optimizer);
      ctx.emit({
        type: 'stage',
        runId,
        stage: record.id,
        place,
        status: 'resume',
        step: record.step,
        steps: record.steps,
      });
    } else {
      record.status = 'partial';
      record.step = 0;
      ctx.emit({
        type: 'stage',
        runId,
        stage: record.id,
        place,
        status: 'start',
        step: 0,
        steps: record.steps,
      });
    }
    const schedule = {
      lr: recipe.lr,
      minLr: recipe.minLr,
      warmupSteps: recipe.warmupSteps,
      decaySteps: recipe.steps,
    };
    while (optimizer.step < recipe.steps) {
      const from = optimizer.step;
      const to = nextBoundary(from, recipe.steps, [recipe.checkpointEvery, job.evalEvery]);
      const trainer = new Trainer(
        model,
        job.data,
        job.validation,
        {
          steps: to,
          batchSize: recipe.batchSize,
          schedule,
          gradClip: recipe.gradClip,
          adamW: optimizer.config,
          logInterval: recipe.logEvery,
          evalInterval: 0,
          evalBatches: recipe.evalBatches,
          seed: record.seed,
        },
        optimizer,
      );
      ctx.control.attach(trainer.control);
      let stepsBefore = from;
      // Training time of this stage kind (the run's timing), loss estimates included.
      await timed(ctx.timing, record.kind, () =>
        trainer.run((event: TrainEvent) => {
          if (event.kind === 'progress') {
            const advanced = event.step - stepsBefore;
            stepsBefore = event.step;
            ctx.pace.done += advanced;
            ctx.pace.stepsThisSession += advanced;
            const elapsed = (performance.now() - ctx.pace.startedAt) / 1000;
            const perStep = elapsed / Math.max(1, ctx.pace.stepsThisSession);
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
              etaSeconds: perStep * (ctx.pace.total - ctx.pace.done),
            });
          } else {
            const point = {
              step: event.step,
              trainLoss: finiteOrNull(event.trainLoss),
              valLoss: finiteOrNull(event.valLoss),
            };
            record.losses.push(point);
            ctx.emit({
              type: 'metrics',
              runId,
              stage: record.id,
              place,
              ...point,
              trainLoss: event.trainLoss,
            });
          }
        }),
      );
      ctx.control.attach(null);
      const step = optimizer.step;
      record.step = step;
      if (step < to) {
        // Stopped: keep exactly this step, so a resume continues from it.
        await savePartial(ctx, record, model, optimizer, step);
        throw new RunInterruptedError(record.id, step);
      }
      const final = step >= recipe.steps;
      const evaluated = final || (job.evalEvery > 0 && step % job.evalEvery === 0);
      if (evaluated) {
        const checkpoint = final ? record.id : `${record.id}@${step}`;
        const index = job.evalEvery > 0 ? Math.ceil(step / job.evalEvery) : 1;
        // During the stage the live subset (the curves); at its end every probe (the reported numbers).
        const probeSet = final ? 'full' : 'live';
        await evaluateStage(ctx, record, model, { step, checkpoint, index, count: evaluations, probeSet });
      }
      if (final) {
        for (const sample of await sampleModel(ctx, model, step)) {
          record.samples.push(sample);
          ctx.emit({ type: 'sample', runId, stage: record.id, place, ...sample });
        }
        await finishStage(ctx, record, model, step);
      } else if (evaluated || (recipe.checkpointEvery > 0 && step % recipe.checkpointEvery === 0)) {
        // Autosave at every evaluation too, so a reload loses at most one evaluation interval (and the
        // evaluations already drawn are kept with the state that points to this checkpoint).
        await savePartial(ctx, record, model, optimizer, step);
        // Paused here (just saved): the stage continues later from this checkpoint.
        if (evaluated && job.pauseAt !== undefined && step >= job.pauseAt) return;
      }
    }
  } finally {
    ctx.control.attach(null);
    optimizer.dispose();
  }
}

/** Saves a resumable checkpoint, then the state that points to it, then drops the older partial. */
async function savePartial(ctx: RunContext, record: StageRecord, model: GPT, optimizer: AdamW, step: number) {
  const name = `${record.id}@${step}`;
  const previous = record.checkpoint;
  await writeCheckpoint(ctx, name, model, record, step, optimizer);
  record.checkpoint = name;
  await saveState(ctx);
  if (previous && previous !== name) await ctx.store.removeCheckpoint(previous);
  emitCheckpoint(ctx, record, step, name, false);
}

function emitCheckpoint(ctx: RunContext, record: StageRecord, step: number, name: string, final: boolean) {
  const place = placeOf(ctx.state, record);
  ctx.emit({ type: 'checkpoint', runId: ctx.state.runId, stage: record.id, place, step, name, final });
}

/** The stage's final checkpoint (weights only: later stages start fresh optimizers). */
async function finishStage(ctx: RunContext, record: StageRecord, model: GPT, step: number) {
  const previous = record.checkpoint;
  await writeCheckpoint(ctx, record.id, model, record, step, null);
  record.checkpoint = record.id;
  record.status = 'done';
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
