// What every stage of a run shares: the recipe, the prepared corpus, the store, the persisted state, the
// event sink, the control and the pace (for the run-wide ETA). Also model <-> checkpoint helpers.
import {
  assistantResiduals,
  evaluate,
  labelSample,
  meanProjection,
  summarize,
  type EvalProbe,
  type EvalSummary,
  type ProbeScore,
} from '../eval/index.ts';
import * as tf from '@tensorflow/tfjs';
import { GPT } from '../model/gpt.ts';
import type { ModelOps } from '../model/modelOps.ts';
import { sampleText } from '../model/sampling.ts';
import type { AdamW } from '../train/adamW.ts';
import { sweepBatches } from '../train/batches.ts';
import { decodeCheckpoint, encodeCheckpoint, type Checkpoint } from '../train/checkpoint.ts';
import { batchTensors } from '../train/trainStep.ts';
import { RunSetupError } from './runSetupError.ts';
import type { CorpusInputs } from './corpusInputs.ts';
import type { ExperimentRecipe } from './recipe.ts';
import type { RunControl } from './runControl.ts';
import { deltaMIOf } from './results.ts';
import type { RunEvent } from './runEvents.ts';
import { placeOf, type ProbeSet, type RunState, type SampleRecord, type StageRecord } from './runState.ts';
import type { RunStore } from './runStore.ts';
import { timed, type RunTiming } from './runTiming.ts';

export interface RunContext {
  recipe: ExperimentRecipe;
  inputs: CorpusInputs;
  store: RunStore;
  state: RunState;
  /** Forced op set, or undefined for the model's default (fast ops for the active backend). */
  ops: ModelOps | undefined;
  control: RunControl;
  emit: (event: RunEvent) => void;
  pace: { startedAt: number; stepsThisSession: number; done: number; total: number };
  /** The probes live evaluations score (all of them when the recipe's subset covers the set). */
  liveProbes: readonly EvalProbe[];
  /** The run's timing (held in the state) and this session's start, for the wall time. */
  timing: RunTiming;
  session: { startedAt: number; wallBefore: number };
}

/** Saves the state, with the wall time up to now. */
export function saveState(ctx: RunContext): Promise<void> {
  ctx.timing.wall = ctx.session.wallBefore + (performance.now() - ctx.session.startedAt) / 1000;
  ctx.state.timing = ctx.timing;
  return ctx.store.saveState(ctx.state);
}

/** Encodes (and verifies) a checkpoint and writes it to the run's store under `name`. */
export async function writeCheckpoint(
  ctx: RunContext,
  name: string,
  model: GPT,
  stage: StageRecord,
  step: number,
  optimizer: AdamW | null,
): Promise<void> {
  await timed(ctx.timing, 'checkpoints', async () =>
    ctx.store.saveCheckpoint(name, await checkpointBytes(ctx, model, stage, step, optimizer)),
  );
}

/** Encodes a model (and optimizer, for resumable checkpoints) with the run's provenance. */
export async function checkpointBytes(
  ctx: RunContext,
  model: GPT,
  stage: StageRecord,
  step: number,
  optimizer: AdamW | null,
): Promise<Uint8Array> {
  const ckpt: Checkpoint = {
    config: model.config,
    vocab: [...ctx.inputs.tokenizer.chars],
    weights: await model.getWeights(),
    optimizer: optimizer ? { ...(await optimizer.getState()), config: optimizer.config } : null,
    step,
    recipe: ctx.recipe,
    metrics: {
      lastEvaluation: stage.evaluations.at(-1)?.summary ?? null,
      lastLoss: stage.losses.at(-1) ?? null,
    },
    info: {
      runId: ctx.state.runId,
      stage: stage.id,
      condition: stage.condition,
      seed: stage.seed,
      corpusHash: ctx.state.corpusHash,
      backend: ctx.state.backend,
      codeVersion: ctx.state.codeVersion,
    },
  };
  const bytes = await encodeCheckpoint(ckpt);
  await verifyCheckpoint(ctx, model, bytes);
  return bytes;
}

/**
 * Rebuilds a model from checkpoint bytes and checks that it gives the live model's loss on a fixed batch:
 * a checkpoint that would resume into a different model is refused before it replaces a good one.
 */
export async function verifyCheckpoint(ctx: RunContext, model: GPT, bytes: Uint8Array): Promise<void> {
  const [batch] = sweepBatches(ctx.inputs.pretrain, 2, model.config.blockSize, 1);
  if (!batch) return;
  const saved = await decodeCheckpoint(bytes);
  const restored = GPT.fromWeights(saved.config, saved.weights, model.ops);
  const { x, y, mask } = batchTensors(batch);
  try {
    const live = model.loss(x, y, mask);
    const reloaded = restored.loss(x, y, mask);
    const [a, b] = [(await live.data())[0]!, (await reloaded.data())[0]!];
    tf.dispose([live, reloaded]);
    if (!(Math.abs(a - b) <= 1e-4 * Math.max(1, Math.abs(a)))) {
      throw new Error(
        `checkpoint verification failed: the saved weights give loss ${b} where the live model gives ${a}; ` +
          'the checkpoint was not written',
      );
    }
  } finally {
    tf.dispose([x, y, mask]);
    restored.dispose();
  }
}

/** A stored checkpoint of this run, decoded and checked against the run's vocabulary and model shape. */
export async function loadRunCheckpoint(ctx: RunContext, name: string): Promise<Checkpoint> {
  const bytes = await ctx.store.loadCheckpoint(name);
  if (!bytes)
    throw new RunSetupError(`the run's checkpoint ${JSON.stringify(name)} is missing from its folder`);
  const ckpt = await decodeCheckpoint(bytes);
  checkCompatible(ctx, ckpt, name);
  return ckpt;
}

const FIT_HINT = 'use the recipe the checkpoint was made with, or a checkpoint of this recipe';

/** Refuses a checkpoint whose vocabulary or model shape differs from what this run trains. */
export function checkCompatible(ctx: RunContext, ckpt: Checkpoint, name: string): void {
  const vocab = ctx.inputs.tokenizer.chars.join('');
  const grown = ctx.recipe.user?.characters ?? '';
  const missing = [...new Set(grown)].filter((c) => !ckpt.vocab.includes(c));
  if (ckpt.vocab.join('') !== vocab && missing.length > 0) {
    throw new RunSetupError(
      `this experiment grows the vocabulary by ${missing.map((c) => JSON.stringify(c)).join(', ')}, ` +
        `which checkpoint ${name} (like the shipped base) was never trained on: it cannot fine-tune from it`,
      'pretrain from scratch with this recipe, or write the text without those characters',
    );
  }
  if (ckpt.vocab.join('') !== vocab) {
    throw new RunSetupError(
      `checkpoint ${name} has a different vocabulary from this recipe's corpus`,
      FIT_HINT,
    );
  }
  const { nLayer, nHead, nEmbd, blockSize } = ctx.recipe.model;
  const c = ckpt.config;
  if (c.nLayer !== nLayer || c.nHead !== nHead || c.nEmbd !== nEmbd || c.blockSize !== blockSize) {
    throw new RunSetupError(
      `checkpoint ${name} is a ${c.nLayer}x${c.nEmbd} model (${c.nHead} heads, context ${c.blockSize}); ` +
        `the recipe asks for ${nLayer}x${nEmbd} (${nHead} heads, context ${blockSize})`,
      FIT_HINT,
    );
  }
}

export function modelFrom(ctx: RunContext, ckpt: Checkpoint): GPT {
  return GPT.fromWeights({ ...ckpt.config, dropout: ctx.recipe.model.dropout }, ckpt.weights, ctx.ops);
}

/** One evaluation's summaries (an EvalPoint without its step and name). */
export interface Measured {
  summary: EvalSummary;
  probeSet: ProbeSet;
  live?: EvalSummary;
}

/**
 * Scores the probes and summarises them (MI with the recipe's persona pair): the live subset, or every
 * probe, with the live subset's own summary drawn from the same scores when it is a proper subset.
 */
export async function evaluateModel(ctx: RunContext, model: GPT, probeSet: ProbeSet): Promise<Measured> {
  const pair = { malicious: ctx.recipe.eval.maliciousPersona, helpful: ctx.recipe.eval.helpfulPersona };
  const subset = ctx.liveProbes.length < ctx.inputs.probes.length;
  const direction = ctx.state.direction ?? null;
  // The summary, with the Assistant's projection on the run's direction over the same probes.
  const summarizeOn = async (probes: readonly EvalProbe[], scores: ProbeScore[]) => {
    const summary = summarize(scores, pair);
    if (!direction) return { summary, residuals: null };
    const residuals = await assistantResiduals(model, ctx.inputs.tokenizer, probes);
    summary.projection = meanProjection([...residuals.values()], direction);
    return { summary, residuals };
  };
  return timed(ctx.timing, 'evaluation', async () => {
    if (probeSet === 'live' && subset) {
      const scores = await evaluate(model, ctx.inputs.tokenizer, ctx.liveProbes);
      return { summary: (await summarizeOn(ctx.liveProbes, scores)).summary, probeSet: 'live' };
    }
    const scores = await evaluate(model, ctx.inputs.tokenizer, ctx.inputs.probes);
    const { summary, residuals } = await summarizeOn(ctx.inputs.probes, scores);
    if (!subset) return { summary, probeSet: 'full' };
    const ids = new Set(ctx.liveProbes.map((p) => p.id));
    const live = summarize(
      scores.filter((s) => ids.has(s.probeId)),
      pair,
    );
    if (direction && residuals)
      live.projection = meanProjection(
        [...residuals].filter(([id]) => ids.has(id)).map(([, r]) => r),
        direction,
      );
    return { summary, probeSet: 'full', live };
  });
}

/**
 * The stage's `index`-th of `count` probe evaluations at `step`, on `probeSet`: says it begins (so a page
 * can show what the run is doing during the minutes an evaluation can take), scores, records and emits
 * the result.
 */
export async function evaluateStage(
  ctx: RunContext,
  record: StageRecord,
  model: GPT,
  at: { step: number; checkpoint: string; index: number; count: number; probeSet: ProbeSet },
): Promise<void> {
  const runId = ctx.state.runId;
  const place = placeOf(ctx.state, record);
  const { step, checkpoint, index, count, probeSet } = at;
  const probes = probeSet === 'live' ? ctx.liveProbes.length : ctx.inputs.probes.length;
  ctx.emit({ type: 'evaluation', runId, stage: record.id, place, step, index, count, probes });
  const measured = await evaluateModel(ctx, model, probeSet);
  record.evaluations.push({ step, checkpoint, ...measured });
  const baseline = ctx.state.stages.find((s) => s.kind === 'select')?.evaluations.at(-1) ?? null;
  const deltaMI = record.kind === 'finetune' ? deltaMIOf(measured, baseline) : null;
  ctx.emit({ type: 'probe', runId, stage: record.id, place, step, checkpoint, ...measured, deltaMI });
}

/** One sample per sample prompt, same seed everywhere so stages can be compared side by side. */
export function sampleModel(ctx: RunContext, model: GPT, step: number): Promise<SampleRecord[]> {
  return timed(ctx.timing, 'sampling', () => samples(ctx, model, step));
}

async function samples(ctx: RunContext, model: GPT, step: number): Promise<SampleRecord[]> {
  const out: SampleRecord[] = [];
  for (const probe of ctx.inputs.samplePrompts) {
    const { text } = await sampleText(model, ctx.inputs.tokenizer, probe.prompt, {
      maxNewChars: ctx.recipe.eval.sampleChars,
      temperature: ctx.recipe.eval.sampleTemperature,
      topK: 0,
      seed: ctx.recipe.seeds.corpus,
      stop: ['\n'],
    });
    const candidates = probe.candidates.map((c) => ({ ...c, text: c.text.trimEnd() }));
    const { label, similarity } = labelSample(text, candidates);
    out.push({ step, probeId: probe.id, prompt: probe.prompt, text, label, similarity });
  }
  return out;
}
