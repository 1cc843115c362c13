// A lost WebGPU device ends a training run with a typed 'device-lost' error and a rejected promise,
// instead of a read-back that waits forever. The device is destroyed on purpose mid-run.
import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { EngineHost } from '../../src/platform/engineHost.ts';
import type { EngineEvent } from '../../workers/contract.ts';
import { abcdConfig, abcdVocab } from './engineFixtures.ts';

function destroyWebGpuDevice(): void {
  const backend = tf.backend();
  const device: unknown = 'device' in backend ? backend.device : null;
  if (typeof device !== 'object' || device === null || !('destroy' in device)) throw new Error('no device');
  if (typeof device.destroy !== 'function') throw new Error('no device.destroy');
  device.destroy();
}

it('a destroyed device fails the run with a device-lost error event and rejection', async () => {
  const engine = new EngineHost();
  expect((await engine.init('webgpu')).backend).toBe('webgpu');
  await engine.createModel(abcdConfig, abcdVocab, 1);
  const events: EngineEvent[] = [];
  const run = engine.train(
    {
      data: { kind: 'text', text: 'abcd'.repeat(64) },
      steps: 100_000,
      batchSize: 4,
      schedule: { lr: 1e-2, minLr: 1e-3, warmupSteps: 1, decaySteps: 100 },
      seed: 1,
      logInterval: 1,
    },
    (event) => {
      events.push(event);
      if (event.type === 'progress' && event.step === 2) destroyWebGpuDevice();
    },
  );
  await expect(run).rejects.toThrow(/the WebGPU device was lost \(destroyed\)/);
  expect(events.at(-1)).toMatchObject({ type: 'error', kind: 'device-lost' });
  // Later calls say so too, rather than computing on a dead device.
  await expect(engine.memory()).rejects.toThrow(/device was lost/);
});
