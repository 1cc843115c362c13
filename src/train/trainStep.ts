// One optimisation step: forward/backward, global-norm clip, AdamW update. Returns the loss and the
// gradient norm as kept scalar tensors, so the caller decides when to read them back (log steps only).
import * as tf from '@tensorflow/tfjs';
import type { GPT } from '../model/gpt.ts';
import { submitWebGpuWork } from '../model/kernels/webgpuProgram.ts';
import type { AdamW } from './adamW.ts';
import type { Batch } from './batches.ts';

export interface StepResult {
  loss: tf.Scalar;
  gradNorm: tf.Scalar;
}

export function batchTensors(batch: Batch): { x: tf.Tensor2D; y: tf.Tensor2D; mask: tf.Tensor2D } {
  const shape: [number, number] = [batch.batchSize, batch.time];
  return {
    x: tf.tensor2d(batch.x, shape, 'int32'),
    y: tf.tensor2d(batch.y, shape, 'int32'),
    mask: tf.tensor2d(batch.mask, shape, 'float32'),
  };
}

export function trainStep(
  model: GPT,
  optimizer: AdamW,
  batch: Batch,
  lr: number,
  gradClip: number,
  dropoutSeed: number,
): StepResult {
  const { x, y, mask } = batchTensors(batch);
  const variables = model.specs.map((s) => model.params.get(s.name)!);
  const { value, grads } = tf.variableGrads(
    () => model.loss(x, y, mask, { training: true, dropoutSeed }),
    variables,
  );
  // variableGrads keys gradients by the variable's (unique) name; the optimizer wants parameter names.
  const named: tf.NamedTensorMap = {};
  for (const spec of model.specs) named[spec.name] = grads[model.params.get(spec.name)!.name]!;
  const norm = optimizer.applyClipped(named, lr, gradClip);
  tf.dispose([x, y, mask, ...Object.values(grads)]);
  // On webgpu the whole step goes to the GPU as one command buffer (see WEBGPU_SUBMIT_BATCH).
  submitWebGpuWork();
  return { loss: value, gradNorm: norm };
}
