// Shared by the end-to-end tests: launches Debian's Chromium with WebGPU on SwiftShader (the flags of
// scripts/chromium.ts), opens the built app served by globalSetup, and collects the page's errors so a
// test can fail on them. Playwright's locators pierce the lab's open shadow roots.
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright';
import { inject } from 'vitest';
import { chromiumArgs, chromiumPath } from '../../scripts/chromium.ts';

export const VIEWPORT = { width: 1280, height: 800 };

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, args: chromiumArgs, headless: true });
}

/** The app's address with a query string (no leading '?') and an optional view hash. */
export function appUrl(query = '', view = ''): string {
  const url = new URL(inject('baseUrl'));
  url.search = query;
  url.hash = view;
  return url.toString();
}

export interface LabPage {
  context: BrowserContext;
  page: Page;
  /** Uncaught exceptions and console errors seen so far. */
  errors: string[];
}

/**
 * A fresh context (its own IndexedDB and localStorage) at 1280x800, clipboard allowed; `initScript` runs
 * in every page of it before the app's own scripts. `serviceWorkers: 'block'` keeps the app's service
 * worker out, so that a test's `context.route` answers every request: once installed, the worker serves
 * the precached shipped base itself, past any route.
 */
export async function openLab(
  browser: Browser,
  url: string,
  initScript?: () => void,
  options: { serviceWorkers?: 'allow' | 'block' } = {},
): Promise<LabPage> {
  const context = await browser.newContext({ viewport: VIEWPORT, ...options });
  if (initScript) await context.addInitScript(initScript);
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(url).origin });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  await page.goto(url);
  await page.locator('pl-app').waitFor();
  return { context, page, errors };
}

/** Waits until the engine worker reports its backend (the status chip leaves its starting state). */
export async function waitForBackend(page: Page, backend = 'webgpu'): Promise<void> {
  await page.waitForFunction(
    (name) => {
      const app = document.querySelector('pl-app') as unknown as {
        lab?: { state: { backend: { backend?: string } | null } };
      };
      return app?.lab?.state.backend?.backend === name;
    },
    backend,
    { timeout: 180_000 },
  );
}

/** The lab's state as the page holds it (plain data the worker sent): for cross-checks, never to drive. */
export function labState<T = Record<string, unknown>>(page: Page): Promise<T> {
  return page.evaluate(() => {
    const app = document.querySelector('pl-app') as unknown as { lab: { state: unknown } };
    return JSON.parse(JSON.stringify(app.lab.state)) as never;
  });
}

interface RunView {
  status: string;
  error: string | null;
  results: { finished: boolean } | null;
  progress: { stage: string; step: number; steps: number; done: number; total: number } | null;
}

/** Waits until the page's run is idle again with results, printing where it is every 15 s. */
export async function waitForRunEnd(page: Page, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastLog = Date.now();
  for (;;) {
    const s = await labState<RunView>(page);
    if (s.status === 'idle' && (s.results !== null || s.error !== null)) return;
    if (Date.now() - lastLog > 15_000) {
      const p = s.progress;
      console.log(
        `  run ${s.status}: ${p ? `${p.stage} ${p.step}/${p.steps}, run ${p.done}/${p.total}` : 'no progress yet'}`,
      );
      lastLog = Date.now();
    }
    if (Date.now() > deadline)
      throw new Error(`the run did not end in ${timeoutMs / 1000} s (${JSON.stringify(s.progress)})`);
    await page.waitForTimeout(500);
  }
}
