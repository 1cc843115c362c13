// The machine line every bench figure is printed with: CPU model, cores, load (the shared machines run
// several jobs at once, so a figure without its load says little), Node and tfjs versions, and whether the
// wasm SIMD kernels' products use fused multiply-add (relaxed SIMD; PERSONA_LAB_SIMD_FMA=0 turns it off).
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { simdFusedMultiplyAdd } from '../src/model/kernels/simd/simdKernels.ts';

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
  const fma = simdFusedMultiplyAdd();
  const products = fma.on ? 'wasm products with fused multiply-add' : `no fused multiply-add (${fma.reason})`;
  return `${cpus().length} cores, ${model}, load average ${load}, Node ${process.version}, tfjs ${tf.version.tfjs}, ${products}`;
}
