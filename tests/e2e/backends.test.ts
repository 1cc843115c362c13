// End to end, every backend the lab offers runs a tiny fine-tune in the built app (vite build + vite
// preview with COOP/COEP): webgpu and webgl on SwiftShader, wasm with SIMD and threads (the page is
// cross-origin isolated), cpu. Each ends with results computed on the backend asked for, and no page error.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright';
import { appUrl, labState, launchChromium, openLab, waitForBackend } from './labPage.ts';
import { runTinyFineTune, TINY_FINETUNE } from './tinyFineTune.ts';
import type { BackendReport } from '../../src/util/backendReport.ts';

/** The parts of the lab's backend report read here. */
type Report = Pick<BackendReport, 'backend' | 'wasm' | 'failures'>;

/** axe-core's serious or critical violations on the page (it walks the lab's open shadow roots). */
async function seriousAxeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: await readFile('node_modules/axe-core/axe.min.js', 'utf8') });
  return page.evaluate(async () => {
    type Result = { violations: { id: string; impact: string | null; nodes: { target: unknown }[] }[] };
    const axe = (window as unknown as { axe: { run: (ctx: Document) => Promise<Result> } }).axe;
    const { violations } = await axe.run(document);
    return violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${JSON.stringify(v.nodes.map((n) => n.target))}`);
  });
}

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe('the backend matrix in the built app', () => {
  it.each(['webgpu', 'webgl', 'wasm', 'cpu'])('%s runs a tiny fine-tune to its results', async (backend) => {
    const lab = await openLab(browser, appUrl(`${TINY_FINETUNE}&backend=${backend}`, 'finetune'));
    const { page } = lab;
    await waitForBackend(page, backend);
    const report = (await labState<{ backend: Report }>(page)).backend;
    expect(report.failures).toEqual([]);
    if (backend === 'wasm') {
      // The threaded SIMD build: the one whose pthread workers crashed in the minified bundle.
      expect(report.wasm).toMatchObject({ simd: true, threads: true, crossOriginIsolated: true });
      expect(report.wasm!.threadsCount).toBeGreaterThanOrEqual(1);
      // The lab's own kernels run in wasm SIMD in the worker, on the threaded build's shared memory (on the
      // worker's thread: their thread pool is Node's only).
      expect(report.wasm!.hostKernels).toEqual({ simd: true, reason: 'active', threads: 1, fma: true });
    }
    const results = await runTinyFineTune(page);
    expect(results.provenance.backend).toBe(backend);
    expect(results.conditions.map((c) => c.condition)).toEqual(['covert']);
    expect(lab.errors).toEqual([]);
    await lab.context.close();
  });

  it("'auto' skips the software GPUs, says why in plain words, and the teacher's picker switches", async () => {
    const lab = await openLab(browser, appUrl('', 'finetune')); // the default recipe: backend auto
    const { page } = lab;
    await waitForBackend(page, 'wasm');
    const status = page.locator('pl-backend-status');
    const chip = status.locator('summary').first();
    expect((await chip.innerText()).trim()).toMatch(/^Trains on: CPU, \d+ threads?$/);
    await chip.click();
    await expect
      .poll(() => status.getByRole('status').innerText())
      .toMatch(
        /^Your computer has no usable GPU; training on (the CPU \(\d+ threads\)|one core of the CPU): slower\.$/,
      );
    await status.getByText('Advanced (for teachers)').click();
    // Open, the explanation and the teacher's panel pass axe as the rest of the lab does (a phone's width).
    await page.setViewportSize({ width: 390, height: 800 });
    expect(await seriousAxeViolations(page)).toEqual([]);
    await status.getByRole('combobox', { name: 'Backend' }).selectOption('cpu');
    await waitForBackend(page, 'cpu');
    await expect
      .poll(() => status.getByRole('status').innerText())
      .toBe("The lab's settings ask for cpu; training on the CPU without WebAssembly: much slower.");
    expect(lab.errors).toEqual([]);
    await lab.context.close();
  });
});
