// CSV of a class pool: one row per student, branch and evaluated step (the curves the pooled chart
// draws), then one row per condition with its final ΔMI over students. Pure.
import type { ClassPool } from './classPool.ts';
import { csvRow, type CsvValue } from '../util/csv.ts';

const COLUMNS = [
  'row',
  'student',
  'condition',
  'seed',
  'step',
  'deltaMI',
  'deltaMILow',
  'deltaMIHigh',
  'n',
  'deltaMICode',
  'attainment',
  'transferRatio',
  'deltaMISecond',
] as const;

export function poolCsv(pool: ClassPool): string {
  const lines = [['base', 'corpusHash', ...COLUMNS].join(',')];
  const row = (values: Partial<Record<(typeof COLUMNS)[number], CsvValue>>) =>
    lines.push(csvRow([pool.base, pool.corpusHash, ...COLUMNS.map((c) => values[c] ?? '')]));
  for (const b of pool.branches) {
    for (const p of b.trajectory) {
      row({
        row: 'branch',
        student: b.student,
        condition: b.condition,
        seed: b.seed,
        step: p.step,
        deltaMI: p.deltaMI,
        deltaMICode: p.deltaMICode,
        attainment: p.attainment,
        transferRatio: p.transferRatio,
        deltaMISecond: p.deltaMISecond,
      });
    }
  }
  for (const c of pool.conditions) {
    const last = c.trajectory.at(-1);
    row({
      row: 'condition',
      condition: c.condition,
      step: last?.step,
      deltaMI: c.final.deltaMI.mean,
      deltaMILow: c.final.deltaMI.low,
      deltaMIHigh: c.final.deltaMI.high,
      n: c.final.deltaMI.n,
      deltaMICode: c.final.deltaMICode.mean,
      attainment: c.final.attainment.mean,
      transferRatio: c.final.transferRatio.mean,
    });
  }
  return `${lines.join('\n')}\n`;
}
