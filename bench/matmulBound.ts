// The matmul bound of one training step on the active backend (wasm: XNNPACK): the time the step's
// matrix products alone take when each runs as a plain 2-D product (no transposed operand, batch 1),
// the fastest form the backend has. A step can approach it, not beat it: `npm run bench` prints the
// fast step's ratio to it, measured in the same run. Attention's products are counted per head, as the
// fast path runs them, both over the full [T, T] scores and over the causal lower triangle only (half).
import * as tf from '@tensorflow/tfjs';
import type { GPTConfig } from '../src/model/config.ts';
import { median } from './benchCore.ts';

export interface MatMulShape {
  label: string;
  /** [m, k] x [k, n], `count` times a step. */
  m: number;
  k: number;
  n: number;
  count: number;
  /** Part of the causal attention's [T, T] work (halved by a lower-triangle-only kernel). */
  attention: boolean;
}

/** Every product of one forward + backward step of the GPT with plain-linear layers. */
export function stepMatMuls(config: GPTConfig, batchSize: number): MatMulShape[] {
  const { nEmbd: c, blockSize: t, nHead, vocabSize: v, nLayer } = config;
  const rows = batchSize * t;
  const d = c / nHead;
  const heads = batchSize * nHead * nLayer;
  const linears: [string, number, number][] = [
    ['qkv', c, 3 * c],
    ['attn out', c, c],
    ['mlp in', c, 4 * c],
    ['mlp out', 4 * c, c],
  ];
  const shapes: MatMulShape[] = [];
  const linear = (label: string, cin: number, cout: number, count: number) => {
    shapes.push({ label: `${label} forward`, m: rows, k: cin, n: cout, count, attention: false });
    shapes.push({ label: `${label} dx`, m: rows, k: cout, n: cin, count, attention: false });
    shapes.push({ label: `${label} dw`, m: cin, k: rows, n: cout, count, attention: false });
  };
  for (const [label, cin, cout] of linears) linear(label, cin, cout, nLayer);
  linear('head', c, v, 1);
  // Per head: S = Q K^T and Y = P V forward; dP = dY V^T, dV = P^T dY, dQ = dS K, dK = dS^T Q backward.
  shapes.push({ label: 'attention scores (S, dP)', m: t, k: d, n: t, count: 2 * heads, attention: true });
  shapes.push({
    label: 'attention values (Y, dV, dQ, dK)',
    m: t,
    k: t,
    n: d,
    count: 4 * heads,
    attention: true,
  });
  return shapes;
}

export interface MatMulBound {
  /** ms a step's products take, with attention over the full [T, T] and over its lower triangle. */
  fullMs: number;
  causalMs: number;
  /** The same in the process's CPU time, where `cpuClockMs` was given (else null). */
  fullCpuMs: number | null;
  causalCpuMs: number | null;
  gflop: number;
  /** Per shape: median wall and CPU ms of one product, and its GFLOP/s (by CPU time where known). */
  shapes: (MatMulShape & { msEach: number; cpuMsEach: number | null; gflops: number })[];
}

/**
 * Times each shape's product (median of `repeats` after a warm-up) on the active backend, by wall clock
 * and, with `cpuClockMs` (Node: process.cpuUsage), by the process's CPU time.
 */
export async function measureMatMulBound(
  shapes: MatMulShape[],
  cpuClockMs?: () => number,
  repeats = 5,
): Promise<MatMulBound> {
  const timed: MatMulBound['shapes'] = [];
  for (const shape of shapes) {
    const a = tf.randomUniform([shape.m, shape.k]);
    const b = tf.randomUniform([shape.k, shape.n]);
    const once = async () => {
      const start = performance.now();
      const out = tf.matMul(a, b);
      await out.data();
      out.dispose();
      return performance.now() - start;
    };
    // Short products are timed in batches, so that the timer's resolution does not dominate.
    const inner = shape.m * shape.k * shape.n < 1e6 ? 20 : 1;
    await once();
    const samples: number[] = [];
    const cpuSamples: number[] = [];
    for (let r = 0; r < repeats; r++) {
      let total = 0;
      const cpuStart = cpuClockMs?.() ?? 0;
      for (let i = 0; i < inner; i++) total += await once();
      samples.push(total / inner);
      cpuSamples.push(((cpuClockMs?.() ?? 0) - cpuStart) / inner);
    }
    tf.dispose([a, b]);
    const msEach = median(samples);
    const flop = 2 * shape.m * shape.k * shape.n;
    const cpuMsEach = cpuClockMs ? median(cpuSamples) : null;
    timed.push({ ...shape, msEach, cpuMsEach, gflops: flop / ((cpuMsEach ?? msEach) / 1000) / 1e9 });
  }
  const sum = (f: (s: (typeof timed)[number]) => number) => timed.reduce((n, s) => n + f(s), 0);
  const half = (s: (typeof timed)[number]) => s.count * (s.attention ? 0.5 : 1);
  return {
    fullMs: sum((s) => s.msEach * s.count),
    causalMs: sum((s) => s.msEach * half(s)),
    fullCpuMs: cpuClockMs ? sum((s) => s.cpuMsEach! * s.count) : null,
    causalCpuMs: cpuClockMs ? sum((s) => s.cpuMsEach! * half(s)) : null,
    gflop: sum((s) => 2 * s.m * s.k * s.n * s.count) / 1e9,
    shapes: timed,
  };
}
