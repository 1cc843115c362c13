// `npm run bench -- step`: the reference config's fast training step alone on Node wasm (the backend as
// `selectBackend` starts it: PERSONA_LAB_WASM_THREADS=N for threads), a few warm-up steps and then a loop;
// prints the median and fastest step and the process's CPU time a step. Quick enough to alternate two
// commits process by process (one git worktree each) on a machine whose speed drifts between runs.
//   --steps N     measured steps (default 10, after 3 warm-up)
//   --context N   the model's context (default the bench's 224; the reference experiment trains at 256)
import * as tf from '@tensorflow/tfjs';
import { opsFor } from '../src/model/fastOps.ts';
import { GPT } from '../src/model/gpt.ts';
import { selectBackend } from '../src/platform/backend.ts';
import { AdamW } from '../src/train/adamW.ts';
import { trainStep } from '../src/train/trainStep.ts';
import { BENCH_CONFIGS, median, syntheticBatch, wholeOption } from './benchCore.ts';
import { machineLine } from './machine.ts';

const WARM_UP = 3;

export async function runStepLoop(args: readonly string[]): Promise<void> {
  const option = (name: string, fallback: number) => wholeOption(args, name, fallback);
  const steps = option('--steps', 10);
  const { model: bench, batchSize } = BENCH_CONFIGS.reference;
  const config = { ...bench, blockSize: option('--context', bench.blockSize) };
  await selectBackend('wasm');
  const model = GPT.create(config, 1, opsFor('wasm'));
  const optimizer = new AdamW(model.params, model.specs);
  const batch = syntheticBatch(batchSize, config.blockSize, config.vocabSize);
  const walls: number[] = [];
  let cpuMs = 0;
  for (let step = 0; step < WARM_UP + steps; step++) {
    const start = performance.now();
    const cpu = process.cpuUsage();
    const { loss, gradNorm } = trainStep(model, optimizer, batch, 1e-3, 1, step);
    await loss.data();
    tf.dispose([loss, gradNorm]);
    if (step < WARM_UP) continue;
    walls.push(performance.now() - start);
    const used = process.cpuUsage(cpu);
    cpuMs += (used.user + used.system) / 1000;
  }
  optimizer.dispose();
  model.dispose();
  console.log(machineLine());
  console.log(
    `reference step (context ${config.blockSize}, batch ${batchSize}), ${steps} steps after ${WARM_UP}: ` +
      `median ${median(walls).toFixed(0)} ms, fastest ${Math.min(...walls).toFixed(0)} ms, ` +
      `CPU ${(cpuMs / steps).toFixed(0)} ms a step`,
  );
}
