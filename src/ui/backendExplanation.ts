// The engine's backend choice in plain words for a student ("your computer has no usable GPU; training
// on the CPU: slower"), computed from the engine's report: which backend runs, on what, and the kind of
// reason each faster one was not used. The technical names stay in the teacher's advanced panel.
import type { BackendFailure, BackendReport } from '../../workers/contract.ts';

export type BackendSpeed = 'fast' | 'slower' | 'slowest';

export interface BackendExplanation {
  /** A few words for the status chip, e.g. "CPU, 4 threads". */
  short: string;
  speed: BackendSpeed;
  /** One sentence: why this backend, where the model trains, and how fast that is. */
  headline: string;
  /** Further plain sentences, e.g. how to get more speed. */
  notes: string[];
}

const SPEED_WORDS: Record<BackendSpeed, string> = {
  fast: 'fast',
  slower: 'slower',
  slowest: 'much slower',
};

export function speedWord(speed: BackendSpeed): string {
  return SPEED_WORDS[speed];
}

/**
 * Why the GPU is not used, from the failures of webgpu and webgl (null when neither was tried: the
 * backend was chosen in the settings, or a GPU backend runs).
 */
export function gpuUnusableReason(failures: readonly BackendFailure[]): string | null {
  const gpu = failures.filter((f) => f.backend === 'webgpu' || f.backend === 'webgl');
  if (gpu.length === 0) return null;
  if (gpu.some((f) => f.kind === 'software' || f.kind === 'no-device')) {
    return 'your computer has no usable GPU';
  }
  if (gpu.every((f) => f.kind === 'unsupported')) return 'this browser cannot use the GPU';
  return 'the GPU could not start';
}

/** Why WebGL runs rather than WebGPU, by the kind of WebGPU's failure. */
const WEBGPU_NOT_USED: Record<BackendFailure['kind'], string> = {
  unsupported: 'This browser has no WebGPU',
  'no-device': 'WebGPU finds no GPU here, WebGL does',
  software: 'WebGPU only has a software GPU here, WebGL has a real one',
  failed: 'WebGPU could not start',
};

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** Where the model trains and how fast, for the backend that runs. */
function where(report: BackendReport): { short: string; place: string; speed: BackendSpeed } {
  switch (report.backend) {
    case 'webgpu':
      return report.adapter?.isFallbackAdapter
        ? { short: 'software GPU', place: 'on a software imitation of a GPU', speed: 'slowest' }
        : { short: 'GPU', place: 'on your GPU (graphics chip)', speed: 'fast' };
    case 'webgl':
      return report.webgl?.software
        ? {
            short: 'software GPU',
            place: 'on a software imitation of a GPU (through WebGL)',
            speed: 'slowest',
          }
        : { short: 'GPU', place: 'on your GPU (graphics chip, through WebGL)', speed: 'fast' };
    case 'wasm': {
      const threads = report.wasm?.threads ? report.wasm.threadsCount : 1;
      return threads > 1
        ? { short: `CPU, ${threads} threads`, place: `on the CPU (${threads} threads)`, speed: 'slower' }
        : { short: 'CPU, 1 thread', place: 'on one core of the CPU', speed: 'slower' };
    }
    case 'cpu':
      return {
        short: 'CPU, no WebAssembly',
        place: 'on the CPU without WebAssembly',
        speed: 'slowest',
      };
  }
}

export function explainBackend(report: BackendReport): BackendExplanation {
  const { choice } = report;
  const { short, place, speed } = where(report);
  const gpuReason = gpuUnusableReason(report.failures);
  const wasmFailed = report.failures.some((f) => f.backend === 'wasm');
  const gpuRuns = report.backend === 'webgpu' || report.backend === 'webgl';
  const webgpu = report.failures.find((f) => f.backend === 'webgpu');
  let why: string;
  if (choice !== 'auto') why = `The lab's settings ask for ${report.backend}`;
  else if (gpuRuns && webgpu) why = WEBGPU_NOT_USED[webgpu.kind];
  else if (gpuRuns) why = 'Your computer has a usable GPU';
  else if (gpuReason && wasmFailed) why = `${capitalise(gpuReason)} and WebAssembly could not start`;
  else why = capitalise(gpuReason ?? 'the GPU is not used');
  const headline = `${why}; training ${place}: ${speedWord(speed)}.`;

  const notes: string[] = [];
  if (report.backend === 'wasm' && report.wasm && !report.wasm.threads) {
    notes.push(
      report.wasm.crossOriginIsolated
        ? 'This browser runs WebAssembly on one thread only.'
        : 'Training on more CPU cores needs the web server to send the cross-origin isolation headers (COOP and COEP).',
    );
  }
  if (speed !== 'fast' && choice === 'auto') {
    notes.push('Small models still train in minutes; a computer with a GPU trains them faster.');
  }
  return { short, speed, headline, notes };
}
