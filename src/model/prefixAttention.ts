// Attention for the scorer's packed rows (a shared prompt, then several candidates side by side): token
// i sees token j when j <= i and j belongs to the prompt (group 0) or to i's own candidate. The stock-op
// version runs on every backend and is the oracle; on `wasm` and `cpu` a project kernel does the same
// with 2-D matmuls (tfjs-wasm's batched matmul is several times slower).
import * as tf from '@tensorflow/tfjs';
import { isHostBackend } from './kernels/kernelHost.ts';
import { PREFIX_ATTENTION, registerPrefixAttentionKernel } from './kernels/prefixAttentionKernel.ts';
import { runKernel } from './fast/runKernel.ts';
import { causalMask } from './modelOps.ts';

/** Stock ops: qkv [B, L, 3C], groups [B, L] int32 -> [B, L, C]. */
export function prefixAttentionReference(qkv: tf.Tensor3D, groups: tf.Tensor2D, nHead: number): tf.Tensor3D {
  return tf.tidy(() => {
    const [batch, time, c3] = qkv.shape;
    const c = c3 / 3;
    const d = c / nHead;
    const heads = (offset: number) =>
      tf.transpose(
        tf.reshape(tf.slice(qkv, [0, 0, offset], [batch, time, c]), [batch, time, nHead, d]),
        [0, 2, 1, 3],
      ); // [B, H, L, D]
    const mine = tf.reshape(groups, [batch, time, 1]);
    const theirs = tf.reshape(groups, [batch, 1, time]);
    const visible = tf.logicalOr(tf.equal(theirs, 0), tf.equal(mine, theirs)); // [B, L, L]
    const hidden = tf.where(visible, tf.zeros([batch, time, time]), tf.fill([batch, time, time], -1e9));
    const mask = tf.reshape(tf.add(hidden, causalMask(time)), [batch, 1, time, time]);
    const scores = tf.add(tf.mul(tf.matMul(heads(0), heads(c), false, true), 1 / Math.sqrt(d)), mask); // [B, H, L, L]
    const y = tf.matMul(tf.softmax(scores), heads(2 * c)); // [B, H, L, D]
    return tf.reshape<tf.Rank.R3>(tf.transpose(y, [0, 2, 1, 3]), [batch, time, c]);
  });
}

/** The fastest correct version for the active backend (same contract as the reference). */
export function prefixAttention(qkv: tf.Tensor3D, groups: tf.Tensor2D, nHead: number): tf.Tensor3D {
  if (isHostBackend(tf.getBackend())) {
    registerPrefixAttentionKernel();
    return runKernel<tf.Tensor3D>(PREFIX_ATTENTION, { qkv, groups }, { nHead });
  }
  return prefixAttentionReference(qkv, groups, nHead);
}
