// The page's handle on the engine: starts the engine Worker and wraps it with comlink, typed by the one
// contract. Pass event callbacks as `Comlink.proxy(fn)`.
import { wrap, type Remote } from 'comlink';
import type { LabApi } from '../../workers/contract.ts';

export interface EngineHandle {
  api: Remote<LabApi>;
  worker: Worker;
  /**
   * Resolves when the worker itself fails (a script that does not load, an uncaught error) or is gone
   * (ended by the browser): comlink's pending calls would wait forever then, so race them against this
   * to never hang.
   */
  crashed: Promise<Error>;
  /** Ends the worker (and every tensor and GPU buffer it holds). */
  terminate(): void;
}

/** Milliseconds between looks for the worker's lifeline lock while the worker starts. */
const LIFELINE_POLL_MS = 100;

/**
 * Resolves when the worker is gone, however it went: the worker holds a Web Lock named after it for as
 * long as it lives (workers/engine.worker.ts); once it holds it, a request for the same lock here is
 * granted only when the worker has ended. `ended()` says the page ended it on purpose.
 */
async function lifeline(name: string, ended: () => boolean): Promise<Error> {
  for (;;) {
    if (ended()) return new Promise<never>(() => {});
    const { held = [] } = await navigator.locks.query();
    if (held.some((lock) => lock.name === name)) break;
    await new Promise((resolve) => setTimeout(resolve, LIFELINE_POLL_MS));
  }
  await navigator.locks.request(name, () => undefined);
  if (ended()) return new Promise<never>(() => {});
  return new Error('the engine worker stopped: the browser ended it (out of memory, or it crashed)');
}

export function createEngine(): EngineHandle {
  // Lock names are shared by every tab of the origin: each worker gets its own.
  const name = `persona-lab-engine-${crypto.randomUUID()}`;
  const worker = new Worker(new URL('../../workers/engine.worker.ts', import.meta.url), {
    type: 'module',
    name,
  });
  let terminated = false;
  const failed = new Promise<Error>((resolve) => {
    worker.addEventListener('error', (event) => {
      resolve(new Error(`the engine worker failed: ${event.message || 'it could not start'}`));
    });
    worker.addEventListener('messageerror', () => {
      resolve(new Error('the engine worker sent a message that could not be read'));
    });
  });
  const crashed = Promise.race([failed, lifeline(name, () => terminated)]);
  const api = wrap<LabApi>(worker);
  return {
    api,
    worker,
    crashed,
    terminate: () => {
      terminated = true;
      worker.terminate();
    },
  };
}
