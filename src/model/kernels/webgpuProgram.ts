// A small adapter for the project's WebGPU kernels: builds a tfjs-backend-webgpu program (WGSL body,
// flat 1-D dispatch, named inputs, scalar uniforms) and runs it with the backend's own
// `runWebGPUProgram`, which compiles and caches the pipeline by `shaderKey` and records the dispatch
// into tfjs's command queue. Nothing is imported from the webgpu package at runtime, so this module
// loads in Node (where that backend does not exist).
import * as tf from '@tensorflow/tfjs';

type Info = tf.TensorInfo;

/** The fields of tfjs-backend-webgpu's WebGPUProgram that a flat-dispatch program needs. */
interface FlatProgram {
  variableNames: string[];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];
  uniforms?: string;
  getUserCode(): string;
}

type Uniform = { type: 'int32' | 'float32'; data: number[] };

/** The parts of tfjs-backend-webgpu's WebGPUBackend used here. */
export interface WebGpuBackendLike {
  runWebGPUProgram(program: FlatProgram, inputs: Info[], dtype: tf.DataType, uniforms?: Uniform[]): Info;
  disposeData(dataId: object, force?: boolean): boolean;
}

export interface ProgramSpec {
  /** Cache key of the compiled pipeline: must name every constant baked into `code`. */
  key: string;
  /** Inputs in binding order; each is visible in WGSL as `array<f32>` (or `array<i32>`) by its name. */
  inputs: Record<string, Info>;
  outputShape: number[];
  /** Invocations to launch; the body sees its flat id as `index` and must check it against the bound. */
  threads: number;
  workgroupSize?: number;
  /** Scalar uniforms, visible as `uniforms.<name>`; their values are not part of the cache key. */
  ints?: Record<string, number>;
  floats?: Record<string, number>;
  /** WGSL module-scope declarations and `fn main(index : i32) { ... }`; writes go to `result`. */
  code: string;
}

/** Runs one compute program; returns its float32 output. */
export function runProgram(backend: WebGpuBackendLike, spec: ProgramSpec): Info {
  const workgroup = spec.workgroupSize ?? 64;
  const ints = Object.entries(spec.ints ?? {});
  const floats = Object.entries(spec.floats ?? {});
  const program: FlatProgram = {
    variableNames: Object.keys(spec.inputs),
    outputShape: spec.outputShape,
    shaderKey: `personaLab_${spec.key}`,
    dispatchLayout: { x: [0] },
    dispatch: [Math.max(1, Math.ceil(spec.threads / workgroup)), 1, 1],
    workgroupSize: [workgroup, 1, 1],
    getUserCode: () => spec.code,
  };
  const uniforms: Uniform[] = [
    ...ints.map(([, value]) => ({ type: 'int32' as const, data: [value] })),
    ...floats.map(([, value]) => ({ type: 'float32' as const, data: [value] })),
  ];
  if (uniforms.length > 0) {
    program.uniforms = [...ints.map(([n]) => `${n} : i32,`), ...floats.map(([n]) => `${n} : f32,`)].join(' ');
  }
  return backend.runWebGPUProgram(program, Object.values(spec.inputs), 'float32', uniforms);
}

/** The buffer-level parts of tfjs-webgpu's backend that buffer copies need (public in its JS). */
interface WebGpuBackendBuffers extends WebGpuBackendLike {
  makeTensorInfo(shape: number[], dtype: tf.DataType): Info;
  uploadToGPU(dataId: object): void;
  tensorMap: { get(dataId: object): { resource?: unknown } };
  ensureCommandEncoderReady(): void;
  endComputePassEncoder(): void;
  commandEncoder: {
    copyBufferToBuffer(src: unknown, srcOffset: number, dst: unknown, dstOffset: number, size: number): void;
  };
  /** Tensors the unsubmitted commands use: their buffers return to the pool only after the submit. */
  commandQueueOwnedIds: WeakSet<object>;
}

/** One copy of `size` float32 elements between two tensors' buffers (offsets in elements). */
export interface BufferCopy {
  from: Info;
  fromOffset: number;
  to: Info;
  toOffset: number;
  size: number;
}

/** A new float32 tensor's buffer, allocated on the GPU and left uninitialised (for copies to fill). */
export function allocateOnGpu(backend: WebGpuBackendLike, shape: number[]): Info {
  const gpu = backend as WebGpuBackendBuffers;
  const info = gpu.makeTensorInfo(shape, 'float32');
  gpu.uploadToGPU(info.dataId);
  return info;
}

/**
 * Records buffer-to-buffer copies into tfjs's command queue, in order with its programs. Copies are not
 * compute programs: no pipeline, no bind group, no dispatch. Used where a program's single output must
 * become several tensors, or several tensors one flat input.
 */
export function copyBuffers(backend: WebGpuBackendLike, copies: readonly BufferCopy[]): void {
  const gpu = backend as WebGpuBackendBuffers;
  gpu.ensureCommandEncoderReady();
  gpu.endComputePassEncoder();
  for (const c of copies) {
    if (c.size === 0) continue;
    gpu.uploadToGPU(c.from.dataId);
    gpu.uploadToGPU(c.to.dataId);
    gpu.commandQueueOwnedIds.add(c.from.dataId);
    gpu.commandQueueOwnedIds.add(c.to.dataId);
    const from = gpu.tensorMap.get(c.from.dataId).resource;
    const to = gpu.tensorMap.get(c.to.dataId).resource;
    gpu.commandEncoder.copyBufferToBuffer(from, c.fromOffset * 4, to, c.toOffset * 4, c.size * 4);
  }
}

/**
 * How many programs tfjs-webgpu records before it submits them on its own (its default is 15). The
 * project submits once per training step instead (submitWebGpuWork, called by trainStep) and tfjs at
 * every read-back; a step of the reference model runs under 80 programs, so this only bounds a very
 * deep model's command buffer.
 */
export const WEBGPU_SUBMIT_BATCH = 1000;

/** Submits the commands recorded so far on the webgpu backend (nothing elsewhere, or if none). */
export function submitWebGpuWork(): void {
  if (tf.getBackend() !== 'webgpu') return;
  const gpu = tf.backend() as unknown as {
    commandEncoder?: unknown;
    endComputePassEncoder?(): void;
    submitQueue?(): void;
  };
  if (!gpu.commandEncoder || !gpu.submitQueue || !gpu.endComputePassEncoder) return;
  gpu.endComputePassEncoder();
  gpu.submitQueue();
}

/** Frees an intermediate result that no tensor holds. */
export function freeIntermediate(backend: WebGpuBackendLike, info: Info): void {
  backend.disposeData(info.dataId);
}

/**
 * WGSL for workgroup-wide sums of `names` (`var<workgroup>` arrays of `size` f32, size a power of two)
 * into element 0 of each; expects `lid`, the invocation's local index. Every invocation must reach it.
 */
export function workgroupSum(names: string[], size: number): string {
  const adds = names.map((n) => `${n}[lid] = ${n}[lid] + ${n}[lid + stride];`).join(' ');
  return `
  workgroupBarrier();
  for (var stride = ${size / 2}; stride > 0; stride = stride / 2) {
    if (lid < stride) { ${adds} }
    workgroupBarrier();
  }`;
}

/** The 1-D shape of a program's output for a tensor of `shape` (programs write flat buffers). */
export const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

export type WebGpuKernel = (
  backend: WebGpuBackendLike,
  inputs: tf.NamedTensorInfoMap,
  attrs: tf.NamedAttrMap,
) => Info | Info[];

/** Registers `kernel` under `name` for the webgpu backend (once). */
export function registerWebGpuKernel(name: string, kernel: WebGpuKernel): void {
  if (tf.getKernel(name, 'webgpu')) return;
  tf.registerKernel({
    kernelName: name,
    backendName: 'webgpu',
    kernelFunc: ({ inputs, attrs, backend }) =>
      kernel(backend as unknown as WebGpuBackendLike, inputs, attrs ?? {}),
  });
}
