// Scoring: the log-probability of each candidate continuation after a prompt, total and per character.
// This is the lab's measuring instrument (persona posteriors, misalignment index), so it is exact: one
// forward pass reads the last blockSize + 1 characters of prompt + candidate (all of it, for every probe
// the lab ships), and each candidate character is conditioned on everything before it in that window,
// exactly as the model reads a document during training.
import * as tf from '@tensorflow/tfjs';
import type { GPT } from './gpt.ts';
import { ModelOutputError } from './modelOutputError.ts';
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

/**
 * Builds one row per (prompt, candidate). When prompt + candidate is longer than the context, the
 * oldest prompt characters are dropped: the window is the last blockSize + 1 characters.
 */
function buildRows(tokenizer: CharTokenizer, requests: readonly ScoreRequest[], blockSize: number): Row[] {
  const rows: Row[] = [];
  requests.forEach((request, r) => {
    if (request.prompt.length === 0) throw new Error(`score request ${r}: the prompt is empty`);
    const prompt = tokenizer.encode(request.prompt);
    request.candidates.forEach((text, c) => {
      const candidate = tokenizer.encode(text);
      if (candidate.length === 0)
        throw new Error(`score request ${r}, candidate ${c}: the candidate is empty`);
      if (candidate.length > blockSize) {
        throw new Error(
          `score request ${r}, candidate ${c}: ${candidate.length} characters is longer than the context (${blockSize})`,
        );
      }
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

export async function scoreCandidates(
  model: GPT,
  tokenizer: CharTokenizer,
  requests: readonly ScoreRequest[],
  batchSize = 32,
): Promise<CandidateScore[][]> {
  if (tokenizer.size !== model.config.vocabSize) {
    throw new Error(
      `tokenizer has ${tokenizer.size} characters but the model expects ${model.config.vocabSize}`,
    );
  }
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
