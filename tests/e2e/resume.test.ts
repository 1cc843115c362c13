// End to end, autosave and resume on WebGPU (SwiftShader): start a tiny fine-tune run from an uploaded
// base, reload the page while it trains, and press resume on the Fine-tune view. The run saves at every
// evaluation (no other checkpoints are asked for), so the reload loses at most one evaluation interval:
// the ΔMI point drawn before the reload is still there after it, and the same run finishes from that
// evaluation's step.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright';
import { appUrl, labState, launchChromium, openLab, waitForBackend, waitForRunEnd } from './labPage.ts';

// Tiny, one branch of 6 fine-tune steps, evaluated every 2 steps; no checkpoints but the evaluations'.
const RECIPE =
  'preset=tiny&backend=webgpu&finetune.conditions=covert&seeds.finetune=1&finetune.steps=6&' +
  'finetune.logEvery=1&finetune.checkpointEvery=0&eval.every=2';

interface State {
  status: string;
  runId: string | null;
  error: string | null;
  progress: { stage: string; step: number } | null;
  evaluations: { stage: string; step: number }[];
  results: {
    finished: boolean;
    branches: { id: string; steps: number; losses: { step: number }[]; evaluations: { step: number }[] }[];
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
  it('continues a run after a reload mid-run, losing at most one evaluation interval', async () => {
    const { page, context, errors } = await openLab(browser, appUrl(RECIPE, 'finetune'));
    await waitForBackend(page, 'webgpu');
    await page
      .locator('pl-finetune-view input[type=file][accept^=".ckpt"]')
      .setInputFiles(inject('baseCheckpoint'));
    await expect.poll(() => labState<{ base: unknown }>(page).then((s) => s.base !== null)).toBe(true);
    await page.getByRole('button', { name: 'Run the fine-tunes', exact: true }).click();
    // Reload once the branch is past its first evaluation (step 2) and before its second (step 4).
    await expect
      .poll(
        () =>
          labState<State>(page).then((s) => (s.progress?.stage.startsWith('finetune') ? s.progress.step : 0)),
        { timeout: 240_000, interval: 100 },
      )
      .toBeGreaterThanOrEqual(3);
    const before = await labState<State>(page);
    expect(before.status).toBe('running');
    expect(before.evaluations).toContainEqual(
      expect.objectContaining({ stage: 'finetune-covert-s1', step: 2 }),
    );
    await page.reload();
    await waitForBackend(page, 'webgpu');

    const resume = page.getByRole('button', { name: `Resume run ${before.runId}` });
    await resume.waitFor({ timeout: 60_000 });
    const reloaded = await labState<State>(page);
    expect(reloaded.status).toBe('idle');
    expect(reloaded.results?.finished).toBe(false);
    // The point drawn before the reload was saved with the run.
    expect(reloaded.evaluations).toContainEqual(
      expect.objectContaining({ stage: 'finetune-covert-s1', step: 2 }),
    );
    await resume.click();
    await waitForRunEnd(page, 300_000);

    const after = await labState<State>(page);
    expect(after.error).toBeNull();
    expect(after.runId).toBe(before.runId);
    expect(after.results?.finished).toBe(true);
    const branch = after.results!.branches[0]!;
    // Each evaluation once, the one saved before the reload included, up to the last step.
    expect(branch.evaluations.map((e) => e.step)).toEqual([2, 4, 6]);
    // The loss log: what was saved before the reload and what came after it, each step once.
    const steps = branch.losses.map((l) => l.step);
    expect(steps).toContain(2);
    expect(steps).toContain(6);
    expect(new Set(steps).size).toBe(steps.length);
    expect(errors).toEqual([]);
    await context.close();
  });
});
