// Backend selection in Node: 'auto' lands on wasm (or cpu) and says why the others were not used (webgpu
// runs in Node only when chosen by name, through Dawn); a forced backend is used or refused clearly.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { BackendUnavailableError, selectBackend, type BackendChoice } from '../../src/platform/backend.ts';

describe('selectBackend in Node', () => {
  it("'auto' chooses wasm (or cpu) and gives a reason for webgpu and webgl", async () => {
    const report = await selectBackend('auto');
    expect(['wasm', 'cpu']).toContain(report.backend);
    expect(tf.getBackend()).toBe(report.backend);
    const reasons = new Map(report.failures.map((f) => [f.backend, f.reason]));
    expect(reasons.get('webgpu')).toMatch(/navigator\.gpu/);
    expect(reasons.get('webgl')).toMatch(/WebGL/);
    // Node offers neither: the plain-words explanation reads these kinds.
    expect(report.failures.map((f) => f.kind).slice(0, 2)).toEqual(['unsupported', 'unsupported']);
    expect(report.choice).toBe('auto');
    expect(report.adapter).toBeNull();
    if (report.backend === 'wasm') {
      expect(report.wasm).not.toBeNull();
      expect(typeof report.wasm!.simd).toBe('boolean');
      expect(report.wasm!.threadsCount).toBeGreaterThanOrEqual(1);
      // The registered gradient of gather lets wasm train an embedding.
      expect(tf.getKernel('UnsortedSegmentSum', 'wasm')).toBeDefined();
    }
  });

  it("forcing 'cpu' uses cpu with no failures", async () => {
    const report = await selectBackend('cpu');
    expect(report.backend).toBe('cpu');
    expect(report.failures).toEqual([]);
    expect(tf.getBackend()).toBe('cpu');
  });

  it("forcing 'webgpu' in Node without a GPU throws with the reason", async () => {
    // Dawn (src/platform/nodeWebGpu.ts) is asked; a missing driver manifest leaves it no adapter.
    process.env.VK_ICD_FILENAMES = '/nonexistent/persona-lab-no-icd.json';
    await expect(selectBackend('webgpu')).rejects.toThrow(BackendUnavailableError);
    await expect(selectBackend('webgpu')).rejects.toThrow(/webgpu: no adapter \(Dawn found no GPU/);
  });

  it('an unknown backend name is a clear error', async () => {
    const bogus: string = 'tpu';
    await expect(selectBackend(bogus as BackendChoice)).rejects.toThrow(
      /unknown backend "tpu": choose 'auto' or one of webgpu, webgl, wasm, cpu/,
    );
  });
});
