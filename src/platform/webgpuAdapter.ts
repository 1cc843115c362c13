// Asks the browser for a WebGPU adapter before tfjs does, to report which one it is (vendor,
// architecture, fallback or not) or, when there is none, exactly why.
import type { AdapterReport, FailureKind } from '../util/backendReport.ts';

export type { AdapterReport };

// The slice of the WebGPU API read here (TypeScript's DOM library does not declare navigator.gpu).
interface GpuAdapterInfoLike {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}
interface GpuAdapterLike {
  info?: GpuAdapterInfoLike;
  /** Older Chromium put the flag on the adapter itself. */
  isFallbackAdapter?: boolean;
}
interface GpuLike {
  requestAdapter(options?: {
    powerPreference?: 'low-power' | 'high-performance';
  }): Promise<GpuAdapterLike | null>;
}

function navigatorGpu(): GpuLike | null {
  const nav: unknown = globalThis.navigator;
  if (typeof nav !== 'object' || nav === null || !('gpu' in nav)) return null;
  const gpu = nav.gpu;
  if (typeof gpu !== 'object' || gpu === null || !('requestAdapter' in gpu)) return null;
  if (typeof gpu.requestAdapter !== 'function') return null;
  return gpu as GpuLike; // checked above: an object with requestAdapter
}

export type AdapterProbe = { failure: string; kind: FailureKind } | { adapter: AdapterReport };

export async function probeWebGpuAdapter(): Promise<AdapterProbe> {
  if (globalThis.isSecureContext === false) {
    return { failure: 'not a secure context (WebGPU needs https or localhost)', kind: 'unsupported' };
  }
  const gpu = navigatorGpu();
  if (!gpu) {
    return {
      kind: 'unsupported',
      failure:
        typeof globalThis.navigator === 'undefined'
          ? 'no navigator.gpu (not a browser)'
          : 'no navigator.gpu (this browser has WebGPU off or lacks it)',
    };
  }
  let adapter: GpuAdapterLike | null;
  try {
    // The same preference tfjs asks for, so the adapter reported is the one it gets.
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (error) {
    return { failure: `navigator.gpu.requestAdapter() failed: ${String(error)}`, kind: 'failed' };
  }
  if (!adapter)
    return { failure: 'no adapter (navigator.gpu.requestAdapter() returned null)', kind: 'no-device' };
  const info = adapter.info ?? {};
  return {
    adapter: {
      vendor: info.vendor ?? '',
      architecture: info.architecture ?? '',
      device: info.device ?? '',
      description: info.description ?? '',
      isFallbackAdapter: info.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false,
    },
  };
}
