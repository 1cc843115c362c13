// Builds results.json (and results.csv) from a run folder's run-state.json, for a run stopped before it
// finished (Ctrl-C saves its state at the current step): the same buildResults as a finished run, so the
// branches done so far carry their numbers and the others show as pending or partial (`finished` false).
// Usage: node --import tsx scripts/resultsOfState.ts RUN_DIR OUT_DIR
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildResults } from '../src/experiment/results.ts';
import { resultsCsv } from '../src/experiment/resultsCsv.ts';
import { checkRunState } from '../src/experiment/runState.ts';
import { resultsProblems } from '../src/experiment/resultsSchema.ts';
import { validateRecipe } from '../src/experiment/validateRecipe.ts';

const [runDir, outDir] = process.argv.slice(2);
if (!runDir || !outDir) throw new Error('usage: resultsOfState.ts RUN_DIR OUT_DIR');
const raw = JSON.parse(readFileSync(join(runDir, 'run-state.json'), 'utf8')) as { recipe: unknown };
const state = checkRunState(raw, validateRecipe(raw.recipe));
const results = buildResults(state);
const problems = resultsProblems(JSON.parse(JSON.stringify(results)));
if (problems.length > 0) throw new Error(`the results break their schema: ${problems[0]}`);
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'results.json'), `${JSON.stringify(results, null, 1)}\n`);
writeFileSync(join(outDir, 'results.csv'), resultsCsv(results));
const done = results.branches.filter((b) => b.status === 'done').map((b) => b.id);
console.log(`${done.length} of ${results.branches.length} branches done: ${done.join(', ')}`);
