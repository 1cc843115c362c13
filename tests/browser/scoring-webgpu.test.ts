// The fast scorer on WebGPU (Chromium, SwiftShader): packed rows with prefix attention in stock ops and
// the fused kernels elsewhere give the exact scorer's log-probabilities within 1e-4 nats per character
// and per candidate, and the same as on the cpu backend within float32 rounding. Fails, never skips,
// when webgpu does not start.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { GPT } from '../../src/model/gpt.ts';
import { disposeCausalMasks } from '../../src/model/modelOps.ts';
import { scoreCandidates, scoreCandidatesExact } from '../../src/model/scoring.ts';
import { selectBackend, type BackendName } from '../../src/platform/backend.ts';
import {
  largestDifference,
  SCORING_TOLERANCE,
  scoringConfig,
  scoringRequests,
  scoringTokenizer,
} from '../node/scoringFixtures.ts';

async function use(backend: BackendName): Promise<void> {
  disposeCausalMasks(); // cached masks belong to the previous backend
  const report = await selectBackend(backend);
  expect(report.backend).toBe(backend);
  if (backend === 'webgpu') tf.env().set('WEBGPU_CPU_FORWARD', false); // run the shaders, even for small ops
}

describe('fast scoring on webgpu', () => {
  it(
    'equals the exact scorer within 1e-4 nats, and the cpu backend within float32 rounding',
    { timeout: 300_000 },
    async () => {
      await use('cpu');
      const onCpu = GPT.create(scoringConfig, 21);
      const weights = await onCpu.getWeights();
      const cpu = await scoreCandidatesExact(onCpu, scoringTokenizer, scoringRequests);
      onCpu.dispose();

      await use('webgpu');
      const model = GPT.fromWeights(scoringConfig, weights);
      const exact = await scoreCandidatesExact(model, scoringTokenizer, scoringRequests);
      const fast = await scoreCandidates(model, scoringTokenizer, scoringRequests, 3);
      model.dispose();
      expect(largestDifference(fast, exact)).toBeLessThanOrEqual(SCORING_TOLERANCE);
      expect(largestDifference(fast, cpu)).toBeLessThanOrEqual(1e-3);
    },
  );
});
