// `npm run bench`: the fast ops against the stock-op reference, side by side in one run, on the
// reference config and a tiny one, on `wasm` and `cpu` in Node and on `webgpu`, `webgl` and `wasm` in
// headless Chromium (Playwright, WebGPU on SwiftShader). Prints a table; writes bench/out/bench.json.
//   --node | --browser   only that side          --tiny       tiny config only
//   --steps N            measured steps (default 3; slow cases use fewer, see stepsFor)
//   --skip-slow          skip the reference config on cpu and on browser webgpu/webgl
//   --backends a,b       only these backends      --fast-only  skip the stock-op reference cases
// Node wasm threads (opt-in, src/platform/wasmThreads.ts): PERSONA_LAB_WASM_THREADS=2 npm run bench ...
//   --node-webgpu        also webgpu in Node, through Dawn (src/platform/nodeWebGpu.ts): on a GPU, or on
//                        SwiftShader with VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json
//   --submit-batch N     webgpu in Node: tfjs's WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE (the project sets 1000)
//   --no-peer            skip the peer (@genai-fi/nanogpt) on webgpu and webgl in the browser section
//   --no-torch           skip the PyTorch pair that follows the Node cases when PyTorch is installed
// Named cases instead of the step table: `npm run bench -- eval` (bench/evalBench.ts),
// `npm run bench -- reference-short` (bench/referenceShort.ts), `npm run bench -- scaling`
// (bench/scalingBench.ts), `npm run bench -- torch` (bench/torchPair.ts: the step against PyTorch,
// A/B/A/B), `npm run bench -- simd` (bench/simdPair.ts: the host kernels in wasm SIMD against their JS
// loops, A/B/A/B), `npm run bench -- fma` (bench/fmaPair.ts: the products with and without fused
// multiply-add, A/B/A/B) and `npm run bench -- step` (bench/stepLoop.ts: the reference step alone, to
// alternate two commits).
import * as tf from '@tensorflow/tfjs';
import { mkdirSync, writeFileSync } from 'node:fs';
import { chromium } from 'playwright';
import { createServer } from 'vite';
import { chromiumArgs, chromiumPath } from '../scripts/chromium.ts';
import { selectBackend } from '../src/platform/backend.ts';
import { loadavg } from 'node:os';
import { BENCH_CONFIGS, runBenchCase, type BenchCase, type BenchResult } from './benchCore.ts';
import { measureMatMulBound, stepMatMuls, type MatMulBound } from './matmulBound.ts';
import type { PeerResult } from './peerBench.ts';
import { machineLine } from './machine.ts';
import { describePair, findTorchPython, runTorchPair, type TorchPairResult } from './torchPair.ts';

const args = process.argv.slice(2);
const NAMED_CASES: Record<string, () => Promise<{ run(args: readonly string[]): Promise<void> }>> = {
  eval: async () => ({ run: (await import('./evalBench.ts')).runEvalBench }),
  'reference-short': async () => ({ run: (await import('./referenceShort.ts')).runReferenceShort }),
  scaling: async () => ({ run: (await import('./scalingBench.ts')).runScalingBench }),
  torch: async () => ({ run: (await import('./torchPair.ts')).runTorchBench }),
  simd: async () => ({ run: (await import('./simdPair.ts')).runSimdBench }),
  step: async () => ({ run: (await import('./stepLoop.ts')).runStepLoop }),
  fma: async () => ({ run: (await import('./fmaPair.ts')).runFmaBench }),
};
const named = args[0] !== undefined ? NAMED_CASES[args[0]] : undefined;
if (named) {
  await (await named()).run(args.slice(1));
  process.exit(0);
}
const flag = (name: string) => args.includes(name);
const option = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const steps = Number(option('--steps') ?? 3);
const onlyBackends = option('--backends')?.split(',');
const wanted = (backend: string) => !onlyBackends || onlyBackends.includes(backend);

/** Slow cases (the reference config off wasm) get one warm-up and at most two measured steps. */
function casesFor(backend: string): BenchCase[] {
  const cases: BenchCase[] = [];
  for (const configName of flag('--tiny') ? (['tiny'] as const) : (['tiny', 'reference'] as const)) {
    const slow = configName === 'reference' && backend !== 'wasm';
    if (slow && flag('--skip-slow')) continue;
    for (const ops of flag('--fast-only') ? (['fast'] as const) : (['fast', 'reference'] as const)) {
      cases.push({
        configName,
        ops,
        steps: slow ? Math.min(steps, 2) : steps,
        warmup: configName === 'tiny' ? 2 : 1,
      });
    }
  }
  return cases;
}

async function runNode(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const nodeBackends = ['wasm', 'cpu', ...(flag('--node-webgpu') ? ['webgpu'] : [])];
  for (const backend of nodeBackends.filter(wanted)) {
    const report = await selectBackend(backend as 'wasm' | 'cpu' | 'webgpu');
    if (report.adapter) console.log(`node webgpu adapter: ${JSON.stringify(report.adapter)}`);
    const submitBatch = option('--submit-batch');
    if (backend === 'webgpu' && submitBatch)
      tf.env().set('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE', Number(submitBatch));
    for (const bench of casesFor(backend)) {
      const result = await runBenchCase(bench, 'node', () => process.memoryUsage().rss / 2 ** 20, cpuClockMs);
      print(result);
      console.log(`  CPU time per step ${result.cpuMsPerStep?.toFixed(0)} ms; ${loadLine()}`);
      results.push(result);
      if (backend === 'wasm' && bench.ops === 'fast') bounds.push(await runBound(result));
    }
  }
  return results;
}

const peers: PeerResult[] = [];
const bounds: { configName: string; stepMs: number; bound: MatMulBound }[] = [];

/** The process's CPU time (all its threads), ms. */
const cpuClockMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

const loadLine = () =>
  `load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`;

/** The step against its matmul bound (bench/matmulBound.ts), measured right after it in the same run. */
async function runBound(result: BenchResult) {
  const { model, batchSize } = BENCH_CONFIGS[result.configName];
  const bound = await measureMatMulBound(stepMatMuls(model, batchSize), cpuClockMs);
  const ratio = (step: number | null, of: number | null) =>
    step !== null && of !== null ? `${(step / of).toFixed(2)}x` : '-';
  console.log(
    `  matmul bound (${result.configName}, ${bound.gflop.toFixed(2)} GFLOP a step): ` +
      `wall ${bound.fullMs.toFixed(0)} ms, CPU ${bound.fullCpuMs?.toFixed(0)} ms ` +
      `(attention's lower triangle only: ${bound.causalMs.toFixed(0)} / ${bound.causalCpuMs?.toFixed(0)} ms); ` +
      `step / bound: ${ratio(result.msPerStep, bound.fullMs)} wall, ${ratio(result.cpuMsPerStep, bound.fullCpuMs)} CPU ` +
      `(${ratio(result.cpuMsPerStep, bound.causalCpuMs)} CPU against the lower-triangle bound); ${loadLine()}`,
  );
  for (const s of bound.shapes)
    console.log(
      `    ${s.label.padEnd(34)} [${s.m}x${s.k}]x[${s.k}x${s.n}] x${s.count}: ${s.msEach.toFixed(3)} ms wall, ` +
        `${s.cpuMsEach?.toFixed(3)} ms CPU each, ${s.gflops.toFixed(1)} GFLOP/s`,
    );
  return { configName: result.configName, stepMs: result.msPerStep, bound };
}

async function runBrowser(): Promise<BenchResult[]> {
  const server = await createServer({
    root: process.cwd(),
    server: { port: 0, host: '127.0.0.1' },
    logLevel: 'error',
  });
  await server.listen();
  const address = server.httpServer?.address();
  const port = typeof address === 'object' && address ? address.port : 5173;
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  const results: BenchResult[] = [];
  try {
    for (const backend of ['webgpu', 'webgl', 'wasm'].filter(wanted)) {
      // A fresh page per backend: each starts its own tfjs engine.
      const page = await browser.newPage();
      page.setDefaultTimeout(0);
      const open = async () => {
        await page.goto(`http://127.0.0.1:${port}/bench/index.html`);
        await page.waitForFunction(() => typeof window.runBrowserBench === 'function');
      };
      const runCase = (bench: BenchCase) =>
        page.evaluate(([b, c]) => window.runBrowserBench(b, [c]), [backend, bench] as const);
      await open();
      for (const bench of casesFor(backend)) {
        let out;
        try {
          out = await runCase(bench);
        } catch (error) {
          // Vite reloads the page once when it discovers a dependency to pre-bundle: retry once.
          if (!String(error).includes('Execution context was destroyed')) throw error;
          await open();
          out = await runCase(bench);
        }
        if ('error' in out) {
          console.log(`browser ${backend}: ${out.error}`);
          break;
        }
        for (const result of out) {
          print(result);
          results.push(result);
        }
      }
      await page.close();
      // The peer runs webgpu, webgl and cpu (not wasm), on a page of its own: it brings its own tfjs.
      if ((backend === 'webgpu' || backend === 'webgl') && !flag('--no-peer')) {
        const peerPage = await browser.newPage();
        peerPage.setDefaultTimeout(0);
        await peerPage.goto(`http://127.0.0.1:${port}/bench/index.html`);
        await peerPage.waitForFunction(() => typeof window.runPeerBench === 'function');
        for (const bench of casesFor(backend).filter((c) => c.ops === 'fast')) {
          const out = await peerPage.evaluate(([b, c, w, n]) => window.runPeerBench(b, c, w, n), [
            backend,
            bench.configName,
            bench.warmup,
            bench.steps,
          ] as const);
          if ('error' in out) {
            console.log(`peer ${backend} ${bench.configName}: ${out.error}`);
            continue;
          }
          printPeer(out, results);
          peers.push(out);
        }
        await peerPage.close();
      }
    }
  } finally {
    await browser.close();
    await server.close();
  }
  return results;
}

function print(r: BenchResult): void {
  console.log(
    [
      r.where.padEnd(7),
      r.backend.padEnd(6),
      r.configName.padEnd(9),
      r.opsName.padEnd(10),
      `${r.msPerStep.toFixed(0)} ms`.padStart(10),
      `${r.tokensPerSecond.toFixed(0)} tok/s`.padStart(14),
      `${r.kernelsPerStep} kernels`.padStart(13),
      r.gpuProgramsPerStep === null
        ? ''
        : `${r.gpuProgramsPerStep} GPU programs, ${r.gpuSubmissionsPerStep} submissions, ` +
          `${((r.gpuPoolBytes ?? 0) / 2 ** 20).toFixed(0)} MB GPU pool`,
      `${(r.peakTensorBytes / 2 ** 20).toFixed(0)} MB tensors`.padStart(16),
      r.hostMemoryMB === null ? '' : `${r.hostMemoryMB.toFixed(0)} MB host`,
    ].join(' '),
  );
}

/** The peer's line, with the ratio to the project's fast case of the same backend and config. */
function printPeer(peer: PeerResult, results: BenchResult[]): void {
  const ours = results.find(
    (r) => r.ops === 'fast' && r.backend === peer.backend && r.configName === peer.configName,
  );
  const ratio = ours
    ? ` (project / peer tokens/s: ${(ours.tokensPerSecond / peer.tokensPerSecond).toFixed(2)}x)`
    : '';
  console.log(
    `browser ${peer.backend.padEnd(6)} ${peer.configName.padEnd(9)} ${'peer'.padEnd(10)} ${peer.msPerStep.toFixed(0)} ms ` +
      `(${peer.stepMs.join(', ')}) ${peer.tokensPerSecond.toFixed(0)} tok/s${ratio}${peer.clipped ? '' : ', no clipping'}`,
  );
}

/** The markdown table: one row per (where, backend, config), fast and reference side by side. */
function table(results: BenchResult[]): string {
  const rows = [
    '| where | backend | config | fast ms/step | ref ms/step | speed-up | fast / ref CPU ms/step | fast tok/s | fast kernels/step | ref kernels/step | fast / ref GPU programs/step | fast / ref peak tensor MB |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const fast of results.filter((r) => r.ops === 'fast')) {
    const ref = results.find(
      (r) =>
        r.ops === 'reference' &&
        r.where === fast.where &&
        r.backend === fast.backend &&
        r.configName === fast.configName,
    );
    const mb = (b: number) => (b / 2 ** 20).toFixed(0);
    rows.push(
      `| ${fast.where} | ${fast.backend} | ${fast.configName} | ${fast.msPerStep.toFixed(0)} | ${ref ? ref.msPerStep.toFixed(0) : '-'} | ${
        ref ? (ref.msPerStep / fast.msPerStep).toFixed(1) + 'x' : '-'
      } | ${fast.cpuMsPerStep?.toFixed(0) ?? '-'} / ${ref?.cpuMsPerStep?.toFixed(0) ?? '-'} | ${fast.tokensPerSecond.toFixed(0)} | ${fast.kernelsPerStep} | ${ref?.kernelsPerStep ?? '-'} | ${
        fast.gpuProgramsPerStep === null
          ? '-'
          : `${fast.gpuProgramsPerStep} / ${ref?.gpuProgramsPerStep ?? '-'}`
      } | ${mb(fast.peakTensorBytes)} / ${ref ? mb(ref.peakTensorBytes) : '-'} |`,
    );
  }
  return rows.join('\n');
}

function machine(): string {
  const threads = process.env.PERSONA_LAB_WASM_THREADS;
  return `${machineLine()}${threads ? `, Node wasm threads requested: ${threads}` : ''}`;
}

/** The fast step against PyTorch's, alternating in one run, when PyTorch is installed (never required). */
async function runTorch(): Promise<TorchPairResult[]> {
  if (flag('--no-torch') || flag('--browser') || !wanted('wasm')) return [];
  const python = findTorchPython();
  if (!python) {
    console.log(
      'PyTorch pair skipped: no python3 with torch (apt-get install -y python3-torch libopenblas0-pthread)',
    );
    return [];
  }
  const pairs: TorchPairResult[] = [];
  for (const configName of flag('--tiny') ? (['tiny'] as const) : (['tiny', 'reference'] as const)) {
    const pair = await runTorchPair(python, configName, 4, steps);
    console.log(describePair(pair));
    pairs.push(pair);
  }
  return pairs;
}

console.log(machine());
const results: BenchResult[] = [];
if (!flag('--browser')) results.push(...(await runNode()));
const torch = await runTorch();
if (!flag('--node')) results.push(...(await runBrowser()));
const markdown = table(results);
console.log(`\n${machine()}\n\n${markdown}`);
for (const pair of torch) console.log(describePair(pair));
mkdirSync('bench/out', { recursive: true });
writeFileSync(
  'bench/out/bench.json',
  JSON.stringify(
    { machine: machine(), args, date: new Date().toISOString(), results, bounds, torch, peers, markdown },
    null,
    2,
  ),
);
console.log('wrote bench/out/bench.json');
