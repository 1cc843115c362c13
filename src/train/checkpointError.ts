// The one error a checkpoint reader throws: every refusal of a file, whatever is wrong with it, is a
// CheckpointError with a message that says what, so callers can show it and keep what they had.

export class CheckpointError extends Error {
  constructor(message: string) {
    super(`checkpoint refused: ${message}`);
    this.name = 'CheckpointError';
  }
}

export function refuse(message: string): never {
  throw new CheckpointError(message);
}
