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
import { ConfigError, inputError } from "../config/errors.js";
import type { Volume } from "./volume_type.js";
import { checkBatch, checkConductors, solveImages, type ImageBatchOptions, type ImageResult } from "./images.js";

export interface PoolOptions {
  /** Worker threads (default: the machine's available parallelism, at most one per `chunk` images; 1 = no workers). */
  workers?: number;
  /** Images handed to a worker at a time. */
  chunk?: number;
  onProgress?: (done: number, total: number) => void;
  /** Testing: a worker exits (code 7) when it is handed the chunk that starts at image `first`, the first `times` times. */
  crashTest?: { first: number; times: number };
}

export interface WorkerJob {
  first: number;
  last: number;
}

/** Starts of one chunk before the batch fails: a chunk whose worker died is handed to another worker once. */
const MAX_TRIES = 2;

export async function solveImagesParallel(
  k: TransportKernels,
  batch: Volume,
  o: ImageBatchOptions,
  p: PoolOptions = {},
): Promise<ImageResult[]> {
  const [B] = checkBatch(batch);
  const chunk = p.chunk ?? 25;
  if (!Number.isInteger(chunk) || chunk < 1) throw inputError("transport-images: chunk", chunk, "a positive integer", "images");
  const want = p.workers ?? availableParallelism();
  if (!Number.isInteger(want) || want < 1) throw inputError("transport-images: workers", want, "a positive integer", "threads");
  checkConductors(batch, o.conductorCodes);
  const nw = Math.min(want, Math.ceil(B / chunk));
  if (nw <= 1) return solveImages(k, batch, o, 0, B, p.onProgress);
  // validate once here, so a bad option fails in the caller, not in every worker
  solveImages(k, { ...batch, shape: [0, ...batch.shape.slice(-2)] }, o);

  // the workers instantiate the compiled core they are given: no compilation of their own, and machine code
  // optimised in one thread serves all
  const module = await coreModule();
  const shared = new SharedArrayBuffer(batch.data.length);
  new Uint8Array(shared).set(batch.data);
  const crash = p.crashTest
    ? { first: p.crashTest.first, count: new Int32Array(new SharedArrayBuffer(4)), times: p.crashTest.times }
    : undefined;
  const out: ImageResult[] = new Array(B);
  let next = 0,
    done = 0;
  // chunks whose worker died before it answered, handed out again before new ones
  const again: WorkerJob[] = [];
  const tries = new Map<number, number>();
  const take = (): WorkerJob | null => {
    if (again.length) return again.shift()!;
    if (next >= B) return null;
    const job = { first: next, last: Math.min(B, next + chunk) };
    next = job.last;
    return job;
  };
  const workers = new Set<Worker>();
  let started = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      let settled = false;
      const fail = (e: unknown) => {
        if (!settled) {
          settled = true;
          reject(e);
        }
      };
      const spawn = () => {
        started++;
        const w = startWorker(import.meta.url, "images_worker", { shape: batch.shape, data: shared, opts: o, module, crash });
        workers.add(w);
        // the chunk this worker is solving (null: none); `stopping`: we ended it
        let job: WorkerJob | null = null,
          stopping = false,
          lastError = "";
        w.on("message", (m: { rows?: ImageResult[]; ready?: boolean }) => {
          if (m.rows) {
            for (const r of m.rows) out[r.index] = r;
            done += m.rows.length;
            job = null;
            p.onProgress?.(done, B);
            if (done >= B) {
              settled = true;
              resolve();
              return;
            }
          }
          job = take();
          if (job) w.postMessage(job);
          else {
            stopping = true;
            workers.delete(w);
            void w.terminate();
          }
        });
        // an exception in the worker (bad input reaches every worker alike): fail with it
        w.on("error", (e) => {
          lastError = e instanceof Error ? e.message : String(e);
          if (e instanceof ConfigError || (e as { name?: string })?.name === "ConfigError") fail(new ConfigError(lastError));
        });
        w.on("exit", (code) => {
          workers.delete(w);
          if (stopping || settled) return;
          const why = `exit code ${code}${lastError ? `: ${lastError.split("\n")[0]}` : ""}`;
          if (job) {
            const n = (tries.get(job.first) ?? 0) + 1;
            tries.set(job.first, n);
            if (n >= MAX_TRIES) {
              fail(
                new ConfigError(
                  `transport-images: a worker thread died ${n} times while solving images ${job.first}-${job.last - 1} (${why}); run with --workers 1 to solve them in this thread`,
                ),
              );
              return;
            }
            again.push(job);
          }
          // a replacement takes the chunk of the dead worker (and the rest of the queue) when no live worker will
          const left = again.length > 0 || next < B;
          if (left && (workers.size === 0 || job)) {
            if (started >= nw + MAX_TRIES * Math.ceil(B / chunk))
              fail(new ConfigError(`transport-images: worker threads keep dying (${why}); run with --workers 1`));
            else spawn();
          } else if (!left && workers.size === 0 && done < B) {
            fail(new ConfigError(`transport-images: every worker thread stopped with ${B - done} images unsolved (${why})`));
          }
        });
      };
      for (let i = 0; i < nw; i++) spawn();
    });
  } finally {
    for (const w of workers) void w.terminate();
  }
  return out;
}
