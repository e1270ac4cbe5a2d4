// The particle-wall force pass (called by step.ts), as LIGGGHTS's fix wall/gran with the contact law of the
// pair tables (contact/law.ts): a planar wall is a partner of infinite radius and mass (R* = R_i, m* = m_i).
import { gI, sI, gF, sF, gP, ldF, stF, ldI } from "../common/mem";
import {
  H_N, H_NMAT, H_DT, H_NWALLS, H_MAX_OVERLAP, H_STATUS_I, H_STATUS_J, H_STATUS_VAL,
  P_X, P_Y, P_Z, P_VX, P_VY, P_VZ, P_WX, P_WY, P_WZ, P_FX, P_FY, P_FZ, P_TX, P_TY, P_TZ,
  P_R, P_MASS, P_MAT, P_T_KN, P_T_KT, P_T_DN, P_T_DT, P_T_MU, P_T_MODEL, P_WALLS, WALL_SLOTS, P_WLIST, P_WLISTN,
  W_AXIS, W_SIDE, W_POS, W_VX, W_VY, W_VZ, W_MAT, W_MODE, W_FX, W_FY, W_FZ, W_NCONT, W_HX, W_HY, W_HZ,
  FB_FX, FB_FY, FB_FZ, FB_TX, FB_TY, FB_TZ,
  ST_OK, ST_UNSTABLE_OVERLAP,
} from "./layout";
import { normalScale } from "./contact/dispatch";
import { dampingRoot, normalForce, tangentialUpdate, tangentialForce } from "./contact/law";

/** Particle-wall forces for every planar wall (wall: infinite radius and mass, R* = R_i, m* = m_i), over the particles
 *  each wall's list holds (wall_list.ts: a superset of its contacts, in increasing index). */
export function wallForces(sys: usize, computeFlag: i32, record: i32): i32 {
  return wallForcesRange(sys, computeFlag, 0, gI(sys, H_N), 0, 0);
}

/**
 * wallForces on particles [i0, i1) into force block fb (0: the particles' own arrays); each wall's force and contact
 * count go to `out` (f64[NWALLS x 4]: x, y, z, contacts; a thread's partial sums) or, with out = 0, to the wall.
 */
export function wallForcesRange(sys: usize, computeFlag: i32, i0: i32, i1: i32, fb: usize, out: usize): i32 {
  const n = gI(sys, H_N);
  const nmat = gI(sys, H_NMAT);
  const nw = gI(sys, H_NWALLS);
  const dt = gF(sys, H_DT);
  const maxOv = gF(sys, H_MAX_OVERLAP);
  const pvx = gP(sys, P_VX), pvy = gP(sys, P_VY), pvz = gP(sys, P_VZ);
  const pwx = gP(sys, P_WX), pwy = gP(sys, P_WY), pwz = gP(sys, P_WZ);
  const fh = fb == 0 ? sys : fb;
  const pfx = gP(fh, fb == 0 ? P_FX : FB_FX), pfy = gP(fh, fb == 0 ? P_FY : FB_FY), pfz = gP(fh, fb == 0 ? P_FZ : FB_FZ);
  const ptx = gP(fh, fb == 0 ? P_TX : FB_TX), pty = gP(fh, fb == 0 ? P_TY : FB_TY), ptz = gP(fh, fb == 0 ? P_TZ : FB_TZ);
  const pr = gP(sys, P_R), pm = gP(sys, P_MASS), pmat = gP(sys, P_MAT);
  const tKn = gP(sys, P_T_KN), tKt = gP(sys, P_T_KT), tDn = gP(sys, P_T_DN), tDt = gP(sys, P_T_DT), tMu = gP(sys, P_T_MU);
  const tModel = gP(sys, P_T_MODEL);
  const lists = gP(sys, P_WLIST), counts = gP(sys, P_WLISTN);
  let status = ST_OK;
  for (let w = 0; w < nw; w++) {
    const wb = gP(sys, P_WALLS) + (<usize>(w * WALL_SLOTS) << 3);
    if (gI(wb, W_MODE) == 3) { wallTotals(wb, out, w, 0.0, 0.0, 0.0, 0); continue; } // off
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
    const list = lists + (<usize>(w * n) << 2), m = ldI(counts, w);
    for (let li = 0; li < m; li++) {
      const i = ldI(list, li);
      if (i < i0 || i >= i1) continue;
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
      // contact law (contact/law.ts), as for a particle pair
      const model = ldI(tModel, t);
      const a = normalScale(model, reff, meff, deltan);
      const kt = ldF(tKt, t) * a;
      const kn = ldF(tKn, t) * a;
      const q = dampingRoot(model, a, meff);
      const gamman = ldF(tDn, t) * q;
      const gammat = ldF(tDt, t) * q;
      const Fn = normalForce(gamman, vn, kn, deltan);
      const gt = tangentialUpdate(model, phx, phy, phz, i, vtr1, vtr2, vtr3, enx, eny, enz, dt, computeFlag, kt, gammat, ldF(tMu, t), Fn);
      const Ft1 = tangentialForce(model, kt, ldF(phx, i), gt, vtr1);
      const Ft2 = tangentialForce(model, kt, ldF(phy, i), gt, vtr2);
      const Ft3 = tangentialForce(model, kt, ldF(phz, i), gt, vtr3);
      const F1 = Fn * enx + Ft1, F2 = Fn * eny + Ft2, F3 = Fn * enz + Ft3;
      stF(pfx, i, ldF(pfx, i) + F1); stF(pfy, i, ldF(pfy, i) + F2); stF(pfz, i, ldF(pfz, i) + F3);
      stF(ptx, i, ldF(ptx, i) + -cri * (eny * Ft3 - enz * Ft2));
      stF(pty, i, ldF(pty, i) + -cri * (enz * Ft1 - enx * Ft3));
      stF(ptz, i, ldF(ptz, i) + -cri * (enx * Ft2 - eny * Ft1));
      Fwx -= F1; Fwy -= F2; Fwz -= F3;
    }
    wallTotals(wb, out, w, Fwx, Fwy, Fwz, nc);
  }
  return status;
}

/** A wall's force and contact count: into its block (out = 0) or into a thread's partial sums. */
@inline function wallTotals(wb: usize, out: usize, w: i32, fx: f64, fy: f64, fz: f64, nc: i32): void {
  if (out == 0) { sF(wb, W_FX, fx); sF(wb, W_FY, fy); sF(wb, W_FZ, fz); sI(wb, W_NCONT, nc); return; }
  stF(out, w * 4, fx); stF(out, w * 4 + 1, fy); stF(out, w * 4 + 2, fz); stF(out, w * 4 + 3, <f64>nc);
}
