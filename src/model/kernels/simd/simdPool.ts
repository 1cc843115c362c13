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
// Calls are handed out as threads free up: the caller writes a job (the kernel and every call's
// arguments) into one shared buffer, wakes the workers, and then it and every worker that wakes in time
// take the next call from a shared counter until none is left. A split into a few parts a thread
// (SHARE) thus keeps every core busy when one runs slower than the others (on a shared machine, one
// often does), where a fixed share a thread would wait for the slowest.
//
// Protocol, per worker: a shared Int32 control word, IDLE -> JOB by the caller; JOB -> RUNNING by the
// worker once it wakes, or back to IDLE by the caller if it took every call first; RUNNING -> DONE or
// FAILED by the worker. The job's header words and arguments are in one buffer the workers share.
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
const RUNNING = 2;
const DONE = 3;
const FAILED = 4;
const QUIT = 5;
/** A worker's control words: state, ready. */
const CONTROL_INTS = 2;
/** The job's header words: kernel, call count, next call, calls the workers ran (all jobs). */
const JOB_INTS = 4;
const MAX_ARGS = 16;
/** Calls a job holds: longer lists run as several jobs. */
const MAX_CALLS = 128;
const JOB_BYTES = 4 * JOB_INTS + 8 * MAX_ARGS * MAX_CALLS;
/** Parts a kernel's work is split into per thread: enough to even out threads of unequal speed. */
const SHARE = 4;
/** A worker that has not answered a job within this long is taken for dead. */
const ANSWER_MS = 300_000;

// The worker's body, plain JS, and how it gets its data: workerData under Node's worker_threads (eval), the
// first message in a page's worker (from a Blob). It sleeps while its state is one it has seen.
const WORKER_BODY = `
const start = ({ module, memory, control, job, names }) => {
  const kernels = new WebAssembly.Instance(module, { env: { memory } }).exports;
  const word = new Int32Array(control);
  const head = new Int32Array(job, 0, ${JOB_INTS});
  const args = new Float64Array(job, ${4 * JOB_INTS});
  Atomics.store(word, 1, 1);
  for (;;) {
    const state = Atomics.load(word, 0);
    if (state === ${QUIT}) return;
    if (state !== ${JOB} || Atomics.compareExchange(word, 0, ${JOB}, ${RUNNING}) !== ${JOB}) {
      Atomics.wait(word, 0, state);
      continue;
    }
    try {
      const kernel = kernels[names[head[0]]];
      const count = head[1];
      for (let c = Atomics.add(head, 2, 1); c < count; c = Atomics.add(head, 2, 1)) {
        kernel(...args.subarray(c * ${MAX_ARGS}, (c + 1) * ${MAX_ARGS}));
        Atomics.add(head, 3, 1);
      }
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
  private readonly job = new SharedArrayBuffer(JOB_BYTES);
  private readonly head = new Int32Array(this.job, 0, JOB_INTS);
  private readonly args = new Float64Array(this.job, 4 * JOB_INTS);
  private started = false;
  /** Jobs offered to workers so far (the bench and tests read it). */
  jobs = 0;

  constructor(
    private readonly kernels: SimdKernels,
    private readonly module: WebAssembly.Module,
    private readonly memory: WebAssembly.Memory,
  ) {}

  /** Calls the workers (not the caller) have run so far. */
  get workerCalls(): number {
    return Atomics.load(this.head, 3);
  }

  /** Threads ready now, the caller's included. */
  ready(): number {
    return this.readyWorkers().length + 1;
  }

  private readyWorkers(): PoolWorker[] {
    return this.workers.filter((w) => !w.dead && Atomics.load(w.word, 1) === 1);
  }

  /**
   * How many calls to split a kernel's work into now: 1 unless the work is at least `minWork` for each
   * of two or more threads and their workers are ready (asking starts them, once, when the work is worth
   * it); else SHARE a thread, handed out as threads free up.
   */
  parts(work: number, minWork: number): number {
    const wanted = Math.min(threadsWanted, Math.floor(work / minWork));
    if (wanted < 2) return 1;
    if (!this.started) this.start();
    const threads = Math.min(wanted, this.ready());
    return threads < 2 ? 1 : threads * SHARE;
  }

  /** Runs every call (each the kernel's arguments), spread over the caller and the ready workers. */
  run(kernel: PooledKernel, calls: number[][]): void {
    for (const call of calls)
      if (call.length > MAX_ARGS) throw new Error(`simd pool: ${kernel} takes at most ${MAX_ARGS} arguments`);
    const workers = this.readyWorkers().slice(0, Math.min(threadsWanted, calls.length) - 1);
    for (let from = 0; from < calls.length; from += MAX_CALLS)
      this.runJob(kernel, calls.slice(from, from + MAX_CALLS), workers);
  }

  /** One job: the caller and the workers that wake in time take calls in turn until none is left. */
  private runJob(kernel: PooledKernel, calls: number[][], workers: PoolWorker[]): void {
    const { head, args } = this;
    const own: (...args: number[]) => void = this.kernels[kernel];
    if (workers.length === 0) {
      for (const call of calls) own(...call);
      return;
    }
    calls.forEach((call, c) => args.set(call, c * MAX_ARGS));
    head[0] = POOLED.indexOf(kernel);
    head[1] = calls.length;
    Atomics.store(head, 2, 0);
    for (const w of workers) {
      Atomics.store(w.word, 0, JOB);
      Atomics.notify(w.word, 0);
      this.jobs++;
    }
    for (let c = Atomics.add(head, 2, 1); c < calls.length; c = Atomics.add(head, 2, 1)) own(...calls[c]!);
    let failed: string | null = null;
    for (const w of workers) {
      // A worker that has not woken yet finds nothing left: it need not wake for this job at all.
      if (Atomics.compareExchange(w.word, 0, JOB, IDLE) === JOB) continue;
      while (Atomics.load(w.word, 0) === RUNNING) {
        if (Atomics.wait(w.word, 0, RUNNING, ANSWER_MS) === 'timed-out') {
          // It may still be running and would take calls of the next job from the shared counter: no
          // worker gets a job again, every call runs on the calling thread from now on.
          this.close();
          throw new Error(`a kernel thread did not answer ${kernel} within ${ANSWER_MS / 1000} s`);
        }
      }
      if (Atomics.exchange(w.word, 0, IDLE) === FAILED) {
        w.dead = true;
        failed = `a kernel thread failed in ${kernel}`;
      }
    }
    if (failed) throw new Error(failed);
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
      const control = new SharedArrayBuffer(4 * CONTROL_INTS);
      const worker: PoolWorker = { word: new Int32Array(control), dead: false };
      const data = { module: this.module, memory: this.memory, control, job: this.job, names: POOLED };
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
