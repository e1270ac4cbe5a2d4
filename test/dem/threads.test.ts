/**
 * One packing stepped on two threads (host/dem/threads.ts, assembly/dem/step_mt.ts): deterministic for a thread
 * count, within round-off of one thread (the force sums run in another order), the neighbour arrays growing in the
 * middle of a threaded run, a recorded step, and the refusals.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as L from "../../assembly/dem/layout.js";
import { ConfigError } from "../../host/config/errors.js";
import { loadCore, loadSharedCore } from "../../host/core/wasm.js";
import { parseDemCase } from "../../host/dem/case.js";
import { demoCase } from "../../host/dem/demo.js";
import { resolveCase } from "../../host/dem/run.js";
import { DemSystem } from "../../host/dem/system.js";
import type { SystemInit } from "../../host/dem/system_init.js";
import { demThreading, startDemThreads } from "../../host/dem/threads.js";

const rc = resolveCase(parseDemCase(demoCase({ seed: 3 })));

/** The demo packing pressed by its servo wall for `steps` steps on `threads` threads: z, wall load, pair capacity. */
async function press(threads: number, steps: number, init: SystemInit = rc.init) {
  const s = new DemSystem(threads === 0 ? await loadCore() : await loadSharedCore(), init);
  try {
    if (threads > 1) startDemThreads(s, threads);
    s.setup();
    const cap0 = s.getI(L.H_PAIRCAP);
    s.run(steps);
    return { z: Float64Array.from(s.f64(L.P_Z)), load: s.wall(1).load_N, cap0, cap: s.getI(L.H_PAIRCAP), state: s.saveState() };
  } finally {
    s.stopThreads();
  }
}

test("2 threads: the same bits run after run; 1 thread on the shared-memory core = the plain core, bit for bit", async () => {
  const [plain, one, a, b] = [await press(0, 20000), await press(1, 20000), await press(2, 20000), await press(2, 20000)];
  assert.equal(one.z, plain.z);
  assert.is(one.load, plain.load);
  assert.equal(a.z, b.z);
  assert.is(a.load, b.load);
  assert.ok(a.load > 0, "the wall is pressing");
});

test("2 threads vs 1 from a pressed state: within round-off after 500 steps (the force sums in another order)", async () => {
  const { state } = await press(0, 20000);
  const go = async (threads: number) => {
    const s = new DemSystem(threads === 1 ? await loadCore() : await loadSharedCore(), rc.init);
    s.loadState(state);
    startDemThreads(s, threads);
    s.setup();
    s.run(500);
    const out = { z: Float64Array.from(s.f64(L.P_Z)), load: s.wall(1).load_N, contacts: s.wall(1).contacts };
    s.stopThreads();
    return out;
  };
  const [one, two] = [await go(1), await go(2)];
  let dz = 0;
  for (let i = 0; i < one.z.length; i++) dz = Math.max(dz, Math.abs(one.z[i] - two.z[i]));
  // radii ~5 um: 1e-15 m is 2e-10 of a radius (measured: 5e-20 m)
  assert.ok(dz < 1e-15, `max |dz| ${dz} m`);
  assert.ok(Math.abs(one.load / two.load - 1) < 1e-10, `wall load ${one.load} vs ${two.load}`);
  assert.ok(one.contacts > 10);
});

test("2 threads: neighbour arrays grown in the middle of a threaded run give the run with room to spare, bit for bit", async () => {
  const small = await press(2, 20000, { ...rc.init, initialPairCapacity: 16 });
  const roomy = await press(2, 20000, { ...rc.init, initialPairCapacity: 100_000 });
  assert.ok(small.cap > small.cap0, `the pair capacity grew during the threaded steps (${small.cap0} -> ${small.cap})`);
  assert.equal(small.z, roomy.z);
  assert.is(small.load, roomy.load);
});

test("2 threads: a recorded step (on this thread) and the refusals", async () => {
  const s = new DemSystem(await loadSharedCore(), rc.init);
  startDemThreads(s, 2);
  s.setup();
  s.run(3000, true);
  assert.ok(s.getI(L.H_NCONTACTS) >= 0);
  s.stopThreads();
  // the plain core has no shared memory
  const p = new DemSystem(await loadCore(), rc.init);
  assert.throws(
    () => startDemThreads(p, 2),
    (e: unknown) => e instanceof ConfigError && /shared-memory core \(loadSharedCore\(\)\)/.test(String(e)),
  );
  for (const bad of [0, 1.5, "two", 65])
    await demThreading(bad as number).then(
      () => assert.unreachable(`threads ${bad}`),
      (e) => assert.match(String(e), /--threads = .*: expected an integer 1-64/),
    );
});

test("a worker that dies mid-run: the run fails in one line within the time-out and steps on without workers, never hangs", async () => {
  const s = new DemSystem(await loadSharedCore(), rc.init);
  startDemThreads(s, 2, { timeout_ms: 500, workerExitsOnFirstStep: true });
  s.setup();
  const t0 = performance.now();
  assert.throws(() => s.run(100), /^dem: a DEM worker thread stopped answering during time stepping at step \d+ .*run with threads: 1/);
  assert.ok(performance.now() - t0 < 10_000, "failed within seconds");
  assert.is(s.threads, undefined, "the workers were ended");
  // the system goes on on this thread
  s.setup();
  s.run(100);
  assert.ok(s.step >= 100);
});

test.run();
