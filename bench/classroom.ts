// `npm run bench:classroom`: the classroom path, timed on the built app in headless Chromium. Builds the
// app, serves it with `vite preview` (COOP/COEP headers, so wasm runs with threads), opens Lab 3 on the
// chosen backend (default wasm: the CPU path of a school laptop), presses "Use the shipped base", and
// from the click on "Fine-tune from this base" times: the first words saying what the run does, the
// baseline evaluation, the first ΔMI point of covert and of honest, each branch's end, and the whole
// lab (its conditions x seeds), and the main thread's long tasks meanwhile (the budget: none over 50 ms;
// a figure for an idle machine, never a test). Prints the figures and the machine; writes
// bench/out/classroom.json.
//   --backend wasm|webgl|webgpu|cpu   (default wasm)      --lab <guided lab id>   (default lab3-shift)
//   --timeout-min N                   give up after N minutes (default 30)
//   --query 'a=1&b=2'                 extra recipe fields in the page's address (e.g. eval.every=10)
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright';
import { build, preview } from 'vite';
import { chromiumArgs, chromiumPath } from '../scripts/chromium.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : fallback;
};
const backend = option('--backend', 'wasm');
const labId = option('--lab', 'lab3-shift');
const timeoutMs = Number(option('--timeout-min', '30')) * 60_000;
const extra = option('--query', '');

/** What the bench reads of the page's state: only small fields (the base's bytes stay in the page). */
interface Snapshot {
  status: string;
  error: string | null;
  backend: string | null;
  base: boolean;
  activity: string;
  evaluations: { stage: string; step: number }[];
  finished: boolean;
  branches: number;
}

function snapshot(page: Page): Promise<Snapshot> {
  return page.evaluate(() => {
    const app = document.querySelector('pl-app') as unknown as {
      lab: {
        state: {
          status: string;
          error: string | null;
          engineError: string | null;
          backend: { backend: string } | null;
          base: unknown;
          evaluations: { stage: string; step: number }[];
          results: { finished: boolean } | null;
          recipe: { finetune: { conditions: string[] }; seeds: { finetune: number[] } };
        };
      };
    };
    const s = app.lab.state;
    let line = '';
    const views = document.querySelector('pl-app')?.shadowRoot?.querySelectorAll('*') ?? [];
    for (const view of views) {
      const activity = view.shadowRoot?.querySelector('pl-run-activity');
      if (activity) line = activity.shadowRoot?.textContent?.trim() ?? '';
    }
    return {
      status: s.status,
      error: s.error ?? s.engineError,
      backend: s.backend?.backend ?? null,
      base: s.base !== null,
      activity: line,
      evaluations: s.evaluations.map((e) => ({ stage: e.stage, step: e.step })),
      finished: s.results?.finished === true,
      branches: s.recipe.finetune.conditions.length * s.recipe.seeds.finetune.length,
    };
  });
}

async function main() {
  const dir = await mkdtemp(join(tmpdir(), 'persona-lab-bench-'));
  const outDir = join(dir, 'dist');
  const cpu = cpus();
  const machine = {
    cpu: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    loadAtStart: loadavg().map((l) => Number(l.toFixed(2))),
  };
  console.log(
    `machine: ${machine.cpu}, ${machine.cores} cores, load average ${machine.loadAtStart.join(' ')}`,
  );
  await build({ logLevel: 'warn', build: { outDir, emptyOutDir: true, sourcemap: false } });
  const server = await preview({
    logLevel: 'warn',
    build: { outDir },
    preview: { host: '127.0.0.1', port: 0, open: false },
  });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite preview did not say where it serves');
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs, headless: true });
  const figures: Record<string, number | null> = {};
  try {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.addInitScript(() => {
      const w = window as unknown as { __longTasks: { start: number; duration: number }[] };
      w.__longTasks = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.__longTasks.push({ start: e.startTime, duration: e.duration });
      }).observe({ type: 'longtask', buffered: true });
    });
    const query = `lab=${labId}&backend=${backend}${extra ? `&${extra}` : ''}`;
    await page.goto(`${url}?${query}#pretrain`);
    const ready = Date.now();
    for (;;) {
      const s = await snapshot(page);
      if (s.backend) break;
      if (s.error) throw new Error(`the engine did not start: ${s.error}`);
      if (Date.now() - ready > 180_000) throw new Error('the engine did not start in 3 minutes');
      await page.waitForTimeout(200);
    }
    const chosen = (await snapshot(page)).backend;
    console.log(`Chromium ${browser.version()}, backend ${chosen}, ${url}?${query}`);
    await page.getByRole('button', { name: 'Use the shipped base', exact: true }).click();
    await page
      .getByRole('button', { name: 'Fine-tune from this base', exact: true })
      .click({ timeout: 120_000 });
    const t0 = Date.now();
    const pageT0 = await page.evaluate(() => performance.now());
    const at = () => Number(((Date.now() - t0) / 1000).toFixed(1));
    const seen = new Set<string>();
    const mark = (key: string, label: string) => {
      if (seen.has(key)) return;
      seen.add(key);
      figures[key] = at();
      console.log(`${String(figures[key]).padStart(7)} s  ${label}`);
    };
    for (;;) {
      const s = await snapshot(page);
      if (s.error) throw new Error(`the run failed: ${s.error}`);
      if (s.activity) mark('firstActivity', `first activity shown: "${s.activity}"`);
      if (s.evaluations.some((e) => e.stage === 'select'))
        mark('baseline', 'baseline (selected base) evaluated');
      for (const e of s.evaluations) {
        const condition = /^finetune-(.+)-s(\d+)$/.exec(e.stage);
        if (condition && e.step > 0)
          mark(
            `first:${e.stage}`,
            `first ΔMI point of ${condition[1]}, seed ${condition[2]} (step ${e.step})`,
          );
      }
      if (s.finished && s.status === 'idle') {
        mark('complete', `${labId} complete (${s.branches} branches)`);
        break;
      }
      if (Date.now() - t0 > timeoutMs) {
        console.log(`gave up after ${timeoutMs / 60_000} min (${s.activity})`);
        break;
      }
      await page.waitForTimeout(250);
    }
    if (errors.length > 0) console.log(`page errors: ${errors.join(' | ')}`);
    const longTasks = await page.evaluate(
      (from) =>
        (window as unknown as { __longTasks: { start: number; duration: number }[] }).__longTasks
          .filter((t) => t.start >= from)
          .map((t) => t.duration),
      pageT0,
    );
    const over50 = longTasks.filter((d) => d > 50);
    const longest = Math.max(0, ...longTasks);
    console.log(
      `main-thread long tasks while training: ${longTasks.length}, ${over50.length} over 50 ms, longest ${longest.toFixed(0)} ms`,
    );
    const result = {
      lab: labId,
      backend: chosen,
      query,
      machine: { ...machine, loadAtEnd: loadavg().map((l) => Number(l.toFixed(2))) },
      chromium: browser.version(),
      secondsFromFineTuneClick: figures,
      longTasks: { count: longTasks.length, over50ms: over50.length, longestMs: Math.round(longest) },
    };
    console.log(`load average at the end: ${result.machine.loadAtEnd.join(' ')}`);
    mkdirSync('bench/out', { recursive: true });
    writeFileSync('bench/out/classroom.json', `${JSON.stringify(result, null, 1)}\n`);
  } finally {
    await browser.close();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
