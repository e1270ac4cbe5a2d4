/**
 * DEM threads in Node (threads_core.ts does the work): workers from worker_threads running threads_worker.ts, and
 * the kernels and system hook of a run on n threads (the CLI's --threads).
 */
import { inputError } from "../config/errors.js";
import { type Kernels, loadCore, loadSharedCore } from "../core/wasm.js";
import { startWorker } from "../core/worker.js";
import { DemThreads, type ThreadSpawner, type ThreadTesting, type ThreadedSystem } from "./threads_core.js";

export * from "./threads_core.js";

const nodeSpawn: ThreadSpawner = (data) => startWorker(import.meta.url, "threads_worker", data);

/**
 * Steps `s` on `threads` threads from now on: this one and threads - 1 workers on the same memory (the system must
 * be built on `loadSharedCore()`); 1 stops them. Deterministic for a given count; another count changes the order of
 * the force sums (round-off). Recorded steps run on this thread.
 */
export function startDemThreads(s: ThreadedSystem, threads: number, testing?: ThreadTesting, spawn: ThreadSpawner = nodeSpawn): void {
  s.stopThreads();
  if (threads !== 1) s.threads = DemThreads.start(s, threads, spawn, testing);
}

/**
 * The kernels and the system hook for a DEM run on `threads` threads (the CLI's --threads): the plain core for 1, the
 * shared-memory core and startDemThreads otherwise. `done` ends the workers.
 */
export async function demThreading(threads: number | string | undefined, where = "--threads") {
  const t = threads === undefined ? 1 : Number(threads);
  if (!Number.isInteger(t) || t < 1 || t > 64)
    throw inputError(where, threads, "an integer 1-64 (threads that step one packing)", "threads");
  if (t === 1) return { kernels: (await loadCore()) as Kernels, onSystem: undefined, done: () => {} };
  let sys: ThreadedSystem | undefined;
  return {
    kernels: (await loadSharedCore()) as Kernels,
    onSystem: (s: ThreadedSystem) => {
      sys = s;
      startDemThreads(s, t);
    },
    done: () => sys?.stopThreads(),
  };
}
