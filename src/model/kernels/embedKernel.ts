// The token-embedding lookup for the `wasm` and `cpu` backends: row copies out of the table. tfjs-wasm's
// GatherV2 took ~30 ms for the reference config's [56, 128] table and [32, 224] ids; this is a few
// hundred contiguous copies of 128 floats. Its gradient (registered in fastOps.ts) is UnsortedSegmentSum.
import type * as tf from '@tensorflow/tfjs';
import { registerHostKernel, type Info, type KernelHost } from './kernelHost.ts';

export const EMBED = 'PersonaLabEmbed';

/** table [V, C], ids [B, T] int32 -> [B, T, C]. */
function embed(host: KernelHost, inputs: tf.NamedTensorInfoMap): Info {
  const { table, ids } = inputs as { table: Info; ids: Info };
  const [vocab, width] = table.shape as [number, number];
  const out = host.alloc([...ids.shape, width]);
  const [ts, is, os] = [host.view(table), host.viewInt32(ids), host.view(out)];
  for (let n = 0; n < is.length; n++) {
    const id = is[n]!;
    if (id < 0 || id >= vocab) throw new Error(`embedding: id ${id} outside [0, ${vocab})`);
    os.set(ts.subarray(id * width, (id + 1) * width), n * width);
  }
  return out;
}

/** Registers the kernel on `wasm` and `cpu` (safe to call repeatedly). */
export function registerEmbedKernel(): void {
  registerHostKernel(EMBED, embed);
}
