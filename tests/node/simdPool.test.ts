// The SIMD kernels' thread pool (src/model/kernels/simd/simdPool.ts) on the threaded wasm build in Node:
// attention (training's and scoring's), GELU, AdamW, the transpose and the weight gradient split over two threads give bit
// for bit the values they give on one (each output element is computed by the same code in the same
// order), and the split really ran on a worker.
// This file runs in its own process (vitest forks per file): the wasm build is chosen once per process.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { GPTConfig } from '../../src/model/config.ts';
import { simdKernelsIn, simdPoolIn } from '../../src/model/kernels/simd/simdKernels.ts';
import { setSimdThreads, splitEvenly, type SimdPool } from '../../src/model/kernels/simd/simdPool.ts';
import { prefixAttention } from '../../src/model/prefixAttention.ts';
import { selectBackend } from '../../src/platform/backend.ts';
import { lossAndGrads, trainLosses } from './parity-helpers.ts';

// Large enough that every pooled kernel splits: attention 12.6M multiply-adds a call, GELU 786K elements,
// the MLP's weights 147K (AdamW); small enough for a slow, loaded 2-core machine.
const config: GPTConfig = { vocabSize: 13, nLayer: 1, nHead: 6, nEmbd: 192, blockSize: 128, dropout: 0 };

describe('splitEvenly', () => {
  it('covers the range in order, in nearly equal aligned slices', () => {
    expect(splitEvenly(10, 1)).toEqual([[0, 10]]);
    expect(splitEvenly(10, 2)).toEqual([
      [0, 5],
      [5, 5],
    ]);
    expect(splitEvenly(7, 3)).toEqual([
      [0, 3],
      [3, 2],
      [5, 2],
    ]);
    expect(splitEvenly(100, 3, 16)).toEqual([
      [0, 48],
      [48, 32],
      [80, 20],
    ]);
    expect(splitEvenly(20, 4, 16)).toEqual([
      [0, 16],
      [16, 4],
    ]);
    expect(splitEvenly(0, 2)).toEqual([]);
  });
});

describe('the SIMD kernels on two threads', () => {
  it('match one thread bit for bit, and the worker takes part', { timeout: 900_000 }, async () => {
    process.env.PERSONA_LAB_WASM_THREADS = '2';
    const report = await selectBackend('wasm');
    expect(report.wasm?.hostKernels).toEqual({ simd: true, reason: 'active', threads: 2, fma: true });
    const backend = tf.backend() as unknown as {
      wasm: { wasmMemory: unknown };
      dataIdMap: { get(dataId: object): { memoryOffset: number } };
    };
    const pool = simdPoolIn(backend.wasm.wasmMemory) as SimdPool;
    expect(pool).not.toBeNull();
    // Workers start on the first split worth it and take work once ready: wait for them.
    pool.parts(1 << 30, 1); // asking starts them
    for (let i = 0; i < 3000 && pool.ready() < 2; i++) await new Promise((r) => setTimeout(r, 100));
    expect(pool.ready()).toBe(2);
    // Work worth two threads is split into four parts a thread, handed out as threads free up.
    expect(pool.parts(1 << 30, 1)).toBe(8);
    expect(pool.parts(3, 2)).toBe(1);

    // More calls than a job holds (128) run as several jobs: 300 GELU calls of 16 elements each, over
    // two threads, as 3 jobs offered to the worker, equal one call over all.
    const n = 300 * 16;
    const ptr = (t: tf.Tensor) => backend.dataIdMap.get(t.dataId).memoryOffset;
    const x = tf.randomNormal([n], 0, 2, 'float32', 5);
    const [y1, t1, y2, t2] = [1, 2, 3, 4].map((v) => tf.fill([n], v)) as [
      tf.Tensor,
      tf.Tensor,
      tf.Tensor,
      tf.Tensor,
    ];
    const before = pool.jobs;
    pool.run(
      'gelu',
      Array.from({ length: 300 }, (_, i) => [ptr(x) + 64 * i, ptr(y1) + 64 * i, ptr(t1) + 64 * i, 16]),
    );
    expect(pool.jobs - before).toBe(3);
    simdKernelsIn(backend.wasm.wasmMemory)!.gelu(ptr(x), ptr(y2), ptr(t2), n);
    expect(await y1.data()).toEqual(await y2.data());
    expect(await t1.data()).toEqual(await t2.data());
    tf.dispose([x, y1, t1, y2, t2]);

    // A transpose in two bands of rows (each into its columns of the result, rows not a multiple of the
    // 32-row tiles) equals one call over the whole matrix.
    const [rows, cols] = [333, 70];
    const m = tf.randomNormal([rows, cols], 0, 1, 'float32', 6);
    const [mt1, mt2] = [tf.zeros([cols, rows]), tf.ones([cols, rows])];
    const bands = splitEvenly(rows, 2, 32);
    expect(bands).toEqual([
      [0, 192],
      [192, 141],
    ]);
    const jobsBefore = pool.jobs;
    pool.run(
      'transpose',
      bands.map(([r, count]) => [ptr(m) + 4 * r * cols, ptr(mt1) + 4 * r, count, cols, rows]),
    );
    expect(pool.jobs - jobsBefore).toBe(1);
    simdKernelsIn(backend.wasm.wasmMemory)!.transpose(ptr(m), ptr(mt2), rows, cols, rows);
    expect(await mt1.data()).toEqual(await mt2.data());
    expect(await mt2.data()).toEqual(await tf.transpose(m).data());
    tf.dispose([m, mt1, mt2]);

    // A weight gradient in two bands of columns (an 8-wide and a 4-wide panel in the second; cin not a
    // multiple of the 4-row blocks) equals one call.
    const [gRows, cin, cout] = [600, 42, 36];
    const gx = tf.randomNormal([gRows, cin], 0, 1, 'float32', 8);
    const gdy = tf.randomNormal([gRows, cout], 0, 1, 'float32', 9);
    const [dw1, db1, dw2, db2] = [
      tf.zeros([cin, cout]),
      tf.zeros([cout]),
      tf.ones([cin, cout]),
      tf.ones([cout]),
    ];
    const panels = tf.zeros([2, 128 * 8]);
    const gradBands = splitEvenly(cout, 2, 8);
    expect(gradBands).toEqual([
      [0, 24],
      [24, 12],
    ]);
    const grad = (dw: tf.Tensor, db: tf.Tensor, part: number, j: number, count: number) =>
      [
        ptr(gx),
        ptr(gdy),
        ptr(dw),
        ptr(db),
        ptr(panels) + 4 * 128 * 8 * part,
        gRows,
        cin,
        cout,
        j,
        j + count,
      ] as const;
    const jobsBeforeGrad = pool.jobs;
    pool.run(
      'weightGrad',
      gradBands.map(([j, count], part) => [...grad(dw1, db1, part, j, count)]),
    );
    expect(pool.jobs - jobsBeforeGrad).toBe(1);
    simdKernelsIn(backend.wasm.wasmMemory)!.weightGrad(...grad(dw2, db2, 0, 0, cout));
    expect(await dw1.data()).toEqual(await dw2.data());
    expect(await db1.data()).toEqual(await db2.data());
    tf.dispose([gx, gdy, dw1, db1, dw2, db2, panels]);

    // Scoring's prefix attention (forward only), 7M multiply-adds: split by batch rows.
    const scoringRows = tf.randomNormal<tf.Rank.R3>([8, 96, 3 * 192], 0, 1, 'float32', 7);
    const groups = tf.tensor2d(
      Int32Array.from({ length: 8 * 96 }, (_, i) => (i % 96 < 40 ? 0 : 1 + ((i % 96) % 3))),
      [8, 96],
      'int32',
    );
    const prefixOut = async () => {
      const out = prefixAttention(scoringRows, groups, 6);
      const values = await out.data();
      out.dispose();
      return values;
    };
    const jobsBeforePrefix = pool.jobs;
    const pooledPrefix = await prefixOut();
    expect(pool.jobs).toBeGreaterThan(jobsBeforePrefix);

    const workerCalls = pool.workerCalls;
    const pooled = await lossAndGrads(config, undefined);
    const pooledLosses = await trainLosses(config, undefined, 3);
    expect(pool.workerCalls).toBeGreaterThan(workerCalls); // the worker took calls in training
    const jobs = pool.jobs;

    setSimdThreads(1);
    expect(await prefixOut()).toEqual(pooledPrefix);
    tf.dispose([scoringRows, groups]);
    const single = await lossAndGrads(config, undefined);
    const singleLosses = await trainLosses(config, undefined, 3);
    expect(pool.jobs).toBe(jobs); // one thread: nothing went to the worker

    expect(pooled.loss).toBe(single.loss);
    single.grads.forEach((g, i) => expect(pooled.grads[i], `parameter ${i}`).toEqual(g));
    expect(pooledLosses).toEqual(singleLosses);
    expect(singleLosses[2]).toBeLessThan(singleLosses[0]!);
    pool.close();
  });
});
