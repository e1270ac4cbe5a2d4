/** Discharge sweeps: the pool (calling thread + workers) returns exactly what one thread returns; a small
 *  sweep does not start workers; bad pool options are refused. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { loadCore } from "../../host/core/wasm.js";
import { sweepParallel, sweepSerial, type SweepJob, type SweepStats } from "../../host/cell/sweep.js";

const k = await loadCore();
const jobs: SweepJob[] = [];
for (const R of [0.75e-6, 1.5e-6])
  for (const c of [0.5, 1, 2, 3, 4, 5])
    for (const cut of [3.0, 3.2]) jobs.push({ params: "Asheri2023", overrides: { "Particle radius [m]": R }, cRate: c, cutoff_V: cut });
const newStats = (): SweepStats => ({ main: 0, workers: [], workerReady_ms: [], poolStarted: false, estimatedSerial_s: 0 });

test("pool with a forced worker and the workers-only pool equal the serial sweep bit for bit", async () => {
  const serial = sweepSerial(k, jobs);
  const st = newStats();
  const a = await sweepParallel(jobs, { workers: 1, minPoolWork_s: 0, kernels: k, stats: st });
  assert.ok(st.poolStarted);
  assert.is(st.main + st.workers[0], jobs.length);
  const b = await sweepParallel(jobs, { workers: 1, mainThread: false, chunk: 5 });
  for (const r of [a, b]) {
    assert.is(r.length, jobs.length);
    r.forEach((row, i) => {
      assert.is(row.index, i);
      assert.is(row.capacity_Ah_m2, serial[i].capacity_Ah_m2);
      assert.is(row.termination, serial[i].termination);
    });
  }
  assert.ok(serial[0].capacity_Ah_m2 > serial[10].capacity_Ah_m2, "capacity falls with the C-rate");
});

test("a small sweep stays on the calling thread; bad options name the value", async () => {
  const st = newStats();
  const r = await sweepParallel(jobs.slice(0, 6), { workers: 1, kernels: k, stats: st });
  assert.is(r.length, 6);
  assert.not.ok(st.poolStarted, `estimated ${st.estimatedSerial_s} s`);
  assert.is(st.main, 6);
  let msg = "";
  try {
    await sweepParallel(jobs, { workers: 0, mainThread: false });
  } catch (e) {
    msg = (e as Error).message;
  }
  assert.match(msg, /cell sweep: workers = 0: expected an integer >= 1 \[threads\]/);
  try {
    await sweepParallel(jobs, { chunk: 0 });
  } catch (e) {
    msg = (e as Error).message;
  }
  assert.match(msg, /chunk = 0: expected a positive integer \[discharges\]/);
});

test.run();
