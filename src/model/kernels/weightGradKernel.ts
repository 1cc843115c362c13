// A linear layer's weight and bias gradients for the `wasm` and `cpu` backends, as one kernel:
// dw = x^T dy and db = the column sums of dy, for x [N, Cin] and dy [N, Cout]. As products, both need
// a transposed copy of x or dy, and XNNPACK packs the right operand afresh for every new tensor, on one
// thread: with N = 7168 that packing cost about as much as the product. The SIMD module reads x and dy
// in place instead, a panel of dy's columns at a time (bands of columns over the kernel pool); the JS
// loops are the `cpu` backend's path and the reference its tests compare against.
import type * as tf from '@tensorflow/tfjs';
import { MIN_SPLIT_ELEMENTS, registerHostKernel, type Info, type KernelHost } from './kernelHost.ts';
import { splitEvenly } from './simd/simdPool.ts';

export const LINEAR_WEIGHT_GRAD = 'PersonaLabLinearWeightGrad';

/** dw [cin, cout] = x^T dy over columns [c0, cout), and db [cout] = dy's column sums there (rows in order). */
export function weightGradInto(
  x: Float32Array,
  dy: Float32Array,
  dw: Float32Array,
  db: Float32Array,
  rows: number,
  cin: number,
  cout: number,
  c0 = 0,
): void {
  for (let i = 0; i < cin; i++) dw.fill(0, i * cout + c0, (i + 1) * cout);
  db.fill(0, c0, cout);
  for (let m = 0; m < rows; m++) {
    const dyRow = m * cout;
    for (let j = c0; j < cout; j++) db[j] = db[j]! + dy[dyRow + j]!;
    for (let i = 0; i < cin; i++) {
      const xi = x[m * cin + i]!;
      const out = i * cout;
      for (let j = c0; j < cout; j++) dw[out + j] = dw[out + j]! + xi * dy[dyRow + j]!;
    }
  }
}

/** Floats of panel scratch each SIMD call needs: a chunk of rows (the module's GRAD_CHUNK) of 8 columns. */
const PANEL_FLOATS = 128 * 8;

/** Outputs [dw [Cin, Cout], db [Cout]] for inputs x [N, Cin] and dy [N, Cout]. */
function weightGrad(host: KernelHost, inputs: tf.NamedTensorInfoMap): Info[] {
  const { x, dy } = inputs as { x: Info; dy: Info };
  const [rows, cin] = x.shape as [number, number];
  const cout = dy.shape[1]!;
  if (dy.shape[0] !== rows) throw new Error(`weight gradient: x has ${rows} rows, dy ${dy.shape[0]}`);
  const dw = host.alloc([cin, cout]);
  const db = host.alloc([cout]);
  // The module takes columns four at a time; the last cout % 4 columns (if any) are the JS loop's, as is
  // a gradient over no rows (the module would leave it unwritten; the loop writes zeros).
  const simdCols = host.simd && rows > 0 ? cout - (cout % 4) : 0;
  if (simdCols > 0) {
    // Bands of columns (whole 8-column panels) over the pool's threads, each with its own panel.
    const bands = splitEvenly(simdCols, host.simdParts(rows * cin * simdCols, 16 * MIN_SPLIT_ELEMENTS), 8);
    const scratch = host.alloc([bands.length * PANEL_FLOATS]);
    const [xp, dyp, dwp, dbp, sp] = [
      host.ptr(x),
      host.ptr(dy),
      host.ptr(dw),
      host.ptr(db),
      host.ptr(scratch),
    ];
    host.simdRun(
      'weightGrad',
      bands.map(([j, n], part) => [
        xp,
        dyp,
        dwp,
        dbp,
        sp + 4 * PANEL_FLOATS * part,
        rows,
        cin,
        cout,
        j,
        j + n,
      ]),
    );
    host.free(scratch);
  }
  if (simdCols < cout) {
    const [xv, dyv, dwv, dbv] = [host.view(x), host.view(dy), host.view(dw), host.view(db)];
    weightGradInto(xv, dyv, dwv, dbv, rows, cin, cout, simdCols);
  }
  return [dw, db];
}

/** Registers the kernel on `wasm` and `cpu` (safe to call repeatedly). */
export function registerWeightGradKernel(): void {
  registerHostKernel(LINEAR_WEIGHT_GRAD, weightGrad);
}
