// One benchmark measurement, shared by the Node runner and the browser page: train a model for a few
// steps on the active backend with one op set, and report the median step time, tokens per second,
// kernels per step (tf.profile), GPU programs per step on webgpu (one kernel may dispatch several
// programs, and some stock kernels, e.g. Reshape, dispatch none) and peak tensor memory. No Node or
// DOM imports.
import * as tf from '@tensorflow/tfjs';
import type { GPTConfig } from '../src/model/config.ts';
import { opsFor } from '../src/model/fastOps.ts';
import { GPT } from '../src/model/gpt.ts';
import { referenceOps } from '../src/model/modelOps.ts';
import { AdamW } from '../src/train/adamW.ts';
import { trainStep } from '../src/train/trainStep.ts';

export interface BenchCase {
  configName: 'reference' | 'tiny';
  ops: 'fast' | 'reference';
  /** Measured steps after warm-up (the median is reported). */
  steps: number;
  warmup: number;
}

export interface BenchResult extends BenchCase {
  where: 'node' | 'browser';
  backend: string;
  opsName: string;
  msPerStep: number;
  /** Every measured step's time, in order (the median of these is msPerStep). */
  stepMs: number[];
  /** The process's CPU ms per measured step (median), where the caller can read it (Node); else null. */
  cpuMsPerStep: number | null;
  tokensPerSecond: number;
  kernelsPerStep: number;
  /** tf.profile's kernels of one step, counted by name (where the dispatches go). */
  kernelCounts: Record<string, number>;
  /** WebGPU compute programs dispatched in one step (null off webgpu). */
  gpuProgramsPerStep: number | null;
  /** Those programs by class name (where the dispatches go). */
  gpuProgramCounts: Record<string, number> | null;
  /** WebGPU queue submissions in one step, without the loss's read-back (null off webgpu). */
  gpuSubmissionsPerStep: number | null;
  peakTensorBytes: number;
  /** webgpu: bytes in the backend's buffer pool after the case (it never shrinks: the peak so far). */
  gpuPoolBytes: number | null;
  /** Process RSS (Node) or JS heap (browser, where available), MB, after the run. */
  hostMemoryMB: number | null;
  losses: number[];
}

export const BENCH_CONFIGS: Record<BenchCase['configName'], { model: GPTConfig; batchSize: number }> = {
  // The science's model (issue 4): 2 layers, width 128, 4 heads, context 224, batch 32, vocab 56.
  reference: {
    model: { vocabSize: 56, nLayer: 2, nHead: 4, nEmbd: 128, blockSize: 224, dropout: 0 },
    batchSize: 32,
  },
  tiny: {
    model: { vocabSize: 56, nLayer: 2, nHead: 4, nEmbd: 32, blockSize: 32, dropout: 0 },
    batchSize: 8,
  },
};

export function syntheticBatch(batchSize: number, time: number, vocab: number) {
  const n = batchSize * time;
  const x = new Int32Array(n);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = (i * 7 + (i >> 5)) % vocab;
    y[i] = (i * 7 + 7 + (i >> 5)) % vocab;
  }
  return { batchSize, time, x, y, mask: new Float32Array(n).fill(1) };
}

/** The median; for an even count, the mean of the two middle values. */
export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = (sorted.length - 1) / 2;
  return (sorted[Math.floor(mid)]! + sorted[Math.ceil(mid)]!) / 2;
};

/** `name N` from a named case's arguments: a whole number of at least 1, or `fallback` when absent. */
export function wholeOption(args: readonly string[], name: string, fallback: number): number {
  const i = args.indexOf(name);
  const value = i >= 0 ? Number(args[i + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} takes a whole number of at least 1`);
  return value;
}

function countBy(names: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const name of names) counts[name] = (counts[name] ?? 0) + 1;
  return counts;
}

/**
 * Counts webgpu's `runWebGPUProgram` calls (by program name) and queue submissions until `stop`, which
 * returns null off webgpu.
 */
export function countGpuPrograms(): {
  stop(): { programs: number; byName: Record<string, number>; submissions: number } | null;
} {
  type Program = { constructor: { name: string }; shaderKey?: string };
  const backend = tf.backend() as unknown as {
    runWebGPUProgram?: (program: Program, ...args: unknown[]) => unknown;
    queue?: { submit: (...args: unknown[]) => unknown };
  };
  const original = backend.runWebGPUProgram;
  const queue = backend.queue;
  if (tf.getBackend() !== 'webgpu' || !original || !queue) return { stop: () => null };
  const names: string[] = [];
  let submissions = 0;
  const submit = queue.submit;
  backend.runWebGPUProgram = (program: Program, ...args: unknown[]) => {
    names.push(program.constructor.name);
    return original.call(backend, program, ...args);
  };
  queue.submit = (...args: unknown[]) => {
    submissions += 1;
    return submit.apply(queue, args);
  };
  return {
    stop: () => {
      backend.runWebGPUProgram = original;
      queue.submit = submit;
      return { programs: names.length, byName: countBy(names), submissions };
    },
  };
}

/** A model, optimizer and batch ready to train on the active backend; `step` times one training step. */
export interface BenchTrainer {
  opsName: string;
  tokensPerStep: number;
  /**
   * One step; resolves with its wall ms after the loss is read back (the device has finished).
   * `beforeReadBack` runs when the step's work is recorded and submitted, before that read-back.
   */
  step(i: number, beforeReadBack?: () => void): Promise<number>;
  losses: number[];
  /** Largest tf.memory().numBytes seen right after a step's graph was built. */
  peakBytes(): number;
  dispose(): void;
}

export function createBenchTrainer(
  configName: BenchCase['configName'],
  opsKind: BenchCase['ops'],
): BenchTrainer {
  const { model: config, batchSize } = BENCH_CONFIGS[configName];
  const ops = opsKind === 'fast' ? opsFor(tf.getBackend()) : referenceOps;
  const model = GPT.create(config, 1, ops);
  // The reference is stock ops throughout: the optimizer's flat stock-op update, not a fused kernel.
  const optimizer = new AdamW(model.params, model.specs, undefined, { fusedKernel: opsKind === 'fast' });
  const batch = syntheticBatch(batchSize, config.blockSize, config.vocabSize);
  const losses: number[] = [];
  let peak = tf.memory().numBytes;
  return {
    opsName: ops.name,
    tokensPerStep: batchSize * config.blockSize,
    losses,
    peakBytes: () => peak,
    async step(i, beforeReadBack) {
      const start = performance.now();
      const { loss, gradNorm } = trainStep(model, optimizer, batch, 1e-3, 1, i);
      peak = Math.max(peak, tf.memory().numBytes);
      beforeReadBack?.();
      losses.push((await loss.data())[0]!); // the read-back waits for the device: the step is done
      tf.dispose([loss, gradNorm]);
      return performance.now() - start;
    },
    dispose() {
      optimizer.dispose();
      model.dispose();
    },
  };
}

/** Runs one case on the active backend. `hostMemoryMB` is sampled by the caller's environment. */
export async function runBenchCase(
  bench: BenchCase,
  where: 'node' | 'browser',
  hostMemoryMB: () => number | null,
  cpuClockMs?: () => number,
): Promise<BenchResult> {
  const backend = tf.getBackend();
  const trainer = createBenchTrainer(bench.configName, bench.ops);
  const step: BenchTrainer['step'] = (...args) => trainer.step(...args);
  const times: number[] = [];
  for (let i = 0; i < bench.warmup; i++) await step(i);
  const cpuTimes: number[] = [];
  for (let i = 0; i < bench.steps; i++) {
    const cpuStart = cpuClockMs?.() ?? 0;
    times.push(await step(bench.warmup + i));
    cpuTimes.push((cpuClockMs?.() ?? 0) - cpuStart);
  }
  // Programs and submissions of one plain step: under tf.profile every kernel is timed, and tfjs's
  // webgpu backend then submits after each program.
  // The training loop reads back only at log steps: the loss's read-back (one more submission) is
  // left out of the count.
  const programs = countGpuPrograms();
  const counted: ReturnType<typeof programs.stop>[] = [];
  await step(bench.warmup + bench.steps, () => counted.push(programs.stop()));
  const gpuPrograms = counted[0] ?? null;
  const profile = await tf.profile(async () => {
    await step(bench.warmup + bench.steps + 1);
  });
  const result: BenchResult = {
    ...bench,
    where,
    backend,
    opsName: trainer.opsName,
    msPerStep: median(times),
    stepMs: times.map((t) => Math.round(t)),
    cpuMsPerStep: cpuClockMs ? median(cpuTimes) : null,
    tokensPerSecond: trainer.tokensPerStep / (median(times) / 1000),
    kernelsPerStep: profile.kernels.length,
    gpuProgramsPerStep: gpuPrograms?.programs ?? null,
    gpuProgramCounts: gpuPrograms?.byName ?? null,
    gpuSubmissionsPerStep: gpuPrograms?.submissions ?? null,
    kernelCounts: countBy(profile.kernels.map((k) => k.name)),
    peakTensorBytes: Math.max(trainer.peakBytes(), profile.peakBytes),
    gpuPoolBytes: (tf.memory() as { numBytesAllocatedInGPU?: number }).numBytesAllocatedInGPU ?? null,
    hostMemoryMB: hostMemoryMB(),
    losses: trainer.losses,
  };
  trainer.dispose();
  return result;
}
