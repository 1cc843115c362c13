// The benchmark page's script: exposes `runBrowserBench` for the Node runner (bench/run.ts), which
// drives headless Chromium with Playwright and calls it once per backend.
import { selectBackend } from '../src/platform/backend.ts';
import { runBenchCase, type BenchCase, type BenchResult } from './benchCore.ts';

declare global {
  interface Window {
    runBrowserBench(backend: string, cases: BenchCase[]): Promise<BenchResult[] | { error: string }>;
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
