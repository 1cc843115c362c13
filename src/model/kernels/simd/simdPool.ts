// Threads for the SIMD module's kernels, in Node and in a page's training worker. On tfjs-wasm's threaded
// build the heap is a shared memory, so other threads can run the same module on the same tensors: the
// pool's workers (Node's worker_threads, or Workers nested in the page's worker) each instantiate it on
// that memory, and a kernel split into independent calls (attention by batch rows, GELU and AdamW by
// element ranges, a transpose and a product by bands of rows, a weight gradient by bands of its columns)
// runs its calls on the calling thread and the workers at once. XNNPACK's own thread pool idles
// meanwhile (a training step runs no XNNPACK product on the fast path), so the same cores serve both.
//
// A call never waits for a worker to start: workers start on the first split that is worth it and take
// work once ready; until then, and wherever a pool cannot exist (a plain memory, no workers, Atomics.wait
// refused, as on a page's main thread), every call runs on the calling thread. Results do not depend on
// the split: each output element is computed by the same code in the same order, on whichever thread.
//
// Protocol, per worker: a shared Int32 control word (IDLE -> JOB by the caller, JOB -> DONE or FAILED by
// the worker) and the job's calls as float64 arguments after it.
import type { SimdKernels } from './simdKernels.ts';

/** The kernels a pool can run: each call independent of the others, writing only its own outputs. */
export type PooledKernel =
  | 'attentionForward'
  | 'attentionBackward'
  | 'prefixAttentionForward'
  | 'gelu'
  | 'geluGrad'
  | 'adamWSlice'
  | 'transpose'
  | 'weightGrad'
  | 'matMul';
const POOLED: readonly PooledKernel[] = [
  'attentionForward',
  'attentionBackward',
  'prefixAttentionForward',
  'gelu',
  'geluGrad',
  'adamWSlice',
  'transpose',
  'weightGrad',
  'matMul',
];

const IDLE = 0;
const JOB = 1;
const DONE = 2;
const FAILED = 3;
const QUIT = 4;
/** Control words: state, kernel, call count, ready. */
const HEADER_INTS = 4;
const MAX_ARGS = 16;
const MAX_CALLS = 64;
const CONTROL_BYTES = 4 * HEADER_INTS + 8 * MAX_ARGS * MAX_CALLS;
/** A worker that has not answered a job within this long is taken for dead. */
const ANSWER_MS = 300_000;

// The worker's body, plain JS, and how it gets its data: workerData under Node's worker_threads (eval), the
// first message in a page's worker (from a Blob).
const WORKER_BODY = `
const start = ({ module, memory, control, names }) => {
  const kernels = new WebAssembly.Instance(module, { env: { memory } }).exports;
  const word = new Int32Array(control, 0, ${HEADER_INTS});
  const args = new Float64Array(control, ${4 * HEADER_INTS});
  Atomics.store(word, 3, 1);
  for (;;) {
    Atomics.wait(word, 0, ${IDLE});
    const state = Atomics.load(word, 0);
    if (state === ${QUIT}) return;
    if (state !== ${JOB}) continue;
    try {
      const kernel = kernels[names[word[1]]];
      for (let c = 0; c < word[2]; c++) kernel(...args.subarray(c * ${MAX_ARGS}, (c + 1) * ${MAX_ARGS}));
      Atomics.store(word, 0, ${DONE});
    } catch (error) {
      Atomics.store(word, 0, ${FAILED});
    }
    Atomics.notify(word, 0);
  }
};
`;
const NODE_WORKER_SOURCE = `${WORKER_BODY}\nstart(require('node:worker_threads').workerData);\n`;
const PAGE_WORKER_SOURCE = `${WORKER_BODY}\nself.onmessage = (event) => start(event.data);\n`;

interface PoolWorker {
  word: Int32Array;
  args: Float64Array;
  dead: boolean;
}

/**
 * Starts a worker thread with `data`: Node's worker_threads, or a page's Worker (nested in the worker
 * that trains: a page's main thread never gets here, as it may not wait); false where there are none.
 */
function spawnThread(data: object, onError: () => void): boolean {
  const getBuiltin = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process
    ?.getBuiltinModule;
  if (getBuiltin) {
    const threads = getBuiltin('node:worker_threads') as {
      Worker: new (
        code: string,
        options: { eval: true; workerData: object },
      ) => { unref(): void; on(event: string, f: () => void): void };
    };
    const worker = new threads.Worker(NODE_WORKER_SOURCE, { eval: true, workerData: data });
    worker.unref(); // an idle pool never keeps a finished process alive
    worker.on('error', onError);
    return true;
  }
  if (typeof Worker === 'undefined' || typeof Blob === 'undefined') return false;
  // The Blob's URL stays valid for the page's life (a few hundred bytes): revoking it before the worker
  // has loaded it would fail the load.
  const url = URL.createObjectURL(new Blob([PAGE_WORKER_SOURCE], { type: 'text/javascript' }));
  const worker = new Worker(url);
  worker.onerror = onError;
  worker.postMessage(data);
  return true;
}

/** Whether this thread may block in Atomics.wait (a page's main thread may not). */
function canWait(): boolean {
  if (typeof SharedArrayBuffer === 'undefined') return false;
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

let threadsWanted = 1;

/** How many threads (the caller's included) kernels may use from now on; 1 turns pools off. */
export function setSimdThreads(threads: number): void {
  threadsWanted = Math.max(1, Math.floor(threads));
}

export function simdThreads(): number {
  return threadsWanted;
}

/** Runs kernels split over the calling thread and its workers. */
export class SimdPool {
  private readonly workers: PoolWorker[] = [];
  private started = false;
  /** Jobs handed to workers so far (the bench and tests read it). */
  jobs = 0;

  constructor(
    private readonly kernels: SimdKernels,
    private readonly module: WebAssembly.Module,
    private readonly memory: WebAssembly.Memory,
  ) {}

  /**
   * How many parts to split a kernel's work into now: 1 unless the work is at least `minWork` per part
   * and workers are ready (asking starts them, once, when the work is worth it).
   */
  parts(work: number, minWork: number): number {
    const wanted = Math.min(threadsWanted, Math.floor(work / minWork));
    if (wanted < 2) return 1;
    if (!this.started) this.start();
    let ready = 1;
    for (const w of this.workers) if (!w.dead && Atomics.load(w.word, 3) === 1) ready++;
    return Math.min(wanted, ready);
  }

  /** Runs every call (each the kernel's arguments), spread over the caller and the ready workers. */
  run(kernel: PooledKernel, calls: number[][]): void {
    const ready = this.workers.filter((w) => !w.dead && Atomics.load(w.word, 3) === 1);
    const workers = ready.slice(0, Math.min(threadsWanted, calls.length) - 1);
    // A worker's job holds at most MAX_CALLS calls: longer lists run in rounds.
    const round = MAX_CALLS * (workers.length + 1);
    for (let from = 0; from < calls.length; from += round)
      this.runRound(kernel, calls.slice(from, from + round), workers);
  }

  /** Call i goes to thread i mod (workers + 1); thread 0 is the caller. */
  private runRound(kernel: PooledKernel, calls: number[][], workers: PoolWorker[]): void {
    const threads = workers.length + 1;
    workers.forEach((w, i) => {
      let count = 0;
      for (let c = i + 1; c < calls.length; c += threads) {
        const call = calls[c]!;
        if (call.length > MAX_ARGS)
          throw new Error(`simd pool: ${kernel} takes at most ${MAX_ARGS} arguments`);
        w.args.set(call, count++ * MAX_ARGS);
      }
      w.word[1] = POOLED.indexOf(kernel);
      w.word[2] = count;
      Atomics.store(w.word, 0, JOB);
      Atomics.notify(w.word, 0);
      this.jobs++;
    });
    const own: (...args: number[]) => void = this.kernels[kernel];
    for (let c = 0; c < calls.length; c += threads) own(...calls[c]!);
    for (const w of workers) {
      while (Atomics.load(w.word, 0) === JOB) {
        if (Atomics.wait(w.word, 0, JOB, ANSWER_MS) === 'timed-out') {
          w.dead = true;
          throw new Error(`a kernel thread did not answer ${kernel} within ${ANSWER_MS / 1000} s`);
        }
      }
      const state = Atomics.load(w.word, 0);
      Atomics.store(w.word, 0, IDLE);
      if (state === FAILED) {
        w.dead = true;
        throw new Error(`a kernel thread failed in ${kernel}`);
      }
    }
  }

  /** Stops the workers (they exit at their next wake-up). */
  close(): void {
    for (const w of this.workers) {
      w.dead = true;
      Atomics.store(w.word, 0, QUIT);
      Atomics.notify(w.word, 0);
    }
  }

  private start(): void {
    this.started = true;
    if (!canWait()) return;
    for (let i = 1; i < threadsWanted; i++) {
      const control = new SharedArrayBuffer(CONTROL_BYTES);
      const worker: PoolWorker = {
        word: new Int32Array(control, 0, HEADER_INTS),
        args: new Float64Array(control, 4 * HEADER_INTS),
        dead: false,
      };
      const data = { module: this.module, memory: this.memory, control, names: POOLED };
      try {
        if (!spawnThread(data, () => (worker.dead = true))) return;
      } catch {
        return;
      }
      this.workers.push(worker);
    }
  }
}

/** [first, count] slices of n items in `parts` nearly equal runs, each (but the last) a multiple of `align`. */
export function splitEvenly(n: number, parts: number, align = 1): [number, number][] {
  const slices: [number, number][] = [];
  let first = 0;
  for (let i = 0; i < parts && first < n; i++) {
    const end = i === parts - 1 ? n : Math.min(n, Math.ceil(((i + 1) * n) / parts / align) * align);
    if (end > first) slices.push([first, end - first]);
    first = end;
  }
  return slices;
}

const pools = new WeakMap<WebAssembly.Memory, SimdPool>();

/** The pool for kernels on a shared memory (made on first ask); null on a plain memory. */
export function simdPoolFor(
  kernels: SimdKernels,
  module: WebAssembly.Module,
  memory: WebAssembly.Memory,
): SimdPool | null {
  if (typeof SharedArrayBuffer === 'undefined' || !(memory.buffer instanceof SharedArrayBuffer)) return null;
  let pool = pools.get(memory);
  if (!pool) {
    pool = new SimdPool(kernels, module, memory);
    pools.set(memory, pool);
  }
  return pool;
}
