// End to end, the recipe in the address: a share link opened in a new page reproduces the recipe, a
// teacher's lab link arrives locked (and short), and a malformed recipe shows a clear message and falls
// back to the defaults (or the lab's own settings, still locked). Hostile links (prototype pollution,
// out-of-range values on every field) get a message and leave the page working. Drives the built app in
// Chromium.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright';
import { DEFAULT_RECIPE } from '../../src/experiment/recipe.ts';
import { RECIPE_FIELDS, type FieldSpec } from '../../src/experiment/recipeFields.ts';
import { flattenRecipe } from '../../src/experiment/urlCodec.ts';
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
    await page.waitForURL(/[?&]ft\.steps=3(&|$)/);
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

  it('a locked lab link is short, and with one bad field stays locked, keeps its lab and names the field', async () => {
    const { page, context } = await openLab(browser, appUrl('', 'labs'));
    await page.getByTestId('lab-card-lab3-shift').click();
    await page.getByTestId('lab-share').click();
    const link = await page.getByTestId('lab-share-link').inputValue();
    expect(new URL(link).search).toBe('?lab=lab3-shift&locked=1&v=2');

    const student = await context.newPage();
    const bad = new URL(link);
    bad.search += '&ft.steps=-1';
    await student.goto(bad.toString());
    await student.locator('pl-app').waitFor();
    await expect.poll(() => student.getByTestId('labs-locked').isVisible()).toBe(true);
    const notice = student.getByRole('status').filter({ hasText: 'recipe was not used' });
    await notice.waitFor();
    expect(await notice.innerText()).toMatch(/finetune\.steps must be an integer in \[0, 1000000\], got -1/);
    const state = await labState<{
      presetId: string;
      locked: boolean;
      recipe: { finetune: { steps: number } };
    }>(student);
    expect(state).toMatchObject({ presetId: 'lab3-shift', locked: true });
    expect(state.recipe.finetune.steps).toBe(20);
    await context.close();
  });

  it.each([
    [
      'corpus.behaviourOverrides.__proto__.helpful.code=0.5',
      'corpus.behaviourOverrides.__proto__.helpful.code',
    ],
    ['corpus.behaviourOverrides.__proto__.polluted.p=0.5', 'corpus.behaviourOverrides.__proto__.polluted.p'],
    ['bo.constructor.prototype.polluted=1', 'corpus.behaviourOverrides.constructor.prototype.polluted'],
  ])(
    'a polluting link %s is refused by name, leaves Object.prototype clean and the page working',
    async (query, field) => {
      const { page, context, errors } = await openLab(browser, appUrl(query));
      const notice = page.getByRole('status').filter({ hasText: 'recipe was not used' });
      await notice.waitFor();
      expect(await notice.innerText()).toContain(field);
      const leaked = await page.evaluate(() => {
        const probe = {} as Record<string, unknown>;
        return [probe.helpful, probe.polluted, Object.getOwnPropertyNames(Object.prototype).length];
      });
      const clean = await page.evaluate(() => Object.getOwnPropertyNames(Object.prototype).length);
      expect(leaked).toEqual([undefined, undefined, clean]);
      // Still working: a preset validates and applies (a polluted prototype broke even the defaults).
      await page.getByLabel('Preset recipe').selectOption('classroom');
      await expect.poll(() => recipeSummary(page)).toContain('model 2×48');
      expect(await labState<{ presetId: string }>(page)).toMatchObject({ presetId: 'classroom' });
      expect(errors).toEqual([]);
      await context.close();
    },
  );

  it('an out-of-range value on any recipe field gets a message naming it; the page keeps working', async () => {
    const { page, context, errors } = await openLab(browser, appUrl());
    const outOfRange = (spec: FieldSpec): string => {
      switch (spec.type) {
        case 'int':
        case 'number':
        case 'intList':
          return String(spec.max < 1e9 ? spec.max + 1 : spec.min - 1);
        case 'bool':
          return 'maybe';
        case 'string':
          return '';
        case 'enum':
        case 'enumList':
          return 'junk';
      }
    };
    const cases: [string, string][] = Object.entries(RECIPE_FIELDS)
      .filter(([path]) => path !== 'version')
      .map(([path, spec]) => [path, outOfRange(spec)]);
    // The corpus section: every number has a range (probabilities, shares, counts).
    for (const path of flattenRecipe(DEFAULT_RECIPE).keys())
      if (path.startsWith('corpus.')) cases.push([path, '-1']);
    for (const [path, text] of cases) {
      await page.goto(appUrl(`${path}=${encodeURIComponent(text)}`));
      await page.locator('pl-app').waitFor();
      const notice = page.getByRole('status').filter({ hasText: 'recipe was not used' });
      await notice.waitFor();
      expect(await notice.innerText(), path).toContain(`recipe: ${path} `);
      const state = await labState<{ recipe: unknown }>(page);
      expect(state.recipe, path).toEqual(DEFAULT_RECIPE);
    }
    await page.getByLabel('Preset recipe').selectOption('tiny');
    await expect.poll(() => recipeSummary(page)).toContain('model 1×16');
    expect(errors).toEqual([]);
    await context.close();
  }, 900_000);
});
