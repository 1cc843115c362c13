// The closest browser peer, @genai-fi/nanogpt (a bench-only devDependency), timed on the bench page in
// its own training loop, so `npm run bench` can set its tokens/s beside the project's in the same page.
// It bundles its own copy of tfjs (a second engine), so it is driven only through its public API:
// TeachableLLM.create, then a training job over token arrays, stopped after warm-up + N logged steps.
// Same as the project's case where the peer allows: layers, width, heads, context, batch, vocabulary,
// learning rate, AdamW betas (0.9/0.95), weight decay 0.1, clip at 1, no dropout, no warm-up.
// What differs: the peer's model uses RMSNorm (no biases in its norms), its own GELU MLP and
// initialisation; its clipping works only on webgpu; its data pipeline (a tfjs-data Dataset of random
// windows) runs inside the timed loop; it supports webgpu, webgl and cpu, not wasm.
import { TeachableLLM, type DatasetMetadata } from '@genai-fi/nanogpt';
import { BENCH_CONFIGS, median, syntheticBatch, type BenchCase } from './benchCore.ts';

export interface PeerResult {
  backend: string;
  configName: BenchCase['configName'];
  /** Whether the peer clipped the gradient norm (only on webgpu), as the project's step always does. */
  clipped: boolean;
  msPerStep: number;
  stepMs: number[];
  tokensPerSecond: number;
  losses: number[];
}

/** Runs the peer for `warmup + steps` logged steps on `backend` and reports the measured ones. */
export async function runPeerCase(
  backend: 'webgpu' | 'webgl' | 'cpu',
  configName: BenchCase['configName'],
  warmup: number,
  steps: number,
): Promise<PeerResult> {
  await TeachableLLM.selectBackend(backend);
  const { model: config, batchSize } = BENCH_CONFIGS[configName];
  const llm = TeachableLLM.create('char', {
    modelType: 'GenAI_NanoGPT_v1',
    vocabSize: config.vocabSize,
    blockSize: config.blockSize,
    nLayer: config.nLayer,
    nHead: config.nHead,
    nEmbed: config.nEmbd,
    mlpFactor: 4,
    useRope: false,
  });
  // The same synthetic tokens as the project's case, as many batches' worth as the run needs.
  const rows = warmup + steps + 2;
  const batch = syntheticBatch(batchSize * rows, config.blockSize, config.vocabSize);
  const tokens = [Uint16Array.from(batch.x)];
  const stamps: number[] = [];
  const losses: number[] = [];
  const done = new Promise<void>((resolve, reject) => {
    llm.training.on('progress', (job) => {
      stamps.push(performance.now());
      // The peer's job type does not resolve here: read the one field used.
      const history = (job as { history?: { trainingMetrics: { loss: number } }[] }).history;
      const last = history?.[history.length - 1];
      if (last) losses.push(last.trainingMetrics.loss);
      if (stamps.length > warmup + steps) {
        llm.training.cancel(job.id);
        resolve();
      }
    });
    llm.training.on('error', (_id, error) => reject(error));
  });
  const datasets: DatasetMetadata[] = [{ id: 'bench', name: 'bench', conversational: false }];
  const start = performance.now();
  await llm.training.job(
    {
      method: { type: 'pretraining' },
      batchSize,
      logInterval: 1,
      learningRate: 1e-3,
      beta1: 0.9,
      beta2: 0.95,
      weightDecay: 0.1,
      // The peer's clipping needs its Norm2 kernel, which only its webgpu backend registers.
      ...(backend === 'webgpu' ? { clipNorm: 1 } : {}),
      warmupSteps: 0,
      dropout: 0,
    },
    tokens,
    datasets,
  );
  await done;
  // Step i's time: from the previous log (or the job's start) to this one; the first `warmup` dropped.
  const times = stamps.map((t, i) => t - (i === 0 ? start : stamps[i - 1]!)).slice(warmup, warmup + steps);
  // The job stops at its next step boundary after cancel: wait for it before disposing.
  for (let i = 0; i < 100 && llm.training.training; i++) await new Promise((r) => setTimeout(r, 50));
  llm.dispose();
  return {
    backend,
    configName,
    clipped: backend === 'webgpu',
    msPerStep: median(times),
    stepMs: times.map((t) => Math.round(t)),
    tokensPerSecond: (batchSize * config.blockSize) / (median(times) / 1000),
    losses,
  };
}
