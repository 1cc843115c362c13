// Chooses the tfjs backend the engine runs on: webgpu, then webgl, wasm, cpu, passing over a GPU backend
// that only has a software GPU (or the one the caller forces), and reports as plain data what was
// asked, what was chosen, on which adapter or renderer, and why (and of which kind) every other try failed.
// Works in a page, in a Worker and in Node (wasm and cpu; webgpu through Dawn, see nodeWebGpu.ts).
import * as tf from '@tensorflow/tfjs';
import { registerWasmIdentity } from '../model/kernels/wasmIdentity.ts';
import { registerWasmUnsortedSegmentSum } from '../model/kernels/wasmUnsortedSegmentSum.ts';
import { WEBGPU_SUBMIT_BATCH } from '../model/kernels/webgpuProgram.ts';
import {
  BACKEND_NAMES,
  isBackendName,
  type BackendChoice,
  type BackendFailure,
  type BackendName,
  type BackendReport,
  type FailureKind,
} from '../util/backendReport.ts';
import { probeWebGlRenderer } from './webglRenderer.ts';
import { probeWebGpuAdapter } from './webgpuAdapter.ts';

export * from '../util/backendReport.ts';

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

type Failure = { failure: string; kind: FailureKind };
type Started = Pick<BackendReport, 'adapter' | 'webgl' | 'wasm'>;
const NOTHING_ELSE: Started = { adapter: null, webgl: null, wasm: null };

/** A start that tf.setBackend refused (its reason), or null when the backend runs. */
async function start(name: BackendName): Promise<Failure | null> {
  const failure = await setBackendCapturingWarnings(name);
  return failure ? { failure, kind: 'failed' } : null;
}

async function tryWebGpu(skipSoftware: boolean): Promise<Failure | Started> {
  // Node has no navigator.gpu of its own: Dawn (the optional `webgpu` package) provides one, when webgpu
  // is asked for by name ('auto' in Node means the CPU backends, as it always has).
  if (isNode && skipSoftware && !(globalThis.navigator as { gpu?: unknown } | undefined)?.gpu) {
    return {
      kind: 'unsupported',
      failure: 'no navigator.gpu (not a browser; in Node, webgpu runs through Dawn only when chosen by name)',
    };
  }
  const nodeGpu = isNode ? await import('./nodeWebGpu.ts') : null;
  const missing = await nodeGpu?.installNodeWebGpu();
  if (missing) return missing;
  const probe = await probeWebGpuAdapter();
  if ('failure' in probe)
    return nodeGpu && probe.kind === 'no-device'
      ? { ...probe, failure: nodeGpu.nodeNoAdapterReason() }
      : probe;
  const { adapter } = probe;
  if (skipSoftware && adapter.isFallbackAdapter) {
    const name = [adapter.vendor, adapter.architecture].filter(Boolean).join(' ') || 'unnamed';
    return {
      kind: 'software',
      failure: `only a software adapter (${name}, isFallbackAdapter), slower than the CPU path`,
    };
  }
  try {
    await import('@tensorflow/tfjs-backend-webgpu');
  } catch (error) {
    return { failure: `could not load @tensorflow/tfjs-backend-webgpu: ${String(error)}`, kind: 'failed' };
  }
  const failure = await start('webgpu');
  if (failure) return failure;
  // One submission per training step rather than one every 15 programs (webgpuProgram.ts).
  tf.env().set('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE', WEBGPU_SUBMIT_BATCH);
  return { ...NOTHING_ELSE, adapter };
}

async function tryWebGl(skipSoftware: boolean): Promise<Failure | Started> {
  if (!tf.findBackendFactory('webgl')) {
    // @tensorflow/tfjs registers webgl only where it finds a browser (window or WorkerGlobalScope).
    return {
      kind: 'unsupported',
      failure: isNode ? 'WebGL does not exist in Node' : 'the webgl backend is not registered here',
    };
  }
  const probe = probeWebGlRenderer();
  if ('failure' in probe) return probe;
  const { webgl } = probe;
  if (skipSoftware && webgl.software) {
    return {
      kind: 'software',
      failure: `only a software renderer (${webgl.renderer}), slower than the CPU path`,
    };
  }
  return (await start('webgl')) ?? { ...NOTHING_ELSE, webgl };
}

let wasmPrepared = false;

/** Loads the wasm backend, tells it where its binaries live, and adds the kernel it lacks. */
async function prepareWasm(): Promise<void> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  registerWasmUnsortedSegmentSum();
  registerWasmIdentity();
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

/** What the caller knows that helps start a backend well. */
export interface BackendHints {
  /** The work of one training step, in GFLOP: in Node, wasm threads are chosen for it (wasmThreads.ts). */
  stepGflop?: number;
}

async function tryWasm(hints: BackendHints): Promise<Failure | Started> {
  try {
    await prepareWasm();
  } catch (error) {
    return { failure: `could not load @tensorflow/tfjs-backend-wasm: ${String(error)}`, kind: 'failed' };
  }
  // Node: WASM threads where they pay or PERSONA_LAB_WASM_THREADS asks (wasmThreads.ts).
  let threadsReason: string | undefined;
  let failure: string | null;
  if (isNode) {
    const { startNodeWasm } = await import('./wasmThreads.ts');
    const { started, choice } = await startNodeWasm(
      () => setBackendCapturingWarnings('wasm'),
      hints.stepGflop,
    );
    [failure, threadsReason] = [started, choice.reason];
  } else {
    failure = await setBackendCapturingWarnings('wasm');
  }
  if (failure) return { failure, kind: 'failed' };
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  const { getThreadsCount } = await import('@tensorflow/tfjs-backend-wasm');
  const { wasmHostKernels } = await import('../model/kernels/kernelHost.ts');
  const { setSimdThreads } = await import('../model/kernels/simd/simdPool.ts');
  // The threaded build's shared memory lets the lab's SIMD kernels split over as many threads as XNNPACK
  // got (simdPool.ts): in Node, and in a page's training worker (nested workers; a page's main thread
  // may not wait, so there they stay on one).
  setSimdThreads(threads === true ? getThreadsCount() : 1);

  return {
    ...NOTHING_ELSE,
    wasm: {
      simd: simd === true,
      threads: threads === true,
      threadsCount: getThreadsCount(),
      crossOriginIsolated: globalThis.crossOriginIsolated === true,
      hostKernels: wasmHostKernels(tf.backend()),
      ...(threadsReason === undefined ? {} : { threadsReason }),
    },
  };
}

/** Starts one backend; `skipSoftware` (under 'auto') refuses a GPU backend that only has software. */
async function tryBackend(
  name: BackendName,
  skipSoftware: boolean,
  hints: BackendHints,
): Promise<Failure | Started> {
  if (name === 'webgpu') return tryWebGpu(skipSoftware);
  if (name === 'webgl') return tryWebGl(skipSoftware);
  if (name === 'wasm') return tryWasm(hints);
  return (await start(name)) ?? NOTHING_ELSE;
}

/**
 * Starts the chosen backend ('auto': the first of webgpu, webgl, wasm, cpu that starts, skipping a GPU
 * backend that would run on a software imitation of a GPU: that trains slower than wasm on the same
 * CPU) and reports. A forced backend is used even on software. A forced backend that fails throws
 * BackendUnavailableError, as does 'auto' when nothing starts.
 */
export async function selectBackend(
  choice: BackendChoice = 'auto',
  hints: BackendHints = {},
): Promise<BackendReport> {
  if (choice !== 'auto' && !isBackendName(choice)) {
    throw new Error(
      `unknown backend ${JSON.stringify(choice)}: choose 'auto' or one of ${BACKEND_NAMES.join(', ')}`,
    );
  }
  const order: readonly BackendName[] = choice === 'auto' ? BACKEND_NAMES : [choice];
  const failures: BackendFailure[] = [];
  for (const name of order) {
    const result = await tryBackend(name, choice === 'auto', hints);
    if ('failure' in result) {
      failures.push({ backend: name, kind: result.kind, reason: result.failure });
      continue;
    }
    await tf.ready();
    return { choice, backend: name, ...result, failures, tfjsVersion: tf.version.tfjs };
  }
  throw new BackendUnavailableError(failures);
}
