// Vite serves and builds the lab; vitest runs three projects: `node` (cpu/wasm backends, tiny models),
// `browser` (real Chromium through Playwright, WebGPU on SwiftShader) and `e2e` (Playwright driving the
// built app served by `vite preview`, one file at a time).
import { defineConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';
import { VitePWA } from 'vite-plugin-pwa';
import { chromiumArgs, chromiumPath } from './scripts/chromium.ts';
import { gitCommitLabel } from './src/experiment/codeVersion.ts';

// Cross-origin isolation lets the wasm backend use threads (SharedArrayBuffer).
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

const tfjsDeps = [
  '@tensorflow/tfjs',
  '@tensorflow/tfjs-core',
  '@tensorflow/tfjs-backend-cpu',
  '@tensorflow/tfjs-backend-webgl',
  '@tensorflow/tfjs-backend-webgpu',
  '@tensorflow/tfjs-backend-wasm',
  'comlink',
];

/**
 * The built app's service worker (Workbox, generated at build time; the dev server has none): it
 * precaches the app, the wasm binaries and the shipped bases, so that the lab reloads and runs offline.
 * Cached responses keep the headers they were fetched with, COOP/COEP included, so an offline page is
 * as cross-origin isolated (wasm threads) as the server made it.
 */
const serviceWorker = VitePWA({
  strategies: 'generateSW',
  // A <script defer> in the built index.html registers it; nothing is injected in dev.
  injectRegister: 'script-defer',
  registerType: 'prompt',
  manifest: false,
  workbox: {
    globPatterns: ['**/*.{html,js,css,wasm,ckpt,svg,png}'],
    // The engine worker's bundle is 1.5 MB and each shipped base 1.8 MB (Workbox's default cap: 2 MiB).
    maximumFileSizeToCacheInBytes: 8 * 1024 * 1024,
    navigateFallback: 'index.html',
    // The first install controls the open page at once (so it works offline without a reload). A new
    // version waits until every tab of the lab is closed: a running training never loses its files.
    clientsClaim: true,
    skipWaiting: false,
  },
});

export default defineConfig({
  base: './',
  plugins: [serviceWorker],
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders },
  // The commit every result and checkpoint records (src/experiment/codeVersion.ts).
  define: { __PERSONA_LAB_COMMIT__: JSON.stringify(gitCommitLabel(import.meta.dirname)) },
  worker: { format: 'es' },
  optimizeDeps: { include: tfjsDeps },
  build: { target: 'es2022', sourcemap: true, chunkSizeWarningLimit: 4000 },
  test: {
    reporters: ['default', ['json', { outputFile: '.vitest-results.json' }]],
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          environment: 'node',
          include: ['tests/node/**/*.test.ts'],
          testTimeout: 600_000,
          hookTimeout: 600_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['tests/browser/**/*.test.ts'],
          testTimeout: 600_000,
          hookTimeout: 600_000,
          browser: {
            enabled: true,
            headless: true,
            provider: playwright({ launchOptions: { executablePath: chromiumPath, args: chromiumArgs } }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['tests/e2e/**/*.test.ts'],
          globalSetup: ['tests/e2e/globalSetup.ts'],
          testTimeout: 600_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
