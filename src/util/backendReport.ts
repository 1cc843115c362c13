// What the engine reports about the tfjs backend it runs on, as plain data: the names, what was asked
// and chosen, on which adapter or renderer, and why every other try failed. Types only (and the names),
// so that the worker contract and the page read them without importing the platform code that probes.

export const BACKEND_NAMES = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];
export type BackendChoice = 'auto' | BackendName;

/**
 * Why a backend was not used, in the terms the lab explains to students (src/ui/backendExplanation.ts):
 * 'unsupported': this browser (or Node) does not offer it at all; 'no-device': it does, but finds no GPU
 * for it; 'software': it would run on a software imitation of a GPU, slower than the CPU path ('auto'
 * skips it); 'failed': it exists and failed to start.
 */
export type FailureKind = 'unsupported' | 'no-device' | 'software' | 'failed';

export interface BackendFailure {
  backend: BackendName;
  kind: FailureKind;
  reason: string;
}

export interface WasmReport {
  simd: boolean;
  threads: boolean;
  /** Threads the backend runs its kernels on (1 without threads). */
  threadsCount: number;
  /** In Node: why this many threads (chosen for the run, or PERSONA_LAB_WASM_THREADS). */
  threadsReason?: string;
  /** Threads need SharedArrayBuffer, which needs COOP/COEP headers (cross-origin isolation). */
  crossOriginIsolated: boolean;
  /**
   * Whether the project's own kernels (LayerNorm, GELU, attention, the products) run in wasm SIMD, and if
   * not, why; on how many threads the large ones may split (1 without the threaded build); and whether
   * their products use relaxed SIMD's fused multiply-add.
   */
  hostKernels: { simd: boolean; reason: string; threads: number; fma: boolean };
}

export interface BackendReport {
  /** What was asked for: 'auto' or a forced backend. */
  choice: BackendChoice;
  backend: BackendName;
  /** For webgpu: the adapter tfjs runs on (SwiftShader reports isFallbackAdapter true). */
  adapter: AdapterReport | null;
  /** For webgl: the renderer it runs on (software for SwiftShader). */
  webgl: WebGlReport | null;
  wasm: WasmReport | null;
  /** Every backend tried before the chosen one, with the reason it was not used. */
  failures: BackendFailure[];
  tfjsVersion: string;
}

export function isBackendName(value: unknown): value is BackendName {
  return typeof value === 'string' && (BACKEND_NAMES as readonly string[]).includes(value);
}

export interface AdapterReport {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** True for software adapters such as SwiftShader: correct, but far slower than a real GPU. */
  isFallbackAdapter: boolean;
}

export interface WebGlReport {
  /** The unmasked renderer string, e.g. "ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device ...))". */
  renderer: string;
  /** True when the renderer is software: correct, but slower than the wasm backend. */
  software: boolean;
}
