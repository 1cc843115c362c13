// The handful of operations a GPT is made of, behind one interface, so that fast fused kernels can
// replace the straightforward stock-op versions without touching the model. `referenceOps` is the
// stock-op implementation every fast path is checked against.
import * as tf from '@tensorflow/tfjs';

export interface ModelOps {
  readonly name: string;
  /** Token embedding lookup: table [V, C], ids [B, T] int32 -> [B, T, C]. */
  embed(table: tf.Tensor2D, ids: tf.Tensor2D): tf.Tensor3D;
  /**
   * Optional: token rows plus the first T position rows in one op, wte [V, C], wpe [P, C], ids [B, T]
   * -> [B, T, C] (where a backend fuses them; otherwise embed, a slice of wpe and an add).
   */
  embedWithPositions?(wte: tf.Tensor2D, wpe: tf.Tensor2D, ids: tf.Tensor2D): tf.Tensor3D;
  /** LayerNorm over the last axis. */
  layerNorm(x: tf.Tensor3D, gamma: tf.Tensor1D, beta: tf.Tensor1D): tf.Tensor3D;
  /** x [B, T, Cin] @ w [Cin, Cout] + b -> [B, T, Cout]. */
  linear(x: tf.Tensor3D, w: tf.Tensor2D, b: tf.Tensor1D): tf.Tensor3D;
  /** Causal multi-head attention from packed projections qkv [B, T, 3C] -> [B, T, C]. */
  causalAttention(qkv: tf.Tensor3D, nHead: number): tf.Tensor3D;
  /** GELU, tanh approximation (as GPT-2). */
  gelu(x: tf.Tensor3D): tf.Tensor3D;
  /**
   * Mean cross-entropy over the positions where mask is 1: logits [B, T, V], targets [B, T] int32,
   * mask [B, T] float32 -> scalar. Positions with mask 0 contribute nothing (prompts, padding).
   */
  maskedCrossEntropy(logits: tf.Tensor3D, targets: tf.Tensor2D, mask: tf.Tensor2D): tf.Scalar;
}

export const LAYER_NORM_EPS = 1e-5;

const causalMasks = new Map<number, tf.Tensor2D>();

/** An additive [T, T] mask: 0 on and below the diagonal, -1e9 above. Cached per length and kept. */
export function causalMask(t: number): tf.Tensor2D {
  let mask = causalMasks.get(t);
  if (!mask || mask.isDisposed) {
    const values = new Float32Array(t * t);
    for (let i = 0; i < t; i++) for (let j = i + 1; j < t; j++) values[i * t + j] = -1e9;
    mask = tf.keep(tf.tensor2d(values, [t, t]));
    causalMasks.set(t, mask);
  }
  return mask;
}

/** Drops the cached masks (they belong to the backend that was active when they were made). */
export function disposeCausalMasks(): void {
  for (const mask of causalMasks.values()) mask.dispose();
  causalMasks.clear();
}

export const referenceOps: ModelOps = {
  name: 'reference',

  embed(table, ids) {
    return tf.gather(table, ids) as unknown as tf.Tensor3D; // gather keeps the table's rank type
  },

  layerNorm(x, gamma, beta) {
    return tf.tidy(() => {
      const { mean, variance } = tf.moments(x, -1, true);
      const normed = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, LAYER_NORM_EPS)));
      return tf.add<tf.Tensor3D>(tf.mul(normed, gamma), beta);
    });
  },

  linear(x, w, b) {
    return tf.tidy(() => {
      const [batch, time, cin] = x.shape;
      const y = tf.add(tf.matMul(tf.reshape(x, [batch * time, cin]), w), b); // [B*T, Cout]
      return tf.reshape<tf.Rank.R3>(y, [batch, time, w.shape[1]]);
    });
  },

  causalAttention(qkv, nHead) {
    return tf.tidy(() => {
      const [batch, time, c3] = qkv.shape;
      const c = c3 / 3;
      const d = c / nHead;
      const heads = (offset: number) =>
        tf.transpose(
          tf.reshape(tf.slice(qkv, [0, 0, offset], [batch, time, c]), [batch, time, nHead, d]),
          [0, 2, 1, 3],
        ); // [B, H, T, D]
      const q = heads(0);
      const k = heads(c);
      const v = heads(2 * c);
      const scores = tf.add(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(d)), causalMask(time)); // [B, H, T, T]
      const y = tf.matMul(tf.softmax(scores), v); // [B, H, T, D]
      return tf.reshape<tf.Rank.R3>(tf.transpose(y, [0, 2, 1, 3]), [batch, time, c]);
    });
  },

  gelu(x) {
    return tf.tidy(() => {
      const inner = tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)), Math.sqrt(2 / Math.PI));
      return tf.mul<tf.Tensor3D>(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
    });
  },

  maskedCrossEntropy(logits, targets, mask) {
    return tf.tidy(() => {
      const vocab = logits.shape[2];
      const logProbs = tf.logSoftmax(logits); // [B, T, V]
      const picked = tf.sum(tf.mul(logProbs, tf.oneHot(targets, vocab)), -1); // [B, T]
      const total = tf.sum(tf.mul(picked, mask));
      return tf.div<tf.Scalar>(tf.neg(total), tf.maximum(tf.sum(mask), 1));
    });
  },
};
