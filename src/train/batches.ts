// Token data and seeded batch sampling. Windows start at document boundaries when the data knows them
// (short persona documents: every window begins where a character starts speaking), and an optional
// per-token mask restricts the loss to answer characters (post-training).
import type { Rng } from '../util/rng.ts';

export interface TokenData {
  tokens: Int32Array;
  /** Offsets where documents start; windows are drawn from these. Without it, from any offset. */
  docStarts?: Int32Array;
  /** 1 where predicting this token counts toward the loss; absent = every token counts. */
  lossMask?: Uint8Array;
}

export interface Batch {
  batchSize: number;
  time: number;
  /** [B, T] input ids. */
  x: Int32Array;
  /** [B, T] next-token targets. */
  y: Int32Array;
  /** [B, T] 1 where the target counts, 0 for padding and unmasked positions. */
  mask: Float32Array;
}

export function validateTokenData(data: TokenData, vocabSize: number): void {
  if (data.tokens.length < 2) throw new Error('training data needs at least two tokens');
  for (let i = 0; i < data.tokens.length; i++) {
    const t = data.tokens[i] as number;
    if (t < 0 || t >= vocabSize)
      throw new Error(`token ${t} at offset ${i} is outside the vocabulary (${vocabSize})`);
  }
  if (data.lossMask && data.lossMask.length !== data.tokens.length) {
    throw new Error('lossMask must have one entry per token');
  }
  if (data.docStarts) {
    if (data.docStarts.length === 0) throw new Error('docStarts is empty');
    for (const s of data.docStarts) {
      if (s < 0 || s >= data.tokens.length - 1) throw new Error(`document start ${s} is outside the data`);
    }
  }
}

/** Fills one window starting at `start` into row `row` of the batch; past the data's end is padding. */
function fillRow(data: TokenData, batch: Batch, row: number, start: number): void {
  const { tokens, lossMask } = data;
  const base = row * batch.time;
  for (let t = 0; t < batch.time; t++) {
    const i = start + t;
    const inRange = i + 1 < tokens.length;
    batch.x[base + t] = inRange ? (tokens[i] as number) : 0;
    batch.y[base + t] = inRange ? (tokens[i + 1] as number) : 0;
    batch.mask[base + t] = inRange && (!lossMask || lossMask[i + 1] === 1) ? 1 : 0;
  }
}

export function emptyBatch(batchSize: number, time: number): Batch {
  const n = batchSize * time;
  return { batchSize, time, x: new Int32Array(n), y: new Int32Array(n), mask: new Float32Array(n) };
}

/** A batch of windows drawn with the given generator. */
export function getBatch(data: TokenData, batchSize: number, time: number, rng: Rng): Batch {
  const batch = emptyBatch(batchSize, time);
  for (let row = 0; row < batchSize; row++) {
    const start = data.docStarts
      ? (data.docStarts[rng.int(data.docStarts.length)] as number)
      : rng.int(Math.max(1, data.tokens.length - time - 1));
    fillRow(data, batch, row, start);
  }
  return batch;
}

/** Consecutive batches that cover the data once from document starts (or fixed strides): for evaluation. */
export function* sweepBatches(
  data: TokenData,
  batchSize: number,
  time: number,
  maxBatches: number,
): Generator<Batch> {
  const starts: number[] = [];
  if (data.docStarts) starts.push(...data.docStarts);
  else for (let s = 0; s + 1 < data.tokens.length; s += time) starts.push(s);
  for (let b = 0; b < maxBatches && b * batchSize < starts.length; b++) {
    const batch = emptyBatch(batchSize, time);
    for (let row = 0; row < batchSize; row++) {
      const start = starts[b * batchSize + row];
      if (start === undefined) break; // the rest of the rows stay padding (mask 0)
      fillRow(data, batch, row, start);
    }
    yield batch;
  }
}
