/**
 * DEM threads in a page's compute worker (the page must be cross-origin isolated: shared wasm memory). The
 * threads are more instances of the compute worker itself (`new Worker(import.meta.url)`: one script in the
 * package's dist/browser and in a Vite build), started and waiting before the run begins: a worker blocked in a
 * synchronous stage cannot start a nested worker, so the pool is made first and each thread is handed its system
 * through a mailbox in the shared memory (no message while the run blocks). Each thread then runs threadLoop
 * (host/dem/threads_core.ts), as a Node thread worker does; the run is the same as in Node on the same thread
 * count, bit for bit.
 */
import type { SharedDemKernels } from "../core/wasm.js";
import { threadInstance, threadLoop, type ThreadSpawner, type ThreadWorkerData } from "../dem/threads_core.js";

// mailbox words (i32) per thread worker: generation, sys, thread, threads, control words' address, exit
const MB_GEN = 0,
  MB_SYS = 1,
  MB_T = 2,
  MB_THREADS = 3,
  MB_CTL = 4,
  MB_EXIT = 5;
const MB_BYTES = 64;

/** The message that makes a compute worker a DEM thread. */
export interface DemThreadInit {
  role: "dem-thread";
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  mailbox: number;
}

export interface DemThreadPool {
  /** gives thread data.t its system (the spawner of DemThreads.start) */
  spawn: ThreadSpawner;
  /** threads in the pool (a run uses up to size + 1 threads: this one too) */
  size: number;
  close(): void;
}

/** Starts `size` thread workers on the shared core `k` and waits until each has its instance. */
export async function demThreadPool(k: SharedDemKernels, size: number, make: () => Worker): Promise<DemThreadPool> {
  const mailbox = k.heap.alloc(size * MB_BYTES, 64);
  new Uint8Array(k.shared.memory.buffer, mailbox, size * MB_BYTES).fill(0);
  const workers = await Promise.all(
    Array.from({ length: size }, (_, i) => {
      const w = make();
      return new Promise<Worker>((ok, fail) => {
        w.onmessage = (e) => (e.data === "dem-thread-ready" ? ok(w) : undefined);
        w.onerror = (e) => fail(new Error(`DEM thread ${i + 1}: ${e.message || "the worker could not be started"}`));
        w.postMessage({
          role: "dem-thread",
          module: k.shared.module,
          memory: k.shared.memory,
          mailbox: mailbox + i * MB_BYTES,
        } satisfies DemThreadInit);
      });
    }),
  );
  const box = (i: number) => new Int32Array(k.shared.memory.buffer, mailbox + i * MB_BYTES, MB_BYTES / 4);
  const post = (i: number, set: (b: Int32Array) => void) => {
    const b = box(i);
    set(b);
    Atomics.add(b, MB_GEN, 1);
    Atomics.notify(b, MB_GEN);
  };
  return {
    size,
    spawn(d: ThreadWorkerData) {
      if (d.memory !== k.shared.memory || d.t < 1 || d.t > size)
        throw new Error(`DEM thread ${d.t}: not in this pool of ${size} on this memory`);
      post(d.t - 1, (b) => {
        b[MB_SYS] = d.sys;
        b[MB_T] = d.t;
        b[MB_THREADS] = d.threads;
        b[MB_CTL] = d.ctlAt;
      });
      // the thread leaves its loop at the control words' stop and waits for its next system
      return { terminate: () => {} };
    },
    close() {
      for (let i = 0; i < size; i++) post(i, (b) => (b[MB_EXIT] = 1));
      for (const w of workers) w.terminate();
    },
  };
}

/** The thread loop of a compute worker given the dem-thread role (never returns until the pool closes). */
export async function runDemThread(init: DemThreadInit, ready: () => void): Promise<void> {
  const step = await threadInstance(init.module, init.memory);
  const b = new Int32Array(init.memory.buffer, init.mailbox, MB_BYTES / 4);
  ready();
  let mgen = 0;
  for (;;) {
    Atomics.wait(b, MB_GEN, mgen);
    mgen = Atomics.load(b, MB_GEN);
    if (Atomics.load(b, MB_EXIT) !== 0) return;
    // one system's run, as a Node thread worker runs it; back here when its threads stop
    threadLoop(init.memory, { sys: b[MB_SYS], t: b[MB_T], threads: b[MB_THREADS], ctlAt: b[MB_CTL] }, step);
  }
}
