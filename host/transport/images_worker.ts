/**
 * Worker of `solveImagesParallel`: with its own compute core, takes chunks from the pool's shared counter
 * until it is spent, then solves the chunks the pool sends it (ones whose worker died).
 */
import { parentPort, workerData } from "node:worker_threads";
import { loadCore } from "../core/wasm.js";
import { solveImages, type ImageBatchOptions } from "./images.js";
import { chunkRange, Q_DONE, Q_NEXT, Q_OWNER, type ChunkQueue, type WorkerReply } from "./images_pool.js";

const { shape, data, opts, module, crash, queue, id } = workerData as {
  shape: number[];
  data: SharedArrayBuffer;
  opts: ImageBatchOptions;
  module?: WebAssembly.Module;
  crash?: { first: number; count: Int32Array; times: number };
  queue: ChunkQueue;
  id: number;
};
const k = await loadCore({ module });
const batch = { shape, data: new Uint8Array(data), phases: {} };
const q = queue.slots;

function solveChunk(c: number): WorkerReply {
  Atomics.store(q, Q_OWNER + c, id + 1);
  const { first, last } = chunkRange(queue, c);
  // testing (PoolOptions.crashTest): die with this chunk in flight, as an out-of-memory kill would
  if (crash && first === crash.first && Atomics.add(crash.count, 0, 1) < crash.times) process.exit(7);
  const rows = solveImages(k, batch, opts, first, last);
  Atomics.add(q, Q_DONE, last - first);
  return { chunk: c, rows };
}

for (let c = Atomics.add(q, Q_NEXT, 1); c < queue.chunks; c = Atomics.add(q, Q_NEXT, 1)) parentPort!.postMessage(solveChunk(c));
parentPort!.postMessage({ idle: true } satisfies WorkerReply);
parentPort!.on("message", (c: number) => parentPort!.postMessage({ ...solveChunk(c), idle: true } satisfies WorkerReply));
