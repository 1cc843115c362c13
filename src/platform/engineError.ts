// The engine's one error type, with the kind the page shows it by, and the mapping from the errors the
// model and trainer throw to those kinds.
import { RunSetupError } from '../experiment/runSetupError.ts';
import { ModelOutputError } from '../model/modelOutputError.ts';
import { UnknownCharacterError } from '../model/tokenizer.ts';
import { CheckpointError } from '../train/checkpoint.ts';
import { NonFiniteLossError } from '../train/trainer.ts';
import type { EngineErrorKind } from '../../workers/contract.ts';

export class EngineError extends Error {
  constructor(
    readonly kind: EngineErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'EngineError';
  }
}

/** Wraps any thrown value as an EngineError with the right kind (`fallback` for unknown errors). */
export function toEngineError(error: unknown, fallback: EngineErrorKind = 'internal'): EngineError {
  if (error instanceof EngineError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof NonFiniteLossError) return new EngineError('non-finite-loss', message);
  if (error instanceof CheckpointError || error instanceof ModelOutputError)
    return new EngineError('checkpoint', message);
  // A base that does not fit the recipe, a damaged saved run: the page says what to do.
  if (error instanceof RunSetupError) return new EngineError('invalid-input', `${message}: ${error.hint}`);
  if (error instanceof UnknownCharacterError) return new EngineError('invalid-input', message);
  return new EngineError(fallback, message);
}
