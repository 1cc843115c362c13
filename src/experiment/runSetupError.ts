// A run refused before training because of what it was given: a run folder whose state is damaged or
// belongs to another recipe, a start checkpoint that does not fit the recipe, a resume on another
// backend. The input is at fault, not the run, so the command line answers with exit 2 and the page with
// a message; the folder or store is left as it was.
/** The hint of a folder or store that cannot be resumed. */
export const FOLDER_HINT = 'choose another folder, or set this one aside';

export class RunSetupError extends Error {
  constructor(
    message: string,
    /** What to do about it, for a reader who cannot look at the code. */
    readonly hint = FOLDER_HINT,
  ) {
    super(message);
    this.name = 'RunSetupError';
  }
}
