/** Worker of `sweepParallel`: runs the job ranges it is sent with its own compute core. */
import { parentPort, workerData } from "node:worker_threads";
import { loadCore } from "../core/wasm.js";
import { SweepRunner, type SweepJob } from "./sweep.js";
import type { CellNumerics } from "./numerics.js";

const { jobs, numerics } = workerData as { jobs: SweepJob[]; numerics: Partial<CellNumerics> };
const runner = new SweepRunner(await loadCore(), jobs, numerics);
parentPort!.on("message", (job: { first: number; last: number }) => {
  try {
    parentPort!.postMessage({ rows: runner.run(job.first, job.last) });
  } catch (e) {
    parentPort!.postMessage({ error: (e as Error).message });
  }
});
parentPort!.postMessage({ ready: true });
