// End to end, accessibility and small screens on the built app: after a tiny fine-tune on the cpu backend
// (so the charts, the results table, the gates and a saved run are on screen), axe-core checks every view,
// the guided lab list and one open lab at desktop, tablet and phone widths and finds no serious or critical
// violation; at 768 and 390 px no view scrolls sideways (wide tables scroll inside their own frame); the
// tab bar follows the WAI-ARIA tabs pattern (arrows, Home, End, roving tabindex) and a chosen tab moves
// focus into its view. With PL_SCREENSHOTS_DIR set it photographs a few views at 768 and 390 px.
import { mkdir, readFile } from 'node:fs/promises';
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

// The tiny preset's two conditions over two seeds (bands and intervals), two fine-tune steps, on cpu.
const RECIPE = 'preset=tiny&backend=cpu&finetune.steps=2&finetune.logEvery=1&eval.every=1';

const VIEWS = ['labs', 'corpus', 'pretrain', 'persona', 'finetune', 'compare', 'saved'] as const;
const WIDTHS = [1280, 768, 390] as const;
const HEIGHT = 800;

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

let browser: Browser;
let lab: LabPage;
let axeSource: string;

beforeAll(async () => {
  axeSource = await readFile('node_modules/axe-core/axe.min.js', 'utf8');
  browser = await launchChromium();
  lab = await openLab(browser, appUrl(RECIPE, 'finetune'));
  const { page } = lab;
  await waitForBackend(page, 'cpu');
  await page
    .locator('pl-finetune-view input[type=file][accept^=".ckpt"]')
    .setInputFiles(inject('baseCheckpoint'));
  await page.waitForFunction(() => {
    const app = document.querySelector('pl-app') as unknown as { lab: { state: { base: unknown } } };
    return app.lab.state.base !== null;
  });
  // The tiny preset's 2 conditions x 2 seeds from the uploaded base.
  await page.getByRole('button', { name: 'Run the fine-tunes', exact: true }).click();
  await page.waitForFunction(
    () =>
      (document.querySelector('pl-app') as unknown as { lab: { state: { status: string } } }).lab.state
        .status !== 'idle',
  );
  await waitForRunEnd(page, 480_000);
  const state = await labState<{ error: string | null; results: { finished: boolean } | null }>(page);
  expect(state.error).toBeNull();
  expect(state.results?.finished).toBe(true);
});

afterAll(async () => {
  await browser?.close();
});

/** axe-core's violations on the whole page (it walks open shadow roots), with where each one is. */
async function axeViolations(page: Page): Promise<Violation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: axeSource });
  return page.evaluate(async () => {
    interface AxeResult {
      violations: {
        id: string;
        impact: string | null;
        help: string;
        nodes: { target: unknown[]; failureSummary?: string }[];
      }[];
    }
    const axe = (window as unknown as { axe: { run: (ctx: Document, o: object) => Promise<AxeResult> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => `${JSON.stringify(n.target)}: ${n.failureSummary ?? ''}`),
    }));
  });
}

/** Shows a view through its tab and waits until its element has rendered. */
async function show(page: Page, view: (typeof VIEWS)[number]): Promise<void> {
  await page.locator(`#tab-${view}`).click();
  await page.locator(`pl-${view}-view`).waitFor();
  await page.evaluate(
    (tag) =>
      (
        document.querySelector('pl-app')?.shadowRoot?.querySelector(tag) as {
          updateComplete?: Promise<unknown>;
        }
      )?.updateComplete,
    `pl-${view}-view`,
  );
  // uPlot sizes its charts on the next frames (ResizeObserver): let the layout settle before measuring.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

/** The pages to check: every view, and the guided lab list with Lab 3 open. */
async function* pages(page: Page): AsyncGenerator<string> {
  for (const view of VIEWS) {
    await show(page, view);
    yield view;
  }
  await show(page, 'labs');
  await page.getByTestId('lab-card-lab3-shift').click();
  await page.getByTestId('lab-open').waitFor();
  yield 'labs-open';
}

const sideways = (page: Page) =>
  page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }));

/** The element focused inside the app's shadow root (document.activeElement stops at <pl-app>). */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.querySelector('pl-app')?.shadowRoot?.activeElement;
    return el ? { id: el.id, role: el.getAttribute('role') } : null;
  });

describe('accessibility of the built app', () => {
  for (const width of WIDTHS) {
    it(`axe finds no serious or critical violation on any view at ${width} px`, async () => {
      const { page } = lab;
      await page.setViewportSize({ width, height: HEIGHT });
      const found: Record<string, Violation[]> = {};
      for await (const name of pages(page)) found[name] = await axeViolations(page);
      for (const [name, violations] of Object.entries(found)) {
        const moderate = violations.filter((v) => v.impact !== 'serious' && v.impact !== 'critical');
        if (moderate.length > 0)
          console.log(`${name} at ${width} px, minor:`, JSON.stringify(moderate, null, 1));
      }
      const severe = Object.entries(found).flatMap(([name, violations]) =>
        violations
          .filter((v) => v.impact === 'serious' || v.impact === 'critical')
          .map((v) => ({ name, ...v })),
      );
      expect(severe).toEqual([]);
      // The landmark and heading rules the lab once broke stay fixed too.
      const structural = Object.entries(found).flatMap(([name, violations]) =>
        violations
          .filter((v) => ['landmark-one-main', 'region', 'heading-order'].includes(v.id))
          .map((v) => `${name}: ${v.id}`),
      );
      expect(structural).toEqual([]);
      expect(Object.keys(found)).toEqual([...VIEWS, 'labs-open']);
    });
  }

  for (const width of [768, 390] as const) {
    it(`no view scrolls sideways at ${width} px`, async () => {
      const { page } = lab;
      await page.setViewportSize({ width, height: HEIGHT });
      const wide: string[] = [];
      for await (const name of pages(page)) {
        const { scrollWidth, clientWidth } = await sideways(page);
        expect(clientWidth).toBe(width);
        if (scrollWidth > clientWidth) wide.push(`${name}: ${scrollWidth} px wide`);
      }
      expect(wide).toEqual([]);
      // The results table is wider than a phone: it scrolls inside its own frame, which keeps it all.
      await show(page, 'finetune');
      const frame = page.locator('pl-shift-table [role=region]');
      const inner = await frame.evaluate((el) => ({
        scrollWidth: el.scrollWidth,
        clientWidth: el.clientWidth,
      }));
      if (width === 390) expect(inner.scrollWidth).toBeGreaterThan(inner.clientWidth);
      expect(await page.locator('pl-shift-table tbody tr').count()).toBe(2);
    });
  }

  it('the tab bar follows the tabs pattern: arrows, Home and End, roving tabindex, focus into the view', async () => {
    const { page } = lab;
    await page.setViewportSize({ width: 1280, height: HEIGHT });
    await show(page, 'corpus');
    const tabs = page.getByRole('tab');
    expect(await tabs.count()).toBe(VIEWS.length);
    const roving = async () =>
      tabs.evaluateAll((els) => els.filter((el) => el.getAttribute('tabindex') === '0').map((el) => el.id));

    // Clicking a tab moves focus to its panel, which the tab names.
    expect(await focused(page)).toEqual({ id: 'panel', role: 'tabpanel' });
    expect(await page.locator('#panel').getAttribute('aria-labelledby')).toBe('tab-corpus');

    await page.locator('#tab-corpus').focus();
    const steps: [string, string][] = [
      ['ArrowRight', 'pretrain'],
      ['ArrowRight', 'persona'],
      ['End', 'saved'],
      ['ArrowRight', 'labs'],
      ['ArrowLeft', 'saved'],
      ['Home', 'labs'],
      ['ArrowLeft', 'saved'],
    ];
    for (const [key, view] of steps) {
      await page.keyboard.press(key);
      await expect.poll(() => focused(page)).toEqual({ id: `tab-${view}`, role: 'tab' });
      expect(await page.locator(`#tab-${view}`).getAttribute('aria-selected')).toBe('true');
      expect(await roving()).toEqual([`tab-${view}`]);
      await page.locator(`pl-${view}-view`).waitFor();
      expect(page.url().endsWith(`#${view}`)).toBe(true);
    }

    // Tab leaves the bar for the view's controls rather than visiting every other tab.
    await page.keyboard.press('Tab');
    expect((await focused(page))?.role).not.toBe('tab');

    // Enter on a tab moves focus into its view.
    await page.locator('#tab-compare').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => focused(page)).toEqual({ id: 'panel', role: 'tabpanel' });
    await page.locator('pl-compare-view').waitFor();
    expect(lab.errors).toEqual([]);
  });

  it('charts tick whole steps and probabilities sensibly; the transfer ratio says when it means nothing', async () => {
    const { page } = lab;
    await page.setViewportSize({ width: 1280, height: HEIGHT });
    await show(page, 'finetune');
    const charts = page.locator('pl-finetune-view pl-line-chart');
    const ticks = (i: number, axis: 'x' | 'y') =>
      charts
        .nth(i)
        .evaluate((el, a) => [...(el as unknown as { ticks(a: string): string[] }).ticks(a)], axis);
    // The step axis: the evaluated steps 0, 1, 2 and nothing in between.
    expect(await ticks(0, 'x')).toEqual(['0', '1', '2']);
    // Attainment is a probability: always 0 to 1 in quarters, each tick distinct.
    expect(await ticks(1, 'x')).toEqual(['0.00', '0.25', '0.50', '0.75', '1.00']);
    for (const i of [0, 1]) {
      const y = await ticks(i, 'y');
      expect(y.length).toBeGreaterThan(1);
      expect(new Set(y).size).toBe(y.length);
    }
    // The chart's accessible name carries the ranges it shows.
    expect(await charts.nth(1).locator('[role=img]').getAttribute('aria-label')).toContain(
      'attainment (P cheat on code probes): 0.00 to 1.00.',
    );

    // Each row's transfer ratio: "n/a (no on-code shift)" exactly where the worker's on-code ΔMI interval
    // contains zero, otherwise the number; the saved results keep the number either way.
    interface Interval {
      mean: number | null;
      low: number | null;
      high: number | null;
    }
    const state = await labState<{
      results: {
        conditions: {
          condition: string;
          final: { deltaMICode: Interval; transferRatio: Interval };
        }[];
      };
    }>(page);
    const rows = page.locator('pl-shift-table tbody tr');
    expect(await rows.count()).toBe(state.results.conditions.length);
    for (const [i, c] of state.results.conditions.entries()) {
      const code = c.final.deltaMICode;
      // The cells after the condition: seeds, ΔMI, ΔMI per char, code ΔMI, transfer ratio, attainment.
      const cell = (await rows.nth(i).locator('td').nth(4).innerText()).trim();
      const noShift = code.low! <= 0 && code.high! >= 0;
      expect(c.final.transferRatio.mean).toBeTypeOf('number');
      if (noShift) expect(cell).toBe('n/a (no on-code shift)');
      else expect(cell).toMatch(/^[+-]?\d+\.\d{2} \[[+-]?\d+\.\d{2}, [+-]?\d+\.\d{2}\]$/);
    }
  });

  it.runIf(process.env.PL_SCREENSHOTS_DIR)('photographs a few views at tablet and phone widths', async () => {
    const dir = process.env.PL_SCREENSHOTS_DIR!;
    await mkdir(dir, { recursive: true });
    const { page } = lab;
    for (const width of [768, 390] as const) {
      await page.setViewportSize({ width, height: width === 390 ? 844 : 1024 });
      for await (const name of pages(page)) {
        if (!['pretrain', 'finetune', 'labs-open'].includes(name)) continue;
        await page.evaluate(() => window.scrollTo(0, 0));
        if (name === 'finetune')
          await page.locator('pl-finetune-view pl-line-chart').first().scrollIntoViewIfNeeded();
        if (name === 'labs-open') await page.getByTestId('lab-open').scrollIntoViewIfNeeded();
        await page.waitForTimeout(500);
        await page.screenshot({ path: join(dir, `${name}-${width}.png`) });
      }
    }
  });
});
