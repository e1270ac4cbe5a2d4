/**
 * A labelled dataset of GRF images (Node): the batch as a raw tensor + JSON sidecar (the
 * fixtures/transport format `assb transport-images` and `assb train` data.type raw read) and a labels
 * CSV from the transport solver (current and resistance at sigma = 1 S/m, V = 1 V across the rows),
 * solved on a pool of worker threads.
 */
import { loadCore } from "../core/wasm.js";
import { toCsv } from "../io/csv.js";
import { writeFileAtomic } from "../io/atomic.js";
import { writeVolume } from "../transport/volume.js";
import { solveImagesParallel } from "../transport/images_pool.js";
import { type ImageResult, imageResultsTable } from "../transport/images.js";
import type { SolverOptions } from "../transport/solver.js";
import { type GrfOptions, grfBatch, grfSidecarMeta } from "./grf.js";

export interface GrfDatasetResult {
  files: string[];
  rows: ImageResult[] | null;
  generateSeconds: number;
  solveSeconds: number;
  workers: number;
}

/**
 * Writes `count` images of `o` to `out` (.json/.raw pair or .tif) and, when `labels` is given, their
 * solver labels CSV. The solver: multigrid-preconditioned CG with a V-cycle (the transport-images
 * default), rtol 1e-8 unless `solver` says otherwise.
 */
export async function writeGrfDataset(
  o: GrfOptions,
  count: number,
  out: string,
  opts: {
    labels?: string;
    workers?: number;
    solver?: Partial<SolverOptions>;
    onProgress?: (stage: string, done: number, total: number) => void;
  } = {},
): Promise<GrfDatasetResult> {
  const t0 = performance.now();
  const { data } = grfBatch(o, count, 0, (d, t) => opts.onProgress?.("generate", d, t));
  const volume = {
    shape: [count, o.size, o.size],
    data,
    phases: { "0": "insulator", "1": "conductor" },
    meta: { ...grfSidecarMeta(o), batch: count },
  };
  const files = writeVolume(out, volume);
  const generateSeconds = (performance.now() - t0) / 1000;
  if (!opts.labels) return { files, rows: null, generateSeconds, solveSeconds: 0, workers: 0 };
  const k = await loadCore();
  const workers = opts.workers ?? 2;
  const t1 = performance.now();
  const rows = await solveImagesParallel(
    k,
    volume,
    { axis: 0, conductorCodes: [1], solver: { rtol: 1e-8, ...(opts.solver ?? {}) } },
    { workers, onProgress: (d, t) => opts.onProgress?.("solve", d, t) },
  );
  const solveSeconds = (performance.now() - t1) / 1000;
  writeFileAtomic(opts.labels, toCsv(imageResultsTable(rows)));
  files.push(opts.labels);
  return { files, rows, generateSeconds, solveSeconds, workers };
}
