/**
 * The pure-diffusion sphere of paper 001 §3.1 (host/multiscale/sphere.ts) against what is known exactly:
 *
 *   - the closed form for a constant influx into a sphere (Carslaw & Jaeger §9.3, Crank §6.3) checks itself: the
 *     roots of tan b = b, sum 1/b_n^2 = 1/10 (the surface bracket starts at 0), the volume mean 3 tau, the
 *     short-time surface rise 2 sqrt(tau / pi) of the semi-infinite layer;
 *   - the mass balance c~_bulk = c0 + 3 J_s t / (R c_max) at every recorded step, to round-off;
 *   - the surface concentration over whole runs and the time it reaches 0.99 against the closed form, within
 *     stated bounds that shrink with the step tolerance;
 *   - the dataset rows: one per step, fractureEnergy NaN, damage rate 0, rates = forward differences.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { runSphere, sphereDatasetRows, sphereExactNorm, sphereInfluxShape, tanEqualsRoots } from "../../host/multiscale/sphere.js";
import { expectConfigError } from "../helpers.js";

const P = { radius_m: 1e-6, diffusivity_m2_s: 7e-15, maxConcentration_mol_m3: 38320, initialConcentrationNorm: 0.5 };

test("closed form: roots of tan b = b, sum 1/b^2 = 1/10, volume mean 3 tau, short-time surface 2 sqrt(tau/pi)", () => {
  const b = tanEqualsRoots(5);
  const table = [4.493409457909064, 7.725251836937707, 10.904121659428899, 14.066193912831473, 17.22075527193077];
  b.forEach((x, k) => assert.ok(Math.abs(x - table[k]) < 1e-12, `root ${k + 1}: ${x}`));
  const all = tanEqualsRoots(200000);
  let s = 0;
  for (let k = all.length - 1; k >= 0; k--) s += 1 / (all[k] * all[k]);
  assert.ok(Math.abs(s - 0.1) < 1e-5, `sum 1/b^2 = ${s}`); // tail ~ 1/(pi^2 N)
  assert.ok(Math.abs(sphereInfluxShape(1, 1e-10)) < 1.2e-5, "the surface starts at c0 (2 sqrt(tau/pi) = 1.1e-5 here)");
  for (const tau of [0.01, 0.1, 1]) {
    // volume mean, 3 int_0^1 rho^2 F drho, by the midpoint rule
    const n = 4000;
    let m = 0;
    for (let i = 0; i < n; i++) {
      const rho = (i + 0.5) / n;
      m += 3 * rho * rho * sphereInfluxShape(rho, tau) * (1 / n);
    }
    assert.ok(Math.abs(m - 3 * tau) < 1e-6, `tau ${tau}: mean ${m} vs ${3 * tau}`);
  }
  const tau = 1e-6;
  const rel = sphereInfluxShape(1, tau) / (2 * Math.sqrt(tau / Math.PI)) - 1;
  assert.ok(Math.abs(rel) < 2e-3, `short-time surface ${rel}`); // next term of the layer: -tau (curvature), ~1e-3 here
});

test("mass balance: c~_bulk = c0 + 3 J t / (R c_max) at every step, to round-off (slow and fast fluxes)", () => {
  for (const J of [3e-13, 1e-8, 1e-4, 8e-4]) {
    const r = runSphere({ flux_mol_m2_s: J });
    const s = r.series;
    let e = 0;
    for (let k = 0; k < s.t_s.length; k++) e = Math.max(e, Math.abs(s.c_bulk_norm[k] - (0.5 + (3 * J * s.t_s[k]) / (1e-6 * 38320))));
    assert.ok(e < 1e-11, `J ${J}: bulk error ${e}`); // c is held in mol/m^3 (~2e4): round-off ~1e-16 of it per step
  }
});

test("surface concentration and the 0.99 time against the closed form; the error shrinks with the tolerance", () => {
  const J = 1e-4;
  const exactStop = (() => {
    // bisection on the increasing closed-form surface value
    let lo = 0,
      hi = 100;
    for (let i = 0; i < 100; i++) {
      const mid = 0.5 * (lo + hi);
      if (sphereExactNorm({ ...P, flux_mol_m2_s: J }, 1e-6, mid) < 0.99) lo = mid;
      else hi = mid;
    }
    return 0.5 * (lo + hi);
  })();
  const errs: number[] = [];
  for (const tol of [1e-3, 1e-4]) {
    const r = runSphere({ flux_mol_m2_s: J, tolerance: tol });
    assert.is(r.stop.reason, "maxConcentrationNorm");
    const s = r.series;
    let e = 0;
    for (let k = 1; k < s.t_s.length; k++)
      e = Math.max(e, Math.abs(s.c_surf_norm[k] - sphereExactNorm({ ...P, flux_mol_m2_s: J }, 1e-6, s.t_s[k])));
    errs.push(e);
    const stopErr = Math.abs(r.stop.t_s / exactStop - 1);
    assert.ok(stopErr < 2e-4, `tol ${tol}: stop at ${r.stop.t_s} s vs ${exactStop} s (${stopErr})`);
  }
  assert.ok(errs[0] < 2e-3, `tol 1e-3: max surface error ${errs[0]}`); // measured 1.1e-3 and 2.9e-4 (shells 100, grading 1.05)
  assert.ok(errs[1] < 4e-4, `tol 1e-4: max surface error ${errs[1]}`);
  assert.ok(errs[1] < errs[0] / 2, `error ${errs[1]} does not shrink from ${errs[0]}`);
  // a slow flux reaches the time cap with the surface just above the bulk (the quasi-steady gap J R / (5 D c_max))
  const slow = runSphere({ flux_mol_m2_s: 1e-8 });
  assert.is(slow.stop.reason, "time");
  const gap = slow.series.c_surf_norm.at(-1)! - slow.series.c_bulk_norm.at(-1)!;
  const want = (1e-8 * 1e-6) / (5 * 7e-15 * 38320);
  assert.ok(Math.abs(gap / want - 1) < 1e-3, `quasi-steady gap ${gap} vs ${want}`);
});

test("dataset rows: one per step, Gc NaN, damage rate 0, forward-difference rates; bad configs refused", () => {
  const r = runSphere({ flux_mol_m2_s: 2e-5 });
  const d = sphereDatasetRows(r);
  assert.is(d.t_s.length, r.steps);
  assert.ok(d.fractureEnergy_J_m2.every(Number.isNaN));
  assert.ok(d.ddamage_avg_dt_per_s.every((v) => v === 0));
  const k = 3;
  assert.ok(Math.abs(d.dc_bulk_norm_dt_per_s[k] - (3 * 2e-5) / (1e-6 * 38320)) < 1e-9);
  assert.is(d.c_surf_norm_old[k + 1], r.series.c_surf_norm[k + 1]);
  expectConfigError(() => runSphere({ flux_mol_m2_s: -1 }), /sphere: flux_mol_m2_s = -1: expected a positive number/);
  expectConfigError(() => runSphere({ flux_mol_m2_s: 1e-6, shells: 2 }), /sphere: shells = 2/);
});

test.run();
