// Kernel tests for assembly/dem: Hertz contact against the closed form, the overlap blow-up status,
// the neighbour list, the velocity-Verlet drift, and the f64x2 contact pass against its scalar reference
// (hertz, hooke, and pair tables that mix them), on systems laid out here by hand.
import * as L from "../../assembly/dem/layout";
import * as M from "../../assembly/dem/contact/models";
import { pairForces } from "../../assembly/dem/pair_forces";
import { wallForces } from "../../assembly/dem/contact_walls";
import { demWallLists } from "../../assembly/dem/wall_list";
import { buildNeighbors } from "../../assembly/dem/neighbor";
import { demPrepare, initialIntegrate } from "../../assembly/dem/integrate";

const E: f64 = 264e9, NU: f64 = 0.32;

function put(sys: usize, slot: i32, v: f64): void { store<f64>(sys + (<usize>slot << 3), v); }
function putI(sys: usize, slot: i32, v: i32): void { store<i32>(sys + (<usize>slot << 3), v); }
function putP(sys: usize, slot: i32, p: usize): void { store<u32>(sys + (<usize>slot << 3), <u32>p); }
function arr(bytes: i32): usize { const p = heap.alloc(<usize>bytes); memory.fill(p, 0, <usize>bytes); return p; }

function f64At(sys: usize, slot: i32, i: i32): f64 { return load<f64>(<usize>load<u32>(sys + (<usize>slot << 3)) + (<usize>i << 3)); }
function setF64(sys: usize, slot: i32, i: i32, v: f64): void {
  store<f64>(<usize>load<u32>(sys + (<usize>slot << 3)) + (<usize>i << 3), v);
}

/** n particles of nmat materials (all E, NU, rho 4720), e = 1 (no damping), mu = 0.3, hertz, no walls. */
function makeSystem(n: i32, cap: i32, nmat: i32 = 1): usize {
  const sys = arr(L.HEADER_SLOTS * 8);
  const nt = nmat * nmat;
  putI(sys, L.H_N, n); putI(sys, L.H_NMAT, nmat); putI(sys, L.H_DIM, 3);
  put(sys, L.H_DT, 1e-10); put(sys, L.H_SKIN, 1e-6); put(sys, L.H_INERTIA, 0.4);
  put(sys, L.H_MAX_OVERLAP, 0.25); put(sys, L.H_MAX_STEPDISP, 0.1);
  for (let s = L.P_X; s <= L.P_WYZ; s++) { if (s != L.P_MAT && s != L.P_NCONT) putP(sys, s, arr(n * 8)); }
  putP(sys, L.P_MAT, arr(n * 4)); putP(sys, L.P_NCONT, arr(n * 4)); putP(sys, L.P_CELLNEXT, arr(n * 4));
  const Y = 1.0 / (2.0 * (1.0 - NU * NU) / E);
  const G = 1.0 / (2.0 * (2.0 * (2.0 - NU) * (1.0 + NU) / E));
  putP(sys, L.P_T_KN, arr(nt * 8)); putP(sys, L.P_T_KT, arr(nt * 8)); putP(sys, L.P_T_MU, arr(nt * 8));
  putP(sys, L.P_T_MODEL, arr(nt * 4)); // hertz + restitution + history (ids 0)
  putP(sys, L.P_T_DN, arr(nt * 8)); putP(sys, L.P_T_DT, arr(nt * 8)); // beta = 0 (e = 1): no dashpots
  for (let t = 0; t < nt; t++) {
    setF64(sys, L.P_T_KN, t, 4.0 / 3.0 * Y); setF64(sys, L.P_T_KT, t, 8.0 * G); setF64(sys, L.P_T_MU, t, 0.3);
  }
  for (let s = L.P_ROW; s <= L.P_CFTZ; s++) {
    const isInt = s == L.P_ROW || s == L.P_ROW2 || s == L.P_NBR || s == L.P_NBR2;
    const len = s == L.P_ROW || s == L.P_ROW2 ? n + 1 : cap;
    putP(sys, s, arr(len * (isInt ? 4 : 8)));
  }
  putP(sys, L.P_CK, arr(cap * 4)); putP(sys, L.P_CI, arr(cap * 4));
  putI(sys, L.H_PAIRCAP, cap);
  putP(sys, L.P_CELLHEAD, arr(4096 * 4)); putI(sys, L.H_CELLCAP, 4096);
  putP(sys, L.P_WALLS, arr(L.WALL_SLOTS * 8));
  // one wall's particle list (wall_list.ts)
  putP(sys, L.P_WLIST, arr(n * 4)); putP(sys, L.P_WLISTN, arr(8)); putP(sys, L.P_WREF, arr(8));
  putP(sys, L.P_NGRID, arr(L.NGRID_BYTES));
  for (let s = L.P_X; s <= L.P_T_DT; s++) if (s != 73) assert(load<u32>(sys + (<usize>s << 3)) != 0, "pointer slot not laid out");
  return sys;
}


function twoSpheres(r: f64, overlap: f64): usize {
  const sys = makeSystem(2, 16);
  setF64(sys, L.P_X, 0, 0.0); setF64(sys, L.P_X, 1, 2.0 * r - overlap);
  setF64(sys, L.P_R, 0, r); setF64(sys, L.P_R, 1, r);
  const m = 4.0 * Math.PI / 3.0 * r * r * r * 4720.0;
  setF64(sys, L.P_MASS, 0, m); setF64(sys, L.P_MASS, 1, m);
  put(sys, L.H_RMAX, r);
  return sys;
}

describe("hertz contact kernel", () => {
  it("gives F = 4/3 Y* sqrt(R*) dn^1.5 between two resting spheres", () => {
    const r = 5e-6, dn = 2e-9;
    const sys = twoSpheres(r, dn);
    expect(buildNeighbors(sys)).toBe(L.ST_OK);
    expect(load<i32>(sys + (<usize>L.H_NPAIRS << 3))).toBe(1);
    expect(pairForces(sys, 1, 0)).toBe(L.ST_OK);
    const Y = 1.0 / (2.0 * (1.0 - NU * NU) / E);
    const F = 4.0 / 3.0 * Y * Math.sqrt(r / 2.0) * Math.pow(dn, 1.5);
    const fx0 = f64At(sys, L.P_FX, 0), fx1 = f64At(sys, L.P_FX, 1);
    // particle 0 sits left of particle 1: pushed towards -x
    expect(Math.abs(-fx0 - F) / F).toBeLessThan(1e-12);
    expect(fx0 + fx1).toBe(0.0);
  });

  it("reports an unstable overlap with the pair's indices", () => {
    const r = 5e-6;
    const sys = twoSpheres(r, 0.3 * r);
    expect(buildNeighbors(sys)).toBe(L.ST_OK);
    expect(pairForces(sys, 1, 0)).toBe(L.ST_UNSTABLE_OVERLAP);
    expect(load<i32>(sys + (<usize>L.H_STATUS_I << 3))).toBe(0);
    expect(load<i32>(sys + (<usize>L.H_STATUS_J << 3))).toBe(1);
  });

  it("asks for more room when the neighbour list does not fit", () => {
    const sys = makeSystem(3, 1);
    for (let i = 0; i < 3; i++) { setF64(sys, L.P_X, i, <f64>i * 9e-6); setF64(sys, L.P_R, i, 5e-6); setF64(sys, L.P_MASS, i, 1e-12); }
    put(sys, L.H_RMAX, 5e-6);
    // pairs (0,1) and (1,2) lie within R_i + R_j + skin = 11 um; (0,2) at 18 um does not
    expect(buildNeighbors(sys)).toBe(L.ST_NEED_PAIRS);
    expect(load<f64>(sys + (<usize>L.H_STATUS_VAL << 3))).toBe(2.0);
  });

  it("pushes a sphere out of a planar wall with the Hertz force of R* = R", () => {
    const r = 5e-6, dn = 1e-9;
    const sys = makeSystem(1, 4);
    setF64(sys, L.P_Z, 0, r - dn); setF64(sys, L.P_R, 0, r); setF64(sys, L.P_MASS, 0, 1e-12);
    putI(sys, L.H_NWALLS, 1);
    const wb = <usize>load<u32>(sys + (<usize>L.P_WALLS << 3));
    putI(wb, L.W_AXIS, 2); put(wb, L.W_SIDE, 1.0); putI(wb, L.W_MAT, 0);
    putP(wb, L.W_HX, arr(8)); putP(wb, L.W_HY, arr(8)); putP(wb, L.W_HZ, arr(8));
    demWallLists(sys);
    expect(wallForces(sys, 1, 0)).toBe(L.ST_OK);
    const Y = 1.0 / (2.0 * (1.0 - NU * NU) / E);
    const F = 4.0 / 3.0 * Y * Math.sqrt(r) * Math.pow(dn, 1.5);
    expect(Math.abs(f64At(sys, L.P_FZ, 0) - F) / F).toBeLessThan(1e-12);
    expect(load<f64>(wb + (<usize>L.W_FZ << 3))).toBe(-f64At(sys, L.P_FZ, 0));
  });
});

describe("velocity Verlet (nve/sphere)", () => {
  it("drifts a free particle by v dt per step", () => {
    const sys = makeSystem(1, 4);
    setF64(sys, L.P_R, 0, 1e-6); setF64(sys, L.P_MASS, 0, 1e-14);
    setF64(sys, L.P_VX, 0, 2.0);
    demPrepare(sys);
    for (let s = 0; s < 10; s++) initialIntegrate(sys);
    expect(Math.abs(f64At(sys, L.P_X, 0) - 10.0 * 2.0 * 1e-10)).toBeLessThan(1e-24);
    expect(f64At(sys, L.P_DTFM, 0)).toBe(0.5e-10 / 1e-14);
  });
});

import { pairContacts as pairContactsScalar } from "../../assembly/dem/contact_pairs";

function putI32(sys: usize, slot: i32, i: i32, v: i32): void {
  store<i32>(<usize>load<u32>(sys + (<usize>slot << 3)) + (<usize>i << 2), v);
}
/** |a - b| within tol of the scale (the f64x2 lanes do the scalar IEEE operations: equal in practice). */
function close(a: f64, b: f64, scale: f64, tol: f64): bool { return abs<f64>(a - b) <= tol * scale; }

describe("f64x2 contact pass vs its scalar reference", () => {
  it("agrees to 1e-14 in forces, torques and histories (hertz, hooke, mixed tables; odd and even contact counts)", () => {
    // setup 0: hertz; 1: hooke; 2: two materials, hooke between unlike ones, hertz otherwise (lanes of different models)
    for (let setup = 0; setup < 3; setup++) for (let n = 4; n <= 5; n++) {
      // a chain of spheres, each overlapping the next, with assorted velocities and spins
      const sys = makeSystem(n, 64, setup == 2 ? 2 : 1);
      if (setup == 1) putI32(sys, L.P_T_MODEL, 0, M.NORMAL_HOOKE);
      if (setup == 2) {
        putI32(sys, L.P_T_MODEL, 1, M.NORMAL_HOOKE); putI32(sys, L.P_T_MODEL, 2, M.NORMAL_HOOKE);
        for (let i = 0; i < n; i++) putI32(sys, L.P_MAT, i, (i >> 1) % 2); // materials 0 0 1 1 0: contacts alternate models
      }
      // hooke: KN = KT (hertz entries of the mixed table keep theirs)
      if (setup == 1) { setF64(sys, L.P_T_KN, 0, 3.0e8); setF64(sys, L.P_T_KT, 0, 3.0e8); }
      if (setup == 2) for (let t = 1; t < 3; t++) { setF64(sys, L.P_T_KN, t, 3.0e8); setF64(sys, L.P_T_KT, t, 3.0e8); }
      for (let i = 0; i < n; i++) {
        setF64(sys, L.P_X, i, <f64>i * 9.9e-6); setF64(sys, L.P_Y, i, <f64>(i % 2) * 1e-7); setF64(sys, L.P_Z, i, 0.0);
        setF64(sys, L.P_R, i, 5e-6); setF64(sys, L.P_MASS, i, 2.4e-12 + <f64>i * 1e-13);
        setF64(sys, L.P_VX, i, 0.3 - 0.1 * <f64>i); setF64(sys, L.P_VY, i, 0.05 * <f64>i); setF64(sys, L.P_WZ, i, 1e4 * <f64>(i - 2));
      }
      put(sys, L.H_RMAX, 5e-6);
      // dashpots and friction on (e = 0.5 in the tables)
      for (let t = 0; t < (setup == 2 ? 4 : 1); t++) { setF64(sys, L.P_T_DN, t, 1.5e5); setF64(sys, L.P_T_DT, t, 2.0e5); }
      expect(buildNeighbors(sys)).toBe(L.ST_OK);
      // SIMD pass (inside pairForces), twice so the history is non-zero
      pairForces(sys, 1, 0);
      const nc = n - 1;
      const hx = <usize>load<u32>(sys + (<usize>L.P_HX << 3));
      const hy = <usize>load<u32>(sys + (<usize>L.P_HY << 3));
      const hz = <usize>load<u32>(sys + (<usize>L.P_HZ << 3));
      const snapH = arr(nc * 24);
      memory.copy(snapH, hx, <usize>(nc * 8));
      memory.copy(snapH + <usize>(nc * 8), hy, <usize>(nc * 8));
      memory.copy(snapH + <usize>(nc * 16), hz, <usize>(nc * 8));
      memory.fill(<usize>load<u32>(sys + (<usize>L.P_FX << 3)), 0, <usize>(n * 8));
      memory.fill(<usize>load<u32>(sys + (<usize>L.P_TZ << 3)), 0, <usize>(n * 8));
      pairForces(sys, 1, 0);
      const fSimd = arr(n * 8), tSimd = arr(n * 8), hSimd = arr(nc * 8);
      memory.copy(fSimd, <usize>load<u32>(sys + (<usize>L.P_FX << 3)), <usize>(n * 8));
      memory.copy(tSimd, <usize>load<u32>(sys + (<usize>L.P_TZ << 3)), <usize>(n * 8));
      memory.copy(hSimd, hx, <usize>(nc * 8));
      // scalar pass on the same contact list from the same history
      memory.copy(hx, snapH, <usize>(nc * 8));
      memory.copy(hy, snapH + <usize>(nc * 8), <usize>(nc * 8));
      memory.copy(hz, snapH + <usize>(nc * 16), <usize>(nc * 8));
      memory.fill(<usize>load<u32>(sys + (<usize>L.P_FX << 3)), 0, <usize>(n * 8));
      memory.fill(<usize>load<u32>(sys + (<usize>L.P_TZ << 3)), 0, <usize>(n * 8));
      expect(pairContactsScalar(sys, 0, nc, 1, 0, 0)).toBe(L.ST_OK);
      let fs = 0.0, ts = 0.0, hs = 0.0;
      for (let i = 0; i < n; i++) { fs = max(fs, abs<f64>(f64At(sys, L.P_FX, i))); ts = max(ts, abs<f64>(f64At(sys, L.P_TZ, i))); }
      for (let k = 0; k < nc; k++) hs = max(hs, abs<f64>(load<f64>(hx + (<usize>k << 3))));
      for (let i = 0; i < n; i++) {
        expect(close(f64At(sys, L.P_FX, i), load<f64>(fSimd + (<usize>i << 3)), fs, 1e-14)).toBe(true);
        expect(close(f64At(sys, L.P_TZ, i), load<f64>(tSimd + (<usize>i << 3)), ts, 1e-14)).toBe(true);
      }
      for (let k = 0; k < nc; k++) {
        expect(close(load<f64>(hx + (<usize>k << 3)), load<f64>(hSimd + (<usize>k << 3)), hs, 1e-14)).toBe(true);
      }
      expect(f64At(sys, L.P_TZ, 1)).not.toBe(0.0); // friction and spin are really exercised
    }
  });
});
