// Parity of the WebGPU fused kernels (gpuOps, fused AdamW) with the stock-op reference on the cpu
// backend, in Chromium (WebGPU on SwiftShader): every op's values and gradients, the AdamW kernel's
// norms, moments and weights, and 50 training steps of a tiny model. Fails, never skips, when webgpu
// does not start.
//
// Tolerances. Ops: |gpu - ref| <= 1e-4 + 1e-3 * max|ref| per tensor: both sides are float32 but sum
// in different orders and use different exp/log/tanh; a wrong index or a missing mask term shows up
// as 1e-2 or more. AdamW: norms within 1e-4 relative, moments and weights within 1e-6 + 1e-3 * max|ref|. Training: every step's loss within 2e-3 of the reference's over 50 AdamW steps
// (observed 2.4e-7 on SwiftShader: float32 rounding differences compound slowly through AdamW; the losses fall by more than 1.5).
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { opsFor } from '../../src/model/fastOps.ts';
import { disposeCausalMasks, referenceOps } from '../../src/model/modelOps.ts';
import { selectBackend, type BackendName } from '../../src/platform/backend.ts';
import {
  maxAbs,
  maxAbsDiff,
  adamWState,
  rnd,
  tinyConfig,
  trainLosses,
  valueAndGrads,
  type OpCase,
} from '../node/parity-helpers.ts';

const OP_ATOL = 1e-4;
const OP_RTOL = 1e-3;
const LOSS_TOL = 2e-3;
const [B, T, C, H, V] = [2, 20, 32, 4, 13];

async function use(backend: BackendName): Promise<void> {
  disposeCausalMasks(); // cached masks belong to the previous backend
  const report = await selectBackend(backend);
  expect(report.backend).toBe(backend);
  // Small ops would otherwise run on the CPU inside the webgpu backend: test the shaders.
  if (backend === 'webgpu') tf.env().set('WEBGPU_CPU_FORWARD', false);
}

const cases: OpCase[] = [
  {
    name: 'layerNorm',
    inputs: () => [rnd([B, T, C], 1), rnd([C], 2), rnd([C], 3)],
    apply: (ops, x, g, b) => ops.layerNorm(x as tf.Tensor3D, g as tf.Tensor1D, b as tf.Tensor1D),
  },
  {
    name: 'linear',
    inputs: () => [rnd([B, T, C], 4), rnd([C, 3 * C], 5), rnd([3 * C], 6)],
    apply: (ops, x, w, b) => ops.linear(x as tf.Tensor3D, w as tf.Tensor2D, b as tf.Tensor1D),
  },
  {
    name: 'causalAttention',
    inputs: () => [rnd([B, T, 3 * C], 7)],
    apply: (ops, qkv) => ops.causalAttention(qkv as tf.Tensor3D, H),
  },
  {
    name: 'gelu',
    inputs: () => [tf.mul(rnd([B, T, C], 8), 3)],
    apply: (ops, x) => ops.gelu(x as tf.Tensor3D),
  },
  {
    name: 'maskedCrossEntropy',
    inputs: () => [tf.mul(rnd([B, T, V], 9), 3)],
    apply: (ops, logits) =>
      ops.maskedCrossEntropy(
        logits as tf.Tensor3D,
        tf.tensor2d(
          Int32Array.from({ length: B * T }, (_, i) => (i * 4) % V),
          [B, T],
          'int32',
        ),
        tf.tensor2d(
          Float32Array.from({ length: B * T }, (_, i) => (i % 4 === 0 ? 0 : 1)),
          [B, T],
        ),
      ),
  },
];

afterAll(() => tf.env().reset());

describe('WebGPU fused kernels match the stock-op reference on cpu', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s: values and gradients', async (_, opCase) => {
    await use('cpu');
    const ref = await valueAndGrads(referenceOps, opCase);
    await use('webgpu');
    const ops = opsFor('webgpu');
    expect(ops.name).toBe('fast-webgpu');
    // A WGSL error does not throw: the dispatch is dropped and its output holds a stale pooled buffer.
    const device = (tf.backend() as unknown as { device: GPUDevice }).device;
    device.pushErrorScope('validation');
    const got = await valueAndGrads(ops, opCase);
    expect((await device.popErrorScope())?.message).toBeUndefined();
    const diff = maxAbsDiff(got.value, ref.value);
    console.log(`${opCase.name}: value max abs diff ${diff.toExponential(2)}`);
    expect(diff).toBeLessThanOrEqual(OP_ATOL + OP_RTOL * maxAbs(ref.value));
    ref.grads.forEach((g, i) => {
      const gradDiff = maxAbsDiff(got.grads[i]!, g);
      console.log(`${opCase.name}: gradient ${i} max abs diff ${gradDiff.toExponential(2)}`);
      expect(gradDiff, `gradient ${i}`).toBeLessThanOrEqual(OP_ATOL + OP_RTOL * maxAbs(g));
      expect(maxAbs(g), `gradient ${i} is a real signal`).toBeGreaterThan(1e-3);
    });
  });
});

describe('the fused WebGPU AdamW matches the stock-op AdamW on cpu', () => {
  it('gradient norms, moments (getState) and weights after 3 clipped updates', async () => {
    await use('cpu');
    const ref = await adamWState(tinyConfig, false);
    await use('webgpu');
    const got = await adamWState(tinyConfig, true);
    expect(got.state.step).toBe(3);
    got.norms.forEach((n, i) =>
      expect(Math.abs(n - ref.norms[i]!)).toBeLessThanOrEqual(1e-4 * ref.norms[i]!),
    );
    for (const [name, values] of ref.weights) {
      for (const [label, a, b] of [
        ['weights', got.weights.get(name)!, values],
        ['m', got.state.m.get(name)!, ref.state.m.get(name)!],
        ['v', got.state.v.get(name)!, ref.state.v.get(name)!],
      ] as const) {
        expect(maxAbsDiff(a, b), `${label} of ${name}`).toBeLessThanOrEqual(
          OP_ATOL * 1e-2 + OP_RTOL * maxAbs(b),
        );
      }
    }
  });
});

describe('training on WebGPU with the fused kernels matches the reference on cpu', () => {
  it(`the tiny preset: 50 steps of losses within ${LOSS_TOL}`, async () => {
    await use('cpu');
    const ref = await trainLosses(tinyConfig, referenceOps, 50, { fusedKernel: false });
    await use('webgpu');
    const device = (tf.backend() as unknown as { device: GPUDevice }).device;
    device.pushErrorScope('validation');
    const fast = await trainLosses(tinyConfig, opsFor('webgpu'), 50, { fusedKernel: true });
    expect((await device.popErrorScope())?.message).toBeUndefined();
    expect(ref[49]!).toBeLessThan(ref[0]! - 0.5); // it learns, so the comparison means something
    const worst = maxAbsDiff(fast, ref);
    console.log(`50 steps: worst |loss diff| ${worst.toExponential(2)}; losses ${ref[0]} -> ${ref[49]}`);
    expect(worst).toBeLessThanOrEqual(LOSS_TOL);
  });
});
