// The command line's GPU path: tfjs-backend-webgpu in Node through Dawn (src/platform/nodeWebGpu.ts),
// running the project's WGSL kernels (gpuOps, the fused AdamW), on Chromium's SwiftShader. The forward
// logits, every parameter's gradient and three clipped AdamW updates match the stock ops on cpu for the
// same weights and batch. Where Debian's Chromium (and with it SwiftShader's Vulkan driver) is absent
// the suite is skipped, saying why; where it is present a missing adapter fails, naming the fix.
//
// Tolerances as in tests/browser/engine-parity.test.ts (float32 sums in different orders): 1e-4 abs +
// 1e-3 rel per entry for logits and gradients; AdamW weights after 3 steps 1e-5 abs + 1e-3 rel.
import * as tf from '@tensorflow/tfjs';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GPTConfig } from '../../src/model/config.ts';
import { GPT } from '../../src/model/gpt.ts';
import { disposeCausalMasks, referenceOps } from '../../src/model/modelOps.ts';
import { selectBackend, type BackendName, type BackendReport } from '../../src/platform/backend.ts';
import { releaseNodeWebGpu, SWIFTSHADER_ICD } from '../../src/platform/nodeWebGpu.ts';
import { AdamW } from '../../src/train/adamW.ts';
import { gpuOps } from '../../src/model/fast/gpuOps.ts';
import { Rng } from '../../src/util/rng.ts';
import { closeness, spreadWeights } from '../browser/engineFixtures.ts';

const ATOL = 1e-4;
const RTOL = 1e-3;
const config: GPTConfig = { vocabSize: 13, nLayer: 2, nHead: 4, nEmbd: 32, blockSize: 16, dropout: 0 };
const batch = 4;
// Shorter than the context, so that the position table's rows past the sequence get a 0 gradient.
const time = 12;
const STEPS = 3;

function batchData() {
  const rng = new Rng('node-webgpu-batch');
  const x = new Int32Array(batch * time);
  const y = new Int32Array(batch * time);
  const mask = new Float32Array(batch * time);
  for (let i = 0; i < x.length; i++) {
    x[i] = rng.int(config.vocabSize);
    y[i] = rng.int(config.vocabSize);
    mask[i] = i % 7 === 3 ? 0 : 1; // some masked positions, as in fine-tuning
  }
  return { batchSize: batch, time, x, y, mask };
}

interface Outputs {
  report: BackendReport;
  logits: Float32Array;
  loss: number;
  grads: Map<string, Float32Array>;
  /** The gradient norm each AdamW step reports, and every weight after the steps. */
  stepNorms: number[];
  weights: Map<string, Float32Array>;
}

async function runOn(backend: BackendName): Promise<Outputs> {
  disposeCausalMasks(); // the cached masks belong to the previous backend
  const report = await selectBackend(backend);
  // Small ops would otherwise run on the CPU inside the webgpu backend: test the shaders.
  if (backend === 'webgpu') tf.env().set('WEBGPU_CPU_FORWARD', false);
  const ops = backend === 'cpu' ? referenceOps : undefined;
  const model = GPT.fromWeights(config, spreadWeights(config, 5), ops);
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
  // Three clipped AdamW updates with the same fixed gradients on both backends (gradients from each
  // backend's own step would differ in their last bits, which Adam's m / sqrt(v) magnifies on near-zero
  // entries): the fused AdamW kernel on webgpu, the stock-op flat update on cpu. A clip of 0.5 bites.
  const optimizer = new AdamW(model.params, model.specs, undefined, { fusedKernel: backend !== 'cpu' });
  const fixed = spreadWeights(config, 9);
  const stepNorms: number[] = [];
  for (let i = 0; i < STEPS; i++) {
    const gradients: tf.NamedTensorMap = {};
    for (const spec of model.specs) gradients[spec.name] = tf.tensor(fixed.get(spec.name)!, spec.shape);
    const norm = optimizer.applyClipped(gradients, 1e-2, 0.5);
    stepNorms.push((await norm.data())[0]!);
    tf.dispose([norm, ...Object.values(gradients)]);
  }
  const weights = await model.getWeights();
  optimizer.dispose();
  model.dispose();
  disposeCausalMasks();
  return { report, logits, loss, grads: named, stepNorms, weights };
}

const hasSwiftShader = existsSync(SWIFTSHADER_ICD);
if (!hasSwiftShader)
  console.warn(`skipping the Node WebGPU parity test: no ${SWIFTSHADER_ICD} (apt-get install chromium)`);

describe.skipIf(!hasSwiftShader)('webgpu in Node (Dawn on SwiftShader) matches cpu', () => {
  let gpu: Outputs;
  let cpu: Outputs;
  beforeAll(async () => {
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
    gpu = await runOn('webgpu');
    cpu = await runOn('cpu');
  });
  afterAll(() => {
    tf.env().reset();
    releaseNodeWebGpu();
  });

  it('runs on webgpu, on SwiftShader (a fallback adapter)', () => {
    expect(gpu.report.backend).toBe('webgpu');
    expect(gpu.report.failures).toEqual([]);
    expect(gpu.report.adapter?.architecture).toBe('swiftshader');
    expect(gpu.report.adapter?.isFallbackAdapter).toBe(true);
    expect(cpu.report.backend).toBe('cpu');
  });

  it(`logits and loss agree within ${ATOL} abs + ${RTOL} rel`, () => {
    const c = closeness(gpu.logits, cpu.logits, ATOL, RTOL);
    expect(c.violations, `logits: max abs diff ${c.maxAbs}`).toBe(0);
    expect(Math.abs(gpu.loss - cpu.loss)).toBeLessThanOrEqual(ATOL + RTOL * Math.abs(cpu.loss));
  });

  it(`every parameter's gradient agrees within ${ATOL} abs + ${RTOL} rel`, () => {
    for (const [name, expected] of cpu.grads) {
      const c = closeness(gpu.grads.get(name)!, expected, ATOL, RTOL);
      expect(c.violations, `gradient of ${name}: max abs diff ${c.maxAbs}`).toBe(0);
      expect(
        expected.some((g) => Math.abs(g) > 1e-4),
        `gradient of ${name} is all ~0`,
      ).toBe(true);
    }
  });

  it(`${STEPS} clipped AdamW steps (the fused WebGPU kernel) give the same norms and weights`, () => {
    for (let i = 0; i < STEPS; i++)
      expect(Math.abs(gpu.stepNorms[i]! - cpu.stepNorms[i]!)).toBeLessThanOrEqual(1e-4 * cpu.stepNorms[i]!);
    // The steps moved the weights: equal weights would also pass if no update ran.
    const before = spreadWeights(config, 5);
    let moved = 0;
    for (const [name, expected] of cpu.weights) {
      const c = closeness(gpu.weights.get(name)!, expected, 1e-5, RTOL);
      expect(c.violations, `${name} after ${STEPS} steps: max abs diff ${c.maxAbs}`).toBe(0);
      moved = Math.max(moved, closeness(expected, before.get(name)!, 0, 0).maxAbs);
    }
    expect(moved).toBeGreaterThan(1e-3);
  });
});

/** One op's value and the gradients of sum(out * probe) against its float inputs, on the active backend. */
async function opOutputs(
  f: (...xs: tf.Tensor[]) => tf.Tensor,
  inputs: { values: Float32Array | Int32Array; shape: number[] }[],
  trainable: number,
): Promise<Float32Array[]> {
  const tensors = inputs.map((i) =>
    tf.tensor(i.values, i.shape, i.values instanceof Int32Array ? 'int32' : 'float32'),
  );
  const probeRng = new Rng('probe');
  const out = f(...tensors);
  const probe = tf.tensor(
    Float32Array.from({ length: out.size }, () => probeRng.next() * 2 - 1),
    out.shape,
  );
  const grads = tf.grads((...xs: tf.Tensor[]) =>
    tf.sum(tf.mul(f(...xs, ...tensors.slice(trainable)), probe)),
  )(tensors.slice(0, trainable));
  const results = [new Float32Array(await out.data())];
  for (const g of grads) results.push(new Float32Array(await g.data()));
  tf.dispose([...tensors, out, probe, ...grads]);
  return results;
}

function randomValues(seed: string, size: number, scale = 1): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: size }, () => (rng.next() * 2 - 1) * scale);
}

describe.skipIf(!hasSwiftShader)('the WebGPU embedding and linear kernels match the stock ops', () => {
  // Ragged sizes: 37 rows, 20 -> 13 channels, none a multiple of the matmul's 16-wide tiles.
  const linearInputs = [
    { values: randomValues('x', 37 * 20), shape: [1, 37, 20] },
    { values: randomValues('w', 20 * 13, 0.5), shape: [20, 13] },
    { values: randomValues('b', 13), shape: [13] },
  ];
  const ids = Int32Array.from({ length: 3 * 5 }, (_, i) => (i * 7) % 11);
  const embedInputs = [
    { values: randomValues('wte', 11 * 6), shape: [11, 6] },
    { values: randomValues('wpe', 9 * 6), shape: [9, 6] },
    { values: ids, shape: [3, 5] },
  ];
  const stockEmbed = (wte: tf.Tensor, wpe: tf.Tensor, i: tf.Tensor) =>
    tf.add(referenceOps.embed(wte as tf.Tensor2D, i as tf.Tensor2D), tf.slice(wpe, [0, 0], [5, 6]));
  let gpu: { linear: Float32Array[]; embed: Float32Array[] };
  let cpu: { linear: Float32Array[]; embed: Float32Array[] };
  beforeAll(async () => {
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
    await selectBackend('webgpu');
    tf.env().set('WEBGPU_CPU_FORWARD', false);
    gpu = {
      linear: await opOutputs(
        (x, w, b) => gpuOps.linear(x as tf.Tensor3D, w as tf.Tensor2D, b as tf.Tensor1D),
        linearInputs,
        3,
      ),
      embed: await opOutputs(
        (wte, wpe, i) => gpuOps.embedWithPositions!(wte as tf.Tensor2D, wpe as tf.Tensor2D, i as tf.Tensor2D),
        embedInputs,
        2,
      ),
    };
    await selectBackend('cpu');
    cpu = {
      linear: await opOutputs(
        (x, w, b) => referenceOps.linear(x as tf.Tensor3D, w as tf.Tensor2D, b as tf.Tensor1D),
        linearInputs,
        3,
      ),
      embed: await opOutputs(stockEmbed, embedInputs, 2),
    };
  });
  afterAll(() => {
    tf.env().reset();
    releaseNodeWebGpu();
  });

  it('linear: y, dx, dw and db', () => {
    ['y', 'dx', 'dw', 'db'].forEach((name, i) => {
      const c = closeness(gpu.linear[i]!, cpu.linear[i]!, ATOL, RTOL);
      expect(c.violations, `${name}: max abs diff ${c.maxAbs}`).toBe(0);
    });
  });

  it("embedding: x, and the token and position tables' gradients (rows past the sequence 0)", () => {
    ['x', 'dwte', 'dwpe'].forEach((name, i) => {
      const c = closeness(gpu.embed[i]!, cpu.embed[i]!, ATOL, RTOL);
      expect(c.violations, `${name}: max abs diff ${c.maxAbs}`).toBe(0);
    });
    expect(gpu.embed[2]!.slice(5 * 6).every((g) => g === 0)).toBe(true);
    // Token 0 appears in the ids: its gradient row is a real sum, not zeros.
    expect(gpu.embed[1]!.slice(0, 6).some((g) => Math.abs(g) > 1e-3)).toBe(true);
  });
});
