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
import { LINEAR_MATMUL, registerMatMulKernel } from './kernels/matMulKernel.ts';
import { LINEAR_WEIGHT_GRAD, registerWeightGradKernel } from './kernels/weightGradKernel.ts';
import { registerWasmUnsortedSegmentSum } from './kernels/wasmUnsortedSegmentSum.ts';
import { gpuOps, registerGpuKernels } from './fast/gpuOps.ts';
import { runKernel as run } from './fast/runKernel.ts';
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
 * x [B, T, Cin] @ w [Cin, Cout] + b, the product and its bias one host kernel (matMulKernel.ts). The input
 * gradient transposes w explicitly (tiled host kernel) and multiplies plainly with the same kernel. The
 * weight and bias gradients are one host kernel that reads x and dy in place (weightGradKernel.ts): as
 * products they needed a transposed copy of x or dy.
 */
export const linearTransposeFree = withGrad<tf.Tensor3D>((...args) => {
  const [x, w, b, save] = args as [tf.Tensor3D, tf.Tensor2D, tf.Tensor1D, Save];
  const [batch, time, cin] = x.shape;
  const cout = w.shape[1];
  const x2 = tf.reshape(x, [batch * time, cin]); // [N, Cin]
  save([x2, w]);
  const product = run<tf.Tensor2D>(LINEAR_MATMUL, { a: x2, b: w, bias: b });
  const value = tf.reshape<tf.Rank.R3>(product, [batch, time, cout]);
  return {
    value,
    gradFunc: (dy, saved) => {
      const [xs, ws] = saved as [tf.Tensor2D, tf.Tensor2D];
      const dy2 = tf.reshape<tf.Rank.R2>(dy, [batch * time, cout]); // [N, Cout]
      const dx = tf.reshape(run<tf.Tensor2D>(LINEAR_MATMUL, { a: dy2, b: transpose2d(ws) }), [
        batch,
        time,
        cin,
      ]);
      const [dw, db] = run<tf.Tensor[]>(LINEAR_WEIGHT_GRAD, { x: xs, dy: dy2 });
      return [dx, dw!, db!];
    },
  };
});

/**
 * A host kernel whose outputs after the first are statistics for its own backward pass (LayerNorm's mean
 * and 1/std, GELU's tanh, attention's probabilities), as one differentiable op whose only output is the
 * first. The statistics are saved for `backward` and freed after it (or at once when no tape records).
 * As outputs of a taped kernel they would get no gradient, and tfjs would build a zero gradient of each
 * one's full size in JS and copy it into the heap before calling the backward: GELU's tanh and
 * attention's probabilities are 67 MB a reference step, ~35 ms of it.
 */
function withStatistics<T extends tf.Tensor>(
  kernel: string,
  inputNames: readonly string[],
  attrs: tf.NamedAttrMap,
  backward: (dy: tf.Tensor, inputs: tf.Tensor[], statistics: tf.Tensor[]) => tf.Tensor | tf.Tensor[],
): (...inputs: tf.Tensor[]) => T {
  return withGrad<T>((...args) => {
    const inputs = args.slice(0, inputNames.length) as tf.Tensor[];
    const save = args[inputNames.length] as Save;
    const named = Object.fromEntries(inputNames.map((name, i) => [name, inputs[i]!]));
    const [value, ...statistics] = run<tf.Tensor[]>(kernel, named, attrs);
    save([...inputs, ...statistics]);
    return {
      value: value as T,
      gradFunc: (dy, saved) => backward(dy, saved.slice(0, inputs.length), saved.slice(inputs.length)),
    };
  });
}

const hostLayerNorm = withStatistics<tf.Tensor3D>(
  LAYER_NORM,
  ['x', 'gamma', 'beta'],
  {},
  (dy, [x, gamma], [stats]) => run<tf.Tensor[]>(LAYER_NORM_GRAD, { dy, x: x!, gamma: gamma!, stats: stats! }),
);

const hostGelu = withStatistics<tf.Tensor3D>(GELU, ['x'], {}, (dy, [x], [tanh]) =>
  run<tf.Tensor>(GELU_GRAD, { dy, x: x!, tanh: tanh! }),
);

/** One op per head count (the kernel's attribute). */
const hostAttention = new Map<number, (qkv: tf.Tensor) => tf.Tensor3D>();
function causalAttentionOp(nHead: number): (qkv: tf.Tensor) => tf.Tensor3D {
  let op = hostAttention.get(nHead);
  if (!op) {
    const attrs = { nHead };
    op = withStatistics<tf.Tensor3D>(ATTENTION_FORWARD, ['qkv'], attrs, (dy, [qkv], [probs]) =>
      run<tf.Tensor>(ATTENTION_BACKWARD, { dy, qkv: qkv!, probs: probs! }, attrs),
    );
    hostAttention.set(nHead, op);
  }
  return op;
}

// Gradients registered with tfjs for kernels run by name: the single-output host kernels, and LayerNorm
// for the WebGPU op set, which runs the same kernel name (its statistics are small there: [B, T, 2]).
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
  layerNorm: (x, gamma, beta) => hostLayerNorm(x, gamma, beta),
  linear: (x, w, b) => linearTransposeFree(x, w, b),
  causalAttention: (qkv, nHead) => causalAttentionOp(nHead)(qkv),
  gelu: (x) => hostGelu(x),
  maskedCrossEntropy: (logits, targets, mask) => run<tf.Scalar>(CROSS_ENTROPY, { logits, targets, mask }),
};

/** Registers the kernels the fast ops need on the CPU-side backends (safe to call repeatedly). */
export function registerFastKernels(): void {
  registerWasmUnsortedSegmentSum();
  registerCausalAttentionKernels();
  registerRowKernels();
  registerTranspose2dKernel();
  registerWeightGradKernel();
  registerMatMulKernel();
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
