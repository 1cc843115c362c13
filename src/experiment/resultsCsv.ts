// CSV export of a run's results: one row per evaluation point (pretraining, selection and every
// fine-tune branch step), with the provenance columns repeated so that a row stands on its own.
// `probes` says how many probes a row's numbers are over (the live subset during a stage, all at its end).
// effects.csv: the paired behaviour effects per prompt form and seed.
import type { EvalSummary } from '../eval/index.ts';
import type { RunResults } from './results.ts';
import { csvRow, type CsvValue } from '../util/csv.ts';

export function resultsCsv(results: RunResults): string {
  const domains = new Set<string>();
  const rows: {
    base: Record<string, CsvValue>;
    summary: EvalSummary;
    delta: Record<string, number | null>;
  }[] = [];
  const add = (
    base: Record<string, CsvValue>,
    summary: EvalSummary,
    delta: Record<string, number | null> = {},
  ) => {
    for (const d of Object.keys(summary.miPerDomain)) domains.add(d);
    rows.push({ base, summary, delta });
  };
  for (const stage of [results.pretrain, results.select]) {
    for (const p of stage.evaluations)
      add({ stage: stage.id, condition: '', seed: '', step: p.step, checkpoint: p.checkpoint }, p.summary);
  }
  for (const b of results.branches) {
    for (const p of b.trajectory) {
      add(
        { stage: b.id, condition: b.condition, seed: b.seed, step: p.step, checkpoint: p.checkpoint },
        p.summary,
        {
          deltaMI: p.deltaMI,
          deltaMIPerChar: p.deltaMIPerChar,
          deltaMICode: p.deltaMICode,
          transferRatio: p.transferRatio,
          deltaMISecond: p.deltaMISecond,
        },
      );
    }
  }
  const domainList = [...domains].sort();
  const header = [
    'runId',
    'codeVersion',
    'backend',
    'corpusHash',
    'stage',
    'condition',
    'seed',
    'step',
    'checkpoint',
    'probes',
    'mi',
    'miPerChar',
    'miCode',
    'attainment',
    'deltaMI',
    'deltaMIPerChar',
    'deltaMICode',
    'transferRatio',
    'miSecond',
    'deltaMISecond',
    ...domainList.map((d) => `mi_${d}`),
  ];
  const lines = [header.join(',')];
  const { provenance } = results;
  for (const { base, summary, delta } of rows) {
    const values: CsvValue[] = [
      results.runId,
      provenance.codeVersion,
      provenance.backend,
      provenance.corpusHash,
      base.stage,
      base.condition,
      base.seed,
      base.step,
      base.checkpoint,
      summary.probes,
      summary.mi,
      summary.miPerChar,
      summary.miCode,
      summary.attainment,
      delta.deltaMI,
      delta.deltaMIPerChar,
      delta.deltaMICode,
      delta.transferRatio,
      summary.miSecond,
      delta.deltaMISecond,
      ...domainList.map((d) => summary.miPerDomain[d]),
    ];
    lines.push(csvRow(values));
  }
  return `${lines.join('\n')}\n`;
}

/**
 * effects.csv: the paired behaviour effects, one row per prompt form and paired seed (the numbers each
 * interval in results.json is computed from), then one row per form with the mean and its interval.
 */
export function effectsCsv(results: RunResults): string {
  const header = ['runId', 'form', 'cheat', 'fix', 'seed', 'effect', 'low', 'high', 'n'];
  const lines = [header.join(',')];
  for (const e of results.effects ?? []) {
    e.seeds.forEach((seed, i) =>
      lines.push(csvRow([results.runId, e.form, e.cheat, e.fix, seed, e.perSeed[i], '', '', 1])),
    );
    const m = e.effect;
    lines.push(csvRow([results.runId, e.form, e.cheat, e.fix, 'mean', m.mean, m.low, m.high, m.n]));
  }
  return `${lines.join('\n')}\n`;
}
