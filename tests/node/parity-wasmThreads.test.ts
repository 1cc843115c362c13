// The threaded wasm build in Node (opt-in, src/platform/wasmThreads.ts) starts with 2 XNNPACK threads
// and trains like the stock-op reference on cpu: one step's loss and every gradient
// (|threads - ref| <= 1e-4 * max|ref| + 1e-6 per parameter) and 10 AdamW steps' losses (within 2e-3), with
// the host kernels' SIMD module working in the build's shared memory.
// Sized to stay far inside its timeout on a slow, loaded 2-core machine (a Xeon where a wasm step is ~4x
// this EPYC's): two threads spin on two busy cores there.
// This file runs in its own process (vitest forks per file): the wasm build is chosen once per process.
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import type { GPTConfig } from '../../src/model/config.ts';
import { simdKernelsStatus } from '../../src/model/kernels/simd/simdKernels.ts';
import { referenceOps } from '../../src/model/modelOps.ts';
import { selectBackend } from '../../src/platform/backend.ts';
import { lossAndGrads, maxAbs, maxAbsDiff, trainLosses } from './parity-helpers.ts';

// Wide enough that XNNPACK splits its matmuls over both threads.
const config: GPTConfig = { vocabSize: 13, nLayer: 2, nHead: 4, nEmbd: 64, blockSize: 64, dropout: 0 };
const steps = 10;

describe('wasm with 2 threads in Node', () => {
  it(
    'starts the threaded build with 2 threads and matches the reference on cpu',
    { timeout: 900_000 },
    async () => {
      process.env.PERSONA_LAB_WASM_THREADS = '2';
      const report = await selectBackend('wasm');
      expect(report.backend).toBe('wasm');
      expect(report.wasm?.threads).toBe(true);
      expect(getThreadsCount()).toBe(2);
      const threaded = await lossAndGrads(config, undefined); // the model's default (fast) ops for wasm
      const threadedLosses = await trainLosses(config, undefined, steps);
      // The host kernels ran in wasm SIMD on the threaded build's shared memory.
      expect(simdKernelsStatus()).toEqual({ active: true, reason: 'active' });

      await selectBackend('cpu');
      const ref = await lossAndGrads(config, referenceOps);
      const refLosses = await trainLosses(config, referenceOps, steps);

      expect(Math.abs(threaded.loss - ref.loss)).toBeLessThan(1e-5 * Math.abs(ref.loss));
      ref.grads.forEach((g, i) => {
        expect(maxAbsDiff(threaded.grads[i]!, g), `parameter ${i}`).toBeLessThanOrEqual(
          1e-4 * maxAbs(g) + 1e-6,
        );
      });
      expect(refLosses[steps - 1]!).toBeLessThan(refLosses[0]! - 0.5);
      expect(maxAbsDiff(threadedLosses, refLosses)).toBeLessThanOrEqual(2e-3);
    },
  );
});
