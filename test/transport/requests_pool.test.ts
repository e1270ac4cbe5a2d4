/**
 * Several networks/axes of one volume side by side on worker threads (transportRequests, `assb transport
 * --phase SE,AM --axis z,x`): the same bits as one after the other in this thread, in request order; a bad
 * request refused before any worker starts; the memory estimate and the workspace used reported per solve.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadCore } from "../../host/core/wasm.js";
import { readVolume } from "../../host/transport/volume.js";
import { transport } from "../../host/transport/tortuosity.js";
import { transportRequests } from "../../host/transport/requests_pool.js";
import { ROOT, fixture } from "../helpers.js";

const k = await loadCore();
const v = readVolume(fixture("transport/sph_s80_64.json"));
const reqs = [
  { phase: "SE", axis: 0 },
  { phase: "AM", axis: 0 },
  { phase: "SE", axis: 2, periodic: true },
  { phase: "AM", axis: 1 },
];

test("2 workers = this thread, bit for bit, in request order; memory reported per solve", async () => {
  const one = reqs.map((r) => transport(k, v, r));
  const done: number[] = [];
  const two = await transportRequests(k, v, reqs, { workers: 2, onDone: (i) => done.push(i) });
  assert.is(two.length, reqs.length);
  assert.equal([...done].sort(), [0, 1, 2, 3]);
  two.forEach((r, i) => {
    assert.is(r.phase, one[i].phase);
    assert.is(r.axis, one[i].axis);
    assert.is(r.tauFactor, one[i].tauFactor, `request ${i}`);
    assert.is(r.solve.iterations, one[i].solve.iterations);
    // the estimate checked before allocating holds what the solve used (the coarse levels grow during it)
    const m = r.solve.memory;
    assert.ok(m.used_bytes <= m.estimate_bytes && m.used_bytes > 0.8 * m.estimate_bytes, JSON.stringify(m));
  });
});

test("a bad request fails in the caller, naming the field, before any worker starts", async () => {
  let err: unknown;
  try {
    await transportRequests(k, v, [{ phase: "SE" }, { phase: "XX" }], { workers: 2 });
  } catch (e) {
    err = e;
  }
  assert.match(String(err), /transport: phase = "XX": unknown phase; the volume has/);
  await transportRequests(k, v, [{ phase: "SE", axis: 5 }], { workers: 2 }).then(
    () => assert.unreachable("axis 5 accepted"),
    (e) => assert.match(String(e), /transport: axis = 5: expected an index 0-2/),
  );
});

test("assb transport --phase SE,AM --axis z,x: four solves, one transport-set JSON", () => {
  const out = join(mkdtempSync(join(tmpdir(), "assb-req-")), "set.json");
  const r = spawnSync(
    process.execPath,
    [
      "--import",
      "tsx",
      join(ROOT, "host/cli/main.ts"),
      "transport",
      fixture("transport/sph_s80_64.json"),
      "--phase",
      "SE,AM",
      "--axis",
      "z,x",
      "--workers",
      "2",
      "-o",
      out,
    ],
    { encoding: "utf8" },
  );
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /memory: about [0-9.]+ MiB of wasm32 memory per solve/);
  assert.match(r.stdout, /4 solves in [0-9.]+ s of wall time/);
  const doc = JSON.parse(readFileSync(out, "utf8"));
  assert.is(doc.kind, "assbkit.transport-set");
  assert.equal(
    doc.results.map((x: { phase: string; axis: number }) => `${x.phase}${x.axis}`),
    ["SE0", "AM0", "SE2", "AM2"],
  );
  const se0 = transport(k, v, { phase: "SE", axis: 0 });
  assert.is(doc.results[0].tauFactor, se0.tauFactor);
});

test.run();
