// Fast implementations of the model's ops, and `opsFor(backend)`, which picks the fastest correct set
// for the active tfjs backend. Every set here is checked against `referenceOps` (values and gradients)
// by the parity tests. On `wasm` and `cpu` the hot paths are the project's own kernels
// (src/model/kernels) with hand-written gradients; on GPU backends, fused stock-op compositions with
// hand-written gradients cut the number of kernel dispatches.
import * as tf from '@tensorflow/tfjs';
import {
  registerCausalAttentionKernels,
  ATTENTION_BACKWARD,
  ATTENTION_FORWARD,
} from './kernels/causalAttentionKernels.ts';
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
import { registerWasmUnsortedSegmentSum } from './kernels/wasmUnsortedSegmentSum.ts';
import { referenceOps, type ModelOps } from './modelOps.ts';
import { gpuOps } from './fast/gpuOps.ts';

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

const run = <T extends tf.Tensor | tf.Tensor[]>(
  name: string,
  inputs: tf.NamedTensorMap,
  attrs: tf.NamedAttrMap = {},
): T => tf.engine().runKernel(name, inputs, attrs) as unknown as T;

/**
 * x [B, T, Cin] @ w [Cin, Cout] + b. The gradient transposes explicitly and then multiplies plainly:
 * tfjs-wasm runs a matmul with a transposed operand on a slow path (10-25x slower than XNNPACK's).
 * The bias gradient is a ones-row matmul rather than a column sum (also faster on wasm).
 */
export const linearTransposeFree = withGrad<tf.Tensor3D>((...args) => {
  const [x, w, b, save] = args as [tf.Tensor3D, tf.Tensor2D, tf.Tensor1D, Save];
  const [batch, time, cin] = x.shape;
  const cout = w.shape[1];
  const x2 = tf.reshape(x, [batch * time, cin]); // [N, Cin]
  save([x2, w]);
  const value = tf.reshape(tf.add(tf.matMul(x2, w), b), [batch, time, cout]) as tf.Tensor3D;
  return {
    value,
    gradFunc: (dy, saved) => {
      const [xs, ws] = saved as [tf.Tensor2D, tf.Tensor2D];
      const dy2 = tf.reshape(dy, [batch * time, cout]) as tf.Tensor2D; // [N, Cout]
      const dx = tf.reshape(tf.matMul(dy2, tf.transpose(ws)), [batch, time, cin]);
      const dw = tf.matMul(tf.transpose(xs), dy2); // [Cin, Cout]
      const db = tf.reshape(tf.matMul(tf.ones([1, batch * time]), dy2), [cout]);
      return [dx, dw, db];
    },
  };
});

const layerNormHost = withGrad<tf.Tensor3D>((...args) => {
  const [x, gamma, beta, save] = args as [tf.Tensor3D, tf.Tensor1D, tf.Tensor1D, Save];
  const [y, stats] = run<tf.Tensor[]>(LAYER_NORM, { x, gamma, beta });
  save([x, gamma, stats!]);
  return {
    value: y as tf.Tensor3D,
    gradFunc: (dy, saved) => {
      const [xs, g, st] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
      return run<tf.Tensor[]>(LAYER_NORM_GRAD, { dy, x: xs, gamma: g, stats: st });
    },
  };
});

const geluHost = withGrad<tf.Tensor3D>((...args) => {
  const [x, save] = args as [tf.Tensor3D, Save];
  const [y, tanh] = run<tf.Tensor[]>(GELU, { x });
  save([x, tanh!]);
  return {
    value: y as tf.Tensor3D,
    gradFunc: (dy, saved) => run<tf.Tensor>(GELU_GRAD, { dy, x: saved[0]!, tanh: saved[1]! }),
  };
});

function attentionHost(qkv: tf.Tensor3D, nHead: number): tf.Tensor3D {
  const attend = withGrad<tf.Tensor3D>((...args) => {
    const [packed, save] = args as [tf.Tensor3D, Save];
    const [y, probs] = run<tf.Tensor[]>(ATTENTION_FORWARD, { qkv: packed }, { nHead });
    save([packed, probs!]);
    return {
      value: y as tf.Tensor3D,
      gradFunc: (dy, saved) =>
        run<tf.Tensor>(ATTENTION_BACKWARD, { dy, qkv: saved[0]!, probs: saved[1]! }, { nHead }),
    };
  });
  return attend(qkv);
}

function crossEntropyHost(logits: tf.Tensor3D, targets: tf.Tensor2D, mask: tf.Tensor2D): tf.Scalar {
  // Targets and mask are not differentiated: closed over rather than passed as inputs.
  const loss = withGrad<tf.Scalar>((...args) => {
    const [l, save] = args as [tf.Tensor3D, Save];
    save([l, targets, mask]); // saved (kept) so that backward works even if the caller disposes them
    return {
      value: run<tf.Scalar>(CROSS_ENTROPY, { logits: l, targets, mask }),
      gradFunc: (dy, saved) =>
        run<tf.Tensor>(CROSS_ENTROPY_GRAD, { dy, logits: saved[0]!, targets: saved[1]!, mask: saved[2]! }),
    };
  });
  return loss(logits);
}

/** Ops for the `wasm` and `cpu` backends: the project's JS kernels plus transpose-free linear layers. */
export const hostOps: ModelOps = {
  name: 'fast-host',
  embed: referenceOps.embed,
  layerNorm: (x, gamma, beta) => layerNormHost(x, gamma, beta),
  linear: (x, w, b) => linearTransposeFree(x, w, b),
  causalAttention: attentionHost,
  gelu: (x) => geluHost(x),
  maskedCrossEntropy: crossEntropyHost,
};

/** Registers the kernels the fast ops need on the CPU-side backends (safe to call repeatedly). */
export function registerFastKernels(): void {
  registerWasmUnsortedSegmentSum();
  registerCausalAttentionKernels();
  registerRowKernels();
}

/** The fastest correct op set for a tfjs backend ('wasm', 'cpu', 'webgpu', 'webgl', ...). */
export function opsFor(backendName: string): ModelOps {
  if (isHostBackend(backendName)) {
    registerFastKernels();
    return hostOps;
  }
  if (backendName === 'webgpu' || backendName === 'webgl') return gpuOps;
  return referenceOps;
}
