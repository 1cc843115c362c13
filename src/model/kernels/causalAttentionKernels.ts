// Causal multi-head attention as two kernels (forward, backward) for the `wasm` and `cpu` backends. On
// wasm with its SIMD module (./simd/) both run there, over the lower triangle only, for head sizes that
// are multiples of four; the rest of this file is the `cpu` path and the fallback.
// tfjs-wasm runs batched matmuls ([B, H, T, D] operands) about 8x slower than plain 2-D ones, and
// the stock attention also needs transposes, a mask broadcast and a softmax chain. Here each head is a
// pair of 2-D matmuls on the backend's fast kernel; head gathering, the masked softmax and its
// gradient are plain loops over the tensors' memory. The forward keeps the probabilities
// for backward, as packed lower triangles.
// Every right-hand matmul operand is a fresh tensor: tfjs-wasm caches XNNPACK's packed weights by
// tensor id, so refilling one scratch tensor would multiply by stale values.
import type * as tf from '@tensorflow/tfjs';
import { fastExp } from './fastExp.ts';
import { registerHostKernel, type Info, type KernelHost } from './kernelHost.ts';
import { splitEvenly } from './simd/simdPool.ts';

export const ATTENTION_FORWARD = 'PersonaLabCausalAttention';
export const ATTENTION_BACKWARD = 'PersonaLabCausalAttentionGrad';

/** The shapes one attention call works on. */
export interface Dims {
  batch: number;
  time: number;
  width: number;
  heads: number;
  headSize: number;
}

export function dimsOf(qkv: Info, attrs: tf.NamedAttrMap): Dims {
  const [batch, time, c3] = qkv.shape as [number, number, number];
  const heads = attrs.nHead as number;
  const width = c3 / 3;
  return { batch, time, width, heads, headSize: width / heads };
}

/** Copies head h of part (0 q, 1 k, 2 v) of row b of packed qkv [B, T, 3C] into [T, D] or [D, T]. */
export function gatherHead(
  src: Float32Array,
  dst: Float32Array,
  dims: Dims,
  b: number,
  h: number,
  part: number,
  transposed: boolean,
): void {
  const { time, width, headSize } = dims;
  for (let t = 0; t < time; t++) {
    const base = (b * time + t) * 3 * width + part * width + h * headSize;
    if (transposed) for (let d = 0; d < headSize; d++) dst[d * time + t] = src[base + d]!;
    else dst.set(src.subarray(base, base + headSize), t * headSize);
  }
}

/** Writes a head's [T, D] block into [B, T, stride] at column offset `column`. */
function scatterHead(
  src: Float32Array,
  dst: Float32Array,
  dims: Dims,
  b: number,
  stride: number,
  column: number,
): void {
  const { time, headSize } = dims;
  for (let t = 0; t < time; t++) {
    dst.set(src.subarray(t * headSize, (t + 1) * headSize), (b * time + t) * stride + column);
  }
}

/** Where row i of a packed lower triangle starts: rows 0..i-1 hold 1 + 2 + ... + i values. */
const triangleRow = (i: number): number => (i * (i + 1)) / 2;

/**
 * Floats of scratch one call of the module's attention needs per thread (./simd/assembly/hostKernels.ts):
 * the head's copied operands, a row buffer of four rows (`bufferRow`) and, backward, the dS triangle and
 * a 4 x 4 diagonal block.
 */
export function simdAttentionScratch(time: number, headSize: number, backward: boolean): number {
  const rowBuffer = 4 * ((time + 7) & ~3);
  return backward
    ? 4 * time * headSize + triangleRow(time) + rowBuffer + 16
    : 2 * time * headSize + rowBuffer;
}

/** Below this many multiply-adds a part, splitting attention over threads costs more than it saves. */
const MIN_SPLIT_WORK = 1 << 21;

/** Batch rows split for the SIMD pool: each slice's first row and count. */
export function batchSlices(host: KernelHost, { batch, heads, time, headSize }: Dims): [number, number][] {
  return splitEvenly(batch, host.simdParts((batch * heads * time * time * headSize) / 2, MIN_SPLIT_WORK));
}

/**
 * Causal softmax of scores s [T, T] (times `scale`) in place (zero above the diagonal), the result
 * also written into probs p at `offset` as a packed lower triangle (row i: i + 1 values). The row
 * loops are functions of their own, called per head, so that V8 optimises them within the first step.
 */
function softmaxRows(s: Float32Array, p: Float32Array, offset: number, time: number, scale: number): void {
  for (let i = 0; i < time; i++) {
    const row = i * time;
    let max = -Infinity;
    for (let j = 0; j <= i; j++) if (s[row + j]! > max) max = s[row + j]!;
    let sum = 0;
    for (let j = 0; j <= i; j++) {
      const e = fastExp((s[row + j]! - max) * scale);
      s[row + j] = e;
      sum += e;
    }
    const inv = 1 / sum;
    const out = offset + triangleRow(i);
    for (let j = 0; j <= i; j++) {
      const value = s[row + j]! * inv;
      s[row + j] = value;
      p[out + j] = value;
    }
    s.fill(0, row + i + 1, row + time);
  }
}

/**
 * Softmax backward in place: dP [T, T] becomes dS = P * (dP - rowsum(P * dP)) * scale (P a packed
 * lower triangle, as softmaxRows writes it), and the
 * transposes P^T and dS^T are written on the way (row i of P is column i of P^T: the 224 rows of the
 * transposes that a row touches stay in L1 from one row to the next). Only the upper triangle of pT
 * and dsT is written; their strictly lower triangle must already be zero.
 */
function softmaxGradRows(
  p: Float32Array,
  ds: Float32Array,
  pT: Float32Array,
  dsT: Float32Array,
  time: number,
  scale: number,
): void {
  for (let i = 0; i < time; i++) {
    const row = i * time;
    const pRow = triangleRow(i);
    let dot = 0;
    for (let j = 0; j <= i; j++) dot += p[pRow + j]! * ds[row + j]!;
    for (let j = 0; j <= i; j++) {
      const pv = p[pRow + j]!;
      const v = pv * (ds[row + j]! - dot) * scale;
      ds[row + j] = v;
      dsT[j * time + i] = v;
      pT[j * time + i] = pv;
    }
    ds.fill(0, row + i + 1, row + time);
  }
}

/**
 * qkv [B, T, 3C] -> y [B, T, C], probs [B*H, T(T+1)/2] (each head's probabilities as a packed lower
 * triangle: half the memory, and half the copy when the tape saves it).
 */
function attentionForward(host: KernelHost, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap): Info[] {
  const qkv = inputs.qkv!;
  const dims = dimsOf(qkv, attrs);
  const { batch, time, width, heads, headSize } = dims;
  const scale = 1 / Math.sqrt(headSize);
  const y = host.alloc([batch, time, width]);
  const probs = host.alloc([batch * heads, triangleRow(time)]);
  if (host.simd && headSize % 4 === 0) {
    const slices = batchSlices(host, dims);
    const scratchSize = simdAttentionScratch(time, headSize, false);
    const scratch = host.alloc([slices.length * scratchSize]);
    const [q, out, pr, s] = [qkv, y, probs, scratch].map(host.ptr) as [number, number, number, number];
    host.simdRun(
      'attentionForward',
      slices.map(([b, n], i) => [
        q + 4 * b * time * 3 * width,
        out + 4 * b * time * width,
        pr + 4 * b * heads * triangleRow(time),
        s + 4 * i * scratchSize,
        n,
        time,
        width,
        heads,
        scale,
      ]),
    );
    host.free(scratch);
    return [y, probs];
  }
  const q = host.alloc([time, headSize]);
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < heads; h++) {
      const kT = host.alloc([headSize, time]);
      const v = host.alloc([time, headSize]);
      const src = host.view(qkv);
      gatherHead(src, host.view(q), dims, b, h, 0, false);
      gatherHead(src, host.view(kT), dims, b, h, 1, true);
      gatherHead(src, host.view(v), dims, b, h, 2, false);
      const scores = host.matMul(q, kT); // [T, T]
      softmaxRows(host.view(scores), host.view(probs), (b * heads + h) * triangleRow(time), time, scale);
      const yHead = host.matMul(scores, v); // [T, D]
      scatterHead(host.view(yHead), host.view(y), dims, b, width, h * headSize);
      for (const t of [scores, yHead, kT, v]) host.free(t);
    }
  }
  host.free(q);
  return [y, probs];
}

/**
 * dy [B, T, C], qkv [B, T, 3C], probs [B*H, T(T+1)/2] -> dqkv [B, T, 3C]. dv = P^T dy and dk = dS^T q take
 * the [T, T] matrix as the left operand (transposed over its lower triangle here): as a right operand
 * XNNPACK would repack all T x T of it on every call, which costs twice as much.
 */
function attentionBackward(host: KernelHost, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap): Info {
  const { dy, qkv, probs } = inputs as { dy: Info; qkv: Info; probs: Info };
  const dims = dimsOf(qkv, attrs);
  const { batch, time, width, heads, headSize } = dims;
  const scale = 1 / Math.sqrt(headSize);
  const dqkv = host.alloc([batch, time, 3 * width]);
  if (host.simd && headSize % 4 === 0) {
    const slices = batchSlices(host, dims);
    const scratchSize = simdAttentionScratch(time, headSize, true);
    const scratch = host.alloc([slices.length * scratchSize]);
    const [d, q, pr, dq, s] = [dy, qkv, probs, dqkv, scratch].map(host.ptr) as [
      number,
      number,
      number,
      number,
      number,
    ];
    host.simdRun(
      'attentionBackward',
      slices.map(([b, n], i) => [
        d + 4 * b * time * width,
        q + 4 * b * time * 3 * width,
        pr + 4 * b * heads * triangleRow(time),
        dq + 4 * b * time * 3 * width,
        s + 4 * i * scratchSize,
        n,
        time,
        width,
        heads,
        scale,
      ]),
    );
    host.free(scratch);
    return dqkv;
  }
  // Left operands reused by every head: only their upper triangles are rewritten, so zero them once.
  const pT = host.alloc([time, time]);
  const dsT = host.alloc([time, time]);
  host.view(pT).fill(0);
  host.view(dsT).fill(0);
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < heads; h++) {
      const dyHead = host.alloc([time, headSize]);
      const vT = host.alloc([headSize, time]);
      const q = host.alloc([time, headSize]);
      const k = host.alloc([time, headSize]);
      const offset = (b * heads + h) * triangleRow(time);
      {
        const src = host.view(qkv);
        const dys = host.view(dy);
        const dyh = host.view(dyHead);
        for (let t = 0; t < time; t++) {
          const base = (b * time + t) * width + h * headSize;
          dyh.set(dys.subarray(base, base + headSize), t * headSize);
        }
        gatherHead(src, host.view(q), dims, b, h, 0, false);
        gatherHead(src, host.view(k), dims, b, h, 1, false);
        gatherHead(src, host.view(vT), dims, b, h, 2, true);
      }
      const dProbs = host.matMul(dyHead, vT); // [T, T]
      {
        const ds = host.view(dProbs);
        const p = host.view(probs).subarray(offset, offset + triangleRow(time));
        softmaxGradRows(p, ds, host.view(pT), host.view(dsT), time, scale);
      }
      const dv = host.matMul(pT, dyHead); // [T, D]
      const dq = host.matMul(dProbs, k); // [T, D]
      const dk = host.matMul(dsT, q); // [T, D]
      const out = host.view(dqkv);
      scatterHead(host.view(dq), out, dims, b, 3 * width, h * headSize);
      scatterHead(host.view(dk), out, dims, b, 3 * width, width + h * headSize);
      scatterHead(host.view(dv), out, dims, b, 3 * width, 2 * width + h * headSize);
      for (const t of [dProbs, dv, dq, dk, dyHead, vT, q, k]) host.free(t);
    }
  }
  for (const t of [pT, dsT]) host.free(t);
  return dqkv;
}

/** Registers both kernels on `wasm` and `cpu` (safe to call repeatedly). */
export function registerCausalAttentionKernels(): void {
  registerHostKernel(ATTENTION_FORWARD, attentionForward);
  registerHostKernel(ATTENTION_BACKWARD, attentionBackward);
}
