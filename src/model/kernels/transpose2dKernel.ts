// A 2-D transpose for the `wasm` and `cpu` backends, in cache-sized tiles. tfjs-wasm's Transpose takes
// ~27 ms for a [7168, 512] activation (the linear layers' weight gradients need X^T); walking 32 x 32
// tiles keeps both the reads and the strided writes in cache (on wasm in SIMD, 4 x 4 blocks at a time).
import type * as tf from '@tensorflow/tfjs';
import { MIN_SPLIT_ELEMENTS, registerHostKernel, type Info, type KernelHost } from './kernelHost.ts';
import { splitEvenly } from './simd/simdPool.ts';

export const TRANSPOSE_2D = 'PersonaLabTranspose2D';

const TILE = 32;

/** src [rows, cols] -> dst [cols, rows]. */
export function transposeInto(src: Float32Array, dst: Float32Array, rows: number, cols: number): void {
  for (let r0 = 0; r0 < rows; r0 += TILE) {
    const r1 = Math.min(r0 + TILE, rows);
    for (let c0 = 0; c0 < cols; c0 += TILE) {
      const c1 = Math.min(c0 + TILE, cols);
      for (let c = c0; c < c1; c++) {
        const out = c * rows;
        for (let r = r0; r < r1; r++) dst[out + r] = src[r * cols + c]!;
      }
    }
  }
}

/** x [R, C] -> [C, R]. */
function transpose2d(host: KernelHost, inputs: tf.NamedTensorInfoMap): Info {
  const x = inputs.x!;
  const [rows, cols] = x.shape as [number, number];
  const y = host.alloc([cols, rows]);
  if (host.simd) {
    // Bands of rows (whole tiles) over the pool's threads, each into its own columns of y.
    const [xp, yp] = [host.ptr(x), host.ptr(y)];
    const bands = splitEvenly(rows, host.simdParts(rows * cols, MIN_SPLIT_ELEMENTS), TILE);
    host.simdRun(
      'transpose',
      bands.map(([r, n]) => [xp + 4 * r * cols, yp + 4 * r, n, cols, rows]),
    );
    return y;
  }
  transposeInto(host.view(x), host.view(y), rows, cols);
  return y;
}

/** Registers the kernel on `wasm` and `cpu` (safe to call repeatedly). */
export function registerTranspose2dKernel(): void {
  registerHostKernel(TRANSPOSE_2D, transpose2d);
}
