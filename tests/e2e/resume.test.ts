// End to end, autosave and resume on WebGPU (SwiftShader): start a tiny fine-tune run from an uploaded
// base, reload the page while it trains, press resume, and see the same run finish from its last saved
// checkpoint (the run keeps the checkpoint it started from).
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright';
import { appUrl, labState, launchChromium, openLab, waitForBackend, waitForRunEnd } from './labPage.ts';

// Tiny, one branch of 6 fine-tune steps, checkpointed every 2, evaluated only at its start and end.
const RECIPE =
  'preset=tiny&backend=webgpu&finetune.conditions=covert&seeds.finetune=1&finetune.steps=6&' +
  'finetune.logEvery=1&finetune.checkpointEvery=2&eval.every=6';

interface State {
  status: string;
  runId: string | null;
  error: string | null;
  progress: { stage: string; step: number } | null;
  results: {
    finished: boolean;
    branches: { id: string; steps: number; losses: { step: number }[] }[];
  } | null;
}

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe('reload and resume', () => {
  it('continues a run after a reload mid-run', async () => {
    const { page, context, errors } = await openLab(browser, appUrl(RECIPE, 'finetune'));
    await waitForBackend(page, 'webgpu');
    await page.locator('pl-finetune-view input[type=file]').setInputFiles(inject('baseCheckpoint'));
    await expect
      .poll(() => labState<{ uploadedBase: unknown }>(page).then((s) => s.uploadedBase !== null))
      .toBe(true);
    await page.getByRole('button', { name: /^Run 1 fine-tune$/ }).click();
    // Reload once the branch is past its first checkpoint (step 2).
    await expect
      .poll(
        () =>
          labState<State>(page).then((s) => (s.progress?.stage.startsWith('finetune') ? s.progress.step : 0)),
        { timeout: 240_000, interval: 200 },
      )
      .toBeGreaterThanOrEqual(3);
    const before = await labState<State>(page);
    expect(before.status).toBe('running');
    await page.reload();
    await waitForBackend(page, 'webgpu');

    await page.locator('#tab-pretrain').click();
    const resume = page.getByRole('button', { name: `Resume run ${before.runId}` });
    await resume.waitFor({ timeout: 60_000 });
    const reloaded = await labState<State>(page);
    expect(reloaded.status).toBe('idle');
    expect(reloaded.results?.finished).toBe(false);
    await resume.click();
    await waitForRunEnd(page, 300_000);

    const after = await labState<State>(page);
    expect(after.error).toBeNull();
    expect(after.runId).toBe(before.runId);
    expect(after.results?.finished).toBe(true);
    // The branch's loss log (at its checkpoints) holds the one saved before the reload and those after it,
    // each once, up to the last step.
    const steps = after.results!.branches[0]!.losses.map((l) => l.step);
    expect(steps).toContain(2);
    expect(steps).toContain(6);
    expect(new Set(steps).size).toBe(steps.length);
    expect(errors).toEqual([]);
    await context.close();
  });
});
