// A training worker in miniature for simdPool-worker.test.ts: in a page's module Worker, as the engine
// runs, it starts the wasm backend on a reported 4 cores (tfjs takes half: 2 threads), waits for the SIMD
// kernels' pool to start its nested worker, and runs attention and a linear layer's gradients split over
// both threads and then on one, answering with the backend report, the pool's job and worker call counts
// and whether the runs agree bit for bit.
import * as tf from '@tensorflow/tfjs';
import { opsFor } from '../../src/model/fastOps.ts';
import { simdPoolIn } from '../../src/model/kernels/simd/simdKernels.ts';
import { setSimdThreads } from '../../src/model/kernels/simd/simdPool.ts';
import { selectBackend } from '../../src/platform/backend.ts';

export interface PoolWorkerAnswer {
  wasm: unknown;
  poolReady: boolean;
  jobs: number;
  workerCalls: number;
  jobsOnOneThread: number;
  equal: boolean;
  error?: string;
}

Object.defineProperty(navigator, 'hardwareConcurrency', { value: 4, configurable: true });

/** Attention over [8, 128, 3 x 192] (6 heads) and a [1024, 64] -> 48 linear's gradients, as flat arrays. */
async function outputs(): Promise<Float32Array[]> {
  const ops = opsFor('wasm');
  const qkv = tf.randomNormal<tf.Rank.R3>([8, 128, 3 * 192], 0, 1, 'float32', 3);
  const x = tf.randomNormal<tf.Rank.R3>([4, 256, 64], 0, 1, 'float32', 4);
  const w = tf.randomNormal<tf.Rank.R2>([64, 48], 0, 1, 'float32', 5);
  const b = tf.randomNormal<tf.Rank.R1>([48], 0, 1, 'float32', 6);
  const attention = ops.causalAttention(qkv, 6);
  const grads = tf.grads((xs: tf.Tensor, ws: tf.Tensor, bs: tf.Tensor) =>
    tf.sum(tf.square(ops.linear(xs as tf.Tensor3D, ws as tf.Tensor2D, bs as tf.Tensor1D))),
  )([x, w, b]);
  const values = await Promise.all([attention, ...grads].map(async (t) => (await t.data()) as Float32Array));
  tf.dispose([qkv, x, w, b, attention, ...grads]);
  return values;
}

self.onmessage = async () => {
  const answer: PoolWorkerAnswer = {
    wasm: null,
    poolReady: false,
    jobs: 0,
    workerCalls: 0,
    jobsOnOneThread: 0,
    equal: false,
  };
  try {
    answer.wasm = (await selectBackend('wasm')).wasm;
    const memory = (tf.backend() as unknown as { wasm: { wasmMemory: unknown } }).wasm.wasmMemory;
    const pool = simdPoolIn(memory);
    if (pool) {
      // Workers start on the first split worth it and take work once ready: wait for them.
      pool.parts(1 << 30, 1); // asking starts them
      for (let i = 0; i < 3000 && pool.ready() < 2; i++) await new Promise((r) => setTimeout(r, 100));
      answer.poolReady = pool.ready() === 2;
      // Calls go to whichever thread is free first: on a loaded machine the caller may take them all
      // before the worker wakes, so run until the worker has taken some (each run must agree anyway).
      const pooled: Float32Array[][] = [];
      for (let i = 0; i < 20 && pool.workerCalls === 0; i++) pooled.push(await outputs());
      answer.workerCalls = pool.workerCalls;
      answer.jobs = pool.jobs;
      setSimdThreads(1);
      const single = await outputs();
      answer.jobsOnOneThread = pool.jobs - answer.jobs;
      answer.equal = pooled.every((run) =>
        run.every((v, i) => v.length === single[i]!.length && v.every((x, j) => x === single[i]![j])),
      );
      pool.close();
    }
  } catch (error) {
    answer.error = error instanceof Error ? error.message : String(error);
  }
  postMessage(answer);
};
