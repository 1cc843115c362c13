// `npm run bench -- torch` (and the tail of `npm run bench` when PyTorch is installed): the fast-op
// training step on Node wasm against the same step in PyTorch (bench/torchStep.py: same model, batch,
// clipping and AdamW; 1 thread), alternating A/B/A/B in one run so both see the same machine and load.
// Prints each round's wall and CPU ms per step and the ratios' median and spread.
//   --rounds N   A/B pairs (default 4)      --steps N   steps per round and side (default 3)
//   --tiny       the tiny config instead of the reference one
// PyTorch: Debian's `apt-get install -y python3-torch libopenblas0-pthread` (without OpenBLAS, Debian's
// torch runs on the reference BLAS, ~10x slower). The interpreter: PERSONA_LAB_PYTHON, else
// /usr/bin/python3, else python3 on the PATH, whichever imports torch.
import * as tf from '@tensorflow/tfjs';
import { spawn, spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { selectBackend } from '../src/platform/backend.ts';
import { BENCH_CONFIGS, createBenchTrainer, median, type BenchCase } from './benchCore.ts';
import { machineLine } from './machine.ts';

export interface SideRound {
  /** Median wall ms of the round's steps. */
  wallMs: number;
  /** The process's CPU ms per step over the round. */
  cpuMs: number;
}

export interface TorchPairResult {
  configName: BenchCase['configName'];
  torch: { version: string; threads: number; blas: string };
  rounds: { project: SideRound; torch: SideRound }[];
  /** project / torch per round, by wall and by CPU time. */
  wallRatios: number[];
  cpuRatios: number[];
  firstLosses: { project: number; torch: number };
  loadBefore: number[];
  loadAfter: number[];
}

/** The first interpreter that imports torch, or null (PyTorch is optional: never needed for tests). */
export function findTorchPython(): string | null {
  const candidates = [process.env.PERSONA_LAB_PYTHON, '/usr/bin/python3', 'python3'];
  for (const python of candidates) {
    if (!python) continue;
    const probe = spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore', timeout: 60_000 });
    if (probe.status === 0) return python;
  }
  return null;
}

/** The Python side: a long-lived process that runs N steps per request line (protocol in torchStep.py). */
function startTorch(python: string, configName: BenchCase['configName']) {
  const child = spawn(python, ['bench/torchStep.py', JSON.stringify(BENCH_CONFIGS[configName])], {
    stdio: ['pipe', 'pipe', 'inherit'],
    // One thread for every pool torch might use (intra-op, OpenMP, OpenBLAS), as the wasm side has.
    env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' },
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (): Promise<Record<string, unknown>> => {
    const line = await lines.next();
    if (line.done) throw new Error('bench/torchStep.py ended early (see its error above)');
    return JSON.parse(line.value) as Record<string, unknown>;
  };
  return {
    next,
    async steps(n: number): Promise<{ stepMs: number[]; cpuMs: number; losses: number[] }> {
      child.stdin.write(`${n}\n`);
      return (await next()) as { stepMs: number[]; cpuMs: number; losses: number[] };
    },
    end() {
      child.stdin.end('\n');
    },
  };
}

export async function runTorchPair(
  python: string,
  configName: BenchCase['configName'],
  rounds: number,
  steps: number,
): Promise<TorchPairResult> {
  const report = await selectBackend('wasm');
  const threads = report.wasm?.threadsCount ?? 1;
  const loadBefore = loadavg();
  const torch = startTorch(python, configName);
  const ready = (await torch.next()).ready as TorchPairResult['torch'] & { torch: string };
  const trainer = createBenchTrainer(configName, 'fast');
  console.log(
    `PyTorch pair, ${configName} config: A = project fast ops, Node ${tf.getBackend()} (${threads} thread${
      threads === 1 ? '' : 's'
    }); B = PyTorch ${ready.torch}, ${ready.threads} thread, BLAS ${ready.blas}; ${rounds} rounds x ${steps} steps`,
  );
  try {
    // Warm-up on both sides: the first steps compile (V8, wasm heap growth; torch allocator).
    let i = 0;
    for (; i < 2; i++) await trainer.step(i);
    const warm = await torch.steps(2);
    const result: TorchPairResult = {
      configName,
      torch: { version: ready.torch, threads: ready.threads, blas: ready.blas },
      rounds: [],
      wallRatios: [],
      cpuRatios: [],
      firstLosses: { project: trainer.losses[0]!, torch: warm.losses[0]! },
      loadBefore,
      loadAfter: [],
    };
    for (let r = 0; r < rounds; r++) {
      const walls: number[] = [];
      const cpu = process.cpuUsage();
      for (let s = 0; s < steps; s++) walls.push(await trainer.step(i++));
      const used = process.cpuUsage(cpu);
      const project = { wallMs: median(walls), cpuMs: (used.user + used.system) / 1000 / steps };
      const b = await torch.steps(steps);
      const other = { wallMs: median(b.stepMs), cpuMs: b.cpuMs / steps };
      result.rounds.push({ project, torch: other });
      result.wallRatios.push(project.wallMs / other.wallMs);
      result.cpuRatios.push(project.cpuMs / other.cpuMs);
      console.log(
        `  round ${r + 1}: project ${project.wallMs.toFixed(0)} ms wall, ${project.cpuMs.toFixed(0)} ms CPU; ` +
          `PyTorch ${other.wallMs.toFixed(0)} ms wall, ${other.cpuMs.toFixed(0)} ms CPU; ` +
          `ratio ${(project.wallMs / other.wallMs).toFixed(2)} wall, ${(project.cpuMs / other.cpuMs).toFixed(2)} CPU`,
      );
    }
    result.loadAfter = loadavg();
    return result;
  } finally {
    torch.end();
    trainer.dispose();
  }
}

export function describePair(result: TorchPairResult): string {
  const spread = (values: number[]) =>
    `${median(values).toFixed(2)}x (range ${Math.min(...values).toFixed(2)}-${Math.max(...values).toFixed(2)})`;
  const load = (l: number[]) => l.map((x) => x.toFixed(1)).join(' ');
  return (
    `project / PyTorch per step, ${result.configName} config: ${spread(result.wallRatios)} by wall, ` +
    `${spread(result.cpuRatios)} by CPU time; first losses ${result.firstLosses.project.toFixed(3)} / ` +
    `${result.firstLosses.torch.toFixed(3)}; load average ${load(result.loadBefore)} -> ${load(result.loadAfter)}`
  );
}

/** The named case: `npm run bench -- torch [--rounds N] [--steps N] [--tiny]`. */
export async function runTorchBench(args: readonly string[]): Promise<void> {
  const option = (name: string, fallback: number) => {
    const i = args.indexOf(name);
    return i >= 0 ? Number(args[i + 1]) : fallback;
  };
  console.log(machineLine());
  const python = findTorchPython();
  if (!python) {
    console.log('PyTorch not found: apt-get install -y python3-torch libopenblas0-pthread');
    return;
  }
  const result = await runTorchPair(
    python,
    args.includes('--tiny') ? 'tiny' : 'reference',
    option('--rounds', 4),
    option('--steps', 3),
  );
  console.log(describePair(result));
}
