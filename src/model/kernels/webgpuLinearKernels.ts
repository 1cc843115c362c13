// A linear layer for the `webgpu` backend as two kernels (forward, backward) over tfjs-webgpu's own
// matmul programs. The stock path (tf.fused.matMul, or matMul + add) wraps each product in reshapes
// to rank 3, saves clones for its gradient and sums the bias gradient through a broadcast; here the
// forward is one matmul with the bias in its epilogue, and the backward is dx, dw (transposed operands
// are free on the GPU) and db, all behind one kernel call. Reshapes are views: only shapes change.
import * as tf from '@tensorflow/tfjs';
import { registerWebGpuKernel, type WebGpuBackendLike } from './webgpuProgram.ts';

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
    backend: backend as unknown as tf.KernelBackend,
    attrs: attrs as tf.NamedAttrMap,
  }) as Info;
}

const matMul = (backend: WebGpuBackendLike, a: Info, b: Info, transposeA: boolean, transposeB: boolean) =>
  callKernel('BatchMatMul', backend, { a, b }, { transposeA, transposeB });

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
  const dy2 = viewAs(dy, [rows, cout]);
  const dx = matMul(backend, dy2, w, false, true); // [N, Cin]
  const dw = matMul(backend, viewAs(x, [rows, cin]), dy2, true, false); // [Cin, Cout]
  const db = callKernel('Sum', backend, { x: dy2 }, { axis: [0], keepDims: false }); // [Cout]
  return [viewAs(dx, [batch, time, cin]), dw, db];
}

/** Registers both kernels on webgpu (safe to call repeatedly). */
export function registerWebGpuLinearKernels(): void {
  registerWebGpuKernel(GPU_LINEAR, linear);
  registerWebGpuKernel(GPU_LINEAR_GRAD, linearGrad);
}
