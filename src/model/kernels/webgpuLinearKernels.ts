// A linear layer for the `webgpu` backend as two kernels (forward, backward). The stock path
// (tf.fused.matMul, or matMul + add) wraps each product in reshapes to rank 3, saves clones for its
// gradient and sums the bias gradient through a broadcast; here the forward is tfjs-webgpu's matmul with
// the bias in its epilogue, and the backward is two programs of the project's tiled matmul
// (webgpuMatMul.ts), which reads transposed operands in place (tfjs-webgpu's matmul transposed them
// with a program of their own): dx = dy w^T, and [dw; db] = [x^T; 1] dy, whose last row is the bias
// gradient, split from dw by buffer copies. Reshapes are views: only shapes change.
import * as tf from '@tensorflow/tfjs';
import { runTiledMatMul } from './webgpuMatMul.ts';
import {
  allocateOnGpu,
  copyBuffers,
  freeIntermediate,
  registerWebGpuKernel,
  type WebGpuBackendLike,
} from './webgpuProgram.ts';

export const GPU_LINEAR = 'PersonaLabGpuLinear';
export const GPU_LINEAR_GRAD = 'PersonaLabGpuLinearGrad';

type Info = tf.TensorInfo;

/** The same buffer seen with another shape (what tfjs-webgpu's Reshape does, minus the refcount). */
const viewAs = (info: Info, shape: number[]): Info => ({ dataId: info.dataId, dtype: info.dtype, shape });

function callKernel(
  name: string,
  backend: WebGpuBackendLike,
  inputs: tf.NamedTensorInfoMap,
  attrs: object,
): Info {
  const kernel = tf.getKernel(name, 'webgpu');
  if (!kernel) throw new Error(`no ${name} kernel on webgpu`);
  return kernel.kernelFunc({
    inputs,
    backend: backend,
    attrs: attrs as tf.NamedAttrMap,
  }) as Info;
}

/** x [B, T, Cin], w [Cin, Cout], b [Cout] -> y [B, T, Cout] = x @ w + b. */
function linear(backend: WebGpuBackendLike, inputs: tf.NamedTensorInfoMap): Info {
  const { x, w, b } = inputs as { x: Info; w: Info; b: Info };
  const [batch, time, cin] = x.shape as [number, number, number];
  const cout = w.shape[1]!;
  const y = callKernel(
    '_FusedMatMul',
    backend,
    { a: viewAs(x, [batch * time, cin]), b: w, bias: b },
    { transposeA: false, transposeB: false, activation: 'linear' },
  ); // [N, Cout]
  return viewAs(y, [batch, time, cout]);
}

/** dy [B, T, Cout], x [B, T, Cin], w [Cin, Cout] -> dx [B, T, Cin], dw [Cin, Cout], db [Cout]. */
function linearGrad(backend: WebGpuBackendLike, inputs: tf.NamedTensorInfoMap): Info[] {
  const { dy, x, w } = inputs as { dy: Info; x: Info; w: Info };
  const [batch, time, cin] = x.shape as [number, number, number];
  const cout = w.shape[1]!;
  const rows = batch * time;
  const dx = runTiledMatMul(backend, {
    key: 'linearDx',
    inputs: { dy, w },
    m: rows,
    n: cin,
    k: cout,
    a: 'dy[row * uniforms.k + kk]', // dy [N, Cout]
    b: 'w[col * uniforms.k + kk]', // w^T: w [Cin, Cout] read at (col, kk)
  }); // [N, Cin]
  // Rows 0..Cin-1: x^T dy = dw; row Cin: ones^T dy = db.
  const both = runTiledMatMul(backend, {
    key: 'linearDwDb',
    inputs: { x, dy },
    m: cin + 1,
    n: cout,
    k: rows,
    a: 'xOrOne(row, kk)',
    b: 'dy[kk * uniforms.n + col]', // dy [N, Cout]
    helpers: `
fn xOrOne(row : i32, kk : i32) -> f32 {
  if (row == uniforms.m - 1) { return 1.0; }
  return x[kk * (uniforms.m - 1) + row]; // x^T: x [N, Cin] read at (kk, row)
}`,
  }); // [Cin + 1, Cout]
  const dw = allocateOnGpu(backend, [cin, cout]);
  const db = allocateOnGpu(backend, [cout]);
  copyBuffers(backend, [
    { from: both, fromOffset: 0, to: dw, toOffset: 0, size: cin * cout },
    { from: both, fromOffset: cin * cout, to: db, toOffset: 0, size: cout },
  ]);
  freeIntermediate(backend, both);
  return [viewAs(dx, [batch, time, cin]), dw, db];
}

/** Registers both kernels on webgpu (safe to call repeatedly). */
export function registerWebGpuLinearKernels(): void {
  registerWebGpuKernel(GPU_LINEAR, linear);
  registerWebGpuKernel(GPU_LINEAR_GRAD, linearGrad);
}
