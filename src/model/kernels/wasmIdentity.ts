// Identity for the wasm backend as a reference, not a copy: the same data id with one more reference, as
// the cpu backend and wasm's own Reshape do. tfjs clones every tensor a gradient saves (registered
// gradients and customGrad alike), and tfjs-wasm's Identity copies the tensor's bytes, ~20 ms of a
// reference training step. Tensors are immutable, so sharing the bytes changes no value.
import * as tf from '@tensorflow/tfjs';

/** The slice of the wasm backend's API this kernel uses. */
interface WasmBackendLike {
  incRef(dataId: object): void;
}

/** Replaces tfjs-wasm's copying Identity (once; after @tensorflow/tfjs-backend-wasm has registered its own). */
export function registerWasmIdentity(): void {
  const kernel = tf.getKernel('Identity', 'wasm');
  if (kernel?.kernelFunc === identity) return;
  if (kernel) tf.unregisterKernel('Identity', 'wasm');
  tf.registerKernel({ kernelName: 'Identity', backendName: 'wasm', kernelFunc: identity });
}

function identity({ inputs, backend }: { inputs: tf.NamedTensorInfoMap; backend: object }): tf.TensorInfo {
  const x = inputs.x!;
  (backend as WasmBackendLike).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}
