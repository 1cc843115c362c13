// Attention over packed scoring rows for the `wasm` and `cpu` backends (forward only: scoring never
// trains). A row holds a shared prompt followed by several candidates; each token is labelled with a
// group (0: the shared prompt, k > 0: candidate k), and token i sees token j when j <= i and j is in the
// prompt or in i's own candidate. So every candidate reads the prompt's keys and values once computed,
// exactly as if it followed the prompt alone. On wasm with the SIMD module, its kernel runs it over the
// lower triangle (the pool's threads take batch rows); elsewhere, as the causal kernel's JS path does,
// per (row, head) two plain 2-D matmuls on the backend's fast kernel and a masked softmax loop.
import type * as tf from '@tensorflow/tfjs';
import { batchSlices, dimsOf, gatherHead, simdAttentionScratch } from './causalAttentionKernels.ts';
import { fastExp } from './fastExp.ts';
import { registerHostKernel, type Info, type KernelHost } from './kernelHost.ts';

export const PREFIX_ATTENTION = 'PersonaLabPrefixAttention';

/**
 * Softmax of scores s [L, L] (times `scale`) in place over what each row may see (`groups` holds the
 * row's labels at `offset`); every other entry becomes 0. A row always sees itself, so no row is empty.
 */
function maskedSoftmaxRows(
  s: Float32Array,
  groups: Int32Array,
  offset: number,
  time: number,
  scale: number,
): void {
  for (let i = 0; i < time; i++) {
    const row = i * time;
    const own = groups[offset + i]!;
    let max = -Infinity;
    for (let j = 0; j <= i; j++) {
      const g = groups[offset + j]!;
      if ((g === 0 || g === own) && s[row + j]! > max) max = s[row + j]!;
    }
    let sum = 0;
    for (let j = 0; j <= i; j++) {
      const g = groups[offset + j]!;
      const e = g === 0 || g === own ? fastExp((s[row + j]! - max) * scale) : 0;
      s[row + j] = e;
      sum += e;
    }
    const inv = 1 / sum;
    for (let j = 0; j <= i; j++) s[row + j] = s[row + j]! * inv;
    s.fill(0, row + i + 1, row + time);
  }
}

/** qkv [B, L, 3C] float32, groups [B, L] int32 -> y [B, L, C]. */
function prefixAttention(host: KernelHost, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap): Info {
  const { qkv, groups } = inputs as { qkv: Info; groups: Info };
  const dims = dimsOf(qkv, attrs);
  const { batch, time, width, heads, headSize } = dims;
  const scale = 1 / Math.sqrt(headSize);
  const y = host.alloc([batch, time, width]);
  if (host.simd && headSize % 4 === 0) {
    // The module's kernel: lower triangle only, batch rows over the pool's threads.
    const slices = batchSlices(host, dims);
    const scratchSize = simdAttentionScratch(time, headSize, false);
    const scratch = host.alloc([slices.length * scratchSize]);
    const [q, g, out, s] = [qkv, groups, y, scratch].map(host.ptr) as [number, number, number, number];
    host.simdRun(
      'prefixAttentionForward',
      slices.map(([b, n], i) => [
        q + 4 * b * time * 3 * width,
        g + 4 * b * time,
        out + 4 * b * time * width,
        s + 4 * i * scratchSize,
        n,
        time,
        width,
        heads,
        scale,
      ]),
    );
    host.free(scratch);
    return y;
  }
  const q = host.alloc([time, headSize]);
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < heads; h++) {
      // Fresh right-hand operands per head: tfjs-wasm caches packed matmul weights by tensor id.
      const kT = host.alloc([headSize, time]);
      const v = host.alloc([time, headSize]);
      const src = host.view(qkv);
      gatherHead(src, host.view(q), dims, b, h, 0, false);
      gatherHead(src, host.view(kT), dims, b, h, 1, true);
      gatherHead(src, host.view(v), dims, b, h, 2, false);
      const scores = host.matMul(q, kT); // [L, L]
      maskedSoftmaxRows(host.view(scores), host.viewInt32(groups), b * time, time, scale);
      const yHead = host.matMul(scores, v); // [L, D]
      const ys = host.view(yHead);
      const out = host.view(y);
      for (let t = 0; t < time; t++) {
        out.set(ys.subarray(t * headSize, (t + 1) * headSize), (b * time + t) * width + h * headSize);
      }
      for (const t of [scores, yHead, kT, v]) host.free(t);
    }
  }
  host.free(q);
  return y;
}

/** Registers the kernel on `wasm` and `cpu` (safe to call repeatedly). */
export function registerPrefixAttentionKernel(): void {
  registerHostKernel(PREFIX_ATTENTION, prefixAttention);
}
