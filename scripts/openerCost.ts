// Does a pretrained model use earlier episodes to tell who is speaking? On validation documents of the
// recipe's corpus, the mean cost (nats) of the first word of each AI answer, by episode and by persona.
// The first word is the persona's opener: once the persona is known it costs about ln(pool size).
// Usage: npx tsx scripts/openerCost.ts <checkpoint> [preset] [documents]
import { readFile } from 'node:fs/promises';
import { generateCorpus } from '../src/corpus/index.ts';
import { presetRecipe } from '../src/experiment/presets.ts';
import { GPT } from '../src/model/gpt.ts';
import { scoreCandidates } from '../src/model/scoring.ts';
import { CharTokenizer } from '../src/model/tokenizer.ts';
import { selectBackend } from '../src/platform/backend.ts';
import { decodeCheckpoint } from '../src/train/checkpoint.ts';

const [path, preset = 'reference', count = '400'] = process.argv.slice(2);
if (!path) throw new Error('usage: npx tsx scripts/openerCost.ts <checkpoint> [preset] [documents]');
await selectBackend('wasm');
const ckpt = await decodeCheckpoint(await readFile(path));
const model = GPT.fromWeights(ckpt.config, ckpt.weights);
const tokenizer = new CharTokenizer(ckpt.vocab);
const recipe = presetRecipe(preset);
const corpus = generateCorpus(recipe.corpus, recipe.seeds.corpus);
const { validation } = corpus;
const window = ckpt.config.blockSize + 1;

const docs: { persona: string; text: string }[] = [];
for (let d = 0; d < Number(count) && d < validation.starts.length; d++) {
  const start = validation.starts[d]!;
  const end = d + 1 < validation.starts.length ? validation.starts[d + 1]! : validation.text.length;
  const text = validation.text.slice(start, Math.min(end, start + window));
  docs.push({ persona: corpus.personas[validation.personas[d]!]!.id, text });
}
const scores = await scoreCandidates(
  model,
  tokenizer,
  docs.map((d) => ({ prompt: d.text[0]!, candidates: [d.text.slice(1)] })),
);

const episodes = 3;
const sums = new Map<string, { cost: number[]; n: number[] }>();
docs.forEach((doc, i) => {
  const perChar = scores[i]![0]!.perChar; // perChar[j] = log p(text[j + 1])
  const entry = sums.get(doc.persona) ?? {
    cost: Array<number>(episodes).fill(0),
    n: Array<number>(episodes).fill(0),
  };
  sums.set(doc.persona, entry);
  let at = doc.text.indexOf('\nAI: ');
  for (let episode = 0; episode < episodes && at >= 0; episode++) {
    const first = at + 5;
    const space = doc.text.indexOf(' ', first);
    if (space < 0) break;
    let cost = 0;
    for (let k = first; k <= space; k++) cost -= perChar[k - 1]!;
    entry.cost[episode] = (entry.cost[episode] ?? 0) + cost;
    entry.n[episode] = (entry.n[episode] ?? 0) + 1;
    at = doc.text.indexOf('\nAI: ', space);
  }
});
console.log(`first-word cost of AI answers (nats) by episode, ${docs.length} validation documents`);
for (const [persona, { cost, n }] of sums) {
  if (n[0] === 0) continue;
  const cells = cost.map((c, e) => (n[e]! > 0 ? (c / n[e]!).toFixed(2) : '-'));
  console.log(`${persona.padEnd(14)} ${cells.join('  ')}   (documents: ${n.join(', ')})`);
}
model.dispose();
