/**
 * The fast path's variants solve the same problem: level 0 on the link mask vs the general arrays, compact
 * vs grid level 0, the wasm core vs the plain-TS twin. They run the same operations, so today they agree
 * bit for bit; the tests ask only for what the product needs, so that a legitimate reordering of a sum does
 * not fail them: the same iterations within one (a reordered sum can move the stopping test by one) and,
 * solved to rtol 1e-12, potentials and currents within 1e-9 (an iteration apart, two converged solves
 * differ by about their errors, ~100 rtol on these grids); integer outcomes (which path ran, cells kept by
 * the percolation rule) exactly. Exact equality is kept where it is the product: a reused workspace gives
 * a fresh one's results (what makes the image pool's 1 vs N workers identical), and options left out run
 * the very configuration of the defaults.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { loadCore } from "../../host/core/wasm.js";
import { ArrayHeap } from "../../host/core/heap.js";
import type { TransportKernels } from "../../host/core/wasm.js";
import { createTransportTwin } from "../../host/transport/twin.js";
import { readVolume } from "../../host/transport/volume.js";
import { GridSolver, SOLVER_DEFAULTS, type SolverOptions } from "../../host/transport/solver.js";
import { Rng } from "../../host/core/rng.js";
import { fixture, relErr } from "../helpers.js";

const k = await loadCore();
const twin = createTransportTwin(new ArrayHeap());
const vol = (c: string) => readVolume(fixture(`transport/${c}.json`));
const RTOL = 1e-12;
const TOL = 1e-9;

type Shape = [number, number, number];
interface Run {
  iterations: number;
  fluxIn: number;
  fluxOut: number;
  nActive: number;
  nPercolating: number;
  status: string;
  potential: Float64Array;
  linkMask: boolean;
  compact: boolean;
}

function solve(
  kk: TransportKernels,
  shape: Shape,
  periodic: [boolean, boolean],
  sigma: ArrayLike<number>,
  opts: Partial<SolverOptions> = {},
): Run {
  const s = new GridSolver(kk, shape, periodic, { ...SOLVER_DEFAULTS, rtol: RTOL, ...opts });
  try {
    s.sigmaView().set(sigma);
    const r = s.solve();
    return { ...r, potential: Float64Array.from(s.potentialView()), linkMask: s.linkMaskUsed(), compact: s.compactUsed() };
  } finally {
    s.dispose();
  }
}

/** Two solves of one problem by two paths: the same solve up to round-off. */
function assertSame(a: Run, b: Run, label: string): void {
  assert.is(a.status, b.status, `${label}: status`);
  assert.equal([a.nActive, a.nPercolating], [b.nActive, b.nPercolating], `${label}: cells`);
  assert.ok(Math.abs(a.iterations - b.iterations) <= 1, `${label}: ${a.iterations} vs ${b.iterations} iterations`);
  let d = 0;
  for (let c = 0; c < a.potential.length; c++) d = Math.max(d, Math.abs(a.potential[c] - b.potential[c]));
  assert.ok(d <= TOL, `${label}: potentials differ by ${d}`);
  assert.ok(relErr(a.fluxIn, b.fluxIn) <= TOL && relErr(a.fluxOut, b.fluxOut) <= TOL, `${label}: currents ${a.fluxIn} vs ${b.fluxIn}`);
}

const field = (v: { data: Uint8Array }, f: (code: number) => number) => Float64Array.from(v.data, f);

test("level-0 link mask (one phase, sigma 1) = the general arrays, and is used only where it applies", () => {
  const v = vol("an_staircase_32x16x36");
  const sigma = field(v, (c) => (c === 1 ? 1 : 0));
  for (const [method, cycle] of [
    ["pcg", "K"],
    ["pcg", "V"],
    ["sor", "K"],
  ] as const) {
    const on = solve(k, [32, 16, 36], [true, false], sigma, { method, cycle, linkMask: true, rtol: 1e-9 });
    const off = solve(k, [32, 16, 36], [true, false], sigma, { method, cycle, linkMask: false, rtol: 1e-9 });
    assert.equal([on.linkMask, off.linkMask], [true, false], `${method} ${cycle}: mask in use`);
    assertSame(on, off, `${method} ${cycle}`);
  }
  // sigma 2 (or several phases) is not a 0/1 problem: the general path runs
  const two = solve(
    k,
    [32, 16, 36],
    [false, false],
    field(v, (c) => (c === 1 ? 2 : 0)),
  );
  assert.is(two.status, "converged");
  assert.is(two.linkMask, false);
});

test("compact level 0 (network cells only) = the grid path (sph_s80_64), and runs only where it applies", () => {
  const v = vol("sph_s80_64");
  const shape = v.shape as Shape;
  for (const phase of [1, 2]) {
    const sigma = field(v, (c) => (c === phase ? 1 : 0));
    for (const [cycle, periodic, smoothingSweeps] of [
      ["K", [false, false], 1],
      ["K", [true, true], 3],
      ["V", [true, false], 2],
    ] as const) {
      const opts = { cycle, smoothingSweeps };
      const cmp = solve(k, shape, [...periodic], sigma, { ...opts, compact: true });
      const grid = solve(k, shape, [...periodic], sigma, { ...opts, compact: false });
      assert.equal([cmp.compact, grid.compact], [true, false], `phase ${phase} ${cycle}: compact in use`);
      assertSame(cmp, grid, `phase ${phase} ${cycle} periodic ${periodic}`);
    }
  }
  // not compact: two-phase conductivities (general level 0), 2x2x2 block aggregation
  const st = vol("an_staircase_32x16x36");
  for (const [opts, f] of [
    [{}, (c: number) => (c === 1 ? 2 : 0.5)],
    [{ aggregation: "blocks" as const }, (c: number) => (c === 1 ? 1 : 0)],
  ] as const) {
    const r = solve(k, [32, 16, 36], [false, false], field(st, f), opts);
    assert.is(r.status, "converged");
    assert.is(r.compact, false);
  }
});

test("random fields (1-cell axes, periodic seams, isolated clusters): compact = grid path = the TS twin", () => {
  const rng = new Rng(4242);
  const shapes: Shape[] = [
    [9, 1, 13],
    [12, 7, 1],
    [10, 6, 5],
    [16, 9, 11],
    [7, 2, 2],
  ];
  for (const shape of shapes) {
    for (const periodic of [
      [false, false],
      [true, true],
    ] as [boolean, boolean][]) {
      const n = shape[0] * shape[1] * shape[2];
      // conducting fraction ~0.7, plus a straight channel along the transport axis so that the field percolates
      const f = new Float64Array(n);
      for (let c = 0; c < n; c++) f[c] = rng.next() < 0.7 || c % (shape[1] * shape[2]) === 0 ? 1 : 0;
      const cmp = solve(k, shape, periodic, f, { compact: true, rtol: 1e-11 });
      const grid = solve(k, shape, periodic, f, { compact: false, rtol: 1e-11 });
      const ts = solve(twin, shape, periodic, f, { compact: true, rtol: 1e-11 });
      // compact runs only above coarse levels (a grid of more than 64 cells)
      assert.is(cmp.compact, n > 64, `${shape}: compact used`);
      assertSame(cmp, grid, `${shape} ${periodic}: compact vs grid`);
      assertSame(cmp, ts, `${shape} ${periodic}: wasm vs twin`);
    }
  }
});

test("wasm = the plain-TS twin (every method, cycle and aggregation; one- and two-phase fields; a reused workspace)", () => {
  const v = vol("an_staircase_32x16x36");
  const fields = [field(v, (c) => (c === 1 ? 1 : 0)), field(v, (c) => (c === 1 ? 2 : 0.5))];
  for (const [method, cycle, aggregation] of [
    ["pcg", "K", "components"],
    ["pcg", "V", "components"],
    ["pcg", "K", "blocks"],
    ["pcg", "V", "blocks"],
    ["sor", "K", "blocks"],
  ] as const) {
    const runs = [k, twin].map((kk) => {
      // one workspace for both fields: the second solve re-uses the first one's set-up
      const s = new GridSolver(kk, [32, 16, 36], [true, true], { ...SOLVER_DEFAULTS, method, cycle, aggregation, rtol: 1e-9 });
      const out = fields.map((f) => {
        s.sigmaView().set(f);
        const r = s.solve();
        return { ...r, potential: Float64Array.from(s.potentialView()), linkMask: s.linkMaskUsed(), compact: s.compactUsed() };
      });
      s.dispose();
      return out;
    });
    fields.forEach((_, f) => assertSame(runs[0][f], runs[1][f], `${method} ${cycle} ${aggregation} field ${f}`));
  }
});

test("a reused workspace gives a fresh workspace's results exactly (the image pool's 1 vs N workers rests on it)", () => {
  const v = vol("sph_s80_64");
  const shape = v.shape as Shape;
  const [am, se] = [1, 2].map((ph) => field(v, (c) => (c === ph ? 1 : 0)));
  for (const opts of [{}, { cycle: "V" as const }, { aggregation: "blocks" as const }]) {
    const fresh = solve(k, shape, [true, true], se, opts);
    const s = new GridSolver(k, shape, [true, true], { ...SOLVER_DEFAULTS, rtol: RTOL, ...opts });
    s.sigmaView().set(am);
    s.solve();
    s.sigmaView().set(se);
    const again = s.solve();
    assert.equal([again.iterations, again.fluxIn, again.fluxOut], [fresh.iterations, fresh.fluxIn, fresh.fluxOut], JSON.stringify(opts));
    assert.equal(Float64Array.from(s.potentialView()), fresh.potential, `${JSON.stringify(opts)}: potentials`);
    s.dispose();
  }
});

test("GridSolver: options left out take the documented defaults (the same configuration: the same results exactly)", () => {
  assert.is(SOLVER_DEFAULTS.aggregation, "components");
  const sigma = field(vol("an_staircase_32x16x36"), (c) => (c === 1 ? 1 : 0));
  const run = (opts: Record<string, unknown>) => {
    const s = new GridSolver(k, [32, 16, 36], [false, false], opts as never);
    s.sigmaView().set(sigma);
    const r = s.solve();
    const compact = s.compactUsed();
    s.dispose();
    return { r, compact };
  };
  const full = run({ ...SOLVER_DEFAULTS, rtol: 1e-9 });
  // aggregation left out (or undefined), or only a few options given: the same solve as the full defaults
  for (const opts of [
    { ...SOLVER_DEFAULTS, rtol: 1e-9, aggregation: undefined },
    { rtol: 1e-9 },
    { method: "pcg", rtol: 1e-9, maxIterations: 20000 },
  ]) {
    const { r, compact } = run(opts);
    assert.is(compact, true, JSON.stringify(opts));
    assert.is(r.iterations, full.r.iterations, JSON.stringify(opts));
    assert.is(r.fluxIn, full.r.fluxIn);
  }
  assert.is(run({ ...SOLVER_DEFAULTS, rtol: 1e-9, aggregation: "blocks" }).compact, false);
});

test("component aggregation refuses a heap changed under it (the coarse levels are rebuilt per solve)", () => {
  const sigma = field(vol("an_staircase_32x16x36"), (c) => (c === 1 ? 1 : 0));
  const s = new GridSolver(k, [32, 16, 36], [false, false], { ...SOLVER_DEFAULTS, rtol: 1e-9 });
  s.sigmaView().set(sigma);
  assert.is(s.solve().status, "converged");
  s.sigmaView().set(sigma);
  assert.is(s.solve().status, "converged"); // a second solve on the same workspace is fine
  const mark = k.heap.used;
  k.heap.alloc(64, 16);
  s.sigmaView().set(sigma);
  assert.throws(() => s.solve(), /heap changed after this GridSolver/);
  k.heap.reset(mark);
  s.dispose();
});

test.run();
