// The checkpoint file: a versioned binary format holding the model config, vocabulary, weights, optional
// AdamW state (for resuming), the recipe, the step and metrics. Decoding validates everything and throws
// a CheckpointError that says what is wrong; it never touches a model, so a refused file changes nothing.
//
// Layout (little-endian): 8-byte magic "PLABCKPT", u32 format version, u32 header length, the header as
// UTF-8 JSON padded with spaces to a multiple of 4 bytes, then every tensor as float32, in header order.
import { validateGPTConfig, type GPTConfig } from '../model/config.ts';
import { parameterSpecs } from '../model/parameterSpecs.ts';
import { fingerprintBytes } from '../util/hash.ts';
import type { AdamWConfig, AdamWState } from './adamW.ts';

export const CHECKPOINT_MAGIC = 'PLABCKPT';
export const CHECKPOINT_FORMAT_VERSION = 1;

export interface Checkpoint {
  config: GPTConfig;
  vocab: string[];
  weights: Map<string, Float32Array>;
  /** Present when the checkpoint can resume training exactly. */
  optimizer: (AdamWState & { config: AdamWConfig }) | null;
  step: number;
  /** The recipe that produced it (validated by the experiment layer, not here). */
  recipe: unknown;
  metrics: Record<string, unknown>;
  /** Provenance: stage, corpus hash, backend, code version... */
  info: Record<string, unknown>;
}

export class CheckpointError extends Error {
  constructor(message: string) {
    super(`checkpoint refused: ${message}`);
    this.name = 'CheckpointError';
  }
}

interface TensorEntry {
  name: string;
  length: number;
}

interface Header {
  kind: 'persona-lab-checkpoint';
  formatVersion: number;
  config: GPTConfig;
  vocab: string[];
  step: number;
  recipe: unknown;
  metrics: Record<string, unknown>;
  info: Record<string, unknown>;
  optimizer: { step: number; config: AdamWConfig } | null;
  tensors: TensorEntry[];
  checksum: string;
}

const PREFIX_BYTES = 16;

function tensorList(ckpt: Checkpoint): [string, Float32Array][] {
  const list: [string, Float32Array][] = [];
  for (const spec of parameterSpecs(ckpt.config))
    list.push([`param:${spec.name}`, ckpt.weights.get(spec.name)!]);
  if (ckpt.optimizer) {
    for (const spec of parameterSpecs(ckpt.config)) {
      list.push([`adam.m:${spec.name}`, ckpt.optimizer.m.get(spec.name)!]);
      list.push([`adam.v:${spec.name}`, ckpt.optimizer.v.get(spec.name)!]);
    }
  }
  return list;
}

export function encodeCheckpoint(ckpt: Checkpoint): Uint8Array {
  const tensors = tensorList(ckpt);
  for (const [name, values] of tensors) if (!values) throw new Error(`checkpoint: tensor ${name} is missing`);
  const floats = tensors.reduce((n, [, v]) => n + v.length, 0);
  const data = new Float32Array(floats);
  let offset = 0;
  for (const [, values] of tensors) {
    data.set(values, offset);
    offset += values.length;
  }
  const dataBytes = new Uint8Array(data.buffer);
  const header: Header = {
    kind: 'persona-lab-checkpoint',
    formatVersion: CHECKPOINT_FORMAT_VERSION,
    config: ckpt.config,
    vocab: ckpt.vocab,
    step: ckpt.step,
    recipe: ckpt.recipe ?? null,
    metrics: ckpt.metrics,
    info: ckpt.info,
    optimizer: ckpt.optimizer ? { step: ckpt.optimizer.step, config: ckpt.optimizer.config } : null,
    tensors: tensors.map(([name, v]) => ({ name, length: v.length })),
    checksum: fingerprintBytes(dataBytes),
  };
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 4) * 4;
  if (padded !== json.length) {
    const withSpaces = new Uint8Array(padded).fill(0x20);
    withSpaces.set(json);
    json = withSpaces;
  }
  const out = new Uint8Array(PREFIX_BYTES + json.length + dataBytes.length);
  out.set(new TextEncoder().encode(CHECKPOINT_MAGIC), 0);
  const view = new DataView(out.buffer);
  view.setUint32(8, CHECKPOINT_FORMAT_VERSION, true);
  view.setUint32(12, json.length, true);
  out.set(json, PREFIX_BYTES);
  out.set(dataBytes, PREFIX_BYTES + json.length);
  return out;
}

function fail(message: string): never {
  throw new CheckpointError(message);
}

function parseHeader(bytes: Uint8Array): { header: Header; dataStart: number } {
  if (bytes.length < PREFIX_BYTES) fail(`the file is ${bytes.length} bytes: too short to be a checkpoint`);
  const magic = new TextDecoder().decode(bytes.subarray(0, 8));
  if (magic !== CHECKPOINT_MAGIC) fail('this is not a Persona Lab checkpoint (its first bytes do not match)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version > CHECKPOINT_FORMAT_VERSION) {
    fail(
      `format version ${version} is newer than this lab reads (${CHECKPOINT_FORMAT_VERSION}); update the lab`,
    );
  }
  if (version < 1) fail(`unknown format version ${version}`);
  const headerLength = view.getUint32(12, true);
  if (PREFIX_BYTES + headerLength > bytes.length) fail('the file is truncated (its header is cut off)');
  let header: Header;
  try {
    header = JSON.parse(
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(16, 16 + headerLength)),
    );
  } catch {
    fail('the header is not valid JSON (the file is corrupt)');
  }
  if (typeof header !== 'object' || header === null || header.kind !== 'persona-lab-checkpoint') {
    fail('the header does not describe a Persona Lab checkpoint');
  }
  return { header, dataStart: PREFIX_BYTES + headerLength };
}

function validateVocab(vocab: unknown, config: GPTConfig): string[] {
  if (!Array.isArray(vocab) || vocab.some((c) => typeof c !== 'string' || [...c].length !== 1)) {
    fail('vocab must be an array of single characters');
  }
  if (new Set(vocab).size !== vocab.length) fail('vocab has a repeated character');
  if (vocab.length !== config.vocabSize) {
    fail(`vocab has ${vocab.length} characters but config.vocabSize is ${config.vocabSize}`);
  }
  return vocab as string[];
}

export function decodeCheckpoint(input: Uint8Array | ArrayBuffer): Checkpoint {
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  const { header, dataStart } = parseHeader(bytes);
  let config: GPTConfig;
  try {
    config = validateGPTConfig(header.config);
  } catch (error) {
    fail((error as Error).message);
  }
  const vocab = validateVocab(header.vocab, config);
  if (!Number.isInteger(header.step) || header.step < 0) fail('step must be a non-negative integer');
  const specs = parameterSpecs(config);
  const expected = new Map<string, number>();
  for (const spec of specs)
    expected.set(
      `param:${spec.name}`,
      spec.shape.reduce((a, b) => a * b, 1),
    );
  if (header.optimizer) {
    for (const spec of specs) {
      const size = spec.shape.reduce((a, b) => a * b, 1);
      expected.set(`adam.m:${spec.name}`, size);
      expected.set(`adam.v:${spec.name}`, size);
    }
  }
  if (!Array.isArray(header.tensors)) fail('the header lists no tensors');
  const listed = new Set(header.tensors.map((t) => t.name));
  for (const name of expected.keys())
    if (!listed.has(name)) fail(`tensor ${name} is missing: the model does not match its config`);
  for (const t of header.tensors) {
    const size = expected.get(t.name);
    if (size === undefined) fail(`unexpected tensor ${t.name}: this checkpoint is for a different model`);
    if (t.length !== size) fail(`tensor ${t.name} has ${t.length} values, its shape needs ${size}`);
  }
  const floats = header.tensors.reduce((n, t) => n + t.length, 0);
  const available = bytes.length - dataStart;
  if (available < floats * 4)
    fail(`the file is truncated: ${available} of ${floats * 4} weight bytes present`);
  if (available > floats * 4) fail(`${available - floats * 4} unexpected bytes after the weights`);
  // Copy into a buffer of its own (aligned, offset 0): the data may start anywhere in the caller's buffer,
  // and `slice` on a Node Buffer would return a view of the whole file rather than a copy.
  const dataBytes = new Uint8Array(floats * 4);
  dataBytes.set(bytes.subarray(dataStart, dataStart + floats * 4));
  if (fingerprintBytes(dataBytes) !== header.checksum)
    fail('the weights do not match their checksum (the file is corrupt)');
  const data = new Float32Array(dataBytes.buffer);
  for (let i = 0; i < data.length; i++)
    if (!Number.isFinite(data[i]!)) fail('the weights hold NaN or infinite values');
  const tensors = new Map<string, Float32Array>();
  let offset = 0;
  for (const t of header.tensors) {
    tensors.set(t.name, data.subarray(offset, offset + t.length));
    offset += t.length;
  }
  const pick = (prefix: string) => new Map(specs.map((s) => [s.name, tensors.get(`${prefix}${s.name}`)!]));
  return {
    config,
    vocab,
    weights: pick('param:'),
    optimizer: header.optimizer
      ? {
          step: header.optimizer.step,
          config: header.optimizer.config,
          m: pick('adam.m:'),
          v: pick('adam.v:'),
        }
      : null,
    step: header.step,
    recipe: header.recipe,
    metrics: header.metrics ?? {},
    info: header.info ?? {},
  };
}
