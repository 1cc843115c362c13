// AdamW with decoupled weight decay on weight matrices only, and global gradient-norm clipping.
// Its moments are tf variables so a training step never leaves the device; `getState` reads them back
// for checkpoints (resume gives the same next step as not stopping).
import * as tf from '@tensorflow/tfjs';
import type { ParameterSpec } from '../model/parameterSpecs.ts';

export interface AdamWConfig {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
}

export const DEFAULT_ADAMW: AdamWConfig = { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1 };

export interface AdamWState {
  step: number;
  m: Map<string, Float32Array>;
  v: Map<string, Float32Array>;
}

export class AdamW {
  /** Number of updates applied so far (bias correction uses it). */
  step = 0;
  private readonly m = new Map<string, tf.Variable>();
  private readonly v = new Map<string, tf.Variable>();

  constructor(
    private readonly params: ReadonlyMap<string, tf.Variable>,
    private readonly specs: readonly ParameterSpec[],
    readonly config: AdamWConfig = DEFAULT_ADAMW,
  ) {
    for (const spec of specs) {
      const p = params.get(spec.name);
      if (!p) throw new Error(`optimizer: no parameter ${spec.name}`);
      // tidy disposes the zeros: a variable shares their data, so keeping them would leak the moments.
      this.m.set(
        spec.name,
        tf.tidy(() => tf.variable(tf.zerosLike(p), false)),
      );
      this.v.set(
        spec.name,
        tf.tidy(() => tf.variable(tf.zerosLike(p), false)),
      );
    }
  }

  /**
   * Applies one update from gradients keyed by parameter name. `gradScale` (a scalar tensor, e.g. from
   * clipping) multiplies every gradient first.
   */
  apply(grads: tf.NamedTensorMap, lr: number, gradScale?: tf.Scalar): void {
    this.step += 1;
    const { beta1, beta2, eps, weightDecay } = this.config;
    const correction1 = 1 - beta1 ** this.step;
    const correction2 = 1 - beta2 ** this.step;
    tf.tidy(() => {
      for (const spec of this.specs) {
        const raw = grads[spec.name];
        if (!raw) throw new Error(`optimizer: no gradient for ${spec.name}`);
        const g = gradScale ? tf.mul(raw, gradScale) : raw;
        const p = this.params.get(spec.name)!;
        const m = this.m.get(spec.name)!;
        const v = this.v.get(spec.name)!;
        const mNext = tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1));
        const vNext = tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2));
        m.assign(mNext);
        v.assign(vNext);
        // step = lr * (m_hat / (sqrt(v_hat) + eps) + decay * p)
        let update = tf.div(tf.div(mNext, correction1), tf.add(tf.sqrt(tf.div(vNext, correction2)), eps));
        if (spec.decay && weightDecay > 0) update = tf.add(update, tf.mul(p, weightDecay));
        p.assign(tf.sub(p, tf.mul(update, lr)));
      }
    });
  }

  async getState(): Promise<AdamWState> {
    const read = async (vars: Map<string, tf.Variable>) => {
      const out = new Map<string, Float32Array>();
      for (const [name, value] of vars) out.set(name, new Float32Array(await value.data()));
      return out;
    };
    return { step: this.step, m: await read(this.m), v: await read(this.v) };
  }

  setState(state: AdamWState): void {
    for (const spec of this.specs) {
      const size = spec.shape.reduce((a, b) => a * b, 1);
      for (const [label, map] of [
        ['m', state.m],
        ['v', state.v],
      ] as const) {
        const values = map.get(spec.name);
        if (!values || values.length !== size)
          throw new Error(`optimizer state ${label}.${spec.name} missing or wrong size`);
      }
    }
    for (const spec of this.specs) {
      tf.tidy(() => {
        this.m.get(spec.name)!.assign(tf.tensor(state.m.get(spec.name)!, spec.shape));
        this.v.get(spec.name)!.assign(tf.tensor(state.v.get(spec.name)!, spec.shape));
      });
    }
    this.step = state.step;
  }

  dispose(): void {
    for (const t of [...this.m.values(), ...this.v.values()]) t.dispose();
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
    const scale = tf.div(maxNorm, tf.maximum(norm, maxNorm)) as tf.Scalar;
    return { scale, norm };
  });
}
