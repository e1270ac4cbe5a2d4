/**
 * The page's side of the compute worker: `createWorker()` gives an object whose `run(task)` resolves to the
 * task's result (protocol.ts), reports progress, and cancels through an AbortSignal. A cancel ends the worker
 * (a stage runs synchronously inside it; nothing else can stop it) and rejects with an AbortError; the next
 * run starts a fresh worker, so the page stays usable.
 */
import type { FromWorker, TaskResults, ToWorker, WorkerProgress, WorkerTask } from "./protocol.js";

export interface RunOptions {
  onProgress?: (p: WorkerProgress) => void;
  /** aborting it ends the run: the promise rejects with an AbortError */
  signal?: AbortSignal;
}

/** A failed task: the worker's one-line message and, when it names one, the config field (for a form). */
export class WorkerTaskError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = "WorkerTaskError";
  }
}

export interface AssbWorker {
  run<K extends WorkerTask["kind"]>(task: Extract<WorkerTask, { kind: K }>, opts?: RunOptions): Promise<TaskResults[K]>;
  /** ends the worker; a later run starts a new one */
  terminate(): void;
}

/**
 * The compute worker. `make` creates the Worker (default: dist/browser/assbkit-worker.js beside this bundle); a
 * Vite app passes `() => new Worker(new URL(".../worker.ts", import.meta.url), { type: "module" })` so Vite bundles it.
 */
export function createWorker(make?: () => Worker): AssbWorker {
  // the file name is built, not a literal: a bundler that follows `new Worker(new URL("literal"))` (Vite) would look for
  // the bundle here in the sources; an app bundling the worker itself passes `make`
  const file = ["assbkit", "worker.js"].join("-");
  const create =
    make ??
    (() => {
      const url = new URL("./" + file, import.meta.url);
      return new Worker(url, { type: "module" });
    });
  let w: Worker | undefined;
  let nextId = 1;
  const pending = new Map<number, { ok: (v: unknown) => void; fail: (e: unknown) => void; progress?: (p: WorkerProgress) => void }>();
  const failAll = (e: unknown) => {
    for (const p of pending.values()) p.fail(e);
    pending.clear();
  };
  const worker = (): Worker => {
    if (w) return w;
    const nw = create();
    nw.onmessage = (e: MessageEvent<FromWorker>) => {
      const m = e.data;
      const p = pending.get(m.id);
      if (!p) return;
      if (m.type === "progress")
        p.progress?.({
          stage: m.stage,
          fraction: m.fraction,
          ...(m.detail ? { detail: m.detail } : {}),
          ...(m.data ? { data: m.data } : {}),
        });
      else {
        pending.delete(m.id);
        if (m.type === "result") p.ok(m.value);
        else p.fail(new WorkerTaskError(m.message, m.field));
      }
    };
    // a worker that fails to load or dies: every waiting run fails with why (never a silent hang)
    nw.onerror = (e: ErrorEvent) => {
      e.preventDefault?.();
      failAll(new WorkerTaskError(`compute worker failed: ${e.message || "it could not be started"}`));
      nw.terminate();
      if (w === nw) w = undefined;
    };
    w = nw;
    return nw;
  };
  const terminate = () => {
    w?.terminate();
    w = undefined;
    failAll(new DOMException("the run was cancelled", "AbortError"));
  };
  return {
    run(task, opts = {}) {
      return new Promise((ok, fail) => {
        if (opts.signal?.aborted) return fail(new DOMException("the run was cancelled", "AbortError"));
        const id = nextId++;
        // the abort listener goes when the run settles: a signal aborted later must not end another run's worker
        const done = () => opts.signal?.removeEventListener("abort", terminate);
        pending.set(id, {
          ok: (v) => {
            done();
            ok(v as never);
          },
          fail: (e) => {
            done();
            fail(e);
          },
          ...(opts.onProgress ? { progress: opts.onProgress } : {}),
        });
        opts.signal?.addEventListener("abort", terminate, { once: true });
        worker().postMessage({ id, task } satisfies ToWorker);
      });
    },
    terminate,
  };
}
