// tf.memory().numTensors stays flat over 50 training steps on webgpu: a step that leaks one tensor
// would exhaust GPU memory in a long run long before anyone noticed.
import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { GPT } from '../../src/model/gpt.ts';
import { selectBackend } from '../../src/platform/backend.ts';
import { dueEvery, Trainer } from '../../src/train/trainer.ts';
import { DEFAULT_ADAMW } from '../../src/train/adamW.ts';
import { abcdConfig } from './engineFixtures.ts';

it('numTensors is the same after step 5 and after step 50 on webgpu', async () => {
  expect((await selectBackend('webgpu')).backend).toBe('webgpu');
  const model = GPT.create(abcdConfig, 1);
  const tokens = Int32Array.from({ length: 256 }, (_, i) => i % 4);
  const trainer = new Trainer(
    model,
    { tokens },
    { tokens },
    {
      steps: 50,
      batchSize: 8,
      schedule: { lr: 1e-2, minLr: 1e-3, warmupSteps: 5, decaySteps: 50 },
      gradClip: 1,
      adamW: DEFAULT_ADAMW,
      logInterval: 5,
      evalBatches: 2,
      seed: 1,
    },
  );
  const counts: number[] = [];
  const afterSetup = tf.memory().numTensors;
  // Loss estimates every 25 steps run inside the window too.
  const estimates = { isDue: dueEvery(25), run: async (step: number) => void (await trainer.evaluate(step)) };
  await trainer.run(() => counts.push(tf.memory().numTensors), [estimates]);
  console.log(`numTensors at steps 5..50: ${counts.join(' ')}`);
  expect(counts).toHaveLength(10);
  expect(new Set(counts).size).toBe(1);
  // Beyond the model and optimizer, at most a cached causal mask stays once the run is over (the fused
  // WebGPU attention needs none; the stock ops cache one).
  expect(tf.memory().numTensors - afterSetup).toBeGreaterThanOrEqual(0);
  expect(tf.memory().numTensors - afterSetup).toBeLessThanOrEqual(1);
  trainer.optimizer.dispose();
  model.dispose();
});
