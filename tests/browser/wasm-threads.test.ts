// The wasm backend's pthreads do real work through the main script that wasmPthreadScript.ts hands them
// (the package's own, unminified copy): on a page that reports 4 logical cores, as a common laptop does,
// tfjs runs its threaded SIMD build on 2 threads (half the cores), and a matmul large enough for XNNPACK
// to split across the pool matches the cpu backend. This machine has 2 cores, on which tfjs would run one
// thread and leave the pthreads idle: hence the reported core count.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/platform/backend.ts';

async function product(): Promise<Float32Array> {
  const a = tf.randomNormal([384, 256], 0, 1, 'float32', 1);
  const b = tf.randomNormal([256, 320], 0, 1, 'float32', 2);
  const c = tf.matMul(a, b);
  const values = (await c.data()) as Float32Array;
  tf.dispose([a, b, c]);
  return values;
}

describe('wasm threads in Chromium', () => {
  it('two pthreads load the main script and compute a matmul equal to cpu', async () => {
    expect(globalThis.crossOriginIsolated).toBe(true);
    Object.defineProperty(navigator, 'hardwareConcurrency', { value: 4, configurable: true });
    const report = await selectBackend('wasm');
    expect(report.wasm).toMatchObject({ simd: true, threads: true, threadsCount: 2 });
    const threaded = await product();
    expect((await selectBackend('cpu')).backend).toBe('cpu');
    const reference = await product();
    let worst = 0;
    for (let i = 0; i < reference.length; i++)
      worst = Math.max(worst, Math.abs(threaded[i]! - reference[i]!));
    expect(worst).toBeLessThan(1e-3);
  });
});
