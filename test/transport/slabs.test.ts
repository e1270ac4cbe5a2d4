/**
 * A network solved in slabs along the transport axis, one compute core per slab (host/transport/slabs.ts, the route
 * past the 4 GiB of one wasm32 instance): equal to the one-instance solve to 1e-10 on volumes both can hold, the same
 * bits on 1 and 2 workers, the tau rule's 1e-6 held, the spanning network labelled on the whole grid as the kernel
 * labels it, refusals in one line, and `assb transport --slabs`.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadCore } from "../../host/core/wasm.js";
import { readVolume } from "../../host/transport/volume.js";
import type { Volume } from "../../host/transport/volume_type.js";
import { transport } from "../../host/transport/tortuosity.js";
import { transportSlabs, solveSlabs, planSlabs } from "../../host/transport/slabs.js";
import { keepSpanning } from "../../host/transport/network.js";
import { userSolverOptions } from "../../host/transport/solver.js";
import { ROOT, fixture, relErr } from "../helpers.js";
import { mulberry32, spheres } from "./generated.js";

const k = await loadCore();
const v = readVolume(fixture("transport/sph_s80_64.json"));
const tight = { rtol: 1e-12 };

const rnd = mulberry32(4242);

test("slabs = one instance to 1e-10 (rtol 1e-12): SE and AM, no-flux and periodic, 2 and 3 slabs, every axis", async () => {
  for (const phase of ["SE", "AM"])
    for (const periodic of [false, true])
      for (const [slabs, axis] of [
        [2, 0],
        [3, 1],
        [2, 2],
      ]) {
        const one = transport(k, v, { phase, axis, periodic, solver: tight });
        const s = await transportSlabs(v, { phase, axis, periodic, solver: tight }, { slabs });
        const label = `${phase} axis ${axis} periodic ${periodic} ${slabs} slabs`;
        assert.is(s.solve.status, "converged", label);
        assert.is(s.solve.slabs.count, slabs);
        assert.is(s.solve.nPercolating, one.solve.nPercolating, label);
        assert.ok(relErr(s.solve.current, one.solve.current) <= 1e-10, `${label}: ${relErr(s.solve.current, one.solve.current)}`);
        assert.ok(relErr(s.tauFactor, one.tauFactor) <= 1e-10, label);
        assert.ok(s.solve.fluxImbalance < 1e-9, label);
      }
});

test("1 and 2 workers give the same bits (sums added in slab order)", async () => {
  const a = await transportSlabs(v, { phase: "SE", axis: 0 }, { slabs: 3, workers: 1 });
  const b = await transportSlabs(v, { phase: "SE", axis: 0 }, { slabs: 3, workers: 2 });
  assert.is(b.solve.slabs.workers, 2);
  assert.is(b.solve.iterations, a.solve.iterations);
  assert.is(b.solve.current, a.solve.current);
  assert.is(b.tauFactor, a.tauFactor);
});

test("the tau rule in slabs: tau within 1e-6 of an rtol 1e-12 solve, the error below the estimate", async () => {
  const cases: [string, Volume, string | number][] = [
    ["sph_s80_64 SE", v, "SE"],
    ["sph_s80_64 AM", v, "AM"],
    ["spheres 0.45", spheres(rnd, 72, 0.45, 2, 6), 1],
    ["spheres 0.35", spheres(rnd, 72, 0.35, 3, 8), 1],
  ];
  let worst = 0;
  for (const [label, vol, phase] of cases)
    for (const slabs of [2, 4]) {
      const ref = transport(k, vol, { phase, axis: 0, solver: tight });
      const s = await transportSlabs(vol, { phase, axis: 0 }, { slabs });
      const err = relErr(s.solve.current, ref.solve.current);
      assert.is(s.solve.stop, "tau");
      assert.is(s.solve.status, "converged", label);
      assert.ok(err <= 1e-6, `${label}, ${slabs} slabs: error ${err}`);
      assert.ok(err <= s.solve.tauErrorEstimate, `${label}, ${slabs} slabs: error ${err} > estimate ${s.solve.tauErrorEstimate}`);
      worst = Math.max(worst, err);
    }
  console.log(`  tau rule in slabs: largest error ${worst.toExponential(2)}`);
});

test("the spanning network on the whole grid = the kernel's labelling (periodic seams, dead ends, isolated clusters)", () => {
  const vol = spheres(rnd, 40, 0.3, 1, 4);
  // (axis 0: the volume's own order is the internal one)
  for (const periodic of [false, true]) {
    const one = transport(k, vol, { phase: 1, axis: 0, periodic, solver: { rtol: 1e-6 } });
    const net = keepSpanning(Uint8Array.from(vol.data), [40, 40, 40], [periodic, periodic]);
    assert.is(net.nSpanning, one.solve.nPercolating, `periodic ${periodic}`);
    assert.is(net.nActive, one.solve.nActive);
  }
});

test("refusals, one line each, before anything is allocated", async () => {
  const fail = async (f: () => Promise<unknown>) => {
    try {
      await f();
    } catch (e) {
      return String((e as Error).message);
    }
    return "accepted";
  };
  assert.match(
    await fail(() => transportSlabs(v, { sigma_S_m: { SE: 1, AM: 0.1 } }, { slabs: 2 })),
    /transport: sigma_S_m = .*a volume solved in slabs takes one conducting phase/,
  );
  assert.match(
    await fail(async () => planSlabs([64, 64, 64], { slabs: 20 })),
    /leave slabs of 2 planes; at least 16 are needed \(twice the overlap of 8/,
  );
  assert.match(await fail(async () => planSlabs([64, 64, 64], { overlap: 0 })), /transport: overlap = 0: expected an integer >= 1/);
  assert.match(await fail(async () => planSlabs([64, 64, 64], { slabs: 1.5 })), /transport: slabs = 1.5: expected a positive integer/);
  const two = new Uint8Array(64 ** 3);
  two[5] = 2;
  assert.match(
    await fail(() => solveSlabs(two, [64, 64, 64], [false, false], userSolverOptions({}), { slabs: 2 })),
    /transport: cell 5 = 2: expected 0 or 1/,
  );
  const on = new Uint8Array(64 ** 3);
  const none = await solveSlabs(on, [64, 64, 64], [false, false], userSolverOptions({}), { slabs: 2 });
  assert.is(none.status, "no-path");
});

test("assb transport --slabs 2 --workers 2: the one-instance tau to 1e-6, the slabs reported; --sigma refused", () => {
  const out = join(mkdtempSync(join(tmpdir(), "assb-slabs-")), "t.json");
  const cli = (...args: string[]) =>
    spawnSync(
      process.execPath,
      ["--import", "tsx", join(ROOT, "host/cli/main.ts"), "transport", fixture("transport/sph_s80_64.json"), ...args],
      {
        encoding: "utf8",
      },
    );
  const r = cli("--phase", "SE", "--slabs", "2", "--workers", "2", "-o", out);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /memory: about [0-9.]+ MiB in 2 slabs of at most [0-9.]+ MiB/);
  assert.match(r.stdout, /in 2 slabs on 2 workers/);
  const doc = JSON.parse(readFileSync(out, "utf8"));
  assert.is(doc.solve.slabs.count, 2);
  const ref = transport(k, v, { phase: "SE", axis: 0, solver: tight });
  assert.ok(relErr(doc.tauFactor, ref.tauFactor) <= 1e-6);
  const bad = cli("--sigma", "SE=1,AM=0.1", "--slabs", "2");
  assert.is(bad.status, 2, bad.stdout);
  assert.match(
    bad.stderr.trim(),
    /^assb: error: transport: .*--slabs 2, and only one conducting phase \(--phase\) solved with pcg can be split into slabs/,
  );
  assert.is(bad.stderr.trim().split("\n").length, 1);
});

test.run();
