// Gives Node a `navigator.gpu` from Dawn (the optional `webgpu` package, which ships Dawn's binaries), so
// that tfjs-backend-webgpu, and with it the project's WGSL kernels, run in the command line as in the
// browser. Dawn needs a Vulkan loader (libvulkan.so.1) on Linux; without a GPU, Chromium's SwiftShader
// serves as one: VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json.
// Dawn keeps Node's event loop alive while its GPU object is referenced: releaseNodeWebGpu lets go.
import * as tf from '@tensorflow/tfjs';
import type { FailureKind } from '../util/backendReport.ts';

interface DawnModule {
  create(flags: string[]): unknown;
  globals: Record<string, unknown>;
}

interface RegistryEntry {
  factory: () => tf.KernelBackend | Promise<tf.KernelBackend>;
  priority: number;
}

/** Where Debian's Chromium keeps SwiftShader's Vulkan driver manifest (the CPU stand-in for a GPU). */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

let installed = false;

function navigatorObject(): Record<string, unknown> | null {
  const nav: unknown = globalThis.navigator;
  return typeof nav === 'object' && nav !== null ? (nav as Record<string, unknown>) : null;
}

/**
 * Puts Dawn's GPU at navigator.gpu (and the WebGPU constants tfjs reads, such as GPUBufferUsage, on
 * globalThis) unless a navigator.gpu exists already. Returns why it could not, or null.
 */
export async function installNodeWebGpu(): Promise<{ failure: string; kind: FailureKind } | null> {
  if (navigatorObject()?.gpu) return null;
  let dawn: DawnModule;
  try {
    // A variable specifier: browser bundles must never try to resolve this Node-only package.
    const name = 'webgpu';
    dawn = (await import(/* @vite-ignore */ name)) as DawnModule;
  } catch (error) {
    return {
      kind: 'unsupported',
      failure: `WebGPU in Node needs the optional package "webgpu" (Dawn), which did not load: ${firstLine(error)}`,
    };
  }
  for (const [key, value] of Object.entries(dawn.globals)) {
    if (!(key in globalThis))
      Object.defineProperty(globalThis, key, { value, configurable: true, writable: true });
  }
  const gpu = dawn.create([]);
  const nav = navigatorObject();
  if (nav) Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true, writable: true });
  else Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  installed = true;
  return null;
}

/** The reason Dawn found no adapter, with what usually fixes it in Node. */
export function nodeNoAdapterReason(): string {
  const icd = typeof process === 'undefined' ? undefined : process.env?.VK_ICD_FILENAMES;
  return (
    'no adapter (Dawn found no GPU: it needs a Vulkan loader, libvulkan.so.1 from the libvulkan1 package, and a ' +
    (icd
      ? `driver; VK_ICD_FILENAMES=${icd} gave none)`
      : `driver; without a GPU, VK_ICD_FILENAMES=${SWIFTSHADER_ICD} runs Chromium's SwiftShader on the CPU)`)
  );
}

/**
 * Lets the process exit: disposes the webgpu backend (which destroys its device) and drops Dawn's GPU object.
 * Does nothing unless installNodeWebGpu put one there.
 */
export function releaseNodeWebGpu(): void {
  if (!installed) return;
  // removeBackend disposes the backend (destroying its device) and forgets its factory, which
  // tfjs-backend-webgpu registers only when first imported: register the factory again, so that a
  // later installNodeWebGpu + setBackend in this process starts a fresh one.
  const registry = (tf.engine() as unknown as { registryFactory: Record<string, RegistryEntry> })
    .registryFactory;
  const entry = registry.webgpu;
  if (entry) {
    tf.removeBackend('webgpu');
    tf.registerBackend('webgpu', entry.factory, entry.priority);
  }
  const nav = navigatorObject();
  if (nav) delete nav.gpu;
  installed = false;
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}
