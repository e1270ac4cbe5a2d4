/**
 * Image batches on worker threads and this thread (Node): the threads take chunks of images from one
 * shared counter until the batch is done, so images that solve at once (non-percolating) leave no
 * thread idle, and this thread solves while the workers start (a worker takes ~40 ms to its first
 * image; on 2 cores a second worker would only wait for a core). Results come back in image order and
 * are identical to the single-threaded `solveImages` (each image is an independent solve with the same
 * settings).
 */
import type { Worker } from "node:worker_threads";
import { startWorker } from "../core/worker.js";
import { availableParallelism } from "node:os";
import { coreModule, type TransportKernels } from "../core/wasm.js";
import { ConfigError, inputError } from "../config/errors.js";
import type { Volume } from "./volume_type.js";
import { checkBatch, checkConductors, solveImages, type ImageBatchOptions, type ImageResult } from "./images.js";

export interface PoolOptions {
  /**
   * Threads that solve, this one included (default: the machine's available parallelism, at most one per `chunk`
   * images; 1 = this thread alone, no workers).
   */
  workers?: number;
  /** Images taken by a thread at a time. */
  chunk?: number;
  onProgress?: (done: number, total: number) => void;
  /**
   * Testing: a worker exits (code 7) when it takes the chunk that starts at image `first`, the first `times` times
   * (this thread leaves that chunk to the workers).
   */
  crashTest?: { first: number; times: number };
}

/** What the pool shares with its workers: the chunk counter, images done and each chunk's taker, in one SharedArrayBuffer. */
export interface ChunkQueue {
  /** [0]: the next chunk to take; [1]: images done; [Q_OWNER + c]: who took chunk c (0: nobody, w + 1: worker w, -1: the pool's thread). */
  slots: Int32Array;
  chunk: number;
  chunks: number;
  images: number;
}
export const Q_NEXT = 0;
export const Q_DONE = 1;
export const Q_OWNER = 2;

/** Images [first, last) of chunk c. */
export function chunkRange(q: ChunkQueue, c: number): { first: number; last: number } {
  return { first: c * q.chunk, last: Math.min(q.images, (c + 1) * q.chunk) };
}

/** Worker -> pool: the rows of one chunk, and/or that the worker has nothing to do (the counter is spent). */
export interface WorkerReply {
  chunk?: number;
  rows?: ImageResult[];
  idle?: boolean;
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
  const chunks = Math.ceil(B / chunk);
  const threads = Math.min(want, chunks);
  if (threads <= 1) return solveImages(k, batch, o, 0, B, p.onProgress);
  // validate once here, so a bad option fails in the caller, not in every worker
  solveImages(k, { ...batch, shape: [0, ...batch.shape.slice(-2)] }, o);

  // the workers instantiate the compiled core they are given: no compilation of their own, and machine code
  // optimised in one thread serves all
  const module = await coreModule();
  const shared = new SharedArrayBuffer(batch.data.length);
  new Uint8Array(shared).set(batch.data);
  const q: ChunkQueue = { slots: new Int32Array(new SharedArrayBuffer(4 * (Q_OWNER + chunks))), chunk, chunks, images: B };
  const crash = p.crashTest
    ? { first: p.crashTest.first, count: new Int32Array(new SharedArrayBuffer(4)), times: p.crashTest.times }
    : undefined;
  const out: ImageResult[] = new Array(B);
  const solved = new Uint8Array(chunks);
  let received = 0,
    reported = 0;
  const progress = (n: number) => {
    if (n > reported) {
      reported = n;
      p.onProgress?.(n, B);
    }
  };
  const take = (c: number, rows: ImageResult[]) => {
    if (solved[c]) return;
    solved[c] = 1;
    for (const r of rows) out[r.index] = r;
    received += rows.length;
  };
  // chunks to hand to a worker by message: the crash-test chunk, and chunks whose worker died
  const again: number[] = [];
  const tries = new Map<number, number>();
  const workers = new Set<Worker>();
  const idle = new Set<Worker>();
  let started = 0,
    settled = false,
    finish: () => void = () => {},
    fail: (e: Error) => void = () => {};
  const finished = new Promise<void>((resolve, reject) => {
    finish = () => {
      if (!settled) {
        settled = true;
        resolve();
      }
    };
    fail = (e) => {
      if (!settled) {
        settled = true;
        reject(e);
      }
    };
  });
  // an idle worker gets the next chunk to redo, or is ended
  const dispatch = (w: Worker) => {
    const c = again.shift();
    if (c !== undefined) {
      idle.delete(w);
      w.postMessage(c);
    } else if (received < B) idle.add(w);
    else end(w);
  };
  const end = (w: Worker) => {
    workers.delete(w);
    idle.delete(w);
    void w.terminate();
  };
  const spawn = () => {
    const id = started++;
    const w = startWorker(import.meta.url, "images_worker", { shape: batch.shape, data: shared, opts: o, module, crash, queue: q, id });
    workers.add(w);
    let lastError = "";
    w.on("message", (m: WorkerReply) => {
      if (m.rows && m.chunk !== undefined) {
        take(m.chunk, m.rows);
        progress(received);
        if (received >= B) {
          for (const x of [...workers]) end(x);
          finish();
          return;
        }
      }
      if (m.idle) dispatch(w);
    });
    // an exception in the worker (bad input reaches every worker alike): fail with it
    w.on("error", (e) => {
      lastError = e instanceof Error ? e.message : String(e);
      if (e instanceof ConfigError || (e as { name?: string })?.name === "ConfigError") fail(new ConfigError(lastError));
    });
    w.on("exit", (code) => {
      if (!workers.has(w) || settled) return;
      workers.delete(w);
      idle.delete(w);
      const why = `exit code ${code}${lastError ? `: ${lastError.split("\n")[0]}` : ""}`;
      // the chunks it took and did not hand back go to another worker (and one taken from the counter that names no
      // taker: it died between the two; were it a live worker's, the chunk is solved twice and kept once)
      const drawn = Math.min(chunks, Atomics.load(q.slots, Q_NEXT));
      for (let c = 0; c < drawn; c++) {
        const owner = Atomics.load(q.slots, Q_OWNER + c);
        if (solved[c] || again.includes(c) || (owner !== id + 1 && owner !== 0)) continue;
        const n = (tries.get(c) ?? 0) + 1;
        tries.set(c, n);
        const { first, last } = chunkRange(q, c);
        if (n >= MAX_TRIES) {
          fail(
            new ConfigError(
              `transport-images: a worker thread died ${n} times while solving images ${first}-${last - 1} (${why}); run with --workers 1 to solve them in this thread`,
            ),
          );
          return;
        }
        Atomics.store(q.slots, Q_OWNER + c, 0);
        again.push(c);
      }
      for (const x of [...idle]) dispatch(x);
      if (again.length > 0 && idle.size === 0) {
        if (started >= threads - 1 + MAX_TRIES * chunks)
          fail(new ConfigError(`transport-images: worker threads keep dying (${why}); run with --workers 1`));
        else spawn();
      } else if (workers.size === 0 && received < B && again.length === 0)
        fail(new ConfigError(`transport-images: every worker thread stopped with ${B - received} images unsolved (${why})`));
    });
  };
  try {
    for (let i = 1; i < threads; i++) spawn();
    // this thread takes chunks as well, until the counter is spent
    for (let c = Atomics.add(q.slots, Q_NEXT, 1); c < chunks; c = Atomics.add(q.slots, Q_NEXT, 1)) {
      const { first, last } = chunkRange(q, c);
      if (crash && first === crash.first) {
        again.push(c);
        continue;
      }
      Atomics.store(q.slots, Q_OWNER + c, -1);
      take(c, solveImages(k, batch, o, first, last));
      progress(Atomics.add(q.slots, Q_DONE, last - first) + last - first);
    }
    if (received >= B) finish();
    else {
      for (const w of [...idle]) dispatch(w);
      if (again.length > 0 && workers.size === 0) spawn();
    }
    await finished;
  } finally {
    for (const w of [...workers]) end(w);
  }
  return out;
}
