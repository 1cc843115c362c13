// `npm run bench -- scaling`: the figures docs/scaling.md builds on. A result card of one student of the
// reference experiment (its seed-1 branches from experiments/reference/results.json) and its text code;
// pooling 30 and 1,000 such cards; the reference corpus generated as every job of a plan generates it;
// the size of a job's state and of a checkpoint. Prints one line per figure (wall times on this machine,
// whatever else runs on it: the lines say its load).
import { readFileSync, statSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { poolCards } from '../src/experiment/classPool.ts';
import { corpusInputs } from '../src/experiment/corpusInputs.ts';
import { presetRecipe } from '../src/experiment/presets.ts';
import type { RunResults } from '../src/experiment/results.ts';
import { cardCode, cardFileText, resultCard } from '../src/experiment/resultCard.ts';

const seconds = (since: number) => ((performance.now() - since) / 1000).toFixed(3);

export async function runScalingBench(): Promise<void> {
  console.log(
    `machine: ${cpus().length} cores (${cpus()[0]?.model}), load ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  const reference = JSON.parse(readFileSync('experiments/reference/results.json', 'utf8')) as RunResults;
  const oneStudent = (seed: number): RunResults => {
    const r = structuredClone(reference);
    r.branches = r.branches.filter((b) => b.seed === 1).map((b) => ({ ...b, seed }));
    r.provenance.recipe.seeds.finetune = [seed];
    r.runId = `student-${seed}`;
    return r;
  };
  const card = resultCard(oneStudent(1), 'a'.repeat(64));
  console.log(
    `card of one reference student: ${card.branches.length} branches, ${card.branches[0]!.curve.length} points each; ` +
      `file ${cardFileText(card).length} bytes, code ${cardCode(card).length} characters`,
  );
  for (const students of [30, 1000]) {
    const inputs = Array.from({ length: students }, (_, i) => ({
      source: `student ${i + 1}`,
      text: cardCode(resultCard(oneStudent(i + 1), 'a'.repeat(64))),
    }));
    const started = performance.now();
    const { pool } = poolCards(inputs);
    console.log(`pool of ${students} cards (${pool!.branches.length} branches): ${seconds(started)} s`);
  }
  let started = performance.now();
  const inputs = corpusInputs(presetRecipe('reference'));
  console.log(
    `reference corpus generated (every job does this once): ${seconds(started)} s, ` +
      `${inputs.pretrain.tokens.length} pretraining characters, ${inputs.probes.length} probes`,
  );
  started = performance.now();
  corpusInputs(presetRecipe('tiny'));
  console.log(`tiny corpus generated: ${seconds(started)} s`);
  const state = JSON.parse(readFileSync('experiments/reference/run-state.json', 'utf8')) as {
    stages: { id: string }[];
  };
  const sizes = state.stages.map((s) => JSON.stringify(s).length);
  console.log(
    `reference run-state.json: ${statSync('experiments/reference/run-state.json').size} bytes for ${state.stages.length} stages ` +
      `(pretrain record ${sizes[0]} bytes, a branch record about ${sizes[2]} bytes)`,
  );
  console.log(
    `a reference checkpoint (weights only): ${statSync('public/models/classroom-base.ckpt').size} bytes`,
  );
}
