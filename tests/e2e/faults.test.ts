// End to end, hostile files and faults on the built app: every kind of bad checkpoint uploaded through the
// pretrain view's and the persona view's file inputs, storage that fills up mid-run, the engine worker
// ended from outside mid-run, and the WebGPU device lost mid-run. Each gets a message on screen, the page
// keeps working, and saved runs stay as they were.
import { readFileSync } from 'node:fs';
import type { Browser, Page, Worker } from 'playwright';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { GPTConfig } from '../../src/model/config.ts';
import { editMetadata, headerOf, legacyBytes, plainCheckpoint, withHeader } from '../node/checkpointEdits.ts';
import { appUrl, labState, launchChromium, openLab, waitForBackend, waitForRunEnd } from './labPage.ts';

// One fine-tune branch from the tiny base, a checkpoint at every step.
const RUN = (backend: string, steps: number) =>
  `preset=tiny&backend=${backend}&finetune.conditions=covert&seeds.finetune=1&finetune.steps=${steps}&` +
  `finetune.logEvery=1&finetune.checkpointEvery=1&eval.every=${steps}`;

interface SavedRunView {
  runId: string;
  finished: boolean;
  checkpoints: string[];
}
interface State {
  status: string;
  runId: string | null;
  error: string | null;
  progress: { stage: string; step: number } | null;
  results: { finished: boolean } | null;
  savedRuns: SavedRunView[];
}

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/** Uploads the tiny base in the fine-tune view and starts its one branch. */
async function startFineTune(page: Page): Promise<void> {
  await page.locator('#tab-finetune').click();
  await page
    .locator('pl-finetune-view input[type=file][accept^=".ckpt"]')
    .setInputFiles(inject('baseCheckpoint'));
  await expect.poll(() => labState<{ base: unknown }>(page).then((s) => s.base !== null)).toBe(true);
  await page.getByRole('button', { name: 'Run the fine-tunes', exact: true }).click();
}

/** Waits until the fine-tune branch has reached `step` (so checkpoints up to it are saved). */
async function waitForFineTuneStep(page: Page, step: number): Promise<void> {
  await expect
    .poll(
      () =>
        labState<State>(page).then((s) => (s.progress?.stage.startsWith('finetune') ? s.progress.step : 0)),
      { timeout: 300_000, interval: 200 },
    )
    .toBeGreaterThanOrEqual(step);
}

/** Resumes the run from the Pretrain view's saved runs and waits for it to finish cleanly. */
async function resumeToEnd(page: Page, runId: string): Promise<State> {
  await page.locator('#tab-pretrain').click();
  await page.getByRole('button', { name: `Resume run ${runId}` }).click();
  await waitForRunEnd(page, 300_000);
  const after = await labState<State>(page);
  expect(after.error).toBeNull();
  expect(after.results?.finished).toBe(true);
  return after;
}

function engineWorker(page: Page): Worker {
  const worker = page.workers().find((w) => w.url().includes('engine.worker'));
  if (!worker) throw new Error('the page has no engine worker');
  return worker;
}

const savedRuns = (page: Page) =>
  labState<State>(page).then((s) =>
    s.savedRuns.map(({ runId, finished, checkpoints }) => ({ runId, finished, checkpoints })),
  );

/** Every kind of bad file, made from the tiny base, with what the refusal must say. */
function badCheckpoints(): { name: string; bytes: Uint8Array; says: RegExp }[] {
  const good = new Uint8Array(readFileSync(inject('baseCheckpoint')));
  const { dataStart } = headerOf(good);
  const hugeWeights = good.slice(dataStart);
  new DataView(hugeWeights.buffer).setFloat32(0, 1e30, true);
  const config: GPTConfig = { vocabSize: 5, nLayer: 1, nHead: 2, nEmbd: 4, blockSize: 3, dropout: 0 };
  return [
    { name: 'empty.ckpt', bytes: new Uint8Array(0), says: /too short to be a checkpoint/ },
    {
      name: 'text.ckpt',
      bytes: new TextEncoder().encode('not a checkpoint at all'),
      says: /not a Persona Lab checkpoint/,
    },
    { name: 'truncated.ckpt', bytes: good.slice(0, good.length >> 1), says: /truncated/ },
    {
      name: 'edited-step.ckpt',
      bytes: withHeader(good, (h) => void (h.__metadata__.step = '999'), { resign: false }),
      says: /SHA-256 does not match/,
    },
    {
      name: 'newer.ckpt',
      bytes: withHeader(good, (h) => void (h.__metadata__.format_version = '99'), { resign: false }),
      says: /written by a newer lab/,
    },
    {
      name: 'huge-config.ckpt',
      bytes: editMetadata(good, 'config', (c) => ({ ...(c as object), nLayer: 1e8 })),
      says: /nLayer must be an integer from 1 to 48/,
    },
    {
      name: 'null-tensor.ckpt',
      bytes: withHeader(good, (h) => void (h.wte = null)),
      says: /tensor "wte" is not described/,
    },
    {
      name: 'huge-weights.ckpt',
      bytes: withHeader(good, () => {}, { resign: true, data: hugeWeights }),
      says: /beyond the 1000/,
    },
    {
      name: 'old-null-tensors.ckpt',
      bytes: legacyBytes(plainCheckpoint(config, false), (h) => void (h.tensors = [null])),
      says: /must list the \d+ tensors/,
    },
  ];
}

const upload = (name: string, bytes: Uint8Array) => ({
  name,
  mimeType: 'application/octet-stream',
  buffer: Buffer.from(bytes),
});

describe('hostile files and faults', () => {
  it('refuses every kind of bad checkpoint in both uploads, keeps working and keeps saved runs', async () => {
    const lab = await openLab(browser, appUrl(RUN('webgpu', 2), 'finetune'));
    const { page } = lab;
    await waitForBackend(page, 'webgpu');
    await startFineTune(page);
    await waitForRunEnd(page, 300_000);
    const before = await savedRuns(page);
    expect(before).toHaveLength(1);
    expect(before[0]!.finished).toBe(true);

    const files = badCheckpoints();
    await page.locator('#tab-pretrain').click();
    const base = page.locator('pl-base-checkpoint');
    for (const { name, bytes, says } of files) {
      await base.locator('input[type=file]').setInputFiles(upload(name, bytes));
      const alert = base.getByRole('alert');
      await expect.poll(() => alert.innerText(), { timeout: 60_000, message: name }).toMatch(says);
      expect(await alert.innerText()).toContain(`${name} could not be used: checkpoint refused: `);
    }
    // The page still works: the good base is inspected and offered.
    await base.locator('input[type=file]').setInputFiles(inject('baseCheckpoint'));
    await expect
      .poll(() => base.getByRole('status').allInnerTexts(), { timeout: 60_000 })
      .toContainEqual(expect.stringMatching(/parameters, trained \d+ steps/));

    await page.locator('#tab-persona').click();
    const persona = page.locator('pl-persona-view');
    for (const { name, bytes, says } of files) {
      await persona.locator('input[type=file]').setInputFiles(upload(name, bytes));
      // Each kind's message differs from the one before, so the poll waits for this file's.
      const alert = persona.getByRole('alert');
      await expect.poll(() => alert.innerText(), { timeout: 60_000, message: name }).toMatch(says);
      expect(await alert.innerText()).toContain('This file could not be evaluated: checkpoint refused: ');
    }
    expect(await savedRuns(page)).toEqual(before);
    await page.reload();
    await waitForBackend(page, 'webgpu');
    await expect.poll(() => savedRuns(page), { timeout: 30_000 }).toEqual(before);
    expect(lab.errors).toEqual([]);
    await lab.context.close();
  });

  // Storage and a dead worker do not depend on the backend: cpu keeps these two quick.
  it('says when storage fills up mid-run, keeps the earlier saves, and resumes once there is room', async () => {
    const lab = await openLab(browser, appUrl(RUN('cpu', 40), 'finetune'));
    const { page } = lab;
    await waitForBackend(page, 'cpu');
    // The disk fills up after three checkpoints: from then on every IndexedDB write in the engine worker
    // fails as it does on a full disk. Counted, not timed, so a fast backend cannot outrun it.
    await engineWorker(page).evaluate(() => {
      // eslint-disable-next-line @typescript-eslint/unbound-method -- kept to be called with the store as this
      const put = IDBObjectStore.prototype.put;
      let checkpoints = 0;
      IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<typeof put>) {
        if (checkpoints >= 3) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
        if (this.name === 'checkpoints') checkpoints += 1;
        return put.apply(this, args);
      };
    });
    await startFineTune(page);
    await waitForRunEnd(page, 300_000);
    const failed = await labState<State>(page);
    expect(failed.results?.finished).not.toBe(true);
    const runId = failed.runId!;
    const savedBefore = (await savedRuns(page)).find((r) => r.runId === runId);
    expect(savedBefore?.checkpoints.length).toBeGreaterThan(0);
    const banner = page.locator('pl-app .banner.error');
    await expect
      .poll(() => banner.innerText(), { timeout: 30_000 })
      .toMatch(/the browser's storage is full: .* was not saved \(the previous save is intact\)/);

    // A reload starts a new worker with working storage: the run is there, with every earlier checkpoint.
    await page.reload();
    await waitForBackend(page, 'cpu');
    await expect
      .poll(() => savedRuns(page).then((runs) => runs.find((r) => r.runId === runId)?.finished), {
        timeout: 30_000,
      })
      .toBe(false);
    const kept = (await savedRuns(page)).find((r) => r.runId === runId)!;
    for (const name of savedBefore!.checkpoints) expect(kept.checkpoints).toContain(name);
    await resumeToEnd(page, runId);
    await lab.context.close();
  });

  it('says when the engine worker is ended mid-run, starts a new one, and the run resumes', async () => {
    const lab = await openLab(browser, appUrl(RUN('cpu', 40), 'finetune'));
    const { page } = lab;
    await waitForBackend(page, 'cpu');
    // As the browser would end it (out of memory): no message, no error event. It ends once the third
    // checkpoint is stored, counted rather than timed so that a fast backend cannot finish first.
    await engineWorker(page).evaluate(() => {
      // eslint-disable-next-line @typescript-eslint/unbound-method -- kept to be called with the store as this
      const put = IDBObjectStore.prototype.put;
      let checkpoints = 0;
      IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<typeof put>) {
        const request = put.apply(this, args);
        if (this.name === 'checkpoints' && ++checkpoints === 3) {
          request.addEventListener('success', () => (self as unknown as { close(): void }).close());
        }
        return request;
      };
    });
    await startFineTune(page);
    const banner = page.locator('pl-app .banner.error');
    await expect
      .poll(() => banner.innerText(), { timeout: 60_000 })
      .toMatch(/the engine worker stopped: .* during run run-\S+\. A new engine was started/);
    const runId = /during run (run-\S+)\./.exec(await banner.innerText())![1]!;
    expect((await labState<State>(page)).results?.finished).not.toBe(true);
    await waitForBackend(page, 'cpu');
    expect((await resumeToEnd(page, runId)).runId).toBe(runId);
    await lab.context.close();
  });

  it('says when the WebGPU device is lost mid-run, and keeps the run resumable', async () => {
    const lab = await openLab(browser, appUrl(RUN('webgpu', 6), 'finetune'));
    const { page } = lab;
    await waitForBackend(page, 'webgpu');
    await startFineTune(page);
    await waitForFineTuneStep(page, 2);
    const runId = (await labState<State>(page)).runId!;
    // The device tfjs computes on goes away, as on a driver reset (tfjs keeps its engine on the global).
    await engineWorker(page).evaluate(() => {
      const engine = (globalThis as unknown as { _tfengine: { backend: { device: { destroy(): void } } } })
        ._tfengine;
      engine.backend.device.destroy();
    });
    await waitForRunEnd(page, 120_000);
    const banner = page.locator('pl-app .banner.error');
    await expect
      .poll(() => banner.innerText(), { timeout: 60_000 })
      .toMatch(
        /the WebGPU device was lost \(destroyed\)(: [^\n]*[^.])?\. Reload the page and resume from a checkpoint/,
      );
    await page.reload();
    await waitForBackend(page, 'webgpu');
    await expect
      .poll(() => savedRuns(page).then((runs) => runs.find((r) => r.runId === runId)?.finished), {
        timeout: 30_000,
      })
      .toBe(false);
    await page.locator('#tab-pretrain').click();
    await page.getByRole('button', { name: `Resume run ${runId}` }).waitFor();
    await lab.context.close();
  });
});
