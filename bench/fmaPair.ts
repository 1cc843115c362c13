// `npm run bench -- fma`: the wasm SIMD kernels' products with relaxed SIMD's fused multiply-add against
// the same products as a multiply and an add, A/B/A/B in one run. First the two builds' product and
// weight-gradient kernels on one thread, on the reference step's shapes, in one memory of their own (no
// tfjs: the kernels alone); then the whole reference step, process by process (the choice is made once
// a process: PERSONA_LAB_SIMD_FMA=0 in the B processes), through `npm run bench -- step`. Prints each
// round, the ratios' median and range, and how far the two builds' outputs differ.
//   --rounds N        kernel rounds (default 6)        --step-rounds N   step processes a side (default 3)
//   --steps N         steps a step process measures (default 8)
// Threads for the step: PERSONA_LAB_WASM_THREADS=2 npm run bench -- fma
import { spawnSync } from 'node:child_process';
import { HOST_KERNELS_WASM, HOST_KERNELS_WASM_FMA } from '../src/model/kernels/simd/hostKernelsWasm.ts';
import { simdFusedMultiplyAdd, type SimdKernels } from '../src/model/kernels/simd/simdKernels.ts';
import { BENCH_CONFIGS, median, wholeOption } from './benchCore.ts';
import { machineLine } from './machine.ts';

type Products = Pick<SimdKernels, 'packPanels' | 'matMul' | 'weightGrad'>;

const spread = (ratios: number[]) =>
  `${median(ratios).toFixed(2)}x (${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)})`;

/**
 * Both plain-memory builds on one fresh memory, the inputs filled, and where everything lives (float
 * offsets): a [rows, widest], b [widest, widest], each side's product [rows, widest], and the weight
 * gradient's dw, db, b's panels and the gradient's scratch.
 */
function setUp(rows: number, widest: number) {
  const big = rows * widest;
  const square = widest * widest;
  const at = { a: 0, b: big, cA: big + square, cB: 2 * big + square, dw: 3 * big + square };
  const db = at.dw + square;
  const panels = db + widest;
  const scratch = panels + square;
  const floats = scratch + 128 * 8;
  const memory = new WebAssembly.Memory({ initial: Math.ceil((floats * 4) / 65536) + 1 });
  const build = (base64: string) =>
    new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(base64, 'base64')), { env: { memory } })
      .exports as unknown as Products;
  const heap = new Float32Array(memory.buffer);
  for (let i = 0; i < at.cA; i++) heap[i] = Math.sin(i * 0.37);
  return {
    fma: build(HOST_KERNELS_WASM_FMA),
    plain: build(HOST_KERNELS_WASM),
    heap,
    at: { ...at, db, panels, scratch },
  };
}

export async function runFmaBench(args: readonly string[]): Promise<void> {
  const option = (name: string, fallback: number) => wholeOption(args, name, fallback);
  const rounds = option('--rounds', 6);
  const stepRounds = option('--step-rounds', 3);
  const steps = option('--steps', 8);
  const fma = simdFusedMultiplyAdd();
  console.log(machineLine());
  if (!fma.on) {
    console.log(`no fused multiply-add to compare: ${fma.reason}`);
    return;
  }
  const { model, batchSize } = BENCH_CONFIGS.reference;
  const rows = batchSize * model.blockSize;
  const c = model.nEmbd;
  const shapes: [string, number, number][] = [
    ['qkv', c, 3 * c],
    ['projection', c, c],
    ['fc1', c, 4 * c],
    ['fc2', 4 * c, c],
  ];
  const { fma: withFma, plain, heap, at } = setUp(rows, 4 * c);
  const bytes = (floats: number) => 4 * floats;
  console.log(
    `products on one thread, ${rows} rows (batch ${batchSize} x context ${model.blockSize}); ` +
      `A = fused multiply-add, B = multiply and add; ${rounds} rounds`,
  );
  for (const [name, k, m] of shapes) {
    const time = (kernels: Products, out: number) => {
      const start = performance.now();
      kernels.packPanels(bytes(at.b), bytes(at.panels), k, m);
      kernels.matMul(bytes(at.a), bytes(at.panels), 0, bytes(out), k, m, 0, rows);
      const product = performance.now() - start;
      // dW = a^T dy with this side's product as dy.
      kernels.weightGrad(
        bytes(at.a),
        bytes(out),
        bytes(at.dw),
        bytes(at.db),
        bytes(at.scratch),
        rows,
        k,
        m,
        0,
        m,
      );
      return { product, grad: performance.now() - start - product };
    };
    const a: { product: number; grad: number }[] = [];
    const b: { product: number; grad: number }[] = [];
    time(withFma, at.cA);
    time(plain, at.cB); // warm-up
    for (let r = 0; r < rounds; r++) {
      // Alternate which side goes first, so neither always runs on a warmer cache.
      if (r % 2 === 0) {
        a.push(time(withFma, at.cA));
        b.push(time(plain, at.cB));
      } else {
        b.push(time(plain, at.cB));
        a.push(time(withFma, at.cA));
      }
    }
    let worst = 0;
    for (let i = 0; i < rows * m; i++) {
      const x = heap[at.cA + i]!;
      const y = heap[at.cB + i]!;
      worst = Math.max(worst, Math.abs(x - y) / Math.max(1, Math.abs(y)));
    }
    const gflops = (ms: number) => ((2 * rows * k * m) / ms / 1e6).toFixed(1);
    const pa = median(a.map((x) => x.product));
    const pb = median(b.map((x) => x.product));
    const ga = median(a.map((x) => x.grad));
    const gb = median(b.map((x) => x.grad));
    console.log(
      `  ${name.padEnd(10)} [${k} -> ${m}]: product ${pa.toFixed(1)} / ${pb.toFixed(1)} ms ` +
        `(${gflops(pa)} / ${gflops(pb)} GFLOP/s), B/A ${spread(b.map((x, r) => x.product / a[r]!.product))}; ` +
        `weight gradient ${ga.toFixed(1)} / ${gb.toFixed(1)} ms, B/A ${spread(b.map((x, r) => x.grad / a[r]!.grad))}; ` +
        `products differ by at most ${worst.toExponential(1)} (relative)`,
    );
  }
  console.log(
    `the reference step (context ${model.blockSize}), one process a side, ${stepRounds} rounds of ${steps} steps ` +
      `(threads: PERSONA_LAB_WASM_THREADS=${process.env.PERSONA_LAB_WASM_THREADS ?? 'unset'})`,
  );
  const stepMs = (on: boolean): number => {
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'bench/run.ts', 'step', '--steps', String(steps)],
      { env: { ...process.env, PERSONA_LAB_SIMD_FMA: on ? '1' : '0' }, encoding: 'utf8' },
    );
    const found = /median (\d+) ms/.exec(child.stdout);
    if (child.status !== 0 || !found)
      throw new Error(`the step process failed: ${child.stderr || child.stdout}`);
    return Number(found[1]);
  };
  const ratios: number[] = [];
  for (let r = 0; r < stepRounds; r++) {
    const [first, second] = r % 2 === 0 ? [true, false] : [false, true];
    const x = stepMs(first);
    const y = stepMs(second);
    const [a, b] = first ? [x, y] : [y, x];
    ratios.push(b / a);
    console.log(`  round ${r + 1}: fused ${a} ms, multiply and add ${b} ms a step (median)`);
  }
  console.log(`  B/A ${spread(ratios)}`);
}
