/** Worker of `solveImagesParallel`: solves the image ranges it is sent with its own compute core. */
import { parentPort, workerData } from "node:worker_threads";
import { loadCore } from "../core/wasm.js";
import { solveImages, type ImageBatchOptions } from "./images.js";
import type { WorkerJob } from "./images_pool.js";

const { shape, data, opts, module } = workerData as { shape: number[]; data: SharedArrayBuffer; opts: ImageBatchOptions; module?: WebAssembly.Module };
const k = await loadCore({ module });
const batch = { shape, data: new Uint8Array(data), phases: {} };
parentPort!.on("message", (job: WorkerJob) => {
  parentPort!.postMessage({ rows: solveImages(k, batch, opts, job.first, job.last) });
});
parentPort!.postMessage({ ready: true });
