// A run's checkpoints: encoded with the run's provenance, verified by reloading before they are written,
// read back checked against the run's vocabulary and model shape, and turned into models.
import * as tf from '@tensorflow/tfjs';
import { GPT } from '../model/gpt.ts';
import type { AdamW } from '../train/adamW.ts';
import { sweepBatches } from '../train/batches.ts';
import { decodeCheckpoint, encodeCheckpoint, type Checkpoint } from '../train/checkpoint.ts';
import { batchTensors } from '../train/trainStep.ts';
import type { RunContext } from './runContext.ts';
import { RunSetupError } from './runSetupError.ts';
import type { StageRecord } from './runState.ts';
import { timed } from './runTiming.ts';

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
