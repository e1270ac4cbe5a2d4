// Contact law `hertz` + `tangential history`, exactly as LIGGGHTS 3.8.0 (normal_model_hertz.h,
// tangential_model_history.h, surface_model_default.h); formulas in fixtures/dem/LIGGGHTS-REFERENCE.md.
// Papers: 000 eq 1-11 (overlap, R_eff, E_eff, M_eff, k_N, k_S), 003 §2.1.
import { gI, sI, gF, sF, gP, ldF, stF, ldI, stI } from "../common/mem";
import {
  H_N, H_NMAT, H_PERX, H_PERY, H_LOX, H_LOY, H_HIX, H_HIY, H_DT, H_NWALLS, H_MAX_OVERLAP,
  H_STATUS_I, H_STATUS_J, H_STATUS_VAL, H_NCONTACTS,
  P_X, P_Y, P_Z, P_VX, P_VY, P_VZ, P_WX, P_WY, P_WZ, P_FX, P_FY, P_FZ, P_TX, P_TY, P_TZ,
  P_R, P_MASS, P_MAT, P_ROW, P_NBR, P_HX, P_HY, P_HZ, P_NCONT, P_CK, P_CI, P_T_DN, P_T_DT,
  P_WXX, P_WYY, P_WZZ, P_WXY, P_WXZ, P_WYZ, P_T_KN, P_T_ST, P_T_MU,
  P_CDN, P_CFN, P_CFTX, P_CFTY, P_CFTZ, P_WALLS, WALL_SLOTS,
  W_AXIS, W_SIDE, W_POS, W_VX, W_VY, W_VZ, W_MAT, W_MODE, W_FX, W_FY, W_FZ, W_NCONT, W_HX, W_HY, W_HZ,
  ST_OK, ST_UNSTABLE_OVERLAP,
} from "./layout";
// pass 2 runs in contact_pairs_simd.ts (f64x2, two contacts at a time); the twin is generated from
// its scalar reference contact_pairs.ts (bitwise the same results)
import { pairContacts } from "./contact_pairs_simd";

/** Particle-particle forces over the half neighbour list. computeFlag = 0 in the set-up call
 *  (history not advanced), record = 1 stores per-contact data, virial and coordination.
 *  Two passes: a cheap distance pass collects the touching pairs (and resets the history of pairs
 *  that came apart), then the contact pass (contact_pairs_simd.ts, two contacts per f64x2) runs
 *  without the unpredictable touch/apart branch and with a branch-free Coulomb limit. Measured on
 *  the 11k dense packing: 62 ns/contact scalar single pass -> ~45 ns (bench/dem.ts). */
export function pairForces(sys: usize, computeFlag: i32, record: i32): i32 {
  const n = gI(sys, H_N);
  const perx = gI(sys, H_PERX) != 0, pery = gI(sys, H_PERY) != 0;
  const Lx = gF(sys, H_HIX) - gF(sys, H_LOX), Ly = gF(sys, H_HIY) - gF(sys, H_LOY);
  const hLx = 0.5 * Lx, hLy = 0.5 * Ly;
  const px = gP(sys, P_X), py = gP(sys, P_Y), pz = gP(sys, P_Z), pr = gP(sys, P_R);
  const row = gP(sys, P_ROW), nbr = gP(sys, P_NBR);
  const phx = gP(sys, P_HX), phy = gP(sys, P_HY), phz = gP(sys, P_HZ);
  const cdn = gP(sys, P_CDN), cfn = gP(sys, P_CFN), cftx = gP(sys, P_CFTX), cfty = gP(sys, P_CFTY), cftz = gP(sys, P_CFTZ);
  const ck = gP(sys, P_CK), ci = gP(sys, P_CI);
  let status = ST_OK;

  // pass 1: which listed pairs touch (surfacesIntersect) and which came apart (surfacesClose)
  let nc = 0;
  for (let i = 0; i < n; i++) {
    const k1 = ldI(row, i + 1);
    let k = ldI(row, i);
    const xi = ldF(px, i), yi = ldF(py, i), zi = ldF(pz, i), ri = ldF(pr, i);
    for (; k < k1; k++) {
      const j = ldI(nbr, k);
      let dx = xi - ldF(px, j), dy = yi - ldF(py, j);
      const dz = zi - ldF(pz, j);
      if (perx) { if (dx > hLx) dx -= Lx; else if (dx < -hLx) dx += Lx; }
      if (pery) { if (dy > hLy) dy -= Ly; else if (dy < -hLy) dy += Ly; }
      const radsum = ri + ldF(pr, j);
      const rsq = dx * dx + dy * dy + dz * dz;
      // branch-free append: the slot is written either way, the count advances only on contact
      stI(ck, nc, k); stI(ci, nc, i);
      const touching = rsq < radsum * radsum;
      nc += touching ? 1 : 0;
      // a pair that came apart loses its history (zeroed only where nonzero, so a -0 stays); branch-free:
      // touching or not is unpredictable
      const h1 = ldF(phx, k), h2 = ldF(phy, k), h3 = ldF(phz, k);
      const keep = ((touching ? 1 : 0) | (h1 == 0.0 && h2 == 0.0 && h3 == 0.0 ? 1 : 0)) != 0;
      stF(phx, k, select<f64>(h1, 0.0, keep)); stF(phy, k, select<f64>(h2, 0.0, keep)); stF(phz, k, select<f64>(h3, 0.0, keep));
      if (record) {
        if (!touching) { stF(cdn, k, radsum - sqrt<f64>(rsq)); stF(cfn, k, 0.0); stF(cftx, k, 0.0); stF(cfty, k, 0.0); stF(cftz, k, 0.0); }
      }
    }
  }

  // pass 2: Hertz + tangential history for every touching pair (contact_pairs.ts)
  status = pairContacts(sys, nc, computeFlag, record);
  if (record) sI(sys, H_NCONTACTS, nc);
  return status;
}

/** Particle-wall forces for every planar wall (wall: infinite radius and mass, R* = R_i, m* = m_i). */
export function wallForces(sys: usize, computeFlag: i32, record: i32): i32 {
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
  const tKn = gP(sys, P_T_KN), tSt = gP(sys, P_T_ST), tDn = gP(sys, P_T_DN), tDt = gP(sys, P_T_DT), tMu = gP(sys, P_T_MU);
  let status = ST_OK;
  for (let w = 0; w < nw; w++) {
    const wb = gP(sys, P_WALLS) + (<usize>(w * WALL_SLOTS) << 3);
    if (gI(wb, W_MODE) == 3) { sF(wb, W_FX, 0.0); sF(wb, W_FY, 0.0); sF(wb, W_FZ, 0.0); sI(wb, W_NCONT, 0); continue; } // off
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
        status = ST_UNSTABLE_OVERLAP;
        // a pair overlap found in this step's pair pass is reported instead (step.ts): keep its record
        if (gI(sys, H_STATUS_I) < 0) { sI(sys, H_STATUS_I, i); sI(sys, H_STATUS_J, -1 - w); sF(sys, H_STATUS_VAL, deltan / ri); }
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
      const sqrtval = sqrt<f64>(reff * deltan);
      const kt = ldF(tSt, t) * sqrtval;
      const kn = ldF(tKn, t) * sqrtval;
      const q = sqrt<f64>(sqrtval * meff);
      const gamman = ldF(tDn, t) * q;
      const gammat = ldF(tDt, t) * q;
      const Fn = -gamman * vn + kn * deltan;
      let h1 = ldF(phx, i), h2 = ldF(phy, i), h3 = ldF(phz, i);
      if (computeFlag) {
        h1 += vtr1 * dt; h2 += vtr2 * dt; h3 += vtr3 * dt;
        const rsht = h1 * enx + h2 * eny + h3 * enz;
        h1 -= rsht * enx; h2 -= rsht * eny; h3 -= rsht * enz;
      }
      const shrmag = sqrt<f64>(h1 * h1 + h2 * h2 + h3 * h3);
      const FtShear = kt * shrmag;
      const FtFriction = ldF(tMu, t) * abs<f64>(Fn);
      const slide = FtShear > FtFriction;
      const rr = select<f64>(FtFriction / FtShear, 1.0, slide);
      const gt = select<f64>(0.0, gammat, slide);
      h1 *= rr; h2 *= rr; h3 *= rr;
      const Ft1 = -(kt * h1) - gt * vtr1;
      const Ft2 = -(kt * h2) - gt * vtr2;
      const Ft3 = -(kt * h3) - gt * vtr3;
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
