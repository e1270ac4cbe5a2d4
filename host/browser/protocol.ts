/**
 * The messages between a page and the compute worker (worker.ts; client.ts is the page's side). Every value is
 * a plain structured-clone object: a pipeline result is the same object runPipeline returns in Node.
 */
import type { PipelineResult } from "../pipeline/engine.js";
import type { PipelineStage } from "../pipeline/config.js";
import type { PerfReport, PerfOptions } from "./perf.js";
import type { PredictRequest, PredictResult } from "./predict_task.js";
import type { Volume } from "../transport/volume_type.js";
import type { TransportRequest, TransportResult } from "../transport/tortuosity.js";

/** What a worker can be asked to do. */
export type WorkerTask =
  /**
   * the pipeline of a pipeline file's text (YAML or JSON), as `assb run --threads <threads>` runs it; threads > 1 steps
   * the compaction's DEM on that many threads (a cross-origin isolated page only)
   */
  | { kind: "pipeline"; yaml: string; threads?: number }
  /** one transport solve of a volume (e.g. a pipeline's voxels along another axis), as transport() in Node */
  | { kind: "transport"; volume: Volume; request: TransportRequest }
  /** a PNG cross-section through a shipped CNN, with a Grad-CAM map (predict_task.ts) */
  | { kind: "predict"; request: PredictRequest }
  /** DEM particle-steps/s and one transport solve, timed in the worker (perf.ts) */
  | { kind: "perf"; options?: PerfOptions };

/** What each task resolves to. */
export interface TaskResults {
  pipeline: { result: PipelineResult; scalars: Record<string, number>; threads: number };
  transport: TransportResult;
  predict: PredictResult;
  perf: PerfReport;
}

/** A stage's fraction done (0..1) with a short note (protocol phase, pressure, tau). */
export interface WorkerProgress {
  stage: PipelineStage | "perf" | "predict";
  fraction: number;
  detail?: string;
  /** the compaction's state (pressure_Pa, wallPosition_m, step): a live compaction curve */
  data?: Record<string, number>;
}

export type ToWorker = { id: number; task: WorkerTask };
export type FromWorker =
  | ({ id: number; type: "progress" } & WorkerProgress)
  | { id: number; type: "result"; value: unknown }
  /** field: the config path the one-line message starts with (e.g. pack.am.size.min_m), when it names one */
  | { id: number; type: "error"; message: string; field?: string };

/** The config path a one-line error starts with ("pipeline: pack.am.size.min_m = -1: expected ..."), as forms name fields. */
export function errorField(message: string): string | undefined {
  const m = /^(?:pipeline: )?([A-Za-z_][\w.[\]]*)(?:: | = )/.exec(message);
  return m?.[1].replace(/\[(\d+)\]/g, ".$1");
}
