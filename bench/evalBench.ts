// `npm run bench -- eval`: one full evaluation of the reference probes on the shipped base
// (public/models/classroom-base.ckpt), exact scorer against fast scorer, alternating A/B in one run on
// Node wasm, and the live subset a new run scores during a stage (the default eval.liveProbes). Prints the times, the speed-up and
// the largest difference between the two scorers.
//   --rounds N   A/B pairs (default 3)
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { corpusInputs } from '../src/experiment/corpusInputs.ts';
import { DEFAULT_RECIPE } from '../src/experiment/recipe.ts';
import { validateRecipe } from '../src/experiment/validateRecipe.ts';
import { liveSubset } from '../src/eval/liveSubset.ts';
import { GPT } from '../src/model/gpt.ts';
import { scoreCandidates, scoreCandidatesExact, type ScoreRequest } from '../src/model/scoring.ts';
import { selectBackend } from '../src/platform/backend.ts';
import { decodeCheckpoint } from '../src/train/checkpoint.ts';
import { machineLine } from './machine.ts';

const CHECKPOINT = 'public/models/classroom-base.ckpt';

export async function runEvalBench(args: readonly string[]): Promise<void> {
  const i = args.indexOf('--rounds');
  const rounds = i >= 0 ? Number(args[i + 1]) : 3;
  await selectBackend('wasm');
  const ckpt = await decodeCheckpoint(readFileSync(CHECKPOINT));
  const recipe = validateRecipe(ckpt.recipe);
  const inputs = corpusInputs(recipe);
  const model = GPT.fromWeights(ckpt.config, ckpt.weights);
  const toRequests = (probes: typeof inputs.probes): ScoreRequest[] =>
    probes.map((p) => ({ prompt: p.prompt, candidates: p.candidates.map((c) => c.text) }));
  const all = toRequests(inputs.probes);
  const live = toRequests(liveSubset(inputs.probes, DEFAULT_RECIPE.eval.liveProbes, recipe.seeds.corpus));
  const candidates = all.reduce((n, r) => n + r.candidates.length, 0);
  console.log(
    `${CHECKPOINT}: ${recipe.model.nLayer}x${recipe.model.nEmbd}, context ${recipe.model.blockSize}; ` +
      `${all.length} probes, ${candidates} candidates; live subset ${live.length} probes; ${tf.getBackend()}`,
  );
  // Wall and CPU time: on a shared machine the process's own CPU time (single-threaded wasm) says more
  // than the wall clock, which stretches with everyone else's load.
  const timed = async (f: () => Promise<unknown>) => {
    const start = performance.now();
    const cpu = process.cpuUsage();
    const out = await f();
    const used = process.cpuUsage(cpu);
    return { ms: performance.now() - start, cpuMs: (used.user + used.system) / 1000, out };
  };
  // Warm-up: first calls compile and size the wasm heap.
  await scoreCandidates(model, inputs.tokenizer, all.slice(0, 8));
  await scoreCandidatesExact(model, inputs.tokenizer, all.slice(0, 8));
  const exactMs: number[] = [];
  const fastMs: number[] = [];
  const liveMs: number[] = [];
  const cpuMs = { exact: [] as number[], fast: [] as number[], live: [] as number[] };
  let maxDiff = 0;
  for (let round = 0; round < rounds; round++) {
    const exact = await timed(() => scoreCandidatesExact(model, inputs.tokenizer, all));
    const fast = await timed(() => scoreCandidates(model, inputs.tokenizer, all));
    const subset = await timed(() => scoreCandidates(model, inputs.tokenizer, live));
    exactMs.push(exact.ms);
    fastMs.push(fast.ms);
    liveMs.push(subset.ms);
    cpuMs.exact.push(exact.cpuMs);
    cpuMs.fast.push(fast.cpuMs);
    cpuMs.live.push(subset.cpuMs);
    const a = exact.out as Awaited<ReturnType<typeof scoreCandidatesExact>>;
    const b = fast.out as typeof a;
    a.forEach((cs, r) =>
      cs.forEach((c, k) =>
        c.perChar.forEach((v, t) => (maxDiff = Math.max(maxDiff, Math.abs(v - b[r]![k]!.perChar[t]!)))),
      ),
    );
    console.log(
      `round ${round + 1}: wall (CPU) exact ${exact.ms.toFixed(0)} (${exact.cpuMs.toFixed(0)}) ms, ` +
        `fast ${fast.ms.toFixed(0)} (${fast.cpuMs.toFixed(0)}) ms, ${(exact.ms / fast.ms).toFixed(1)}x ` +
        `(${(exact.cpuMs / fast.cpuMs).toFixed(1)}x), live subset ${subset.ms.toFixed(0)} (${subset.cpuMs.toFixed(0)}) ms`,
    );
  }
  model.dispose();
  const median = (v: number[]) => [...v].sort((x, y) => x - y)[Math.floor((v.length - 1) / 2)]!;
  console.log(
    `\n${machineLine()}\nfull evaluation, median of ${rounds}: exact ${median(exactMs).toFixed(0)} ms, ` +
      `fast ${median(fastMs).toFixed(0)} ms (${(median(exactMs) / median(fastMs)).toFixed(1)}x); ` +
      `live subset (${live.length} probes) ${median(liveMs).toFixed(0)} ms; ` +
      `largest per-character difference ${maxDiff.toExponential(1)} nats\n` +
      `CPU time, median: exact ${median(cpuMs.exact).toFixed(0)} ms, fast ${median(cpuMs.fast).toFixed(0)} ms ` +
      `(${(median(cpuMs.exact) / median(cpuMs.fast)).toFixed(1)}x), live subset ${median(cpuMs.live).toFixed(0)} ms`,
  );
}
