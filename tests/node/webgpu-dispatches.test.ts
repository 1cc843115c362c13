// How much a WebGPU training step asks of the GPU, counted, not timed: a step of the 2-layer model (the
// reference architecture; the count depends on the layers, not the widths) runs at most 80 compute
// programs and goes to the GPU as one queue submission, the loss's read-back aside. Dawn on SwiftShader
// in Node (src/platform/nodeWebGpu.ts); skipped, saying why, where Debian's Chromium is absent.
import * as tf from '@tensorflow/tfjs';
import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { countGpuPrograms, createBenchTrainer } from '../../bench/benchCore.ts';
import { selectBackend } from '../../src/platform/backend.ts';
import { releaseNodeWebGpu, SWIFTSHADER_ICD } from '../../src/platform/nodeWebGpu.ts';

const hasSwiftShader = existsSync(SWIFTSHADER_ICD);
if (!hasSwiftShader) console.warn(`skipping the WebGPU dispatch count: no ${SWIFTSHADER_ICD}`);

describe.skipIf(!hasSwiftShader)('one WebGPU training step', () => {
  afterAll(() => releaseNodeWebGpu());

  it('runs at most 80 GPU programs in one submission', async () => {
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
    expect((await selectBackend('webgpu')).backend).toBe('webgpu');
    const trainer = createBenchTrainer('tiny', 'fast');
    try {
      await trainer.step(0); // compiles the pipelines
      const counter = countGpuPrograms();
      const counts: ReturnType<typeof counter.stop>[] = [];
      await trainer.step(1, () => counts.push(counter.stop()));
      const count = counts[0]!;
      expect(count).not.toBeNull();
      console.log(`programs ${count.programs}, submissions ${count.submissions}`, count.byName);
      expect(count.programs).toBeLessThanOrEqual(80);
      expect(count.submissions).toBe(1);
      // The stock ops need several times as many, so the count is not trivially small.
      expect(count.programs).toBeGreaterThan(40);
      expect(Number.isFinite(trainer.losses[1])).toBe(true);
    } finally {
      trainer.dispose();
      tf.env().reset();
    }
  });
});
