// `npm run bench -- simd`: the fast-op training step on Node wasm with the host kernels' wasm SIMD module
// (src/model/kernels/simd/) against the same step on their JS loops, one model, alternating A/B/A/B in one
// run so both sides see the same machine and load; then the step's matmul bound measured in the same run.
// Prints each round's wall and CPU ms per step, the ratios' median and range, and step / bound per side.
//   --rounds N   A/B pairs (default 4)      --steps N   steps per round and side (default 3)
//   --tiny       the tiny config instead of the reference one
//   --pool       on the threaded build (PERSONA_LAB_WASM_THREADS=N): A = the SIMD kernels split over the
//                kernel pool's N threads, B = the same kernels on the calling thread alone
// Step / bound is given by CPU time and, since threads add CPU time of their own, by wall clock.
import * as tf from '@tensorflow/tfjs';
import { loadavg } from 'node:os';
import { setSimdKernelsEnabled, simdKernelsStatus } from '../src/model/kernels/simd/simdKernels.ts';
import { setSimdThreads, simdThreads } from '../src/model/kernels/simd/simdPool.ts';
import { selectBackend } from '../src/platform/backend.ts';
import { BENCH_CONFIGS, createBenchTrainer, median, type BenchCase } from './benchCore.ts';
import { machineLine } from './machine.ts';
import { measureMatMulBound, stepMatMuls } from './matmulBound.ts';

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

export async function runSimdBench(args: readonly string[]): Promise<void> {
  const option = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? Number(args[i + 1]) : undefined;
  };
  const rounds = option('--rounds') ?? 4;
  const steps = option('--steps') ?? 3;
  const configName: BenchCase['configName'] = args.includes('--tiny') ? 'tiny' : 'reference';
  const report = await selectBackend('wasm');
  const threads = report.wasm?.threadsCount ?? 1;
  const pool = args.includes('--pool');
  const poolThreads = simdThreads();
  if (pool && poolThreads < 2)
    throw new Error(
      '--pool needs the threaded build: PERSONA_LAB_WASM_THREADS=2 npm run bench -- simd --pool',
    );
  const [nameA, nameB] = pool ? ['pool', 'one thread'] : ['SIMD', 'JS'];
  console.log(machineLine());
  console.log(
    `SIMD pair, ${configName} config, Node ${tf.getBackend()} (${threads} thread${threads === 1 ? '' : 's'}): ` +
      (pool
        ? `A = host kernels in wasm SIMD split over ${poolThreads} threads, B = the same on the calling thread`
        : `A = host kernels in wasm SIMD, B = the same kernels' JS loops`) +
      `; ${rounds} rounds x ${steps} steps`,
  );
  const loadBefore = loadavg();
  const trainer = createBenchTrainer(configName, 'fast');
  const side = async (a: boolean, from: number) => {
    if (pool) setSimdThreads(a ? poolThreads : 1);
    else setSimdKernelsEnabled(a);
    const walls: number[] = [];
    const start = cpuMs();
    for (let s = 0; s < steps; s++) walls.push(await trainer.step(from + s));
    return { wallMs: median(walls), cpuMs: (cpuMs() - start) / steps };
  };
  try {
    // Warm-up on both paths (V8 and wasm compilation, heap growth).
    await side(true, 0);
    if (!simdKernelsStatus().active)
      throw new Error(`the SIMD kernels are not in use: ${simdKernelsStatus().reason}`);
    await side(false, steps);
    const a: { wallMs: number; cpuMs: number }[] = [];
    const b: { wallMs: number; cpuMs: number }[] = [];
    let i = 2 * steps;
    for (let r = 0; r < rounds; r++) {
      a.push(await side(true, i));
      i += steps;
      b.push(await side(false, i));
      i += steps;
      console.log(
        `  round ${r + 1}: ${nameA} ${a[r]!.wallMs.toFixed(0)} ms wall, ${a[r]!.cpuMs.toFixed(0)} ms CPU; ` +
          `${nameB} ${b[r]!.wallMs.toFixed(0)} ms wall, ${b[r]!.cpuMs.toFixed(0)} ms CPU`,
      );
    }
    setSimdKernelsEnabled(true);
    setSimdThreads(poolThreads);
    const ratios = (f: (x: { wallMs: number; cpuMs: number }) => number) => a.map((x, r) => f(b[r]!) / f(x));
    const spread = (v: number[]) =>
      `${median(v).toFixed(2)}x (range ${Math.min(...v).toFixed(2)}-${Math.max(...v).toFixed(2)})`;
    console.log(
      `${nameB} / ${nameA} per step: ${spread(ratios((x) => x.wallMs))} by wall, ${spread(ratios((x) => x.cpuMs))} by CPU time`,
    );
    const { model, batchSize } = BENCH_CONFIGS[configName];
    const bound = await measureMatMulBound(stepMatMuls(model, batchSize), cpuMs);
    const perSide = (name: string, xs: { cpuMs: number; wallMs: number }[]) => {
      const [cpu, wall] = [median(xs.map((x) => x.cpuMs)), median(xs.map((x) => x.wallMs))];
      return (
        `${name} ${(cpu / bound.causalCpuMs!).toFixed(2)}x by CPU time, ` +
        `${(wall / bound.causalMs).toFixed(2)}x by wall (${wall.toFixed(0)} ms)`
      );
    };
    console.log(
      `matmul bound (causal attention) ${bound.causalCpuMs!.toFixed(0)} ms CPU, ${bound.causalMs.toFixed(0)} ms wall a step ` +
        `(${bound.gflop.toFixed(2)} GFLOP); step / bound: ${perSide(nameA, a)}; ${perSide(nameB, b)}`,
    );
    const load = (l: number[]) => l.map((x) => x.toFixed(1)).join(' ');
    console.log(`load average ${load(loadBefore)} -> ${load(loadavg())}`);
  } finally {
    setSimdKernelsEnabled(true);
    setSimdThreads(poolThreads);
    trainer.dispose();
  }
}
