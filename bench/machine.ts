// The machine line every bench figure is printed with: CPU model, cores, load (the shared machines run
// several jobs at once, so a figure without its load says little), Node and tfjs versions.
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';

export function machineLine(): string {
  let model = cpus()[0]?.model ?? 'unknown CPU';
  try {
    model = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? model;
  } catch {
    // not Linux: keep Node's name for the CPU
  }
  const load = loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
  return `${cpus().length} cores, ${model}, load average ${load}, Node ${process.version}, tfjs ${tf.version.tfjs}`;
}
