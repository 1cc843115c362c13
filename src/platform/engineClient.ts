// The page's handle on the engine: starts the engine Worker and wraps it with comlink, typed by the one
// contract. Pass event callbacks as `Comlink.proxy(fn)`.
import { wrap, type Remote } from 'comlink';
import type { WorkerApi } from '../../workers/contract.ts';

export interface EngineHandle {
  api: Remote<WorkerApi>;
  worker: Worker;
  /**
   * Resolves when the worker itself fails (a script that does not load, an uncaught error): comlink's
   * pending calls would wait forever then, so race them against this to never hang.
   */
  crashed: Promise<Error>;
  /** Ends the worker (and every tensor and GPU buffer it holds). */
  terminate(): void;
}

export function createEngine(): EngineHandle {
  const worker = new Worker(new URL('../../workers/engine.worker.ts', import.meta.url), {
    type: 'module',
    name: 'persona-lab-engine',
  });
  const crashed = new Promise<Error>((resolve) => {
    worker.addEventListener('error', (event) => {
      resolve(new Error(`the engine worker failed: ${event.message || 'it could not start'}`));
    });
    worker.addEventListener('messageerror', () => {
      resolve(new Error('the engine worker sent a message that could not be read'));
    });
  });
  const api = wrap<WorkerApi>(worker);
  return { api, worker, crashed, terminate: () => worker.terminate() };
}
