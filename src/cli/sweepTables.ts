// The sweep summary as text: sweep.csv (one row per value and condition, empty cells for nulls) and
// sweep.md (a value x condition table of ΔMI off-code [95% interval] and attainment, the form the
// README's results tables use). Pure.
import type { SweepRow, SweepSummary } from '../experiment/sweepSummary.ts';
import { csvRow } from '../util/csv.ts';

const CSV_COLUMNS = [
  'value',
  'condition',
  'seeds',
  'deltaMI',
  'deltaMILow',
  'deltaMIHigh',
  'excludesZero',
  'attainment',
  'transferRatio',
] as const satisfies readonly (keyof SweepRow)[];

export function sweepCsv(summary: SweepSummary): string {
  const lines = [['param', ...CSV_COLUMNS].join(',')];
  for (const row of summary.rows) lines.push(csvRow([summary.param, ...CSV_COLUMNS.map((k) => row[k])]));
  return `${lines.join('\n')}\n`;
}

/** Two decimals as in the README's tables; more (up to four) when every ΔMI is small, so that a
 * small run's interval does not print as [-0.00, +0.00]. */
function decimalsFor(rows: readonly SweepRow[]): number {
  const sizes = rows.flatMap((r) => [r.deltaMI, r.deltaMILow, r.deltaMIHigh]).filter((v) => v !== null);
  const largest = Math.max(0, ...sizes.map(Math.abs));
  return largest === 0 ? 2 : Math.min(4, Math.max(2, 2 - Math.floor(Math.log10(largest))));
}
// A pipe would end the cell early.
const md = (text: string) => text.replace(/\|/g, '\\|');

export function sweepMarkdown(summary: SweepSummary): string {
  const decimals = decimalsFor(summary.rows);
  const signed = (v: number | null) => (v === null ? '-' : `${v >= 0 ? '+' : ''}${v.toFixed(decimals)}`);
  const plain = (v: number | null) => (v === null ? '-' : v.toFixed(2));
  const last = summary.param.split('.').at(-1)!;
  const header = [md(last)];
  for (const c of summary.conditions) header.push(`${md(c)} ΔMI [95% CI]`, `${md(c)} attainment`);
  const lines = [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`];
  for (const p of summary.points) {
    const cells = [md(p.label)];
    for (const c of summary.conditions) {
      const r = summary.rows.find((row) => row.label === p.label && row.condition === c);
      cells.push(
        r
          ? `${signed(r.deltaMI)} [${signed(r.deltaMILow)}, ${signed(r.deltaMIHigh)}]${r.excludesZero ? ' *' : ''}`
          : '-',
        r ? plain(r.attainment) : '-',
      );
    }
    lines.push(`| ${cells.join(' | ')} |`);
  }
  const seeds = [...new Set(summary.rows.map((r) => r.seeds))];
  const n = seeds.length === 1 ? `${seeds[0]} seeds` : 'seeds per cell in sweep.csv';
  lines.push(
    '',
    `ΔMI off-code in nats against the selected Assistant, mean over ${n} with its 95% interval ` +
      `(* = the interval excludes zero); ${summary.param} swept.`,
  );
  return `${lines.join('\n')}\n`;
}
