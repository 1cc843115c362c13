// The reader of the lab's first checkpoint format (format version 1), kept so that files saved before
// the safetensors layout still upload and evaluate. Layout (little-endian): the magic "PLABCKPT", u32
// format version, u32 header length, the header as space-padded JSON, then every tensor as float32 in
// header order. Its checksum covers the weights only, not the header: such a file's recipe, step and
// vocabulary cannot be verified, so `scripts/convertCheckpoint.ts` rewrites it in today's format once
// it is trusted. Every field gets the same checks as today's reader.
import { parameterSpecs } from '../model/parameterSpecs.ts';
import { fingerprintBytes } from '../util/hash.ts';
import type { Checkpoint } from './checkpoint.ts';
import { refuse } from './checkpointError.ts';
import {
  checkDataSize,
  checkedAdamWConfig,
  checkedConfig,
  checkedRecord,
  checkedStep,
  checkedVocab,
  checkMoments,
  checkWeights,
  isPlainObject,
  parseHeaderJson,
} from './checkpointFields.ts';

export const LEGACY_MAGIC = 'PLABCKPT';
const LEGACY_VERSION = 1;
const PREFIX_BYTES = 16;

export function isLegacyCheckpoint(bytes: Uint8Array): boolean {
  if (bytes.length < LEGACY_MAGIC.length) return false;
  for (let i = 0; i < LEGACY_MAGIC.length; i++) if (bytes[i] !== LEGACY_MAGIC.charCodeAt(i)) return false;
  return true;
}

function readHeader(bytes: Uint8Array): { header: Record<string, unknown>; dataStart: number } {
  if (bytes.length < PREFIX_BYTES) refuse(`the file is ${bytes.length} bytes: too short to be a checkpoint`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== LEGACY_VERSION) {
    refuse(
      `a PLABCKPT file of format version ${version}: written by a newer lab, or corrupt; update the lab`,
    );
  }
  const headerLength = view.getUint32(12, true);
  if (PREFIX_BYTES + headerLength > bytes.length) refuse('the file is truncated (its header is cut off)');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(
      bytes.subarray(PREFIX_BYTES, PREFIX_BYTES + headerLength),
    );
  } catch {
    refuse('the header is not valid UTF-8 (the file is corrupt)');
  }
  const header = parseHeaderJson(text, 'the header');
  if (!isPlainObject(header) || header.kind !== 'persona-lab-checkpoint') {
    refuse('the header does not describe a Persona Lab checkpoint');
  }
  return { header, dataStart: PREFIX_BYTES + headerLength };
}

/** Decodes a format-1 file; refuses it, with a CheckpointError, on any inconsistency. */
export function decodeLegacyCheckpoint(bytes: Uint8Array): Checkpoint {
  const { header, dataStart } = readHeader(bytes);
  const config = checkedConfig(header.config);
  const vocab = checkedVocab(header.vocab, config);
  const step = checkedStep(header.step);
  const optimizerHeader = header.optimizer ?? null;
  if (optimizerHeader !== null && !isPlainObject(optimizerHeader))
    refuse('optimizer must be an object or null');
  const optimizer = optimizerHeader
    ? {
        step: checkedStep(optimizerHeader.step, 'optimizer.step'),
        config: checkedAdamWConfig(optimizerHeader.config),
      }
    : null;
  const dataBytes = bytes.length - dataStart;
  checkDataSize(config, optimizer !== null, dataBytes);
  const specs = parameterSpecs(config);
  const expected = new Map<string, number>();
  for (const spec of specs) {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    expected.set(`param:${spec.name}`, size);
    if (optimizer) {
      expected.set(`adam.m:${spec.name}`, size);
      expected.set(`adam.v:${spec.name}`, size);
    }
  }
  const entries = header.tensors;
  if (!Array.isArray(entries) || entries.length !== expected.size) {
    refuse(`the header must list the ${expected.size} tensors of its config`);
  }
  const offsets = new Map<string, number>();
  let offset = 0;
  for (const entry of entries as unknown[]) {
    if (!isPlainObject(entry) || typeof entry.name !== 'string')
      refuse('the header lists a malformed tensor');
    const size = expected.get(entry.name);
    if (size === undefined)
      refuse(`unexpected tensor ${JSON.stringify(entry.name)}: this checkpoint is for a different model`);
    if (offsets.has(entry.name)) refuse(`tensor ${entry.name} is listed twice`);
    if (entry.length !== size)
      refuse(`tensor ${entry.name} has ${String(entry.length)} values, its shape needs ${size}`);
    offsets.set(entry.name, offset);
    offset += size;
  }
  // Copy into a buffer of its own (aligned, offset 0): the data may start anywhere in the caller's buffer,
  // and `slice` on a Node Buffer would return a view of the whole file rather than a copy.
  const dataCopy = new Uint8Array(dataBytes);
  dataCopy.set(bytes.subarray(dataStart));
  if (fingerprintBytes(dataCopy) !== header.checksum)
    refuse('the weights do not match their checksum (the file is corrupt)');
  const data = new Float32Array(dataCopy.buffer);
  const tensor = (name: string) => {
    const at = offsets.get(name)!;
    return data.subarray(at, at + expected.get(name)!);
  };
  const weights = new Map(specs.map((s) => [s.name, tensor(`param:${s.name}`)]));
  for (const [name, values] of weights) checkWeights(name, values);
  let state: Checkpoint['optimizer'] = null;
  if (optimizer) {
    const m = new Map(specs.map((s) => [s.name, tensor(`adam.m:${s.name}`)]));
    const v = new Map(specs.map((s) => [s.name, tensor(`adam.v:${s.name}`)]));
    for (const s of specs) checkMoments(s.name, m.get(s.name)!, v.get(s.name)!);
    state = { ...optimizer, m, v };
  }
  return {
    config,
    vocab,
    weights,
    optimizer: state,
    step,
    recipe: header.recipe ?? null,
    metrics: checkedRecord(header.metrics, 'metrics'),
    info: checkedRecord(header.info, 'info'),
  };
}
