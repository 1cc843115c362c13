// How the op sets call the project's registered kernels: by name through the tfjs engine (so the tape
// records them and their registered gradients apply), and keeping only the first output of a
// multi-output kernel (the others are statistics the tape saves for the backward pass).
import * as tf from '@tensorflow/tfjs';

export const runKernel = <T extends tf.Tensor | tf.Tensor[]>(
  name: string,
  inputs: tf.NamedTensorMap,
  attrs: tf.NamedAttrMap = {},
): T => tf.engine().runKernel(name, inputs, attrs) as unknown as T;

/** The first output of a multi-output kernel; the others (kept by the tape if it records) are freed. */
export function firstOutput<T extends tf.Tensor>(outputs: tf.Tensor[]): T {
  tf.dispose(outputs.slice(1));
  return outputs[0] as T;
}
