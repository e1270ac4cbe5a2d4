/**
 * The compute worker of a page (a module Web Worker): it loads the wasm core once and runs the tasks of
 * protocol.ts one at a time, posting progress while a stage runs. The page's side is client.ts; a cancel ends
 * the worker (the stages run synchronously), so nothing here listens for one.
 */
import { parse as parseYaml } from "yaml";
import { loadCore } from "../core/wasm.js";
import { AssbError } from "../config/errors.js";
import { parsePipelineConfig } from "../pipeline/config.js";
import { runPipelineWith, type PipelineCore } from "../pipeline/engine.js";
import { pipelineScalars } from "../pipeline/summary.js";
import { browserCellSource } from "./cell_sets.js";
import { perfProbe } from "./perf.js";
import { transport } from "../transport/tortuosity.js";
import type { FromWorker, ToWorker, WorkerTask } from "./protocol.js";

interface WorkerScope {
  onmessage: ((e: MessageEvent<ToWorker>) => void) | null;
  postMessage(m: FromWorker): void;
}
const scope = globalThis as unknown as WorkerScope;

let core: Promise<PipelineCore> | undefined;
// a static URL: bundlers (esbuild's dist/browser/, Vite) resolve it to the core beside the package
const coreOnce = () => (core ??= loadCore({ wasm: new URL("../../build/assbkit.wasm", import.meta.url) }));

/** The config path a one-line error starts with ("pipeline: pack.am.size.min_m = -1: expected ..."). */
export function errorField(message: string): string | undefined {
  const m = /^(?:pipeline: )?([A-Za-z_][\w.[\]]*)(?:: | = )/.exec(message);
  return m?.[1];
}

async function run(id: number, task: WorkerTask): Promise<unknown> {
  if (task.kind === "predict") {
    scope.postMessage({ id, type: "progress", stage: "predict", fraction: 0, detail: "loading the model" });
    // TensorFlow.js only when a page predicts
    const { predictImage } = await import("./predict_task.js");
    return predictImage(task.request);
  }
  const k = await coreOnce();
  if (task.kind === "pipeline") {
    let raw: unknown;
    try {
      raw = parseYaml(task.yaml);
    } catch (e) {
      throw new AssbError(`pipeline: not YAML or JSON: ${(e as Error).message.split("\n")[0]}`);
    }
    const cfg = parsePipelineConfig(raw);
    const cells = await browserCellSource();
    const result = runPipelineWith(k, cfg, cells, {
      onProgress: (stage, fraction, detail) => scope.postMessage({ id, type: "progress", stage, fraction, ...(detail ? { detail } : {}) }),
    });
    return { result, scalars: pipelineScalars(result) };
  }
  if (task.kind === "transport") return transport(k, task.volume, task.request);
  if (task.kind === "perf") {
    scope.postMessage({ id, type: "progress", stage: "perf", fraction: 0 });
    return perfProbe(k, task.options);
  }
  throw new AssbError(`task.kind: ${(task as { kind: unknown }).kind} is not a task (expected pipeline, transport, predict or perf)`);
}

scope.onmessage = (e) => {
  const { id, task } = e.data;
  run(id, task).then(
    (value) => scope.postMessage({ id, type: "result", value }),
    (err: unknown) => {
      const message = err instanceof Error ? err.message.split("\n")[0] : String(err);
      const field = err instanceof AssbError ? errorField(message) : undefined;
      scope.postMessage({ id, type: "error", message, ...(field ? { field } : {}) });
    },
  );
};
