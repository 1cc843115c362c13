// A linear layer's product for the `wasm` and `cpu` backends: c = a b (+ bias), for a [N, K], b [K, M]
// and bias [M]. The SIMD module packs b's columns into panels once, then reads a's rows in place against
// them in the 4 x 8 blocks of the weight gradient (./simd/assembly/hostKernels.ts), by bands of rows over
// the kernel pool (figures in docs/performance.md). Without the module, the backend's own product
// (XNNPACK on wasm) and a JS bias.
import type * as tf from '@tensorflow/tfjs';
import { MIN_SPLIT_ELEMENTS, registerHostKernel, type Info, type KernelHost } from './kernelHost.ts';
import { splitEvenly } from './simd/simdPool.ts';

export const LINEAR_MATMUL = 'PersonaLabMatMul';

/** c's columns [c0, m) = a b (+ bias) there, for a [rows, k], b [k, m], c [rows, m] (k in order). */
export function matMulInto(
  a: Float32Array,
  b: Float32Array,
  bias: Float32Array | null,
  c: Float32Array,
  rows: number,
  k: number,
  m: number,
  c0 = 0,
): void {
  for (let r = 0; r < rows; r++) {
    for (let j = c0; j < m; j++) {
      let sum = bias ? bias[j]! : 0;
      for (let i = 0; i < k; i++) sum = Math.fround(sum + Math.fround(a[r * k + i]! * b[i * m + j]!));
      c[r * m + j] = sum;
    }
  }
}

/** Output c [N, M] for inputs a [N, K], b [K, M] and, optionally, bias [M]. */
function matMul(host: KernelHost, inputs: tf.NamedTensorInfoMap): Info {
  const { a, b, bias } = inputs as { a: Info; b: Info; bias?: Info };
  const [rows, k] = a.shape as [number, number];
  const m = b.shape[1]!;
  if (b.shape[0] !== k) throw new Error(`product: a has ${k} columns, b ${b.shape[0]} rows`);
  if (bias && bias.shape[0] !== m) throw new Error(`product: b has ${m} columns, the bias ${bias.shape[0]}`);
  if (!host.simd || rows === 0) {
    const c = host.matMul(a, b);
    if (bias) {
      const [cv, bv] = [host.view(c), host.view(bias)];
      for (let r = 0; r < rows; r++) for (let j = 0; j < m; j++) cv[r * m + j] = cv[r * m + j]! + bv[j]!;
    }
    return c;
  }
  const c = host.alloc([rows, m]);
  // The module takes columns four at a time; the last m % 4 (if any) are the JS loop's.
  const simdCols = m - (m % 4);
  if (simdCols > 0) {
    // b packed once, then bands of rows (multiples of four) over the pool's threads, all reading it.
    const panels = host.alloc([Math.max(1, k * simdCols)]);
    const [ap, pp, cp] = [host.ptr(a), host.ptr(panels), host.ptr(c)];
    host.simd.packPanels(host.ptr(b), pp, k, m);
    const bands = splitEvenly(rows, host.simdParts(rows * k * simdCols, 16 * MIN_SPLIT_ELEMENTS), 4);
    const biasp = bias ? host.ptr(bias) : 0;
    host.simdRun(
      'matMul',
      bands.map(([r, n]) => [ap, pp, biasp, cp, k, m, r, r + n]),
    );
    host.free(panels);
  }
  if (simdCols < m) {
    const [av, bv, cv] = [host.view(a), host.view(b), host.view(c)];
    matMulInto(av, bv, bias ? host.view(bias) : null, cv, rows, k, m, simdCols);
  }
  return c;
}

/** Registers the kernel on `wasm` and `cpu` (safe to call repeatedly). */
export function registerMatMulKernel(): void {
  registerHostKernel(LINEAR_MATMUL, matMul);
}
