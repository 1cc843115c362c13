// The host kernels' hot loops in wasm SIMD (AssemblyScript, built by `npm run build:kernels` into
// ../hostKernelsWasm.ts). The module imports tfjs-wasm's memory and owns none: no data, no stack, no
// globals; every argument is a byte offset into that memory, handed over by ../simdKernels.ts. Each
// function mirrors a JS loop in ../../rowKernels.ts or ../../causalAttentionKernels.ts, which stays the
// `cpu` backend's path and the reference the parity tests compare against.

const GELU_K: f32 = 0.7978845608028654; // sqrt(2 / pi)
const GELU_A: f32 = 0.044715;
const LAYER_NORM_EPS: f32 = 1e-5;

/**
 * c + a b, lane by lane: the products' one operation. The module is built with and without relaxed SIMD
 * (scripts/simdKernelsModule.ts). With it, this is `f32x4.relaxed_madd`, which V8 compiles to one fused
 * multiply-add where the CPU has one (one rounding instead of two, and half the instructions of the
 * products' inner loops); without it, a multiply and an add. Either way every thread of a machine runs
 * the same instruction, so a split's results stay bit for bit those of one thread.
 */
function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

/** e^x for four lanes, relative error < 2e-7 on [-87, 88] (inputs clamped to it): x = k ln2 + r,
 * a degree-6 Taylor polynomial for e^r, 2^k written into the exponent bits. k is rounded by adding
 * 1.5 * 2^23 (the sum's units are whole, so it rounds to nearest even, as `nearest` does) and read
 * from the sum's low bits: no float-to-int conversion, which wasm only has saturating (several x64
 * instructions). pmin/pmax are single instructions; min/max's NaN and -0 rules cost several, and give
 * the same result here. */
function expV(x: v128): v128 {
  const v = f32x4.pmin(f32x4.pmax(x, f32x4.splat(-87.0)), f32x4.splat(88.0));
  const shifted = f32x4.add(f32x4.mul(v, f32x4.splat(1.4426950408889634)), f32x4.splat(12582912.0));
  const k = f32x4.sub(shifted, f32x4.splat(12582912.0));
  let r = f32x4.sub(v, f32x4.mul(k, f32x4.splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(k, f32x4.splat(-2.1219444e-4)));
  let p = f32x4.splat(1.0 / 720.0);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0 / 120.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0 / 24.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0 / 6.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(0.5));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0));
  // The low bits of `shifted` hold k (two's complement); shifting by 23 drops the rest.
  const bits = i32x4.shl(i32x4.add(shifted, i32x4.splat(127)), 23);
  return f32x4.mul(p, bits);
}

/** One lane of expV, for the tails. */
function expS(x: f32): f32 {
  return f32x4.extract_lane(expV(f32x4.splat(x)), 0);
}

function sumLanes(v: v128): f32 {
  return (
    f32x4.extract_lane(v, 0) +
    f32x4.extract_lane(v, 1) +
    (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3))
  );
}

function maxLanes(v: v128): f32 {
  return max(
    max(f32x4.extract_lane(v, 0), f32x4.extract_lane(v, 1)),
    max(f32x4.extract_lane(v, 2), f32x4.extract_lane(v, 3)),
  );
}

/** GELU, tanh form, of four lanes: returns tanh of the inner term, writes y. */
function geluTanhV(v: v128): v128 {
  const u = f32x4.mul(
    f32x4.splat(GELU_K),
    f32x4.add(v, f32x4.mul(f32x4.splat(GELU_A), f32x4.mul(v, f32x4.mul(v, v)))),
  );
  const e = expV(f32x4.add(u, u));
  return f32x4.sub(f32x4.splat(1.0), f32x4.div(f32x4.splat(2.0), f32x4.add(e, f32x4.splat(1.0))));
}

/** y = GELU(x) and t = tanh of its inner term, n values. */
export function gelu(x: usize, y: usize, t: usize, n: i32): void {
  const half = f32x4.splat(0.5);
  const one = f32x4.splat(1.0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = (<usize>i) << 2;
    const v = v128.load(x + o);
    const th = geluTanhV(v);
    v128.store(t + o, th);
    v128.store(y + o, f32x4.mul(f32x4.mul(half, v), f32x4.add(one, th)));
  }
  for (; i < n; i++) {
    const o = (<usize>i) << 2;
    const v = load<f32>(x + o);
    const th: f32 = 1 - 2 / (expS(2 * GELU_K * (v + GELU_A * v * v * v)) + 1);
    store<f32>(t + o, th);
    store<f32>(y + o, 0.5 * v * (1 + th));
  }
}

/** dx = dy * GELU'(x), from x and the tanh the forward kept, n values. */
export function geluGrad(dy: usize, x: usize, t: usize, dx: usize, n: i32): void {
  const half = f32x4.splat(0.5);
  const one = f32x4.splat(1.0);
  const k = f32x4.splat(GELU_K);
  const a3 = f32x4.splat(3 * GELU_A);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = (<usize>i) << 2;
    const v = v128.load(x + o);
    const th = v128.load(t + o);
    const inner = f32x4.mul(k, f32x4.add(one, f32x4.mul(a3, f32x4.mul(v, v))));
    const slope = f32x4.add(
      f32x4.mul(half, f32x4.add(one, th)),
      f32x4.mul(f32x4.mul(f32x4.mul(half, v), f32x4.sub(one, f32x4.mul(th, th))), inner),
    );
    v128.store(dx + o, f32x4.mul(v128.load(dy + o), slope));
  }
  for (; i < n; i++) {
    const o = (<usize>i) << 2;
    const v = load<f32>(x + o);
    const th = load<f32>(t + o);
    const slope: f32 = 0.5 * (1 + th) + 0.5 * v * (1 - th * th) * GELU_K * (1 + 3 * GELU_A * v * v);
    store<f32>(dx + o, load<f32>(dy + o) * slope);
  }
}

/** LayerNorm of `rows` rows of width c: y = (x - mean) * rstd * gamma + beta; stats [rows, 2] = (mean, rstd). */
export function layerNorm(
  x: usize,
  gamma: usize,
  beta: usize,
  y: usize,
  stats: usize,
  rows: i32,
  c: i32,
): void {
  const rowBytes = (<usize>c) << 2;
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>r * rowBytes;
    const yr = y + <usize>r * rowBytes;
    let acc = f32x4.splat(0);
    let i = 0;
    for (; i + 4 <= c; i += 4) acc = f32x4.add(acc, v128.load(xr + ((<usize>i) << 2)));
    let sum = sumLanes(acc);
    for (; i < c; i++) sum += load<f32>(xr + ((<usize>i) << 2));
    const mean = sum / <f32>c;
    const meanV = f32x4.splat(mean);
    acc = f32x4.splat(0);
    i = 0;
    for (; i + 4 <= c; i += 4) {
      const d = f32x4.sub(v128.load(xr + ((<usize>i) << 2)), meanV);
      acc = madd(d, d, acc);
    }
    let sq = sumLanes(acc);
    for (; i < c; i++) {
      const d = load<f32>(xr + ((<usize>i) << 2)) - mean;
      sq += d * d;
    }
    const rstd: f32 = 1 / Mathf.sqrt(sq / <f32>c + LAYER_NORM_EPS);
    const rstdV = f32x4.splat(rstd);
    i = 0;
    for (; i + 4 <= c; i += 4) {
      const o = (<usize>i) << 2;
      const xhat = f32x4.mul(f32x4.sub(v128.load(xr + o), meanV), rstdV);
      v128.store(yr + o, f32x4.add(f32x4.mul(xhat, v128.load(gamma + o)), v128.load(beta + o)));
    }
    for (; i < c; i++) {
      const o = (<usize>i) << 2;
      store<f32>(yr + o, (load<f32>(xr + o) - mean) * rstd * load<f32>(gamma + o) + load<f32>(beta + o));
    }
    store<f32>(stats + ((<usize>r) << 3), mean);
    store<f32>(stats + ((<usize>r) << 3) + 4, rstd);
  }
}

/**
 * LayerNorm backward: dx = rstd * (dyg - mean(dyg) - xhat * mean(dyg * xhat)), dyg = dy * gamma; dgamma and
 * dbeta summed over rows in float64 (acc: 2c float64 of scratch, overwritten), then written as float32.
 */
export function layerNormGrad(
  dy: usize,
  x: usize,
  gamma: usize,
  stats: usize,
  dx: usize,
  dGamma: usize,
  dBeta: usize,
  acc: usize,
  rows: i32,
  c: i32,
): void {
  const rowBytes = (<usize>c) << 2;
  const accBeta = acc + ((<usize>c) << 3);
  memory.fill(acc, 0, (<usize>c) << 4);
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>r * rowBytes;
    const dyr = dy + <usize>r * rowBytes;
    const dxr = dx + <usize>r * rowBytes;
    const mean = load<f32>(stats + ((<usize>r) << 3));
    const rstd = load<f32>(stats + ((<usize>r) << 3) + 4);
    const meanV = f32x4.splat(mean);
    const rstdV = f32x4.splat(rstd);
    let sDyg = f32x4.splat(0);
    let sDygXhat = f32x4.splat(0);
    let i = 0;
    for (; i + 4 <= c; i += 4) {
      const o = (<usize>i) << 2;
      const xhat = f32x4.mul(f32x4.sub(v128.load(xr + o), meanV), rstdV);
      const d = v128.load(dyr + o);
      const dyg = f32x4.mul(d, v128.load(gamma + o));
      sDyg = f32x4.add(sDyg, dyg);
      sDygXhat = madd(dyg, xhat, sDygXhat);
      const dXhat = f32x4.mul(d, xhat);
      const g8 = acc + ((<usize>i) << 3);
      const b8 = accBeta + ((<usize>i) << 3);
      v128.store(g8, f64x2.add(v128.load(g8), f64x2.promote_low_f32x4(dXhat)));
      v128.store(
        g8 + 16,
        f64x2.add(v128.load(g8 + 16), f64x2.promote_low_f32x4(i32x4.shuffle(dXhat, dXhat, 2, 3, 0, 1))),
      );
      v128.store(b8, f64x2.add(v128.load(b8), f64x2.promote_low_f32x4(d)));
      v128.store(
        b8 + 16,
        f64x2.add(v128.load(b8 + 16), f64x2.promote_low_f32x4(i32x4.shuffle(d, d, 2, 3, 0, 1))),
      );
    }
    let sumDyg = sumLanes(sDyg);
    let sumDygXhat = sumLanes(sDygXhat);
    for (; i < c; i++) {
      const o = (<usize>i) << 2;
      const xhat = (load<f32>(xr + o) - mean) * rstd;
      const d = load<f32>(dyr + o);
      const dyg = d * load<f32>(gamma + o);
      sumDyg += dyg;
      sumDygXhat += dyg * xhat;
      store<f64>(acc + ((<usize>i) << 3), load<f64>(acc + ((<usize>i) << 3)) + <f64>(d * xhat));
      store<f64>(accBeta + ((<usize>i) << 3), load<f64>(accBeta + ((<usize>i) << 3)) + <f64>d);
    }
    const meanDyg = f32x4.splat(sumDyg / <f32>c);
    const meanDygXhat = f32x4.splat(sumDygXhat / <f32>c);
    i = 0;
    for (; i + 4 <= c; i += 4) {
      const o = (<usize>i) << 2;
      const xhat = f32x4.mul(f32x4.sub(v128.load(xr + o), meanV), rstdV);
      const dyg = f32x4.mul(v128.load(dyr + o), v128.load(gamma + o));
      v128.store(dxr + o, f32x4.mul(rstdV, f32x4.sub(f32x4.sub(dyg, meanDyg), f32x4.mul(xhat, meanDygXhat))));
    }
    for (; i < c; i++) {
      const o = (<usize>i) << 2;
      const xhat = (load<f32>(xr + o) - mean) * rstd;
      const dyg = load<f32>(dyr + o) * load<f32>(gamma + o);
      store<f32>(dxr + o, rstd * (dyg - sumDyg / <f32>c - xhat * (sumDygXhat / <f32>c)));
    }
  }
  for (let i = 0; i < c; i++) {
    store<f32>(dGamma + ((<usize>i) << 2), <f32>load<f64>(acc + ((<usize>i) << 3)));
    store<f32>(dBeta + ((<usize>i) << 2), <f32>load<f64>(accBeta + ((<usize>i) << 3)));
  }
}

// Causal attention. Each head's operands are first copied out of packed qkv [B, T, 3C] (q, k, v of head h
// at columns hD, C + hD, 2C + hD) into contiguous blocks in `scratch` (K and V transposed where the
// products run along the keys), so that every inner loop below reads consecutive memory that stays in
// L1. Queries go four at a time: their scores land in a row buffer (four rows of `bufferRow` floats),
// where the softmax runs, and from which the weighted values and the packed triangle of probabilities
// are made. Every product is register-blocked, four rows by eight columns in eight independent sums
// (`fourRows`, `fourKeys`). Only the lower triangle (key j <= query i) is computed, up to the four-key
// block the diagonal crosses. These need the head size to be a multiple of four.

/** Where row i of a packed lower triangle starts: rows 0..i-1 hold 1 + 2 + ... + i values. */
function triangleRow(i: i32): usize {
  return <usize>((i * (i + 1)) >> 1);
}

/** Floats in one row of the row buffer: a multiple of four, with room for T scores rounded up to four. */
function bufferRow(time: i32): i32 {
  return (time + 7) & ~3;
}

/** The head's D-wide blocks of the rows of `src` (rows `rowBytes` apart, starting at `at`) -> dst [T, D]. */
function copyRows(dst: usize, src: usize, rowBytes: usize, time: i32, headSize: i32): void {
  const size = (<usize>headSize) << 2;
  for (let t = 0; t < time; t++) memory.copy(dst + <usize>t * size, src + <usize>t * rowBytes, size);
}

/** The same block transposed -> dst [D, T]. */
function copyRowsTransposed(dst: usize, src: usize, rowBytes: usize, time: i32, headSize: i32): void {
  const colBytes = (<usize>time) << 2;
  for (let t = 0; t < time; t++) {
    const row = src + <usize>t * rowBytes;
    const col = dst + ((<usize>t) << 2);
    for (let d = 0; d < headSize; d += 4) {
      const v = v128.load(row + ((<usize>d) << 2));
      const at = col + <usize>d * colBytes;
      v128.store32_lane(at, v, 0);
      v128.store32_lane(at + colBytes, v, 1);
      v128.store32_lane(at + 2 * colBytes, v, 2);
      v128.store32_lane(at + 3 * colBytes, v, 3);
    }
  }
}

/** A 4 x 8 block's sums into four rows `stride` bytes apart: two vectors a row. */
function storeRows8(
  o: usize,
  stride: usize,
  s00: v128,
  s01: v128,
  s10: v128,
  s11: v128,
  s20: v128,
  s21: v128,
  s30: v128,
  s31: v128,
): void {
  v128.store(o, s00);
  v128.store(o + 16, s01);
  v128.store(o + stride, s10);
  v128.store(o + stride + 16, s11);
  v128.store(o + 2 * stride, s20);
  v128.store(o + 2 * stride + 16, s21);
  v128.store(o + 3 * stride, s30);
  v128.store(o + 3 * stride + 16, s31);
}

/** A 4 x 4 block's sums into four rows `stride` bytes apart. */
function storeRows4(o: usize, stride: usize, s0: v128, s1: v128, s2: v128, s3: v128): void {
  v128.store(o, s0);
  v128.store(o + stride, s1);
  v128.store(o + 2 * stride, s2);
  v128.store(o + 3 * stride, s3);
}

/**
 * Four rows of a product: out_r[c] = sum over k < count of a_r[k] * m[k][c], for r < 4 and c < width (a
 * multiple of four). Row r of a starts at a + r aStride, of out at out + r outStride; m's rows are
 * mStride bytes apart. Eight columns a pass: the four a_r[k] splatted times two vectors of m's row k, in
 * eight sums (x64 has 16 vector registers: these, the four splats and the two loads fit), then four.
 * Four of attention's six products take this form: scores (a: queries, m: K transposed), dP (a: dY, m:
 * V transposed), and the weighted sums of a row buffer's probabilities or dS over V or K.
 */
function fourRows(
  out: usize,
  outStride: usize,
  a: usize,
  aStride: usize,
  m: usize,
  mStride: usize,
  count: i32,
  width: i32,
): void {
  const a1 = a + aStride;
  const a2 = a1 + aStride;
  const a3 = a2 + aStride;
  let c = 0;
  for (; c + 8 <= width; c += 8) {
    let s00 = f32x4.splat(0);
    let s01 = f32x4.splat(0);
    let s10 = f32x4.splat(0);
    let s11 = f32x4.splat(0);
    let s20 = f32x4.splat(0);
    let s21 = f32x4.splat(0);
    let s30 = f32x4.splat(0);
    let s31 = f32x4.splat(0);
    let at = m + ((<usize>c) << 2);
    for (let k = 0; k < count; k++) {
      const o = (<usize>k) << 2;
      const m0 = v128.load(at);
      const m1 = v128.load(at + 16);
      const x0 = v128.load32_splat(a + o);
      s00 = madd(x0, m0, s00);
      s01 = madd(x0, m1, s01);
      const x1 = v128.load32_splat(a1 + o);
      s10 = madd(x1, m0, s10);
      s11 = madd(x1, m1, s11);
      const x2 = v128.load32_splat(a2 + o);
      s20 = madd(x2, m0, s20);
      s21 = madd(x2, m1, s21);
      const x3 = v128.load32_splat(a3 + o);
      s30 = madd(x3, m0, s30);
      s31 = madd(x3, m1, s31);
      at += mStride;
    }
    storeRows8(out + ((<usize>c) << 2), outStride, s00, s01, s10, s11, s20, s21, s30, s31);
  }
  if (c < width) {
    let s0 = f32x4.splat(0);
    let s1 = f32x4.splat(0);
    let s2 = f32x4.splat(0);
    let s3 = f32x4.splat(0);
    let at = m + ((<usize>c) << 2);
    for (let k = 0; k < count; k++) {
      const o = (<usize>k) << 2;
      const m0 = v128.load(at);
      s0 = madd(v128.load32_splat(a + o), m0, s0);
      s1 = madd(v128.load32_splat(a1 + o), m0, s1);
      s2 = madd(v128.load32_splat(a2 + o), m0, s2);
      s3 = madd(v128.load32_splat(a3 + o), m0, s3);
      at += mStride;
    }
    storeRows4(out + ((<usize>c) << 2), outStride, s0, s1, s2, s3);
  }
}

/**
 * Four keys of a product down the columns of a packed lower triangle t (t[i][j] = 0 for j > i):
 * out_s[c] = sum over i >= j of t[i][j + s] * m[i][c], for s < 4 and c < width (a multiple of four); out_s
 * starts at out + s outStride, m's rows are mStride bytes apart. Row i of t holds columns j..j+3 side by
 * side once i >= j + 3; the four rows from j are first copied into `diagonal` (16 floats) with zeros
 * above the diagonal, so that one loop reads four consecutive values from every row. dK (t: dS, m: Q)
 * and dV (t: P, m: dY) take this form.
 */
function fourKeys(
  out: usize,
  outStride: usize,
  t: usize,
  diagonal: usize,
  m: usize,
  mStride: usize,
  j: i32,
  time: i32,
  width: i32,
): void {
  for (let r = 0; r < 4; r++) {
    const row = t + ((triangleRow(j + r) + <usize>j) << 2);
    for (let s = 0; s < 4; s++)
      store<f32>(diagonal + ((<usize>(4 * r + s)) << 2), s <= r ? load<f32>(row + ((<usize>s) << 2)) : 0);
  }
  const first = (triangleRow(j + 4) + <usize>j) << 2;
  const mFirst = m + <usize>j * mStride;
  let c = 0;
  for (; c + 8 <= width; c += 8) {
    let s00 = f32x4.splat(0);
    let s01 = f32x4.splat(0);
    let s10 = f32x4.splat(0);
    let s11 = f32x4.splat(0);
    let s20 = f32x4.splat(0);
    let s21 = f32x4.splat(0);
    let s30 = f32x4.splat(0);
    let s31 = f32x4.splat(0);
    let rowAt = diagonal;
    let next = t + first;
    let at = mFirst + ((<usize>c) << 2);
    for (let i = j; i < time; i++) {
      const m0 = v128.load(at);
      const m1 = v128.load(at + 16);
      const x0 = v128.load32_splat(rowAt);
      s00 = madd(x0, m0, s00);
      s01 = madd(x0, m1, s01);
      const x1 = v128.load32_splat(rowAt + 4);
      s10 = madd(x1, m0, s10);
      s11 = madd(x1, m1, s11);
      const x2 = v128.load32_splat(rowAt + 8);
      s20 = madd(x2, m0, s20);
      s21 = madd(x2, m1, s21);
      const x3 = v128.load32_splat(rowAt + 12);
      s30 = madd(x3, m0, s30);
      s31 = madd(x3, m1, s31);
      // Row i + 1: the diagonal's next row, or the triangle's (row i + 1 starts i + 1 floats after row i).
      if (i < j + 3) rowAt += 16;
      else {
        rowAt = next;
        next += (<usize>(i + 2)) << 2;
      }
      at += mStride;
    }
    storeRows8(out + ((<usize>c) << 2), outStride, s00, s01, s10, s11, s20, s21, s30, s31);
  }
  if (c < width) {
    let s0 = f32x4.splat(0);
    let s1 = f32x4.splat(0);
    let s2 = f32x4.splat(0);
    let s3 = f32x4.splat(0);
    let rowAt = diagonal;
    let next = t + first;
    let at = mFirst + ((<usize>c) << 2);
    for (let i = j; i < time; i++) {
      const m0 = v128.load(at);
      s0 = madd(v128.load32_splat(rowAt), m0, s0);
      s1 = madd(v128.load32_splat(rowAt + 4), m0, s1);
      s2 = madd(v128.load32_splat(rowAt + 8), m0, s2);
      s3 = madd(v128.load32_splat(rowAt + 12), m0, s3);
      if (i < j + 3) rowAt += 16;
      else {
        rowAt = next;
        next += (<usize>(i + 2)) << 2;
      }
      at += mStride;
    }
    storeRows4(out + ((<usize>c) << 2), outStride, s0, s1, s2, s3);
  }
}

/** One key of the same product (the last T % 4 keys): out[c] = sum over i >= j of t[i][j] * m[i][c]. */
function oneKey(out: usize, t: usize, m: usize, mStride: usize, j: i32, time: i32, width: i32): void {
  for (let c = 0; c < width; c += 4) {
    let s = f32x4.splat(0);
    let rowAt = t + ((triangleRow(j) + <usize>j) << 2);
    let at = m + <usize>j * mStride + ((<usize>c) << 2);
    for (let i = j; i < time; i++) {
      s = madd(v128.load32_splat(rowAt), v128.load(at), s);
      rowAt += (<usize>(i + 1)) << 2;
      at += mStride;
    }
    v128.store(out + ((<usize>c) << 2), s);
  }
}

/**
 * out[c] = sum over k < count of w[k] * m[k][c], for c < width (a multiple of four); m's rows are
 * `stride` bytes apart. One row of `fourRows`, for the last T % 4 queries.
 */
function oneRow(out: usize, w: usize, m: usize, stride: usize, count: i32, width: i32): void {
  for (let c = 0; c < width; c += 4) {
    let s = f32x4.splat(0);
    let at = m + ((<usize>c) << 2);
    for (let k = 0; k < count; k++) {
      s = madd(v128.load32_splat(w + ((<usize>k) << 2)), v128.load(at), s);
      at += stride;
    }
    v128.store(out + ((<usize>c) << 2), s);
  }
}

/** Softmax of p[0..n) (times `scale`) in place. */
function softmaxInPlace(p: usize, n: i32, scale: f32): void {
  let mV = f32x4.splat(-Infinity);
  let j = 0;
  for (; j + 4 <= n; j += 4) mV = f32x4.pmax(mV, v128.load(p + ((<usize>j) << 2)));
  let m = maxLanes(mV);
  for (; j < n; j++) m = max(m, load<f32>(p + ((<usize>j) << 2)));
  const maxV = f32x4.splat(m);
  const scaleV = f32x4.splat(scale);
  let sumV = f32x4.splat(0);
  j = 0;
  for (; j + 4 <= n; j += 4) {
    const o = (<usize>j) << 2;
    const e = expV(f32x4.mul(f32x4.sub(v128.load(p + o), maxV), scaleV));
    v128.store(p + o, e);
    sumV = f32x4.add(sumV, e);
  }
  let sum = sumLanes(sumV);
  for (; j < n; j++) {
    const o = (<usize>j) << 2;
    const e = expS((load<f32>(p + o) - m) * scale);
    store<f32>(p + o, e);
    sum += e;
  }
  const inv: f32 = 1 / sum;
  const invV = f32x4.splat(inv);
  j = 0;
  for (; j + 4 <= n; j += 4)
    v128.store(p + ((<usize>j) << 2), f32x4.mul(v128.load(p + ((<usize>j) << 2)), invV));
  for (; j < n; j++) store<f32>(p + ((<usize>j) << 2), load<f32>(p + ((<usize>j) << 2)) * inv);
}

/** The softmax's backward in place: d[0..n) (dP of one row) becomes dS = p (d - p . d) * scale. */
function softmaxGradInPlace(d: usize, p: usize, n: i32, scale: f32): void {
  let dotV = f32x4.splat(0);
  let j = 0;
  for (; j + 4 <= n; j += 4)
    dotV = madd(v128.load(p + ((<usize>j) << 2)), v128.load(d + ((<usize>j) << 2)), dotV);
  let pdp = sumLanes(dotV);
  for (; j < n; j++) pdp += load<f32>(p + ((<usize>j) << 2)) * load<f32>(d + ((<usize>j) << 2));
  const pdpV = f32x4.splat(pdp);
  const scaleV = f32x4.splat(scale);
  j = 0;
  for (; j + 4 <= n; j += 4) {
    const o = (<usize>j) << 2;
    v128.store(d + o, f32x4.mul(f32x4.mul(v128.load(p + o), f32x4.sub(v128.load(d + o), pdpV)), scaleV));
  }
  for (; j < n; j++) {
    const o = (<usize>j) << 2;
    store<f32>(d + o, load<f32>(p + o) * (load<f32>(d + o) - pdp) * scale);
  }
}

/** Sets row i's scores of the tokens j < i that i may not see (neither group 0 nor i's own) to `value`. */
function maskRow(p: usize, groups: usize, i: i32, value: f32): void {
  const own = load<i32>(groups + ((<usize>i) << 2));
  for (let j = 0; j < i; j++) {
    const other = load<i32>(groups + ((<usize>j) << 2));
    if (other != 0 && other != own) store<f32>(p + ((<usize>j) << 2), value);
  }
}

/**
 * Row i's probabilities from its scores in place in a row buffer row p: the softmax over its i + 1 keys
 * (masked: tokens of other groups set to -Infinity before it and to 0 after it), zeros from key i + 1 up
 * to `keys` (the block's width), and, where `packed` is set, a copy into the triangle at `triangle`.
 */
function probabilitiesRow(
  p: usize,
  i: i32,
  keys: i32,
  groups: usize,
  masked: bool,
  triangle: usize,
  packed: bool,
  scale: f32,
): void {
  if (masked) maskRow(p, groups, i, -Infinity);
  softmaxInPlace(p, i + 1, scale);
  if (masked) maskRow(p, groups, i, 0);
  memory.fill(p + ((<usize>(i + 1)) << 2), 0, (<usize>(keys - i - 1)) << 2);
  if (packed) memory.copy(triangle + (triangleRow(i) << 2), p, (<usize>(i + 1)) << 2);
}

/**
 * The forward pass both attention kernels share, per batch row and head: K transposed and V copied out
 * of packed qkv, then four queries at a time their scores into the row buffer (up to the four-key block
 * the diagonal crosses), the softmax and the weighted values; the last T % 4 queries one at a time.
 * `packed`: each head's probabilities are also kept as a packed lower triangle at `probs`. `masked`: the
 * scores of tokens in other groups (`groups`, int32 [B, T]) are set to -Infinity before the softmax and
 * to 0 after it. scratch: 2 T D + 4 bufferRow(T) floats.
 */
function forwardRows(
  qkv: usize,
  groups: usize,
  masked: bool,
  y: usize,
  probs: usize,
  packed: bool,
  scratch: usize,
  batch: i32,
  time: i32,
  width: i32,
  heads: i32,
  scale: f32,
): void {
  const headSize = width / heads;
  const rowBytes = (<usize>(3 * width)) << 2;
  const yRowBytes = (<usize>width) << 2;
  const kT = scratch; // [D, T]
  const vh = scratch + ((<usize>(time * headSize)) << 2); // [T, D]
  const buffer = scratch + ((<usize>(2 * time * headSize)) << 2); // [4, bufferRow(T)]
  const bufferBytes = (<usize>bufferRow(time)) << 2;
  const colBytes = (<usize>time) << 2;
  const vBytes = (<usize>headSize) << 2;
  for (let b = 0; b < batch; b++) {
    const base = qkv + <usize>(b * time) * rowBytes;
    const yBase = y + <usize>(b * time) * yRowBytes;
    const g = groups + ((<usize>(b * time)) << 2);
    for (let h = 0; h < heads; h++) {
      const qAt = base + ((<usize>(h * headSize)) << 2);
      const yAt = yBase + ((<usize>(h * headSize)) << 2);
      copyRowsTransposed(kT, base + ((<usize>(width + h * headSize)) << 2), rowBytes, time, headSize);
      copyRows(vh, base + ((<usize>(2 * width + h * headSize)) << 2), rowBytes, time, headSize);
      const pHead = probs + ((<usize>(b * heads + h) * triangleRow(time)) << 2);
      let i0 = 0;
      for (; i0 + 4 <= time; i0 += 4) {
        const keys = i0 + 4;
        fourRows(buffer, bufferBytes, qAt + <usize>i0 * rowBytes, rowBytes, kT, colBytes, headSize, keys);
        for (let r = 0; r < 4; r++)
          probabilitiesRow(buffer + <usize>r * bufferBytes, i0 + r, keys, g, masked, pHead, packed, scale);
        fourRows(yAt + <usize>i0 * yRowBytes, yRowBytes, buffer, bufferBytes, vh, vBytes, keys, headSize);
      }
      for (; i0 < time; i0++) {
        const keys = (i0 + 4) & ~3; // past T the scores read finite values of the scratch, and are unused
        oneRow(buffer, qAt + <usize>i0 * rowBytes, kT, colBytes, headSize, keys);
        probabilitiesRow(buffer, i0, i0 + 1, g, masked, pHead, packed, scale);
        oneRow(yAt + <usize>i0 * yRowBytes, buffer, vh, vBytes, i0 + 1, headSize);
      }
    }
  }
}

/**
 * Forward: qkv [B, T, 3C] -> y [B, T, C] and probs [B*H, T(T+1)/2] (each head's probabilities as a packed
 * lower triangle). scratch: 2 T D + 4 bufferRow(T) floats.
 */
export function attentionForward(
  qkv: usize,
  y: usize,
  probs: usize,
  scratch: usize,
  batch: i32,
  time: i32,
  width: i32,
  heads: i32,
  scale: f32,
): void {
  forwardRows(qkv, 0, false, y, probs, true, scratch, batch, time, width, heads, scale);
}

/**
 * Attention over packed scoring rows (forward only): qkv [B, T, 3C], groups [B, T] (int32) -> y [B, T, C].
 * Token i sees token j <= i when j's group is 0 (the shared prompt) or i's own. Each row's scores run
 * over every j <= i as in the causal kernel; the masked ones are set to -Infinity before the softmax
 * and to 0 after it (its exp of the clamped input, ~1e-38, is below every sum's last bit). scratch:
 * 2 T D + 4 bufferRow(T) floats.
 */
export function prefixAttentionForward(
  qkv: usize,
  groups: usize,
  y: usize,
  scratch: usize,
  batch: i32,
  time: i32,
  width: i32,
  heads: i32,
  scale: f32,
): void {
  forwardRows(qkv, groups, true, y, 0, false, scratch, batch, time, width, heads, scale);
}

/**
 * Backward: dy [B, T, C], qkv, probs -> dqkv [B, T, 3C]. Per head, four queries at a time: dP = dY V^T
 * into the row buffer, dS = P (dP - P . dP) * scale there (and into a packed triangle), dQ = dS K; then
 * four keys at a time, dK = dS^T Q and dV = P^T dY down the triangles' columns. scratch: 4 T D +
 * T(T+1)/2 + 4 bufferRow(T) + 16 floats.
 */
export function attentionBackward(
  dy: usize,
  qkv: usize,
  probs: usize,
  dqkv: usize,
  scratch: usize,
  batch: i32,
  time: i32,
  width: i32,
  heads: i32,
  scale: f32,
): void {
  const headSize = width / heads;
  const rowBytes = (<usize>(3 * width)) << 2;
  const dyRowBytes = (<usize>width) << 2;
  const block = (<usize>(time * headSize)) << 2;
  const qh = scratch; // [T, D]
  const kh = scratch + block; // [T, D]
  const vT = scratch + 2 * block; // [D, T]
  const dyh = scratch + 3 * block; // [T, D]
  const ds = scratch + 4 * block; // packed triangle
  const buffer = ds + (triangleRow(time) << 2); // [4, bufferRow(T)]
  const bufferBytes = (<usize>bufferRow(time)) << 2;
  const diagonal = buffer + 4 * bufferBytes; // [4, 4]
  const rowSize = (<usize>headSize) << 2;
  const colBytes = (<usize>time) << 2;
  for (let b = 0; b < batch; b++) {
    const base = qkv + <usize>(b * time) * rowBytes;
    const out = dqkv + <usize>(b * time) * rowBytes;
    for (let h = 0; h < heads; h++) {
      const qOff = (<usize>(h * headSize)) << 2;
      const kOff = (<usize>(width + h * headSize)) << 2;
      const vOff = (<usize>(2 * width + h * headSize)) << 2;
      copyRows(qh, base + qOff, rowBytes, time, headSize);
      copyRows(kh, base + kOff, rowBytes, time, headSize);
      copyRowsTransposed(vT, base + vOff, rowBytes, time, headSize);
      copyRows(dyh, dy + <usize>(b * time) * dyRowBytes + qOff, dyRowBytes, time, headSize);
      const pHead = probs + ((<usize>(b * heads + h) * triangleRow(time)) << 2);
      let i0 = 0;
      for (; i0 + 4 <= time; i0 += 4) {
        const keys = i0 + 4;
        fourRows(buffer, bufferBytes, dyh + <usize>i0 * rowSize, rowSize, vT, colBytes, headSize, keys);
        for (let r = 0; r < 4; r++) {
          const i = i0 + r;
          const d = buffer + <usize>r * bufferBytes;
          softmaxGradInPlace(d, pHead + (triangleRow(i) << 2), i + 1, scale);
          memory.fill(d + ((<usize>(i + 1)) << 2), 0, (<usize>(keys - i - 1)) << 2);
          memory.copy(ds + (triangleRow(i) << 2), d, (<usize>(i + 1)) << 2);
        }
        fourRows(
          out + <usize>i0 * rowBytes + qOff,
          rowBytes,
          buffer,
          bufferBytes,
          kh,
          rowSize,
          keys,
          headSize,
        );
      }
      for (; i0 < time; i0++) {
        oneRow(buffer, dyh + <usize>i0 * rowSize, vT, colBytes, headSize, (i0 + 4) & ~3);
        softmaxGradInPlace(buffer, pHead + (triangleRow(i0) << 2), i0 + 1, scale);
        memory.copy(ds + (triangleRow(i0) << 2), buffer, (<usize>(i0 + 1)) << 2);
        oneRow(out + <usize>i0 * rowBytes + qOff, buffer, kh, rowSize, i0 + 1, headSize);
      }
      let j = 0;
      for (; j + 4 <= time; j += 4) {
        const at = out + <usize>j * rowBytes;
        fourKeys(at + kOff, rowBytes, ds, diagonal, qh, rowSize, j, time, headSize);
        fourKeys(at + vOff, rowBytes, pHead, diagonal, dyh, rowSize, j, time, headSize);
      }
      for (; j < time; j++) {
        const at = out + <usize>j * rowBytes;
        oneKey(at + kOff, ds, qh, rowSize, j, time, headSize);
        oneKey(at + vOff, pHead, dyh, rowSize, j, time, headSize);
      }
    }
  }
}

/**
 * src [rows, cols] -> dst [cols, rows], in 32 x 32 tiles of 4 x 4 blocks transposed in registers. dst's
 * rows are `dstRows` floats long (>= rows), so that a band of a larger matrix's rows can be transposed
 * into its columns of the result.
 */
export function transpose(src: usize, dst: usize, rows: i32, cols: i32, dstRows: i32): void {
  const tile = 32;
  const srcRow = (<usize>cols) << 2;
  const dstRow = (<usize>dstRows) << 2;
  for (let r0 = 0; r0 < rows; r0 += tile) {
    const r1 = min(r0 + tile, rows);
    for (let c0 = 0; c0 < cols; c0 += tile) {
      const c1 = min(c0 + tile, cols);
      let r = r0;
      for (; r + 4 <= r1; r += 4) {
        let c = c0;
        for (; c + 4 <= c1; c += 4) {
          const at = src + <usize>r * srcRow + ((<usize>c) << 2);
          const a = v128.load(at);
          const b = v128.load(at + srcRow);
          const e = v128.load(at + 2 * srcRow);
          const f = v128.load(at + 3 * srcRow);
          const ab0 = i32x4.shuffle(a, b, 0, 4, 1, 5);
          const ab1 = i32x4.shuffle(a, b, 2, 6, 3, 7);
          const ef0 = i32x4.shuffle(e, f, 0, 4, 1, 5);
          const ef1 = i32x4.shuffle(e, f, 2, 6, 3, 7);
          const out = dst + <usize>c * dstRow + ((<usize>r) << 2);
          v128.store(out, i32x4.shuffle(ab0, ef0, 0, 1, 4, 5));
          v128.store(out + dstRow, i32x4.shuffle(ab0, ef0, 2, 3, 6, 7));
          v128.store(out + 2 * dstRow, i32x4.shuffle(ab1, ef1, 0, 1, 4, 5));
          v128.store(out + 3 * dstRow, i32x4.shuffle(ab1, ef1, 2, 3, 6, 7));
        }
        for (; c < c1; c++)
          for (let k = 0; k < 4; k++)
            store<f32>(
              dst + <usize>c * dstRow + ((<usize>(r + k)) << 2),
              load<f32>(src + <usize>(r + k) * srcRow + ((<usize>c) << 2)),
            );
      }
      for (; r < r1; r++)
        for (let c = c0; c < c1; c++)
          store<f32>(
            dst + <usize>c * dstRow + ((<usize>r) << 2),
            load<f32>(src + <usize>r * srcRow + ((<usize>c) << 2)),
          );
    }
  }
}

/** Rows of x and dy that the weight gradient takes at a time: a chunk of both stays in a core's cache. */
const GRAD_CHUNK: i32 = 128;

/**
 * Copies `n` rows of dy's columns [j, j + 4 lanes) into `panel` (contiguous, row after row) and adds
 * them into db's columns there (from zero when `first`). `lanes` is 1 or 2 vectors.
 */
function packColumns(py: usize, rowY: usize, panel: usize, db: usize, n: i32, lanes: i32, first: bool): void {
  let s0 = first ? f32x4.splat(0) : v128.load(db);
  let s1 = first || lanes < 2 ? f32x4.splat(0) : v128.load(db, 16);
  const step = (<usize>lanes) << 4;
  for (let k = 0; k < n; k++) {
    const a = v128.load(py);
    v128.store(panel, a);
    s0 = f32x4.add(s0, a);
    if (lanes > 1) {
      const b = v128.load(py, 16);
      v128.store(panel, b, 16);
      s1 = f32x4.add(s1, b);
    }
    py += rowY;
    panel += step;
  }
  v128.store(db, s0);
  if (lanes > 1) v128.store(db, s1, 16);
}

/**
 * One 4 x 8 block of a product over `n` steps: out[r, 0..8) = init + sum_k a_r[k] panel[k, 0..8), eight
 * independent sums (eight accumulators leave x64's sixteen vector registers room for the operands: wider
 * blocks spill and ran slower). a_r[k] is the float at `pa + o_r + k * step` (o_0 = 0); `out1..out3` are
 * the output rows for rows 1-3 (the last valid one repeated where fewer than four are valid, as are its
 * offsets), and only `valid` rows are stored. The sums start from zero when `first` and `bias` is 0, from
 * the bias row (the same for all four) when `first`, else from the output rows' own values.
 */
function block8(
  pa: usize,
  panel: usize,
  n: i32,
  step: usize,
  o1: usize,
  o2: usize,
  o3: usize,
  out: usize,
  out1: usize,
  out2: usize,
  out3: usize,
  valid: i32,
  first: bool,
  bias: usize,
): void {
  const z0 = bias ? v128.load(bias) : f32x4.splat(0);
  const z1 = bias ? v128.load(bias, 16) : f32x4.splat(0);
  let c00 = first ? z0 : v128.load(out);
  let c01 = first ? z1 : v128.load(out, 16);
  let c10 = first ? z0 : v128.load(out1);
  let c11 = first ? z1 : v128.load(out1, 16);
  let c20 = first ? z0 : v128.load(out2);
  let c21 = first ? z1 : v128.load(out2, 16);
  let c30 = first ? z0 : v128.load(out3);
  let c31 = first ? z1 : v128.load(out3, 16);
  for (let k = 0; k < n; k++) {
    const b0 = v128.load(panel);
    const b1 = v128.load(panel, 16);
    let s = v128.load32_splat(pa);
    c00 = madd(s, b0, c00);
    c01 = madd(s, b1, c01);
    s = v128.load32_splat(pa + o1);
    c10 = madd(s, b0, c10);
    c11 = madd(s, b1, c11);
    s = v128.load32_splat(pa + o2);
    c20 = madd(s, b0, c20);
    c21 = madd(s, b1, c21);
    s = v128.load32_splat(pa + o3);
    c30 = madd(s, b0, c30);
    c31 = madd(s, b1, c31);
    pa += step;
    panel += 32;
  }
  v128.store(out, c00);
  v128.store(out, c01, 16);
  if (valid > 1) {
    v128.store(out1, c10);
    v128.store(out1, c11, 16);
  }
  if (valid > 2) {
    v128.store(out2, c20);
    v128.store(out2, c21, 16);
  }
  if (valid > 3) {
    v128.store(out3, c30);
    v128.store(out3, c31, 16);
  }
}

/** block8 four columns wide: the last four columns when their count is not a multiple of 8. */
function block4(
  pa: usize,
  panel: usize,
  n: i32,
  step: usize,
  o1: usize,
  o2: usize,
  o3: usize,
  out: usize,
  out1: usize,
  out2: usize,
  out3: usize,
  valid: i32,
  first: bool,
  bias: usize,
): void {
  const z = bias ? v128.load(bias) : f32x4.splat(0);
  let c0 = first ? z : v128.load(out);
  let c1 = first ? z : v128.load(out1);
  let c2 = first ? z : v128.load(out2);
  let c3 = first ? z : v128.load(out3);
  for (let k = 0; k < n; k++) {
    const b = v128.load(panel);
    c0 = madd(v128.load32_splat(pa), b, c0);
    c1 = madd(v128.load32_splat(pa + o1), b, c1);
    c2 = madd(v128.load32_splat(pa + o2), b, c2);
    c3 = madd(v128.load32_splat(pa + o3), b, c3);
    pa += step;
    panel += 16;
  }
  v128.store(out, c0);
  if (valid > 1) v128.store(out1, c1);
  if (valid > 2) v128.store(out2, c2);
  if (valid > 3) v128.store(out3, c3);
}

/**
 * A linear layer's weight and bias gradients over dw's columns [j0, j1) (j0 a multiple of 8, j1 - j0 of
 * 4): dw[i, j] = sum_m x[m, i] dy[m, j] and db[j] = sum_m dy[m, j], for x [rows, cin], dy [rows, cout],
 * dw [cin, cout]. No transpose of x or dy: over chunks of rows small enough to stay in cache, dy's
 * columns are copied eight at a time into a contiguous panel in `scratch` (GRAD_CHUNK x 8 floats), the
 * copy adding into db on the way, and blocks of 4 x 8 read x's rows in place against it, adding into dw
 * from the second chunk on. Each element is summed in row order by the same arithmetic on any split.
 */
export function weightGrad(
  x: usize,
  dy: usize,
  dw: usize,
  db: usize,
  scratch: usize,
  rows: i32,
  cin: i32,
  cout: i32,
  j0: i32,
  j1: i32,
): void {
  const rowX = (<usize>cin) << 2;
  const rowY = (<usize>cout) << 2;
  for (let m0 = 0; m0 < rows; m0 += GRAD_CHUNK) {
    const n = min(GRAD_CHUNK, rows - m0);
    const first = m0 == 0;
    for (let j = j0; j < j1;) {
      const lanes = j + 8 <= j1 ? 2 : 1;
      const at = (<usize>j) << 2;
      packColumns(dy + <usize>m0 * rowY + at, rowY, scratch, db + at, n, lanes, first);
      for (let i = 0; i < cin; i += 4) {
        const valid = min(4, cin - i);
        const o1 = (<usize>min(1, valid - 1)) << 2;
        const o2 = (<usize>min(2, valid - 1)) << 2;
        const o3 = (<usize>min(3, valid - 1)) << 2;
        const px = x + <usize>m0 * rowX + ((<usize>i) << 2);
        const out = dw + <usize>i * rowY + at;
        const out1 = out + (o1 >> 2) * rowY;
        const out2 = out + (o2 >> 2) * rowY;
        const out3 = out + (o3 >> 2) * rowY;
        if (lanes == 2) block8(px, scratch, n, rowX, o1, o2, o3, out, out1, out2, out3, valid, first, 0);
        else block4(px, scratch, n, rowX, o1, o2, o3, out, out1, out2, out3, valid, first, 0);
      }
      j += lanes << 2;
    }
  }
}

/** Bytes of a's rows that a product keeps in a core's cache while it sweeps b's panels. */
const PRODUCT_CHUNK_BYTES: i32 = 65536;

/**
 * b [k, m]'s first m - m % 4 columns as panels for `matMul`: eight columns at a time (four for the last
 * four when m % 8 >= 4), each panel its k rows contiguous; the panel of columns [j, ...) starts j * k
 * floats into `panels`.
 */
export function packPanels(b: usize, panels: usize, k: i32, m: i32): void {
  const rowB = (<usize>m) << 2;
  const m4 = m - (m & 3);
  for (let j = 0; j < m4;) {
    const lanes = j + 8 <= m4 ? 2 : 1;
    let src = b + ((<usize>j) << 2);
    let dst = panels + ((<usize>j * <usize>k) << 2);
    for (let r = 0; r < k; r++) {
      v128.store(dst, v128.load(src));
      if (lanes > 1) v128.store(dst, v128.load(src, 16), 16);
      src += rowB;
      dst += (<usize>lanes) << 4;
    }
    j += lanes << 2;
  }
}

/**
 * Rows [r0, r1) of c = a b (+ bias), for a [rows, k], b [k, m] packed by `packPanels`, c [rows, m]: the
 * first m - m % 4 columns (the rest are the caller's). Over chunks of a's rows small enough to stay in a
 * core's cache, the 4 x 8 blocks read a's rows in place against each panel in turn, from the bias.
 * `bias`: an [m] row added to every row, or 0 for none. Each element is summed in the same order on any
 * split of the rows (bias first, then k in order).
 */
export function matMul(
  a: usize,
  panels: usize,
  bias: usize,
  c: usize,
  k: i32,
  m: i32,
  r0: i32,
  r1: i32,
): void {
  const rowA = (<usize>k) << 2;
  const rowC = (<usize>m) << 2;
  const m4 = m - (m & 3);
  const chunk = max(4, (PRODUCT_CHUNK_BYTES / max(1, k << 2)) & ~3);
  for (let c0 = r0; c0 < r1; c0 += chunk) {
    const c1 = min(r1, c0 + chunk);
    for (let j = 0; j < m4;) {
      const lanes = j + 8 <= m4 ? 2 : 1;
      const at = (<usize>j) << 2;
      const panel = panels + ((<usize>j * <usize>k) << 2);
      const rowBias = bias ? bias + at : 0;
      for (let r = c0; r < c1; r += 4) {
        const valid = min(4, c1 - r);
        const i1 = <usize>min(1, valid - 1);
        const i2 = <usize>min(2, valid - 1);
        const i3 = <usize>min(3, valid - 1);
        const pa = a + <usize>r * rowA;
        const o1 = i1 * rowA;
        const o2 = i2 * rowA;
        const o3 = i3 * rowA;
        const out = c + <usize>r * rowC + at;
        const out1 = out + i1 * rowC;
        const out2 = out + i2 * rowC;
        const out3 = out + i3 * rowC;
        if (lanes == 2) block8(pa, panel, k, 4, o1, o2, o3, out, out1, out2, out3, valid, true, rowBias);
        else block4(pa, panel, k, 4, o1, o2, o3, out, out1, out2, out3, valid, true, rowBias);
      }
      j += lanes << 2;
    }
  }
}

/**
 * One parameter's AdamW update (the clip factor already known): c = g clip; m' = b1 m + (1 - b1) c;
 * v' = b2 v + (1 - b2) c^2; p' = p - lr (m' / k1 / (sqrt(v' / k2) + eps) + decay p), over n values.
 */
export function adamWSlice(
  g: usize,
  p: usize,
  out: usize,
  m: usize,
  v: usize,
  mNext: usize,
  vNext: usize,
  n: i32,
  clip: f32,
  decay: f32,
  beta1: f32,
  beta2: f32,
  eps: f32,
  lr: f32,
  correction1: f32,
  correction2: f32,
): void {
  const clipV = f32x4.splat(clip);
  const b1 = f32x4.splat(beta1);
  const b1c = f32x4.splat(1 - beta1);
  const b2 = f32x4.splat(beta2);
  const b2c = f32x4.splat(1 - beta2);
  const k1 = f32x4.splat(correction1);
  const k2 = f32x4.splat(correction2);
  const epsV = f32x4.splat(eps);
  const lrV = f32x4.splat(lr);
  const decayV = f32x4.splat(decay);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = (<usize>i) << 2;
    const c = f32x4.mul(v128.load(g + o), clipV);
    const mk = f32x4.add(f32x4.mul(b1, v128.load(m + o)), f32x4.mul(b1c, c));
    const vk = f32x4.add(f32x4.mul(b2, v128.load(v + o)), f32x4.mul(b2c, f32x4.mul(c, c)));
    v128.store(mNext + o, mk);
    v128.store(vNext + o, vk);
    const w = v128.load(p + o);
    const step = f32x4.div(f32x4.div(mk, k1), f32x4.add(f32x4.sqrt(f32x4.div(vk, k2)), epsV));
    v128.store(out + o, f32x4.sub(w, f32x4.mul(lrV, f32x4.add(step, f32x4.mul(decayV, w)))));
  }
  for (; i < n; i++) {
    const o = (<usize>i) << 2;
    const c = load<f32>(g + o) * clip;
    const mk = beta1 * load<f32>(m + o) + (1 - beta1) * c;
    const vk = beta2 * load<f32>(v + o) + (1 - beta2) * c * c;
    store<f32>(mNext + o, mk);
    store<f32>(vNext + o, vk);
    const w = load<f32>(p + o);
    store<f32>(out + o, w - lr * (mk / correction1 / (Mathf.sqrt(vk / correction2) + eps) + decay * w));
  }
}

/**
 * ln x for x > 0, in float64: x = m 2^e with m in [sqrt(1/2), sqrt(2)), ln m = 2 atanh((m - 1) / (m + 1)) by
 * its series to the 11th power (error < 1e-10 there). The standard library's log would bring lookup tables,
 * that is a data segment, which this module must not have (it would be written into tfjs-wasm's heap).
 */
function ln(x: f64): f64 {
  const bits = reinterpret<u64>(x);
  let e = <i32>((bits >> 52) & 0x7ff) - 1023;
  let m = reinterpret<f64>((bits & 0x000fffffffffffff) | 0x3ff0000000000000);
  if (m > 1.4142135623730951) {
    m *= 0.5;
    e += 1;
  }
  const s = (m - 1) / (m + 1);
  const s2 = s * s;
  const series =
    s * (2 + s2 * (2.0 / 3 + s2 * (2.0 / 5 + s2 * (2.0 / 7 + s2 * (2.0 / 9 + (s2 * 2.0) / 11)))));
  return <f64>e * 0.6931471805599453 + series;
}

/** Softmax of one row of n logits into out (out may be the row itself); returns its log-sum-exp. */
function rowSoftmaxInto(row: usize, out: usize, n: i32): f32 {
  let mV = f32x4.splat(-Infinity);
  let i = 0;
  for (; i + 4 <= n; i += 4) mV = f32x4.pmax(mV, v128.load(row + ((<usize>i) << 2)));
  let m = maxLanes(mV);
  for (; i < n; i++) m = max(m, load<f32>(row + ((<usize>i) << 2)));
  const maxV = f32x4.splat(m);
  let sumV = f32x4.splat(0);
  i = 0;
  for (; i + 4 <= n; i += 4) {
    const e = expV(f32x4.sub(v128.load(row + ((<usize>i) << 2)), maxV));
    v128.store(out + ((<usize>i) << 2), e);
    sumV = f32x4.add(sumV, e);
  }
  let sum = sumLanes(sumV);
  for (; i < n; i++) {
    const e = expS(load<f32>(row + ((<usize>i) << 2)) - m);
    store<f32>(out + ((<usize>i) << 2), e);
    sum += e;
  }
  const inv = f32x4.splat(1 / sum);
  i = 0;
  for (; i + 4 <= n; i += 4)
    v128.store(out + ((<usize>i) << 2), f32x4.mul(v128.load(out + ((<usize>i) << 2)), inv));
  for (; i < n; i++) store<f32>(out + ((<usize>i) << 2), load<f32>(out + ((<usize>i) << 2)) / sum);
  return m + <f32>ln(<f64>sum);
}

/**
 * Masked cross-entropy: logits [rows, vocab], targets [rows] int32, mask [rows] -> the sum over rows of
 * mask * (log-sum-exp - logit of the target), in float64 (the caller divides by the mask's total).
 * scratch: vocab floats.
 */
export function crossEntropySum(
  logits: usize,
  targets: usize,
  mask: usize,
  scratch: usize,
  rows: i32,
  vocab: i32,
): f64 {
  let total: f64 = 0;
  const rowBytes = (<usize>vocab) << 2;
  for (let r = 0; r < rows; r++) {
    const w = load<f32>(mask + ((<usize>r) << 2));
    if (w == 0) continue;
    const row = logits + <usize>r * rowBytes;
    const lse = rowSoftmaxInto(row, scratch, vocab);
    const target = load<i32>(targets + ((<usize>r) << 2));
    total += <f64>w * <f64>(lse - load<f32>(row + ((<usize>target) << 2)));
  }
  return total;
}

/** Its gradient: dLogits = scale * mask * (softmax - onehot(target)) per row (zero where masked out). */
export function crossEntropyGrad(
  logits: usize,
  targets: usize,
  mask: usize,
  dLogits: usize,
  rows: i32,
  vocab: i32,
  scale: f32,
): void {
  const rowBytes = (<usize>vocab) << 2;
  for (let r = 0; r < rows; r++) {
    const out = dLogits + <usize>r * rowBytes;
    const m = load<f32>(mask + ((<usize>r) << 2));
    if (m == 0) {
      memory.fill(out, 0, rowBytes);
      continue;
    }
    rowSoftmaxInto(logits + <usize>r * rowBytes, out, vocab);
    const w = f32x4.splat(scale * m);
    let i = 0;
    for (; i + 4 <= vocab; i += 4)
      v128.store(out + ((<usize>i) << 2), f32x4.mul(v128.load(out + ((<usize>i) << 2)), w));
    for (; i < vocab; i++)
      store<f32>(out + ((<usize>i) << 2), load<f32>(out + ((<usize>i) << 2)) * scale * m);
    const at = out + ((<usize>load<i32>(targets + ((<usize>r) << 2))) << 2);
    store<f32>(at, load<f32>(at) - scale * m);
  }
}
