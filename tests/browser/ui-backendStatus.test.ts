// The backend choice in plain words: <pl-backend-status> tells a student where the model trains and why
// ("your computer has no usable GPU; training on the CPU: slower"), computed from the engine's report,
// and keeps the technical reasons and the backend picker behind a closed "Advanced" disclosure. The
// first test starts 'auto' for real in this Chromium (SwiftShader only, scripts/chromium.ts): it skips
// both software GPUs for wasm, and the sentence follows from those reasons.
import { afterEach, describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/platform/backend.ts';
import type { BackendChoice, BackendReport } from '../../workers/contract.ts';
import { explainBackend } from '../../src/ui/backendExplanation.ts';
import '../../src/ui/backendStatus.ts';

const wasmReport = (over: Partial<BackendReport> = {}): BackendReport => ({
  choice: 'auto',
  backend: 'wasm',
  adapter: null,
  webgl: null,
  wasm: {
    simd: true,
    threads: true,
    threadsCount: 4,
    crossOriginIsolated: true,
    hostKernels: { simd: true, reason: 'active', threads: 2, fma: true },
  },
  failures: [
    {
      backend: 'webgpu',
      kind: 'no-device',
      reason: 'no adapter (navigator.gpu.requestAdapter() returned null)',
    },
    {
      backend: 'webgl',
      kind: 'software',
      reason: 'only a software renderer (SwiftShader), slower than the CPU path',
    },
  ],
  tfjsVersion: '4.22.0',
  ...over,
});

const gpuAdapter = {
  vendor: 'intel',
  architecture: 'gen-12lp',
  device: '',
  description: '',
  isFallbackAdapter: false,
};

async function mount(
  report: BackendReport | null,
  choice: BackendChoice = 'auto',
  error: string | null = null,
) {
  const status = document.createElement('pl-backend-status');
  status.report = report;
  status.choice = choice;
  status.error = error;
  document.body.append(status);
  await status.updateComplete;
  const root = status.shadowRoot!;
  return {
    status,
    root,
    text: (selector: string) => root.querySelector(selector)?.textContent?.replace(/\s+/g, ' ').trim(),
  };
}

afterEach(() => document.body.replaceChildren());

describe('the backend choice in plain words', () => {
  it("'auto' in this browser skips the software GPUs for wasm and says so plainly", async () => {
    const report = await selectBackend('auto');
    expect(report.backend).toBe('wasm');
    expect(report.failures.map((f) => [f.backend, f.kind])).toEqual([
      ['webgpu', 'software'],
      ['webgl', 'software'],
    ]);
    expect(report.webgl).toBeNull();
    const threads =
      report.wasm!.threadsCount > 1
        ? `the CPU \\(${report.wasm!.threadsCount} threads\\)`
        : 'one core of the CPU';
    expect(explainBackend(report).headline).toMatch(
      new RegExp(`^Your computer has no usable GPU; training on ${threads}: slower\\.$`),
    );
    // A forced backend runs even on software, and the report says which renderer.
    const forced = await selectBackend('webgl');
    expect(forced.failures).toEqual([]);
    expect(forced.webgl?.software).toBe(true);
    expect(explainBackend(forced).headline).toBe(
      "The lab's settings ask for webgl; training on a software imitation of a GPU (through WebGL): much slower.",
    );
  });

  it('says why each path was taken, from the kind of each failure', () => {
    expect(explainBackend(wasmReport())).toEqual({
      short: 'CPU, 4 threads',
      speed: 'slower',
      headline: 'Your computer has no usable GPU; training on the CPU (4 threads): slower.',
      notes: ['Small models still train in minutes; a computer with a GPU trains them faster.'],
    });
    const noWebGpu = explainBackend(
      wasmReport({
        backend: 'webgl',
        wasm: null,
        webgl: { renderer: 'ANGLE (Intel, Mesa Intel(R) UHD Graphics 620)', software: false },
        failures: [
          {
            backend: 'webgpu',
            kind: 'unsupported',
            reason: 'no navigator.gpu (this browser has WebGPU off or lacks it)',
          },
        ],
      }),
    );
    expect(noWebGpu.headline).toBe(
      'This browser has no WebGPU; training on your GPU (graphics chip, through WebGL): fast.',
    );
    expect(noWebGpu.notes).toEqual([]);
    const softWebGpu = explainBackend(
      wasmReport({
        backend: 'webgl',
        wasm: null,
        webgl: { renderer: 'ANGLE (NVIDIA GeForce GTX 1650)', software: false },
        failures: [{ backend: 'webgpu', kind: 'software', reason: 'only a software adapter' }],
      }),
    );
    expect(softWebGpu.headline).toBe(
      'WebGPU only has a software GPU here, WebGL has a real one; training on your GPU (graphics chip, through WebGL): fast.',
    );
    const gpu = explainBackend(
      wasmReport({ backend: 'webgpu', wasm: null, adapter: gpuAdapter, failures: [] }),
    );
    expect(gpu.headline).toBe('Your computer has a usable GPU; training on your GPU (graphics chip): fast.');
    const oldBrowser = explainBackend(
      wasmReport({
        backend: 'cpu',
        wasm: null,
        failures: [
          { backend: 'webgpu', kind: 'unsupported', reason: 'no navigator.gpu' },
          { backend: 'webgl', kind: 'unsupported', reason: 'the webgl backend is not registered here' },
          { backend: 'wasm', kind: 'failed', reason: 'could not load @tensorflow/tfjs-backend-wasm' },
        ],
      }),
    );
    expect(oldBrowser.headline).toBe(
      'This browser cannot use the GPU and WebAssembly could not start; training on the CPU without WebAssembly: much slower.',
    );
  });

  it('names the missing headers when wasm runs on one thread for want of cross-origin isolation', () => {
    const single = explainBackend(
      wasmReport({
        choice: 'wasm',
        failures: [],
        wasm: {
          simd: true,
          threads: false,
          threadsCount: 1,
          crossOriginIsolated: false,
          hostKernels: { simd: false, reason: 'turned off', threads: 1, fma: false },
        },
      }),
    );
    expect(single.short).toBe('CPU, 1 thread');
    expect(single.headline).toBe("The lab's settings ask for wasm; training on one core of the CPU: slower.");
    expect(single.notes).toEqual([
      'Training on more CPU cores needs the web server to send the cross-origin isolation headers (COOP and COEP).',
    ]);
  });

  it('shows the plain words first and keeps the technical report and the picker for teachers', async () => {
    const { status, root, text } = await mount(wasmReport());
    expect(text('details > summary')).toBe('Trains on: CPU, 4 threads');
    expect(text('[role=status]')).toBe(
      'Your computer has no usable GPU; training on the CPU (4 threads): slower.',
    );
    const advanced = root.querySelector<HTMLDetailsElement>('details.advanced')!;
    expect(advanced.open).toBe(false);
    expect(advanced.querySelector('summary')!.textContent).toBe('Advanced (for teachers)');
    const reasons = [...advanced.querySelectorAll('li')].map((li) =>
      li.textContent.replace(/\s+/g, ' ').trim(),
    );
    expect(reasons).toEqual([
      'webgpu (no-device): no adapter (navigator.gpu.requestAdapter() returned null)',
      'webgl (software): only a software renderer (SwiftShader), slower than the CPU path',
    ]);
    // The technical line says where the lab's own kernels run.
    expect(advanced.textContent.replace(/\s+/g, ' ')).toContain(
      "WASM: SIMD on, threads on (4), cross-origin isolated yes; the lab's own kernels in wasm SIMD with fused multiply-add on up to 2 threads",
    );
    // The picker lives in the disclosure; picking tells the shell, which restarts the engine.
    const select = advanced.querySelector('select')!;
    expect(select.value).toBe('auto');
    const picked: BackendChoice[] = [];
    status.addEventListener('backend-change', (e) => picked.push(e.detail));
    select.value = 'webgl';
    select.dispatchEvent(new Event('change'));
    expect(picked).toEqual(['webgl']);
    status.busy = true;
    await status.updateComplete;
    expect(select.disabled).toBe(true);
  });

  it('renders reasons and engine errors that look like HTML as text', async () => {
    const hostile = '<img src=x onerror="window.__pwned=1">';
    const { root } = await mount(
      wasmReport({ failures: [{ backend: 'webgpu', kind: 'failed', reason: hostile }] }),
    );
    expect(root.querySelector('img')).toBeNull();
    expect(root.querySelector('details.advanced li')!.textContent).toContain(hostile);
    document.body.replaceChildren();
    const failed = await mount(null, 'auto', hostile);
    expect(failed.root.querySelector('img')).toBeNull();
    expect(failed.text('[role=alert]')).toBe(`The lab's engine could not start: ${hostile}`);
  });
});
