// End to end, offline for real: the built app's service worker precaches the app, the wasm binaries and
// the shipped bases. Once it controls the page, the test cuts the network, reloads, and the lab starts
// from the cache, still cross-origin isolated (wasm with threads), runs a tiny fine-tune from an
// uploaded base, and loads the shipped base from the cache.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright';
import { appUrl, labState, launchChromium, openLab, waitForBackend } from './labPage.ts';
import { runTinyFineTune, TINY_FINETUNE } from './tinyFineTune.ts';
import type { BackendReport } from '../../src/util/backendReport.ts';

/** The parts of the lab's backend report read here. */
type Report = Pick<BackendReport, 'backend' | 'wasm'>;

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe('offline', () => {
  it('reloads from the service worker’s cache and trains and loads the shipped base without a network', async () => {
    const lab = await openLab(browser, appUrl(`${TINY_FINETUNE}&backend=wasm`, 'finetune'));
    const { page, context } = lab;
    // The first install claims the open page once everything is precached.
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 180_000 });

    await context.setOffline(true);
    // The network is really gone: a file the service worker does not hold cannot be fetched.
    const uncached = await page.evaluate(() =>
      fetch('models/not-in-the-cache.ckpt').then(
        (r) => `answered ${r.status}`,
        () => 'failed',
      ),
    );
    expect(uncached).toBe('failed');
    lab.errors.length = 0; // Chromium logs that failed load as a console error

    const response = await page.reload();
    expect(response?.fromServiceWorker()).toBe(true);
    await page.locator('pl-app').waitFor();
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    await waitForBackend(page, 'wasm');
    const report = (await labState<{ backend: Report }>(page)).backend;
    expect(report.wasm).toMatchObject({ simd: true, threads: true, crossOriginIsolated: true });
    expect(report.wasm!.threadsCount).toBeGreaterThanOrEqual(1);

    const results = await runTinyFineTune(page);
    expect(results.provenance.backend).toBe('wasm');

    await page.locator('#tab-pretrain').click();
    const widget = page.locator('pl-base-checkpoint');
    await widget.getByRole('button', { name: 'Use the shipped base' }).click();
    await expect
      .poll(() => widget.locator('[role=status]').allInnerTexts(), { timeout: 60_000 })
      .toContainEqual(expect.stringMatching(/parameters, trained 60 steps, saved after the select stage/));
    expect(lab.errors).toEqual([]);
    await context.close();
  });
});
