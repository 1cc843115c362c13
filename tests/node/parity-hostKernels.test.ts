// Parity of the host kernels' helpers that have no stock-op twin in the model: the polynomial exp
// (relative error <= 2e-7 against Math.exp over the range the kernels use; float32 rounding is 6e-8),
// and the tiled 2-D transpose (exact, on ragged shapes that are not multiples of the tile).
import { describe, expect, it } from 'vitest';
import { fastExp } from '../../src/model/kernels/fastExp.ts';
import { transposeInto } from '../../src/model/kernels/transpose2dKernel.ts';

describe('host kernel helpers', () => {
  it('fastExp matches Math.exp to 2e-7 relative on [-100, 88]', () => {
    let worst = 0;
    for (let i = 0; i <= 200_000; i++) {
      const x = -100 + (188 * i) / 200_000;
      const exact = Math.exp(x);
      worst = Math.max(worst, Math.abs(fastExp(x) - exact) / exact);
    }
    expect(worst).toBeLessThan(2e-7);
    expect(fastExp(0)).toBe(1);
    expect(fastExp(-1e9)).toBeLessThan(1e-43); // clamped: softmax's masked scores
    expect(Number.isFinite(fastExp(1e9))).toBe(true);
  });

  it('transposeInto is an exact transpose on ragged shapes', () => {
    for (const [rows, cols] of [
      [1, 1],
      [37, 70],
      [64, 33],
      [5, 129],
    ] as const) {
      const src = Float32Array.from({ length: rows * cols }, (_, i) => i * 0.5 - 3);
      const dst = new Float32Array(rows * cols);
      transposeInto(src, dst, rows, cols);
      for (let r = 0; r < rows; r++)
        for (let c = 0; c < cols; c++) expect(dst[c * rows + r]).toBe(src[r * cols + c]);
    }
  });
});
