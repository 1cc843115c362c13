// Shared by the backend-matrix and offline end-to-end tests: from the Fine-tune view of an open lab, upload
// the tiny base checkpoint (globalSetup), run the fine-tunes the recipe asks for, and return the finished
// run's results after checking them against the table on screen and the run saved in IndexedDB.
import { expect, inject } from 'vitest';
import type { Page } from 'playwright';
import { labState, waitForRunEnd } from './labPage.ts';

interface Interval {
  mean: number | null;
  low: number | null;
  high: number | null;
}
export interface FineTuneResults {
  finished: boolean;
  provenance: { backend: string };
  conditions: { condition: string; final: { deltaMI: Interval; attainment: Interval } }[];
}
interface State {
  status: string;
  runId: string | null;
  error: string | null;
  results: FineTuneResults | null;
  savedRuns: { runId: string; finished: boolean }[];
}

/** A tiny fine-tune recipe: one condition, one seed, two steps evaluated at 0, 1 and 2. */
export const TINY_FINETUNE =
  'preset=tiny&finetune.conditions=covert&seeds.finetune=1&finetune.steps=2&finetune.logEvery=1&eval.every=1';

export async function runTinyFineTune(page: Page, timeoutMs = 480_000): Promise<FineTuneResults> {
  await page
    .locator('pl-finetune-view input[type=file][accept^=".ckpt"]')
    .setInputFiles(inject('baseCheckpoint'));
  await expect.poll(() => labState<{ base: unknown }>(page).then((s) => s.base !== null)).toBe(true);
  await page.getByRole('button', { name: 'Run the fine-tunes', exact: true }).click();
  await expect.poll(() => labState<State>(page).then((s) => s.status), { timeout: 60_000 }).not.toBe('idle');
  await waitForRunEnd(page, timeoutMs);
  const state = await labState<State>(page);
  expect(state.error).toBeNull();
  expect(state.results?.finished).toBe(true);
  // The table shows the run: one row, every number in it finite.
  const row = page.locator('pl-shift-table tbody tr');
  await expect.poll(() => row.count()).toBe(1);
  const numbers = (await row.locator('td').allInnerTexts())
    .slice(1)
    .flatMap((c) => c.match(/[+-]?\d+\.\d+/g) ?? [])
    .map(Number);
  expect(numbers.length).toBeGreaterThanOrEqual(5);
  expect(numbers.every(Number.isFinite)).toBe(true);
  // Nothing lost: the finished run is in IndexedDB.
  expect(state.savedRuns.find((r) => r.runId === state.runId)?.finished).toBe(true);
  return state.results!;
}
