// One AdamW step with global-norm clipping for the `webgpu` backend, as one tfjs kernel: the gradient
// norm (one workgroup), the new first and second moments over the flat [P] buffers, and one program per
// parameter for its new values (a program has a single output, and tfjs variables own separate
// buffers, so the parameters cannot be written as one flat buffer). The stock-op flat update runs
// ~25 kernels plus a 30-way split; this runs 3 + (number of parameters) programs and no split.
import * as tf from '@tensorflow/tfjs';
import {
  freeIntermediate,
  registerWebGpuKernel,
  runProgram,
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
  /** Per parameter, in input order p0/g0, p1/g1, ...: its weight decay (0 for biases and norms). */
  decays: number[];
}

const NORM_WORKGROUP = 256;

/** The gradients g0..gN-1 as one flat [P] buffer, by tfjs-webgpu's Concat (chunks of 7 inputs). */
function flatGradients(backend: WebGpuBackendLike, inputs: tf.NamedTensorInfoMap, count: number): Info {
  const concat = tf.getKernel('Concat', 'webgpu');
  if (!concat) throw new Error('no Concat kernel on webgpu');
  const parts: Info[] = [];
  for (let i = 0; i < count; i++) {
    const g = inputs[`g${i}`]!;
    parts.push({ dataId: g.dataId, dtype: g.dtype, shape: [g.shape.reduce((x, y) => x * y, 1)] });
  }
  return concat.kernelFunc({
    inputs: parts as unknown as tf.NamedTensorInfoMap,
    backend: backend as unknown as tf.KernelBackend,
    attrs: { axis: 0 },
  }) as Info;
}

/**
 * Inputs g0..gN-1 (gradients), m [P], v [P], p0..pN-1 (parameters), both in flat order.
 * Outputs [norm [], m' [P], v' [P], p0', ..., pN-1'].
 */
function adamW(backend: WebGpuBackendLike, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap): Info[] {
  const { m, v } = inputs as { m: Info; v: Info };
  const a = attrs as unknown as GpuAdamWAttrs;
  const g = flatGradients(backend, inputs, a.decays.length);
  const total = g.shape[0]!;
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
  // moment' = beta * moment + (1 - beta) * f(g * clip), clip = maxNorm / max(norm, maxNorm).
  const moment = (name: 'm' | 'v', beta: number, squared: boolean) =>
    runProgram(backend, {
      key: `adamMoment_${squared}`,
      inputs: { g, moment: name === 'm' ? m : v, norm },
      outputShape: [total],
      threads: total,
      ints: { total },
      floats: { beta, maxNorm: a.maxNorm },
      code: `
fn main(index : i32) {
  if (index >= uniforms.total) { return; }
  let c = g[index] * uniforms.maxNorm / max(norm[0], uniforms.maxNorm);
  result[index] = uniforms.beta * moment[index] + (1.0 - uniforms.beta) * ${squared ? 'c * c' : 'c'};
}`,
    });
  const mNext = moment('m', a.beta1, false);
  const vNext = moment('v', a.beta2, true);
  const outputs: Info[] = [{ ...norm, shape: [] }, mNext, vNext];
  let offset = 0;
  a.decays.forEach((decay, i) => {
    const p = inputs[`p${i}`]!;
    const size = p.shape.reduce((x, y) => x * y, 1);
    // p' = p - lr * (m_hat / (sqrt(v_hat) + eps) + decay * p), reading this parameter's slice of m', v'.
    outputs.push(
      runProgram(backend, {
        key: 'adamParam',
        inputs: { p, m: mNext, v: vNext },
        outputShape: [...p.shape],
        threads: size,
        ints: { size, offset },
        floats: { lr: a.lr, decay, c1: a.correction1, c2: a.correction2, eps: a.eps },
        code: `
fn main(index : i32) {
  if (index >= uniforms.size) { return; }
  let k = uniforms.offset + index;
  let mHat = m[k] / uniforms.c1;
  let vHat = v[k] / uniforms.c2;
  let w = p[index];
  result[index] = w - uniforms.lr * (mHat / (sqrt(vHat) + uniforms.eps) + uniforms.decay * w);
}`,
      }),
    );
    offset += size;
  });
  freeIntermediate(backend, g);
  return outputs;
}

/** Registers the kernel on webgpu (safe to call repeatedly). */
export function registerWebGpuAdamW(): void {
  registerWebGpuKernel(GPU_ADAMW, adamW);
}
