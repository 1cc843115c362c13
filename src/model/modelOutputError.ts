// The model produced numbers that are not numbers: NaN or infinite logits, from weights that overflow
// (a damaged or forged checkpoint whose values are huge but finite). Scoring and sampling refuse with
// this instead of passing NaN on as a log-probability or drawing from a NaN distribution.
export class ModelOutputError extends Error {
  constructor(what: string) {
    super(
      `the model's ${what} are not finite numbers: its weights overflow, so this checkpoint cannot be used`,
    );
    this.name = 'ModelOutputError';
  }
}
