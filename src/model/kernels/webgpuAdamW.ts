// One AdamW step with global-norm clipping for the `webgpu` backend, as one tfjs kernel of two compute
// programs: the gradient norm (one workgroup), then one program that writes the new first moments, second
// moments and parameters together into one [3P] buffer. A program has a single output and tfjs
// variables own separate buffers, so the gradients and parameters are gathered into flat buffers, and
// the [3P] result split back into m', v' and each parameter, by buffer copies (copyBufferToBuffer: no
// pipeline, no dispatch). The stock-op flat update runs ~25 kernels plus a 30-way split; the previous
// version of this kernel ran 3 programs, one per parameter and six Concat programs (39 for 30 parameters).
import type * as tf from '@tensorflow/tfjs';
import {
  allocateOnGpu,
  copyBuffers,
  freeIntermediate,
  registerWebGpuKernel,
  runProgram,
  sizeOf,
  workgroupSum,
  type WebGpuBackendLike,
} from './webgpuProgram.ts';

export const GPU_ADAMW = 'PersonaLabGpuAdamW';

type Info = tf.TensorInfo;

export interface GpuAdamWAttrs {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  /** 1 - beta^step, for bias correction. */
  correction1: number;
  correction2: number;
  maxNorm: number;
  /** Per parameter, in input order p0/g0, p1/g1, ...: its weight decay (0 for biases and norms); the
   *  webgpu kernel reads the same values per element from its `decay` input. */
  decays: number[];
}

const NORM_WORKGROUP = 256;

/** The tensors named `prefix`0..N-1 gathered, in order, into one new flat [P] buffer by copies. */
function flatten(
  backend: WebGpuBackendLike,
  inputs: tf.NamedTensorInfoMap,
  prefix: string,
  count: number,
): Info {
  const parts = Array.from({ length: count }, (_, i) => inputs[`${prefix}${i}`]!);
  const total = parts.reduce((n, t) => n + sizeOf(t.shape), 0);
  const flat = allocateOnGpu(backend, [total]);
  let offset = 0;
  copyBuffers(
    backend,
    parts.map((from) => {
      const copy = { from, fromOffset: 0, to: flat, toOffset: offset, size: sizeOf(from.shape) };
      offset += copy.size;
      return copy;
    }),
  );
  return flat;
}

/**
 * Inputs g0..gN-1 (gradients), m [P], v [P], decay [P] (each element's weight decay), p0..pN-1
 * (parameters), both in flat order.
 * Outputs [norm [], m' [P], v' [P], p0', ..., pN-1'].
 */
function adamW(backend: WebGpuBackendLike, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap): Info[] {
  const { m, v, decay } = inputs as { m: Info; v: Info; decay: Info };
  const a = attrs as unknown as GpuAdamWAttrs;
  const count = a.decays.length;
  const g = flatten(backend, inputs, 'g', count);
  const p = flatten(backend, inputs, 'p', count);
  const total = g.shape[0]!;
  const offsets: number[] = [];
  let offset = 0;
  for (let i = 0; i < count; i++) {
    offsets.push(offset);
    offset += sizeOf(inputs[`p${i}`]!.shape);
  }
  const norm = runProgram(backend, {
    key: 'adamNorm',
    inputs: { g },
    outputShape: [1],
    threads: NORM_WORKGROUP,
    workgroupSize: NORM_WORKGROUP,
    ints: { total },
    code: `
var<workgroup> share : array<f32, ${NORM_WORKGROUP}>;
fn main(index : i32) {
  let lid = i32(localId.x);
  var acc = 0.0;
  for (var k = lid; k < uniforms.total; k = k + ${NORM_WORKGROUP}) { acc = acc + g[k] * g[k]; }
  share[lid] = acc;
  ${workgroupSum(['share'], NORM_WORKGROUP)}
  if (lid == 0) { result[0] = sqrt(share[0]); }
}`,
  });
  // With c = g * clip, clip = maxNorm / max(norm, maxNorm):
  //   m' = beta1 m + (1 - beta1) c,  v' = beta2 v + (1 - beta2) c^2,
  //   p' = p - lr * (m'/c1 / (sqrt(v'/c2) + eps) + decay * p); written to result[k], [P + k], [2P + k].
  const next = runProgram(backend, {
    key: 'adamUpdate',
    inputs: { g, m, v, p, norm, decay },
    outputShape: [3 * total],
    threads: total,
    ints: { total },
    floats: {
      beta1: a.beta1,
      beta2: a.beta2,
      maxNorm: a.maxNorm,
      lr: a.lr,
      c1: a.correction1,
      c2: a.correction2,
      eps: a.eps,
    },
    code: `
fn main(index : i32) {
  if (index >= uniforms.total) { return; }
  let c = g[index] * uniforms.maxNorm / max(norm[0], uniforms.maxNorm);
  let mNext = uniforms.beta1 * m[index] + (1.0 - uniforms.beta1) * c;
  let vNext = uniforms.beta2 * v[index] + (1.0 - uniforms.beta2) * c * c;
  let w = p[index];
  let step = mNext / uniforms.c1 / (sqrt(vNext / uniforms.c2) + uniforms.eps) + decay[index] * w;
  result[index] = mNext;
  result[uniforms.total + index] = vNext;
  result[2 * uniforms.total + index] = w - uniforms.lr * step;
}`,
  });
  const mNext = allocateOnGpu(backend, [total]);
  const vNext = allocateOnGpu(backend, [total]);
  const params = Array.from({ length: count }, (_, i) => allocateOnGpu(backend, [...inputs[`p${i}`]!.shape]));
  copyBuffers(backend, [
    { from: next, fromOffset: 0, to: mNext, toOffset: 0, size: total },
    { from: next, fromOffset: total, to: vNext, toOffset: 0, size: total },
    ...params.map((to, i) => ({
      from: next,
      fromOffset: 2 * total + offsets[i]!,
      to,
      toOffset: 0,
      size: sizeOf(to.shape),
    })),
  ]);
  for (const t of [g, p, next]) freeIntermediate(backend, t);
  return [{ ...norm, shape: [] }, mNext, vNext, ...params];
}

/** Registers the kernel on webgpu (safe to call repeatedly). */
export function registerWebGpuAdamW(): void {
  registerWebGpuKernel(GPU_ADAMW, adamW);
}
