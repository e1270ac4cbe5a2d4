/**
 * Transport solver accuracy against the TauFactor-convention references (fixtures/transport): analytic
 * cases to 1e-10 relative, sph_s80_64 (AM and SE networks, no-flux and periodic) to 1e-6 relative in tau,
 * red-black SOR vs multigrid-preconditioned CG, component vs block aggregation, non-percolating phases,
 * and clear errors for bad requests. The solver paths against each other: paths.test.ts; against the
 * reference solver (the specification): reference.test.ts.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { loadCore } from "../../host/core/wasm.js";
import { readVolume, type Volume } from "../../host/transport/volume.js";
import { transport } from "../../host/transport/tortuosity.js";
import { GridSolver, SOLVER_DEFAULTS } from "../../host/transport/solver.js";
import { fixture, relErr } from "../helpers.js";

const k = await loadCore();
// biome-ignore lint/suspicious/noExplicitAny: rows of reference_values.json (fields per case kind)
const refs: any[] = JSON.parse(readFileSync(fixture("transport/reference_values.json"), "utf8"));
const meta = (c: string) => JSON.parse(readFileSync(fixture(`transport/${c}.json`), "utf8"));
const vol = (c: string) => readVolume(fixture(`transport/${c}.json`));
// biome-ignore lint/suspicious/noExplicitAny: a row of reference_values.json
const request = (r: any) => {
  const m = meta(r.case);
  return r.mode === "multi"
    ? { sigma_S_m: m.sigma as Record<string, number>, axis: m.transport_axis }
    : { phase: Number(r.mode.slice(3)), axis: m.transport_axis };
};

for (const [method, cycle] of [
  ["pcg", "K"],
  ["pcg", "V"],
  ["sor", "K"],
] as const) {
  test(`analytic cases: tau and D_eff/D exact to 1e-10 (${method}${method === "pcg" ? ` ${cycle}-cycle` : ""}, no-flux and periodic)`, () => {
    for (const r of refs.filter((x) => x.exact)) {
      const res = transport(k, vol(r.case), {
        ...request(r),
        periodic: r.periodic_lateral,
        solver: { method, cycle, rtol: 1e-13, maxIterations: 100000 },
      });
      const exactTau = r.exact.tau ?? r.exact.tau_multiphase;
      const exactD = r.exact.Deff_rel ?? r.exact.sigma_eff;
      assert.ok(res.converged, `${r.case} ${res.solve.status}`);
      assert.ok(relErr(res.tauFactor, exactTau) <= 1e-10, `${r.case} periodic=${r.periodic_lateral}: tau ${res.tauFactor} vs ${exactTau}`);
      assert.ok(relErr(res.deffRel, exactD) <= 1e-10, `${r.case}: D_eff/D ${res.deffRel} vs ${exactD}`);
      if (r.exact.eps !== undefined) assert.ok(relErr(res.eps, r.exact.eps) <= 1e-15, `${r.case}: eps`);
      assert.ok(res.solve.fluxImbalance <= 1e-10, `${r.case}: flux imbalance ${res.solve.fluxImbalance}`);
    }
  });
}

test("sph_s80_64: AM and SE networks, no-flux and periodic, tau within 1e-6 of the reference (pcg)", () => {
  for (const r of refs.filter((x) => x.case === "sph_s80_64")) {
    const res = transport(k, vol(r.case), { ...request(r), periodic: r.periodic_lateral, solver: { rtol: 1e-10 } });
    assert.ok(res.converged);
    assert.ok(
      relErr(res.tauFactor, r.tau_factor) <= 1e-6,
      `${r.mode} periodic=${r.periodic_lateral}: tau ${res.tauFactor} vs ${r.tau_factor}`,
    );
    assert.ok(relErr(res.eps, r.eps) <= 1e-15);
    assert.ok(res.percolatingFraction > 0.9 && res.percolatingFraction <= 1);
    assert.is(res.tauSqrt, Math.sqrt(res.tauFactor));
  }
});

test("red-black SOR and multigrid CG converge to the same answer (sph_s80_64 SE network)", () => {
  const r = refs.find((x) => x.case === "sph_s80_64" && x.mode === "bin2" && !x.periodic_lateral);
  const a = transport(k, vol(r.case), { ...request(r), solver: { method: "pcg", rtol: 1e-10 } });
  const b = transport(k, vol(r.case), { ...request(r), solver: { method: "sor", rtol: 1e-10 } });
  assert.ok(a.converged && b.converged);
  assert.ok(relErr(a.tauFactor, b.tauFactor) <= 1e-7, `pcg ${a.tauFactor} vs sor ${b.tauFactor}`);
  assert.ok(b.solve.iterations > 20 * a.solve.iterations, `SOR sweeps ${b.solve.iterations} vs CG iterations ${a.solve.iterations}`);
});

test("fused multigrid passes: 2 and 3 smoothing sweeps and a one-level grid solve the analytic cases exactly; 0 sweeps refused", () => {
  for (const smoothingSweeps of [2, 3]) {
    for (const r of refs.filter((x) => x.exact && x.mode !== "multi")) {
      const res = transport(k, vol(r.case), {
        ...request(r),
        periodic: r.periodic_lateral,
        solver: { smoothingSweeps, rtol: 1e-13, maxIterations: 100000 },
      });
      assert.ok(res.converged, `${r.case} sweeps ${smoothingSweeps}: ${res.solve.status}`);
      assert.ok(relErr(res.tauFactor, r.exact.tau) <= 1e-10, `${r.case} sweeps ${smoothingSweeps}: tau ${res.tauFactor} vs ${r.exact.tau}`);
    }
  }
  const v = vol("an_staircase_32x16x36");
  assert.throws(
    () => transport(k, v, { phase: 1, axis: 0, solver: { smoothingSweeps: 0 } }),
    /solver\.smoothingSweeps = 0: expected an integer >= 1/,
  );
  assert.throws(() => transport(k, v, { phase: 1, axis: 0, solver: { rtol: -1 } }), /solver\.rtol = -1/);
  // 4 x 4 x 4 cells: level 0 is the coarsest level (no coarse levels, no compact arrays); a straight bar: tau = 1
  const s = new GridSolver(k, [4, 4, 4], [false, false], { ...SOLVER_DEFAULTS, rtol: 1e-13 });
  assert.is(s.levels.length, 1);
  const sig = s.sigmaView();
  for (let c = 0; c < 64; c++) sig[c] = c % 4 < 2 ? 1 : 0; // half the cross-section conducts
  const r = s.solve();
  assert.is(r.status, "converged");
  assert.ok(Math.abs(r.fluxIn - 8 / 4) <= 1e-12 && Math.abs(r.fluxOut - 8 / 4) <= 1e-12, `flux ${r.fluxIn} ${r.fluxOut}`);
  s.dispose();
});

test("component aggregation: same tau as 2x2x2 blocks (analytic cases, sph_s80_64), fewer iterations", () => {
  for (const r of refs.filter((x) => x.exact || x.case === "sph_s80_64")) {
    const tight = r.exact ? 1e-13 : 1e-11;
    for (const cycle of ["K", "V"] as const) {
      const a = transport(k, vol(r.case), {
        ...request(r),
        periodic: r.periodic_lateral,
        solver: { cycle, rtol: tight, maxIterations: 100000, aggregation: "blocks" },
      });
      const b = transport(k, vol(r.case), {
        ...request(r),
        periodic: r.periodic_lateral,
        solver: { cycle, rtol: tight, maxIterations: 100000, aggregation: "components" },
      });
      assert.ok(b.converged, `${r.case} ${b.solve.status}`);
      assert.ok(
        relErr(b.tauFactor, a.tauFactor) <= 1e-9,
        `${r.case} ${r.mode} periodic=${r.periodic_lateral} ${cycle}: tau ${b.tauFactor} vs blocks ${a.tauFactor}`,
      );
      if (r.exact) assert.ok(relErr(b.tauFactor, r.exact.tau ?? r.exact.tau_multiphase) <= 1e-10, `${r.case}: exact`);
      else assert.ok(relErr(b.tauFactor, r.tau_factor) <= 1e-6, `${r.case}: reference`);
      if (r.case === "sph_s80_64" && cycle === "K")
        assert.ok(b.solve.iterations < a.solve.iterations, `${r.mode}: ${b.solve.iterations} vs ${a.solve.iterations} iterations`);
    }
  }
});

function blocked(): Volume {
  // conductor everywhere except a full insulating layer at x = 5 (no path along axis 0)
  const shape = [12, 6, 6],
    data = new Uint8Array(12 * 36).fill(1);
  for (let j = 0; j < 36; j++) data[5 * 36 + j] = 0;
  return { shape, data, phases: { "0": "pore", "1": "SE" } };
}

test("non-percolating phase: detected before solving, D_eff = 0, tau = Infinity, warning; never NaN", () => {
  const r = transport(k, blocked(), { phase: "SE", axis: 0 });
  assert.is(r.solve.status, "no-path");
  assert.is(r.deffRel, 0);
  assert.is(r.tauFactor, Infinity);
  assert.is(r.percolatingFraction, 0);
  assert.ok(r.converged && r.warnings.some((w) => w.includes("does not percolate")));
  // the same volume conducts along axis 1
  const r1 = transport(k, blocked(), { phase: "SE", axis: 1 });
  assert.is(r1.solve.status, "converged");
  assert.ok(relErr(r1.deffRel, 11 / 12) <= 1e-10, `${r1.deffRel}`);
});

test("percolating fraction: an isolated cluster and a dead end are counted correctly", () => {
  const v = vol("an_deadend_32");
  const r = transport(k, v, { phase: 1, axis: 0 });
  // channels (0.25) + dead ends conduct; isolated voxels do not join both faces
  assert.ok(r.percolatingFraction < 1 && r.percolatingFraction > 0.9, `${r.percolatingFraction}`);
});

test("bad requests: unknown phase, empty phase, bad axis, grid too large for memory", () => {
  const v = vol("sph_s80_64");
  assert.throws(() => transport(k, v, { phase: "LLZO", axis: 0 }), /phase = "LLZO": unknown phase; the volume has 0=pore, 1=AM, 2=SE/);
  assert.throws(() => transport(k, v, { phase: 7, axis: 0 }), /phase = 7 \(code 7\): the phase is empty/);
  assert.throws(() => transport(k, v, { phase: "SE", axis: 3 }), /transport: axis = 3: expected an index 0-2 or one of z, y, x/);
  assert.throws(() => transport(k, v, { phase: "SE", axis: "w" }), /transport: axis = "w": expected an index 0-2 or one of z, y, x/);
  assert.throws(() => new GridSolver(k, [2000, 2000, 2000], [false, false]), /needs about \d+ MiB .* more than the 4096 MiB/);
  assert.throws(() => transport(k, v, { sigma_S_m: { AM: -1 }, axis: 0 }), /sigma_S_m.AM = -1: expected a conductivity >= 0 \[S\/m\]/);
});

test("transport() takes the axis and the lateral periodicity from the volume's metadata when the request leaves them out", () => {
  const base = vol("sph_s80_64");
  const v = { ...base, meta: { ...base.meta, axes: ["z", "y", "x"], transport_axis: 0, periodicXY: true } };
  const auto = transport(k, v, { phase: "SE" });
  assert.equal(
    [auto.axis, auto.periodicLateral, auto.axisSource, auto.periodicSource],
    [0, true, "the volume's transport_axis", "the volume's periodicXY"],
  );
  const explicit = transport(k, v, { phase: "SE", axis: 0, periodic: true });
  assert.is(auto.tauFactor, explicit.tauFactor);
  assert.equal([explicit.axisSource, explicit.periodicSource], ["request", "request"]);
  // along x the faces normal to z are electrodes' neighbours, not periodic seams: no-flux by default
  const alongX = transport(k, v, { phase: "SE", axis: "x" });
  assert.equal([alongX.axis, alongX.periodicLateral, alongX.periodicSource], [2, false, "default"]);
});

test.run();
