// The fingerprint of a model's weights: a SHA-256 over its shape (layers, heads, width, context,
// vocabulary size), its vocabulary and every parameter's float32 bytes in parameterSpecs order. Unlike
// the checkpoint file's own digest it leaves out what differs between two saves of the same weights
// (run id, recipe, metrics, step, optimizer state), so every student who fine-tunes from the same base
// gets the same fingerprint, whichever run or file the base came through.
import { parameterSpecs } from '../model/parameterSpecs.ts';
import type { Checkpoint } from './checkpoint.ts';
import { sha256Hex } from './sha256.ts';

export async function weightsFingerprint(
  ckpt: Pick<Checkpoint, 'config' | 'vocab' | 'weights'>,
): Promise<string> {
  const { vocabSize, nLayer, nHead, nEmbd, blockSize } = ckpt.config;
  const header = new TextEncoder().encode(
    `${JSON.stringify({ vocabSize, nLayer, nHead, nEmbd, blockSize, vocab: ckpt.vocab.join('') })}\n`,
  );
  const specs = parameterSpecs(ckpt.config);
  const tensors = specs.map((s) => {
    const values = ckpt.weights.get(s.name);
    if (!values) throw new Error(`weightsFingerprint: tensor ${s.name} is missing`);
    return values;
  });
  const size = header.byteLength + tensors.reduce((n, t) => n + t.byteLength, 0);
  const bytes = new Uint8Array(size);
  bytes.set(header, 0);
  let offset = header.byteLength;
  const view = new DataView(bytes.buffer);
  // Little-endian whatever the machine, as in the checkpoint file.
  for (const values of tensors) {
    for (let i = 0; i < values.length; i++, offset += 4) view.setFloat32(offset, values[i]!, true);
  }
  return sha256Hex(bytes);
}
