// Forward logits and gradients on webgpu (SwiftShader here), with the ops the engine picks there, match
// the stock-op reference on the cpu backend for the same weights and batch. Fails, never skips, when
// webgpu does not start.
//
// Tolerance: |webgpu - cpu| <= 1e-4 + 1e-3 * |cpu| per entry. Both backends compute in float32 but
// sum in different orders (tiled matmul and tree reductions on the GPU, loops on the CPU) and use
// different exp/tanh/log approximations; float32 rounding over sums of ~64 terms of O(1) values gives
// errors near 1e-6..1e-5, so 1e-4 absolute leaves a margin while any real kernel error (a wrong
// index, a missing mask, a dropped term) shows up as 1e-2 or more.
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GPTConfig } from '../../src/model/config.ts';
import { GPT } from '../../src/model/gpt.ts';
import { disposeCausalMasks, referenceOps } from '../../src/model/modelOps.ts';
import { selectBackend, type BackendName, type BackendReport } from '../../src/platform/backend.ts';
import { Rng } from '../../src/util/rng.ts';
import { closeness, spreadWeights } from './engineFixtures.ts';

const ATOL = 1e-4;
const RTOL = 1e-3;
const config: GPTConfig = { vocabSize: 13, nLayer: 2, nHead: 4, nEmbd: 32, blockSize: 16, dropout: 0 };
const batch = 4;
const time = 16;

function batchData() {
  const rng = new Rng('parity-batch');
  const x = new Int32Array(batch * time);
  const y = new Int32Array(batch * time);
  const mask = new Float32Array(batch * time);
  for (let i = 0; i < x.length; i++) {
    x[i] = rng.int(config.vocabSize);
    y[i] = rng.int(config.vocabSize);
    mask[i] = i % 7 === 3 ? 0 : 1; // some masked positions, as in fine-tuning
  }
  return { x, y, mask };
}

interface Outputs {
  report: BackendReport;
  logits: Float32Array;
  loss: number;
  grads: Map<string, Float32Array>;
}

async function runOn(backend: BackendName): Promise<Outputs> {
  disposeCausalMasks(); // the cached masks belong to the previous backend
  const report = await selectBackend(backend);
  // Small ops would otherwise run on the CPU inside the webgpu backend: test the shaders.
  if (backend === 'webgpu') tf.env().set('WEBGPU_CPU_FORWARD', false);
  const model = GPT.fromWeights(
    config,
    spreadWeights(config, 5),
    backend === 'cpu' ? referenceOps : undefined,
  );
  const data = batchData();
  const x = tf.tensor2d(data.x, [batch, time], 'int32');
  const y = tf.tensor2d(data.y, [batch, time], 'int32');
  const mask = tf.tensor2d(data.mask, [batch, time], 'float32');
  const logitsTensor = model.forward(x);
  const logits = new Float32Array(await logitsTensor.data());
  const variables = model.specs.map((s) => model.params.get(s.name)!);
  const { value, grads } = tf.variableGrads(() => model.loss(x, y, mask), variables);
  const loss = (await value.data())[0]!;
  const named = new Map<string, Float32Array>();
  for (const spec of model.specs) {
    named.set(spec.name, new Float32Array(await grads[model.params.get(spec.name)!.name]!.data()));
  }
  tf.dispose([x, y, mask, logitsTensor, value, ...Object.values(grads)]);
  model.dispose();
  disposeCausalMasks();
  return { report, logits, loss, grads: named };
}

describe('webgpu matches cpu', () => {
  let gpu: Outputs;
  let cpu: Outputs;
  beforeAll(async () => {
    gpu = await runOn('webgpu');
    cpu = await runOn('cpu');
  });
  afterAll(() => tf.env().reset());

  it('runs on webgpu, on a reported adapter (SwiftShader: a fallback adapter)', () => {
    expect(gpu.report.backend).toBe('webgpu');
    expect(gpu.report.failures).toEqual([]);
    expect(gpu.report.adapter).not.toBeNull();
    expect(gpu.report.adapter!.vendor).not.toBe('');
    // This project's test machines have no GPU: Chromium's WebGPU runs on SwiftShader.
    expect(gpu.report.adapter!.isFallbackAdapter).toBe(true);
    expect(cpu.report.backend).toBe('cpu');
  });

  it(`logits agree within ${ATOL} abs + ${RTOL} rel`, () => {
    const c = closeness(gpu.logits, cpu.logits, ATOL, RTOL);
    console.log(`logits: max abs diff ${c.maxAbs.toExponential(2)}, max rel ${c.maxRel.toExponential(2)}`);
    expect(c.violations).toBe(0);
    expect(Math.abs(gpu.loss - cpu.loss)).toBeLessThanOrEqual(ATOL + RTOL * Math.abs(cpu.loss));
  });

  it(`every parameter's gradient agrees within ${ATOL} abs + ${RTOL} rel`, () => {
    let worst = { name: '', maxAbs: 0, maxRel: 0 };
    for (const [name, expected] of cpu.grads) {
      const c = closeness(gpu.grads.get(name)!, expected, ATOL, RTOL);
      expect(c.violations, `gradient of ${name}: max abs diff ${c.maxAbs}`).toBe(0);
      if (c.maxAbs > worst.maxAbs) worst = { name, maxAbs: c.maxAbs, maxRel: c.maxRel };
      // Gradients must be real signals, not zeros that trivially agree (wte: the gather gradient).
      expect(
        expected.some((g) => Math.abs(g) > 1e-4),
        `gradient of ${name} is all ~0`,
      ).toBe(true);
    }
    console.log(
      `gradients: worst ${worst.name} max abs diff ${worst.maxAbs.toExponential(2)}, max rel ${worst.maxRel.toExponential(2)}`,
    );
  });
});
