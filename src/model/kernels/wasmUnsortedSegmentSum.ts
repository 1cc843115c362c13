// UnsortedSegmentSum for the wasm backend, which lacks it. It is the gradient of `gather`, i.e. of the
// token-embedding lookup, so without it the wasm backend cannot train. Runs in JS on the wasm heap.
import * as tf from '@tensorflow/tfjs';

interface WasmTensorInfo {
  dataId: object;
  shape: number[];
  dtype: tf.DataType;
}

/** The slice of the wasm backend's API this kernel uses. */
interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): WasmTensorInfo;
  typedArrayFromHeap(info: WasmTensorInfo): Float32Array | Int32Array;
}

export function unsortedSegmentSumInto(
  x: ArrayLike<number>,
  segmentIds: ArrayLike<number>,
  numSegments: number,
  out: Float32Array,
): void {
  const inner = x.length / segmentIds.length;
  out.fill(0);
  for (let i = 0; i < segmentIds.length; i++) {
    const segment = segmentIds[i]!;
    if (segment < 0 || segment >= numSegments) continue; // as TensorFlow: out-of-range ids are dropped
    const src = i * inner;
    const dst = segment * inner;
    for (let j = 0; j < inner; j++) out[dst + j]! += x[src + j]!;
  }
}

const kernelConfig: tf.KernelConfig = {
  kernelName: 'UnsortedSegmentSum',
  backendName: 'wasm',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const wasm = backend as unknown as WasmBackendLike;
    const x = inputs.x as unknown as WasmTensorInfo;
    const segmentIds = inputs.segmentIds as unknown as WasmTensorInfo;
    const numSegments = (attrs as { numSegments: number }).numSegments;
    if (x.dtype !== 'float32') throw new Error(`UnsortedSegmentSum (wasm): float32 only, got ${x.dtype}`);
    const outShape = [numSegments, ...x.shape.slice(segmentIds.shape.length)];
    const out = wasm.makeOutput(outShape, 'float32');
    unsortedSegmentSumInto(
      wasm.typedArrayFromHeap(x),
      wasm.typedArrayFromHeap(segmentIds),
      numSegments,
      wasm.typedArrayFromHeap(out) as Float32Array,
    );
    return out;
  },
};

/** Registers the kernel once (safe to call repeatedly). */
export function registerWasmUnsortedSegmentSum(): void {
  if (!tf.getKernel('UnsortedSegmentSum', 'wasm')) tf.registerKernel(kernelConfig);
}
