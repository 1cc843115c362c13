// Rewrites checkpoints of any format this lab reads (the older PLABCKPT layout included) in today's
// safetensors format with its SHA-256. Each file is decoded (every check applied), encoded, decoded
// again and compared value for value before it replaces anything; the write goes to a temporary file
// renamed into place, so a failure leaves the original as it was.
// Usage: npx tsx scripts/convertCheckpoint.ts <in.ckpt> [<out.ckpt>]   (without <out>, in place)
import { readFile, rename, writeFile } from 'node:fs/promises';
import {
  CHECKPOINT_FORMAT_VERSION,
  decodeCheckpoint,
  encodeCheckpoint,
  type Checkpoint,
} from '../src/train/checkpoint.ts';

function sameValues(a: Map<string, Float32Array>, b: Map<string, Float32Array>): boolean {
  if (a.size !== b.size) return false;
  for (const [name, values] of a) {
    const other = b.get(name);
    if (!other || other.length !== values.length || other.some((v, i) => !Object.is(v, values[i])))
      return false;
  }
  return true;
}

function sameCheckpoint(a: Checkpoint, b: Checkpoint): boolean {
  const fields = (c: Checkpoint) =>
    JSON.stringify([
      c.config,
      c.vocab,
      c.step,
      c.recipe,
      c.metrics,
      c.info,
      c.optimizer?.step,
      c.optimizer?.config,
    ]);
  if (fields(a) !== fields(b) || !sameValues(a.weights, b.weights)) return false;
  if (!a.optimizer || !b.optimizer) return a.optimizer === b.optimizer;
  return sameValues(a.optimizer.m, b.optimizer.m) && sameValues(a.optimizer.v, b.optimizer.v);
}

const [input, output = input] = process.argv.slice(2);
if (!input || !output) {
  console.error('usage: npx tsx scripts/convertCheckpoint.ts <in.ckpt> [<out.ckpt>]');
  process.exit(2);
}
try {
  const original = await decodeCheckpoint(await readFile(input));
  const bytes = await encodeCheckpoint(original);
  if (!sameCheckpoint(original, await decodeCheckpoint(bytes))) {
    throw new Error('the converted file does not decode to the same checkpoint; nothing was written');
  }
  const temporary = `${output}.tmp-${process.pid}`;
  await writeFile(temporary, bytes);
  await rename(temporary, output);
  console.log(`${input} -> ${output}: ${bytes.length} bytes (format version ${CHECKPOINT_FORMAT_VERSION})`);
} catch (error) {
  console.error(`${input}: ${(error as Error).message}`);
  process.exit(2);
}
