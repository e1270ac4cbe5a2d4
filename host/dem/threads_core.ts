/**
 * A DemSystem's time stepping on several threads sharing its memory (Node: threads.ts; a page's worker:
 * host/browser/dem_threads.ts): the system must live on the shared-memory core (`loadSharedCore`);
 * `DemThreads.start` lays out each thread's force arrays, wall partial sums and the sync block
 * (assembly/dem/step_mt.ts), and has T - 1 workers (from a ThreadSpawner) instantiate the same module on the same
 * memory. Each `run` call then wakes the workers and steps on this thread as thread 0; the threads meet at
 * barriers inside the kernel, so a call costs no messages. Recorded steps run on this thread alone.
 */
import * as L from "../../assembly/dem/layout.js";
import { ConfigError, inputError } from "../config/errors.js";
import { type Kernels, type SharedDemKernels, sharedImports } from "../core/wasm.js";

const { SY_CTL, SY_TIMEOUT, SY_THREAD, SY_BYTES_PER_THREAD } = L;
/** How long a thread waits at a barrier for the others before the run fails (ST_THREAD_LOST) instead of hanging. */
const BARRIER_TIMEOUT_MS = 60_000;
// control words at SY_CTL (i32): generation, steps, stop, workers ready
const CTL_GEN = 0;
const CTL_STEPS = 1;
const CTL_STOP = 2;
const CTL_READY = 3;
/** How long the first run waits for the workers to instantiate the core before it fails (they take ~0.1 s). */
const START_TIMEOUT_MS = 60_000;

/** What a thread worker is given: the module and memory, the system, its thread number, the control words' address. */
export interface ThreadWorkerData {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  sys: number;
  t: number;
  threads: number;
  ctlAt: number;
  /** testing: exit when first woken, as a crash would */
  exitOnFirstStep: boolean;
}

/** The shared-memory core's step on thread t of T (assembly/dem/step_mt.ts). */
export type DemStepMT = (sys: number, t: number, T: number, nsteps: number) => number;

/** A thread worker's own instance of the shared-memory core, on the memory of the system: its step. */
export async function threadInstance(module: WebAssembly.Module, memory: WebAssembly.Memory): Promise<DemStepMT> {
  const instance = await WebAssembly.instantiate(module, sharedImports(memory));
  return instance.exports.demStepMT as DemStepMT;
}

/**
 * A thread worker's loop for one system (Node: threads_worker.ts; a page: host/browser/dem_threads.ts): counts
 * itself ready, then runs each call's steps when the control words' generation moves, until they say stop.
 * `onWake` (testing) runs before each call's steps.
 */
export function threadLoop(
  memory: WebAssembly.Memory,
  d: Pick<ThreadWorkerData, "sys" | "t" | "threads" | "ctlAt">,
  step: DemStepMT,
  onWake?: () => void,
): void {
  const ctl = new Int32Array(memory.buffer, d.ctlAt, 4);
  // the first run bumps the generation from 0, whether or not this worker was waiting yet
  let gen = 0;
  Atomics.add(ctl, CTL_READY, 1);
  Atomics.notify(ctl, CTL_READY);
  for (;;) {
    Atomics.wait(ctl, CTL_GEN, gen);
    gen = Atomics.load(ctl, CTL_GEN);
    if (Atomics.load(ctl, CTL_STOP) !== 0) return;
    onWake?.();
    step(d.sys, d.t, d.threads, Atomics.load(ctl, CTL_STEPS));
  }
}

/** Starts thread data.t's worker (it runs threadLoop); terminate ends it. */
export type ThreadSpawner = (data: ThreadWorkerData) => { terminate(): unknown };

/** The part of a DemSystem the threads need. */
export interface ThreadedSystem {
  readonly kernels: Kernels;
  readonly sys: number;
  readonly n: number;
  readonly nWalls: number;
  setP(slot: number, p: number): void;
  getP(slot: number): number;
  threads?: { step(nsteps: number): number; stop(): void };
  stopThreads(): void;
}

/** Testing: the barriers' time-out, and a worker that exits when it is first woken (as a crash would). */
export interface ThreadTesting {
  timeout_ms?: number;
  workerExitsOnFirstStep?: boolean;
}

export class DemThreads {
  private ready = false;
  private constructor(
    private readonly k: SharedDemKernels,
    private readonly sys: number,
    readonly threads: number,
    private readonly workers: { terminate(): unknown }[],
    private readonly ctl: Int32Array,
  ) {}

  /** Lays out the thread arrays of `s` and starts threads - 1 workers on its memory (the first step waits for them). */
  static start(s: ThreadedSystem, threads: number, spawn: ThreadSpawner, testing?: ThreadTesting): DemThreads {
    if (!Number.isInteger(threads) || threads < 2 || threads > 64)
      throw inputError("dem: threads", threads, "an integer 2-64 (1: no threads)", "threads");
    const k = s.kernels as SharedDemKernels;
    if (!k.shared || typeof k.demStepMT !== "function")
      throw new ConfigError("dem: threads need the system built on the shared-memory core (loadSharedCore()), not the plain one");
    const heap = k.heap,
      n = s.n;
    const sync = heap.alloc(SY_THREAD + (threads + 1) * SY_BYTES_PER_THREAD, 64);
    const blocks = heap.alloc(threads * L.FB_SLOTS * 8, 64);
    const wpart = heap.alloc(Math.max(1, threads * s.nWalls * 4) * 8, 64);
    const bufs = Array.from({ length: (threads - 1) * 6 }, () => heap.alloc(Math.max(1, n) * 8, 64));
    const dv = new DataView(heap.buffer);
    new Uint8Array(heap.buffer, sync, SY_THREAD + (threads + 1) * SY_BYTES_PER_THREAD).fill(0);
    for (let t = 0; t < threads; t++)
      for (let c = 0; c < 6; c++) {
        // thread 0's block names the particles' own arrays (the kernels use those directly)
        const p = t === 0 ? s.getP(L.P_FX + c) : bufs[(t - 1) * 6 + c];
        dv.setUint32(blocks + (t * L.FB_SLOTS + L.FB_FX + c) * 8, p, true);
      }
    dv.setFloat64(sync + SY_TIMEOUT, testing?.timeout_ms ?? BARRIER_TIMEOUT_MS, true);
    s.setP(L.P_SYNC, sync);
    s.setP(L.P_FBLK, blocks);
    s.setP(L.P_WPART, wpart);
    const ctl = new Int32Array(heap.buffer, sync + SY_CTL, 4);
    const workers = Array.from({ length: threads - 1 }, (_, i) =>
      spawn({
        module: k.shared.module,
        memory: k.shared.memory,
        sys: s.sys,
        t: i + 1,
        threads,
        ctlAt: sync + SY_CTL,
        exitOnFirstStep: testing?.workerExitsOnFirstStep === true,
      }),
    );
    return new DemThreads(k, s.sys, threads, workers, ctl);
  }

  /** Waits (blocking, as the run is) until every worker has its instance; fails after START_TIMEOUT_MS. */
  private waitReady(): void {
    const end = Date.now() + START_TIMEOUT_MS;
    for (let r = Atomics.load(this.ctl, CTL_READY); r < this.threads - 1; r = Atomics.load(this.ctl, CTL_READY)) {
      if (Date.now() > end) {
        this.stop();
        throw new ConfigError(
          `dem: ${this.threads - 1 - r} of ${this.threads - 1} DEM worker threads did not start within ${START_TIMEOUT_MS / 1000} s; run with threads: 1 (--threads 1)`,
        );
      }
      Atomics.wait(this.ctl, CTL_READY, r, 100);
    }
    this.ready = true;
  }

  /** Up to nsteps steps on all threads; the kernel's status (capacity codes: grow and call again, as demStep). */
  step(nsteps: number): number {
    if (!this.ready) this.waitReady();
    Atomics.store(this.ctl, CTL_STEPS, nsteps);
    Atomics.add(this.ctl, CTL_GEN, 1);
    Atomics.notify(this.ctl, CTL_GEN);
    return this.k.demStepMT(this.sys, 0, this.threads, nsteps);
  }

  /** Ends the workers (the system steps on this thread alone afterwards). */
  stop(): void {
    Atomics.store(this.ctl, CTL_STOP, 1);
    Atomics.add(this.ctl, CTL_GEN, 1);
    Atomics.notify(this.ctl, CTL_GEN);
    for (const w of this.workers) void w.terminate();
  }
}
