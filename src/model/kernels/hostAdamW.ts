// One AdamW step with global-norm clipping for the `wasm` and `cpu` backends, as one kernel: two JS
// passes over the gradients (the norm, then moments and parameters together). The stock-op flat update
// concatenates the gradients and the parameters, runs ~15 element-wise kernels on [P] and splits the
// result 30 ways (tfjs-wasm's SplitV alone took ~15-25 ms on the reference config).
// Same inputs, outputs and attributes as the WebGPU kernel (webgpuAdamW.ts).
import type * as tf from '@tensorflow/tfjs';
import type { GpuAdamWAttrs } from './webgpuAdamW.ts';
import { registerHostKernel, type Info, type KernelHost } from './kernelHost.ts';

export const HOST_ADAMW = 'PersonaLabHostAdamW';

const sizeOf = (info: Info): number => info.shape.reduce((a, b) => a * b, 1);

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
  for (let i = 0; i < count; i++) {
    const g = host.view(inputs[`g${i}`]!);
    for (let k = 0; k < g.length; k++) squares += g[k]! * g[k]!;
  }
  const gradNorm = Math.sqrt(squares);
  const clip = a.maxNorm / Math.max(gradNorm, a.maxNorm);
  const [ms, vs, msNext, vsNext] = [host.view(m), host.view(v), host.view(mNext), host.view(vNext)];
  const { beta1, beta2, eps, lr, correction1, correction2 } = a;
  let offset = 0;
  for (let i = 0; i < count; i++) {
    const g = host.view(inputs[`g${i}`]!);
    const p = host.view(inputs[`p${i}`]!);
    const out = host.view(next[i]!);
    const decay = a.decays[i]!;
    const size = sizeOf(inputs[`p${i}`]!);
    for (let k = 0; k < size; k++) {
      const c = g[k]! * clip;
      const mk = beta1 * ms[offset + k]! + (1 - beta1) * c;
      const vk = beta2 * vs[offset + k]! + (1 - beta2) * c * c;
      msNext[offset + k] = mk;
      vsNext[offset + k] = vk;
      const w = p[k]!;
      out[k] = w - lr * (mk / correction1 / (Math.sqrt(vk / correction2) + eps) + decay * w);
    }
    offset += size;
  }
  host.view(norm)[0] = gradNorm;
  return [norm, mNext, vNext, ...next];
}

/** Registers the kernel on `wasm` and `cpu` (safe to call repeatedly). */
export function registerHostAdamW(): void {
  registerHostKernel(HOST_ADAMW, adamW);
}
