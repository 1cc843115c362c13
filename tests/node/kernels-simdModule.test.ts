// The host kernels' wasm SIMD module: the committed binaries are what their AssemblyScript source builds
// (`npm run build:kernels`), and each works in the memory it is given without owning any: it imports one
// memory and nothing else, defines no memory, data or globals, and writes only the outputs and scratch it
// is handed (the rest of tfjs-wasm's heap is not its to touch).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SIMD_KERNELS_MODULE, simdKernelsModule } from '../../scripts/simdKernelsModule.ts';
import {
  HOST_KERNELS_WASM,
  HOST_KERNELS_WASM_FMA,
  HOST_KERNELS_WASM_SHARED,
  HOST_KERNELS_WASM_SHARED_FMA,
} from '../../src/model/kernels/simd/hostKernelsWasm.ts';
import { simdAttentionScratch } from '../../src/model/kernels/causalAttentionKernels.ts';
import { matMulInto } from '../../src/model/kernels/matMulKernel.ts';
import { simdFusedMultiplyAdd, type SimdKernels } from '../../src/model/kernels/simd/simdKernels.ts';

// Node 20 validates the relaxed builds once the flag is set: done here, as the lab does it.
const fma = simdFusedMultiplyAdd();

const bytes = (base64: string) => new Uint8Array(Buffer.from(base64, 'base64'));

/** The ids of a wasm binary's sections (after the 8-byte header; each id is followed by its LEB128 size). */
function sectionIds(binary: Uint8Array): number[] {
  const ids: number[] = [];
  let at = 8;
  while (at < binary.length) {
    ids.push(binary[at]!);
    at++;
    let size = 0;
    let shift = 0;
    for (;;) {
      const byte = binary[at++]!;
      size |= (byte & 0x7f) << shift;
      shift += 7;
      if ((byte & 0x80) === 0) break;
    }
    at += size;
  }
  return ids;
}

const SENTINEL = -12345.5;

/** A plain-memory build on a fresh memory of its own, every float of it set to SENTINEL. */
function onSentinelMemory(base64: string): { kernels: SimdKernels; heap: Float32Array } {
  const memory = new WebAssembly.Memory({ initial: 4 });
  const kernels = new WebAssembly.Instance(new WebAssembly.Module(bytes(base64)), {
    env: { memory },
  }).exports as unknown as SimdKernels;
  const heap = new Float32Array(memory.buffer);
  heap.fill(SENTINEL);
  return { kernels, heap };
}

/** Float indices outside the [start, count] regions that no longer hold SENTINEL. */
function touchedOutside(heap: Float32Array, regions: readonly (readonly number[])[]): number[] {
  const given = new Set<number>();
  for (const [at, n] of regions) for (let i = 0; i < n!; i++) given.add(at! + i);
  const touched: number[] = [];
  for (let i = 0; i < heap.length; i++) if (!given.has(i) && heap[i] !== SENTINEL) touched.push(i);
  return touched;
}

describe('the SIMD kernels module', () => {
  it('is what its source builds (run `npm run build:kernels` after changing it)', async () => {
    expect(readFileSync(SIMD_KERNELS_MODULE, 'utf8')).toBe(await simdKernelsModule());
  }, 300_000);

  it('has its relaxed SIMD builds validated by this Node (the products then use fused multiply-add)', () => {
    expect(fma.on, fma.reason).toBe(true);
  });

  it.each([
    ['plain', HOST_KERNELS_WASM],
    ['shared', HOST_KERNELS_WASM_SHARED],
    ['plain, relaxed SIMD', HOST_KERNELS_WASM_FMA],
    ['shared, relaxed SIMD', HOST_KERNELS_WASM_SHARED_FMA],
  ])('%s: imports only a memory, and has no memory, data or globals of its own', (_, base64) => {
    const module = new WebAssembly.Module(bytes(base64));
    expect(WebAssembly.Module.imports(module)).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
    const ids = sectionIds(bytes(base64));
    for (const [id, what] of [
      [5, 'memory'],
      [6, 'global'],
      [11, 'data'],
    ] as const)
      expect(ids.includes(id), `a ${what} section`).toBe(false);
    expect(WebAssembly.Module.exports(module).map((e) => e.name)).toEqual(
      expect.arrayContaining([
        'gelu',
        'geluGrad',
        'layerNorm',
        'layerNormGrad',
        'attentionForward',
        'attentionBackward',
        'prefixAttentionForward',
        'transpose',
        'weightGrad',
        'matMul',
        'packPanels',
        'adamWSlice',
        'crossEntropySum',
        'crossEntropyGrad',
      ]),
    );
  });
});

// Each kernel on both plain-memory builds: without fused multiply-add the product is bit for bit the JS
// loop's; with it, within rounding (one rounding a multiply-add instead of two).
describe.each([
  ['without relaxed SIMD', HOST_KERNELS_WASM, true],
  ['with relaxed SIMD', HOST_KERNELS_WASM_FMA, false],
])('the SIMD kernels, %s', (_, build, exact) => {
  it('transposes exactly, on shapes that are not multiples of its blocks or tiles', () => {
    const memory = new WebAssembly.Memory({ initial: 2 });
    const kernels = new WebAssembly.Instance(new WebAssembly.Module(bytes(build)), {
      env: { memory },
    }).exports as unknown as SimdKernels;
    const heap = new Float32Array(memory.buffer);
    for (const [rows, cols] of [
      [1, 1],
      [3, 5],
      [4, 4],
      [37, 70],
      [64, 96],
    ] as const) {
      const n = rows * cols;
      for (let i = 0; i < n; i++) heap[i] = i + 0.25;
      kernels.transpose(0, 4 * n, rows, cols, rows);
      const wrong: number[] = [];
      for (let r = 0; r < rows; r++)
        for (let c = 0; c < cols; c++)
          if (heap[n + c * rows + r] !== r * cols + c + 0.25) wrong.push(r * cols + c);
      expect(wrong, `${rows} x ${cols}`).toEqual([]);
    }
  });

  it('writes only the outputs and scratch it is given', () => {
    const { kernels, heap } = onSentinelMemory(build);
    // Attention on B 2, T 5, C 8, H 2 (head size 4): inputs, then each output with a gap after it.
    const [B, T, C, H] = [2, 5, 8, 2];
    const regions = {
      qkv: [1000, B * T * 3 * C],
      y: [2000, B * T * C],
      probs: [3000, B * H * 15],
      scratch: [4000, simdAttentionScratch(T, 4, false)],
    };
    const [qkvAt, qkvN] = regions.qkv as [number, number];
    for (let i = 0; i < qkvN; i++) heap[qkvAt + i] = Math.sin(i);
    kernels.attentionForward(
      4 * qkvAt,
      4 * regions.y[0]!,
      4 * regions.probs[0]!,
      4 * regions.scratch[0]!,
      B,
      T,
      C,
      H,
      0.5,
    );
    expect(touchedOutside(heap, Object.values(regions))).toEqual([]);
    // Each head's probability rows sum to 1.
    for (let r = 0; r < B * H; r++) {
      let offset = regions.probs[0]! + r * 15;
      for (let i = 0; i < T; i++) {
        let sum = 0;
        for (let j = 0; j <= i; j++) sum += heap[offset + j]!;
        expect(sum).toBeCloseTo(1, 5);
        offset += i + 1;
      }
    }
  });
  it('writes only the input gradient and scratch it is given going backward', () => {
    const { kernels, heap } = onSentinelMemory(build);
    // B 2, T 9 (two blocks of four queries and keys, then one alone), C 8, H 2 (head size 4).
    const [B, T, C, H] = [2, 9, 8, 2];
    const regions = {
      qkv: [1000, B * T * 3 * C],
      dy: [2000, B * T * C],
      y: [3000, B * T * C],
      probs: [4000, B * H * 45],
      dqkv: [5000, B * T * 3 * C],
      scratch: [6000, simdAttentionScratch(T, 4, true)],
    };
    for (let i = 0; i < B * T * 3 * C; i++) heap[regions.qkv[0]! + i] = Math.sin(i);
    for (let i = 0; i < B * T * C; i++) heap[regions.dy[0]! + i] = Math.cos(i * 0.7);
    const at = (region: keyof typeof regions) => 4 * regions[region][0]!;
    kernels.attentionForward(at('qkv'), at('y'), at('probs'), at('scratch'), B, T, C, H, 0.5);
    kernels.attentionBackward(at('dy'), at('qkv'), at('probs'), at('dqkv'), at('scratch'), B, T, C, H, 0.5);
    expect(touchedOutside(heap, Object.values(regions))).toEqual([]);
    const grads = heap.subarray(regions.dqkv[0], regions.dqkv[0]! + B * T * 3 * C);
    expect(grads.every((v) => Number.isFinite(v) && v !== SENTINEL)).toBe(true);
  });

  it('scores packed rows writing only their outputs and scratch, every row a distribution', () => {
    const { kernels, heap } = onSentinelMemory(build);
    const ints = new Int32Array(heap.buffer);
    // B 2, T 7, C 8, H 2 (head size 4); v = 1 everywhere, so every output is its row's probability sum.
    const [B, T, C, H] = [2, 7, 8, 2];
    const regions = {
      qkv: [1000, B * T * 3 * C],
      groups: [2000, B * T],
      y: [3000, B * T * C],
      scratch: [4000, simdAttentionScratch(T, 4, false)],
    };
    const [qkvAt] = regions.qkv as [number, number];
    for (let t = 0; t < B * T; t++)
      for (let c = 0; c < 3 * C; c++) heap[qkvAt + t * 3 * C + c] = c >= 2 * C ? 1 : Math.sin(t * 7 + c);
    ints.set([0, 0, 1, 1, 2, 2, 2, 0, 0, 0, 0, 3, 3, 3], regions.groups[0]);
    kernels.prefixAttentionForward(
      4 * qkvAt,
      4 * regions.groups[0]!,
      4 * regions.y[0]!,
      4 * regions.scratch[0]!,
      B,
      T,
      C,
      H,
      0.5,
    );
    expect(touchedOutside(heap, Object.values(regions))).toEqual([]);
    const y = heap.subarray(regions.y[0], regions.y[0]! + B * T * C);
    for (const v of y) expect(v).toBeCloseTo(1, 5);
  });

  it('sums a weight gradient over row chunks into its band of columns only, with the bias gradient', () => {
    const { kernels, heap } = onSentinelMemory(build);
    // 300 rows: three of the kernel's 128-row chunks; cin 18: a last block of two rows; columns [8, 28)
    // of 30: two 8-wide panels and a 4-wide one.
    const [rows, cin, cout, j0, j1] = [300, 18, 30, 8, 28];
    const [xAt, dyAt, dwAt, dbAt, scratchAt] = [100, 6000, 16000, 17000, 18000];
    for (let i = 0; i < rows * cin; i++) heap[xAt + i] = Math.sin(i * 0.37);
    for (let i = 0; i < rows * cout; i++) heap[dyAt + i] = Math.cos(i * 0.11);
    kernels.weightGrad(4 * xAt, 4 * dyAt, 4 * dwAt, 4 * dbAt, 4 * scratchAt, rows, cin, cout, j0, j1);
    const regions = [
      [xAt, rows * cin],
      [dyAt, rows * cout],
      ...Array.from({ length: cin }, (_, i) => [dwAt + i * cout + j0, j1 - j0]),
      [dbAt + j0, j1 - j0],
      [scratchAt, 128 * 8],
    ];
    expect(touchedOutside(heap, regions)).toEqual([]);
    const wrong: string[] = [];
    const check = (what: string, got: number, want: number) => {
      if (Math.abs(got - want) > 1e-4 + 1e-5 * Math.abs(want)) wrong.push(`${what} ${got} vs ${want}`);
    };
    for (let j = j0; j < j1; j++) {
      let sum = 0;
      for (let m = 0; m < rows; m++) sum += heap[dyAt + m * cout + j]!;
      check(`db[${j}]`, heap[dbAt + j]!, sum);
      for (let i = 0; i < cin; i++) {
        let dot = 0;
        for (let m = 0; m < rows; m++) dot += heap[xAt + m * cin + i]! * heap[dyAt + m * cout + j]!;
        check(`dw[${i}, ${j}]`, heap[dwAt + i * cout + j]!, dot);
      }
    }
    expect(wrong).toEqual([]);
  });

  it.each([true, false])(
    'packs b once and multiplies a band of rows over row chunks into its columns of four only (bias: %s), as the JS loop does',
    (withBias) => {
      const { kernels, heap } = onSentinelMemory(build);
      // k 300: row chunks of 52 (the module keeps 64 KB of a's rows); rows [6, 121): chunks of 52, 52
      // and 11, the last block of four with three rows; m 14: an 8-wide panel and a 4-wide one, and two
      // columns left to the caller.
      const [rows, k, m, r0, r1] = [121, 300, 14, 6, 121];
      const [aAt, bAt, biasAt, cAt, panelsAt] = [100, 36500, 40800, 41000, 43000];
      for (let i = 0; i < rows * k; i++) heap[aAt + i] = Math.sin(i * 0.37);
      for (let i = 0; i < k * m; i++) heap[bAt + i] = Math.cos(i * 0.11);
      for (let j = 0; j < m; j++) heap[biasAt + j] = j - 6.5;
      const bias = withBias ? 4 * biasAt : 0;
      kernels.packPanels(4 * bAt, 4 * panelsAt, k, m);
      kernels.matMul(4 * aAt, 4 * panelsAt, bias, 4 * cAt, k, m, r0, r1);
      const regions = [
        [aAt, rows * k],
        [bAt, k * m],
        [biasAt, m],
        ...Array.from({ length: r1 - r0 }, (_, i) => [cAt + (r0 + i) * m, m - (m % 4)]),
        [panelsAt, k * (m - (m % 4))],
      ];
      expect(touchedOutside(heap, regions)).toEqual([]);
      const a = heap.slice(aAt, aAt + rows * k);
      const b = heap.slice(bAt, bAt + k * m);
      const want = new Float32Array(rows * m);
      matMulInto(a, b, withBias ? heap.slice(biasAt, biasAt + m) : null, want, rows, k, m);
      const wrong: string[] = [];
      const close = (got: number, w: number) =>
        exact ? got === w : Math.abs(got - w) <= 1e-4 + 1e-5 * Math.abs(w);
      for (let r = r0; r < r1; r++)
        for (let j = 0; j < m - (m % 4); j++)
          if (!close(heap[cAt + r * m + j]!, want[r * m + j]!)) wrong.push(`c[${r}, ${j}]`);
      expect(wrong).toEqual([]);
    },
  );
});
