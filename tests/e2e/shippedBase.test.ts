// End to end, the shipped classroom base: the built app serves models/classroom-base.ckpt, "Use the
// shipped base" fetches it, the worker inspects it (the reference run's selected Assistant) and the page
// says, as text, that a run from it takes its corpus and model settings.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright';
import { appUrl, launchChromium, openLab, waitForBackend } from './labPage.ts';

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe('the shipped base', () => {
  it('is fetched, inspected and offered with the settings a run from it will use', async () => {
    const lab = await openLab(browser, appUrl('preset=classroom&backend=webgpu', 'pretrain'));
    const { page } = lab;
    await waitForBackend(page, 'webgpu');
    const widget = page.locator('pl-base-checkpoint');
    await widget.getByRole('button', { name: 'Use the shipped base' }).click();
    await expect
      .poll(() => widget.locator('[role=status]').allInnerTexts(), { timeout: 60_000 })
      .toContainEqual(expect.stringMatching(/parameters, trained 60 steps, saved after the select stage/));
    // Text inside the widget's shadow root (locators pierce it; the host's innerText does not).
    await widget.getByText(/the run will use its\s+corpus and model settings/).waitFor();
    await widget.getByText('model: 2x48, context 160 -> 2x128, context 256').waitFor();
    expect(lab.errors).toEqual([]);
    await lab.context.close();
  });
});
