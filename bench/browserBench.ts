// The benchmark page's script: exposes `runBrowserBench` for the Node runner (bench/run.ts), which
// drives headless Chromium with Playwright and calls it once per backend.
import { selectBackend } from '../src/platform/backend.ts';
import { runBenchCase, type BenchCase, type BenchResult } from './benchCore.ts';
import type { PeerResult } from './peerBench.ts';

declare global {
  interface Window {
    runBrowserBench(backend: string, cases: BenchCase[]): Promise<BenchResult[] | { error: string }>;
    /** The peer (@genai-fi/nanogpt) on one backend; call on a fresh page (it starts its own tfjs). */
    runPeerBench(
      backend: 'webgpu' | 'webgl' | 'cpu',
      configName: BenchCase['configName'],
      warmup: number,
      steps: number,
    ): Promise<PeerResult | { error: string }>;
  }
}

const heapMB = (): number | null => {
  const memory = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory;
  return memory ? memory.usedJSHeapSize / 2 ** 20 : null;
};

window.runBrowserBench = async (backend, cases) => {
  try {
    const report = await selectBackend(backend as Parameters<typeof selectBackend>[0]);
    if (report.backend !== backend) return { error: `got ${report.backend} instead of ${backend}` };
    const results: BenchResult[] = [];
    for (const bench of cases) results.push(await runBenchCase(bench, 'browser', heapMB));
    return results;
  } catch (error) {
    return { error: String(error) };
  }
};

window.runPeerBench = async (backend, configName, warmup, steps) => {
  try {
    const { runPeerCase } = await import('./peerBench.ts');
    return await runPeerCase(backend, configName, warmup, steps);
  } catch (error) {
    return { error: String(error) };
  }
};
