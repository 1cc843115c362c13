// The SIMD kernels' thread pool in a page: in a module Worker (where the engine trains) on the threaded
// wasm build, the pool starts a nested Worker from a Blob, attention and a linear layer's gradients split
// over both threads, and the results equal one thread's bit for bit (simdPoolWorker.ts does the work).
import { describe, expect, it } from 'vitest';
import type { PoolWorkerAnswer } from './simdPoolWorker.ts';

describe('the SIMD kernels pool in a page worker', () => {
  it(
    'splits kernels over a nested worker and matches one thread bit for bit',
    { timeout: 600_000 },
    async () => {
      expect(globalThis.crossOriginIsolated).toBe(true);
      const worker = new Worker(new URL('./simdPoolWorker.ts', import.meta.url), { type: 'module' });
      const answer = await new Promise<PoolWorkerAnswer>((resolve, reject) => {
        worker.onmessage = (event: MessageEvent<PoolWorkerAnswer>) => resolve(event.data);
        worker.onerror = (event) => reject(new Error(`the test worker failed: ${event.message}`));
        worker.postMessage('go');
      });
      worker.terminate();
      expect(answer.error).toBeUndefined();
      expect(answer.wasm).toMatchObject({
        simd: true,
        threads: true,
        threadsCount: 2,
        hostKernels: { simd: true, reason: 'active', threads: 2, fma: true },
      });
      expect(answer.poolReady).toBe(true);
      expect(answer.jobs).toBeGreaterThan(0);
      expect(answer.workerCalls).toBeGreaterThan(0); // the nested worker took part
      expect(answer.jobsOnOneThread).toBe(0);
      expect(answer.equal).toBe(true);
    },
  );
});
