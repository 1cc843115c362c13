// Property tests of the checkpoint decoder (fast-check): whatever the bytes, random, damaged or forged
// with a recomputed digest, decoding either returns a checkpoint or throws the lab's CheckpointError,
// never another error; it never allocates typed arrays beyond a small multiple of the input's size; a
// damaged file is never accepted as something other than what was saved; and every checkpoint the lab
// writes decodes to what was written.
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { GPTConfig } from '../../src/model/config.ts';
import {
  CheckpointError,
  decodeCheckpoint,
  encodeCheckpoint,
  type Checkpoint,
} from '../../src/train/checkpoint.ts';
import { headerOf, legacyBytes, plainCheckpoint, withHeader } from './checkpointEdits.ts';

const config: GPTConfig = { vocabSize: 4, nLayer: 1, nHead: 2, nEmbd: 4, blockSize: 2, dropout: 0 };
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

// Counts the bytes of every typed array constructed while a decode runs. The decoder's globals resolve
// at call time, so swapping the constructors for counting proxies sees every allocation it makes.
const originals = { Uint8Array, Float32Array };
let allocated = 0;
function countAllocations(): void {
  for (const [name, Original] of Object.entries(originals)) {
    const proxy = new Proxy(Original, {
      construct(target, args: unknown[]) {
        const [first] = args;
        if (typeof first === 'number') allocated += first * target.BYTES_PER_ELEMENT;
        else if (
          first !== undefined &&
          !(first instanceof ArrayBuffer) &&
          !(first instanceof SharedArrayBuffer)
        ) {
          allocated += (first as ArrayLike<unknown>).length * target.BYTES_PER_ELEMENT;
        }
        return Reflect.construct(target, args) as object;
      },
    });
    Object.defineProperty(globalThis, name, { value: proxy, configurable: true, writable: true });
  }
}
function restoreConstructors(): void {
  for (const [name, Original] of Object.entries(originals)) {
    Object.defineProperty(globalThis, name, { value: Original, configurable: true, writable: true });
  }
}
afterEach(restoreConstructors);

type Outcome = { ok: true; ckpt: Checkpoint } | { ok: false; error: unknown };

/** Decodes, counting allocations; fails the property on any error other than a CheckpointError. */
async function decodeChecked(bytes: Uint8Array): Promise<Outcome> {
  allocated = 0;
  countAllocations();
  let outcome: Outcome;
  try {
    outcome = { ok: true, ckpt: await decodeCheckpoint(bytes) };
  } catch (error) {
    outcome = { ok: false, error };
  } finally {
    restoreConstructors();
  }
  // Two copies of the input at most (one to verify the digest, one for the weights), plus small change.
  expect(allocated).toBeLessThanOrEqual(2 * bytes.length + 4096);
  if (!outcome.ok) {
    expect(outcome.error).toBeInstanceOf(CheckpointError);
    expect(Object.prototype).not.toHaveProperty('polluted');
  }
  return outcome;
}

const plain = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;

function expectSame(actual: Checkpoint, expected: Checkpoint): void {
  expect(
    plain([actual.config, actual.vocab, actual.step, actual.recipe, actual.metrics, actual.info]),
  ).toEqual(
    plain([expected.config, expected.vocab, expected.step, expected.recipe, expected.metrics, expected.info]),
  );
  expect(actual.weights).toEqual(expected.weights);
  expect(actual.optimizer).toEqual(expected.optimizer);
}

/**
 * What format 1 guarantees: its checksum covers the data only (src/train/legacyCheckpoint.ts), so a
 * damaged header (a recipe's text, the step) can pass, but never damaged weights or AdamW moments.
 */
function expectSameData(actual: Checkpoint, expected: Checkpoint): void {
  expect(actual.weights).toEqual(expected.weights);
  expect(actual.optimizer?.m).toEqual(expected.optimizer?.m);
  expect(actual.optimizer?.v).toEqual(expected.optimizer?.v);
}

const noForbiddenKeys = (value: unknown): boolean =>
  typeof value !== 'object' ||
  value === null ||
  Object.entries(value).every(([k, v]) => !FORBIDDEN.has(k) && noForbiddenKeys(v));

const json = fc.jsonValue({ maxDepth: 3 }).filter(noForbiddenKeys);
const record = fc.dictionary(fc.string({ maxLength: 8 }), json, { maxKeys: 4 }).filter(noForbiddenKeys);

/** Small random checkpoints: any config the limits allow at toy size, any weights within bounds. */
const checkpoints = fc
  .record({
    nLayer: fc.integer({ min: 1, max: 2 }),
    nHead: fc.integer({ min: 1, max: 2 }),
    headSize: fc.integer({ min: 1, max: 3 }),
    blockSize: fc.integer({ min: 1, max: 4 }),
    vocab: fc.uniqueArray(
      fc.integer({ min: 32, max: 0x2fff }).map((c) => String.fromCodePoint(c)),
      {
        minLength: 1,
        maxLength: 6,
      },
    ),
    dropout: fc.double({ min: 0, max: 0.9, noNaN: true }),
    withOptimizer: fc.boolean(),
    step: fc.nat(),
    weight: fc.float({ min: -1000, max: 1000, noNaN: true }),
    recipe: json,
    metrics: record,
    info: record,
  })
  .map((r): Checkpoint => {
    const base = plainCheckpoint(
      {
        vocabSize: r.vocab.length,
        nLayer: r.nLayer,
        nHead: r.nHead,
        nEmbd: r.nHead * r.headSize,
        blockSize: r.blockSize,
        dropout: r.dropout,
      },
      r.withOptimizer,
    );
    base.weights.get('wte')![0] = r.weight;
    return { ...base, vocab: r.vocab, step: r.step, recipe: r.recipe, metrics: r.metrics, info: r.info };
  });

describe('the checkpoint decoder under random input', () => {
  it('accepts what the lab writes and gives it back, with any config, weights and metadata', async () => {
    await fc.assert(
      fc.asyncProperty(checkpoints, async (ckpt) => {
        const bytes = await encodeCheckpoint(ckpt);
        const outcome = await decodeChecked(bytes);
        // The counter sees the decoder's copies (so the bound above is not vacuous).
        expect(allocated).toBeGreaterThanOrEqual(bytes.length);
        expect(outcome.ok).toBe(true);
        if (outcome.ok) expectSame(outcome.ckpt, ckpt);
      }),
      { numRuns: 40 },
    );
  });

  it('refuses random bytes, random headers and random PLABCKPT files with its own error', async () => {
    // A length-prefixed JSON header of any shape followed by any data, in either format's framing.
    const framed = fc
      .record({ legacy: fc.boolean(), value: fc.jsonValue(), data: fc.uint8Array({ maxLength: 256 }) })
      .map(({ legacy, value, data }) => {
        const text = new TextEncoder().encode(JSON.stringify(value) ?? 'null');
        const prefix = legacy ? 16 : 8;
        const out = new Uint8Array(prefix + text.length + data.length);
        const view = new DataView(out.buffer);
        if (legacy) {
          out.set(new TextEncoder().encode('PLABCKPT'));
          view.setUint32(8, 1, true);
          view.setUint32(12, text.length, true);
        } else {
          view.setUint32(0, text.length, true);
        }
        out.set(text, prefix);
        out.set(data, prefix + text.length);
        return out;
      });
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 2048 }), framed), async (bytes) => {
        const outcome = await decodeChecked(bytes);
        expect(outcome.ok).toBe(false);
      }),
      { numRuns: 150 },
    );
  });

  it('never accepts a damaged file as anything but what was saved (format 1: its data)', async () => {
    const saved = plainCheckpoint(config, true);
    const files = [
      await encodeCheckpoint(saved),
      await encodeCheckpoint({ ...saved, optimizer: null }),
      legacyBytes(saved),
    ];
    const damage = fc.record({
      file: fc.constantFrom(0, 1, 2),
      flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }),
      cut: fc.option(fc.nat(), { nil: null }),
    });
    await fc.assert(
      fc.asyncProperty(damage, async ({ file, flips, cut }) => {
        const original = files[file]!;
        let bytes = original.slice();
        for (const [at, mask] of flips) bytes[at % bytes.length]! ^= mask;
        if (cut !== null) bytes = bytes.slice(0, cut % bytes.length);
        const outcome = await decodeChecked(bytes);
        if (!outcome.ok) return;
        if (file === 2) expectSameData(outcome.ckpt, saved);
        else expectSame(outcome.ckpt, file === 1 ? { ...saved, optimizer: null } : saved);
      }),
      { numRuns: 150 },
    );
  });

  it('refuses forged headers with a recomputed digest, or accepts only what still round-trips', async () => {
    const saved = plainCheckpoint(config, true);
    const good = await encodeCheckpoint(saved);
    const keys = [...Object.keys(headerOf(good).header)];
    const metadataKeys = Object.keys(headerOf(good).header.__metadata__).filter((k) => k !== 'sha256');
    const forgery = fc.oneof(
      // A metadata value replaced by any JSON text (or any string).
      fc
        .record({
          key: fc.constantFrom(...metadataKeys),
          value: fc.oneof(
            fc.jsonValue().map((v) => JSON.stringify(v) ?? 'null'),
            fc.string(),
          ),
        })
        .map(({ key, value }) => (h: Record<string, unknown>) => {
          (h.__metadata__ as Record<string, unknown>)[key] = value;
        }),
      // A tensor entry or the metadata object replaced by any JSON value.
      fc
        .record({ key: fc.constantFrom(...keys), value: fc.jsonValue() })
        .map(({ key, value }) => (h: Record<string, unknown>) => {
          h[key] = value;
        }),
      // One field of a tensor entry replaced.
      fc
        .record({
          key: fc.constantFrom(...keys.filter((k) => k !== '__metadata__')),
          field: fc.constantFrom('dtype', 'shape', 'data_offsets'),
          value: fc.jsonValue(),
        })
        .map(({ key, field, value }) => (h: Record<string, unknown>) => {
          (h[key] as Record<string, unknown>)[field] = value;
        }),
    );
    await fc.assert(
      fc.asyncProperty(forgery, async (edit) => {
        const bytes = withHeader(good, (h) => void edit(h));
        const outcome = await decodeChecked(bytes);
        if (outcome.ok) {
          const again = await decodeChecked(await encodeCheckpoint(outcome.ckpt));
          expect(again.ok).toBe(true);
          if (again.ok) expectSame(again.ckpt, outcome.ckpt);
        }
      }),
      { numRuns: 150 },
    );
  });
});
