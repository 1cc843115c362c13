// Fast implementations of the model's ops, and `opsFor(backend)`, which picks the fastest correct set
// for the active tfjs backend. Every set here is checked against `referenceOps` (values and gradients)
// by the parity tests. On `wasm` and `cpu` the hot paths are the project's own kernels
// (src/model/kernels) with hand-written gradients; on `webgpu` they are WGSL kernels (src/model/fast/
// gpuOps.ts). webgl still runs the stock ops.
import * as tf from '@tensorflow/tfjs';
import {
  registerCausalAttentionKernels,
  ATTENTION_BACKWARD,
  ATTENTION_FORWARD,
} from './kernels/causalAttentionKernels.ts';
import { EMBED, registerEmbedKernel } from './kernels/embedKernel.ts';
import { isHostBackend } from './kernels/kernelHost.ts';
import {
  CROSS_ENTROPY,
  CROSS_ENTROPY_GRAD,
  GELU,
  GELU_GRAD,
  LAYER_NORM,
  LAYER_NORM_GRAD,
  registerRowKernels,
} from './kernels/rowKernels.ts';
import { registerTranspose2dKernel, TRANSPOSE_2D } from './kernels/transpose2dKernel.ts';
import { LINEAR_WEIGHT_GRAD, registerWeightGradKernel } from './kernels/weightGradKernel.ts';
import { registerWasmUnsortedSegmentSum } from './kernels/wasmUnsortedSegmentSum.ts';
import { gpuOps, registerGpuKernels } from './fast/gpuOps.ts';
import { firstOutput, runKernel as run } from './fast/runKernel.ts';
import { referenceOps, type ModelOps } from './modelOps.ts';

type Grad = (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor | tf.Tensor[];
type Save = tf.GradSaveFunc;

/** tf.customGrad with the loose typing its declaration forces on callers. */
export function withGrad<T extends tf.Tensor>(
  f: (...args: [...tf.Tensor[], Save]) => { value: T; gradFunc: Grad },
): (...inputs: tf.Tensor[]) => T {
  return tf.customGrad(f as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (
    ...inputs: tf.Tensor[]
  ) => T;
}

/** [R, C] -> [C, R] with the project's tiled host kernel (tfjs-wasm's Transpose is several times slower). */
const transpose2d = (x: tf.Tensor2D): tf.Tensor2D => run<tf.Tensor2D>(TRANSPOSE_2D, { x });

/**
 * x [B, T, Cin] @ w [Cin, Cout] + b. The input gradient transposes w explicitly (tiled host kernel) and
 * multiplies plainly: tfjs-wasm runs a matmul with a transposed operand on a slow path (10-25x slower).
 * The weight and bias gradients are one host kernel that reads x and dy in place (weightGradKernel.ts):
 * as products they needed a transposed copy of x or dy, and XNNPACK's packing of a fresh [N, C] operand.
 */
export const linearTransposeFree = withGrad<tf.Tensor3D>((...args) => {
  const [x, w, b, save] = args as [tf.Tensor3D, tf.Tensor2D, tf.Tensor1D, Save];
  const [batch, time, cin] = x.shape;
  const cout = w.shape[1];
  const x2 = tf.reshape(x, [batch * time, cin]); // [N, Cin]
  save([x2, w]);
  // The bias rides in the matmul (XNNPACK's fully-connected bias on wasm): no separate Add pass.
  const value = tf.reshape<tf.Rank.R3>(tf.fused.matMul({ a: x2, b: w, bias: b }), [batch, time, cout]);
  return {
    value,
    gradFunc: (dy, saved) => {
      const [xs, ws] = saved as [tf.Tensor2D, tf.Tensor2D];
      const dy2 = tf.reshape<tf.Rank.R2>(dy, [batch * time, cout]); // [N, Cout]
      const dx = tf.reshape(tf.matMul(dy2, transpose2d(ws)), [batch, time, cin]);
      const [dw, db] = run<tf.Tensor[]>(LINEAR_WEIGHT_GRAD, { x: xs, dy: dy2 });
      return [dx, dw!, db!];
    },
  };
});

// The fused kernels' gradients are registered with tfjs (not wrapped in customGrad), so that the
// statistics a forward keeps for its backward (LayerNorm's mean and 1/std, GELU's tanh, attention's
// probabilities) are proper kernel outputs that the tape saves and frees.
const gradients: tf.GradConfig[] = [
  {
    kernelName: LAYER_NORM,
    inputsToSave: ['x', 'gamma'],
    outputsToSave: [false, true],
    gradFunc: (dy, saved) => {
      const [x, gamma, stats] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
      const dys = dy as tf.Tensor[];
      const [dx, dGamma, dBeta] = run<tf.Tensor[]>(LAYER_NORM_GRAD, { dy: dys[0]!, x, gamma, stats });
      return { x: () => dx!, gamma: () => dGamma!, beta: () => dBeta! };
    },
  },
  {
    kernelName: GELU,
    inputsToSave: ['x'],
    outputsToSave: [false, true],
    gradFunc: (dy, saved) => {
      const [x, tanh] = saved as [tf.Tensor, tf.Tensor];
      return { x: () => run<tf.Tensor>(GELU_GRAD, { dy: (dy as tf.Tensor[])[0]!, x, tanh }) };
    },
  },
  {
    kernelName: ATTENTION_FORWARD,
    inputsToSave: ['qkv'],
    outputsToSave: [false, true],
    gradFunc: (dy, saved, attrs) => {
      const [qkv, probs] = saved as [tf.Tensor, tf.Tensor];
      const dys = dy as tf.Tensor[];
      return { qkv: () => run<tf.Tensor>(ATTENTION_BACKWARD, { dy: dys[0]!, qkv, probs }, attrs) };
    },
  },
  {
    kernelName: EMBED,
    inputsToSave: ['ids'],
    gradFunc: (dy, saved, attrs) => {
      const [ids] = saved as [tf.Tensor2D];
      const vocab = (attrs as { vocab: number }).vocab;
      const width = (dy as tf.Tensor).shape[2]!;
      return {
        // table [V, C]: each position's dy summed into its id's row.
        table: () =>
          tf.unsortedSegmentSum(tf.reshape(dy as tf.Tensor, [-1, width]), tf.reshape(ids, [-1]), vocab),
        ids: () => tf.zerosLike(ids),
      };
    },
  },
  {
    kernelName: CROSS_ENTROPY,
    inputsToSave: ['logits', 'targets', 'mask'],
    gradFunc: (dy, saved) => {
      const [logits, targets, mask] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
      return {
        logits: () => run<tf.Tensor>(CROSS_ENTROPY_GRAD, { dy: dy as tf.Tensor, logits, targets, mask }),
        targets: () => tf.zerosLike(targets), // not differentiable (ids, mask): zeros
        mask: () => tf.zerosLike(mask),
      };
    },
  },
];

/** Ops for the `wasm` and `cpu` backends: the project's JS kernels plus transpose-free linear layers. */
export const hostOps: ModelOps = {
  name: 'fast-host',
  embed: (table, ids) => run<tf.Tensor3D>(EMBED, { table, ids }, { vocab: table.shape[0] }),
  layerNorm: (x, gamma, beta) => firstOutput(run(LAYER_NORM, { x, gamma, beta })),
  linear: (x, w, b) => linearTransposeFree(x, w, b),
  causalAttention: (qkv, nHead) => firstOutput(run(ATTENTION_FORWARD, { qkv }, { nHead })),
  gelu: (x) => firstOutput(run(GELU, { x })),
  maskedCrossEntropy: (logits, targets, mask) => run<tf.Scalar>(CROSS_ENTROPY, { logits, targets, mask }),
};

/** Registers the kernels the fast ops need on the CPU-side backends (safe to call repeatedly). */
export function registerFastKernels(): void {
  registerWasmUnsortedSegmentSum();
  registerCausalAttentionKernels();
  registerRowKernels();
  registerTranspose2dKernel();
  registerWeightGradKernel();
  registerEmbedKernel();
  registerHostGradients();
}

// Shared by the host and WebGPU kernels of the same names (LayerNorm, cross-entropy).
function registerHostGradients(): void {
  for (const config of gradients) if (!tf.getGradient(config.kernelName)) tf.registerGradient(config);
}

/** The fastest correct op set for a tfjs backend ('wasm', 'cpu', 'webgpu', 'webgl', ...). */
export function opsFor(backendName: string): ModelOps {
  if (isHostBackend(backendName)) {
    registerFastKernels();
    return hostOps;
  }
  if (backendName === 'webgpu') {
    registerGpuKernels();
    registerHostGradients();
    return gpuOps;
  }
  return referenceOps;
}
