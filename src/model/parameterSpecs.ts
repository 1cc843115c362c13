// The GPT's parameters as data: name, shape, how to initialise it and whether AdamW decays it.
// The model, its initialiser and the checkpoint validator all read this one list.
import type { GPTConfig } from './config.ts';
import { Rng } from '../util/rng.ts';

export interface ParameterSpec {
  name: string;
  shape: number[];
  /** 'normal' draws N(0, std^2); 'zeros' and 'ones' are constants. */
  init: 'normal' | 'zeros' | 'ones';
  std: number;
  /** Weight decay applies to weight matrices only (rank 2), never to biases, norms' gains or offsets. */
  decay: boolean;
}

export function parameterSpecs(config: GPTConfig): ParameterSpec[] {
  const { vocabSize: v, nEmbd: c, blockSize: t, nLayer } = config;
  const std = 0.02;
  // Residual output projections start smaller so the residual stream's variance does not grow with depth
  // (GPT-2's scheme).
  const residualStd = std / Math.sqrt(2 * nLayer);
  const matrix = (name: string, shape: number[], s = std): ParameterSpec => ({
    name,
    shape,
    init: 'normal',
    std: s,
    decay: true,
  });
  const vector = (name: string, size: number, init: 'zeros' | 'ones'): ParameterSpec => ({
    name,
    shape: [size],
    init,
    std: 0,
    decay: false,
  });
  const specs: ParameterSpec[] = [matrix('wte', [v, c]), matrix('wpe', [t, c])];
  for (let l = 0; l < nLayer; l++) {
    const p = `h${l}.`;
    specs.push(
      vector(`${p}ln1.g`, c, 'ones'),
      vector(`${p}ln1.b`, c, 'zeros'),
      matrix(`${p}attn.wqkv`, [c, 3 * c]),
      vector(`${p}attn.bqkv`, 3 * c, 'zeros'),
      matrix(`${p}attn.wo`, [c, c], residualStd),
      vector(`${p}attn.bo`, c, 'zeros'),
      vector(`${p}ln2.g`, c, 'ones'),
      vector(`${p}ln2.b`, c, 'zeros'),
      matrix(`${p}mlp.w1`, [c, 4 * c]),
      vector(`${p}mlp.b1`, 4 * c, 'zeros'),
      matrix(`${p}mlp.w2`, [4 * c, c], residualStd),
      vector(`${p}mlp.b2`, c, 'zeros'),
    );
  }
  specs.push(vector('lnf.g', c, 'ones'), vector('lnf.b', c, 'zeros'), matrix('head.w', [c, v]));
  specs.push(vector('head.b', v, 'zeros'));
  return specs;
}

/** Initial values for every parameter, drawn from a seeded generator so that any backend starts equal. */
export function initialWeights(config: GPTConfig, seed: number): Map<string, Float32Array> {
  const rng = Rng.derive(seed, 'init');
  const weights = new Map<string, Float32Array>();
  for (const spec of parameterSpecs(config)) {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(size);
    if (spec.init === 'ones') values.fill(1);
    if (spec.init === 'normal') {
      for (let i = 0; i < size; i += 2) {
        // Box-Muller: two normals per pair of uniforms.
        const u1 = 1 - rng.next();
        const u2 = rng.next();
        const r = Math.sqrt(-2 * Math.log(u1)) * spec.std;
        values[i] = r * Math.cos(2 * Math.PI * u2);
        if (i + 1 < size) values[i + 1] = r * Math.sin(2 * Math.PI * u2);
      }
    }
    weights.set(spec.name, values);
  }
  return weights;
}
