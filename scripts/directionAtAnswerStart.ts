// Does the persona direction (fitted at the answer positions of held-out documents) also separate the
// personas at the one position the fine-tune curve reads the Assistant at: the answer's start, the last
// character of the prompt, before any answer character? Prints, per layer, the two personas' mean
// projection there, its AUC and d' on the measuring half, and the checkpoint's own Assistant's projection.
// Usage: node --import tsx scripts/directionAtAnswerStart.ts <pretrained.ckpt> [selected.ckpt]
import { readFileSync } from 'node:fs';
import { assistantProjection, auc, directionContexts, dot, dPrime, fitDirection } from '../src/eval/index.ts';
import { corpusInputs } from '../src/experiment/corpusInputs.ts';
import { validateRecipe } from '../src/experiment/validateRecipe.ts';
import { GPT } from '../src/model/gpt.ts';
import { residualMeans } from '../src/model/residualMeans.ts';
import { selectBackend } from '../src/platform/backend.ts';
import { decodeCheckpoint } from '../src/train/checkpoint.ts';

const [pretrainedPath, selectedPath] = process.argv.slice(2);
if (!pretrainedPath) throw new Error('usage: directionAtAnswerStart.ts <pretrained.ckpt> [selected.ckpt]');
await selectBackend('wasm');
const ckpt = await decodeCheckpoint(readFileSync(pretrainedPath));
const recipe = validateRecipe(ckpt.recipe);
const inputs = corpusInputs(recipe);
const pair = { a: recipe.eval.maliciousPersona, b: recipe.eval.helpfulPersona };
const model = GPT.fromWeights(ckpt.config, ckpt.weights);
const contexts = directionContexts(inputs.probes, pair);
const direction = fitDirection(
  contexts,
  await residualMeans(model, inputs.tokenizer, contexts),
  pair,
  pretrainedPath,
);
const starts = await residualMeans(
  model,
  inputs.tokenizer,
  contexts.map((c) => ({ text: c.text, from: c.from, to: c.from + 1 })),
);
const own = await assistantProjection(model, inputs.tokenizer, inputs.probes, direction);
model.dispose();
let selected: (number | null)[] | null = null;
if (selectedPath) {
  const s = await decodeCheckpoint(readFileSync(selectedPath));
  const m = GPT.fromWeights(s.config, s.weights);
  selected = await assistantProjection(m, inputs.tokenizer, inputs.probes, direction);
  m.dispose();
}
const f = (v: number | null) => (v === null ? '-' : v.toFixed(2));
console.log(
  `layer  mean ${pair.a} / ${pair.b} at the answer start  AUC   d'     Assistant (this model${selected ? ' / selected' : ''})`,
);
for (const l of direction.layers) {
  const at = (persona: string) =>
    contexts.flatMap((c, i) =>
      c.persona === persona && !c.fit ? [dot(starts[i]![l.layer]!, l.vector)] : [],
    );
  const [a, b] = [at(pair.a), at(pair.b)];
  const mean = (v: number[]) => v.reduce((x, y) => x + y, 0) / v.length;
  console.log(
    `${String(l.layer).padEnd(5)}  ${f(mean(a))} / ${f(mean(b))}`.padEnd(46) +
      `${f(auc(a, b))}  ${f(dPrime(a, b))}  ${f(own[l.layer] ?? null)}${selected ? ` / ${f(selected[l.layer] ?? null)}` : ''}`,
  );
}
