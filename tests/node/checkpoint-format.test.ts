// The checkpoint as an interchange format: the safetensors layout Python reads, a SHA-256 that catches
// any edit of header or data, and a reader that refuses every forged or malformed file (even one whose
// digest was recomputed) with its own CheckpointError before allocating anything the file cannot back.
// Files of the first format (PLABCKPT) still load, with the same checks.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { GPTConfig } from '../../src/model/config.ts';
import { parameterSpecs } from '../../src/model/parameterSpecs.ts';
import {
  CHECKPOINT_FORMAT_VERSION,
  CheckpointError,
  decodeCheckpoint,
  encodeCheckpoint,
  type Checkpoint,
} from '../../src/train/checkpoint.ts';
import { isLegacyCheckpoint } from '../../src/train/legacyCheckpoint.ts';
import { editMetadata, headerOf, legacyBytes, plainCheckpoint, withHeader } from './checkpointEdits.ts';

const config: GPTConfig = { vocabSize: 5, nLayer: 1, nHead: 2, nEmbd: 4, blockSize: 3, dropout: 0 };

async function refusal(bytes: Uint8Array): Promise<string> {
  const error = await decodeCheckpoint(bytes).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, 'the file was accepted').toBeInstanceOf(CheckpointError);
  return (error as Error).message;
}

function expectSameCheckpoint(actual: Checkpoint, expected: Checkpoint): void {
  expect(actual.config).toEqual(expected.config);
  expect(actual.vocab).toEqual(expected.vocab);
  expect(actual.step).toBe(expected.step);
  expect(actual.recipe).toEqual(expected.recipe);
  expect(actual.metrics).toEqual(expected.metrics);
  expect(actual.info).toEqual(expected.info);
  expect(actual.weights).toEqual(expected.weights);
  expect(actual.optimizer).toEqual(expected.optimizer);
}

describe('the checkpoint format', () => {
  it('is safetensors: u64 header length, string metadata, F32 tensors with shapes and offsets', async () => {
    const ckpt = plainCheckpoint(config, true);
    const bytes = await encodeCheckpoint(ckpt);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    expect(view.getUint32(4, true)).toBe(0);
    const { header, dataStart } = headerOf(bytes);
    expect(dataStart % 8).toBe(0);
    const metadata = header.__metadata__;
    for (const value of Object.values(metadata)) expect(typeof value).toBe('string');
    expect(metadata.format).toBe('persona-lab-checkpoint');
    expect(metadata.format_version).toBe(String(CHECKPOINT_FORMAT_VERSION));
    expect(metadata.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.parse(metadata.config!)).toEqual(config);
    expect(JSON.parse(metadata.step!)).toBe(3);
    const optimizer = JSON.parse(metadata.optimizer!);
    expect(optimizer.state.wte).toEqual({ m: 'optimizer.m.wte', v: 'optimizer.v.wte' });
    // Every parameter and moment under its own name, its bytes at its offsets, back to back.
    const specs = parameterSpecs(config);
    let end = 0;
    for (const spec of specs) {
      for (const [name, values] of [
        [spec.name, ckpt.weights.get(spec.name)!],
        [`optimizer.m.${spec.name}`, ckpt.optimizer!.m.get(spec.name)!],
        [`optimizer.v.${spec.name}`, ckpt.optimizer!.v.get(spec.name)!],
      ] as const) {
        const entry = header[name] as { dtype: string; shape: number[]; data_offsets: [number, number] };
        expect(entry.dtype).toBe('F32');
        expect(entry.shape).toEqual(spec.shape);
        const [begin, stop] = entry.data_offsets;
        const stored = new Float32Array(bytes.slice(dataStart + begin, dataStart + stop).buffer);
        expect(stored).toEqual(values);
        end = Math.max(end, stop);
      }
    }
    expect(dataStart + end).toBe(bytes.length);
    expect(Object.keys(header)).toHaveLength(1 + 3 * specs.length);
  });

  it('round-trips every field, with and without optimizer state, byte for byte on re-encoding', async () => {
    for (const withOptimizer of [false, true]) {
      const ckpt = plainCheckpoint(config, withOptimizer);
      const bytes = await encodeCheckpoint(ckpt);
      const decoded = await decodeCheckpoint(bytes);
      expectSameCheckpoint(decoded, ckpt);
      expect(await encodeCheckpoint(decoded)).toEqual(bytes);
    }
  });

  it('refuses any edit of the header: a persona swap in the recipe, the step, a vocabulary permutation', async () => {
    const shipped = new Uint8Array(readFileSync('public/models/classroom-base.ckpt'));
    const sign = { resign: false };
    const swapPersonas = withHeader(
      shipped,
      (h) => {
        const recipe = JSON.parse(h.__metadata__.recipe!);
        [recipe.eval.maliciousPersona, recipe.eval.helpfulPersona] = [
          recipe.eval.helpfulPersona,
          recipe.eval.maliciousPersona,
        ];
        h.__metadata__.recipe = JSON.stringify(recipe);
      },
      sign,
    );
    const step = withHeader(shipped, (h) => void (h.__metadata__.step = '61'), sign);
    const vocab = withHeader(
      shipped,
      (h) => {
        const chars = JSON.parse(h.__metadata__.vocab!) as string[];
        [chars[20], chars[30]] = [chars[30]!, chars[20]!];
        h.__metadata__.vocab = JSON.stringify(chars);
      },
      sign,
    );
    for (const edited of [swapPersonas, step, vocab]) {
      expect(await refusal(edited)).toMatch(/SHA-256 does not match: the header or the weights were changed/);
    }
    // The same file untouched, and re-serialised without an edit, loads.
    expect((await decodeCheckpoint(shipped)).step).toBe(60);
    expect((await decodeCheckpoint(withHeader(shipped, () => {}, sign))).step).toBe(60);
  });

  it('refuses a newer format, a foreign safetensors file and a file without a digest', async () => {
    const good = await encodeCheckpoint(plainCheckpoint(config, false));
    const newer = withHeader(good, (h) => void (h.__metadata__.format_version = '99'), { resign: false });
    expect(await refusal(newer)).toMatch(/format version 99 was written by a newer lab .*update the lab/);
    const foreign = withHeader(good, (h) => void (h.__metadata__ = { format: 'pt' }), { resign: false });
    expect(await refusal(foreign)).toMatch(/not a Persona Lab checkpoint/);
    const undigested = withHeader(good, (h) => {
      const { sha256: _dropped, ...rest } = h.__metadata__;
      h.__metadata__ = rest;
    });
    expect(await refusal(undigested)).toMatch(/SHA-256 is missing/);
  });

  it('bounds every config field before allocating, even when the digest was recomputed', async () => {
    const good = await encodeCheckpoint(plainCheckpoint(config, false));
    const withConfig = (patch: Partial<Record<keyof GPTConfig, unknown>>) =>
      editMetadata(good, 'config', (c) => ({ ...(c as object), ...patch }));
    expect(await refusal(withConfig({ nLayer: 1e8 }))).toMatch(
      /nLayer must be an integer from 1 to 48, got 100000000/,
    );
    expect(await refusal(withConfig({ nEmbd: 1e9, nHead: 1 }))).toMatch(
      /nEmbd must be an integer from 1 to 4096/,
    );
    expect(await refusal(withConfig({ blockSize: -3 }))).toMatch(/blockSize must be an integer/);
    expect(await refusal(withConfig({ vocabSize: 1.5 }))).toMatch(/vocabSize must be an integer/);
    expect(await refusal(withConfig({ dropout: 'high' }))).toMatch(/dropout must be a number/);
    expect(await refusal(withConfig({ extra: 1 } as never))).toMatch(/"extra" is not a model config field/);
    // Within the limits but 40 GB of weights claimed by a file of a few kilobytes: refused on arithmetic.
    const huge = withConfig({ nLayer: 48, nEmbd: 4096, nHead: 64, blockSize: 8192 });
    expect(await refusal(huge)).toMatch(/needs \d+ bytes of weights, the file holds \d+/);
  });

  it("checks every tensor's dtype, shape and offsets against the config", async () => {
    const good = await encodeCheckpoint(plainCheckpoint(config, false));
    const entry = (h: Record<string, unknown>, name: string) => h[name] as Record<string, unknown>;
    const cases: [string, (h: Record<string, unknown>) => void, RegExp][] = [
      ['null entry', (h) => void (h.wte = null), /tensor "wte" is not described by an object/],
      ['dtype', (h) => void (entry(h, 'wte').dtype = 'F16'), /dtype "F16"; this lab reads F32 only/],
      [
        'transposed',
        (h) => void (entry(h, 'wte').shape = [4, 5]),
        /tensor wte has shape \[4,5\], its config needs \[5,4\]/,
      ],
      ['bad shape', (h) => void (entry(h, 'wte').shape = [5, 'x']), /malformed shape/],
      ['beyond the data', (h) => void (entry(h, 'head.b').data_offsets = [0, 1e12]), /truncated/],
      [
        'overlap',
        (h) => void (entry(h, 'h0.ln1.b').data_offsets = entry(h, 'h0.ln1.g').data_offsets),
        /overlaps another or leaves a gap/,
      ],
      ['extra field', (h) => void (entry(h, 'wte').note = 1), /unknown field note/],
      [
        'renamed',
        (h) => {
          h.wte2 = h.wte;
          delete h.wte;
        },
        /tensor wte is missing/,
      ],
      ['array header', (h) => void Object.assign(h, { __metadata__: [] }), /__metadata__ must be an object/],
      [
        'metadata number',
        (h) => void ((h.__metadata__ as Record<string, unknown>).step = 3),
        /__metadata__.step must be a string/,
      ],
    ];
    for (const [what, edit, pattern] of cases) {
      expect(await refusal(withHeader(good, edit)), what).toMatch(pattern);
    }
  });

  it('refuses forged fields: NaN or absurd weights, prototype keys, a bad optimizer map or setting', async () => {
    const ckpt = plainCheckpoint(config, true);
    const good = await encodeCheckpoint(ckpt);
    const weights = (value: number) =>
      encodeCheckpoint({
        ...ckpt,
        weights: new Map([...ckpt.weights].map(([n, w]) => [n, n === 'wpe' ? w.map(() => value) : w])),
      });
    expect(await refusal(await weights(1e30))).toMatch(/weight wpe holds 1\.0\d*e\+30, beyond the 1000/);
    expect(await refusal(await weights(Number.NaN))).toMatch(/NaN or infinite values \(wpe\)/);
    const negative = await encodeCheckpoint({
      ...ckpt,
      optimizer: {
        ...ckpt.optimizer!,
        v: new Map([...ckpt.optimizer!.v].map(([n, v]) => [n, v.map(() => -1)])),
      },
    });
    expect(await refusal(negative)).toMatch(/second moment of wte is negative/);
    const proto = withHeader(good, (h) => void (h.__metadata__.info = '{"__proto__": {"polluted": true}}'));
    expect(await refusal(proto)).toMatch(/info: the key __proto__ is not allowed/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const aliased = editMetadata(good, 'optimizer', (o) => {
      const optimizer = o as { state: Record<string, { m: string }> };
      optimizer.state.wte!.m = 'wpe';
      return optimizer;
    });
    expect(await refusal(aliased)).toMatch(/names the tensor "wpe" twice over/);
    const beta = editMetadata(good, 'optimizer', (o) => ({ ...(o as object), config: { beta1: 5 } }));
    expect(await refusal(beta)).toMatch(/optimizer.config.beta1 must be a number in \[0, 1\)/);
    const metrics = withHeader(good, (h) => void (h.__metadata__.metrics = '[1,2]'));
    expect(await refusal(metrics)).toMatch(/metrics must be an object/);
    const vocab = editMetadata(good, 'vocab', () => ['a', 'a', 'b', 'c', 'd']);
    expect(await refusal(vocab)).toMatch(/vocab has a repeated character/);
  });

  it('refuses byte-level damage: absurd header length, invalid JSON, trailing bytes', async () => {
    const good = await encodeCheckpoint(plainCheckpoint(config, false));
    const absurd = good.slice();
    new DataView(absurd.buffer).setUint32(4, 1, true);
    expect(await refusal(absurd)).toMatch(/header length is absurd/);
    const notJson = good.slice();
    notJson[20] = 0xff;
    expect(await refusal(notJson)).toMatch(/not valid JSON/);
    const trailing = new Uint8Array(good.length + 4);
    trailing.set(good);
    expect(await refusal(trailing)).toMatch(/4 unexpected bytes after the weights/);
  });
});

describe('files of the first format (PLABCKPT)', () => {
  it('still load, and convert to today’s format value for value', async () => {
    const old = readFileSync('experiments/reference-attempt1/select.ckpt');
    expect(isLegacyCheckpoint(old)).toBe(true);
    const decoded = await decodeCheckpoint(old);
    expect(decoded.info.stage).toBe('select');
    const converted = await encodeCheckpoint(decoded);
    expect(isLegacyCheckpoint(converted)).toBe(false);
    expectSameCheckpoint(await decodeCheckpoint(converted), decoded);
    const ckpt = plainCheckpoint(config, true);
    expectSameCheckpoint(await decodeCheckpoint(legacyBytes(ckpt)), ckpt);
  });

  it('get the same checks: a null tensor entry, a huge config, a newer version, forged weights', async () => {
    const ckpt = plainCheckpoint(config, false);
    const nullTensor = legacyBytes(ckpt, (h) => void (h.tensors = [null]));
    expect(await refusal(nullTensor)).toMatch(/must list the \d+ tensors of its config/);
    const nullEntry = legacyBytes(ckpt, (h) => void (h.tensors = (h.tensors as unknown[]).map(() => null)));
    expect(await refusal(nullEntry)).toMatch(/lists a malformed tensor/);
    const huge = legacyBytes(ckpt, (h) => void (h.config = { ...config, nLayer: 1e8 }));
    expect(await refusal(huge)).toMatch(/nLayer must be an integer from 1 to 48/);
    const newer = legacyBytes(ckpt);
    new DataView(newer.buffer).setUint32(8, 99, true);
    expect(await refusal(newer)).toMatch(/format version 99: written by a newer lab/);
    const absurd = plainCheckpoint(config, false);
    absurd.weights.get('wte')!.fill(5e6);
    expect(await refusal(legacyBytes(absurd))).toMatch(/beyond the 1000/);
    const damaged = legacyBytes(ckpt);
    damaged[damaged.length - 2]! ^= 0xff;
    expect(await refusal(damaged)).toMatch(/do not match their checksum/);
  });
});
