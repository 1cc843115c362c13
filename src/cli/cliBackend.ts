// Backend choice for the Node CLI through src/platform: 'auto' means wasm, falling back to cpu (webgpu
// and webgl do not exist in Node).
import * as tf from '@tensorflow/tfjs';
import { BackendUnavailableError, selectBackend, type BackendName } from '../platform/backend.ts';
import type { RecipeBackend } from '../experiment/recipe.ts';
import { CliError } from './cliErrors.ts';

const NODE_BACKENDS = ['auto', 'wasm', 'cpu'] as const;

/** The --backend flag checked: auto (the default), wasm or cpu; anything else refused with exit 2. */
export function nodeBackendArg(value: string | undefined): 'auto' | 'wasm' | 'cpu' {
  if (value === undefined) return 'auto';
  const choice = NODE_BACKENDS.find((b) => b === value);
  if (!choice)
    throw new CliError(`--backend must be auto, wasm or cpu in Node, got ${JSON.stringify(value)}`);
  return choice;
}

export async function startBackend(choice: RecipeBackend): Promise<BackendName> {
  // Production mode: no tfjs debug checks, and no banner urging tfjs-node (which cannot install here).
  tf.env().set('PROD', true);
  const order: BackendName[] = choice === 'auto' ? ['wasm', 'cpu'] : [choice];
  const reasons: string[] = [];
  for (const name of order) {
    try {
      return (await selectBackend(name)).backend;
    } catch (error) {
      reasons.push(error instanceof BackendUnavailableError ? error.message : `${name}: ${String(error)}`);
    }
  }
  throw new CliError(`no backend could start: ${reasons.join('; ')}`, 1);
}
