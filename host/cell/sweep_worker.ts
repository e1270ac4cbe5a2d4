/** Worker of `sweepParallel`: runs the job ranges it is sent with its own compute core. */
import { parentPort, workerData } from "node:worker_threads";
import { loadCore } from "../core/wasm.js";
import { sweepSerial, type SweepJob } from "./sweep.js";
import type { CellNumerics } from "./model.js";

const { jobs, numerics } = workerData as { jobs: SweepJob[]; numerics: Partial<CellNumerics> };
const k = await loadCore();
parentPort!.on("message", (job: { first: number; last: number }) => {
  try { parentPort!.postMessage({ rows: sweepSerial(k, jobs, numerics, job.first, job.last) }); }
  catch (e) { parentPort!.postMessage({ error: (e as Error).message }); }
});
parentPort!.postMessage({ ready: true });
