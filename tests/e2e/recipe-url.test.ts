// End to end, the recipe in the address: a share link opened in a new page reproduces the recipe, a
// teacher's lab link arrives locked, and a malformed recipe shows a clear message and falls back to the
// defaults. Drives the built app in Chromium.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright';
import { appUrl, labState, launchChromium, openLab } from './labPage.ts';

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

const recipeSummary = (page: Page) => page.getByLabel('Current recipe').innerText();

describe('recipe in the URL', () => {
  it('a share link reproduces the recipe in a new page', async () => {
    const { page, context, errors } = await openLab(browser, appUrl());
    await page.getByLabel('Preset recipe').selectOption('lab3-shift');
    const summary = await recipeSummary(page);
    await page.getByRole('button', { name: 'Share link' }).click();
    await page.waitForURL(/lab=lab3-shift/);
    const link = page.url();
    const clipboard = await page.evaluate(() => navigator.clipboard.readText());
    expect(clipboard.replace(/#.*$/, '')).toBe(link.replace(/#.*$/, ''));
    const before = await labState<{ recipe: unknown; presetId: string }>(page);

    const other = await context.newPage();
    await other.goto(link);
    await other.locator('pl-app').waitFor();
    const after = await labState<{ recipe: unknown; presetId: string; recipeNotice: string | null }>(other);
    expect(after.recipeNotice).toBeNull();
    expect(after.presetId).toBe('lab3-shift');
    expect(after.recipe).toEqual(before.recipe);
    expect(await recipeSummary(other)).toBe(summary);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a field changed in the URL survives a share and differs from the preset', async () => {
    const { page, context } = await openLab(browser, appUrl('preset=tiny&finetune.steps=3&seeds.finetune=7'));
    const state = await labState<{ recipe: { finetune: { steps: number }; seeds: { finetune: number[] } } }>(
      page,
    );
    expect(state.recipe.finetune.steps).toBe(3);
    expect(state.recipe.seeds.finetune).toEqual([7]);
    await page.getByRole('button', { name: 'Share link' }).click();
    await page.waitForURL(/finetune\.steps=3/);
    const other = await context.newPage();
    await other.goto(page.url());
    await other.locator('pl-app').waitFor();
    const again = await labState<{ recipe: unknown }>(other);
    expect(again.recipe).toEqual(state.recipe);
    await context.close();
  });

  it("a teacher's lab link opens the lab with its settings locked", async () => {
    const { page, context } = await openLab(browser, appUrl('', 'labs'));
    await page.getByTestId('lab-card-lab4-inoculation').click();
    await page.getByTestId('lab-share').click();
    const link = await page.getByTestId('lab-share-link').inputValue();
    expect(link).toMatch(/[?&]lab=lab4-inoculation/);
    expect(link).toMatch(/[?&]locked=1/);

    const student = await context.newPage();
    await student.goto(link);
    await student.locator('pl-app').waitFor();
    await expect.poll(() => student.getByTestId('labs-locked').isVisible()).toBe(true);
    expect(await student.getByLabel('Preset recipe').isDisabled()).toBe(true);
    expect(await student.getByTestId('lab-card-lab1-pretraining').isDisabled()).toBe(true);
    const state = await labState<{ presetId: string; locked: boolean }>(student);
    expect(state).toMatchObject({ presetId: 'lab4-inoculation', locked: true });
    await context.close();
  });

  it('a malformed recipe shows a clear message and falls back to the defaults', async () => {
    const { page, context } = await openLab(browser, appUrl('model.nLayer=banana'));
    const notice = page.getByRole('status').filter({ hasText: 'recipe was not used' });
    await notice.waitFor();
    const text = await notice.innerText();
    expect(text).toContain('model.nLayer');
    expect(text).toContain('banana');
    expect(text).toContain('default recipe');
    const state = await labState<{ recipe: { model: { nLayer: number } }; presetId: string | null }>(page);
    expect(state.recipe.model.nLayer).toBe(2);
    expect(state.presetId).toBeNull();
    expect(await recipeSummary(page)).toContain('model 2×128');
    await context.close();
  });
});
