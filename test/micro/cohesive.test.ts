/**
 * One cohesive interface point (assembly/micro/cohesive.ts, the `microCohesive` entry point over a bare header)
 * under a prescribed gap history reproduces the traction-separation-damage law of paper 001 eq 20-25 (SPEC §6):
 * onset exactly at Y = Y0 (no damage below), the closed-form damage for n = 2 and the root of the scalar
 * equation for n = 3, irreversibility on unloading, no damage and the undamaged normal stiffness in compression,
 * damage by sliding alone, and the consistent tangent against finite differences of the traction. The wasm core
 * and the TS twin each, and the two identical.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { loadCore, type MicroKernels } from "../../host/core/wasm.js";
import { ArrayHeap } from "../../host/core/heap.js";
import { createMicroTwin } from "../../host/micro/twin.js";
import * as M from "../../assembly/micro/layout.js";
import { paperConfig } from "./setup.js";

const backends: MicroKernels[] = [await loadCore(), createMicroTwin(new ArrayHeap())];

// the paper's law in the kernels' scaled units (layout.ts): k0 R / E, Y0 and H in E eps_s^2 R, gaps in R eps_s
const cfg = paperConfig();
const E = cfg.am.youngsModulus_Pa,
  epsS = cfg.am.partialMolarVolume_m3_mol * cfg.am.maxConcentration_mol_m3,
  R = cfg.radius_m;
const K0 = (cfg.cohesive.stiffness_Pa_m * R) / E;
const Y0 = cfg.cohesive.initiationEnergy_J_m2 / (E * epsS * epsS * R);
const H = cfg.cohesive.hardening_J_m2 / (E * epsS * epsS * R);

interface Out {
  d: number;
  tn: number;
  tt: number;
  knn: number;
  knt: number;
  ktn: number;
  ktt: number;
  y: number;
}

/** One interface point of a kernel backend with the law (k0, Y0, H, n). */
function point(k: MicroKernels, n: number, secant = false) {
  const sys = k.heap.alloc(M.HEADER_SLOTS * 8, 16);
  const f = () => new Float64Array(k.heap.buffer, sys, M.HEADER_SLOTS);
  const hdr = f();
  hdr[M.M_K0] = K0;
  hdr[M.M_Y0] = Y0;
  hdr[M.M_H] = H;
  hdr[M.M_NEXP] = n;
  new Int32Array(k.heap.buffer, sys, 2 * M.HEADER_SLOTS)[2 * M.M_SECANT] = secant ? 1 : 0;
  return (gn: number, gt: number, dold: number): Out => {
    const h = f();
    h[M.M_TGN] = gn;
    h[M.M_TGT] = gt;
    h[M.M_TDOLD] = dold;
    k.microCohesive(sys);
    const o = f();
    return {
      d: o[M.M_TD],
      tn: o[M.M_TTN],
      tt: o[M.M_TTT],
      knn: o[M.M_TKNN],
      knt: o[M.M_TKNT],
      ktn: o[M.M_TKTN],
      ktt: o[M.M_TKTT],
      y: o[M.M_TY],
    };
  };
}

/** The damage in equilibrium with s = <g_n>+^2 + g_t^2 (Phi = (n/2)(1 - d)^(n-1) k0 s - Y0 - H d = 0), closed forms for n = 2 and 3. */
function dStar(s: number, n: 2 | 3): number {
  if (n === 2) return Math.min(1, Math.max(0, (K0 * s - Y0) / (K0 * s + H)));
  // a (1 - d)^2 = Y0 + H d with a = 1.5 k0 s: a d^2 - (2a + H) d + (a - Y0) = 0, the root in [0, 1]
  const a = 1.5 * K0 * s;
  if (a <= Y0) return 0;
  const b = 2 * a + H;
  return (2 * (a - Y0)) / (b + Math.sqrt(b * b - 4 * a * (a - Y0))); // = (b - sqrt(...)) / (2a), without the cancellation
}

const close = (a: number, b: number, tol: number, what: string) =>
  assert.ok(Math.abs(a - b) <= tol * Math.max(Math.abs(b), 1e-300), `${what}: ${a} vs ${b} (rel ${Math.abs(a - b) / Math.abs(b)})`);

for (const k of backends) {
  for (const n of [2, 3] as const) {
    const law = point(k, n);
    // the gap at which Y(d = 0) = (n/2) k0 s reaches Y0
    const g0 = Math.sqrt((2 * Y0) / (n * K0));

    test(`${k.name}, n = ${n}: no damage below Y0, onset exactly at Y = Y0, then d as the closed form (1e-13) along monotonic opening`, () => {
      for (const f of [0, 0.5, 0.9, 1 - 1e-9]) {
        const o = law(f * g0, 0, 0);
        assert.is(o.d, 0, `d at ${f} g0`);
        close(o.tn, K0 * f * g0, 1e-15, "undamaged t_n");
        close(o.knn, K0, 1e-15, "undamaged k_nn");
      }
      // at the onset gap itself, d = 0 up to the rounding of k0 g0^2 against Y0
      assert.ok(law(g0, 0, 0).d < 1e-15, "d at the onset gap");
      close(law(g0, 0, 0).y, Y0, 1e-14, "Y at the onset gap");
      assert.ok(law(g0 * (1 + 1e-9), 0, 0).d > 0, "damage just past the onset");
      let dold = 0;
      for (let f = 1.05; f < 40; f *= 1.3) {
        const g = f * g0,
          o = law(g, 0, dold);
        const ds = dStar(g * g, n);
        close(o.d, ds, 1e-13, `d at ${f.toFixed(3)} g0`);
        close(o.tn, (1 - ds) ** n * K0 * g, 1e-12, `t_n at ${f.toFixed(3)} g0`);
        assert.is(o.tt, 0);
        // the returned damage satisfies the damage criterion Phi = Y - Y0 - H d = 0 (eq 21-25)
        close(o.y, Y0 + H * o.d, 1e-12, `Phi = 0 at ${f.toFixed(3)} g0`);
        assert.ok(o.d > dold && o.d < 1, "d grows in (0, 1)");
        dold = o.d;
      }
    });

    test(`${k.name}, n = ${n}: irreversible: unloading and reloading below the peak keep d, traction (1 - d)^n k0 g, secant stiffness`, () => {
      // a mixed gap (opening and sliding) of magnitude 3 g0, then back along the same direction and up again
      const peak = 3 * g0,
        cn = Math.cos(0.3),
        sn = Math.sin(0.3);
      const dp = law(peak * cn, peak * sn, 0).d;
      assert.ok(dp > 0.05);
      for (const f of [0.9, 0.5, 0.1, 0.01, 0.5, 0.99]) {
        const o = law(f * peak * cn, f * peak * sn, dp);
        assert.is(o.d, dp, `d at ${f} peak`);
        close(o.tn, (1 - dp) ** n * K0 * f * peak * cn, 1e-14, `t_n at ${f}`);
        close(o.tt, (1 - dp) ** n * K0 * f * peak * sn, 1e-14, `t_t at ${f}`);
        close(o.knn, (1 - dp) ** n * K0, 1e-14, "k_nn");
        close(o.ktt, (1 - dp) ** n * K0, 1e-14, "k_tt");
        assert.is(o.knt, 0);
        assert.is(o.ktn, 0);
      }
      // past the peak it damages further again
      assert.ok(law(1.1 * peak * cn, 1.1 * peak * sn, dp).d > dp);
    });

    test(`${k.name}, n = ${n}: compression neither damages nor softens the normal stiffness; sliding alone damages (also under compression)`, () => {
      for (const dold of [0, 0.4]) {
        for (const gn of [-0.5 * g0, -5 * g0, -100 * g0]) {
          const o = law(gn, 0, dold);
          assert.is(o.d, dold, `d in compression ${gn / g0} g0`);
          close(o.tn, K0 * gn, 1e-15, "t_n = k0 g_n (undamaged)");
          close(o.knn, K0, 1e-15, "k_nn = k0");
        }
      }
      for (const gn of [0, -2 * g0]) {
        const gt = 4 * g0;
        const o = law(gn, gt, 0);
        close(o.d, dStar(gt * gt, n), 1e-13, `d by sliding, g_n = ${gn / g0} g0`);
        close(o.tt, (1 - o.d) ** n * K0 * gt, 1e-12, "t_t");
        close(o.tn, K0 * gn || 0, 1e-15, "t_n undamaged in compression");
      }
      // the tangential direction's sign does not matter
      assert.is(law(0, -4 * g0, 0).d, law(0, 4 * g0, 0).d);
    });

    test(`${k.name}, n = ${n}: the consistent tangent matches central differences of the traction (1e-6), loading and unloading`, () => {
      const states: [number, number, number][] = [
        [3 * g0, 1.5 * g0, 0], // opening and sliding, loading
        [0.5 * g0, 4 * g0, 0], // mostly sliding, loading
        [-2 * g0, 3 * g0, 0], // compression and sliding, loading
        [2 * g0, 1 * g0, 0.6], // unloading (d stays 0.6): the secant stiffness
        [-1 * g0, 0.5 * g0, 0.3], // compression, unloading
      ];
      for (const [gn, gt, dold] of states) {
        const o = law(gn, gt, dold);
        const h = 1e-6 * g0;
        const dn = [law(gn + h, gt, dold), law(gn - h, gt, dold)],
          dt = [law(gn, gt + h, dold), law(gn, gt - h, dold)];
        const fd = {
          knn: (dn[0].tn - dn[1].tn) / (2 * h),
          ktn: (dn[0].tt - dn[1].tt) / (2 * h),
          knt: (dt[0].tn - dt[1].tn) / (2 * h),
          ktt: (dt[0].tt - dt[1].tt) / (2 * h),
        };
        for (const key of ["knn", "knt", "ktn", "ktt"] as const)
          assert.ok(Math.abs(o[key] - fd[key]) <= 1e-6 * K0, `(${gn / g0}, ${gt / g0}, ${dold}) ${key}: ${o[key]} vs ${fd[key]}`);
        if (dold === 0) assert.ok(Math.abs(o.knt) > 1e-3 * K0 || gn <= 0, "the loading tangent couples n and t");
      }
    });
  }

  test(`${k.name}: the secant option drops the damage-growth term (the stiffness is (1 - d)^n k0 while loading)`, () => {
    const law = point(k, 2, true);
    const g = 3 * Math.sqrt(Y0 / K0);
    const o = law(g, g, 0);
    close(o.d, dStar(2 * g * g, 2), 1e-13, "d");
    close(o.knn, (1 - o.d) ** 2 * K0, 1e-14, "secant k_nn");
    assert.is(o.knt, 0);
  });
}

test("wasm and the TS twin give the same law: bit for bit for n = 2 and 3, within 1e-14 for n = 2.5 (Math.pow's last bit)", () => {
  for (const n of [2, 2.5, 3]) {
    const [a, b] = backends.map((k) => point(k, n));
    for (const [gn, gt, d] of [
      [0.01, 0.02, 0],
      [0.2, -0.1, 0],
      [-0.3, 0.25, 0.1],
      [0.05, 0.05, 0.5],
    ]) {
      const [oa, ob] = [a(gn, gt, d), b(gn, gt, d)];
      if (Number.isInteger(n)) assert.equal(oa, ob, `n ${n}: (${gn}, ${gt}, ${d})`);
      else for (const key of Object.keys(oa) as (keyof Out)[]) close(oa[key], ob[key], 1e-14, `n ${n}: ${key}`);
    }
  }
});

test.run();
