// The sweep summary as text: sweep.csv (one row per point and condition, empty cells for nulls) and
// sweep.md (a point x condition table of ΔMI off-code [95% interval] and attainment, the form the
// README's results tables use; a sweep crossed with pretrainings adds each value over its pretrainings).
// Pure.
import type { Interval } from '../experiment/results.ts';
import type { SweepRow, SweepSummary } from '../experiment/sweepSummary.ts';
import { csvRow } from '../util/csv.ts';

const CSV_COLUMNS = [
  'value',
  'pretraining',
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
  const crossed = summary.pretrainings.length > 0;
  const header = pointHeader(summary);
  for (const c of summary.conditions) header.push(`${md(c)} ΔMI [95% CI]`, `${md(c)} attainment`);
  const lines = [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`];
  for (const p of summary.points) {
    const cells = pointCells(p, crossed);
    for (const c of summary.conditions) {
      const r = summary.rows.find(
        (row) => row.label === p.label && row.pretraining === p.pretraining && row.condition === c,
      );
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
  lines.push(...effectsMarkdown(summary, signed));
  lines.push(...overPretrainingsMarkdown(summary, signed));
  return `${lines.join('\n')}\n`;
}

type Point = SweepSummary['points'][number];

function pointHeader(summary: SweepSummary): string[] {
  const last = md(summary.param.split('.').at(-1)!);
  return summary.pretrainings.length > 0 ? [last, 'pretraining'] : [last];
}

function pointCells(p: Point, crossed: boolean): string[] {
  return crossed ? [md(p.label), String(p.pretraining ?? '-')] : [md(p.label)];
}

/** An interval over pretrainings needs two of them: one alone is its mean, marked as such, never a
 * zero-width interval. */
const overOne = (i: Interval, mean: string): string | null => (i.n < 2 ? `${mean} (1 pretraining)` : null);

/** A ratio with its interval, `0.37x [0.25, 0.50]`; `-` where no point had one. */
function ratio(i: Interval): string {
  const f = (v: number | null) => (v === null ? '-' : v.toFixed(2));
  if (i.mean === null) return '-';
  return overOne(i, `${f(i.mean)}x`) ?? `${f(i.mean)}x [${f(i.low)}, ${f(i.high)}]`;
}

/** A sweep crossed with pretrainings: each value's default MI, conditions and forms over its pretrainings. */
function overPretrainingsMarkdown(summary: SweepSummary, signed: (v: number | null) => string): string[] {
  if (summary.overPretrainings.length === 0) return [];
  const cell = (i: Interval) =>
    overOne(i, signed(i.mean)) ?? `${signed(i.mean)} [${signed(i.low)}, ${signed(i.high)}]`;
  const first = summary.overPretrainings[0]!;
  const header = [
    md(summary.param.split('.').at(-1)!),
    'pretrainings',
    'default MI',
    ...first.conditions.map((c) => `${md(c.condition)} ΔMI`),
    ...first.effects.map((e) => `${md(e.form)} effect`),
    ...first.effects.filter((e) => e.ratioToPlain !== null).map((e) => `${md(e.form)} / plain`),
  ];
  const lines = ['', `| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`];
  for (const v of summary.overPretrainings)
    lines.push(
      `| ${[
        md(v.label),
        String(v.pretrainings),
        cell(v.defaultMI),
        ...v.conditions.map((c) => cell(c.deltaMI)),
        ...v.effects.map((e) => cell(e.effect)),
        ...v.effects.flatMap((e) => (e.ratioToPlain === null ? [] : [ratio(e.ratioToPlain)])),
      ].join(' | ')} |`,
    );
  lines.push(
    '',
    `Each value over its independent pretrainings (${summary.pretrainings.join(', ')}): the mean of the ` +
      "pretrainings' means (default MI, ΔMI over seeds, behaviour effect) with its 95% interval over " +
      'pretrainings (n = pretrainings), apart from the intervals over fine-tune seeds above.' +
      (first.effects.some((e) => e.ratioToPlain !== null)
        ? " form / plain: each pretraining's effect over its own plain effect, over pretrainings."
        : ''),
  );
  return lines;
}

/** The paired behaviour effects per point and form, each point's default MI, and (over pretrainings)
 * each form's interval over pretrainings beside the widest interval over fine-tune seeds. */
function effectsMarkdown(summary: SweepSummary, signed: (v: number | null) => string): string[] {
  if (summary.effects.length === 0) return [];
  const forms = [...new Set(summary.effects.map((e) => e.form))];
  const crossed = summary.pretrainings.length > 0;
  const header = [
    ...pointHeader(summary),
    'default MI',
    ...forms.map((f) => `${md(f)} effect [95% CI over seeds]`),
  ];
  const lines = ['', `| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`];
  for (const p of summary.points) {
    const cells = [...pointCells(p, crossed), signed(p.defaultMI)];
    for (const f of forms) {
      const e = summary.effects.find(
        (r) => r.label === p.label && r.pretraining === p.pretraining && r.form === f,
      );
      cells.push(e ? `${signed(e.effect)} [${signed(e.effectLow)}, ${signed(e.effectHigh)}]` : '-');
    }
    lines.push(`| ${cells.join(' | ')} |`);
  }
  lines.push(
    '',
    'Behaviour effect: ΔMI of the cheat set minus ΔMI of the fix set on the same prompts, paired by seed. ' +
      "Default MI: the selected Assistant's off-code MI before any fine-tune.",
  );
  if (summary.acrossPretrainings.length > 0) {
    lines.push(
      '',
      '| form | pretrainings | effect [95% CI over pretrainings] | widest half-width over seeds | effect / plain [95% CI over pretrainings] |',
      '| --- | --- | --- | --- | --- |',
      ...summary.acrossPretrainings.map(
        (a) =>
          `| ${md(a.form)} | ${a.pretrainings} | ${signed(a.effect)} [${signed(a.low)}, ${signed(a.high)}] | ${
            a.widestSeedHalfWidth === null ? '-' : a.widestSeedHalfWidth.toFixed(2)
          } | ${a.ratioToPlain === null ? '-' : ratio(a.ratioToPlain)} |`,
      ),
      '',
      "Effect / plain: each pretraining's effect over its own plain effect (the ratio gate 3 judges), " +
        'with its interval over pretrainings; the ratio cancels the scale each pretraining sets.',
    );
  }
  return lines;
}
