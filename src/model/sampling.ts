// Sampling text from the model: temperature, top-k, a seed, and stop strings. Draws use the lab's own
// seeded generator on logits read back from the device, so a seed gives the same text on any backend
// whose logits agree.
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../util/rng.ts';
import type { GPT } from './gpt.ts';
import { ModelOutputError } from './modelOutputError.ts';
import type { CharTokenizer } from './tokenizer.ts';

export interface SampleOptions {
  maxNewChars: number;
  /** 0 = greedy (always the most likely character). */
  temperature: number;
  /** Keep only the k most likely characters; 0 = all. */
  topK: number;
  seed: number;
  /** Generation ends when the text ends with one of these; the stop string is not returned. */
  stop?: readonly string[];
}

export interface SampleResult {
  text: string;
  stoppedBy: 'stop' | 'length';
}

/** Index drawn from logits after temperature and top-k. Exported for tests. */
export function drawFromLogits(
  logits: ArrayLike<number>,
  temperature: number,
  topK: number,
  rng: Rng,
): number {
  const n = logits.length;
  for (let i = 0; i < n; i++) if (!Number.isFinite(logits[i])) throw new ModelOutputError('logits');
  let best = 0;
  for (let i = 1; i < n; i++) if (logits[i]! > logits[best]!) best = i;
  if (temperature <= 0) return best;
  let threshold = -Infinity;
  if (topK > 0 && topK < n) {
    const sorted = Array.from(logits).sort((a, b) => b - a);
    threshold = sorted[topK - 1]!;
  }
  const weights = new Array<number>(n);
  const max = logits[best]!;
  for (let i = 0; i < n; i++) {
    weights[i] = logits[i]! >= threshold ? Math.exp((logits[i]! - max) / temperature) : 0;
  }
  return rng.weighted(weights);
}

export async function sampleText(
  model: GPT,
  tokenizer: CharTokenizer,
  prompt: string,
  options: SampleOptions,
): Promise<SampleResult> {
  if (prompt.length === 0) throw new Error('the prompt is empty');
  const time = model.config.blockSize;
  const context = Array.from(tokenizer.encode(prompt));
  const rng = Rng.derive(options.seed, 'sample');
  const stops = options.stop ?? [];
  let text = '';
  for (let i = 0; i < options.maxNewChars; i++) {
    const window = context.slice(-time);
    const input = new Int32Array(time); // padded to the full context: fixed shapes, causal so padding is unseen
    input.set(window);
    const last = tf.tidy(() => {
      const logits = model.forward(tf.tensor2d(input, [1, time], 'int32')); // [1, T, V]
      return tf.reshape(tf.slice(logits, [0, window.length - 1, 0], [1, 1, tokenizer.size]), [
        tokenizer.size,
      ]);
    });
    const values = await last.data();
    last.dispose();
    const next = drawFromLogits(values, options.temperature, options.topK, rng);
    context.push(next);
    text += tokenizer.chars[next];
    const stop = stops.find((s) => s.length > 0 && text.endsWith(s));
    if (stop !== undefined) return { text: text.slice(0, text.length - stop.length), stoppedBy: 'stop' };
  }
  return { text, stoppedBy: 'length' };
}
