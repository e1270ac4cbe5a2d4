/**
 * The tau rule (solver.tauRtol, the default of transport(), the CLI and the pipeline): the solve stops when
 * tau is known to 1e-6, on the analytic and fixture volumes and on generated networks the rule was not tuned
 * on (random sites near the percolation threshold, overlapping spheres, smoothed fields), each against a
 * residual-rule solve to 1e-13. The current from the dissipated power is second order in the error of the
 * potential; the estimate the rule stops on bounds the error it reached; bad settings are refused.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { loadCore } from "../../host/core/wasm.js";
import { readVolume, type Volume } from "../../host/transport/volume.js";
import { transport } from "../../host/transport/tortuosity.js";
import { GridSolver, SOLVER_DEFAULTS, userSolverOptions, TAU_RTOL_DEFAULT } from "../../host/transport/solver.js";
import { parsePipelineConfig } from "../../host/pipeline/config.js";
import { ROOT, fixture, relErr } from "../helpers.js";
import { mulberry32, sites, spheres } from "./generated.js";

const k = await loadCore();
// biome-ignore lint/suspicious/noExplicitAny: rows of reference_values.json
const refs: any[] = JSON.parse(readFileSync(fixture("transport/reference_values.json"), "utf8"));
const meta = (c: string) => JSON.parse(readFileSync(fixture(`transport/${c}.json`), "utf8"));
const vol = (c: string) => readVolume(fixture(`transport/${c}.json`));
const TIGHT = { rtol: 1e-13, maxIterations: 100000 };

test("defaults: transport() and the CLI ask for tau to 1e-6; rtol alone selects the residual rule; the engine default is unchanged", () => {
  assert.is(TAU_RTOL_DEFAULT, 1e-6);
  assert.is(userSolverOptions().tauRtol, 1e-6);
  assert.is(userSolverOptions({ rtol: 1e-8 }).tauRtol, 0);
  assert.is(userSolverOptions({ rtol: 1e-8, tauRtol: 1e-4 }).tauRtol, 1e-4);
  assert.is(SOLVER_DEFAULTS.tauRtol, 0);
  const r = transport(k, vol("sph_s80_64"), { phase: 2, axis: 0 });
  assert.is(r.solve.stop, "tau");
  assert.is(r.solve.tauRtol, 1e-6);
  const s = transport(k, vol("sph_s80_64"), { phase: 2, axis: 0, solver: { rtol: 1e-8 } });
  assert.is(s.solve.stop, "residual");
  assert.ok(s.solve.residual <= 1e-8);
});

test("analytic cases at the default settings: tau exact to 1e-6 (channels, dead end, staircase, series and parallel layers)", () => {
  for (const r of refs.filter((x) => x.exact)) {
    const m = meta(r.case);
    const req = r.mode === "multi" ? { sigma_S_m: m.sigma as Record<string, number> } : { phase: Number(r.mode.slice(3)) };
    const res = transport(k, vol(r.case), { ...req, axis: m.transport_axis, periodic: r.periodic_lateral });
    assert.ok(res.converged, `${r.case}: ${res.solve.status}`);
    const exact = r.exact.tau ?? r.exact.tau_multiphase;
    assert.ok(relErr(res.tauFactor, exact) <= 1e-6, `${r.case} periodic=${r.periodic_lateral}: tau ${res.tauFactor} vs ${exact}`);
  }
});

/** Checks the default solve against a residual-rule solve to 1e-13 on every axis; returns the largest error / estimate. */
function check(label: string, v: Volume, phase: number, periodic: boolean): number {
  let worst = 0;
  for (const axis of [0, 1, 2]) {
    const truth = transport(k, v, { phase, axis, periodic, solver: TIGHT });
    if (truth.solve.status === "no-path") continue;
    const r = transport(k, v, { phase, axis, periodic });
    assert.ok(r.converged, `${label} axis ${axis}: ${r.solve.status}`);
    const err = relErr(r.tauFactor, truth.tauFactor);
    assert.ok(err <= 1e-6, `${label} axis ${axis}: tau ${r.tauFactor} vs ${truth.tauFactor} (error ${err.toExponential(2)})`);
    // the estimate the rule stopped on is above the error it reached (it was a residual floor stop where it is 0)
    if (r.solve.tauErrorEstimate > 0)
      assert.ok(
        err <= r.solve.tauErrorEstimate,
        `${label} axis ${axis}: error ${err.toExponential(2)} above the estimate ${r.solve.tauErrorEstimate.toExponential(2)}`,
      );
    worst = Math.max(worst, err / Math.max(r.solve.tauErrorEstimate, 1e-300));
  }
  return worst;
}

test("sph_s80_64 (AM and SE networks, no-flux and periodic, all three axes): tau within 1e-6 of the 1e-13 solve and of the reference values", () => {
  const v = vol("sph_s80_64");
  for (const phase of [1, 2]) for (const periodic of [false, true]) check(`sph_s80_64 phase ${phase}`, v, phase, periodic);
  for (const r of refs.filter((x) => x.case === "sph_s80_64")) {
    const res = transport(k, v, { phase: Number(r.mode.slice(3)), axis: 0, periodic: r.periodic_lateral });
    assert.ok(relErr(res.tauFactor, r.tau_factor) <= 1e-6, `${r.mode} periodic=${r.periodic_lateral}: ${res.tauFactor} vs ${r.tau_factor}`);
  }
});

// generated volumes (generated.ts): not the ones the safety factor was chosen on (those used other seeds and sizes)

test("generated networks (random sites near the percolation threshold, overlapping spheres): tau within 1e-6 at the defaults", () => {
  const rnd = mulberry32(2027);
  let worst = 0;
  for (const [n, f] of [
    [40, 0.34],
    [44, 0.4],
    [36, 0.5],
  ])
    worst = Math.max(worst, check(`sites ${n}^3 fraction ${f}`, sites(rnd, n, f), 1, false));
  for (const [n, f] of [
    [44, 0.22],
    [40, 0.3],
  ])
    worst = Math.max(worst, check(`spheres ${n}^3 fraction ${f}`, spheres(rnd, n, f, 2, 4.5), 1, true));
  console.log(`  tau rule: largest error / estimate on the generated networks ${worst.toExponential(2)}`);
});

test("the current from the dissipated power is an upper bound that falls monotonically and errs far less than the face currents", () => {
  const v = vol("sph_s80_64");
  const truth = transport(k, v, { phase: 2, axis: 0, solver: TIGHT }).solve.current;
  let last = Infinity,
    logRatio = 0;
  for (let it = 3; it <= 8; it++) {
    // stopped after `it` iterations by the iteration limit (a residual floor no solve reaches)
    const s = transport(k, v, { phase: 2, axis: 0, solver: { rtol: 1e-15, maxIterations: it } }).solve;
    const ePower = (s.current - truth) / truth,
      eFaces = Math.abs(0.5 * (s.fluxIn + s.fluxOut) - truth) / truth;
    assert.ok(ePower >= -1e-14 && ePower < last, `iteration ${it}: power error ${ePower} (previous ${last})`);
    assert.ok(ePower < eFaces, `iteration ${it}: power ${ePower.toExponential(2)} vs face currents ${eFaces.toExponential(2)}`);
    last = ePower;
    logRatio += Math.log10(ePower / eFaces) / 6;
  }
  // measured: 10^-1.9 on average (the face currents are first order in the error of x, the power second order)
  assert.ok(logRatio < -1, `power / face-current error: 10^${logRatio.toFixed(2)} on average`);
});

test("bad stopping settings are refused in one line (library, CLI, pipeline file)", () => {
  for (const bad of [-1, 1e-13, 0.5, Number.NaN])
    assert.throws(
      () => new GridSolver(k, [4, 4, 4], [false, false], { ...SOLVER_DEFAULTS, tauRtol: bad }),
      /solver\.tauRtol = .*expected 0 \(the residual rule\) or a relative tolerance of tau in \[1e-12, 0\.1\]/,
    );
  const cli = (...a: string[]) =>
    spawnSync(
      process.execPath,
      ["--import", "tsx", join(ROOT, "host/cli/main.ts"), "transport", fixture("transport/sph_s80_64.json"), ...a],
      {
        encoding: "utf8",
      },
    );
  const both = cli("--rtol", "1e-8", "--tau-rtol", "1e-5");
  assert.is(both.status, 2);
  assert.match(both.stderr, /--rtol 1e-8 and --tau-rtol 1e-5: give one stopping rule, not both/);
  const tiny = cli("--tau-rtol", "1e-20");
  assert.is(tiny.status, 2);
  assert.match(tiny.stderr, /--tau-rtol = .*1e-20.*\[1e-12, 0\.1\]/);
  const ok = cli("--phase", "SE");
  assert.is(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /tau to 1e-6 \(estimated [0-9.]+e-\d+\)/);
  assert.throws(
    () =>
      parsePipelineConfig({
        name: "x",
        from: { stage: "transport", file: "v.json" },
        voxelize: { voxelSize_m: 1e-6 },
        transport: { rtol: 1e-8, tauRtol: 1e-6 },
      }),
    /transport\.rtol.*give one stopping rule/,
  );
});

test.run();
