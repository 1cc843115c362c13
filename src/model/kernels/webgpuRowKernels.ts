// Fused row-wise kernels for the `webgpu` backend: LayerNorm, GELU and masked cross-entropy, forward
// and backward, as WGSL programs. They take the place of the 6-15 stock kernels each of these is made
// of (moments, broadcasts, pow, tanh, oneHot, logSoftmax and their gradients). LayerNorm and
// cross-entropy share the kernel names and signatures of the host kernels (rowKernels.ts), so the
// gradients registered for those serve here too; GELU has its own names, because on the GPU it is
// cheaper to recompute tanh in the backward pass than to write it out as a second output.
import type * as tf from '@tensorflow/tfjs';
import { LAYER_NORM_EPS } from '../modelOps.ts';
import { CROSS_ENTROPY, CROSS_ENTROPY_GRAD, LAYER_NORM, LAYER_NORM_GRAD } from './rowKernels.ts';
import {
  registerWebGpuKernel,
  runProgram,
  sizeOf,
  workgroupSum,
  type WebGpuBackendLike,
  type WebGpuKernel,
} from './webgpuProgram.ts';

export const GPU_GELU = 'PersonaLabGpuGelu';
export const GPU_GELU_GRAD = 'PersonaLabGpuGeluGrad';

type Info = tf.TensorInfo;
const lastAxis = (info: Info): number => info.shape[info.shape.length - 1]!;

/** x [N, C] -> stats [N, 2] (mean, 1/std), one invocation per row, two passes for accuracy. */
const statsCode = (c: number) => `
fn main(index : i32) {
  if (index >= uniforms.rows) { return; }
  let o = index * ${c};
  var sum = 0.0;
  for (var i = 0; i < ${c}; i = i + 1) { sum = sum + x[o + i]; }
  let mean = sum / ${c}.0;
  var sq = 0.0;
  for (var i = 0; i < ${c}; i = i + 1) { let d = x[o + i] - mean; sq = sq + d * d; }
  result[2 * index] = mean;
  result[2 * index + 1] = inverseSqrt(sq / ${c}.0 + ${LAYER_NORM_EPS});
}`;

/** y = (x - mean) * rstd * gamma + beta, one invocation per element. */
const normCode = (c: number) => `
fn main(index : i32) {
  if (index >= uniforms.total) { return; }
  let r = index / ${c};
  let i = index - r * ${c};
  result[index] = (x[index] - stats[2 * r]) * stats[2 * r + 1] * gamma[i] + beta[i];
}`;

/** dx = rstd * (dy*g - mean(dy*g) - xhat * mean(dy*g*xhat)), one invocation per row. */
const dxCode = (c: number) => `
fn main(index : i32) {
  if (index >= uniforms.rows) { return; }
  let o = index * ${c};
  let mean = stats[2 * index];
  let rstd = stats[2 * index + 1];
  var sumDyg = 0.0;
  var sumDygXhat = 0.0;
  for (var i = 0; i < ${c}; i = i + 1) {
    let dyg = dy[o + i] * gamma[i];
    sumDyg = sumDyg + dyg;
    sumDygXhat = sumDygXhat + dyg * (x[o + i] - mean) * rstd;
  }
  let meanDyg = sumDyg / ${c}.0;
  let meanDygXhat = sumDygXhat / ${c}.0;
  for (var i = 0; i < ${c}; i = i + 1) {
    let xhat = (x[o + i] - mean) * rstd;
    result[o + i] = rstd * (dy[o + i] * gamma[i] - meanDyg - xhat * meanDygXhat);
  }
}`;

/** dgamma[c] = sum over rows of dy * xhat (withXhat) or dbeta[c] = sum of dy, one invocation per column. */
const columnSumCode = (c: number, withXhat: boolean) => `
fn main(index : i32) {
  if (index >= ${c}) { return; }
  var acc = 0.0;
  for (var r = 0; r < uniforms.rows; r = r + 1) {
    let k = r * ${c} + index;
    acc = acc + dy[k]${withXhat ? ' * (x[k] - stats[2 * r]) * stats[2 * r + 1]' : ''};
  }
  result[index] = acc;
}`;

function layerNorm(backend: WebGpuBackendLike, inputs: tf.NamedTensorInfoMap): Info[] {
  const { x, gamma, beta } = inputs as { x: Info; gamma: Info; beta: Info };
  const c = lastAxis(x);
  const rows = sizeOf(x.shape) / c;
  const stats = runProgram(backend, {
    key: `lnStats_${c}`,
    inputs: { x },
    outputShape: [rows, 2],
    threads: rows,
    ints: { rows },
    code: statsCode(c),
  });
  const y = runProgram(backend, {
    key: `lnNorm_${c}`,
    inputs: { x, stats, gamma, beta },
    outputShape: [...x.shape],
    threads: rows * c,
    ints: { total: rows * c },
    code: normCode(c),
  });
  return [y, stats];
}

function layerNormGrad(backend: WebGpuBackendLike, inputs: tf.NamedTensorInfoMap): Info[] {
  const { dy, x, gamma, stats } = inputs as { dy: Info; x: Info; gamma: Info; stats: Info };
  const c = lastAxis(x);
  const rows = sizeOf(x.shape) / c;
  const dx = runProgram(backend, {
    key: `lnDx_${c}`,
    inputs: { dy, x, gamma, stats },
    outputShape: [...x.shape],
    threads: rows,
    ints: { rows },
    code: dxCode(c),
  });
  const column = (withXhat: boolean) =>
    runProgram(backend, {
      key: `lnColumn_${c}_${withXhat}`,
      inputs: withXhat ? { dy, x, stats } : { dy },
      outputShape: [c],
      threads: c,
      ints: { rows },
      code: columnSumCode(c, withXhat),
    });
  return [dx, column(true), column(false)];
}

// tanh(u) through one exp, saturating cleanly to +-1 (exp overflow gives 1 - 0, underflow -1).
const GELU_PRELUDE = `
fn geluTanh(v : f32) -> f32 {
  let u = 0.7978845608028654 * (v + 0.044715 * v * v * v);
  return 1.0 - 2.0 / (exp(2.0 * u) + 1.0);
}`;

function gelu(backend: WebGpuBackendLike, inputs: tf.NamedTensorInfoMap): Info {
  const x = inputs.x!;
  const total = sizeOf(x.shape);
  return runProgram(backend, {
    key: 'gelu',
    inputs: { x },
    outputShape: [...x.shape],
    threads: total,
    ints: { total },
    code: `${GELU_PRELUDE}
fn main(index : i32) {
  if (index >= uniforms.total) { return; }
  let v = x[index];
  result[index] = 0.5 * v * (1.0 + geluTanh(v));
}`,
  });
}

function geluGrad(backend: WebGpuBackendLike, inputs: tf.NamedTensorInfoMap): Info {
  const { dy, x } = inputs as { dy: Info; x: Info };
  const total = sizeOf(x.shape);
  return runProgram(backend, {
    key: 'geluGrad',
    inputs: { dy, x },
    outputShape: [...x.shape],
    threads: total,
    ints: { total },
    code: `${GELU_PRELUDE}
fn main(index : i32) {
  if (index >= uniforms.total) { return; }
  let v = x[index];
  let t = geluTanh(v);
  let slope = 0.5 * (1.0 + t) + 0.5 * v * (1.0 - t * t) * 0.7978845608028654 * (1.0 + 0.134145 * v * v);
  result[index] = dy[index] * slope;
}`,
  });
}

const CE_WORKGROUP = 256;

/** Log-sum-exp of row r of logits [N, V]. */
const lseCode = (vocab: number) => `
fn rowLogSumExp(o : i32) -> f32 {
  var mx = -3.0e38;
  for (var i = 0; i < ${vocab}; i = i + 1) { mx = max(mx, logits[o + i]); }
  var s = 0.0;
  for (var i = 0; i < ${vocab}; i = i + 1) { s = s + exp(logits[o + i] - mx); }
  return mx + log(s);
}`;

/** One workgroup: each invocation sums a strided share of the rows, then a tree sum in shared memory. */
function crossEntropy(backend: WebGpuBackendLike, inputs: tf.NamedTensorInfoMap): Info {
  const { logits, targets, mask } = inputs as { logits: Info; targets: Info; mask: Info };
  const vocab = lastAxis(logits);
  const rows = sizeOf(targets.shape);
  const out = runProgram(backend, {
    key: `crossEntropy_${vocab}`,
    inputs: { logits, targets, mask },
    outputShape: [1],
    threads: CE_WORKGROUP,
    workgroupSize: CE_WORKGROUP,
    ints: { rows },
    code: `${lseCode(vocab)}
var<workgroup> lossShare : array<f32, ${CE_WORKGROUP}>;
var<workgroup> maskShare : array<f32, ${CE_WORKGROUP}>;
fn main(index : i32) {
  let lid = i32(localId.x);
  var loss = 0.0;
  var count = 0.0;
  for (var r = lid; r < uniforms.rows; r = r + ${CE_WORKGROUP}) {
    let w = mask[r];
    count = count + w;
    if (w != 0.0) { loss = loss + w * (rowLogSumExp(r * ${vocab}) - logits[r * ${vocab} + targets[r]]); }
  }
  lossShare[lid] = loss;
  maskShare[lid] = count;
  ${workgroupSum(['lossShare', 'maskShare'], CE_WORKGROUP)}
  if (lid == 0) { result[0] = lossShare[0] / max(maskShare[0], 1.0); }
}`,
  });
  return { ...out, shape: [] };
}

const CE_GRAD_WORKGROUP = 64;

/**
 * dlogits [N, V] = dy * mask[r] / sum(mask) * (softmax - onehot), one invocation per row. Every
 * workgroup first sums the mask itself (N adds per workgroup), which is cheaper than a dispatch.
 */
function crossEntropyGrad(backend: WebGpuBackendLike, inputs: tf.NamedTensorInfoMap): Info {
  const { dy, logits, targets, mask } = inputs as { dy: Info; logits: Info; targets: Info; mask: Info };
  const vocab = lastAxis(logits);
  const rows = sizeOf(targets.shape);
  return runProgram(backend, {
    key: `crossEntropyGrad_${vocab}`,
    inputs: { dy: { ...dy, shape: [1] }, logits, targets, mask },
    outputShape: [...logits.shape],
    threads: rows,
    workgroupSize: CE_GRAD_WORKGROUP,
    ints: { rows },
    code: `${lseCode(vocab)}
var<workgroup> maskShare : array<f32, ${CE_GRAD_WORKGROUP}>;
fn main(index : i32) {
  let lid = i32(localId.x);
  var count = 0.0;
  for (var r = lid; r < uniforms.rows; r = r + ${CE_GRAD_WORKGROUP}) { count = count + mask[r]; }
  maskShare[lid] = count;
  ${workgroupSum(['maskShare'], CE_GRAD_WORKGROUP)}
  if (index < uniforms.rows) {
    let o = index * ${vocab};
    let w = dy[0] * mask[index] / max(maskShare[0], 1.0);
    if (w == 0.0) {
      for (var i = 0; i < ${vocab}; i = i + 1) { result[o + i] = 0.0; }
    } else {
      let lse = rowLogSumExp(o);
      for (var i = 0; i < ${vocab}; i = i + 1) { result[o + i] = w * exp(logits[o + i] - lse); }
      let t = o + targets[index];
      result[t] = result[t] - w;
    }
  }
}`,
  });
}

/** Registers every row kernel on webgpu (safe to call repeatedly). */
export function registerWebGpuRowKernels(): void {
  const kernels: [string, WebGpuKernel][] = [
    [LAYER_NORM, layerNorm],
    [LAYER_NORM_GRAD, layerNormGrad],
    [GPU_GELU, gelu],
    [GPU_GELU_GRAD, geluGrad],
    [CROSS_ENTROPY, crossEntropy],
    [CROSS_ENTROPY_GRAD, crossEntropyGrad],
  ];
  for (const [name, kernel] of kernels) registerWebGpuKernel(name, kernel);
}
