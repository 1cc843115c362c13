// The input embedding for the `webgpu` backend: token rows plus position rows, forward and backward, one
// program each. The stock path is a Slice of the position table, a Gather and an Add (3 programs), and
// its gradient a Fill, an UnsortedSegmentSum between transposes, a Pad and a Sum (about 9). Here the
// forward adds the two rows as it reads them; the backward writes the token table's gradient (each row
// summing the positions that hold its token) and the position table's (summing over the batch; rows
// past the sequence are 0) into one [V + P, C] buffer, split into the two by buffer copies.
import type * as tf from '@tensorflow/tfjs';
import {
  allocateOnGpu,
  copyBuffers,
  freeIntermediate,
  registerWebGpuKernel,
  runProgram,
  sizeOf,
  type WebGpuBackendLike,
} from './webgpuProgram.ts';

export const GPU_EMBED = 'PersonaLabGpuEmbed';
export const GPU_EMBED_GRAD = 'PersonaLabGpuEmbedGrad';

type Info = tf.TensorInfo;

/** wte [V, C], wpe [P, C], ids [B, T] int32 (T <= P) -> x [B, T, C] = wte[ids] + wpe[0..T). */
function embed(backend: WebGpuBackendLike, inputs: tf.NamedTensorInfoMap): Info {
  const { wte, wpe, ids } = inputs as { wte: Info; wpe: Info; ids: Info };
  const [batch, time] = ids.shape as [number, number];
  const channels = wte.shape[1]!;
  const total = batch * time * channels;
  return runProgram(backend, {
    key: 'embed',
    inputs: { wte, wpe, ids },
    outputShape: [batch, time, channels],
    threads: total,
    ints: { total, time, channels },
    code: `
fn main(index : i32) {
  if (index >= uniforms.total) { return; }
  let n = index / uniforms.channels;
  let c = index - n * uniforms.channels;
  let t = n % uniforms.time;
  result[index] = wte[ids[n] * uniforms.channels + c] + wpe[t * uniforms.channels + c];
}`,
  });
}

/** dy [B, T, C], ids [B, T]; attrs vocab V, positions P -> [dwte [V, C], dwpe [P, C]]. */
function embedGrad(
  backend: WebGpuBackendLike,
  inputs: tf.NamedTensorInfoMap,
  attrs: tf.NamedAttrMap,
): Info[] {
  const { dy, ids } = inputs as { dy: Info; ids: Info };
  const { vocab, positions } = attrs as { vocab: number; positions: number };
  const [batch, time] = ids.shape as [number, number];
  const channels = dy.shape[2]!;
  const rows = vocab + positions;
  const both = runProgram(backend, {
    key: 'embedGrad',
    inputs: { dy, ids },
    outputShape: [rows, channels],
    threads: rows * channels,
    ints: { total: rows * channels, vocab, tokens: batch * time, batch, time, channels },
    code: `
fn main(index : i32) {
  if (index >= uniforms.total) { return; }
  let r = index / uniforms.channels;
  let c = index - r * uniforms.channels;
  var acc = 0.0;
  if (r < uniforms.vocab) {
    for (var n = 0; n < uniforms.tokens; n = n + 1) {
      if (ids[n] == r) { acc = acc + dy[n * uniforms.channels + c]; }
    }
  } else {
    let t = r - uniforms.vocab;
    if (t < uniforms.time) {
      for (var b = 0; b < uniforms.batch; b = b + 1) {
        acc = acc + dy[(b * uniforms.time + t) * uniforms.channels + c];
      }
    }
  }
  result[index] = acc;
}`,
  });
  const dwte = allocateOnGpu(backend, [vocab, channels]);
  const dwpe = allocateOnGpu(backend, [positions, channels]);
  copyBuffers(backend, [
    { from: both, fromOffset: 0, to: dwte, toOffset: 0, size: sizeOf(dwte.shape) },
    { from: both, fromOffset: sizeOf(dwte.shape), to: dwpe, toOffset: 0, size: sizeOf(dwpe.shape) },
  ]);
  freeIntermediate(backend, both);
  return [dwte, dwpe];
}

/** Registers both kernels on webgpu (safe to call repeatedly). */
export function registerWebGpuEmbedKernels(): void {
  registerWebGpuKernel(GPU_EMBED, embed);
  registerWebGpuKernel(GPU_EMBED_GRAD, embedGrad);
}
