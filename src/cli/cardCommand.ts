// `card RUN_DIR [--out FILE]`: the result card of a finished run folder (results.json and the selected
// checkpoint the branches started from), written to FILE (default RUN_DIR/card.json) and printed as a
// text code. What a student's browser exports, from the command line.
import { join } from 'node:path';
import type { RunResults } from '../experiment/results.ts';
import { resultsProblems } from '../experiment/resultsSchema.ts';
import { CardError, cardCode, cardFileText, resultCard } from '../experiment/resultCard.ts';
import { weightsFingerprint } from '../train/weightsFingerprint.ts';
import { CliError, EXIT, readCheckpointFile, readInputFile } from './cliErrors.ts';
import { writeFileAtomic } from './fileRunStore.ts';

export async function readResultsFile(path: string): Promise<RunResults> {
  const text = (await readInputFile(path, 'results')).toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CliError(`${path} is not valid JSON (${(error as Error).message})`);
  }
  const problems = resultsProblems(value);
  if (problems.length > 0) throw new CliError(`${path} is not a Persona Lab results file: ${problems[0]}`);
  return value as RunResults;
}

export async function cardCommand(dir: string | undefined, out: string | undefined): Promise<number> {
  if (dir === undefined) throw new CliError('name a finished run folder (it holds results.json)');
  const results = await readResultsFile(join(dir, 'results.json'));
  const base = await weightsFingerprint(await readCheckpointFile(join(dir, 'checkpoints', 'select.ckpt')));
  let card;
  try {
    card = resultCard(results, base);
  } catch (error) {
    if (error instanceof CardError) throw new CliError(`${dir}: ${error.message}`);
    throw error;
  }
  const file = out ?? join(dir, 'card.json');
  await writeFileAtomic(file, cardFileText(card));
  console.error(`wrote ${file}; the same card as a code to paste:`);
  console.log(cardCode(card));
  return EXIT.ok;
}
