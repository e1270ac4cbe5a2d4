/** Crash safety of `assb study run`: killed with SIGKILL after a random delay (several seeds: before the pool
 *  starts, mid-case, mid-row), then run again on the same folder: the final table has every case exactly once,
 *  equals an uninterrupted run, and no case that had finished before the kill was computed again. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { Rng } from "../../host/core/rng.js";
import { assb, assbKilled, events, query, rows, startedAt, studyFile, tmp } from "./util.js";

const out = tmp("resume");
const STUDY = studyFile(out, "resume.yaml", {
  name: "resume",
  seed: 3,
  // micro cases of 0.2-0.7 s each: a run spends ~2 s starting and ~2.5 s in cases, so a kill lands anywhere
  base: {
    kind: "micro",
    config: { mechanics: true, interface: "cohesive", flux_mol_m2_s: 7.83e-4, fractureEnergy_J_m2: 5.97, resolution: 2 },
  },
  axes: [
    { path: "flux_mol_m2_s", list: [2.61e-4, 5.0e-4, 7.83e-4, 1.305e-3] },
    { path: "fractureEnergy_J_m2", list: [4.21, 5.97, 13.92] },
  ],
});
const N = 12;
let ref = new Map<string, Record<string, unknown>>();

test("the uninterrupted reference run", async () => {
  const r = assb("study", "run", STUDY, "-o", join(out, "ref"), "--workers", "2");
  assert.is(r.status, 0, r.stderr);
  ref = await rows(join(out, "ref"));
  assert.is(ref.size, N);
});

/** Kills runs after the given delays (each one continuing the folder), then finishes it and checks it. */
async function killAndResume(tag: string, delays_ms: number[]): Promise<void> {
  const dir = join(out, tag);
  const finishedBefore = new Map<string, string>();
  for (const d of delays_ms) {
    const k = await assbKilled(d, "study", "run", STUDY, "-o", dir, "--workers", "2");
    assert.ok(k.killed || k.code === 0, `run ended by ${k.code}`);
    const casesDir = join(dir, "cases");
    const finished = existsSync(casesDir) ? readdirSync(casesDir).filter((n) => /^[0-9a-f]{12}$/.test(n)) : [];
    for (const [id, t] of startedAt(dir, finished)) if (!finishedBefore.has(id)) finishedBefore.set(id, t);
  }
  const r = assb("study", "run", STUDY, "-o", dir);
  assert.is(r.status, 0, r.stderr);
  const sum = events(r.stdout).at(-1)!;
  assert.is(sum.total, N);
  assert.is(sum.done, N);
  assert.is((sum.ran as number) + (sum.skipped as number), N, "every case counted once");
  assert.ok((sum.skipped as number) >= finishedBefore.size, `${sum.skipped} skipped < ${finishedBefore.size} finished before`);
  // no recomputation: a case folder finished before a kill keeps its case.json (started_at) and is not in this run's events
  const ranNow = new Set(events(r.stdout).flatMap((e) => (e.event === "case" ? [e.case_id as string] : [])));
  const after = startedAt(dir, ref.keys());
  for (const [id, t] of finishedBefore) {
    assert.is(after.get(id), t, `${id} recomputed`);
    assert.not.ok(ranNow.has(id), `${id} ran again`);
  }
  const counts = await query(dir, "select count(*) as n, count(distinct case_id) as ids from results");
  assert.equal(counts[0], { n: N, ids: N });
  const got = await rows(dir);
  for (const [id, row] of ref) assert.equal(got.get(id), row, id);
  assert.equal(
    readdirSync(join(dir, "cases")).filter((n) => n.endsWith(".tmp")),
    [],
    "no leftovers",
  );
}

for (const seed of [1, 2, 3]) {
  test(`SIGKILL at a random point (seed ${seed}), then rerun: every case once, equal to the uninterrupted run, nothing redone`, async () => {
    const rng = new Rng(seed);
    await killAndResume(`kill${seed}`, [Math.round(rng.uniform(1500, 4300))]);
  });
}

test("killed twice in a row (early, then mid-run), then finished", async () => {
  const rng = new Rng(99);
  await killAndResume("kill_twice", [Math.round(rng.uniform(1200, 2000)), Math.round(rng.uniform(2200, 3600))]);
});

test.run();
