// Lets tfjs-backend-wasm's threaded SIMD build run in Node, where tfjs turns threads off
// (WASM_HAS_MULTITHREAD_SUPPORT is false under Node, tfjs issue 3830). When: the environment variable
// PERSONA_LAB_WASM_THREADS=N (N >= 2; 0 turns threads off) before the wasm backend starts, or, without
// it, where they pay (`chooseWasmThreads`): a run of a model large enough, on cores free at its start.
// The thread count never changes a result: XNNPACK splits products by output tiles and the lab's kernel
// pool by independent rows, so every value is computed by the same code in the same order.
//
// Why a shim is needed, and what it changes, only while the backend initialises:
// - tfjs hands emscripten its pthread worker script as a Blob URL; Node's worker_threads cannot load
//   Blob URLs. The shim writes the same script (shipped in the package) to a temporary file and
//   answers that file's path when tfjs asks URL.createObjectURL for it.
// - Each worker then loads the module's main script from a Blob too; the worker file is prefixed with
//   a line that points that lookup at the package's own copy of the script.
// - tfjs-wasm caps its XNNPACK pool at os.cpus().length / 2 (it assumes two hyper-threads per core),
//   so on a 2-core machine it would use 1 thread: os.cpus is made to report 2N entries meanwhile.
// - emscripten's workers keep Node's event loop alive: they are unref'd so that a finished CLI exits.
// Node builtins come from process.getBuiltinModule, so browser bundles never see them.
import * as tf from '@tensorflow/tfjs';
import type * as NodeFs from 'node:fs';
import type * as NodeOs from 'node:os';
import type * as NodePath from 'node:path';

interface NodeRequire {
  (id: string): unknown;
  resolve(id: string): string;
}

interface WorkerLike {
  unref(): void;
}

interface PThreadLike {
  unusedWorkers: WorkerLike[];
  runningWorkers: WorkerLike[];
  allocateUnusedWorker(): void;
}

type GetBuiltin = (id: string) => unknown;

/** Below this much work a training step (GFLOP), a second thread costs more than it brings. */
export const MIN_THREADED_STEP_GFLOP = 5;
/** Threads chosen without PERSONA_LAB_WASM_THREADS, at most. */
const MAX_AUTO_THREADS = 4;

export interface WasmThreadsChoice {
  /** 0: the single-threaded build. */
  threads: number;
  reason: string;
}

/**
 * How many wasm threads a process gets: PERSONA_LAB_WASM_THREADS where set; else, for a training step of
 * `stepGflop` (unknown: off), as many as the cores left free by the load average's whole part, at most
 * 4, when that is 2 or more. On a busy machine a second thread only spins (docs/performance.md).
 */
export function chooseWasmThreads(
  env: string | undefined,
  stepGflop: number | undefined,
  cores: number,
  load: number,
): WasmThreadsChoice {
  if (env !== undefined && env.trim() !== '') {
    const n = Number(env);
    return Number.isInteger(n) && n >= 2
      ? { threads: n, reason: `PERSONA_LAB_WASM_THREADS=${env}` }
      : { threads: 0, reason: `off (PERSONA_LAB_WASM_THREADS=${env})` };
  }
  if (stepGflop === undefined) return { threads: 0, reason: 'off unless a run asks' };
  if (stepGflop < MIN_THREADED_STEP_GFLOP)
    return { threads: 0, reason: `off: a small model (${stepGflop.toFixed(2)} GFLOP a step)` };
  const free = Math.min(MAX_AUTO_THREADS, cores - Math.floor(load));
  if (free < 2)
    return {
      threads: 0,
      reason: `off: the cores are busy (load average ${load.toFixed(1)} on ${cores} cores)`,
    };
  return { threads: free, reason: `${free} free cores and ${stepGflop.toFixed(0)} GFLOP a step` };
}

function nodeEnv(): string | undefined {
  return typeof process === 'undefined' ? undefined : process.env?.PERSONA_LAB_WASM_THREADS;
}

/**
 * Runs `start`, which starts the wasm backend in Node: as it is, unless threads are chosen
 * (`chooseWasmThreads` for a step of `stepGflop`) and this is the backend's first start in the process
 * (its build is chosen only then). Returns what `start` returned and the choice.
 */
export async function startNodeWasm<T>(
  start: () => Promise<T>,
  stepGflop?: number,
): Promise<{ started: T; choice: WasmThreadsChoice }> {
  const getBuiltin = (process as unknown as { getBuiltinModule: GetBuiltin }).getBuiltinModule;
  const os = getBuiltin('node:os') as typeof NodeOs;
  const choice = tf.findBackend('wasm')
    ? { threads: 0, reason: 'the backend had started already' }
    : chooseWasmThreads(nodeEnv(), stepGflop, os.availableParallelism(), os.loadavg()[0]!);
  const threads = choice.threads;
  if (threads === 0) return { started: await start(), choice };
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const fs = getBuiltin('node:fs') as typeof NodeFs;
  const path = getBuiltin('node:path') as typeof NodePath;
  const nodeModule = getBuiltin('node:module') as { createRequire(from: string): NodeRequire };
  const require = nodeModule.createRequire(import.meta.url);
  const packageDir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  const mainScript = path.join(packageDir, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.js');
  const { wasmWorkerContents } = require(
    path.join(packageDir, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.worker.js'),
  ) as { wasmWorkerContents: string };
  const workerDir = fs.mkdtempSync(path.join(os.tmpdir(), 'persona-lab-wasm-'));
  // Later workers (beyond emscripten's preallocated pool) load the same file: remove it only at exit.
  process.once('exit', () => fs.rmSync(workerDir, { recursive: true, force: true }));
  const workerFile = path.join(workerDir, 'worker.cjs');
  // The package's worker source holds escaped newlines inside string literals: keep them escaped (as
  // tfjs does before making its Blob).
  fs.writeFileSync(
    workerFile,
    `URL.createObjectURL = () => ${JSON.stringify(mainScript)};\n` + wasmWorkerContents.replace(/\n/g, '\\n'),
  );

  const createObjectURL = URL.createObjectURL.bind(URL);
  const cpus = os.cpus;
  URL.createObjectURL = (blob: Blob) =>
    blob.type === 'application/javascript' ? workerFile : createObjectURL(blob);
  os.cpus = () => Array.from({ length: 2 * threads }, () => cpus()[0]!);
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  wasm.setThreadsCount(threads);
  try {
    const started = await start();
    unrefWorkers();
    return { started, choice };
  } finally {
    URL.createObjectURL = createObjectURL;
    os.cpus = cpus;
  }
}

/** Lets the process exit while emscripten's (idle) pthread workers exist, now and later. */
function unrefWorkers(): void {
  const backend = tf.findBackend('wasm') as unknown as { wasm?: { PThread?: PThreadLike } } | undefined;
  const pthread = backend?.wasm?.PThread;
  if (!pthread) return;
  for (const worker of [...pthread.unusedWorkers, ...pthread.runningWorkers]) worker.unref();
  const allocate = pthread.allocateUnusedWorker.bind(pthread);
  pthread.allocateUnusedWorker = () => {
    allocate();
    pthread.unusedWorkers.at(-1)?.unref();
  };
}
