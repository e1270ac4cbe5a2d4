/**
 * Image batches on a pool of worker threads (Node): each worker loads its own compute core and
 * takes chunks of images from a shared queue until the batch is done, so images that solve at once
 * (non-percolating) do not leave a worker idle. Results come back in image order and are identical
 * to the single-threaded `solveImages` (each image is an independent solve with the same settings).
 */
import type { Worker } from "node:worker_threads";
import { startWorker } from "../core/worker.js";
import { availableParallelism } from "node:os";
import { coreModule, type TransportKernels } from "../core/wasm.js";
import { ConfigError } from "../config/errors.js";
import type { Volume } from "./volume_type.js";
import { checkBatch, solveImages, type ImageBatchOptions, type ImageResult } from "./images.js";

export interface PoolOptions {
  /** Worker threads (default: the machine's available parallelism, at most one per `chunk` images; 1 = no workers). */
  workers?: number;
  /** Images handed to a worker at a time. */
  chunk?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface WorkerJob { first: number; last: number }

export async function solveImagesParallel(k: TransportKernels, batch: Volume, o: ImageBatchOptions, p: PoolOptions = {}): Promise<ImageResult[]> {
  const [B] = checkBatch(batch);
  const chunk = p.chunk ?? 25;
  if (!Number.isInteger(chunk) || chunk < 1) throw new ConfigError(`transport-images: chunk = ${chunk}: expected a positive integer [images]`);
  const want = p.workers ?? availableParallelism();
  if (!Number.isInteger(want) || want < 1) throw new ConfigError(`transport-images: workers = ${want}: expected a positive integer [threads]`);
  const nw = Math.min(want, Math.ceil(B / chunk));
  if (nw <= 1) return solveImages(k, batch, o, 0, B, p.onProgress);
  // validate once here, so a bad option fails in the caller, not in every worker
  solveImages(k, { ...batch, shape: [0, ...batch.shape.slice(-2)] }, o);

  // the workers instantiate the compiled core they are given: no compilation of their own, and machine code
  // optimised in one thread serves all
  const module = await coreModule();
  const shared = new SharedArrayBuffer(batch.data.length);
  new Uint8Array(shared).set(batch.data);
  const out: ImageResult[] = new Array(B);
  let next = 0, done = 0;
  const take = (): WorkerJob | null => {
    if (next >= B) return null;
    const job = { first: next, last: Math.min(B, next + chunk) };
    next = job.last;
    return job;
  };
  const workers: Worker[] = [];
  try {
    await Promise.all(Array.from({ length: nw }, () => new Promise<void>((resolve, reject) => {
      const w = startWorker(import.meta.url, "images_worker", { shape: batch.shape, data: shared, opts: o, module });
      workers.push(w);
      w.on("message", (m: { rows?: ImageResult[]; ready?: boolean }) => {
        if (m.rows) {
          for (const r of m.rows) out[r.index] = r;
          done += m.rows.length;
          p.onProgress?.(done, B);
        }
        const job = take();
        if (job) w.postMessage(job);
        else { void w.terminate(); resolve(); }
      });
      w.on("error", reject);
      w.on("exit", (code) => { if (code !== 0 && next < B) reject(new Error(`transport-images: worker stopped with exit code ${code}`)); });
    })));
  } finally {
    for (const w of workers) void w.terminate();
  }
  return out;
}
