// A character-level GPT made of its own variables and ops (no tf.layers): token and position embeddings,
// pre-LayerNorm blocks of causal multi-head self-attention and a GELU MLP, a final norm and an output head.
import * as tf from '@tensorflow/tfjs';
import { validateGPTConfig, type GPTConfig } from './config.ts';
import { opsFor } from './fastOps.ts';
import type { ModelOps } from './modelOps.ts';
import { initialWeights, parameterSpecs, type ParameterSpec } from './parameterSpecs.ts';

export interface ForwardOptions {
  /** Applies dropout (when the config's rate is above 0). */
  training?: boolean;
  /** Seed for this call's dropout masks; vary it per step. */
  dropoutSeed?: number;
}

/**
 * Steering (measurement only): `vector` [C] is added to the residual stream after block `layer`
 * (0-based), at every position, in every forward while it is set. See `withSteering`.
 */
export interface Steering {
  layer: number;
  vector: Float32Array;
}

export class GPT {
  readonly config: GPTConfig;
  readonly specs: readonly ParameterSpec[];
  /** Trainable variables, in the order of `specs`. */
  readonly params: ReadonlyMap<string, tf.Variable>;
  private chosenOps: ModelOps | undefined;
  private disposed = false;
  private steer: { layer: number; values: Float32Array; vector: tf.Tensor1D } | null = null;

  /**
   * The op set the model runs on. Unless one was chosen (at creation or by assignment, e.g.
   * `referenceOps`), the fastest correct set for the active backend, looked up on each use.
   */
  get ops(): ModelOps {
    return this.chosenOps ?? opsFor(tf.getBackend());
  }

  set ops(ops: ModelOps) {
    this.chosenOps = ops;
  }

  /** The steering applied by every forward, or null (the plain model). */
  get steering(): Steering | null {
    return this.steer ? { layer: this.steer.layer, vector: this.steer.values.slice() } : null;
  }

  /** Sets (or with null, removes) the steering vector; refuses a layer or width the model lacks. */
  set steering(steering: Steering | null) {
    this.assertLive();
    this.steer?.vector.dispose();
    this.steer = null;
    if (steering === null) return;
    const { layer, vector } = steering;
    if (!Number.isInteger(layer) || layer < 0 || layer >= this.config.nLayer)
      throw new Error(
        `steering layer ${layer} is not a layer of this model (0 to ${this.config.nLayer - 1})`,
      );
    if (vector.length !== this.config.nEmbd)
      throw new Error(
        `steering vector has ${vector.length} values; the model's width is ${this.config.nEmbd}`,
      );
    if (!vector.every((v) => Number.isFinite(v)))
      throw new Error('steering vector has a value that is not a number');
    const values = Float32Array.from(vector);
    this.steer = { layer, values, vector: tf.keep(tf.tensor1d(values, 'float32')) };
  }

  private constructor(
    config: GPTConfig,
    weights: ReadonlyMap<string, Float32Array>,
    ops: ModelOps | undefined,
  ) {
    this.config = validateGPTConfig(config);
    this.specs = parameterSpecs(this.config);
    this.chosenOps = ops;
    const params = new Map<string, tf.Variable>();
    for (const spec of this.specs) {
      const values = weights.get(spec.name);
      if (!values) throw new Error(`missing weights for parameter ${spec.name}`);
      const size = spec.shape.reduce((a, b) => a * b, 1);
      if (values.length !== size) {
        throw new Error(
          `parameter ${spec.name} needs ${size} values [${spec.shape.join(', ')}], got ${values.length}`,
        );
      }
      // tidy disposes the initial tensor: a variable shares its data, so keeping it would leak the weights.
      const name = spec.name + uniqueSuffix();
      params.set(
        spec.name,
        tf.tidy(() => tf.variable(tf.tensor(values, spec.shape, 'float32'), true, name)),
      );
    }
    this.params = params;
  }

  /** A new model with seeded initial weights; without `ops`, the fast ops for the active backend. */
  static create(config: GPTConfig, seed: number, ops?: ModelOps): GPT {
    return new GPT(config, initialWeights(validateGPTConfig(config), seed), ops);
  }

  /** A model holding the given weights (from a checkpoint or another model). */
  static fromWeights(config: GPTConfig, weights: ReadonlyMap<string, Float32Array>, ops?: ModelOps): GPT {
    return new GPT(config, weights, ops);
  }

  private p<R extends tf.Rank>(name: string): tf.Tensor<R> {
    const v = this.params.get(name);
    if (!v) throw new Error(`no parameter ${name}`);
    return v as unknown as tf.Tensor<R>;
  }

  /** ids [B, T] int32, T <= blockSize -> logits [B, T, V]. */
  forward(ids: tf.Tensor2D, options: ForwardOptions = {}): tf.Tensor3D {
    this.assertLive();
    const [, time] = ids.shape;
    const { dropout, blockSize } = this.config;
    if (time > blockSize)
      throw new Error(`sequence of ${time} characters is longer than the context (${blockSize})`);
    const drop = options.training === true && dropout > 0;
    let dropCount = 0;
    const maybeDrop = (x: tf.Tensor3D): tf.Tensor3D =>
      drop
        ? (tf.dropout(x, dropout, undefined, (options.dropoutSeed ?? 0) * 997 + dropCount++) as tf.Tensor3D)
        : x;
    const ops = this.ops;
    return tf.tidy(() => {
      const embedded = ops.embedWithPositions
        ? ops.embedWithPositions(this.p('wte'), this.p('wpe'), ids)
        : tf.add<tf.Tensor3D>(
            ops.embed(this.p('wte'), ids),
            tf.slice(this.p<tf.Rank.R2>('wpe'), [0, 0], [time, this.config.nEmbd]), // [T, C]
          );
      const x = maybeDrop(embedded); // [B, T, C]
      return this.blocksAndHead(x, (qkv) => ops.causalAttention(qkv, this.config.nHead), maybeDrop);
    });
  }

  /**
   * The residual stream after each block (each layer's output, before the final norm; steering
   * included): ids [B, T] -> nLayer tensors [B, T, C]. No dropout: this is for measuring.
   */
  forwardResiduals(ids: tf.Tensor2D): tf.Tensor3D[] {
    this.assertLive();
    const [, time] = ids.shape;
    if (time > this.config.blockSize)
      throw new Error(`sequence of ${time} characters is longer than the context (${this.config.blockSize})`);
    const ops = this.ops;
    return tf.tidy(() => {
      const positions = tf.slice(this.p<tf.Rank.R2>('wpe'), [0, 0], [time, this.config.nEmbd]); // [T, C]
      let x = tf.add<tf.Tensor3D>(ops.embed(this.p('wte'), ids), positions); // [B, T, C]
      const out: tf.Tensor3D[] = [];
      for (let l = 0; l < this.config.nLayer; l++) {
        x = this.block(
          l,
          x,
          (qkv) => ops.causalAttention(qkv, this.config.nHead),
          (t) => t,
        );
        out.push(x);
      }
      return out;
    });
  }

  /**
   * Logits for rows that are not one causal sequence (the scorer's packed rows: a shared prompt followed
   * by several candidates): each token carries its own position (< blockSize), and `attention` maps each
   * layer's qkv [B, L, 3C] to [B, L, C] under whatever visibility the rows need. L may exceed blockSize.
   * No dropout: this is for measuring, never for training.
   */
  forwardPacked(
    ids: tf.Tensor2D,
    positions: tf.Tensor2D,
    attention: (qkv: tf.Tensor3D, nHead: number) => tf.Tensor3D,
  ): tf.Tensor3D {
    this.assertLive();
    const ops = this.ops;
    return tf.tidy(() => {
      const x = tf.add<tf.Tensor3D>(ops.embed(this.p('wte'), ids), ops.embed(this.p('wpe'), positions)); // [B, L, C]
      return this.blocksAndHead(
        x,
        (qkv) => attention(qkv, this.config.nHead),
        (t) => t,
      );
    });
  }

  /** The transformer blocks, final norm and output head over embedded input x [B, T, C] -> [B, T, V]. */
  private blocksAndHead(
    input: tf.Tensor3D,
    attention: (qkv: tf.Tensor3D) => tf.Tensor3D,
    maybeDrop: (x: tf.Tensor3D) => tf.Tensor3D,
  ): tf.Tensor3D {
    const ops = this.ops;
    let x = input;
    for (let l = 0; l < this.config.nLayer; l++) x = this.block(l, x, attention, maybeDrop);
    const final = ops.layerNorm(x, this.p('lnf.g'), this.p('lnf.b'));
    return ops.linear(final, this.p('head.w'), this.p('head.b')); // [B, T, V]
  }

  /** Block `l` over the residual stream x [B, T, C] -> [B, T, C], plus the steering vector after it. */
  private block(
    l: number,
    input: tf.Tensor3D,
    attention: (qkv: tf.Tensor3D) => tf.Tensor3D,
    maybeDrop: (x: tf.Tensor3D) => tf.Tensor3D,
  ): tf.Tensor3D {
    const ops = this.ops;
    const p = `h${l}.`;
    let x = input;
    const h = ops.layerNorm(x, this.p(`${p}ln1.g`), this.p(`${p}ln1.b`));
    const qkv = ops.linear(h, this.p(`${p}attn.wqkv`), this.p(`${p}attn.bqkv`)); // [B, T, 3C]
    const attended = attention(qkv); // [B, T, C]
    x = tf.add(x, maybeDrop(ops.linear(attended, this.p(`${p}attn.wo`), this.p(`${p}attn.bo`))));
    const h2 = ops.layerNorm(x, this.p(`${p}ln2.g`), this.p(`${p}ln2.b`));
    const hidden = ops.gelu(ops.linear(h2, this.p(`${p}mlp.w1`), this.p(`${p}mlp.b1`))); // [B, T, 4C]
    x = tf.add(x, maybeDrop(ops.linear(hidden, this.p(`${p}mlp.w2`), this.p(`${p}mlp.b2`))));
    // Steering adds its vector at every position (broadcast over [B, T]); a zero vector leaves x exact.
    if (this.steer !== null && this.steer.layer === l) x = tf.add<tf.Tensor3D>(x, this.steer.vector);
    return x;
  }

  /** Mean cross-entropy on the positions where mask is 1. */
  loss(ids: tf.Tensor2D, targets: tf.Tensor2D, mask: tf.Tensor2D, options: ForwardOptions = {}): tf.Scalar {
    return tf.tidy(() => this.ops.maskedCrossEntropy(this.forward(ids, options), targets, mask));
  }

  /** Copies of every parameter's values (one read-back per parameter). */
  async getWeights(): Promise<Map<string, Float32Array>> {
    this.assertLive();
    const out = new Map<string, Float32Array>();
    for (const [name, v] of this.params) out.set(name, new Float32Array(await v.data()));
    return out;
  }

  /** Overwrites every parameter; the map must hold all of them with the right sizes. */
  setWeights(weights: ReadonlyMap<string, Float32Array>): void {
    this.assertLive();
    for (const spec of this.specs) {
      const values = weights.get(spec.name);
      const size = spec.shape.reduce((a, b) => a * b, 1);
      if (!values || values.length !== size)
        throw new Error(`weights for ${spec.name} missing or of the wrong size`);
    }
    for (const spec of this.specs) {
      tf.tidy(() =>
        this.params.get(spec.name)!.assign(tf.tensor(weights.get(spec.name)!, spec.shape, 'float32')),
      );
    }
  }

  get parameterCount(): number {
    let n = 0;
    for (const v of this.params.values()) n += v.size;
    return n;
  }

  dispose(): void {
    if (this.disposed) return;
    this.steer?.vector.dispose();
    this.steer = null;
    for (const v of this.params.values()) v.dispose();
    this.disposed = true;
  }

  private assertLive(): void {
    if (this.disposed) throw new Error('this model has been disposed');
  }
}

/** Runs `fn` with `steering` set on the model (null: the plain model), then restores what was set. */
export async function withSteering<T>(
  model: GPT,
  steering: Steering | null,
  fn: () => Promise<T>,
): Promise<T> {
  const before = model.steering;
  model.steering = steering;
  try {
    return await fn();
  } finally {
    model.steering = before;
  }
}

let counter = 0;
// tfjs variable names must be unique per process; several models (base and fine-tuned) coexist.
function uniqueSuffix(): string {
  counter += 1;
  return `#${counter}`;
}
