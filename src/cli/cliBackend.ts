// Backend choice for the Node CLI through src/platform: 'auto' means wasm, falling back to cpu; 'webgpu'
// runs the browser's WGSL kernels through Dawn (src/platform/nodeWebGpu.ts) and, where no adapter
// exists, says why and falls back to wasm, then cpu, as the browser does. webgl does not exist in Node.
import * as tf from '@tensorflow/tfjs';
import {
  BackendUnavailableError,
  selectBackend,
  type BackendHints,
  type BackendName,
} from '../platform/backend.ts';
import { releaseNodeWebGpu } from '../platform/nodeWebGpu.ts';
import { MIN_THREADED_STEP_GFLOP } from '../platform/wasmThreads.ts';
import { CliError } from './cliErrors.ts';

export const NODE_BACKENDS = ['auto', 'wasm', 'cpu', 'webgpu'] as const;
export type NodeBackendChoice = (typeof NODE_BACKENDS)[number];

/** The --backend flag checked: auto (the default), wasm, cpu or webgpu; anything else refused with exit 2. */
export function nodeBackendArg(value: string | undefined): NodeBackendChoice {
  if (value === undefined) return 'auto';
  const choice = NODE_BACKENDS.find((b) => b === value);
  if (!choice)
    throw new CliError(`--backend must be auto, wasm, cpu or webgpu in Node, got ${JSON.stringify(value)}`);
  return choice;
}

/**
 * Starts the backend and returns its name. A webgpu that cannot start (no `webgpu` package, no adapter)
 * is reported through `notice`, with the reason, and the run continues on wasm (or cpu). With a step's
 * work in `hints`, wasm may start threaded; `notice` says how many threads and why, for a large model.
 */
export async function startBackend(
  choice: NodeBackendChoice,
  notice: (line: string) => void = (line) => console.error(line),
  hints: BackendHints = {},
): Promise<BackendName> {
  // Production mode: no tfjs debug checks, and no banner urging tfjs-node (which cannot install here).
  tf.env().set('PROD', true);
  const order: BackendName[] =
    choice === 'auto' ? ['wasm', 'cpu'] : choice === 'webgpu' ? ['webgpu', 'wasm', 'cpu'] : [choice];
  const reasons: string[] = [];
  for (const name of order) {
    try {
      const report = await selectBackend(name, hints);
      if (reasons.length > 0 && choice === 'webgpu')
        notice(`persona-lab: ${reasons.join('; ')}; running on ${report.backend} instead`);
      const why = report.wasm?.threadsReason;
      // Said for a model large enough to get threads; small ones never do.
      if (why !== undefined && (hints.stepGflop ?? 0) >= MIN_THREADED_STEP_GFLOP)
        notice(
          `persona-lab: wasm threads: ${report.wasm!.threads ? `${report.wasm!.threadsCount} (${why})` : why}`,
        );
      return report.backend;
    } catch (error) {
      reasons.push(
        error instanceof BackendUnavailableError ? failureText(error) : `${name}: ${String(error)}`,
      );
    }
  }
  throw new CliError(`no backend could start: ${reasons.join('; ')}`, 1);
}

function failureText(error: BackendUnavailableError): string {
  return error.failures.map((f) => `${f.backend} could not start: ${f.reason}`).join('; ');
}

/** Lets the process exit when the CLI is done (Dawn's GPU keeps Node's event loop alive). */
export function stopBackend(): void {
  releaseNodeWebGpu();
}
