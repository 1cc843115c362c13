// Lets tfjs-backend-wasm's threaded SIMD build run in Node, where tfjs turns threads off
// (WASM_HAS_MULTITHREAD_SUPPORT is false under Node, tfjs issue 3830). Opt-in: the environment
// variable PERSONA_LAB_WASM_THREADS=N (N >= 2) before the wasm backend starts.
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

/** The thread count asked for by PERSONA_LAB_WASM_THREADS (0: off, the default). */
export function requestedWasmThreads(): number {
  const value = typeof process === 'undefined' ? undefined : process.env?.PERSONA_LAB_WASM_THREADS;
  const threads = Number(value ?? 0);
  return Number.isInteger(threads) && threads >= 2 ? threads : 0;
}

/**
 * Runs `start`, which starts the wasm backend in Node: as it is, unless PERSONA_LAB_WASM_THREADS asks
 * for threads and this is the backend's first start in the process (its build is chosen only then).
 */
export async function startNodeWasm<T>(start: () => Promise<T>): Promise<T> {
  const threads = requestedWasmThreads();
  if (threads === 0 || tf.findBackend('wasm')) return start();
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const getBuiltin = (process as unknown as { getBuiltinModule: GetBuiltin }).getBuiltinModule;
  const fs = getBuiltin('node:fs') as typeof NodeFs;
  const os = getBuiltin('node:os') as typeof NodeOs;
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
    const result = await start();
    unrefWorkers();
    return result;
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
