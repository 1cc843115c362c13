// One AdamW step with global-norm clipping for the `wasm` and `cpu` backends, as one kernel: two passes
// over the gradients (the norm in JS, in float64; then moments and parameters together, in wasm SIMD
// where the SIMD kernels run, else in JS). The stock-op flat update
// concatenates the gradients and the parameters, runs ~15 element-wise kernels on [P] and splits the
// result 30 ways (tfjs-wasm's SplitV alone took ~15-25 ms on the reference config).
// Same inputs, outputs and attributes as the WebGPU kernel (webgpuAdamW.ts).
import type * as tf from '@tensorflow/tfjs';
import type { GpuAdamWAttrs } from './webgpuAdamW.ts';
import { elementSlices, registerHostKernel, type Info, type KernelHost } from './kernelHost.ts';

export const HOST_ADAMW = 'PersonaLabHostAdamW';

const sizeOf = (info: Info): number => info.shape.reduce((a, b) => a * b, 1);

interface Slice {
  g: Float32Array;
  p: Float32Array;
  out: Float32Array;
  /** Where this parameter starts in the flat moments. */
  offset: number;
}

/**
 * One parameter's update. A small function called once per parameter, so that V8 optimises it within
 * the first step (one long loop over all parameters took several steps to reach full speed).
 */
function updateSlice(
  { g, p, out, offset }: Slice,
  ms: Float32Array,
  vs: Float32Array,
  msNext: Float32Array,
  vsNext: Float32Array,
  clip: number,
  decay: number,
  a: GpuAdamWAttrs,
): void {
  const { beta1, beta2, eps, lr, correction1, correction2 } = a;
  for (let k = 0; k < p.length; k++) {
    const c = g[k]! * clip;
    const mk = beta1 * ms[offset + k]! + (1 - beta1) * c;
    const vk = beta2 * vs[offset + k]! + (1 - beta2) * c * c;
    msNext[offset + k] = mk;
    vsNext[offset + k] = vk;
    const w = p[k]!;
    out[k] = w - lr * (mk / correction1 / (Math.sqrt(vk / correction2) + eps) + decay * w);
  }
}

/**
 * The sum of g's squares, in float64. Its own small function, like updateSlice: inlined into the kernel's
 * loop over parameters, V8 kept deoptimising it (0.9 ms a step when optimised, 17-30 ms in the steps
 * after, on the reference model).
 */
function sumOfSquares(g: Float32Array): number {
  let sum = 0;
  for (let k = 0; k < g.length; k++) sum += g[k]! * g[k]!;
  return sum;
}

/**
 * Inputs g0..gN-1 (gradients), m [P], v [P], p0..pN-1 (parameters), both in flat order.
 * Outputs [norm [], m' [P], v' [P], p0', ..., pN-1'].
 */
function adamW(host: KernelHost, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap): Info[] {
  const a = attrs as unknown as GpuAdamWAttrs;
  const count = a.decays.length;
  const { m, v } = inputs as { m: Info; v: Info };
  const norm = host.alloc([]);
  const mNext = host.alloc([...m.shape]);
  const vNext = host.alloc([...v.shape]);
  const next = Array.from({ length: count }, (_, i) => host.alloc([...inputs[`p${i}`]!.shape]));
  // Views taken after every allocation (a wasm heap growth detaches older ones).
  let squares = 0;
  for (let i = 0; i < count; i++) squares += sumOfSquares(host.view(inputs[`g${i}`]!));
  const gradNorm = Math.sqrt(squares);
  const clip = a.maxNorm / Math.max(gradNorm, a.maxNorm);
  if (host.simd) {
    const ptr = host.ptr;
    const { beta1, beta2, eps, lr, correction1, correction2 } = a;
    const calls: number[][] = [];
    let at = 0; // bytes into the flat moments
    for (let i = 0; i < count; i++) {
      const p = inputs[`p${i}`]!;
      const [g, out] = [inputs[`g${i}`]!, next[i]!];
      for (const [first, n] of elementSlices(host, sizeOf(p))) {
        const [el, mo] = [4 * first, at + 4 * first]; // bytes into this slice, and into the moments
        calls.push([
          ptr(g) + el,
          ptr(p) + el,
          ptr(out) + el,
          ptr(m) + mo,
          ptr(v) + mo,
          ptr(mNext) + mo,
          ptr(vNext) + mo,
          n,
          clip,
          a.decays[i]!,
          beta1,
          beta2,
          eps,
          lr,
          correction1,
          correction2,
        ]);
      }
      at += 4 * sizeOf(p);
    }
    host.simdRun('adamWSlice', calls);
    host.view(norm)[0] = gradNorm;
    return [norm, mNext, vNext, ...next];
  }
  const [ms, vs, msNext, vsNext] = [host.view(m), host.view(v), host.view(mNext), host.view(vNext)];
  let offset = 0;
  for (let i = 0; i < count; i++) {
    const p = inputs[`p${i}`]!;
    const slice = { g: host.view(inputs[`g${i}`]!), p: host.view(p), out: host.view(next[i]!), offset };
    updateSlice(slice, ms, vs, msNext, vsNext, clip, a.decays[i]!, a);
    offset += sizeOf(p);
  }
  host.view(norm)[0] = gradNorm;
  return [norm, mNext, vNext, ...next];
}

/** Registers the kernel on `wasm` and `cpu` (safe to call repeatedly). */
export function registerHostAdamW(): void {
  registerHostKernel(HOST_ADAMW, adamW);
}
