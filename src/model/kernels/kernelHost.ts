// A small adapter over the two CPU-side tfjs backends (`wasm` and `cpu`) that the project's JS kernels
// run on: it hands out Float32Array views of a tensor's memory, allocates outputs, and calls the
// backend's own 2-D matmul (XNNPACK on wasm), so one kernel source serves both backends.
import * as tf from '@tensorflow/tfjs';
import {
  simdFusedMultiplyAdd,
  simdKernelsIn,
  simdKernelsStatus,
  simdPoolIn,
  type SimdKernels,
} from './simd/simdKernels.ts';
import { simdThreads, splitEvenly, type PooledKernel, type SimdPool } from './simd/simdPool.ts';

/** What a kernel sees of a tensor: tfjs's TensorInfo. */
export type Info = tf.TensorInfo;

export interface KernelHost {
  /**
   * The tensor's float32 values, in place. On wasm the view dies when the heap grows (any allocation or
   * matmul): take a fresh view after each of those.
   */
  view(info: Info): Float32Array;
  /** An int32 tensor's values, in place (same lifetime rule as `view`). */
  viewInt32(info: Info): Int32Array;
  /** A new float32 tensor; its contents are undefined until written. */
  alloc(shape: number[]): Info;
  /** a [M, K] @ b [K, N] -> [M, N], with the backend's own kernel (neither operand transposed). */
  matMul(a: Info, b: Info): Info;
  free(info: Info): void;
  /** The wasm SIMD kernels working on this backend's memory in place; null where they cannot. */
  simd: SimdKernels | null;
  /** Where a tensor starts in the backend's memory, in bytes (only where `simd` is not null). */
  ptr: (info: Info) => number;
  /**
   * Into how many independent calls to split a SIMD kernel's work of `work` units now: more than 1 only
   * where a thread pool is ready and each part gets at least `minWork` (./simd/simdPool.ts).
   */
  simdParts(work: number, minWork: number): number;
  /** Runs SIMD kernel calls (each the kernel's arguments), over the pool's threads where there is one. */
  simdRun(kernel: PooledKernel, calls: number[][]): void;
}

function runner(simd: SimdKernels | null, pool: SimdPool | null): Pick<KernelHost, 'simdParts' | 'simdRun'> {
  if (pool)
    return { simdParts: (work, minWork) => pool.parts(work, minWork), simdRun: (k, c) => pool.run(k, c) };
  return {
    simdParts: () => 1,
    simdRun: (kernel, calls) => {
      if (!simd) throw new Error('kernel host: no SIMD kernels here');
      const own: (...args: number[]) => void = simd[kernel];
      for (const call of calls) own(...call);
    },
  };
}

/** Below this many elements a part, splitting an elementwise kernel over threads costs more than it saves. */
export const MIN_SPLIT_ELEMENTS = 1 << 16;

/** [first, count] element ranges of an n-element elementwise SIMD kernel, one per part (16-aligned). */
export function elementSlices(host: KernelHost, n: number): [number, number][] {
  return splitEvenly(n, host.simdParts(n, MIN_SPLIT_ELEMENTS), 16);
}

/** The parts of the wasm backend used here (see tfjs-backend-wasm's BackendWasm). */
interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): Info;
  typedArrayFromHeap(info: Info): Float32Array | Int32Array | Uint8Array;
  disposeData(dataId: object): boolean;
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  /** The emscripten module: its heap is `asm.memory` in the single-threaded builds, `wasmMemory` (shared) in
   * the threaded one. */
  wasm: { asm?: { memory?: unknown }; wasmMemory?: unknown };
}

/** The parts of the cpu backend used here (see tfjs-backend-cpu's MathBackendCPU). */
interface CpuBackendLike {
  data: { get(dataId: object): { values: Float32Array | Int32Array | Uint8Array } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: Float32Array): Info;
  disposeIntermediateTensorInfo(info: Info): void;
}

export const HOST_BACKENDS = ['wasm', 'cpu'] as const;
export type HostBackendName = (typeof HOST_BACKENDS)[number];

export function isHostBackend(name: string): name is HostBackendName {
  return (HOST_BACKENDS as readonly string[]).includes(name);
}

function matMulWith(backendName: string, backend: object, a: Info, b: Info): Info {
  const kernel = tf.getKernel('BatchMatMul', backendName);
  if (!kernel) throw new Error(`no BatchMatMul kernel on ${backendName}`);
  const attrs = { transposeA: false, transposeB: false } as unknown as tf.NamedAttrMap;
  return kernel.kernelFunc({
    inputs: { a, b },
    backend: backend,
    attrs,
  }) as Info;
}

/** The memory of a wasm backend's heap: `wasmMemory` (threaded build) or `asm.memory`. */
const heapOf = (wasm: WasmBackendLike): unknown => wasm.wasm.wasmMemory ?? wasm.wasm.asm?.memory;

/**
 * Whether the SIMD kernels run on this wasm backend (loading them now if they can), and if not, why; on
 * how many threads; and whether their products use fused multiply-add.
 */
export function wasmHostKernels(backend: object): {
  simd: boolean;
  reason: string;
  threads: number;
  fma: boolean;
} {
  const heap = heapOf(backend as WasmBackendLike);
  simdKernelsIn(heap);
  const { active, reason } = simdKernelsStatus();
  return {
    simd: active,
    reason,
    threads: active && simdPoolIn(heap) ? simdThreads() : 1,
    fma: active && simdFusedMultiplyAdd().on,
  };
}

/** The host for a kernel invocation on `backendName` ('wasm' or 'cpu'). */
export function kernelHost(backendName: HostBackendName, backend: object): KernelHost {
  if (backendName === 'wasm') {
    const wasm = backend as WasmBackendLike;
    const heap = heapOf(wasm);
    const simd = simdKernelsIn(heap);
    return {
      ...runner(simd, simd && simdPoolIn(heap)),
      view: (info) => {
        if (info.dtype !== 'float32') throw new Error(`kernel host: float32 expected, got ${info.dtype}`);
        return wasm.typedArrayFromHeap(info) as Float32Array;
      },
      viewInt32: (info) => {
        if (info.dtype !== 'int32') throw new Error(`kernel host: int32 expected, got ${info.dtype}`);
        return wasm.typedArrayFromHeap(info) as Int32Array;
      },
      alloc: (shape) => wasm.makeOutput(shape, 'float32'),
      matMul: (a, b) => matMulWith('wasm', backend, a, b),
      free: (info) => void wasm.disposeData(info.dataId),
      simd,
      ptr: (info) => {
        const data = wasm.dataIdMap.get(info.dataId);
        if (!data) throw new Error('kernel host: a tensor the wasm backend does not hold');
        return data.memoryOffset;
      },
    };
  }
  const cpu = backend as CpuBackendLike;
  return {
    view: (info) => {
      const values = cpu.data.get(info.dataId).values;
      if (!(values instanceof Float32Array)) throw new Error('kernel host: float32 expected');
      return values;
    },
    viewInt32: (info) => {
      const values = cpu.data.get(info.dataId).values;
      if (!(values instanceof Int32Array)) throw new Error('kernel host: int32 expected');
      return values;
    },
    alloc: (shape) =>
      cpu.makeTensorInfo(shape, 'float32', new Float32Array(shape.reduce((a, b) => a * b, 1))),
    matMul: (a, b) => matMulWith('cpu', backend, a, b),
    free: (info) => cpu.disposeIntermediateTensorInfo(info),
    simd: null,
    ...runner(null, null),
    ptr: () => {
      throw new Error('kernel host: the cpu backend has no wasm memory');
    },
  };
}

/** Registers `kernelFunc(host, inputs, attrs)` under `name` for every host backend (once). */
export function registerHostKernel(
  name: string,
  kernelFunc: (host: KernelHost, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap) => Info | Info[],
): void {
  for (const backendName of HOST_BACKENDS) {
    if (tf.getKernel(name, backendName)) continue;
    tf.registerKernel({
      kernelName: name,
      backendName,
      kernelFunc: ({ inputs, attrs, backend }) =>
        kernelFunc(kernelHost(backendName, backend), inputs, attrs ?? {}),
    });
  }
}
