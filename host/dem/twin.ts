/**
 * Plain-TypeScript twin of the DEM kernels in assembly/dem (neighbor.ts, contact_hertz.ts,
 * integrate.ts, step.ts): the same memory layout, the same operations in the same order, so the
 * wasm core and this twin agree bit for bit. It is the reference in tests and the baseline in
 * benchmarks. Keep it in step with the AssemblyScript sources when either changes.
 */
import type { Heap } from "../core/heap.js";
import type { Kernels } from "../core/wasm.js";
import {
  H_N, H_NMAT, H_DIM, H_PERX, H_PERY, H_NWALLS, H_STATUS, H_STATUS_I, H_STATUS_J, H_STATUS_VAL,
  H_DT, H_SKIN, H_LOX, H_LOY, H_HIX, H_HIY, H_EXTFX, H_EXTFY, H_EXTFZ, H_GX, H_GY, H_GZ,
  H_TIME, H_STEP, H_NPAIRS, H_PAIRCAP, H_CELLCAP, H_NREBUILD, H_RECORD, H_RESUME, H_MAX_OVERLAP,
  H_MAX_STEPDISP, H_RMAX, H_INERTIA, H_FORCE_REBUILD, H_MAXDISP2, H_NCONTACTS,
  P_X, P_Y, P_Z, P_VX, P_VY, P_VZ, P_WX, P_WY, P_WZ, P_FX, P_FY, P_FZ, P_TX, P_TY, P_TZ,
  P_R, P_MASS, P_DTFM, P_DTIR, P_MAT, P_XR, P_YR, P_ZR, P_NCONT,
  P_WXX, P_WYY, P_WZZ, P_WXY, P_WXZ, P_WYZ, P_T_KN, P_T_SN, P_T_ST, P_T_DAMP, P_T_MU,
  P_ROW, P_NBR, P_HX, P_HY, P_HZ, P_ROW2, P_NBR2, P_HX2, P_HY2, P_HZ2,
  P_CDN, P_CFN, P_CFTX, P_CFTY, P_CFTZ, P_CELLHEAD, P_CELLNEXT, P_WALLS, WALL_SLOTS,
  W_AXIS, W_SIDE, W_POS, W_VX, W_VY, W_VZ, W_MODE, W_TARGET, W_GAIN, W_VMAX, W_MAT,
  W_FX, W_FY, W_FZ, W_NCONT, W_HX, W_HY, W_HZ, W_LOAD,
  ST_OK, ST_NEED_PAIRS, ST_NEED_CELLS, ST_UNSTABLE_SPEED, ST_UNSTABLE_OVERLAP, ST_BAD_BOX,
} from "../../assembly/dem/layout.js";

// Whole-buffer views, re-bound whenever the heap's buffer changes (growth).
let F64 = new Float64Array(0);
let I32 = new Int32Array(0);
let U32 = new Uint32Array(0);
let U8 = new Uint8Array(0);
function bind(buf: ArrayBuffer): void {
  if (U8.buffer !== buf || U8.byteLength !== buf.byteLength) {
    F64 = new Float64Array(buf, 0, buf.byteLength >>> 3);
    I32 = new Int32Array(buf, 0, buf.byteLength >>> 2);
    U32 = new Uint32Array(buf, 0, buf.byteLength >>> 2);
    U8 = new Uint8Array(buf);
  }
}
// the AssemblyScript builtins used by the kernels, over the bound buffer
const memory = {
  copy(dst: number, src: number, bytes: number): void { U8.copyWithin(dst, src, src + bytes); },
  fill(dst: number, value: number, bytes: number): void { U8.fill(value, dst, dst + bytes); },
};
function gI(sys: number, slot: number): number { return I32[(sys >>> 2) + slot * 2]; }
function sI(sys: number, slot: number, v: number): void { I32[(sys >>> 2) + slot * 2] = v; }
function gF(sys: number, slot: number): number { return F64[(sys >>> 3) + slot]; }
function sF(sys: number, slot: number, v: number): void { F64[(sys >>> 3) + slot] = v; }
function gP(sys: number, slot: number): number { return U32[(sys >>> 2) + slot * 2]; }
function sP(sys: number, slot: number, p: number): void { U32[(sys >>> 2) + slot * 2] = p; }
function ldF(p: number, i: number): number { return F64[(p >>> 3) + i]; }
function stF(p: number, i: number, v: number): void { F64[(p >>> 3) + i] = v; }
function ldI(p: number, i: number): number { return I32[(p >>> 2) + i]; }
function stI(p: number, i: number, v: number): void { I32[(p >>> 2) + i] = v; }

// ---- twin of assembly/dem/neighbor.ts ----
// Half neighbour list (pairs i < j within R_i + R_j + skin) from a cell list, with the tangential
// contact history carried over from the previous list (LIGGGHTS fix contacthistory semantics:
// a pair keeps its history while it stays listed; a new pair starts at zero).

const MAX_CELLS_PER_DIM: number = 1024;

/** Wraps positions into [lo, hi) along a periodic axis. */
function wrapAxis(px: number, n: number, lo: number, hi: number): void {
  const L = hi - lo;
  for (let i = 0; i < n; i++) {
    let x = ldF(px, i);
    if (x < lo || x >= hi) {
      x -= L * Math.floor((x - lo) / L);
      if (x >= hi) x = lo; // rounding at the upper edge
      stF(px, i, x);
    }
  }
}

function cellsAlong(ext: number, cut: number, periodic: boolean): number {
  let n = Math.floor(ext / cut);
  if (n < 1) n = 1;
  if (n > MAX_CELLS_PER_DIM) n = MAX_CELLS_PER_DIM;
  if (periodic && n == 2) n = 1; // offsets -1 and +1 would name the same cell twice
  return n;
}

function cellOf(x: number, lo: number, inv: number, n: number): number {
  const c = Math.floor((x - lo) * inv);
  if (!(c >= 0.0)) return 0; // also NaN
  if (c >= n) return n - 1;
  return c;
}

/** Builds the neighbour list into the second buffers and swaps them in. Returns a status code. */
function buildNeighbors(sys: number): number {
  const n = gI(sys, H_N);
  const dim = gI(sys, H_DIM);
  const perx = gI(sys, H_PERX) != 0;
  const pery = gI(sys, H_PERY) != 0;
  const skin = gF(sys, H_SKIN);
  const cut = 2.0 * gF(sys, H_RMAX) + skin;
  const px = gP(sys, P_X), py = gP(sys, P_Y), pz = gP(sys, P_Z), pr = gP(sys, P_R);

  // bounds: the box along periodic axes, the particles' extent along the others
  let lox = gF(sys, H_LOX), hix = gF(sys, H_HIX);
  let loy = gF(sys, H_LOY), hiy = gF(sys, H_HIY);
  let loz = 0.0, hiz = 0.0;
  if (perx) { if (hix - lox < 2.0 * cut) { sF(sys, H_STATUS_VAL, hix - lox); return ST_BAD_BOX; } wrapAxis(px, n, lox, hix); }
  if (pery) { if (hiy - loy < 2.0 * cut) { sF(sys, H_STATUS_VAL, hiy - loy); return ST_BAD_BOX; } wrapAxis(py, n, loy, hiy); }
  let mnx = Infinity, mxx = -Infinity, mny = Infinity, mxy = -Infinity, mnz = Infinity, mxz = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = ldF(px, i), y = ldF(py, i), z = ldF(pz, i);
    if (x < mnx) mnx = x; if (x > mxx) mxx = x;
    if (y < mny) mny = y; if (y > mxy) mxy = y;
    if (z < mnz) mnz = z; if (z > mxz) mxz = z;
  }
  if (n == 0) { mnx = 0; mxx = 0; mny = 0; mxy = 0; mnz = 0; mxz = 0; }
  // non-periodic extents are padded to at least one cut-off so the cell size stays finite
  if (!perx) { lox = mnx; hix = mnx + Math.max(mxx - mnx, cut) * 1.000001; }
  if (!pery) { loy = mny; hiy = mny + Math.max(mxy - mny, cut) * 1.000001; }
  loz = mnz; hiz = mnz + Math.max(mxz - mnz, cut) * 1.000001;
  const nx = cellsAlong(hix - lox, cut, perx);
  const ny = cellsAlong(hiy - loy, cut, pery);
  const nz = dim == 2 ? 1 : cellsAlong(hiz - loz, cut, false);
  const ncell = nx * ny * nz;
  if (ncell > gI(sys, H_CELLCAP)) { sF(sys, H_STATUS_VAL, ncell); return ST_NEED_CELLS; }
  const invx = nx / (hix - lox), invy = ny / (hiy - loy), invz = nz / (hiz - loz);
  const Lx = hix - lox, Ly = hiy - loy;
  const hLx = 0.5 * Lx, hLy = 0.5 * Ly;

  const head = gP(sys, P_CELLHEAD), next = gP(sys, P_CELLNEXT);
  const nc = ncell;
  for (let c = 0; c < nc; c++) stI(head, c, -1);
  // insert in reverse so that every cell lists its particles in increasing index order
  for (let i = n - 1; i >= 0; i--) {
    const cx = cellOf(ldF(px, i), lox, invx, nx);
    const cy = cellOf(ldF(py, i), loy, invy, ny);
    const cz = nz == 1 ? 0 : cellOf(ldF(pz, i), loz, invz, nz);
    const c = (cz * ny + cy) * nx + cx;
    stI(next, i, ldI(head, c));
    stI(head, c, i);
  }

  const cap = gI(sys, H_PAIRCAP);
  const row2 = gP(sys, P_ROW2), nbr2 = gP(sys, P_NBR2);
  const dxlo = nx == 1 ? 0 : -1, dxhi = nx == 1 ? 0 : 1;
  const dylo = ny == 1 ? 0 : -1, dyhi = ny == 1 ? 0 : 1;
  const dzlo = nz == 1 ? 0 : -1, dzhi = nz == 1 ? 0 : 1;
  let np = 0;
  for (let i = 0; i < n; i++) {
    stI(row2, i, np);
    const xi = ldF(px, i), yi = ldF(py, i), zi = ldF(pz, i), ri = ldF(pr, i) + skin;
    const cx = cellOf(xi, lox, invx, nx);
    const cy = cellOf(yi, loy, invy, ny);
    const cz = nz == 1 ? 0 : cellOf(zi, loz, invz, nz);
    for (let oz = dzlo; oz <= dzhi; oz++) {
      const z = cz + oz;
      if (z < 0 || z >= nz) continue;
      for (let oy = dylo; oy <= dyhi; oy++) {
        let y = cy + oy;
        if (y < 0 || y >= ny) { if (!pery) continue; y = y < 0 ? y + ny : y - ny; }
        for (let ox = dxlo; ox <= dxhi; ox++) {
          let x = cx + ox;
          if (x < 0 || x >= nx) { if (!perx) continue; x = x < 0 ? x + nx : x - nx; }
          let j = ldI(head, (z * ny + y) * nx + x);
          while (j >= 0) {
            if (j > i) {
              let dx = xi - ldF(px, j), dy = yi - ldF(py, j);
              const dz = zi - ldF(pz, j);
              if (perx) { if (dx > hLx) dx -= Lx; else if (dx < -hLx) dx += Lx; }
              if (pery) { if (dy > hLy) dy -= Ly; else if (dy < -hLy) dy += Ly; }
              const rc = ri + ldF(pr, j);
              if (dx * dx + dy * dy + dz * dz < rc * rc) {
                if (np < cap) stI(nbr2, np, j);
                np++;
              }
            }
            j = ldI(next, j);
          }
        }
      }
    }
  }
  stI(row2, n, np);
  if (np > cap) { sF(sys, H_STATUS_VAL, np); return ST_NEED_PAIRS; }

  // carry the tangential history over from the current list
  const row = gP(sys, P_ROW), nbr = gP(sys, P_NBR);
  const hx = gP(sys, P_HX), hy = gP(sys, P_HY), hz = gP(sys, P_HZ);
  const hx2 = gP(sys, P_HX2), hy2 = gP(sys, P_HY2), hz2 = gP(sys, P_HZ2);
  const oldPairs = gI(sys, H_NPAIRS);
  for (let i = 0; i < n; i++) {
    const a0 = oldPairs > 0 ? ldI(row, i) : 0, a1 = oldPairs > 0 ? ldI(row, i + 1) : 0;
    const b1 = ldI(row2, i + 1);
    for (let k = ldI(row2, i); k < b1; k++) {
      const j = ldI(nbr2, k);
      let vx = 0.0, vy = 0.0, vz = 0.0;
      for (let m = a0; m < a1; m++) {
        if (ldI(nbr, m) == j) { vx = ldF(hx, m); vy = ldF(hy, m); vz = ldF(hz, m); break; }
      }
      stF(hx2, k, vx); stF(hy2, k, vy); stF(hz2, k, vz);
    }
  }
  // swap the buffers
  sP(sys, P_ROW, row2); sP(sys, P_ROW2, row);
  sP(sys, P_NBR, nbr2); sP(sys, P_NBR2, nbr);
  sP(sys, P_HX, hx2); sP(sys, P_HX2, hx);
  sP(sys, P_HY, hy2); sP(sys, P_HY2, hy);
  sP(sys, P_HZ, hz2); sP(sys, P_HZ2, hz);
  sI(sys, H_NPAIRS, np);
  sI(sys, H_NREBUILD, gI(sys, H_NREBUILD) + 1);

  // reference positions for the displacement criterion
  const xr = gP(sys, P_XR), yr = gP(sys, P_YR), zr = gP(sys, P_ZR);
  memory.copy(xr, px, n << 3);
  memory.copy(yr, py, n << 3);
  memory.copy(zr, pz, n << 3);
  sF(sys, H_MAXDISP2, 0.0);
  return ST_OK;
}

// ---- twin of assembly/dem/contact_hertz.ts ----
// Contact law `hertz` + `tangential history`, exactly as LIGGGHTS 3.8.0 (normal_model_hertz.h,
// tangential_model_history.h, surface_model_default.h); formulas in fixtures/dem/README.md.
// Papers: 000 eq 1-11 (overlap, R_eff, E_eff, M_eff, k_N, k_S), 003 §2.1.

/** Particle-particle forces over the half neighbour list. computeFlag = 0 in the set-up call
 *  (history not advanced), record = 1 stores per-contact data, virial and coordination. */
function pairForces(sys: number, computeFlag: number, record: number): number {
  const n = gI(sys, H_N);
  const nmat = gI(sys, H_NMAT);
  const dt = gF(sys, H_DT);
  const perx = gI(sys, H_PERX) != 0, pery = gI(sys, H_PERY) != 0;
  const Lx = gF(sys, H_HIX) - gF(sys, H_LOX), Ly = gF(sys, H_HIY) - gF(sys, H_LOY);
  const hLx = 0.5 * Lx, hLy = 0.5 * Ly;
  const maxOv = gF(sys, H_MAX_OVERLAP);
  const px = gP(sys, P_X), py = gP(sys, P_Y), pz = gP(sys, P_Z);
  const pvx = gP(sys, P_VX), pvy = gP(sys, P_VY), pvz = gP(sys, P_VZ);
  const pwx = gP(sys, P_WX), pwy = gP(sys, P_WY), pwz = gP(sys, P_WZ);
  const pfx = gP(sys, P_FX), pfy = gP(sys, P_FY), pfz = gP(sys, P_FZ);
  const ptx = gP(sys, P_TX), pty = gP(sys, P_TY), ptz = gP(sys, P_TZ);
  const pr = gP(sys, P_R), pm = gP(sys, P_MASS), pmat = gP(sys, P_MAT);
  const row = gP(sys, P_ROW), nbr = gP(sys, P_NBR);
  const phx = gP(sys, P_HX), phy = gP(sys, P_HY), phz = gP(sys, P_HZ);
  const tKn = gP(sys, P_T_KN), tSn = gP(sys, P_T_SN), tSt = gP(sys, P_T_ST);
  const tDamp = gP(sys, P_T_DAMP), tMu = gP(sys, P_T_MU);
  const cdn = gP(sys, P_CDN), cfn = gP(sys, P_CFN), cftx = gP(sys, P_CFTX), cfty = gP(sys, P_CFTY), cftz = gP(sys, P_CFTZ);
  const ncont = gP(sys, P_NCONT);
  const wxx = gP(sys, P_WXX), wyy = gP(sys, P_WYY), wzz = gP(sys, P_WZZ);
  const wxy = gP(sys, P_WXY), wxz = gP(sys, P_WXZ), wyz = gP(sys, P_WYZ);
  let status = ST_OK;
  let contacts = 0;

  for (let i = 0; i < n; i++) {
    const k1 = ldI(row, i + 1);
    let k = ldI(row, i);
    if (k >= k1) continue;
    const xi = ldF(px, i), yi = ldF(py, i), zi = ldF(pz, i);
    const ri = ldF(pr, i), mi = ldF(pm, i);
    const vxi = ldF(pvx, i), vyi = ldF(pvy, i), vzi = ldF(pvz, i);
    const wxi = ldF(pwx, i), wyi = ldF(pwy, i), wzi = ldF(pwz, i);
    const ti = ldI(pmat, i) * nmat;
    let fxi = 0.0, fyi = 0.0, fzi = 0.0, txi = 0.0, tyi = 0.0, tzi = 0.0;
    for (; k < k1; k++) {
      const j = ldI(nbr, k);
      let dx = xi - ldF(px, j), dy = yi - ldF(py, j);
      const dz = zi - ldF(pz, j);
      if (perx) { if (dx > hLx) dx -= Lx; else if (dx < -hLx) dx += Lx; }
      if (pery) { if (dy > hLy) dy -= Ly; else if (dy < -hLy) dy += Ly; }
      const rj = ldF(pr, j);
      const radsum = ri + rj;
      const rsq = dx * dx + dy * dy + dz * dz;
      if (rsq >= radsum * radsum) {
        // surfacesClose: the pair is apart, its history is reset
        if (ldF(phx, k) != 0.0 || ldF(phy, k) != 0.0 || ldF(phz, k) != 0.0) {
          stF(phx, k, 0.0); stF(phy, k, 0.0); stF(phz, k, 0.0);
        }
        if (record) { stF(cdn, k, radsum - Math.sqrt(rsq)); stF(cfn, k, 0.0); stF(cftx, k, 0.0); stF(cfty, k, 0.0); stF(cftz, k, 0.0); }
        continue;
      }
      const r = Math.sqrt(rsq);
      const rinv = 1.0 / r;
      const enx = dx * rinv, eny = dy * rinv, enz = dz * rinv;
      const deltan = radsum - r; // eq 1
      if (deltan > maxOv * Math.min(ri, rj) && status == ST_OK) {
        status = ST_UNSTABLE_OVERLAP; sI(sys, H_STATUS_I, i); sI(sys, H_STATUS_J, j); sF(sys, H_STATUS_VAL, deltan / Math.min(ri, rj));
      }
      // relative velocities (surface_model_default)
      const vr1 = vxi - ldF(pvx, j), vr2 = vyi - ldF(pvy, j), vr3 = vzi - ldF(pvz, j);
      const vn = vr1 * enx + vr2 * eny + vr3 * enz;
      const vt1 = vr1 - vn * enx, vt2 = vr2 - vn * eny, vt3 = vr3 - vn * enz;
      const cri = ri - 0.5 * deltan, crj = rj - 0.5 * deltan;
      const wr1 = (cri * wxi + crj * ldF(pwx, j)) * rinv;
      const wr2 = (cri * wyi + crj * ldF(pwy, j)) * rinv;
      const wr3 = (cri * wzi + crj * ldF(pwz, j)) * rinv;
      const vtr1 = vt1 - (dz * wr2 - dy * wr3);
      const vtr2 = vt2 - (dx * wr3 - dz * wr1);
      const vtr3 = vt3 - (dy * wr1 - dx * wr2);
      // effective radius and mass (eq 2, 4); material pair tables (eq 3, 5, restitution, friction)
      const reff = ri * rj / radsum;
      const mj = ldF(pm, j);
      const meff = mi * mj / (mi + mj);
      const t = ti + ldI(pmat, j);
      const sqrtval = Math.sqrt(reff * deltan);
      const Sn = ldF(tSn, t) * sqrtval;
      const St = ldF(tSt, t) * sqrtval;
      const kn = ldF(tKn, t) * sqrtval; // eq 6
      const damp = ldF(tDamp, t);
      const gamman = damp * Math.sqrt(Sn * meff);
      const gammat = damp * Math.sqrt(St * meff);
      const Fn = -gamman * vn + kn * deltan; // eq 10: dashpot + Hertz spring
      // tangential spring with history (eq 11), Coulomb limit
      let h1 = ldF(phx, k), h2 = ldF(phy, k), h3 = ldF(phz, k);
      if (computeFlag) {
        h1 += vtr1 * dt; h2 += vtr2 * dt; h3 += vtr3 * dt;
        const rsht = h1 * enx + h2 * eny + h3 * enz;
        h1 -= rsht * enx; h2 -= rsht * eny; h3 -= rsht * enz;
      }
      const shrmag = Math.sqrt(h1 * h1 + h2 * h2 + h3 * h3);
      const kt = St;
      let Ft1 = -(kt * h1), Ft2 = -(kt * h2), Ft3 = -(kt * h3);
      const FtShear = kt * shrmag;
      const FtFriction = ldF(tMu, t) * Math.abs(Fn);
      if (FtShear > FtFriction) {
        if (shrmag != 0.0) {
          const ratio = FtFriction / FtShear;
          Ft1 *= ratio; Ft2 *= ratio; Ft3 *= ratio;
          h1 = -Ft1 / kt; h2 = -Ft2 / kt; h3 = -Ft3 / kt;
        } else { Ft1 = 0.0; Ft2 = 0.0; Ft3 = 0.0; }
      } else {
        Ft1 -= gammat * vtr1; Ft2 -= gammat * vtr2; Ft3 -= gammat * vtr3;
      }
      stF(phx, k, h1); stF(phy, k, h2); stF(phz, k, h3);
      const F1 = Fn * enx + Ft1, F2 = Fn * eny + Ft2, F3 = Fn * enz + Ft3;
      const tor1 = eny * Ft3 - enz * Ft2;
      const tor2 = enz * Ft1 - enx * Ft3;
      const tor3 = enx * Ft2 - eny * Ft1;
      fxi += F1; fyi += F2; fzi += F3;
      txi += -cri * tor1; tyi += -cri * tor2; tzi += -cri * tor3;
      stF(pfx, j, ldF(pfx, j) - F1); stF(pfy, j, ldF(pfy, j) - F2); stF(pfz, j, ldF(pfz, j) - F3);
      stF(ptx, j, ldF(ptx, j) - crj * tor1); stF(pty, j, ldF(pty, j) - crj * tor2); stF(ptz, j, ldF(ptz, j) - crj * tor3);
      if (record) {
        contacts++;
        stF(cdn, k, deltan); stF(cfn, k, Fn); stF(cftx, k, Ft1); stF(cfty, k, Ft2); stF(cftz, k, Ft3);
        stI(ncont, i, ldI(ncont, i) + 1); stI(ncont, j, ldI(ncont, j) + 1);
        // LIGGGHTS stress/atom: each partner gets 1/2 d (x) F with d = x_i - x_j (half centre branch)
        const a = 0.5 * dx * F1, b = 0.5 * dy * F2, c = 0.5 * dz * F3;
        const d = 0.5 * dx * F2, e = 0.5 * dx * F3, f = 0.5 * dy * F3;
        stF(wxx, i, ldF(wxx, i) + a); stF(wyy, i, ldF(wyy, i) + b); stF(wzz, i, ldF(wzz, i) + c);
        stF(wxy, i, ldF(wxy, i) + d); stF(wxz, i, ldF(wxz, i) + e); stF(wyz, i, ldF(wyz, i) + f);
        stF(wxx, j, ldF(wxx, j) + a); stF(wyy, j, ldF(wyy, j) + b); stF(wzz, j, ldF(wzz, j) + c);
        stF(wxy, j, ldF(wxy, j) + d); stF(wxz, j, ldF(wxz, j) + e); stF(wyz, j, ldF(wyz, j) + f);
      }
    }
    stF(pfx, i, ldF(pfx, i) + fxi); stF(pfy, i, ldF(pfy, i) + fyi); stF(pfz, i, ldF(pfz, i) + fzi);
    stF(ptx, i, ldF(ptx, i) + txi); stF(pty, i, ldF(pty, i) + tyi); stF(ptz, i, ldF(ptz, i) + tzi);
  }
  if (record) sI(sys, H_NCONTACTS, contacts);
  return status;
}

/** Particle-wall forces for every planar wall (wall: infinite radius and mass, R* = R_i, m* = m_i). */
function wallForces(sys: number, computeFlag: number, record: number): number {
  const n = gI(sys, H_N);
  const nmat = gI(sys, H_NMAT);
  const nw = gI(sys, H_NWALLS);
  const dt = gF(sys, H_DT);
  const maxOv = gF(sys, H_MAX_OVERLAP);
  const pvx = gP(sys, P_VX), pvy = gP(sys, P_VY), pvz = gP(sys, P_VZ);
  const pwx = gP(sys, P_WX), pwy = gP(sys, P_WY), pwz = gP(sys, P_WZ);
  const pfx = gP(sys, P_FX), pfy = gP(sys, P_FY), pfz = gP(sys, P_FZ);
  const ptx = gP(sys, P_TX), pty = gP(sys, P_TY), ptz = gP(sys, P_TZ);
  const pr = gP(sys, P_R), pm = gP(sys, P_MASS), pmat = gP(sys, P_MAT);
  const tKn = gP(sys, P_T_KN), tSn = gP(sys, P_T_SN), tSt = gP(sys, P_T_ST);
  const tDamp = gP(sys, P_T_DAMP), tMu = gP(sys, P_T_MU);
  let status = ST_OK;
  for (let w = 0; w < nw; w++) {
    const wb = gP(sys, P_WALLS) + ((w * WALL_SLOTS) << 3);
    const axis = gI(wb, W_AXIS);
    const side = gF(wb, W_SIDE), pos = gF(wb, W_POS);
    const vwx = gF(wb, W_VX), vwy = gF(wb, W_VY), vwz = gF(wb, W_VZ);
    const wmat = gI(wb, W_MAT);
    const phx = gP(wb, W_HX), phy = gP(wb, W_HY), phz = gP(wb, W_HZ);
    const pc = axis == 0 ? gP(sys, P_X) : axis == 1 ? gP(sys, P_Y) : gP(sys, P_Z);
    // unit normal from the wall to the particle centre
    const enx = axis == 0 ? side : 0.0, eny = axis == 1 ? side : 0.0, enz = axis == 2 ? side : 0.0;
    let Fwx = 0.0, Fwy = 0.0, Fwz = 0.0;
    let nc = 0;
    for (let i = 0; i < n; i++) {
      const ri = ldF(pr, i);
      const dist = side * (ldF(pc, i) - pos);
      const deltan = ri - dist;
      if (deltan <= 0.0) {
        if (ldF(phx, i) != 0.0 || ldF(phy, i) != 0.0 || ldF(phz, i) != 0.0) {
          stF(phx, i, 0.0); stF(phy, i, 0.0); stF(phz, i, 0.0);
        }
        continue;
      }
      nc++;
      if (deltan > maxOv * ri && status == ST_OK) {
        status = ST_UNSTABLE_OVERLAP; sI(sys, H_STATUS_I, i); sI(sys, H_STATUS_J, -1 - w); sF(sys, H_STATUS_VAL, deltan / ri);
      }
      // delta: from the contact point on the plane to the centre, length r = dist
      const r = dist;
      const rinv = 1.0 / r;
      const dx = enx * r, dy = eny * r, dz = enz * r;
      const vr1 = ldF(pvx, i) - vwx, vr2 = ldF(pvy, i) - vwy, vr3 = ldF(pvz, i) - vwz;
      const vn = vr1 * enx + vr2 * eny + vr3 * enz;
      const vt1 = vr1 - vn * enx, vt2 = vr2 - vn * eny, vt3 = vr3 - vn * enz;
      const cri = ri - 0.5 * deltan;
      const wr1 = (cri * ldF(pwx, i)) * rinv;
      const wr2 = (cri * ldF(pwy, i)) * rinv;
      const wr3 = (cri * ldF(pwz, i)) * rinv;
      const vtr1 = vt1 - (dz * wr2 - dy * wr3);
      const vtr2 = vt2 - (dx * wr3 - dz * wr1);
      const vtr3 = vt3 - (dy * wr1 - dx * wr2);
      const reff = ri;
      const meff = ldF(pm, i);
      const t = ldI(pmat, i) * nmat + wmat;
      const sqrtval = Math.sqrt(reff * deltan);
      const Sn = ldF(tSn, t) * sqrtval;
      const St = ldF(tSt, t) * sqrtval;
      const kn = ldF(tKn, t) * sqrtval;
      const damp = ldF(tDamp, t);
      const gamman = damp * Math.sqrt(Sn * meff);
      const gammat = damp * Math.sqrt(St * meff);
      const Fn = -gamman * vn + kn * deltan;
      let h1 = ldF(phx, i), h2 = ldF(phy, i), h3 = ldF(phz, i);
      if (computeFlag) {
        h1 += vtr1 * dt; h2 += vtr2 * dt; h3 += vtr3 * dt;
        const rsht = h1 * enx + h2 * eny + h3 * enz;
        h1 -= rsht * enx; h2 -= rsht * eny; h3 -= rsht * enz;
      }
      const shrmag = Math.sqrt(h1 * h1 + h2 * h2 + h3 * h3);
      const kt = St;
      let Ft1 = -(kt * h1), Ft2 = -(kt * h2), Ft3 = -(kt * h3);
      const FtShear = kt * shrmag;
      const FtFriction = ldF(tMu, t) * Math.abs(Fn);
      if (FtShear > FtFriction) {
        if (shrmag != 0.0) {
          const ratio = FtFriction / FtShear;
          Ft1 *= ratio; Ft2 *= ratio; Ft3 *= ratio;
          h1 = -Ft1 / kt; h2 = -Ft2 / kt; h3 = -Ft3 / kt;
        } else { Ft1 = 0.0; Ft2 = 0.0; Ft3 = 0.0; }
      } else {
        Ft1 -= gammat * vtr1; Ft2 -= gammat * vtr2; Ft3 -= gammat * vtr3;
      }
      stF(phx, i, h1); stF(phy, i, h2); stF(phz, i, h3);
      const F1 = Fn * enx + Ft1, F2 = Fn * eny + Ft2, F3 = Fn * enz + Ft3;
      stF(pfx, i, ldF(pfx, i) + F1); stF(pfy, i, ldF(pfy, i) + F2); stF(pfz, i, ldF(pfz, i) + F3);
      stF(ptx, i, ldF(ptx, i) + -cri * (eny * Ft3 - enz * Ft2));
      stF(pty, i, ldF(pty, i) + -cri * (enz * Ft1 - enx * Ft3));
      stF(ptz, i, ldF(ptz, i) + -cri * (enx * Ft2 - eny * Ft1));
      Fwx -= F1; Fwy -= F2; Fwz -= F3;
    }
    sF(wb, W_FX, Fwx); sF(wb, W_FY, Fwy); sF(wb, W_FZ, Fwz);
    sI(wb, W_NCONT, nc);
  }
  return status;
}

// ---- twin of assembly/dem/integrate.ts ----
// Velocity Verlet for spheres, as LAMMPS/LIGGGHTS fix nve/sphere: half kick, drift, half kick;
// omega from torque with I = inertia * m R^2 (0.4 for spheres).

/** Per-particle factors dt/2/m and dt/2/(I_f m R^2); call after dt, radii or masses change. */
function demPrepare(sys: number): void {
  const n = gI(sys, H_N);
  const dtf = 0.5 * gF(sys, H_DT);
  const dtfrotate = dtf / gF(sys, H_INERTIA);
  const pr = gP(sys, P_R), pm = gP(sys, P_MASS), pdtfm = gP(sys, P_DTFM), pdtir = gP(sys, P_DTIR);
  for (let i = 0; i < n; i++) {
    const m = ldF(pm, i), r = ldF(pr, i);
    stF(pdtfm, i, dtf / m);
    stF(pdtir, i, dtfrotate / (r * r * m));
  }
}

/** First half kick and drift; tracks the largest displacement since the last neighbour build. */
function initialIntegrate(sys: number): void {
  const n = gI(sys, H_N);
  const dt = gF(sys, H_DT);
  const px = gP(sys, P_X), py = gP(sys, P_Y), pz = gP(sys, P_Z);
  const pvx = gP(sys, P_VX), pvy = gP(sys, P_VY), pvz = gP(sys, P_VZ);
  const pwx = gP(sys, P_WX), pwy = gP(sys, P_WY), pwz = gP(sys, P_WZ);
  const pfx = gP(sys, P_FX), pfy = gP(sys, P_FY), pfz = gP(sys, P_FZ);
  const ptx = gP(sys, P_TX), pty = gP(sys, P_TY), ptz = gP(sys, P_TZ);
  const pdtfm = gP(sys, P_DTFM), pdtir = gP(sys, P_DTIR);
  const xr = gP(sys, P_XR), yr = gP(sys, P_YR), zr = gP(sys, P_ZR);
  let maxd2 = gF(sys, H_MAXDISP2);
  for (let i = 0; i < n; i++) {
    const dtfm = ldF(pdtfm, i);
    const vx = ldF(pvx, i) + dtfm * ldF(pfx, i);
    const vy = ldF(pvy, i) + dtfm * ldF(pfy, i);
    const vz = ldF(pvz, i) + dtfm * ldF(pfz, i);
    stF(pvx, i, vx); stF(pvy, i, vy); stF(pvz, i, vz);
    const x = ldF(px, i) + dt * vx, y = ldF(py, i) + dt * vy, z = ldF(pz, i) + dt * vz;
    stF(px, i, x); stF(py, i, y); stF(pz, i, z);
    const dtir = ldF(pdtir, i);
    stF(pwx, i, ldF(pwx, i) + dtir * ldF(ptx, i));
    stF(pwy, i, ldF(pwy, i) + dtir * ldF(pty, i));
    stF(pwz, i, ldF(pwz, i) + dtir * ldF(ptz, i));
    const ddx = x - ldF(xr, i), ddy = y - ldF(yr, i), ddz = z - ldF(zr, i);
    const d2 = ddx * ddx + ddy * ddy + ddz * ddz;
    if (d2 > maxd2) maxd2 = d2;
  }
  sF(sys, H_MAXDISP2, maxd2);
}

/** Moves walls that have a velocity (modes 1 and 2) by dt along their axis. */
function moveWalls(sys: number): void {
  const nw = gI(sys, H_NWALLS);
  const dt = gF(sys, H_DT);
  for (let w = 0; w < nw; w++) {
    const wb = gP(sys, P_WALLS) + ((w * WALL_SLOTS) << 3);
    if (gI(wb, W_MODE) == 0) continue;
    const axis = gI(wb, W_AXIS);
    const v = axis == 0 ? gF(wb, W_VX) : axis == 1 ? gF(wb, W_VY) : gF(wb, W_VZ);
    sF(wb, W_POS, gF(wb, W_POS) + dt * v);
  }
}

/** Zeroes forces and torques, then adds gravity and the external per-particle force later. */
function zeroForces(sys: number): void {
  const n = gI(sys, H_N);
  const bytes = n << 3;
  memory.fill(gP(sys, P_FX), 0, bytes); memory.fill(gP(sys, P_FY), 0, bytes); memory.fill(gP(sys, P_FZ), 0, bytes);
  memory.fill(gP(sys, P_TX), 0, bytes); memory.fill(gP(sys, P_TY), 0, bytes); memory.fill(gP(sys, P_TZ), 0, bytes);
}

/** Body forces (gravity m g, then a constant force per particle, LIGGGHTS fix addforce) and the 2D constraint. */
function bodyForces(sys: number): void {
  const n = gI(sys, H_N);
  const gx = gF(sys, H_GX), gy = gF(sys, H_GY), gz = gF(sys, H_GZ);
  const ex = gF(sys, H_EXTFX), ey = gF(sys, H_EXTFY), ez = gF(sys, H_EXTFZ);
  const pfx = gP(sys, P_FX), pfy = gP(sys, P_FY), pfz = gP(sys, P_FZ), pm = gP(sys, P_MASS);
  if (gx != 0.0 || gy != 0.0 || gz != 0.0) {
    for (let i = 0; i < n; i++) {
      const m = ldF(pm, i);
      stF(pfx, i, ldF(pfx, i) + m * gx); stF(pfy, i, ldF(pfy, i) + m * gy); stF(pfz, i, ldF(pfz, i) + m * gz);
    }
  }
  if (ex != 0.0 || ey != 0.0 || ez != 0.0) {
    for (let i = 0; i < n; i++) {
      stF(pfx, i, ldF(pfx, i) + ex); stF(pfy, i, ldF(pfy, i) + ey); stF(pfz, i, ldF(pfz, i) + ez);
    }
  }
  if (gI(sys, H_DIM) == 2) {
    // discs in the xy plane (LAMMPS fix enforce2d): no z force, no in-plane torque
    const bytes = n << 3;
    memory.fill(pfz, 0, bytes); memory.fill(gP(sys, P_TX), 0, bytes); memory.fill(gP(sys, P_TY), 0, bytes);
  }
}

/** Second half kick, then the stability check |v| dt <= limit * R (catches NaN too). */
function finalIntegrate(sys: number): number {
  const n = gI(sys, H_N);
  const dt = gF(sys, H_DT);
  const lim = gF(sys, H_MAX_STEPDISP);
  const pvx = gP(sys, P_VX), pvy = gP(sys, P_VY), pvz = gP(sys, P_VZ);
  const pwx = gP(sys, P_WX), pwy = gP(sys, P_WY), pwz = gP(sys, P_WZ);
  const pfx = gP(sys, P_FX), pfy = gP(sys, P_FY), pfz = gP(sys, P_FZ);
  const ptx = gP(sys, P_TX), pty = gP(sys, P_TY), ptz = gP(sys, P_TZ);
  const pdtfm = gP(sys, P_DTFM), pdtir = gP(sys, P_DTIR), pr = gP(sys, P_R);
  let status = ST_OK;
  for (let i = 0; i < n; i++) {
    const dtfm = ldF(pdtfm, i);
    const vx = ldF(pvx, i) + dtfm * ldF(pfx, i);
    const vy = ldF(pvy, i) + dtfm * ldF(pfy, i);
    const vz = ldF(pvz, i) + dtfm * ldF(pfz, i);
    stF(pvx, i, vx); stF(pvy, i, vy); stF(pvz, i, vz);
    const dtir = ldF(pdtir, i);
    stF(pwx, i, ldF(pwx, i) + dtir * ldF(ptx, i));
    stF(pwy, i, ldF(pwy, i) + dtir * ldF(pty, i));
    stF(pwz, i, ldF(pwz, i) + dtir * ldF(ptz, i));
    const s = (vx * vx + vy * vy + vz * vz) * dt * dt;
    const l = lim * ldF(pr, i);
    if (!(s <= l * l) && status == ST_OK) {
      status = ST_UNSTABLE_SPEED; sI(sys, H_STATUS_I, i); sI(sys, H_STATUS_J, -1); sF(sys, H_STATUS_VAL, Math.sqrt(s) / ldF(pr, i));
    }
  }
  return status;
}

/** Servo walls: normal speed = clamp(gain (target - load), -vmax, vmax), into the particles when the load is low. */
function updateWalls(sys: number): void {
  const nw = gI(sys, H_NWALLS);
  for (let w = 0; w < nw; w++) {
    const wb = gP(sys, P_WALLS) + ((w * WALL_SLOTS) << 3);
    const axis = gI(wb, W_AXIS);
    const side = gF(wb, W_SIDE);
    const fa = axis == 0 ? gF(wb, W_FX) : axis == 1 ? gF(wb, W_FY) : gF(wb, W_FZ);
    const load = -side * fa;
    sF(wb, W_LOAD, load);
    if (gI(wb, W_MODE) != 2) continue;
    let vn = gF(wb, W_GAIN) * (gF(wb, W_TARGET) - load);
    const vmax = gF(wb, W_VMAX);
    if (vn > vmax) vn = vmax;
    if (vn < -vmax) vn = -vmax;
    const v = side * vn;
    if (axis == 0) sF(wb, W_VX, v); else if (axis == 1) sF(wb, W_VY, v); else sF(wb, W_VZ, v);
  }
}

// ---- twin of assembly/dem/step.ts ----
// The DEM time loop. One call runs many steps inside wasm; the host is called back only through
// the status code (capacity, instability) and between calls (recording, stage logic).

function clearRecord(sys: number): void {
  const n = gI(sys, H_N);
  memory.fill(gP(sys, P_NCONT), 0, n << 2);
  memory.fill(gP(sys, P_WXX), 0, n << 3); memory.fill(gP(sys, P_WYY), 0, n << 3); memory.fill(gP(sys, P_WZZ), 0, n << 3);
  memory.fill(gP(sys, P_WXY), 0, n << 3); memory.fill(gP(sys, P_WXZ), 0, n << 3); memory.fill(gP(sys, P_WYZ), 0, n << 3);
}

function forces(sys: number, computeFlag: number): number {
  const record = gI(sys, H_RECORD);
  if (record) clearRecord(sys);
  zeroForces(sys);
  let st = pairForces(sys, computeFlag, record);
  const st2 = wallForces(sys, computeFlag, record);
  if (st == ST_OK) st = st2;
  bodyForces(sys);
  return st;
}

function setStatus(sys: number, st: number): number {
  sI(sys, H_STATUS, st);
  return st;
}

/** Start of a run (LIGGGHTS `run` set-up): neighbour build and a force evaluation that does not
 *  advance the tangential history, from the current full-step velocities. */
function demSetup(sys: number): number {
  sI(sys, H_STATUS_I, -1); sI(sys, H_STATUS_J, -1);
  sI(sys, H_RESUME, 0);
  let st = buildNeighbors(sys);
  if (st != ST_OK) return setStatus(sys, st);
  sI(sys, H_FORCE_REBUILD, 0);
  st = forces(sys, 0);
  updateWalls(sys);
  return setStatus(sys, st);
}

/** Runs nsteps velocity-Verlet steps. Returns 0, or a status code with the step unfinished only for
 *  capacity codes (H_RESUME = 1: call again after the host has grown the arrays). */
function demStep(sys: number, nsteps: number): number {
  sI(sys, H_STATUS_I, -1); sI(sys, H_STATUS_J, -1);
  const dt = gF(sys, H_DT);
  const half = 0.5 * gF(sys, H_SKIN);
  const trigger = half * half;
  for (let s = 0; s < nsteps; s++) {
    if (gI(sys, H_RESUME) == 0) {
      initialIntegrate(sys);
      moveWalls(sys);
    }
    if (gI(sys, H_FORCE_REBUILD) != 0 || gF(sys, H_MAXDISP2) > trigger) {
      const st = buildNeighbors(sys);
      if (st != ST_OK) { sI(sys, H_RESUME, 1); return setStatus(sys, st); }
      sI(sys, H_FORCE_REBUILD, 0);
    }
    sI(sys, H_RESUME, 0);
    let st = forces(sys, 1);
    const st2 = finalIntegrate(sys);
    if (st == ST_OK) st = st2;
    updateWalls(sys);
    sF(sys, H_TIME, gF(sys, H_TIME) + dt);
    sF(sys, H_STEP, gF(sys, H_STEP) + 1.0);
    if (st != ST_OK) return setStatus(sys, st);
  }
  return setStatus(sys, ST_OK);
}


/** The twin as a `Kernels` object over a heap laid out like wasm memory. */
export function createTwin(heap: Heap): Kernels {
  return {
    name: "ts",
    heap,
    demPrepare(sys: number): void { bind(heap.buffer); demPrepare(sys); },
    demSetup(sys: number): number { bind(heap.buffer); return demSetup(sys); },
    demStep(sys: number, nsteps: number): number { bind(heap.buffer); return demStep(sys, nsteps); },
  };
}
