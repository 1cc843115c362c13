// Ops for the `webgpu` backend: fused WGSL kernels (src/model/kernels/webgpu*.ts) for the input
// embedding, LayerNorm, GELU, causal attention, masked cross-entropy and linear layers (tfjs-webgpu's
// matmul with the bias in its epilogue), each with a registered gradient so that forward and backward
// both fuse.
import * as tf from '@tensorflow/tfjs';
import {
  GPU_ATTENTION,
  GPU_ATTENTION_GRAD,
  registerWebGpuAttentionKernels,
} from '../kernels/webgpuAttentionKernels.ts';
import { GPU_EMBED, GPU_EMBED_GRAD, registerWebGpuEmbedKernels } from '../kernels/webgpuEmbedKernels.ts';
import { GPU_LINEAR, GPU_LINEAR_GRAD, registerWebGpuLinearKernels } from '../kernels/webgpuLinearKernels.ts';
import { GPU_GELU, GPU_GELU_GRAD, registerWebGpuRowKernels } from '../kernels/webgpuRowKernels.ts';
import { CROSS_ENTROPY, LAYER_NORM } from '../kernels/rowKernels.ts';
import { referenceOps, type ModelOps } from '../modelOps.ts';
import { firstOutput, runKernel } from './runKernel.ts';

// LayerNorm and cross-entropy reuse the host kernels' names, so their gradients (registered in
// fastOps.ts) apply here too; these two have GPU-only signatures.
const gradients: tf.GradConfig[] = [
  {
    kernelName: GPU_EMBED,
    inputsToSave: ['wte', 'wpe', 'ids'],
    gradFunc: (dy, saved) => {
      const [wte, wpe, ids] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
      const attrs = { vocab: wte.shape[0], positions: wpe.shape[0] };
      const [dwte, dwpe] = runKernel<tf.Tensor[]>(GPU_EMBED_GRAD, { dy: dy as tf.Tensor, ids }, attrs);
      return { wte: () => dwte!, wpe: () => dwpe! };
    },
  },
  {
    kernelName: GPU_GELU,
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => {
      const [x] = saved as [tf.Tensor];
      return { x: () => runKernel<tf.Tensor>(GPU_GELU_GRAD, { dy: dy as tf.Tensor, x }) };
    },
  },
  {
    kernelName: GPU_LINEAR,
    inputsToSave: ['x', 'w'],
    gradFunc: (dy, saved) => {
      const [x, w] = saved as [tf.Tensor, tf.Tensor];
      const [dx, dw, db] = runKernel<tf.Tensor[]>(GPU_LINEAR_GRAD, { dy: dy as tf.Tensor, x, w });
      return { x: () => dx!, w: () => dw!, b: () => db! };
    },
  },
  {
    kernelName: GPU_ATTENTION,
    inputsToSave: ['qkv'],
    outputsToSave: [true, true],
    gradFunc: (dy, saved, attrs) => {
      const [qkv, y, lse] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
      const dys = dy as tf.Tensor[];
      return { qkv: () => runKernel<tf.Tensor>(GPU_ATTENTION_GRAD, { dy: dys[0]!, qkv, y, lse }, attrs) };
    },
  },
];

export const gpuOps: ModelOps = {
  name: 'fast-webgpu',
  embed: (wte, ids) => referenceOps.embed(wte, ids),
  embedWithPositions: (wte, wpe, ids) => runKernel(GPU_EMBED, { wte, wpe, ids }),
  layerNorm: (x, gamma, beta) => firstOutput(runKernel(LAYER_NORM, { x, gamma, beta })),
  linear: (x, w, b) => runKernel(GPU_LINEAR, { x, w, b }),
  causalAttention: (qkv, nHead) => firstOutput(runKernel(GPU_ATTENTION, { qkv }, { nHead })),
  gelu: (x) => runKernel(GPU_GELU, { x }),
  maskedCrossEntropy: (logits, targets, mask) =>
    runKernel<tf.Scalar>(CROSS_ENTROPY, { logits, targets, mask }),
};

/** Registers the WebGPU kernels and their gradients (safe to call repeatedly). */
export function registerGpuKernels(): void {
  registerWebGpuRowKernels();
  registerWebGpuEmbedKernels();
  registerWebGpuAttentionKernels();
  registerWebGpuLinearKernels();
  for (const config of gradients) if (!tf.getGradient(config.kernelName)) tf.registerGradient(config);
}
