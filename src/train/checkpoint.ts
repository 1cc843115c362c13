// The checkpoint file: model config, vocabulary, weights, optional AdamW state (for resuming), the
// recipe, the step, metrics and provenance, in the safetensors layout so Python's `safetensors` reads
// the weights as they are. Everything that is not a tensor sits in `__metadata__` as strings (the spec
// allows no other), each a JSON text. A SHA-256 over the whole file (with the digest's own 64 characters
// read as zeros) makes any edit of the header or the data a refusal, not a silently different model.
// Decoding validates everything and throws a CheckpointError that says what is wrong; it never touches
// a model, so a refused file changes nothing. docs/checkpoint-format.md describes the format.
import type { GPTConfig } from '../model/config.ts';
import { parameterSpecs } from '../model/parameterSpecs.ts';
import type { AdamWConfig, AdamWState } from './adamW.ts';
import { CheckpointError, refuse } from './checkpointError.ts';
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
import { decodeLegacyCheckpoint, isLegacyCheckpoint } from './legacyCheckpoint.ts';
import { sha256Hex } from './sha256.ts';
import { encodeSafetensors, readSafetensorsLayout, type TensorToWrite } from './safetensors.ts';

export { CheckpointError };

export const CHECKPOINT_FORMAT = 'persona-lab-checkpoint';
/** 1: the PLABCKPT layout (read only); 2: safetensors with a SHA-256 over header and data. */
export const CHECKPOINT_FORMAT_VERSION = 2;

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

/** The optimizer entry of the metadata: settings, step, and which tensors hold each parameter's moments. */
interface OptimizerMetadata {
  step: number;
  config: AdamWConfig;
  state: Record<string, { m: string; v: string }>;
}

// The header starts with these bytes so the digest sits at a fixed offset: the encoder puts
// `__metadata__` first and `sha256` first within it; a file laid out otherwise is not one of ours.
const DIGEST_PREFIX = '{"__metadata__":{"sha256":"';
const DIGEST_AT = 8 + DIGEST_PREFIX.length;
const DIGEST_LENGTH = 64;
const ZERO_DIGEST = '0'.repeat(DIGEST_LENGTH);

const momentName = (moment: 'm' | 'v', param: string) => `optimizer.${moment}.${param}`;

export async function encodeCheckpoint(ckpt: Checkpoint): Promise<Uint8Array> {
  const specs = parameterSpecs(ckpt.config);
  const tensor = (name: string, shape: number[], values: Float32Array | undefined): TensorToWrite => {
    if (!values) throw new Error(`checkpoint: tensor ${name} is missing`);
    return { name, shape, values };
  };
  const tensors = specs.map((s) => tensor(s.name, s.shape, ckpt.weights.get(s.name)));
  let optimizer: OptimizerMetadata | null = null;
  if (ckpt.optimizer) {
    const { m, v, step, config } = ckpt.optimizer;
    optimizer = { step, config, state: {} };
    for (const s of specs) {
      optimizer.state[s.name] = { m: momentName('m', s.name), v: momentName('v', s.name) };
      tensors.push(tensor(momentName('m', s.name), s.shape, m.get(s.name)));
      tensors.push(tensor(momentName('v', s.name), s.shape, v.get(s.name)));
    }
  }
  const bytes = encodeSafetensors(
    [
      ['sha256', ZERO_DIGEST],
      ['format', CHECKPOINT_FORMAT],
      ['format_version', String(CHECKPOINT_FORMAT_VERSION)],
      ['config', JSON.stringify(ckpt.config)],
      ['vocab', JSON.stringify(ckpt.vocab)],
      ['step', String(ckpt.step)],
      ['optimizer', JSON.stringify(optimizer)],
      ['recipe', JSON.stringify(ckpt.recipe ?? null)],
      ['metrics', JSON.stringify(ckpt.metrics)],
      ['info', JSON.stringify(ckpt.info)],
    ],
    tensors,
  );
  const digest = await sha256Hex(bytes);
  bytes.set(new TextEncoder().encode(digest), DIGEST_AT);
  return bytes;
}

async function verifyDigest(bytes: Uint8Array): Promise<void> {
  const prefix = new TextEncoder().encode(DIGEST_PREFIX);
  const hasPrefix = bytes.length >= DIGEST_AT + DIGEST_LENGTH && prefix.every((b, i) => bytes[8 + i] === b);
  const stored = hasPrefix
    ? new TextDecoder().decode(bytes.subarray(DIGEST_AT, DIGEST_AT + DIGEST_LENGTH))
    : '';
  if (!/^[0-9a-f]{64}$/.test(stored))
    refuse('its SHA-256 is missing from the start of the header (not written by this lab)');
  // A copy (a Node Buffer's `slice` would be a view, and the caller's bytes must stay as they are).
  const zeroed = new Uint8Array(bytes);
  zeroed.fill(0x30, DIGEST_AT, DIGEST_AT + DIGEST_LENGTH);
  if ((await sha256Hex(zeroed)) !== stored) {
    refuse('its SHA-256 does not match: the header or the weights were changed after it was saved');
  }
}

function metadataJson(metadata: Map<string, string>, key: string): unknown {
  const text = metadata.get(key);
  if (text === undefined) refuse(`__metadata__.${key} is missing`);
  return parseHeaderJson(text, `__metadata__.${key}`);
}

function checkedOptimizer(value: unknown, params: string[]): OptimizerMetadata | null {
  if (value === null) return null;
  if (!isPlainObject(value)) refuse('__metadata__.optimizer must be an object or null');
  const step = checkedStep(value.step, 'optimizer.step');
  const config = checkedAdamWConfig(value.config);
  const state = value.state;
  if (!isPlainObject(state)) refuse('optimizer.state must map each parameter to its moment tensors');
  const known = new Set(params);
  for (const key of Object.keys(state))
    if (!known.has(key)) refuse(`optimizer.state names an unknown parameter ${JSON.stringify(key)}`);
  const checked: OptimizerMetadata['state'] = {};
  for (const param of params) {
    const entry = state[param];
    if (!isPlainObject(entry) || typeof entry.m !== 'string' || typeof entry.v !== 'string') {
      refuse(`optimizer.state.${param} must name its m and v tensors`);
    }
    checked[param] = { m: entry.m, v: entry.v };
  }
  return { step, config, state: checked };
}

function checkVersion(metadata: Map<string, string>): void {
  if (metadata.get('format') !== CHECKPOINT_FORMAT) {
    refuse('this is not a Persona Lab checkpoint (a safetensors file without the lab\'s "format" metadata)');
  }
  const text = metadata.get('format_version') ?? '';
  if (!/^[0-9]{1,9}$/.test(text)) refuse(`format_version ${JSON.stringify(text)} is not a version number`);
  const version = Number(text);
  if (version > CHECKPOINT_FORMAT_VERSION) {
    refuse(
      `format version ${version} was written by a newer lab (this one reads up to ${CHECKPOINT_FORMAT_VERSION}): update the lab`,
    );
  }
  if (version !== CHECKPOINT_FORMAT_VERSION)
    refuse(`format_version ${version} is not a safetensors checkpoint version`);
}

/** Decodes either format; refuses any inconsistency with a CheckpointError and allocates at most the file's size again. */
export async function decodeCheckpoint(input: Uint8Array | ArrayBuffer): Promise<Checkpoint> {
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  if (isLegacyCheckpoint(bytes)) return decodeLegacyCheckpoint(bytes);
  const layout = readSafetensorsLayout(bytes);
  checkVersion(layout.metadata);
  // Nothing in the header is trusted before the digest matches.
  await verifyDigest(bytes);
  const config = checkedConfig(metadataJson(layout.metadata, 'config'));
  const vocab = checkedVocab(metadataJson(layout.metadata, 'vocab'), config);
  const step = checkedStep(metadataJson(layout.metadata, 'step'));
  // The config is bounded, so listing its parameters is cheap; their total is checked against the file's
  // size before anything as large as a tensor is allocated.
  const specs = parameterSpecs(config);
  const optimizer = checkedOptimizer(
    metadataJson(layout.metadata, 'optimizer'),
    specs.map((s) => s.name),
  );
  const dataBytes = bytes.length - layout.dataStart;
  checkDataSize(config, optimizer !== null, dataBytes);
  const expected = new Map<string, number[]>(specs.map((s) => [s.name, s.shape]));
  if (optimizer) {
    for (const s of specs) {
      const { m, v } = optimizer.state[s.name]!;
      for (const name of [m, v]) {
        if (expected.has(name))
          refuse(`optimizer.state.${s.name} names the tensor ${JSON.stringify(name)} twice over`);
        expected.set(name, s.shape);
      }
    }
  }
  for (const [name, shape] of expected) {
    const slot = layout.tensors.get(name);
    if (!slot) refuse(`tensor ${name} is missing: the model does not match its config`);
    if (slot.shape.length !== shape.length || slot.shape.some((d, i) => d !== shape[i])) {
      refuse(`tensor ${name} has shape [${slot.shape.join(',')}], its config needs [${shape.join(',')}]`);
    }
  }
  for (const name of layout.tensors.keys()) {
    if (!expected.has(name))
      refuse(`unexpected tensor ${JSON.stringify(name)}: this checkpoint is for a different model`);
  }
  // One aligned copy of the data (the file's bytes may start at any offset of the caller's buffer, and a
  // Node Buffer's `slice` is a view of the whole file); every tensor is a view into it. Typed arrays are
  // little-endian, as safetensors is, on every platform the lab runs on.
  const data = new Uint8Array(dataBytes);
  data.set(bytes.subarray(layout.dataStart));
  const floats = new Float32Array(data.buffer);
  const tensor = (name: string) => {
    const slot = layout.tensors.get(name)!;
    return floats.subarray(slot.begin / 4, slot.end / 4);
  };
  const weights = new Map(specs.map((s) => [s.name, tensor(s.name)]));
  for (const [name, values] of weights) checkWeights(name, values);
  let state: Checkpoint['optimizer'] = null;
  if (optimizer) {
    const m = new Map(specs.map((s) => [s.name, tensor(optimizer.state[s.name]!.m)]));
    const v = new Map(specs.map((s) => [s.name, tensor(optimizer.state[s.name]!.v)]));
    for (const s of specs) checkMoments(s.name, m.get(s.name)!, v.get(s.name)!);
    state = { step: optimizer.step, config: optimizer.config, m, v };
  }
  return {
    config,
    vocab,
    weights,
    optimizer: state,
    step,
    recipe: metadataJson(layout.metadata, 'recipe'),
    metrics: checkedRecord(metadataJson(layout.metadata, 'metrics'), 'metrics'),
    info: checkedRecord(metadataJson(layout.metadata, 'info'), 'info'),
  };
}
