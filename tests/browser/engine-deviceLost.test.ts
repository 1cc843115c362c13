// A lost WebGPU device ends a run with a 'device-lost' error event and a rejected promise, instead of a
// read-back that waits forever; later calls refuse with the same cause. The device is destroyed on
// purpose mid-run, with the lab driven directly (as the worker hosts it).
import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { presetRecipe } from '../../src/experiment/presets.ts';
import type { RunEvent } from '../../src/experiment/runEvents.ts';
import { EngineError } from '../../src/platform/engineError.ts';
import { LabHost } from '../../src/platform/labHost.ts';

function destroyWebGpuDevice(): void {
  const backend = tf.backend();
  const device: unknown = 'device' in backend ? backend.device : null;
  if (typeof device !== 'object' || device === null || !('destroy' in device)) throw new Error('no device');
  if (typeof device.destroy !== 'function') throw new Error('no device.destroy');
  device.destroy();
}

it('a destroyed device fails the run with a device-lost error event and rejection', async () => {
  const lab = new LabHost();
  expect((await lab.init('webgpu')).backend).toBe('webgpu');
  const recipe = presetRecipe('tiny');
  recipe.backend = 'webgpu';
  recipe.pretrain = { ...recipe.pretrain, steps: 100_000, logEvery: 1, checkpointEvery: 100_000 };
  const runId = `device-lost-${Date.now()}`;
  const events: RunEvent[] = [];
  const run = lab.startRun({ recipe, runId, start: { kind: 'scratch' } }, (event) => {
    events.push(event);
    if (event.type === 'progress' && event.step === 2) destroyWebGpuDevice();
  });
  const error = await run.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EngineError);
  expect((error as EngineError).kind).toBe('device-lost');
  expect(String(error)).toMatch(/the WebGPU device was lost \(destroyed\)/);
  expect(events.at(-1)).toMatchObject({
    type: 'error',
    runId,
    message: expect.stringMatching(/device was lost/),
  });
  // Later calls say so too, rather than computing on a dead device.
  await expect(lab.memory()).rejects.toThrow(/device was lost/);
  await expect(
    lab.startRun({ recipe, runId: `${runId}-again`, start: { kind: 'scratch' } }, () => {}),
  ).rejects.toThrow(/device was lost/);
  await lab.deleteRun(runId);
});
