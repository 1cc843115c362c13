// Causal multi-head attention for the `webgpu` backend as four WGSL programs: forward (row
// log-sum-exp, then outputs) and backward (row deltas, then dq, dk, dv together). The stock version
// slices, transposes and batch-multiplies [B, H, T, D] tensors, adds a mask and runs a softmax chain,
// some 25 kernels each way. Scores are never stored: the backward recomputes them from q and k and
// the saved log-sum-exp (as FlashAttention does), so memory stays O(B*H*T) instead of O(B*H*T*T).
import type * as tf from '@tensorflow/tfjs';
import { dimsOf, type Dims } from './causalAttentionKernels.ts';
import {
  freeIntermediate,
  registerWebGpuKernel,
  runProgram,
  type WebGpuBackendLike,
} from './webgpuProgram.ts';

export const GPU_ATTENTION = 'PersonaLabGpuCausalAttention';
export const GPU_ATTENTION_GRAD = 'PersonaLabGpuCausalAttentionGrad';

type Info = tf.TensorInfo;

// The sequence length is a uniform, not a constant: sampling grows it one token at a time, and a
// constant would compile new pipelines for every length.
const keyOf = (d: Dims) => `${d.width}_${d.heads}`;

/**
 * Shared WGSL: the row an invocation owns (flat index over [B, H, T]) and the offsets of its head's
 * q, k, v in packed qkv [B, T, 3C] and of its slice of [B, T, C] tensors.
 */
const prelude = (d: Dims, withScore = true) => `
const C = ${d.width};
const H = ${d.heads};
const D = ${d.headSize};
const SCALE = ${1 / Math.sqrt(d.headSize)};
fn qkvAt(b : i32, t : i32, h : i32) -> i32 { return (b * uniforms.time + t) * 3 * C + h * D; }
fn headAt(b : i32, t : i32, h : i32) -> i32 { return (b * uniforms.time + t) * C + h * D; }
${withScore ? scoreCode : ''}`;

/** The scaled score of the query at qkv offset qo and the key of the row at offset ko. */
const scoreCode = `
fn score(qo : i32, ko : i32) -> f32 {
  var s = 0.0;
  for (var d = 0; d < D; d = d + 1) { s = s + qkv[qo + d] * qkv[ko + C + d]; }
  return s * SCALE;
}`;

const rowHeader = `
  if (index >= uniforms.rows) { return; }
  let T = uniforms.time;
  let i = index % T;
  let bh = index / T;
  let h = bh % H;
  let b = bh / H;`;

/** lse [B*H*T]: log-sum-exp of row i's causal scores (online max, one pass). */
const lseCode = (d: Dims) => `${prelude(d)}
fn main(index : i32) {${rowHeader}
  let qo = qkvAt(b, i, h);
  var mx = -3.0e38;
  var sum = 0.0;
  for (var j = 0; j <= i; j = j + 1) {
    let s = score(qo, qkvAt(b, j, h));
    if (s > mx) { sum = sum * exp(mx - s); mx = s; }
    sum = sum + exp(s - mx);
  }
  result[index] = mx + log(sum);
}`;

/** y [B, T, C]: row i of head h is sum_j<=i exp(s_ij - lse_i) v_j. */
const outputCode = (d: Dims) => `${prelude(d)}
fn main(index : i32) {${rowHeader}
  let qo = qkvAt(b, i, h);
  let l = lse[index];
  var acc : array<f32, D>;
  for (var j = 0; j <= i; j = j + 1) {
    let jo = qkvAt(b, j, h);
    let p = exp(score(qo, jo) - l);
    for (var e = 0; e < D; e = e + 1) { acc[e] = acc[e] + p * qkv[jo + 2 * C + e]; }
  }
  let yo = headAt(b, i, h);
  for (var e = 0; e < D; e = e + 1) { result[yo + e] = acc[e]; }
}`;

/** delta [B*H*T] = dy_i . y_i per head: the softmax backward's row sum of P * dP. */
const deltaCode = (d: Dims) => `${prelude(d, false)}
fn main(index : i32) {${rowHeader}
  let o = headAt(b, i, h);
  var acc = 0.0;
  for (var e = 0; e < D; e = e + 1) { acc = acc + dy[o + e] * y[o + e]; }
  result[index] = acc;
}`;

/**
 * dqkv [B, T, 3C] for position i of head h: dq_i from row i (keys j <= i), dk_i and dv_i from
 * column i (queries j >= i), with dS_ij = P_ij (dy_i . v_j - delta_i) and P recomputed from lse.
 */
const gradCode = (d: Dims) => `${prelude(d)}
fn main(index : i32) {${rowHeader}
  let io = qkvAt(b, i, h);
  let dyi = headAt(b, i, h);
  var dq : array<f32, D>;
  var dk : array<f32, D>;
  var dv : array<f32, D>;
  let lseI = lse[index];
  let deltaI = delta[index];
  for (var j = 0; j <= i; j = j + 1) {
    let jo = qkvAt(b, j, h);
    let p = exp(score(io, jo) - lseI);
    var dp = 0.0;
    for (var e = 0; e < D; e = e + 1) { dp = dp + dy[dyi + e] * qkv[jo + 2 * C + e]; }
    let ds = p * (dp - deltaI);
    for (var e = 0; e < D; e = e + 1) { dq[e] = dq[e] + ds * qkv[jo + C + e]; }
  }
  for (var j = i; j < T; j = j + 1) {
    let jo = qkvAt(b, j, h);
    let dyj = headAt(b, j, h);
    let row = bh * T + j;
    let p = exp(score(jo, io) - lse[row]);
    var dp = 0.0;
    for (var e = 0; e < D; e = e + 1) { dp = dp + dy[dyj + e] * qkv[io + 2 * C + e]; }
    let ds = p * (dp - delta[row]);
    for (var e = 0; e < D; e = e + 1) {
      dk[e] = dk[e] + ds * qkv[jo + e];
      dv[e] = dv[e] + p * dy[dyj + e];
    }
  }
  for (var e = 0; e < D; e = e + 1) {
    result[io + e] = dq[e] * SCALE;
    result[io + C + e] = dk[e] * SCALE;
    result[io + 2 * C + e] = dv[e];
  }
}`;

/** qkv [B, T, 3C] -> y [B, T, C], lse [B*H*T]. */
function attention(
  backend: WebGpuBackendLike,
  inputs: tf.NamedTensorInfoMap,
  attrs: tf.NamedAttrMap,
): Info[] {
  const qkv = inputs.qkv!;
  const d = dimsOf(qkv, attrs);
  const rows = d.batch * d.heads * d.time;
  const common = { threads: rows, ints: { rows, time: d.time } };
  const lse = runProgram(backend, {
    ...common,
    key: `attnLse_${keyOf(d)}`,
    inputs: { qkv },
    outputShape: [rows],
    code: lseCode(d),
  });
  const y = runProgram(backend, {
    ...common,
    key: `attnOut_${keyOf(d)}`,
    inputs: { qkv, lse },
    outputShape: [d.batch, d.time, d.width],
    code: outputCode(d),
  });
  return [y, lse];
}

/** dy [B, T, C], qkv [B, T, 3C], y [B, T, C], lse [B*H*T] -> dqkv [B, T, 3C]. */
function attentionGrad(
  backend: WebGpuBackendLike,
  inputs: tf.NamedTensorInfoMap,
  attrs: tf.NamedAttrMap,
): Info {
  const { dy, qkv, y, lse } = inputs as { dy: Info; qkv: Info; y: Info; lse: Info };
  const d = dimsOf(qkv, attrs);
  const rows = d.batch * d.heads * d.time;
  const common = { threads: rows, ints: { rows, time: d.time } };
  const delta = runProgram(backend, {
    ...common,
    key: `attnDelta_${keyOf(d)}`,
    inputs: { dy, y },
    outputShape: [rows],
    code: deltaCode(d),
  });
  const dqkv = runProgram(backend, {
    ...common,
    key: `attnGrad_${keyOf(d)}`,
    inputs: { dy, qkv, lse, delta },
    outputShape: [...qkv.shape],
    code: gradCode(d),
  });
  freeIntermediate(backend, delta);
  return dqkv;
}

/** Registers both kernels on webgpu (safe to call repeatedly). */
export function registerWebGpuAttentionKernels(): void {
  registerWebGpuKernel(GPU_ATTENTION, attention);
  registerWebGpuKernel(GPU_ATTENTION_GRAD, attentionGrad);
}
