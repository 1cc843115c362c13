// The GPT's shape, as plain data (it travels inside recipes and checkpoints), and its validator.

export interface GPTConfig {
  vocabSize: number;
  nLayer: number;
  nHead: number;
  nEmbd: number;
  /** Context length in characters. */
  blockSize: number;
  /** Dropout rate on attention output, MLP output and embeddings during training. */
  dropout: number;
}

/**
 * The work of one training step (forward and backward) in GFLOP: the dense layers and the output head at
 * 6 flops a weight a token, causal attention's two products over the lower triangle. The reference
 * model (2 layers, width 128, context 224, batch 32) does about 20.
 */
export function trainStepGflop(
  model: Pick<GPTConfig, 'nLayer' | 'nEmbd' | 'blockSize'>,
  batchSize: number,
  vocabSize = 0,
): number {
  const { nLayer, nEmbd, blockSize } = model;
  const tokens = batchSize * blockSize;
  const dense = 6 * tokens * (12 * nLayer * nEmbd * nEmbd + nEmbd * vocabSize);
  const attention = 6 * tokens * blockSize * nEmbd * nLayer;
  return (dense + attention) / 1e9;
}

function check(ok: boolean, field: string, message: string): void {
  if (!ok) throw new Error(`model config: ${field} ${message}`);
}

/**
 * The largest model the lab builds, per field. Checkpoint headers and recipes are untrusted: without a
 * bound, a 30 KB file claiming 1e8 layers would have the lab allocate until the tab or process dies.
 */
export const GPT_CONFIG_LIMITS = {
  vocabSize: 65_536,
  nLayer: 48,
  nHead: 64,
  nEmbd: 4096,
  blockSize: 8192,
} as const;

const isIntIn = (v: unknown, max: number): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v > 0 && v <= max;

/** Checks an untrusted object and returns it typed, or throws naming the bad field. */
export function validateGPTConfig(value: unknown): GPTConfig {
  check(typeof value === 'object' && value !== null, '', 'must be an object');
  const c = value as Record<string, unknown>;
  for (const key of ['vocabSize', 'nLayer', 'nHead', 'nEmbd', 'blockSize'] as const) {
    const max = GPT_CONFIG_LIMITS[key];
    check(isIntIn(c[key], max), key, `must be an integer from 1 to ${max}, got ${JSON.stringify(c[key])}`);
  }
  check(
    typeof c.dropout === 'number' && c.dropout >= 0 && c.dropout < 1,
    'dropout',
    `must be a number in [0, 1), got ${JSON.stringify(c.dropout)}`,
  );
  const config = c as unknown as GPTConfig;
  check(
    config.nEmbd % config.nHead === 0,
    'nEmbd',
    `(${config.nEmbd}) must be divisible by nHead (${config.nHead})`,
  );
  const known = new Set(['vocabSize', 'nLayer', 'nHead', 'nEmbd', 'blockSize', 'dropout']);
  for (const key of Object.keys(c)) check(known.has(key), JSON.stringify(key), 'is not a model config field');
  return {
    vocabSize: config.vocabSize,
    nLayer: config.nLayer,
    nHead: config.nHead,
    nEmbd: config.nEmbd,
    blockSize: config.blockSize,
    dropout: config.dropout,
  };
}

/** Number of trainable parameters of a model with this config. */
export function parameterCount(config: GPTConfig): number {
  const { vocabSize: v, nEmbd: c, blockSize: t, nLayer } = config;
  const perLayer = 4 * c + (c * 3 * c + 3 * c) + (c * c + c) + (c * 4 * c + 4 * c) + (4 * c * c + c);
  return v * c + t * c + nLayer * perLayer + 2 * c + (c * v + v);
}
