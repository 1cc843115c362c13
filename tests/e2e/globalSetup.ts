// Global setup of the `e2e` project: builds the app once (vite's programmatic build, into a temporary
// folder so a developer's dist/ is left alone), serves it with `vite preview` on a free localhost port
// (the COOP/COEP headers come from vite.config's preview.headers) and hands the address to the tests
// through vitest's provide/inject. Also makes a tiny base checkpoint with the CLI for the fine-tune test.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build, preview } from 'vite';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The built app, e.g. http://127.0.0.1:41234/ */
    baseUrl: string;
    /** A tiny preset's selected checkpoint (pretrain + select), made by the CLI. */
    baseCheckpoint: string;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** `persona-lab run tiny`: the shipped base does not exist yet, so the test makes its own. */
async function tinyBaseCheckpoint(dir: string): Promise<string> {
  const out = join(dir, 'tiny-run');
  await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', 'run', 'tiny', '--out', out, '--quiet', '--backend', 'cpu'],
    { cwd: process.cwd(), timeout: 300_000 },
  );
  return join(out, 'checkpoints', 'select.ckpt');
}

export default async function setup(project: TestProject) {
  const dir = await mkdtemp(join(tmpdir(), 'persona-lab-e2e-'));
  const outDir = join(dir, 'dist');
  const started = Date.now();
  const [, checkpoint] = await Promise.all([
    build({ logLevel: 'warn', build: { outDir, emptyOutDir: true, sourcemap: false } }),
    tinyBaseCheckpoint(dir),
  ]);
  const port = await freePort();
  const server = await preview({
    logLevel: 'warn',
    build: { outDir },
    preview: { host: '127.0.0.1', port, strictPort: true, open: false },
  });
  const baseUrl = `http://127.0.0.1:${port}/`;
  console.log(`e2e: built and serving ${baseUrl} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  project.provide('baseUrl', baseUrl);
  project.provide('baseCheckpoint', checkpoint);
  return async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  };
}
