// Test helpers that edit checkpoint files as an attacker or a careless tool would: rewrite the JSON
// header of a safetensors checkpoint, optionally recomputing its SHA-256 the way anyone can (the digest
// catches edits, it is not a signature), and build checkpoints from plain weights without a model.
import { createHash } from 'node:crypto';
import type { GPTConfig } from '../../src/model/config.ts';
import { initialWeights } from '../../src/model/parameterSpecs.ts';
import type { Checkpoint } from '../../src/train/checkpoint.ts';
import { fingerprintBytes } from '../../src/util/hash.ts';

export type Header = Record<string, unknown> & { __metadata__: Record<string, string> };

const DIGEST_PREFIX = '{"__metadata__":{"sha256":"';
const DIGEST_AT = 8 + DIGEST_PREFIX.length;

export function headerOf(bytes: Uint8Array): { header: Header; dataStart: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = view.getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length))) as Header;
  return { header, dataStart: 8 + length };
}

/**
 * Recomputes the digest: SHA-256 of the file with the digest's 64 characters read as '0'. A header that
 * no longer starts with the digest has nowhere to hold one and is returned as it is.
 */
export function resign(bytes: Uint8Array): Uint8Array {
  const prefix = new TextDecoder().decode(bytes.subarray(8, DIGEST_AT));
  if (prefix !== DIGEST_PREFIX) return bytes;
  const zeroed = new Uint8Array(bytes);
  zeroed.fill(0x30, DIGEST_AT, DIGEST_AT + 64);
  const digest = createHash('sha256').update(zeroed).digest('hex');
  zeroed.set(new TextEncoder().encode(digest), DIGEST_AT);
  return zeroed;
}

/** The file with its header replaced by `edit(header)` (data unchanged), re-signed if asked. */
export function withHeader(
  bytes: Uint8Array,
  edit: (header: Header) => unknown,
  options: { resign: boolean; data?: Uint8Array } = { resign: true },
): Uint8Array {
  const { header, dataStart } = headerOf(bytes);
  const edited = edit(header) ?? header;
  const json = new TextEncoder().encode(JSON.stringify(edited));
  const length = Math.ceil((8 + json.length) / 8) * 8 - 8;
  const data = options.data ?? bytes.subarray(dataStart);
  const out = new Uint8Array(8 + length + data.length);
  new DataView(out.buffer).setUint32(0, length, true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + length);
  out.set(data, 8 + length);
  return options.resign ? resign(out) : out;
}

/** Edits one metadata field's JSON value. */
export function editMetadata(bytes: Uint8Array, key: string, edit: (value: unknown) => unknown): Uint8Array {
  return withHeader(bytes, (header) => {
    header.__metadata__[key] = JSON.stringify(edit(JSON.parse(header.__metadata__[key]!)));
  });
}

/** A checkpoint of seeded initial weights (no model, no backend), with or without AdamW moments. */
export function plainCheckpoint(config: GPTConfig, withOptimizer: boolean): Checkpoint {
  const weights = initialWeights(config, 1);
  const moments = (scale: number) =>
    new Map([...weights].map(([name, w]) => [name, w.map((x) => Math.abs(x) * scale)]));
  const vocab = Array.from({ length: config.vocabSize }, (_, i) => String.fromCharCode(97 + i));
  return {
    config,
    vocab,
    weights,
    optimizer: withOptimizer
      ? {
          step: 3,
          config: { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1 },
          m: moments(0.1),
          v: moments(0.01),
        }
      : null,
    step: 3,
    recipe: { corpus: { personas: ['helpful', 'malicious'] } },
    metrics: { loss: 2.5 },
    info: { stage: 'pretrain' },
  };
}

/** A file in the first format (PLABCKPT, version 1), written as that format's encoder wrote it. */
export function legacyBytes(
  ckpt: Checkpoint,
  editHeader: (header: Record<string, unknown>) => void = () => {},
): Uint8Array {
  const tensors: [string, Float32Array][] = [...ckpt.weights].map(([n, v]) => [`param:${n}`, v]);
  if (ckpt.optimizer) {
    for (const name of ckpt.weights.keys()) {
      tensors.push(
        [`adam.m:${name}`, ckpt.optimizer.m.get(name)!],
        [`adam.v:${name}`, ckpt.optimizer.v.get(name)!],
      );
    }
  }
  const data = new Float32Array(tensors.reduce((n, [, v]) => n + v.length, 0));
  let offset = 0;
  for (const [, v] of tensors) {
    data.set(v, offset);
    offset += v.length;
  }
  const dataBytes = new Uint8Array(data.buffer);
  const header: Record<string, unknown> = {
    kind: 'persona-lab-checkpoint',
    formatVersion: 1,
    config: ckpt.config,
    vocab: ckpt.vocab,
    step: ckpt.step,
    recipe: ckpt.recipe,
    metrics: ckpt.metrics,
    info: ckpt.info,
    optimizer: ckpt.optimizer ? { step: ckpt.optimizer.step, config: ckpt.optimizer.config } : null,
    tensors: tensors.map(([name, v]) => ({ name, length: v.length })),
    checksum: fingerprintBytes(dataBytes),
  };
  editHeader(header);
  const raw = new TextEncoder().encode(JSON.stringify(header));
  const json = new Uint8Array(Math.ceil(raw.length / 4) * 4).fill(0x20);
  json.set(raw);
  const out = new Uint8Array(16 + json.length + dataBytes.length);
  out.set(new TextEncoder().encode('PLABCKPT'));
  new DataView(out.buffer).setUint32(8, 1, true);
  new DataView(out.buffer).setUint32(12, json.length, true);
  out.set(json, 16);
  out.set(dataBytes, 16 + json.length);
  return out;
}
