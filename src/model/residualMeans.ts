// Reading the residual stream: for each text and a span of its positions, the mean over that span of
// the residual stream after every block (GPT.forwardResiduals). The persona direction and the
// Assistant's projection on it (src/eval/personaDirection.ts) are built from these means. As the scorer
// does, a text longer than the context keeps its last blockSize characters; the span must lie inside.
import * as tf from '@tensorflow/tfjs';
import type { GPT } from './gpt.ts';
import { ModelOutputError } from './modelOutputError.ts';
import type { CharTokenizer } from './tokenizer.ts';

export interface ResidualSpan {
  text: string;
  /** Positions [from, to) of `text` whose residuals are averaged (0-based character offsets). */
  from: number;
  to: number;
}

/**
 * One entry per span: per layer, the mean residual [C] over the span's positions. Each forward is a
 * fixed [batchSize, blockSize] batch (fixed shapes keep GPU buffer pools small); the means are taken on
 * the device and only [batchSize, C] per layer is read back.
 */
export async function residualMeans(
  model: GPT,
  tokenizer: CharTokenizer,
  spans: readonly ResidualSpan[],
  batchSize = 32,
): Promise<Float32Array[][]> {
  if (tokenizer.size !== model.config.vocabSize)
    throw new Error(
      `tokenizer has ${tokenizer.size} characters but the model expects ${model.config.vocabSize}`,
    );
  const { blockSize: time, nEmbd: width, nLayer } = model.config;
  const rows = spans.map((span, i) => {
    if (!(Number.isInteger(span.from) && Number.isInteger(span.to) && 0 <= span.from && span.from < span.to))
      throw new Error(`residual span ${i}: positions [${span.from}, ${span.to}) are not a span`);
    if (span.to > span.text.length)
      throw new Error(
        `residual span ${i}: ends at ${span.to}, after the text (${span.text.length} characters)`,
      );
    const ids = tokenizer.encode(span.text);
    const drop = Math.max(0, ids.length - time);
    if (span.from < drop)
      throw new Error(`residual span ${i}: starts before the last ${time} characters the context holds`);
    return { ids: ids.subarray(drop), from: span.from - drop, to: span.to - drop };
  });
  const out: Float32Array[][] = [];
  for (let start = 0; start < rows.length; start += batchSize) {
    const chunk = rows.slice(start, start + batchSize);
    const ids = new Int32Array(batchSize * time);
    const weights = new Float32Array(batchSize * time); // 1/span length on the span, 0 elsewhere
    chunk.forEach((row, b) => {
      ids.set(row.ids, b * time);
      weights.fill(1 / (row.to - row.from), b * time + row.from, b * time + row.to);
    });
    const means = tf.tidy(() => {
      const residuals = model.forwardResiduals(tf.tensor2d(ids, [batchSize, time], 'int32')); // nLayer x [B, T, C]
      const w = tf.tensor3d(weights, [batchSize, 1, time]);
      return tf.stack(residuals.map((r) => tf.reshape(tf.matMul(w, r), [batchSize, width]))); // [L, B, C]
    });
    const values = await means.data();
    means.dispose();
    if (!values.every((v) => Number.isFinite(v))) throw new ModelOutputError('residual activations');
    chunk.forEach((_, b) => {
      const perLayer: Float32Array[] = [];
      for (let l = 0; l < nLayer; l++) {
        const offset = (l * batchSize + b) * width;
        perLayer.push(Float32Array.from(values.subarray(offset, offset + width)));
      }
      out.push(perLayer);
    });
  }
  return out;
}
