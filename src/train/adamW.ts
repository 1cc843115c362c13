// AdamW with decoupled weight decay on weight matrices only, and global gradient-norm clipping.
// Its moments are tf variables so a training step never leaves the device; `getState` reads them back
// for checkpoints (resume gives the same next step as not stopping).
import * as tf from '@tensorflow/tfjs';
import { HOST_ADAMW, registerHostAdamW } from '../model/kernels/hostAdamW.ts';
import { isHostBackend } from '../model/kernels/kernelHost.ts';
import { GPU_ADAMW, registerWebGpuAdamW, type GpuAdamWAttrs } from '../model/kernels/webgpuAdamW.ts';
import type { ParameterSpec } from '../model/parameterSpecs.ts';

export interface AdamWConfig {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
}

export const DEFAULT_ADAMW: AdamWConfig = { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1 };

export interface AdamWOptions {
  /**
   * Use the backend's fused AdamW kernel where the project has one (webgpu, wasm, cpu: one kernel
   * instead of ~30 stock ones). Default true; the benchmark's stock-op reference turns it off.
   */
  fusedKernel?: boolean;
}

export interface AdamWState {
  step: number;
  m: Map<string, Float32Array>;
  v: Map<string, Float32Array>;
}

export class AdamW {
  /** Number of updates applied so far (bias correction uses it). */
  step = 0;
  // The moments of all parameters live in two flat variables, in `specs` order, so that one update is
  // a dozen kernels on [P] instead of a dozen per parameter (which dominated GPU dispatch counts).
  private readonly m: tf.Variable;
  private readonly v: tf.Variable;
  /** Per element: the weight decay if its parameter decays, else 0. */
  private readonly decay: tf.Tensor1D;
  private readonly sizes: number[];

  constructor(
    private readonly params: ReadonlyMap<string, tf.Variable>,
    private readonly specs: readonly ParameterSpec[],
    readonly config: AdamWConfig = DEFAULT_ADAMW,
    private readonly options: AdamWOptions = {},
  ) {
    this.sizes = specs.map((spec) => {
      const p = params.get(spec.name);
      if (!p) throw new Error(`optimizer: no parameter ${spec.name}`);
      return p.size;
    });
    const total = this.sizes.reduce((a, b) => a + b, 0);
    const decay = new Float32Array(total);
    let offset = 0;
    specs.forEach((spec, i) => {
      if (spec.decay) decay.fill(config.weightDecay, offset, offset + this.sizes[i]!);
      offset += this.sizes[i]!;
    });
    this.decay = tf.keep(tf.tensor1d(decay));
    // tidy frees the zero tensors the variables were made from (variables survive it).
    this.m = tf.tidy(() => tf.variable(tf.zeros([total]), false));
    this.v = tf.tidy(() => tf.variable(tf.zeros([total]), false));
  }

  private flatGrads(grads: tf.NamedTensorMap): tf.Tensor1D {
    return tf.concat<tf.Tensor1D>(
      this.specs.map((spec) => {
        const g = grads[spec.name];
        if (!g) throw new Error(`optimizer: no gradient for ${spec.name}`);
        return tf.reshape(g, [-1]);
      }),
    );
  }

  /**
   * Applies one update from gradients keyed by parameter name. `gradScale` (a scalar tensor, e.g. from
   * clipping) multiplies every gradient first.
   */
  apply(grads: tf.NamedTensorMap, lr: number, gradScale?: tf.Scalar): void {
    tf.tidy(() => {
      const flat = this.flatGrads(grads); // [P]
      this.update(gradScale ? tf.mul(flat, gradScale) : flat, lr);
    });
  }

  /**
   * Clips the gradients to a global L2 norm of at most `maxNorm` and applies one update, in one pass
   * over the flattened gradients. Returns the norm before clipping (read it back only at log steps).
   */
  applyClipped(grads: tf.NamedTensorMap, lr: number, maxNorm: number): tf.Scalar {
    const backend = tf.getBackend();
    if (this.options.fusedKernel !== false && (backend === 'webgpu' || isHostBackend(backend))) {
      return this.applyClippedFused(grads, lr, maxNorm, backend === 'webgpu' ? GPU_ADAMW : HOST_ADAMW);
    }
    return tf.tidy(() => {
      const flat = this.flatGrads(grads); // [P]
      const norm = tf.sqrt(tf.sum(tf.square(flat))) as tf.Scalar;
      const scale = tf.div(maxNorm, tf.maximum(norm, maxNorm));
      this.update(tf.mul(flat, scale), lr);
      return norm;
    });
  }

  /** applyClipped as one kernel (norm, moments, every parameter): model/kernels/{webgpu,host}AdamW.ts. */
  private applyClippedFused(
    grads: tf.NamedTensorMap,
    lr: number,
    maxNorm: number,
    kernel: string,
  ): tf.Scalar {
    if (kernel === GPU_ADAMW) registerWebGpuAdamW();
    else registerHostAdamW();
    this.step += 1;
    const { beta1, beta2, eps, weightDecay } = this.config;
    const attrs: GpuAdamWAttrs = {
      lr,
      beta1,
      beta2,
      eps,
      correction1: 1 - beta1 ** this.step,
      correction2: 1 - beta2 ** this.step,
      maxNorm,
      decays: this.specs.map((spec) => (spec.decay ? weightDecay : 0)),
    };
    return tf.tidy(() => {
      const inputs: tf.NamedTensorMap = { m: this.m, v: this.v };
      // The WebGPU kernel reads each element's decay from this [P] tensor (it stays on the GPU).
      if (kernel === GPU_ADAMW) inputs.decay = this.decay;
      this.specs.forEach((spec, i) => {
        const g = grads[spec.name];
        if (!g) throw new Error(`optimizer: no gradient for ${spec.name}`);
        inputs[`g${i}`] = g;
        inputs[`p${i}`] = this.params.get(spec.name)!;
      });
      const [norm, mNext, vNext, ...next] = tf
        .engine()
        .runKernel<tf.Tensor[]>(kernel, inputs, attrs as unknown as tf.NamedAttrMap);
      this.m.assign(mNext!);
      this.v.assign(vNext!);
      this.specs.forEach((spec, i) => this.params.get(spec.name)!.assign(next[i]!));
      return norm as tf.Scalar;
    });
  }

  private update(g: tf.Tensor1D, lr: number): void {
    this.step += 1;
    const { beta1, beta2, eps, weightDecay } = this.config;
    const correction1 = 1 - beta1 ** this.step;
    const correction2 = 1 - beta2 ** this.step;
    const p = tf.concat(this.specs.map((spec) => tf.reshape(this.params.get(spec.name)!, [-1]))); // [P]
    const mNext = tf.add(tf.mul(this.m, beta1), tf.mul(g, 1 - beta1));
    const vNext = tf.add(tf.mul(this.v, beta2), tf.mul(tf.square(g), 1 - beta2));
    this.m.assign(mNext);
    this.v.assign(vNext);
    // step = lr * (m_hat / (sqrt(v_hat) + eps) + decay * p)
    let update = tf.div(tf.div(mNext, correction1), tf.add(tf.sqrt(tf.div(vNext, correction2)), eps));
    if (weightDecay > 0) update = tf.add(update, tf.mul(p, this.decay));
    const next = tf.split(tf.sub(p, tf.mul(update, lr)), this.sizes);
    this.specs.forEach((spec, i) => {
      this.params.get(spec.name)!.assign(tf.reshape(next[i]!, spec.shape));
    });
  }

  async getState(): Promise<AdamWState> {
    const read = async (flat: tf.Variable) => {
      const values = (await flat.data()) as Float32Array;
      const out = new Map<string, Float32Array>();
      let offset = 0;
      this.specs.forEach((spec, i) => {
        out.set(spec.name, values.slice(offset, offset + this.sizes[i]!));
        offset += this.sizes[i]!;
      });
      return out;
    };
    return { step: this.step, m: await read(this.m), v: await read(this.v) };
  }

  setState(state: AdamWState): void {
    const total = this.sizes.reduce((a, b) => a + b, 0);
    const flat = { m: new Float32Array(total), v: new Float32Array(total) };
    let offset = 0;
    this.specs.forEach((spec, i) => {
      const size = this.sizes[i]!;
      for (const [label, map] of [
        ['m', state.m],
        ['v', state.v],
      ] as const) {
        const values = map.get(spec.name);
        if (!values || values.length !== size)
          throw new Error(`optimizer state ${label}.${spec.name} missing or wrong size`);
        flat[label].set(values, offset);
      }
      offset += size;
    });
    tf.tidy(() => {
      this.m.assign(tf.tensor1d(flat.m));
      this.v.assign(tf.tensor1d(flat.v));
    });
    this.step = state.step;
  }

  dispose(): void {
    tf.dispose([this.m, this.v, this.decay]);
  }
}

/**
 * Scales gradients so that their global L2 norm is at most maxNorm. Returns the scale factor and the
 * norm before clipping, both as scalar tensors (read them back only at log steps).
 */
export function clipScale(grads: tf.NamedTensorMap, maxNorm: number): { scale: tf.Scalar; norm: tf.Scalar } {
  return tf.tidy(() => {
    const squares = Object.values(grads).map((g) => tf.sum(tf.square(g)));
    const norm = tf.sqrt(tf.addN(squares)) as tf.Scalar;
    const scale = tf.div<tf.Scalar>(maxNorm, tf.maximum(norm, maxNorm));
    return { scale, norm };
  });
}
