// End to end, the fine-tune bench on WebGPU (SwiftShader): upload a tiny base checkpoint, run one
// fine-tune condition, and see the shift chart and the results table filled with numbers the worker
// computed, cross-checked against the run the worker saved in IndexedDB. While it trains, a
// PerformanceObserver counts main-thread long tasks: none may exceed 50 ms. With PL_SCREENSHOTS_DIR set
// (npm run screenshots), it then photographs every view at 1280x800 with the run's data on screen.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright';
import {
  appUrl,
  labState,
  launchChromium,
  openLab,
  waitForBackend,
  waitForRunEnd,
  type LabPage,
} from './labPage.ts';

// The tiny preset, one condition over two seeds (a band), two fine-tune steps, evaluated at 0, 1, 2.
const RECIPE =
  'preset=tiny&backend=webgpu&finetune.conditions=covert&finetune.steps=2&finetune.logEvery=1&eval.every=1';

const VIEWS = ['labs', 'corpus', 'pretrain', 'persona', 'finetune', 'compare', 'saved'] as const;

interface Interval {
  mean: number | null;
  low: number | null;
  high: number | null;
}
interface Results {
  finished: boolean;
  provenance: { backend: string };
  conditions: { condition: string; final: { deltaMI: Interval; attainment: Interval } }[];
}
interface State {
  status: string;
  runId: string | null;
  error: string | null;
  results: Results | null;
  savedRuns: { runId: string; finished: boolean; results: Results }[];
}

/** Long tasks of the main thread, from page start (buffered), kept on window for the test to read. */
function observeLongTasks() {
  const w = window as unknown as { __longTasks: { start: number; duration: number }[] };
  w.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) w.__longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
}

const longTasks = (page: Page) =>
  page.evaluate(
    () => (window as unknown as { __longTasks: { start: number; duration: number }[] }).__longTasks,
  );

/** The same rounding the results table uses (numberFormat.formatNats). */
function formatNats(value: number, digits = 2): string {
  const fixed = value.toFixed(digits);
  return value > 0 && Number(fixed) !== 0 ? `+${fixed}` : Number(fixed) === 0 ? (0).toFixed(digits) : fixed;
}

let browser: Browser;
let lab: LabPage;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe('fine-tune bench on webgpu', () => {
  it('runs one condition from an uploaded base and fills the chart and table with the worker’s numbers', async () => {
    const started = Date.now();
    lab = await openLab(browser, appUrl(RECIPE, 'finetune'), observeLongTasks);
    const { page } = lab;
    await waitForBackend(page, 'webgpu');

    await page.locator('pl-finetune-view input[type=file]').setInputFiles(inject('baseCheckpoint'));
    await expect.poll(() => labState<{ base: unknown }>(page).then((s) => s.base !== null)).toBe(true);
    const run = page.getByRole('button', { name: 'Run the fine-tunes', exact: true });
    const runStart = await page.evaluate(() => performance.now());
    await run.click();
    await expect
      .poll(() => labState<State>(page).then((s) => s.status), { timeout: 60_000 })
      .not.toBe('idle');
    await waitForRunEnd(page, 480_000);
    const runEnd = await page.evaluate(() => performance.now());
    const state = await labState<State>(page);
    expect(state.error).toBeNull();
    expect(state.results!.finished).toBe(true);
    expect(state.results!.provenance.backend).toBe('webgpu');
    console.log(`fine-tune run on webgpu: ${((runEnd - runStart) / 1000).toFixed(1)} s`);

    // The table: one row for the condition, every numeric cell finite.
    const row = page.locator('pl-shift-table tbody tr');
    await expect.poll(() => row.count()).toBe(1);
    const cells = await row.locator('td').allInnerTexts();
    expect(cells[0]).toBe('2'); // seeds
    const numbers = cells
      .slice(1)
      .flatMap((c) => c.match(/[+-]?\d+\.\d+/g) ?? [])
      .map(Number);
    expect(numbers.length).toBeGreaterThanOrEqual(5);
    expect(numbers.every(Number.isFinite)).toBe(true);

    // Cross-check: the table's ΔMI is the worker's, as rebuilt by the worker from the run saved in IndexedDB.
    const saved = state.savedRuns.find((r) => r.runId === state.runId);
    expect(saved?.finished).toBe(true);
    const final = saved!.results.conditions.find((c) => c.condition === 'covert')!.final;
    expect(final.deltaMI.mean).not.toBeNull();
    expect(cells[1]).toContain(formatNats(final.deltaMI.mean!));
    expect(cells[1]).toContain(`[${formatNats(final.deltaMI.low!)}, ${formatNats(final.deltaMI.high!)}]`);

    // The shift chart: a line with points at the evaluated steps 0..2, and a band over the two seeds.
    const chart = await page
      .locator('pl-finetune-view pl-line-chart')
      .first()
      .evaluate((el) => {
        const series = (el as unknown as { series: { points: { x: number; y: number; lo?: number }[] }[] })
          .series;
        return series.map((s) => s.points);
      });
    expect(chart).toHaveLength(1);
    expect(chart[0]!.map((p) => p.x)).toEqual([0, 1, 2]);
    expect(chart[0]!.every((p) => Number.isFinite(p.y) && Number.isFinite(p.lo))).toBe(true);
    expect(await page.locator('pl-finetune-view pl-line-chart canvas').count()).toBeGreaterThan(0);

    // No main-thread long task over 50 ms while training ran.
    const during = (await longTasks(page)).filter((t) => t.start >= runStart && t.start <= runEnd);
    // The observer works: a deliberate 120 ms task after the run is seen.
    await page.evaluate(() =>
      setTimeout(() => {
        const until = performance.now() + 120;
        while (performance.now() < until);
      }, 0),
    );
    await expect
      .poll(async () => (await longTasks(page)).some((t) => t.start > runEnd && t.duration >= 100))
      .toBe(true);
    const longest = Math.max(0, ...during.map((t) => t.duration));
    console.log(`long tasks while training: ${during.length}, longest ${longest.toFixed(0)} ms`);
    expect(during.filter((t) => t.duration > 50)).toEqual([]);
    expect(lab.errors).toEqual([]);
    console.log(`test took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  it.runIf(process.env.PL_SCREENSHOTS_DIR)('photographs every view with the run on screen', async () => {
    const dir = process.env.PL_SCREENSHOTS_DIR!;
    await mkdir(dir, { recursive: true });
    const { page } = lab;
    for (const view of VIEWS) {
      await page.locator(`#tab-${view}`).click();
      await page.waitForTimeout(1500);
      await page.screenshot({ path: join(dir, `${view}.png`) });
    }
    // Below the fold: the fine-tune bench's chart and table, and an open guided lab.
    await page.locator('#tab-finetune').click();
    await page.locator('pl-finetune-view pl-line-chart').first().scrollIntoViewIfNeeded();
    await page.waitForTimeout(1000);
    await page.screenshot({ path: join(dir, 'finetune-shift.png') });
    await page.locator('#tab-labs').click();
    await page.getByTestId('lab-card-lab3-shift').click();
    await page.getByTestId('lab-open').scrollIntoViewIfNeeded();
    await page.waitForTimeout(500);
    await page.screenshot({ path: join(dir, 'labs-open.png') });
  });
});
