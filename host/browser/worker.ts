/**
 * The compute worker of a page (a module Web Worker): it runs the tasks of protocol.ts one at a time on a fresh
 * instance of the wasm core, posting progress while a stage runs. The page's side is client.ts; a cancel ends
 * the worker (the stages run synchronously), so nothing here listens for one.
 */
import { parse as parseYaml } from "yaml";
import { type Kernels, loadCore, loadSharedCore } from "../core/wasm.js";
import type { DemSystem } from "../dem/system.js";
import { DemThreads } from "../dem/threads_core.js";
import { demThreadPool, runDemThread, type DemThreadInit } from "./dem_threads.js";
import { AssbError } from "../config/errors.js";
import { parsePipelineConfig } from "../pipeline/config.js";
import { runPipelineWith, type PipelineCore, type PipelineRunOptions } from "../pipeline/engine.js";
import { pipelineScalars } from "../pipeline/summary.js";
import { browserCellSource } from "./cell_sets.js";
import { perfProbe } from "./perf.js";
import { transport } from "../transport/tortuosity.js";
import { errorField, type FromWorker, type ToWorker, type WorkerTask } from "./protocol.js";

interface WorkerScope {
  onmessage: ((e: MessageEvent<ToWorker | DemThreadInit>) => void) | null;
  postMessage(m: FromWorker): void;
}
const scope = globalThis as unknown as WorkerScope;

// a static URL: bundlers (esbuild's dist/browser/, Vite) resolve it to the core beside the package; each task gets a
// fresh instance (the module is compiled once), so nothing a run allocates outlives it
const freshCore = (): Promise<PipelineCore> => loadCore({ wasm: new URL("../../build/assbkit.wasm", import.meta.url) });

/** The DEM of a pipeline on `threads` threads: a fresh shared-memory core and a pool of thread workers (this script). */
async function demOnThreads(threads: number): Promise<{ dem: NonNullable<PipelineRunOptions["dem"]>; close(): void }> {
  if (!(globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated)
    throw new AssbError(
      `threads = ${threads}: the page is not cross-origin isolated (served without COOP/COEP headers), so it has no shared memory; use threads 1`,
    );
  const shared = await loadSharedCore();
  const pool = await demThreadPool(shared, threads - 1, () => new Worker(import.meta.url, { type: "module" }));
  let last: DemSystem | undefined;
  return {
    dem: {
      kernels: shared as unknown as Kernels,
      onSystem: (s) => {
        last = s;
        s.stopThreads();
        s.threads = DemThreads.start(s, threads, pool.spawn);
      },
    },
    close() {
      last?.stopThreads();
      pool.close();
    },
  };
}

async function run(id: number, task: WorkerTask): Promise<unknown> {
  if (task.kind === "predict") {
    scope.postMessage({ id, type: "progress", stage: "predict", fraction: 0, detail: "loading the model" });
    // TensorFlow.js only when a page predicts
    const { predictImage } = await import("./predict_task.js");
    return predictImage(task.request);
  }
  const k = await freshCore();
  if (task.kind === "pipeline") {
    let raw: unknown;
    try {
      raw = parseYaml(task.yaml);
    } catch (e) {
      throw new AssbError(`pipeline: not YAML or JSON: ${(e as Error).message.split("\n")[0]}`);
    }
    const threads = task.threads ?? 1;
    if (!Number.isInteger(threads) || threads < 1 || threads > 16)
      throw new AssbError(`threads = ${JSON.stringify(threads)}: expected an integer 1-16 (threads that step the compaction's DEM)`);
    const cfg = parsePipelineConfig(raw);
    const cells = await browserCellSource();
    const mt = threads > 1 ? await demOnThreads(threads) : undefined;
    try {
      const result = runPipelineWith(k, cfg, cells, {
        ...(mt ? { dem: mt.dem } : {}),
        onProgress: (stage, fraction, detail, data) =>
          scope.postMessage({ id, type: "progress", stage, fraction, ...(detail ? { detail } : {}), ...(data ? { data } : {}) }),
      });
      return { result, scalars: pipelineScalars(result), threads };
    } finally {
      mt?.close();
    }
  }
  if (task.kind === "transport") return transport(k, task.volume, task.request);
  if (task.kind === "perf") {
    scope.postMessage({ id, type: "progress", stage: "perf", fraction: 0 });
    return perfProbe(k, task.options);
  }
  throw new AssbError(`task.kind: ${(task as { kind: unknown }).kind} is not a task (expected pipeline, transport, predict or perf)`);
}

scope.onmessage = (e) => {
  const d = e.data as ToWorker | DemThreadInit;
  // a DEM thread of another compute worker's run (dem_threads.ts): this worker is that thread from now on
  if ("role" in d && d.role === "dem-thread") {
    void runDemThread(d, () => (scope.postMessage as (m: unknown) => void)("dem-thread-ready"));
    return;
  }
  const { id, task } = d as ToWorker;
  run(id, task).then(
    (value) => scope.postMessage({ id, type: "result", value }),
    (err: unknown) => {
      const message = err instanceof Error ? err.message.split("\n")[0] : String(err);
      const field = err instanceof AssbError ? errorField(message) : undefined;
      scope.postMessage({ id, type: "error", message, ...(field ? { field } : {}) });
    },
  );
};
