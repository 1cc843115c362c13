// Shared fixtures for the engine's Node tests: the cpu backend and a tiny model.
import * as tf from '@tensorflow/tfjs';
import type { GPTConfig } from '../../src/model/config.ts';

export const TINY: GPTConfig = { vocabSize: 6, nLayer: 2, nHead: 2, nEmbd: 16, blockSize: 12, dropout: 0 };

// Not tfjs's IS_TEST flag: its per-op leak check counts the statistics a custom-gradient op saves for its
// backward (LayerNorm's, GELU's, attention's) as leaked, though the tape frees them after the backward.
// Leaks are asserted directly instead: tensors and the backend's buffers stay flat over training steps.
export async function useCpu(): Promise<void> {
  if (tf.getBackend() !== 'cpu') {
    await tf.setBackend('cpu');
    await tf.ready();
  }
}

export function ids(batch: number, time: number, vocab: number, offset = 0): tf.Tensor2D {
  const values = new Int32Array(batch * time);
  for (let i = 0; i < values.length; i++) values[i] = (i * 7 + offset * 3 + (i >> 2)) % vocab;
  return tf.tensor2d(values, [batch, time], 'int32');
}
