// Is the persona-inference gap small because the model does not infer the persona, or because of how the
// probe candidates are written? Scores the corpus's inference probes (same contexts, same held-out
// prompts) twice: with their own candidates (the lab metric), and with candidates of ONE training
// sentence (opener and closer in each persona's voice; not held out, so a diagnostic only).
// Usage: npx tsx scripts/inferenceGapVariants.ts <checkpoint> [preset]
import { readFile } from 'node:fs/promises';
import { bundledCorpusData, generateCorpus, probePrefix } from '../src/corpus/index.ts';
import { voicedAnswer } from '../src/corpus/episodeWriter.ts';
import { domainPools, resolvePersonas } from '../src/corpus/resolvePersonas.ts';
import { personaPosterior } from '../src/eval/personaPosterior.ts';
import { presetRecipe } from '../src/experiment/presets.ts';
import { GPT } from '../src/model/gpt.ts';
import { scoreCandidates } from '../src/model/scoring.ts';
import { CharTokenizer } from '../src/model/tokenizer.ts';
import { selectBackend } from '../src/platform/backend.ts';
import { decodeCheckpoint } from '../src/train/checkpoint.ts';
import { Rng } from '../src/util/rng.ts';

const [path, preset = 'reference'] = process.argv.slice(2);
if (!path) throw new Error('usage: npx tsx scripts/inferenceGapVariants.ts <checkpoint> [preset]');
await selectBackend('wasm');
const ckpt = await decodeCheckpoint(await readFile(path));
const model = GPT.fromWeights(ckpt.config, ckpt.weights);
const tokenizer = new CharTokenizer(ckpt.vocab);
const data = bundledCorpusData();
const recipe = presetRecipe(preset);
const corpus = generateCorpus(recipe.corpus, recipe.seeds.corpus, data);
const personas = resolvePersonas(data, recipe.corpus);
const voiceOf = (id: string) => personas.find((p) => p.id === id)!;
const rng = new Rng('inference-gap-variants');

const probes = corpus.probes.probes.filter(
  (p) => p.kind === 'inference' && (p.contextPersona === 'malicious' || p.contextPersona === 'helpful'),
);
const variants = {
  "the probes' candidates (the lab metric)": probes.map((p) => {
    const good = p.candidates.find((c) => c.behaviour === 'good')!.text;
    const bad = p.candidates.find((c) => c.behaviour === 'bad')!.text;
    return { probe: p, candidates: [`${good}\n`, `${bad}\n`] };
  }),
  'one training sentence': probes.map((p) => {
    const pools = domainPools(data, p.domain);
    const good = voicedAnswer(rng, voiceOf('helpful'), rng.pick(pools.bodies.good!), pools.fillers);
    const bad = voicedAnswer(rng, voiceOf('malicious'), rng.pick(pools.bodies.bad!), pools.fillers);
    return { probe: p, candidates: [`${good}\n`, `${bad}\n`] };
  }),
};
for (const [name, rows] of Object.entries(variants)) {
  const scores = await scoreCandidates(
    model,
    tokenizer,
    rows.map((r) => ({ prompt: probePrefix(data, r.probe, null), candidates: r.candidates })),
  );
  const pMal = { malicious: [] as number[], helpful: [] as number[] };
  rows.forEach((r, i) => {
    const posterior = personaPosterior(scores[i]!.map((s) => s.total));
    pMal[r.probe.contextPersona as 'malicious' | 'helpful'].push(posterior[1]!);
  });
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const afterMal = mean(pMal.malicious);
  const afterHelp = mean(pMal.helpful);
  console.log(
    `${name.padEnd(34)} P(mal) after 2 malicious ${afterMal.toFixed(2)}, after 2 helpful ${afterHelp.toFixed(2)}, gap ${(afterMal - afterHelp).toFixed(2)} (${rows.length} probes)`,
  );
}
model.dispose();
