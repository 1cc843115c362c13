// End to end, every guided lab followed literally on the built app: the test reads each lab's steps from
// guidedLabs.ts and, step by step, moves to the step (the lab's own "Go to" and "Next step" buttons),
// checks that focus landed on the control the step names, presses only that control (found by the name
// the step data carries), and goes on to the lab's final result. Sizes are the tiny preset's (a URL
// override; each lab's stages, conditions and seeds stay its own), the backend is cpu, and the shipped
// base is answered with globalSetup's tiny selected checkpoint, so the whole walk takes minutes. At the
// end of each lab axe-core checks the page with its step bar.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright';
import { GUIDED_LABS, type GuidedLab } from '../../src/experiment/guidedLabs.ts';
import { presetRecipe } from '../../src/experiment/presets.ts';
import { readCard } from '../../src/experiment/resultCard.ts';
import { encodeRecipeParams } from '../../src/experiment/urlCodec.ts';
import type { ExperimentRecipe } from '../../src/experiment/recipe.ts';
import { VIEW_LABELS } from '../../src/ui/navigate.ts';
import { appUrl, labState, launchChromium, openLab, waitForBackend, waitForRunEnd } from './labPage.ts';

/** The lab's recipe at the tiny preset's sizes (a stage the lab skips stays skipped). */
function tinyLabRecipe(labId: string): ExperimentRecipe {
  const tiny = presetRecipe('tiny');
  const recipe = presetRecipe(labId);
  recipe.corpus = tiny.corpus;
  recipe.model = tiny.model;
  for (const stage of ['pretrain', 'select', 'finetune'] as const) {
    const [r, t] = [recipe[stage], tiny[stage]];
    // Sizes only: learning rates and the rest of the stage stay the lab's.
    Object.assign(r, {
      steps: r.steps === 0 ? 0 : t.steps,
      batchSize: t.batchSize,
      warmupSteps: Math.min(r.warmupSteps, t.steps),
      logEvery: t.logEvery,
      checkpointEvery: t.checkpointEvery,
      evalBatches: t.evalBatches,
    });
  }
  recipe.finetune.examples = tiny.finetune.examples;
  const { every, probesPerDomain, samples, sampleChars } = tiny.eval;
  recipe.eval = { ...recipe.eval, every, probesPerDomain, samples, sampleChars };
  recipe.seeds.finetune = [1, 2];
  recipe.backend = 'cpu';
  return recipe;
}

/** Controls that put an editor's entry into the recipe (they start no run). */
const EDITOR_CONTROLS = ['Add this condition', 'Add these probes'];
/** Controls that read the loaded model and start no run. */
const READING_CONTROLS = ['Answer with both', 'Measure the direction', 'Steer'];

interface Focused {
  tag: string;
  name: string;
  id: string;
}

/** The focused element through the open shadow roots, with its name as a student reads it. */
function focused(page: Page): Promise<Focused | null> {
  return page.evaluate(() => {
    let el: Element | null = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    if (!el) return null;
    const name = (el.getAttribute('aria-label') ?? el.textContent ?? '').replace(/\s+/g, ' ').trim();
    return { tag: el.tagName.toLowerCase(), name, id: el.id };
  });
}

interface RunView {
  status: string;
  runId: string | null;
  error: string | null;
  results: {
    finished: boolean;
    branches: { condition: string; seed: number; status: string }[];
    effects: { form: string; effectUser?: { n: number } }[];
    baseline: { summary: { mi: number | null } } | null;
  } | null;
  base: { source: string } | null;
  guide: { labId: string; step: number } | null;
  recipe: ExperimentRecipe;
  presetId: string | null;
}

let browser: Browser;
let axeSource: string;
beforeAll(async () => {
  axeSource = await readFile('node_modules/axe-core/axe.min.js', 'utf8');
  browser = await launchChromium();
});

/** axe-core's serious and critical violations on the page as it is (ids and where). */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    interface AxeResult {
      violations: { id: string; impact: string | null; nodes: { target: unknown[] }[] }[];
    }
    const axe = (window as unknown as { axe: { run: (ctx: Document, o: object) => Promise<AxeResult> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.nodes.map((n) => JSON.stringify(n.target)).join(' ')}`);
  });
}
afterAll(async () => {
  await browser?.close();
});

/** Moves to step `index` with the lab's own buttons and checks where the focus lands. */
async function goToStep(page: Page, lab: GuidedLab, index: number): Promise<void> {
  const step = lab.steps[index]!;
  if (index === 0) {
    await page.locator('#tab-labs').click();
    await page.getByTestId('lab-goto-0').click();
  } else {
    const bar = page.getByTestId('step-bar');
    await bar.getByRole('button', { name: 'Next step', exact: true }).click();
    await expect.poll(() => bar.innerText()).toContain(`step ${index + 1} of ${lab.steps.length}`);
    await bar.getByRole('button', { name: `Go to ${VIEW_LABELS[step.view]}`, exact: true }).click();
  }
  await expect.poll(() => page.locator(`#tab-${step.view}`).getAttribute('aria-selected')).toBe('true');
  // The step bar shows this step on the view it happens in.
  await expect.poll(() => page.getByTestId('step-bar').innerText()).toContain(step.do);
  // Focus lands on the control the step presses (or on the view, for a reading step), never on <body>.
  await expect
    .poll(() => focused(page), { timeout: 30_000 })
    .toMatchObject(step.control ? { tag: 'button', name: step.control } : { id: 'panel' });
}

/** What each lab's walk must end with, checked after its last step. */
async function finalResult(page: Page, lab: GuidedLab): Promise<void> {
  const s = await labState<RunView>(page);
  expect(s.error).toBeNull();
  expect(s.results?.finished).toBe(true);
  const last = lab.steps.at(-1)!;
  if (last.view === 'compare') {
    // Two answers, each the prompt and the model's continuation, rendered as text.
    const answers = page.locator('pl-compare-view pre');
    await expect.poll(() => answers.count(), { timeout: 120_000 }).toBe(2);
    for (const text of await answers.allInnerTexts()) expect(text).toMatch(/AI: /);
  }
  if (lab.steps.some((step) => step.view === 'finetune')) {
    // The lab's own conditions, and each condition a step wrote in the editor with its derived control.
    const written = lab.steps.some((step) => step.control === 'Add this condition') ? ['flatter'] : [];
    const conditions = [
      ...presetRecipe(lab.id).finetune.conditions,
      ...written.flatMap((id) => [id, `${id}Control`]),
    ];
    expect(new Set(s.results!.branches.map((b) => b.condition))).toEqual(new Set(conditions));
    expect(s.results!.branches.every((b) => b.status === 'done')).toBe(true);
    for (const id of written) {
      // Its paired effect, on the corpus's probes and on the probes the lab wrote, is on the page.
      const row = page.locator('pl-effects-table tbody tr', { hasText: '(yours)' });
      await expect.poll(() => row.count()).toBe(1);
      expect(s.results!.effects.find((e) => e.form === id)?.effectUser?.n).toBe(2);
    }
  }
}

describe('the guided labs, followed literally', () => {
  for (const lab of GUIDED_LABS) {
    it(`${lab.title}`, async () => {
      const recipe = tinyLabRecipe(lab.id);
      const query = encodeRecipeParams(recipe);
      query.set('lab', lab.id);
      // No service worker: it would serve the real shipped base from its precache, past the route below.
      const { page, context, errors } = await openLab(browser, appUrl(query.toString(), 'labs'), undefined, {
        serviceWorkers: 'block',
      });
      // The shipped base, at test size: the CLI's tiny selected checkpoint.
      await context.route('**/models/classroom-base.ckpt', (route) =>
        route.fulfill({
          body: readFileSync(inject('baseCheckpoint')),
          contentType: 'application/octet-stream',
        }),
      );
      await waitForBackend(page, 'cpu');
      const start = await labState<RunView>(page);
      expect(start.recipe).toEqual(recipe);
      expect(start.guide).toEqual({ labId: lab.id, step: 0 });
      await page.getByTestId('lab-open').waitFor();

      for (const [index, step] of lab.steps.entries()) {
        await goToStep(page, lab, index);
        if (!step.control) {
          // A reading step: what it asks to read is there once the run that feeds it has ended.
          if ((await labState<RunView>(page)).status !== 'idle') await waitForRunEnd(page, 300_000);
          continue;
        }
        const control = page.getByRole('button', { name: step.control, exact: true });
        const runBefore = (await labState<RunView>(page)).runId;
        const download = ['Download CSV', 'Export result card'].includes(step.control)
          ? page.waitForEvent('download')
          : null;
        await control.click({ timeout: 300_000 });
        if (step.control === 'Use the shipped base') {
          await expect
            .poll(() => labState<RunView>(page).then((s) => s.base?.source ?? null), { timeout: 60_000 })
            .toBe('shipped');
          // Focus moves on to the button that starts from it, never back to the page.
          await expect
            .poll(() => focused(page))
            .toMatchObject({ tag: 'button', name: 'Fine-tune from this base' });
        } else if (download && step.control === 'Export result card') {
          // The lab's own run as a card: its seeds and conditions, and the same card as the code shown.
          const file = await download;
          const { card } = readCard(readFileSync(await file.path(), 'utf8'));
          expect(card.branches.map((b) => b.condition).sort()).toEqual(
            recipe.seeds.finetune.flatMap(() => recipe.finetune.conditions).sort(),
          );
          const code = await page.getByTestId('card-code').inputValue();
          expect(readCard(code).card).toEqual(card);
          // The selected Assistant's own MI before the fine-tunes travels with it (lab 5 compares it).
          expect(card.defaultMI).toBe((await labState<RunView>(page)).results!.baseline!.summary.mi);
        } else if (download) {
          const file = await download;
          const csv = readFileSync(await file.path(), 'utf8');
          for (const condition of recipe.finetune.conditions) expect(csv).toContain(condition);
        } else if (EDITOR_CONTROLS.includes(step.control)) {
          // The editor's example entry went into the recipe: no refusal, nothing run.
          await expect.poll(() => page.locator('[role=alert]').count()).toBe(0);
          const s = await labState<RunView>(page);
          expect(s.recipe.user, step.control).toBeDefined();
        } else if (!READING_CONTROLS.includes(step.control)) {
          // A new run (a new id) first: the previous run's results must not read as this one's end.
          await expect
            .poll(() => labState<RunView>(page).then((s) => s.runId), { timeout: 60_000 })
            .not.toBe(runBefore);
          await waitForRunEnd(page, 300_000);
        }
      }
      await finalResult(page, lab);
      // The step bar and the view under it, as the lab ends: no serious or critical accessibility issue.
      expect(await seriousViolations(page)).toEqual([]);
      expect(errors).toEqual([]);
      await context.close();
    });
  }
});
