// `npx tsx bench/profileStep.ts [wasm|cpu] [reference|tiny]`: where one fast-op training step's time
// goes. Trains a few warm-up steps, then profiles one step with tf.profile and prints the kernels'
// summed time by name (kernel-time ms, calls), largest first, with the step's wall time.
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/platform/backend.ts';
import { opsFor } from '../src/model/fastOps.ts';
import { GPT } from '../src/model/gpt.ts';
import { AdamW } from '../src/train/adamW.ts';
import { trainStep } from '../src/train/trainStep.ts';
import { BENCH_CONFIGS, syntheticBatch } from './benchCore.ts';

const backend = (process.argv[2] ?? 'wasm') as 'wasm' | 'cpu';
const configName = (process.argv[3] ?? 'reference') as 'reference' | 'tiny';
await selectBackend(backend);
const { model: config, batchSize } = BENCH_CONFIGS[configName];
const model = GPT.create(config, 1, opsFor(backend));
const optimizer = new AdamW(model.params, model.specs);
const batch = syntheticBatch(batchSize, config.blockSize, config.vocabSize);

async function step(i: number): Promise<number> {
  const start = performance.now();
  const { loss, gradNorm } = trainStep(model, optimizer, batch, 1e-3, 1, i);
  await loss.data();
  tf.dispose([loss, gradNorm]);
  return performance.now() - start;
}

const walls: number[] = [];
const warmSteps = Number(process.env.PROFILE_STEPS ?? 4);
for (let i = 0; i < warmSteps; i++) walls.push(await step(i));
const profile = await tf.profile(async () => void (await step(warmSteps)));
const byName = new Map<string, { ms: number; calls: number }>();
for (const k of profile.kernels) {
  const entry = byName.get(k.name) ?? { ms: 0, calls: 0 };
  entry.ms += Number(k.kernelTimeMs) || 0;
  entry.calls += 1;
  byName.set(k.name, entry);
}
const rows = [...byName.entries()].sort((a, b) => b[1].ms - a[1].ms);
const total = rows.reduce((s, [, e]) => s + e.ms, 0);
console.log(`${backend} ${configName}: wall ms/step ${walls.map((w) => w.toFixed(0)).join(', ')}`);
console.log(`kernels ${profile.kernels.length}, summed kernel time ${total.toFixed(0)} ms`);
for (const [name, e] of rows)
  console.log(`${name.padEnd(36)} ${e.ms.toFixed(1).padStart(8)} ms ${String(e.calls).padStart(4)}x`);
optimizer.dispose();
model.dispose();
if (process.env.PROFILE_DETAIL) {
  for (const k of profile.kernels) {
    if (!['BatchMatMul', 'Transpose', 'SplitV', 'GatherV2', 'Reshape', 'Identity'].includes(k.name)) continue;
    const ms = Number(k.kernelTimeMs) || 0;
    if (ms < 0.5) continue;
    console.log(k.name, JSON.stringify(k.inputShapes), ms.toFixed(1));
  }
}
