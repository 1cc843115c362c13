// Chooses the tfjs backend the engine runs on: webgpu, then webgl, wasm, cpu (or the one the caller
// forces), and reports as plain data what was chosen, on which adapter, and why every other try failed.
// Works in a page, in a Worker and in Node (where only wasm and cpu exist).
import * as tf from '@tensorflow/tfjs';
import { registerWasmUnsortedSegmentSum } from '../model/kernels/wasmUnsortedSegmentSum.ts';
import { probeWebGpuAdapter, type AdapterReport } from './webgpuAdapter.ts';

export const BACKEND_NAMES = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];
export type BackendChoice = 'auto' | BackendName;

export interface BackendFailure {
  backend: BackendName;
  reason: string;
}

export interface WasmReport {
  simd: boolean;
  threads: boolean;
  /** Threads need SharedArrayBuffer, which needs COOP/COEP headers (cross-origin isolation). */
  crossOriginIsolated: boolean;
}

export interface BackendReport {
  backend: BackendName;
  /** For webgpu: the adapter tfjs runs on (SwiftShader reports isFallbackAdapter true). */
  adapter: AdapterReport | null;
  wasm: WasmReport | null;
  /** Every backend tried before the chosen one, with the reason it was not used. */
  failures: BackendFailure[];
  tfjsVersion: string;
}

export function isBackendName(value: unknown): value is BackendName {
  return typeof value === 'string' && (BACKEND_NAMES as readonly string[]).includes(value);
}

export class BackendUnavailableError extends Error {
  constructor(readonly failures: BackendFailure[]) {
    super(`no tfjs backend could start: ${failures.map((f) => `${f.backend}: ${f.reason}`).join('; ')}`);
    this.name = 'BackendUnavailableError';
  }
}

const isNode = typeof process !== 'undefined' && process.versions?.node !== undefined;

/**
 * tf.setBackend resolves false (and logs the cause with console.warn) instead of throwing when a
 * backend fails to start: capture those warnings so the report can say why.
 */
async function setBackendCapturingWarnings(name: BackendName): Promise<string | null> {
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    warnings.push(args.map(String).join(' '));
  };
  try {
    const ok = await tf.setBackend(name);
    if (ok && tf.getBackend() === name) return null;
    const detail = warnings.filter((w) => !w.startsWith('Initialization of backend')).join(' | ');
    return `tf.setBackend('${name}') resolved false${detail ? `: ${detail.split('\n')[0]}` : ''}`;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    console.warn = warn;
  }
}

async function tryWebGpu(): Promise<{ failure: string } | { adapter: AdapterReport }> {
  const probe = await probeWebGpuAdapter();
  if ('failure' in probe) return probe;
  try {
    await import('@tensorflow/tfjs-backend-webgpu');
  } catch (error) {
    return { failure: `could not load @tensorflow/tfjs-backend-webgpu: ${String(error)}` };
  }
  const failure = await setBackendCapturingWarnings('webgpu');
  return failure ? { failure } : probe;
}

let wasmPrepared = false;

/** Loads the wasm backend, tells it where its binaries live, and adds the kernel it lacks. */
async function prepareWasm(): Promise<void> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  registerWasmUnsortedSegmentSum();
  if (wasmPrepared) return;
  // In Node the package reads its .wasm files from its own folder; under vite they are hashed assets,
  // and the threaded build's pthread workers need the unminified main script (wasmPthreadScript.ts).
  if (!isNode) {
    const { wasmBinaryUrls } = await import('./wasmBinaryUrls.ts');
    const { installWasmPthreadScript } = await import('./wasmPthreadScript.ts');
    wasm.setWasmPaths(wasmBinaryUrls);
    installWasmPthreadScript();
  }
  wasmPrepared = true;
}

async function tryWasm(): Promise<{ failure: string } | { wasm: WasmReport }> {
  try {
    await prepareWasm();
  } catch (error) {
    return { failure: `could not load @tensorflow/tfjs-backend-wasm: ${String(error)}` };
  }
  // Node: opt-in WASM threads (PERSONA_LAB_WASM_THREADS=N), see wasmThreads.ts (performance work).
  const failure = isNode
    ? await (await import('./wasmThreads.ts')).startNodeWasm(() => setBackendCapturingWarnings('wasm'))
    : await setBackendCapturingWarnings('wasm');
  if (failure) return { failure };
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  return {
    wasm: {
      simd: simd === true,
      threads: threads === true,
      crossOriginIsolated: globalThis.crossOriginIsolated === true,
    },
  };
}

async function tryBackend(
  name: BackendName,
): Promise<{ failure: string } | { adapter: AdapterReport | null; wasm: WasmReport | null }> {
  if (name === 'webgpu') {
    const result = await tryWebGpu();
    return 'failure' in result ? result : { adapter: result.adapter, wasm: null };
  }
  if (name === 'wasm') {
    const result = await tryWasm();
    return 'failure' in result ? result : { adapter: null, wasm: result.wasm };
  }
  if (name === 'webgl' && !tf.findBackendFactory('webgl')) {
    // @tensorflow/tfjs registers webgl only where it finds a browser (window or WorkerGlobalScope).
    return { failure: isNode ? 'WebGL does not exist in Node' : 'the webgl backend is not registered here' };
  }
  const failure = await setBackendCapturingWarnings(name);
  return failure ? { failure } : { adapter: null, wasm: null };
}

/**
 * Starts the chosen backend ('auto': the first of webgpu, webgl, wasm, cpu that starts) and reports.
 * A forced backend that fails throws BackendUnavailableError, as does 'auto' when nothing starts.
 */
export async function selectBackend(choice: BackendChoice = 'auto'): Promise<BackendReport> {
  if (choice !== 'auto' && !isBackendName(choice)) {
    throw new Error(
      `unknown backend ${JSON.stringify(choice)}: choose 'auto' or one of ${BACKEND_NAMES.join(', ')}`,
    );
  }
  const order: readonly BackendName[] = choice === 'auto' ? BACKEND_NAMES : [choice];
  const failures: BackendFailure[] = [];
  for (const name of order) {
    const result = await tryBackend(name);
    if ('failure' in result) {
      failures.push({ backend: name, reason: result.failure });
      continue;
    }
    await tf.ready();
    return { backend: name, ...result, failures, tfjsVersion: tf.version.tfjs };
  }
  throw new BackendUnavailableError(failures);
}
