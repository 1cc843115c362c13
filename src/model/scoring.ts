// Scoring: the log-probability of each candidate continuation after a prompt, total and per character.
// This is the lab's measuring instrument (persona posteriors, misalignment index), so it is exact: each
// candidate character is conditioned on everything before it within the last blockSize + 1 characters
// of prompt + candidate, exactly as the model reads a document during training.
// Two implementations of that one definition: `scoreCandidatesExact` runs one causal row per (prompt,
// candidate), the oracle; `scoreCandidates` packs a prompt and all its candidates into one row (the
// prompt's activations computed once, each candidate attending to them and to itself only: see
// prefixAttention.ts), fills each forward with rows of similar length instead of padding every row to
// the context, and reads back only the scored log-probabilities. Tests hold them within 1e-4 nats.
import * as tf from '@tensorflow/tfjs';
import type { GPT } from './gpt.ts';
import { ModelOutputError } from './modelOutputError.ts';
import { packRequests, PADDING_GROUP, type PackedRow } from './packedRows.ts';
import { prefixAttention } from './prefixAttention.ts';
import type { CharTokenizer } from './tokenizer.ts';

export interface ScoreRequest {
  prompt: string;
  candidates: readonly string[];
}

export interface CandidateScore {
  /** Sum of the natural-log probabilities of the candidate's characters. */
  total: number;
  /** Log-probability of each candidate character given everything before it. */
  perChar: number[];
}

interface Row {
  request: number;
  candidate: number;
  /** Input ids (length <= blockSize) and the positions whose next token is a candidate character. */
  input: Int32Array;
  targets: Int32Array;
  firstScored: number;
}

function checkVocabulary(model: GPT, tokenizer: CharTokenizer): void {
  if (tokenizer.size !== model.config.vocabSize) {
    throw new Error(
      `tokenizer has ${tokenizer.size} characters but the model expects ${model.config.vocabSize}`,
    );
  }
}

/** A request's prompt and candidates as ids, refusing what cannot be scored. */
function encodeRequest(
  tokenizer: CharTokenizer,
  request: ScoreRequest,
  r: number,
  blockSize: number,
): { prompt: Int32Array; candidates: Int32Array[] } {
  if (request.prompt.length === 0) throw new Error(`score request ${r}: the prompt is empty`);
  const prompt = tokenizer.encode(request.prompt);
  const candidates = request.candidates.map((text, c) => {
    const candidate = tokenizer.encode(text);
    if (candidate.length === 0) throw new Error(`score request ${r}, candidate ${c}: the candidate is empty`);
    if (candidate.length > blockSize) {
      throw new Error(
        `score request ${r}, candidate ${c}: ${candidate.length} characters is longer than the context (${blockSize})`,
      );
    }
    return candidate;
  });
  return { prompt, candidates };
}

/**
 * Builds one row per (prompt, candidate). When prompt + candidate is longer than the context, the
 * oldest prompt characters are dropped: the window is the last blockSize + 1 characters.
 */
function buildRows(tokenizer: CharTokenizer, requests: readonly ScoreRequest[], blockSize: number): Row[] {
  const rows: Row[] = [];
  requests.forEach((request, r) => {
    const { prompt, candidates } = encodeRequest(tokenizer, request, r, blockSize);
    candidates.forEach((candidate, c) => {
      const sequence = new Int32Array(prompt.length + candidate.length);
      sequence.set(prompt);
      sequence.set(candidate, prompt.length);
      const window = sequence.subarray(Math.max(0, sequence.length - (blockSize + 1)));
      rows.push({
        request: r,
        candidate: c,
        input: window.slice(0, window.length - 1),
        targets: window.slice(1),
        firstScored: window.length - 1 - candidate.length,
      });
    });
  });
  return rows;
}

/** The reference scorer: one causal row per (prompt, candidate), each padded to the full context. */
export async function scoreCandidatesExact(
  model: GPT,
  tokenizer: CharTokenizer,
  requests: readonly ScoreRequest[],
  batchSize = 32,
): Promise<CandidateScore[][]> {
  checkVocabulary(model, tokenizer);
  const time = model.config.blockSize;
  const rows = buildRows(tokenizer, requests, time);
  const results: CandidateScore[][] = requests.map((r) =>
    r.candidates.map(() => ({ total: 0, perChar: [] })),
  );
  for (let start = 0; start < rows.length; start += batchSize) {
    const chunk = rows.slice(start, start + batchSize);
    // Always a full [batchSize, blockSize] batch: fixed shapes keep GPU buffer pools small.
    const x = new Int32Array(batchSize * time);
    const y = new Int32Array(batchSize * time);
    chunk.forEach((row, i) => {
      x.set(row.input, i * time);
      y.set(row.targets, i * time);
    });
    const picked = tf.tidy(() => {
      const logits = model.forward(tf.tensor2d(x, [batchSize, time], 'int32')); // [B, T, V]
      const logProbs = tf.logSoftmax(logits);
      return tf.sum(
        tf.mul(logProbs, tf.oneHot(tf.tensor2d(y, [batchSize, time], 'int32'), tokenizer.size)),
        -1,
      ); // [B, T]
    });
    const values = await picked.data();
    picked.dispose();
    chunk.forEach((row, i) => {
      const perChar: number[] = [];
      for (let t = row.firstScored; t < row.input.length; t++) {
        const logProb = values[i * time + t]!;
        if (!Number.isFinite(logProb)) throw new ModelOutputError('candidate log-probabilities');
        perChar.push(logProb);
      }
      results[row.request]![row.candidate] = { total: perChar.reduce((a, b) => a + b, 0), perChar };
    });
  }
  return results;
}

/** Packed rows are padded to a multiple of this: few distinct shapes, so GPU buffer pools stay small. */
const LENGTH_STEP = 8;

/**
 * The fast scorer (same results as scoreCandidatesExact within float rounding). Each forward holds
 * about batchSize x blockSize tokens, as the exact scorer's batches do, in rows of similar length.
 */
export async function scoreCandidates(
  model: GPT,
  tokenizer: CharTokenizer,
  requests: readonly ScoreRequest[],
  batchSize = 32,
): Promise<CandidateScore[][]> {
  checkVocabulary(model, tokenizer);
  const { blockSize } = model.config;
  const encoded = requests.map((request, r) => encodeRequest(tokenizer, request, r, blockSize));
  // Rows up to twice the context: a prompt with many candidates splits rather than growing attention's
  // [L, L] scores without bound. Longest first (ties in request order): batch neighbours pad little.
  const rows = packRequests(encoded, blockSize, 2 * blockSize)
    .map((row, i) => ({ row, i }))
    .sort((a, b) => b.row.ids.length - a.row.ids.length || a.i - b.i)
    .map(({ row }) => row);
  const perChar: number[][][] = encoded.map((e) =>
    e.candidates.map((c) => new Array<number>(c.length).fill(Number.NaN)),
  );
  const budget = batchSize * blockSize;
  for (let start = 0; start < rows.length;) {
    const length = Math.ceil(rows[start]!.ids.length / LENGTH_STEP) * LENGTH_STEP;
    const chunk = rows.slice(start, start + Math.max(1, Math.floor(budget / length)));
    start += chunk.length;
    const values = await scorePacked(model, chunk, length);
    // Weights that overflow (a damaged checkpoint) give log-probabilities that are not numbers: refuse.
    if (!values.every((v) => Number.isFinite(v))) throw new ModelOutputError('candidate log-probabilities');
    let k = 0;
    for (const row of chunk)
      for (const target of row.targets)
        perChar[target.request]![target.candidate]![target.char] = values[k++]!;
  }
  return perChar.map((candidates) =>
    candidates.map((chars) => ({ total: chars.reduce((a, b) => a + b, 0), perChar: chars })),
  );
}

/** One forward over `rows` padded to `length`: the log-probability of every target, in row order. */
async function scorePacked(model: GPT, rows: readonly PackedRow[], length: number): Promise<Float32Array> {
  const vocab = model.config.vocabSize;
  const ids = new Int32Array(rows.length * length);
  const positions = new Int32Array(rows.length * length);
  const groups = new Int32Array(rows.length * length).fill(PADDING_GROUP);
  const picks: number[] = [];
  rows.forEach((row, b) => {
    ids.set(row.ids, b * length);
    positions.set(row.positions, b * length);
    groups.set(row.groups, b * length);
    for (const target of row.targets) picks.push(((b * length + target.at) * vocab + target.token) | 0);
  });
  const picked = tf.tidy(() => {
    const shape: [number, number] = [rows.length, length];
    const groupTensor = tf.tensor2d(groups, shape, 'int32');
    const logits = model.forwardPacked(
      tf.tensor2d(ids, shape, 'int32'),
      tf.tensor2d(positions, shape, 'int32'),
      (qkv, nHead) => prefixAttention(qkv, groupTensor, nHead),
    ); // [B, L, V]
    const logProbs = tf.reshape(tf.logSoftmax(logits), [-1]);
    return tf.gather(logProbs, tf.tensor1d(picks, 'int32')); // [targets]
  });
  try {
    return (await picked.data()) as Float32Array;
  } finally {
    picked.dispose();
  }
}
