// The host kernels' wasm SIMD module, instantiated on tfjs-wasm's own memory so that its functions work on
// tensors in place: every argument is a byte offset into that memory (a tensor's `memoryOffset`). Builds of
// one source for the plain memory of tfjs-wasm's single-threaded builds and for the shared one of its
// threaded build (there a pool of threads can share a kernel's work: ./simdPool.ts), each with and without
// relaxed SIMD's fused multiply-add (`simdFusedMultiplyAdd` picks one for the process). Where the
// module cannot load (a page's main thread refuses to compile more than 4 KB synchronously; training runs
// in a worker), the JS loops run and `simdKernelsStatus` says why.
import {
  HOST_KERNELS_WASM,
  HOST_KERNELS_WASM_FMA,
  HOST_KERNELS_WASM_SHARED,
  HOST_KERNELS_WASM_SHARED_FMA,
} from './hostKernelsWasm.ts';
import { simdPoolFor, type SimdPool } from './simdPool.ts';

/**
 * The module's exports (./assembly/hostKernels.ts); pointers are byte offsets, sizes element counts. Plain
 * functions (no `this`): a pool calls them by name.
 */
export interface SimdKernels {
  gelu: (x: number, y: number, tanh: number, n: number) => void;
  geluGrad: (dy: number, x: number, tanh: number, dx: number, n: number) => void;
  layerNorm: (
    x: number,
    gamma: number,
    beta: number,
    y: number,
    stats: number,
    rows: number,
    c: number,
  ) => void;
  layerNormGrad: (
    dy: number,
    x: number,
    gamma: number,
    stats: number,
    dx: number,
    dGamma: number,
    dBeta: number,
    scratch: number,
    rows: number,
    c: number,
  ) => void;
  attentionForward: (
    qkv: number,
    y: number,
    probs: number,
    scratch: number,
    batch: number,
    time: number,
    width: number,
    heads: number,
    scale: number,
  ) => void;
  prefixAttentionForward: (
    qkv: number,
    groups: number,
    y: number,
    scratch: number,
    batch: number,
    time: number,
    width: number,
    heads: number,
    scale: number,
  ) => void;
  transpose: (src: number, dst: number, rows: number, cols: number, dstRows: number) => void;
  weightGrad: (
    x: number,
    dy: number,
    dw: number,
    db: number,
    scratch: number,
    rows: number,
    cin: number,
    cout: number,
    j0: number,
    j1: number,
  ) => void;
  packPanels: (b: number, panels: number, k: number, m: number) => void;
  matMul: (
    a: number,
    panels: number,
    bias: number,
    c: number,
    k: number,
    m: number,
    r0: number,
    r1: number,
  ) => void;
  crossEntropySum: (
    logits: number,
    targets: number,
    mask: number,
    scratch: number,
    rows: number,
    vocab: number,
  ) => number;
  crossEntropyGrad: (
    logits: number,
    targets: number,
    mask: number,
    dLogits: number,
    rows: number,
    vocab: number,
    scale: number,
  ) => void;
  adamWSlice: (
    g: number,
    p: number,
    out: number,
    m: number,
    v: number,
    mNext: number,
    vNext: number,
    n: number,
    clip: number,
    decay: number,
    beta1: number,
    beta2: number,
    eps: number,
    lr: number,
    correction1: number,
    correction2: number,
  ) => void;
  attentionBackward: (
    dy: number,
    qkv: number,
    probs: number,
    dqkv: number,
    scratch: number,
    batch: number,
    time: number,
    width: number,
    heads: number,
    scale: number,
  ) => void;
}

let enabled = true;
const compiled = new Map<'plain' | 'shared', WebAssembly.Module>();
let fma: { on: boolean; reason: string } | null = null;
let lastReason = 'not asked for yet';
const instances = new WeakMap<WebAssembly.Memory, SimdKernels>();
/** Why the module did not load on a memory: kept, so that kernel calls (each looks the module up) do not
 * retry a failing compile on every call. */
const failures = new WeakMap<WebAssembly.Memory, string>();

/** Turns the SIMD kernels off (or back on) for every later kernel call: the bench's A/B switch. */
export function setSimdKernelsEnabled(on: boolean): void {
  enabled = on;
}

/** Whether the last lookup found the SIMD kernels, and if not, why. */
export function simdKernelsStatus(): { active: boolean; reason: string } {
  return { active: enabled && lastReason === 'active', reason: enabled ? lastReason : 'turned off' };
}

type GetBuiltin = (id: string) => unknown;

/**
 * Whether the module's products use relaxed SIMD's fused multiply-add, and why: decided once per process
 * (every instance and pool thread must run the same build, so that a split's results stay those of one
 * thread). On wherever the engine validates the relaxed build: browsers since Chrome 114, Node from 22; in
 * Node 20, whose V8 has it behind `--experimental-wasm-relaxed-simd`, that flag is set here (before any
 * of the module's compiles). Off with PERSONA_LAB_SIMD_FMA=0 in Node (the bench's A/B, or a result to
 * reproduce bit for bit on a machine without fused multiply-add).
 */
export function simdFusedMultiplyAdd(): { on: boolean; reason: string } {
  return (fma ??= chooseFusedMultiplyAdd());
}

function chooseFusedMultiplyAdd(): { on: boolean; reason: string } {
  const node = (
    globalThis as {
      process?: { env?: Record<string, string | undefined>; getBuiltinModule?: GetBuiltin };
    }
  ).process;
  if (node?.env?.PERSONA_LAB_SIMD_FMA === '0')
    return { on: false, reason: 'turned off by PERSONA_LAB_SIMD_FMA=0' };
  const probe = decode(HOST_KERNELS_WASM_FMA);
  if (WebAssembly.validate(probe)) return { on: true, reason: 'relaxed SIMD' };
  const v8 = node?.getBuiltinModule?.('node:v8') as { setFlagsFromString(flags: string): void } | undefined;
  v8?.setFlagsFromString('--experimental-wasm-relaxed-simd');
  if (v8 && WebAssembly.validate(probe))
    return { on: true, reason: 'relaxed SIMD (--experimental-wasm-relaxed-simd)' };
  return { on: false, reason: 'this engine has no relaxed SIMD' };
}

/** The module's binaries by memory: without and with relaxed SIMD. */
const BINARIES = {
  plain: { plain: HOST_KERNELS_WASM, fma: HOST_KERNELS_WASM_FMA },
  shared: { plain: HOST_KERNELS_WASM_SHARED, fma: HOST_KERNELS_WASM_SHARED_FMA },
};

function decode(base64: string): Uint8Array<ArrayBuffer> {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

function compile(variant: 'plain' | 'shared'): WebAssembly.Module {
  let module = compiled.get(variant);
  if (!module) {
    const builds = BINARIES[variant];
    module = new WebAssembly.Module(decode(simdFusedMultiplyAdd().on ? builds.fma : builds.plain));
    compiled.set(variant, module);
  }
  return module;
}

/** The SIMD kernels working in `memory`, or null (the reason kept for `simdKernelsStatus`). */
export function simdKernelsIn(memory: unknown): SimdKernels | null {
  if (!enabled) return null;
  if (!(memory instanceof WebAssembly.Memory)) {
    lastReason = "the wasm backend's memory is not reachable";
    return null;
  }
  const known = instances.get(memory);
  if (known) {
    lastReason = 'active';
    return known;
  }
  const failed = failures.get(memory);
  if (failed !== undefined) {
    lastReason = failed;
    return null;
  }
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  try {
    const instance = new WebAssembly.Instance(compile(shared ? 'shared' : 'plain'), { env: { memory } });
    const kernels = instance.exports as unknown as SimdKernels;
    instances.set(memory, kernels);
    lastReason = 'active';
    return kernels;
  } catch (e) {
    lastReason = `the SIMD module did not load: ${e instanceof Error ? e.message : String(e)}`;
    failures.set(memory, lastReason);
    return null;
  }
}

/** The thread pool for the SIMD kernels on `memory` (a shared one: the threaded build), or null. */
export function simdPoolIn(memory: unknown): SimdPool | null {
  if (!enabled || !(memory instanceof WebAssembly.Memory)) return null;
  const kernels = instances.get(memory);
  return kernels ? simdPoolFor(kernels, compile('shared'), memory) : null;
}
