// `gates <results.json>`: judges the three gates of the reference experiment from a finished run's
// results (src/experiment/gates.ts) and prints them; `--json` prints the judged numbers as JSON. The file
// is outside input: its schema, every number's range and its embedded recipe are checked first.
import { bundledCorpusData } from '../corpus/index.ts';
import { judgeGates } from '../experiment/gates.ts';
import type { RunResults } from '../experiment/results.ts';
import { resultsProblems } from '../experiment/resultsSchema.ts';
import { CliError, EXIT, readInputFile } from './cliErrors.ts';
import { effectLines, gatesLines, preFinetuneLines } from './gatesReport.ts';

export async function gatesCommand(path: string | undefined, json: boolean): Promise<number> {
  if (!path) throw new CliError('usage: gates <results.json> [--json]');
  const text = (await readInputFile(path, 'results file')).toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CliError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  const errors = resultsProblems(value);
  if (errors.length > 0)
    throw new CliError(`${path} is not a results file: ${errors.slice(0, 3).join('; ')}`);
  const gates = judgeGates(value as RunResults, bundledCorpusData());
  const results = value as RunResults;
  const lines = [
    ...preFinetuneLines(results.preFinetune ?? null),
    ...effectLines(results.effects ?? []),
    ...gatesLines(gates),
  ];
  console.log(json ? JSON.stringify(gates, null, 2) : lines.join('\n'));
  return EXIT.ok;
}
