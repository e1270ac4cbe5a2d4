/** Worker of `solveImagesParallel`: solves the image ranges it is sent with its own compute core. */
import { parentPort, workerData } from "node:worker_threads";
import { loadCore } from "../core/wasm.js";
import { solveImages, type ImageBatchOptions } from "./images.js";
import type { WorkerJob } from "./images_pool.js";

const { shape, data, opts, module, crash } = workerData as {
  shape: number[];
  data: SharedArrayBuffer;
  opts: ImageBatchOptions;
  module?: WebAssembly.Module;
  crash?: { first: number; count: Int32Array; times: number };
};
const k = await loadCore({ module });
const batch = { shape, data: new Uint8Array(data), phases: {} };
parentPort!.on("message", (job: WorkerJob) => {
  // testing (PoolOptions.crashTest): die with this chunk in flight, as an out-of-memory kill would
  if (crash && job.first === crash.first && Atomics.add(crash.count, 0, 1) < crash.times) process.exit(7);
  parentPort!.postMessage({ rows: solveImages(k, batch, opts, job.first, job.last) });
});
parentPort!.postMessage({ ready: true });
