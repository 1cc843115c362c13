// Fused row-wise kernels for the `wasm` and `cpu` backends: LayerNorm, GELU and masked cross-entropy,
// each a forward and a backward. The stock versions run 6 to 15 kernels each way (moments, broadcasts,
// pow, tanh, oneHot, logSoftmax); here each is one pass over memory, accumulating in float64.
import type * as tf from '@tensorflow/tfjs';
import { LAYER_NORM_EPS } from '../modelOps.ts';
import { fastExp } from './fastExp.ts';
import { elementSlices, registerHostKernel, type Info, type KernelHost } from './kernelHost.ts';

export const LAYER_NORM = 'PersonaLabLayerNorm';
export const LAYER_NORM_GRAD = 'PersonaLabLayerNormGrad';
export const GELU = 'PersonaLabGelu';
export const GELU_GRAD = 'PersonaLabGeluGrad';
export const CROSS_ENTROPY = 'PersonaLabMaskedCrossEntropy';
export const CROSS_ENTROPY_GRAD = 'PersonaLabMaskedCrossEntropyGrad';

const lastAxis = (info: Info): number => info.shape[info.shape.length - 1]!;
const sizeOf = (info: Info): number => info.shape.reduce((a, b) => a * b, 1);

/** x [..., C], gamma [C], beta [C] -> y [..., C], stats [N, 2] (mean, 1/std per row). */
function layerNorm(host: KernelHost, inputs: tf.NamedTensorInfoMap): Info[] {
  const { x, gamma, beta } = inputs as { x: Info; gamma: Info; beta: Info };
  const c = lastAxis(x);
  const rows = sizeOf(x) / c;
  const y = host.alloc([...x.shape]);
  const stats = host.alloc([rows, 2]);
  if (host.simd) {
    const p = host.ptr;
    host.simd.layerNorm(p(x), p(gamma), p(beta), p(y), p(stats), rows, c);
    return [y, stats];
  }
  const xs = host.view(x);
  const g = host.view(gamma);
  const bt = host.view(beta);
  const ys = host.view(y);
  const st = host.view(stats);
  for (let r = 0; r < rows; r++) {
    const o = r * c;
    let sum = 0;
    for (let i = 0; i < c; i++) sum += xs[o + i]!;
    const mean = sum / c;
    let sq = 0;
    for (let i = 0; i < c; i++) {
      const d = xs[o + i]! - mean;
      sq += d * d;
    }
    const rstd = 1 / Math.sqrt(sq / c + LAYER_NORM_EPS);
    for (let i = 0; i < c; i++) ys[o + i] = (xs[o + i]! - mean) * rstd * g[i]! + bt[i]!;
    st[2 * r] = mean;
    st[2 * r + 1] = rstd;
  }
  return [y, stats];
}

/** dy, x [..., C], gamma [C], stats [N, 2] -> dx [..., C], dgamma [C], dbeta [C]. */
function layerNormGrad(host: KernelHost, inputs: tf.NamedTensorInfoMap): Info[] {
  const { dy, x, gamma, stats } = inputs as { dy: Info; x: Info; gamma: Info; stats: Info };
  const c = lastAxis(x);
  const rows = sizeOf(x) / c;
  const dx = host.alloc([...x.shape]);
  const dGamma = host.alloc([c]);
  const dBeta = host.alloc([c]);
  if (host.simd) {
    const p = host.ptr;
    const scratch = host.alloc([4 * c]); // 2c float64 accumulators
    host.simd.layerNormGrad(p(dy), p(x), p(gamma), p(stats), p(dx), p(dGamma), p(dBeta), p(scratch), rows, c);
    host.free(scratch);
    return [dx, dGamma, dBeta];
  }
  const [dys, xs, g, st, dxs] = [
    host.view(dy),
    host.view(x),
    host.view(gamma),
    host.view(stats),
    host.view(dx),
  ];
  const accGamma = new Float64Array(c);
  const accBeta = new Float64Array(c);
  const xhats = new Float64Array(c); // this row's normalised inputs, computed once
  for (let r = 0; r < rows; r++) {
    const o = r * c;
    const mean = st[2 * r]!;
    const rstd = st[2 * r + 1]!;
    // dx = rstd * (dyg - mean(dyg) - xhat * mean(dyg * xhat)), dyg = dy * gamma.
    let sumDyg = 0;
    let sumDygXhat = 0;
    for (let i = 0; i < c; i++) {
      const xhat = (xs[o + i]! - mean) * rstd;
      xhats[i] = xhat;
      const d = dys[o + i]!;
      const dyg = d * g[i]!;
      sumDyg += dyg;
      sumDygXhat += dyg * xhat;
      accGamma[i]! += d * xhat;
      accBeta[i]! += d;
    }
    const meanDyg = sumDyg / c;
    const meanDygXhat = sumDygXhat / c;
    for (let i = 0; i < c; i++) dxs[o + i] = rstd * (dys[o + i]! * g[i]! - meanDyg - xhats[i]! * meanDygXhat);
  }
  host.view(dGamma).set(accGamma);
  host.view(dBeta).set(accBeta);
  return [dx, dGamma, dBeta];
}

const GELU_K = Math.sqrt(2 / Math.PI);
const GELU_A = 0.044715;

// tanh through one exp: Math.tanh is several times slower in V8, and this is exact to float32.
const fastTanh = (u: number): number => 1 - 2 / (fastExp(2 * u) + 1);

// The element-wise loops run in chunks through small functions that V8 optimises within the first
// step (a kernel called twice a step with one long loop reached full speed only after several steps).
const CHUNK = 8192;

function geluRange(xs: Float32Array, ys: Float32Array, ts: Float32Array, start: number, end: number): void {
  for (let i = start; i < end; i++) {
    const v = xs[i]!;
    const t = fastTanh(GELU_K * (v + GELU_A * v * v * v));
    ts[i] = t;
    ys[i] = 0.5 * v * (1 + t);
  }
}

/** x -> y = GELU(x), and tanh of its inner term (kept for the backward pass, so it never recomputes). */
function gelu(host: KernelHost, inputs: tf.NamedTensorInfoMap): Info[] {
  const x = inputs.x!;
  const y = host.alloc([...x.shape]);
  const tanh = host.alloc([...x.shape]);
  if (host.simd) {
    const [xp, yp, tp] = [x, y, tanh].map(host.ptr) as [number, number, number];
    host.simdRun(
      'gelu',
      elementSlices(host, sizeOf(x)).map(([i, n]) => [xp + 4 * i, yp + 4 * i, tp + 4 * i, n]),
    );
    return [y, tanh];
  }
  const [xs, ys, ts] = [host.view(x), host.view(y), host.view(tanh)];
  for (let i = 0; i < xs.length; i += CHUNK) geluRange(xs, ys, ts, i, Math.min(i + CHUNK, xs.length));
  return [y, tanh];
}

function geluGradRange(
  dys: Float32Array,
  xs: Float32Array,
  ts: Float32Array,
  dxs: Float32Array,
  start: number,
  end: number,
): void {
  for (let i = start; i < end; i++) {
    const v = xs[i]!;
    const t = ts[i]!;
    const slope = 0.5 * (1 + t) + 0.5 * v * (1 - t * t) * GELU_K * (1 + 3 * GELU_A * v * v);
    dxs[i] = dys[i]! * slope;
  }
}

function geluGrad(host: KernelHost, inputs: tf.NamedTensorInfoMap): Info {
  const { dy, x, tanh } = inputs as { dy: Info; x: Info; tanh: Info };
  const dx = host.alloc([...x.shape]);
  if (host.simd) {
    const [dyp, xp, tp, dxp] = [dy, x, tanh, dx].map(host.ptr) as [number, number, number, number];
    host.simdRun(
      'geluGrad',
      elementSlices(host, sizeOf(x)).map(([i, n]) => [dyp + 4 * i, xp + 4 * i, tp + 4 * i, dxp + 4 * i, n]),
    );
    return dx;
  }
  const [dys, xs, ts, dxs] = [host.view(dy), host.view(x), host.view(tanh), host.view(dx)];
  for (let i = 0; i < xs.length; i += CHUNK)
    geluGradRange(dys, xs, ts, dxs, i, Math.min(i + CHUNK, xs.length));
  return dx;
}

/** Softmax of each row of logits into `out`, returning log-sum-exp per row via `lse`. */
function rowSoftmax(logits: Float32Array, r: number, vocab: number, out: Float64Array): number {
  const o = r * vocab;
  let max = -Infinity;
  for (let i = 0; i < vocab; i++) max = Math.max(max, logits[o + i]!);
  let sum = 0;
  for (let i = 0; i < vocab; i++) {
    const e = fastExp(logits[o + i]! - max);
    out[i] = e;
    sum += e;
  }
  for (let i = 0; i < vocab; i++) out[i]! /= sum;
  return max + Math.log(sum);
}

function maskTotal(mask: Float32Array): number {
  let total = 0;
  for (let i = 0; i < mask.length; i++) total += mask[i]!;
  return Math.max(total, 1);
}

/** logits [B, T, V], targets [B, T] int32, mask [B, T] -> mean masked negative log-likelihood. */
function crossEntropy(host: KernelHost, inputs: tf.NamedTensorInfoMap): Info {
  const { logits, targets, mask } = inputs as { logits: Info; targets: Info; mask: Info };
  const vocab = lastAxis(logits);
  const out = host.alloc([]);
  if (host.simd) {
    const p = host.ptr;
    const scratch = host.alloc([vocab]);
    const rows = sizeOf(targets);
    const total = host.simd.crossEntropySum(p(logits), p(targets), p(mask), p(scratch), rows, vocab);
    host.free(scratch);
    host.view(out)[0] = total / maskTotal(host.view(mask));
    return out;
  }
  const [ls, ts, ms] = [host.view(logits), host.viewInt32(targets), host.view(mask)];
  const probs = new Float64Array(vocab);
  let total = 0;
  for (let r = 0; r < ts.length; r++) {
    if (ms[r] === 0) continue;
    const lse = rowSoftmax(ls, r, vocab, probs);
    total += ms[r]! * (lse - ls[r * vocab + ts[r]!]!);
  }
  host.view(out)[0] = total / maskTotal(ms);
  return out;
}

function crossEntropyGrad(host: KernelHost, inputs: tf.NamedTensorInfoMap): Info {
  const { dy, logits, targets, mask } = inputs as { dy: Info; logits: Info; targets: Info; mask: Info };
  const vocab = lastAxis(logits);
  const dLogits = host.alloc([...logits.shape]);
  if (host.simd) {
    const p = host.ptr;
    const scale = host.view(dy)[0]! / maskTotal(host.view(mask));
    host.simd.crossEntropyGrad(p(logits), p(targets), p(mask), p(dLogits), sizeOf(targets), vocab, scale);
    return dLogits;
  }
  const [ls, ts, ms, out] = [host.view(logits), host.viewInt32(targets), host.view(mask), host.view(dLogits)];
  const scale = host.view(dy)[0]! / maskTotal(ms);
  const probs = new Float64Array(vocab);
  for (let r = 0; r < ts.length; r++) {
    const o = r * vocab;
    if (ms[r] === 0) {
      out.fill(0, o, o + vocab);
      continue;
    }
    rowSoftmax(ls, r, vocab, probs);
    const w = scale * ms[r]!;
    for (let i = 0; i < vocab; i++) out[o + i] = w * probs[i]!;
    out[o + ts[r]!]! -= w;
  }
  return dLogits;
}

/** Registers every row kernel on `wasm` and `cpu` (safe to call repeatedly). */
export function registerRowKernels(): void {
  registerHostKernel(LAYER_NORM, layerNorm);
  registerHostKernel(LAYER_NORM_GRAD, layerNormGrad);
  registerHostKernel(GELU, gelu);
  registerHostKernel(GELU_GRAD, geluGrad);
  registerHostKernel(CROSS_ENTROPY, crossEntropy);
  registerHostKernel(CROSS_ENTROPY_GRAD, crossEntropyGrad);
}
