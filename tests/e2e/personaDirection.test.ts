// End to end, the persona inside the model from the shipped base, on the built app (wasm backend): the
// persona view measures the malicious-minus-helpful direction on the shipped pretrained model and shows
// its separation per layer; the compare view steers the shipped Assistant beside its unsteered answer
// and draws MI against alpha; a small fine-tune from the shipped base draws the projection curve beside
// ΔMI, measured on the shipped pretrained model's direction. Every part with its reading, as text.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright';
import {
  appUrl,
  labState,
  launchChromium,
  openLab,
  waitForBackend,
  waitForRunEnd,
  type LabPage,
} from './labPage.ts';

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/** Small fine-tunes and evaluations (the shipped base fixes the corpus and the model). */
const SMALL =
  'preset=classroom&backend=wasm&finetune.conditions=covert,plainFix&seeds.finetune=1&finetune.steps=2' +
  '&finetune.batchSize=4&finetune.examples=8&finetune.logEvery=1&eval.every=2&eval.liveProbes=0' +
  '&eval.probesPerDomain=2&eval.formTasks=0&eval.secondProbesPerDomain=0&eval.noContextPrior=false&eval.samples=0';

interface View {
  status: string;
  error: string | null;
  base: { source: string; directionBase?: { name: string } } | null;
  results: {
    finished: boolean;
    direction: { source: string; layers: unknown[] } | null;
    branches: { trajectory: { deltaProjection?: number | null }[] }[];
  } | null;
}

describe('the persona direction from the shipped base', () => {
  let lab: LabPage;
  const started = Date.now();
  const took = (what: string) => console.log(`${what}: ${((Date.now() - started) / 1000).toFixed(0)} s`);

  it('loads the shipped base with its pretrained model, and measures the direction', async () => {
    lab = await openLab(browser, appUrl(SMALL, 'pretrain'));
    const { page } = lab;
    await waitForBackend(page, 'wasm');
    await page.getByRole('button', { name: 'Use the shipped base' }).click();
    await expect
      .poll(() => labState<View>(page).then((s) => s.base?.directionBase?.name ?? null), { timeout: 120_000 })
      .toBe('classroom-pretrained.ckpt');
    took('base loaded');

    // 1. The direction: separation per layer on held-out documents, with its reading.
    await page.locator('#tab-persona').click();
    await page.getByRole('button', { name: 'Measure the direction', exact: true }).click();
    const panel = page.locator('pl-direction-panel');
    await expect.poll(() => panel.locator('tbody tr').count(), { timeout: 600_000 }).toBe(2);
    await panel.getByText(/measured on classroom-pretrained\.ckpt/).waitFor();
    const best = await panel.locator('tr.best td').allInnerTexts();
    expect(Number(best[0])).toBeGreaterThan(0.9); // AUC at the best layer
    await panel.getByText(/separates the two almost perfectly at layer 1/).waitFor();
    took('direction measured');
  }, 900_000);

  it('steers the shipped Assistant beside its unsteered answer, and draws MI against alpha', async () => {
    const { page } = lab;
    await page.locator('#tab-compare').click();
    await page.getByRole('button', { name: 'Steer', exact: true }).click();
    const steering = page.locator('pl-steering-panel');
    await expect.poll(() => steering.getByTestId('steered-sample').count(), { timeout: 600_000 }).toBe(2);
    took('steered samples');
    await steering.getByText(/Off-code MI is .* at α = -4 and .* at α = 4 \(unsteered: /).waitFor({
      timeout: 600_000,
    });
    // This base rises from α = 0 up and not below it (docs/experiments.md, persona direction).
    await steering.getByText(/^MI rises at every step of α above 0/).waitFor();
    took('dose-response');
  }, 900_000);

  it('draws the projection curve of a fine-tune from the shipped base beside ΔMI', async () => {
    const { page, context, errors } = lab;
    await page.locator('#tab-finetune').click();
    await page.getByRole('button', { name: 'Run the fine-tunes', exact: true }).click();
    await expect.poll(() => labState<View>(page).then((s) => s.status), { timeout: 60_000 }).not.toBe('idle');
    await waitForRunEnd(page, 880_000);
    took('fine-tunes');
    const s = await labState<View>(page);
    expect(s.error).toBeNull();
    expect(s.results?.finished).toBe(true);
    expect(s.results?.direction?.source).toBe('classroom-pretrained.ckpt');
    for (const branch of s.results!.branches)
      for (const point of branch.trajectory) expect(Number.isFinite(point.deltaProjection)).toBe(true);
    const chart = page.locator('pl-projection-chart');
    expect(await chart.locator('figcaption').innerText()).toMatch(
      /on the malicious − helpful direction at layer 1/,
    );
    expect(await chart.locator('.reading').innerText()).toMatch(
      /^Covert cheat moved the Assistant [+−-]?\d+\.\d+ spreads along the direction/,
    );
    expect(errors).toEqual([]);
    await context.close();
  }, 900_000);
});
