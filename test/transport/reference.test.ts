/**
 * The fast path (GridSolver over the wasm kernels, every solver path) against the reference solver
 * (host/transport/reference.ts, the specification). Both are solved to a relative residual of 2e-14, near
 * what double precision allows; two converged solves then differ by about their errors, so the stated
 * tolerances are: potentials within 1e-11 (of the unit potential drop), each electrode current within 1e-11
 * relative, D_eff/D and tau within 3e-12 relative, and the percolation rule keeps exactly the same cells.
 * Measured on these cases: at most 1.7e-12 in the potentials, 1.9e-12 in a current, 9.1e-13 in tau (printed
 * at the end of the run). The reference itself reproduces the analytic cases and the sph_s80_64 reference values.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { loadCore } from "../../host/core/wasm.js";
import { GridSolver, SOLVER_DEFAULTS, type SolverOptions } from "../../host/transport/solver.js";
import { referenceSolve, type ReferenceSolve } from "../../host/transport/reference.js";
import { fillSigma, gridOrder } from "../../host/transport/tortuosity.js";
import { readVolume, type Volume } from "../../host/transport/volume.js";
import { Rng } from "../../host/core/rng.js";
import { fixture, relErr } from "../helpers.js";

const k = await loadCore();
// biome-ignore lint/suspicious/noExplicitAny: rows of reference_values.json (fields per case kind)
const refs: any[] = JSON.parse(readFileSync(fixture("transport/reference_values.json"), "utf8"));
const vol = (c: string) => readVolume(fixture(`transport/${c}.json`));

const RTOL = 2e-14;
const POT_TOL = 1e-11;
const CURRENT_TOL = 1e-11;
const TAU_TOL = 3e-12;

/** The largest differences seen (printed at the end, so the stated tolerances can be kept honest). */
const worst = { pot: 0, current: 0, tau: 0 };

type Shape = [number, number, number];
interface Problem {
  sigma: Float64Array;
  shape: Shape;
  periodic: [boolean, boolean];
  label: string;
}

/** A fixture row as a problem: conductivities in grid order (transport axis first). */
// biome-ignore lint/suspicious/noExplicitAny: a row of reference_values.json
function problem(r: any): Problem {
  const v = vol(r.case);
  const meta = JSON.parse(readFileSync(fixture(`transport/${r.case}.json`), "utf8"));
  const table = new Float64Array(256);
  if (r.mode === "multi") for (const [code, s] of Object.entries(meta.sigma as Record<string, number>)) table[Number(code)] = s;
  else table[Number(r.mode.slice(3))] = 1;
  const { shape3 } = gridOrder(v.shape, meta.transport_axis);
  const sigma = new Float64Array(v.data.length);
  fillSigma(v, meta.transport_axis, table, sigma);
  return {
    sigma,
    shape: shape3,
    periodic: [r.periodic_lateral, r.periodic_lateral],
    label: `${r.case} ${r.mode} periodic=${r.periodic_lateral}`,
  };
}

/** D_eff/D of a solve (the host's rule: mean of the two currents x length / area). */
const deff = (s: { fluxIn: number; fluxOut: number }, [n0, n1, n2]: Shape) => (0.5 * (s.fluxIn + s.fluxOut) * n0) / (n1 * n2);

function fast(p: Problem, opts: Partial<SolverOptions> = {}) {
  const s = new GridSolver(k, p.shape, p.periodic, { ...SOLVER_DEFAULTS, rtol: RTOL, maxIterations: 100000, ...opts });
  try {
    s.sigmaView().set(p.sigma);
    const r = s.solve();
    return { ...r, potential: Float64Array.from(s.potentialView()) };
  } finally {
    s.dispose();
  }
}

/** Asserts a fast solve matches the reference solve of the same problem to the stated tolerances. */
function assertMatches(ref: ReferenceSolve, got: ReturnType<typeof fast>, p: Problem, what: string): void {
  const at = `${p.label} ${what}`;
  assert.is(got.nActive, ref.nActive, `${at}: cells with sigma > 0`);
  assert.is(got.nPercolating, ref.nPercolating, `${at}: percolating cells`);
  if (ref.status === "no-path") {
    assert.is(got.status, "no-path", at);
    return;
  }
  assert.is(ref.status, "converged", `${at}: reference ${ref.status}`);
  assert.is(got.status, "converged", `${at}: ${got.status}`);
  let dmax = 0;
  for (let c = 0; c < ref.potential.length; c++) dmax = Math.max(dmax, Math.abs(got.potential[c] - ref.potential[c]));
  assert.ok(dmax <= POT_TOL, `${at}: potentials differ by ${dmax}`);
  assert.ok(relErr(got.fluxIn, ref.fluxIn) <= CURRENT_TOL, `${at}: current in ${got.fluxIn} vs ${ref.fluxIn}`);
  assert.ok(relErr(got.fluxOut, ref.fluxOut) <= CURRENT_TOL, `${at}: current out ${got.fluxOut} vs ${ref.fluxOut}`);
  // tau = eps / (D_eff/D) (binary) or sigma_mean / sigma_eff: its relative error is that of D_eff
  const tauErr = relErr(deff(ref, p.shape) / deff(got, p.shape), 1);
  assert.ok(tauErr <= TAU_TOL, `${at}: tau differs by ${tauErr} relative`);
  worst.pot = Math.max(worst.pot, dmax);
  worst.current = Math.max(worst.current, relErr(got.fluxIn, ref.fluxIn), relErr(got.fluxOut, ref.fluxOut));
  worst.tau = Math.max(worst.tau, tauErr);
}

const reference = (p: Problem, method: "cg" | "sor" = "cg") =>
  referenceSolve(p.sigma, p.shape, p.periodic, { method, rtol: RTOL, maxIterations: 100000 });

test("reference solver: the analytic cases exactly (1e-10, CG and SOR) and sph_s80_64 within 1e-6 of the reference values", () => {
  for (const r of refs.filter((x) => x.exact)) {
    const p = problem(r);
    const exactD = r.exact.Deff_rel ?? r.exact.sigma_eff;
    for (const method of ["cg", "sor"] as const) {
      const s = referenceSolve(p.sigma, p.shape, p.periodic, { method, rtol: 1e-13, maxIterations: 100000 });
      assert.is(s.status, "converged", `${p.label} ${method}`);
      assert.ok(relErr(deff(s, p.shape), exactD) <= 1e-10, `${p.label} ${method}: D_eff/D ${deff(s, p.shape)} vs ${exactD}`);
    }
  }
  for (const r of refs.filter((x) => x.case === "sph_s80_64")) {
    const p = problem(r);
    const s = referenceSolve(p.sigma, p.shape, p.periodic, { rtol: 1e-10 });
    assert.ok(relErr(r.eps / deff(s, p.shape), r.tau_factor) <= 1e-6, `${p.label}: tau ${r.eps / deff(s, p.shape)} vs ${r.tau_factor}`);
  }
});

test("fast path = reference on the analytic fixtures, every solver path (K/V cycle, blocks/components, link mask, compact, SOR)", () => {
  const paths: [string, Partial<SolverOptions>][] = [
    ["pcg K components compact", {}],
    ["pcg V", { cycle: "V" }],
    ["pcg K blocks", { aggregation: "blocks" }],
    ["pcg V blocks", { aggregation: "blocks", cycle: "V" }],
    ["pcg grid level 0", { compact: false }],
    ["pcg general level 0", { linkMask: false }],
    ["pcg 2 sweeps", { smoothingSweeps: 2 }],
    ["sor", { method: "sor" }],
  ];
  for (const r of refs.filter((x) => x.exact)) {
    const p = problem(r);
    const ref = reference(p);
    for (const [what, opts] of paths) assertMatches(ref, fast(p, opts), p, what);
  }
});

test("fast path = reference on sph_s80_64 (AM and SE networks, no-flux and periodic)", () => {
  for (const r of refs.filter((x) => x.case === "sph_s80_64")) {
    const p = problem(r);
    const ref = reference(p);
    assertMatches(ref, fast(p), p, "default");
    assertMatches(ref, fast(p, { cycle: "V", compact: false }), p, "V-cycle, grid level 0");
  }
});

test("fast path = reference on random fields: periodic seams (odd, even, 2-cell), 1-cell axes, isolated clusters, two phases", () => {
  const rng = new Rng(20240611);
  const shapes: Shape[] = [
    [9, 1, 13],
    [12, 7, 1],
    [10, 6, 5],
    [16, 9, 11],
    [7, 2, 2],
    [20, 8, 8],
    [3, 5, 4],
  ];
  for (const shape of shapes) {
    const n = shape[0] * shape[1] * shape[2],
      m = shape[1] * shape[2];
    for (const fraction of [0.55, 0.75]) {
      // a random field plus a straight channel at (j, k) = 0, so that it percolates; at 0.55 many cells form
      // clusters joined to one face or to none (removed by the percolation rule)
      const unit = new Float64Array(n);
      for (let c = 0; c < n; c++) unit[c] = rng.next() < fraction || c % m === 0 ? 1 : 0;
      const twoPhase = unit.map((s) => (s > 0 ? 0.05 + rng.next() : 0));
      for (const periodic of [
        [false, false],
        [true, true],
        [true, false],
      ] as [boolean, boolean][]) {
        for (const [sigma, kind] of [
          [unit, "unit"],
          [twoPhase, "two-phase"],
        ] as const) {
          const p = { sigma, shape, periodic, label: `${shape} ${kind} ${fraction} periodic=${periodic}` };
          const ref = reference(p);
          assertMatches(ref, fast(p), p, "default");
          assertMatches(ref, fast(p, { aggregation: "blocks", cycle: "V" }), p, "blocks V");
        }
      }
    }
  }
  // a cluster touching only the inlet, one touching only the outlet, one touching neither: all removed
  const shape: Shape = [12, 6, 6];
  const sigma = new Float64Array(12 * 36);
  for (let i = 0; i < 12; i++) sigma[i * 36] = 1; // the spanning channel at (j, k) = (0, 0)
  for (let i = 0; i < 5; i++) sigma[i * 36 + 3 * 6 + 3] = 1; // from the inlet, dead at i = 4
  for (let i = 7; i < 12; i++) sigma[i * 36 + 5 * 6 + 5] = 1; // to the outlet from i = 7
  sigma[6 * 36 + 2 * 6 + 4] = sigma[6 * 36 + 2 * 6 + 5] = 1; // isolated
  const p = { sigma, shape, periodic: [false, false] as [boolean, boolean], label: "planted clusters" };
  const ref = reference(p);
  assert.equal([ref.nActive, ref.nPercolating], [12 + 5 + 5 + 2, 12]);
  assertMatches(ref, fast(p), p, "default");
  assertMatches(ref, fast(p, { method: "sor" }), p, "sor");
});

test("fast path = reference on images of the 100-image batch (2D, across the rows; V-cycle as solveImages)", () => {
  const batch: Volume = vol("img64_batch100");
  const table = new Float64Array(256).fill(1);
  table[0] = 0;
  for (const b of [0, 7, 19, 33, 58, 71, 96]) {
    const img = { shape: [64, 64], data: batch.data.subarray(b * 4096, (b + 1) * 4096), phases: {} };
    const { shape3 } = gridOrder(img.shape, 0);
    const sigma = new Float64Array(4096);
    fillSigma(img, 0, table, sigma);
    const p = { sigma, shape: shape3, periodic: [false, false] as [boolean, boolean], label: `image ${b}` };
    assertMatches(reference(p), fast(p, { cycle: "V" }), p, "V-cycle");
  }
});

test.after(() => {
  console.log(
    `  largest differences from the reference: potential ${worst.pot.toExponential(1)}, current ${worst.current.toExponential(1)}, tau ${worst.tau.toExponential(1)}`,
  );
});

test.run();
