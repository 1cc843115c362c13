// `pool <card files or folders...> --out DIR`: pools students' result cards (classPool.ts) headless and
// writes DIR/results.json (the pool) and DIR/results.csv. A file holds one card (JSON) or text codes,
// one a line; a folder gives every file in it. Cards refused or ignored are listed on stderr and the
// rest pooled; no card to pool ends with exit 2. Cards of groups that differ in one recipe field (guided
// lab 5) are also compared by its value into DIR/groups.json.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { poolCards, type CardInput } from '../experiment/classPool.ts';
import { poolCsv } from '../experiment/poolCsv.ts';
import type { Interval } from '../experiment/results.ts';
import { CliError, EXIT, readInputFile } from './cliErrors.ts';
import { writeFileAtomic } from './fileRunStore.ts';
import { makeOutFolder } from './makeOutFolder.ts';

async function cardInputs(path: string): Promise<CardInput[]> {
  const kind = await stat(path).catch(() => null);
  if (kind?.isDirectory()) {
    const names = (await readdir(path)).filter((n) => !n.startsWith('.')).sort();
    return (await Promise.all(names.map((n) => cardInputs(join(path, n))))).flat();
  }
  const text = (await readInputFile(path, 'card')).toString('utf8');
  if (text.trimStart().startsWith('{')) return [{ source: path, text }];
  return text
    .split('\n')
    .map((line, i) => ({ source: `${path}:${i + 1}`, text: line.trim() }))
    .filter((input) => input.text !== '');
}

export async function poolCommand(paths: readonly string[], out: string | undefined): Promise<number> {
  if (paths.length === 0) throw new CliError('name the result cards to pool (files, or folders of them)');
  if (!out) throw new CliError('--out DIR is required: the folder for the pooled results');
  const inputs = (await Promise.all(paths.map(cardInputs))).flat();
  const { pool, refused, ignored, groups } = poolCards(inputs);
  for (const r of refused) console.error(`refused ${r.source}: ${r.reason}`);
  for (const r of ignored) console.error(`ignored ${r.source}: ${r.reason}`);
  if (!pool) throw new CliError(`no card to pool among ${inputs.length} given`);
  await makeOutFolder(out);
  await writeFileAtomic(join(out, 'results.json'), `${JSON.stringify(pool, null, 1)}\n`);
  await writeFileAtomic(join(out, 'results.csv'), poolCsv(pool));
  console.error(
    `pooled ${pool.branches.length} branches of ${pool.students.length} students into ${join(out, 'results.json')} and results.csv`,
  );
  for (const c of pool.conditions) {
    const d = c.final.deltaMI;
    const f = (v: number | null) => (v === null ? '-' : v.toFixed(3));
    console.error(`  ${c.condition}: ΔMI ${f(d.mean)} [${f(d.low)}, ${f(d.high)}] over ${d.n} seeds`);
  }
  if (groups) {
    await writeFileAtomic(join(out, 'groups.json'), `${JSON.stringify(groups, null, 1)}\n`);
    console.error(
      `groups by ${groups.field} (mean [95% interval] over runs) into ${join(out, 'groups.json')}:`,
    );
    const f = (i: Interval) =>
      i.mean === null
        ? '-'
        : `${i.mean.toFixed(3)}${i.n > 1 ? ` [${i.low!.toFixed(3)}, ${i.high!.toFixed(3)}]` : ''}`;
    for (const g of groups.groups)
      console.error(
        `  ${g.value}: ${g.runs.length} runs, default MI ${f(g.defaultMI)}` +
          g.effects.map((e) => `, ${e.form} effect ${f(e.effect)}`).join(''),
      );
  }
  return EXIT.ok;
}
