/** A worker of DemThreads (Node): thread t of the DEM step on the shared memory, woken by the control words for each run. */
import { parentPort, workerData } from "node:worker_threads";
import { threadInstance, threadLoop, type ThreadWorkerData } from "./threads_core.js";

const d = workerData as ThreadWorkerData;
const step = await threadInstance(d.module, d.memory);
// testing (ThreadTesting): die as a crash would, with the others at a barrier
threadLoop(d.memory, d, step, d.exitOnFirstStep ? () => process.exit(7) : undefined);
parentPort!.close();
