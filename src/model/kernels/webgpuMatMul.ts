// A tiled matrix product as one WebGPU program, with its operands read through WGSL expressions rather
// than from plain row-major buffers, so that a transposed operand, an extra row of ones or an
// element-wise function costs nothing: no transpose or reshape program runs before it. Each workgroup
// of 16 x 16 invocations computes one 16 x 16 tile of C [M, N] = A [M, K] B [K, N], stepping through K
// in 16-wide slices held in workgroup memory.
import type * as tf from '@tensorflow/tfjs';
import { runProgram, type WebGpuBackendLike } from './webgpuProgram.ts';

const TILE = 16;

export interface TiledMatMulSpec {
  /** Cache key: must name everything baked into the expressions below. */
  key: string;
  inputs: Record<string, tf.TensorInfo>;
  m: number;
  n: number;
  k: number;
  /** WGSL for A's element at (row, kk) and B's at (kk, col), i32 variables in scope. */
  a: string;
  b: string;
  /** WGSL for the output at (row, col) given the dot product `acc` (default: acc). */
  epilogue?: string;
  /** Extra WGSL module-scope functions the expressions use. */
  helpers?: string;
}

/** Runs C = A B as one program; returns C as a flat [M * N] float32 buffer shaped [M, N]. */
export function runTiledMatMul(backend: WebGpuBackendLike, spec: TiledMatMulSpec): tf.TensorInfo {
  const tilesN = Math.ceil(spec.n / TILE);
  const tiles = Math.ceil(spec.m / TILE) * tilesN;
  return runProgram(backend, {
    key: `tiledMatMul_${spec.key}`,
    inputs: spec.inputs,
    outputShape: [spec.m, spec.n],
    threads: tiles * TILE * TILE,
    workgroupSize: TILE * TILE,
    ints: { m: spec.m, n: spec.n, k: spec.k, tilesN },
    code: `
var<workgroup> tileA : array<f32, ${TILE * TILE}>;
var<workgroup> tileB : array<f32, ${TILE * TILE}>;
${spec.helpers ?? ''}
fn loadA(row : i32, kk : i32) -> f32 {
  if (row >= uniforms.m || kk >= uniforms.k) { return 0.0; }
  return ${spec.a};
}
fn loadB(kk : i32, col : i32) -> f32 {
  if (kk >= uniforms.k || col >= uniforms.n) { return 0.0; }
  return ${spec.b};
}
fn main(index : i32) {
  let lid = i32(localId.x);
  let ty = lid / ${TILE};
  let tx = lid % ${TILE};
  let tile = index / ${TILE * TILE};
  let row = (tile / uniforms.tilesN) * ${TILE} + ty;
  let col = (tile % uniforms.tilesN) * ${TILE} + tx;
  var acc = 0.0;
  for (var k0 = 0; k0 < uniforms.k; k0 = k0 + ${TILE}) {
    tileA[lid] = loadA(row, k0 + tx);
    tileB[lid] = loadB(k0 + ty, col);
    workgroupBarrier();
    for (var t = 0; t < ${TILE}; t = t + 1) {
      acc = acc + tileA[ty * ${TILE} + t] * tileB[t * ${TILE} + tx];
    }
    workgroupBarrier();
  }
  if (row < uniforms.m && col < uniforms.n) {
    result[row * uniforms.n + col] = ${spec.epilogue ?? 'acc'};
  }
}`,
  });
}
