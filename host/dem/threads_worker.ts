/** A worker of DemThreads: thread t of the DEM step on the shared memory, woken by the control words for each run. */
import { parentPort, workerData } from "node:worker_threads";
import { sharedImports } from "../core/wasm.js";

const { module, memory, sys, t, threads, ctlAt, exitOnFirstStep } = workerData as {
  exitOnFirstStep: boolean;
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  sys: number;
  t: number;
  threads: number;
  ctlAt: number;
};
const instance = await WebAssembly.instantiate(module, sharedImports(memory));
const step = instance.exports.demStepMT as (sys: number, t: number, T: number, n: number) => number;
// control words: generation, steps, stop, workers ready (host/dem/threads.ts); the first run bumps the generation
// from 0, whether or not this worker was waiting yet
const ctl = new Int32Array(memory.buffer, ctlAt, 4);
let gen = 0;
Atomics.add(ctl, 3, 1);
Atomics.notify(ctl, 3);
for (;;) {
  Atomics.wait(ctl, 0, gen);
  gen = Atomics.load(ctl, 0);
  if (Atomics.load(ctl, 2) !== 0) break;
  // testing (ThreadTesting): die as a crash would, with the others at a barrier
  if (exitOnFirstStep) process.exit(7);
  step(sys, t, threads, Atomics.load(ctl, 1));
}
parentPort!.close();
