// Causal multi-head attention as two kernels (forward, backward) for the `wasm` and `cpu` backends.
// tfjs-wasm runs batched matmuls ([B, H, T, D] operands) about 8x slower than plain 2-D ones, and
// the stock attention also needs transposes, a mask broadcast and a softmax chain. Here each head is a
// pair of 2-D matmuls on the backend's fast kernel; head gathering, the masked softmax and its
// gradient are plain loops over the tensors' memory. The forward keeps the probabilities for backward.
// Every right-hand matmul operand is a fresh tensor: tfjs-wasm caches XNNPACK's packed weights by
// tensor id, so refilling one scratch tensor would multiply by stale values.
import type * as tf from '@tensorflow/tfjs';
import { fastExp } from './fastExp.ts';
import { registerHostKernel, type Info, type KernelHost } from './kernelHost.ts';

export const ATTENTION_FORWARD = 'PersonaLabCausalAttention';
export const ATTENTION_BACKWARD = 'PersonaLabCausalAttentionGrad';

interface Dims {
  batch: number;
  time: number;
  width: number;
  heads: number;
  headSize: number;
}

function dimsOf(qkv: Info, attrs: tf.NamedAttrMap): Dims {
  const [batch, time, c3] = qkv.shape as [number, number, number];
  const heads = attrs.nHead as number;
  const width = c3 / 3;
  return { batch, time, width, heads, headSize: width / heads };
}

/** Copies head h of part (0 q, 1 k, 2 v) of row b of packed qkv [B, T, 3C] into [T, D] or [D, T]. */
function gatherHead(
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

/** Writes a head's [D, T] block transposed into [B, T, stride] at column offset `column`. */
function scatterHeadTransposed(
  src: Float32Array,
  dst: Float32Array,
  dims: Dims,
  b: number,
  stride: number,
  column: number,
): void {
  const { time, headSize } = dims;
  for (let t = 0; t < time; t++) {
    const base = (b * time + t) * stride + column;
    for (let d = 0; d < headSize; d++) dst[base + d] = src[d * time + t]!;
  }
}

/** qkv [B, T, 3C] -> y [B, T, C], probs [B*H, T, T] (zero above the diagonal). */
function attentionForward(host: KernelHost, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap): Info[] {
  const qkv = inputs.qkv!;
  const dims = dimsOf(qkv, attrs);
  const { batch, time, width, heads, headSize } = dims;
  const scale = 1 / Math.sqrt(headSize);
  const y = host.alloc([batch, time, width]);
  const probs = host.alloc([batch * heads, time, time]);
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
      const s = host.view(scores);
      const p = host.view(probs);
      const offset = (b * heads + h) * time * time;
      // Causal softmax of each row in place (scores stay the left operand of P V), copied into probs.
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
        const out = offset + row;
        for (let j = 0; j <= i; j++) {
          const value = s[row + j]! * inv;
          s[row + j] = value;
          p[out + j] = value;
        }
        s.fill(0, row + i + 1, row + time);
        p.fill(0, out + i + 1, out + time);
      }
      const yHead = host.matMul(scores, v); // [T, D]
      scatterHead(host.view(yHead), host.view(y), dims, b, width, h * headSize);
      for (const t of [scores, yHead, kT, v]) host.free(t);
    }
  }
  host.free(q);
  return [y, probs];
}

/**
 * dy [B, T, C], qkv [B, T, 3C], probs [B*H, T, T] -> dqkv [B, T, 3C]. The two gradients that need a
 * transposed [T, T] operand are computed transposed instead, with the small [T, D] operand transposed:
 * dv^T = dy^T P and dk^T = q^T dS, so no [T, T] matrix is ever transposed.
 */
function attentionBackward(host: KernelHost, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap): Info {
  const { dy, qkv, probs } = inputs as { dy: Info; qkv: Info; probs: Info };
  const dims = dimsOf(qkv, attrs);
  const { batch, time, width, heads, headSize } = dims;
  const scale = 1 / Math.sqrt(headSize);
  const dqkv = host.alloc([batch, time, 3 * width]);
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < heads; h++) {
      const dyHead = host.alloc([time, headSize]);
      const dyT = host.alloc([headSize, time]);
      const vT = host.alloc([headSize, time]);
      const qT = host.alloc([headSize, time]);
      const k = host.alloc([time, headSize]);
      const pHead = host.alloc([time, time]);
      {
        const src = host.view(qkv);
        const dys = host.view(dy);
        const dyh = host.view(dyHead);
        const dyt = host.view(dyT);
        for (let t = 0; t < time; t++) {
          const base = (b * time + t) * width + h * headSize;
          for (let d = 0; d < headSize; d++) {
            const value = dys[base + d]!;
            dyh[t * headSize + d] = value;
            dyt[d * time + t] = value;
          }
        }
        gatherHead(src, host.view(qT), dims, b, h, 0, true);
        gatherHead(src, host.view(k), dims, b, h, 1, false);
        gatherHead(src, host.view(vT), dims, b, h, 2, true);
        const offset = (b * heads + h) * time * time;
        host.view(pHead).set(host.view(probs).subarray(offset, offset + time * time));
      }
      const dProbs = host.matMul(dyHead, vT); // [T, T]
      {
        // Softmax backward in place: dS = P * (dP - rowsum(P * dP)) * scale.
        const p = host.view(pHead);
        const ds = host.view(dProbs);
        for (let i = 0; i < time; i++) {
          const row = i * time;
          let dot = 0;
          for (let j = 0; j <= i; j++) dot += p[row + j]! * ds[row + j]!;
          for (let j = 0; j <= i; j++) ds[row + j] = p[row + j]! * (ds[row + j]! - dot) * scale;
          ds.fill(0, row + i + 1, row + time);
        }
      }
      const dvT = host.matMul(dyT, pHead); // [D, T]
      const dq = host.matMul(dProbs, k); // [T, D]
      const dkT = host.matMul(qT, dProbs); // [D, T]
      const out = host.view(dqkv);
      scatterHead(host.view(dq), out, dims, b, 3 * width, h * headSize);
      scatterHeadTransposed(host.view(dkT), out, dims, b, 3 * width, width + h * headSize);
      scatterHeadTransposed(host.view(dvT), out, dims, b, 3 * width, 2 * width + h * headSize);
      for (const t of [dProbs, dvT, dq, dkT, dyHead, dyT, vT, qT, k, pHead]) host.free(t);
    }
  }
  return dqkv;
}

/** Registers both kernels on `wasm` and `cpu` (safe to call repeatedly). */
export function registerCausalAttentionKernels(): void {
  registerHostKernel(ATTENTION_FORWARD, attentionForward);
  registerHostKernel(ATTENTION_BACKWARD, attentionBackward);
}
