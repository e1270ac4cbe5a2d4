// Pass 2 of the particle-particle contact kernel (see pair_forces.ts): the contact law of every touching
// pair listed by pass 1 in P_CK/P_CI, composed from its sub-models (contact/law.ts). This scalar version is
// the reference the twin (host/dem/twin.ts) is generated from; the wasm core runs contact_pairs_simd.ts,
// the same operations in the same order on two contacts at a time (f64x2 lanes).
import { sI, gI, gF, sF, gP, ldF, stF, ldI, stI } from "../common/mem";
import {
  H_NMAT, H_PERX, H_PERY, H_LOX, H_LOY, H_HIX, H_HIY, H_DT, H_MAX_OVERLAP,
  H_STATUS_I, H_STATUS_J, H_STATUS_VAL,
  P_X, P_Y, P_Z, P_VX, P_VY, P_VZ, P_WX, P_WY, P_WZ, P_FX, P_FY, P_FZ, P_TX, P_TY, P_TZ,
  P_R, P_MASS, P_MAT, P_NBR, P_HX, P_HY, P_HZ, P_NCONT, P_CK, P_CI, P_T_DN, P_T_DT, P_T_MODEL,
  P_WXX, P_WYY, P_WZZ, P_WXY, P_WXZ, P_WYZ, P_T_KN, P_T_KT, P_T_MU,
  P_CDN, P_CFN, P_CFTX, P_CFTY, P_CFTZ, ST_OK, ST_UNSTABLE_OVERLAP, FB_FX, FB_FY, FB_FZ, FB_TX, FB_TY, FB_TZ,
} from "./layout";
import { normalScale } from "./contact/dispatch";
import { dampingRoot, normalForce, tangentialUpdate, tangentialForce } from "./contact/law";

/** Contact forces of the touching pairs (k, i) in P_CK/P_CI [c0, c1), into force block fb (0: the particles' own arrays);
 *  returns the status. */
export function pairContacts(sys: usize, c0: i32, c1: i32, computeFlag: i32, record: i32, fb: usize): i32 {
  const nmat = gI(sys, H_NMAT);
  const dt = gF(sys, H_DT);
  const perx = gI(sys, H_PERX) != 0, pery = gI(sys, H_PERY) != 0;
  const Lx = gF(sys, H_HIX) - gF(sys, H_LOX), Ly = gF(sys, H_HIY) - gF(sys, H_LOY);
  const hLx = 0.5 * Lx, hLy = 0.5 * Ly;
  const maxOv = gF(sys, H_MAX_OVERLAP);
  const px = gP(sys, P_X), py = gP(sys, P_Y), pz = gP(sys, P_Z);
  const pvx = gP(sys, P_VX), pvy = gP(sys, P_VY), pvz = gP(sys, P_VZ);
  const pwx = gP(sys, P_WX), pwy = gP(sys, P_WY), pwz = gP(sys, P_WZ);
  // forces and torques into this thread's arrays (fb: a force block, FB_*; 0: the particles' own)
  const fh = fb == 0 ? sys : fb;
  const pfx = gP(fh, fb == 0 ? P_FX : FB_FX), pfy = gP(fh, fb == 0 ? P_FY : FB_FY), pfz = gP(fh, fb == 0 ? P_FZ : FB_FZ);
  const ptx = gP(fh, fb == 0 ? P_TX : FB_TX), pty = gP(fh, fb == 0 ? P_TY : FB_TY), ptz = gP(fh, fb == 0 ? P_TZ : FB_TZ);
  const pr = gP(sys, P_R), pm = gP(sys, P_MASS), pmat = gP(sys, P_MAT);
  const nbr = gP(sys, P_NBR);
  const phx = gP(sys, P_HX), phy = gP(sys, P_HY), phz = gP(sys, P_HZ);
  const tKn = gP(sys, P_T_KN), tKt = gP(sys, P_T_KT), tDn = gP(sys, P_T_DN), tDt = gP(sys, P_T_DT), tMu = gP(sys, P_T_MU);
  const tModel = gP(sys, P_T_MODEL);
  const cdn = gP(sys, P_CDN), cfn = gP(sys, P_CFN), cftx = gP(sys, P_CFTX), cfty = gP(sys, P_CFTY), cftz = gP(sys, P_CFTZ);
  const ncont = gP(sys, P_NCONT);
  const wxx = gP(sys, P_WXX), wyy = gP(sys, P_WYY), wzz = gP(sys, P_WZZ);
  const wxy = gP(sys, P_WXY), wxz = gP(sys, P_WXZ), wyz = gP(sys, P_WYZ);
  const ck = gP(sys, P_CK), ci = gP(sys, P_CI);
  let status = ST_OK;
  for (let c = c0; c < c1; c++) {
    const k = ldI(ck, c), i = ldI(ci, c);
    const j = ldI(nbr, k);
    let dx = ldF(px, i) - ldF(px, j), dy = ldF(py, i) - ldF(py, j);
    const dz = ldF(pz, i) - ldF(pz, j);
    if (perx) { if (dx > hLx) dx -= Lx; else if (dx < -hLx) dx += Lx; }
    if (pery) { if (dy > hLy) dy -= Ly; else if (dy < -hLy) dy += Ly; }
    const ri = ldF(pr, i), rj = ldF(pr, j);
    const radsum = ri + rj;
    const r = sqrt<f64>(dx * dx + dy * dy + dz * dz);
    const rinv = 1.0 / r;
    const enx = dx * rinv, eny = dy * rinv, enz = dz * rinv;
    const deltan = radsum - r; // eq 1
    if (deltan > maxOv * min<f64>(ri, rj)) {
      if (status == ST_OK) {
        status = ST_UNSTABLE_OVERLAP; sI(sys, H_STATUS_I, i); sI(sys, H_STATUS_J, j); sF(sys, H_STATUS_VAL, deltan / min<f64>(ri, rj));
      }
    }
    // relative velocities (surface_model_default)
    const vr1 = ldF(pvx, i) - ldF(pvx, j), vr2 = ldF(pvy, i) - ldF(pvy, j), vr3 = ldF(pvz, i) - ldF(pvz, j);
    const vn = vr1 * enx + vr2 * eny + vr3 * enz;
    const vt1 = vr1 - vn * enx, vt2 = vr2 - vn * eny, vt3 = vr3 - vn * enz;
    const cri = ri - 0.5 * deltan, crj = rj - 0.5 * deltan;
    const wr1 = (cri * ldF(pwx, i) + crj * ldF(pwx, j)) * rinv;
    const wr2 = (cri * ldF(pwy, i) + crj * ldF(pwy, j)) * rinv;
    const wr3 = (cri * ldF(pwz, i) + crj * ldF(pwz, j)) * rinv;
    const vtr1 = vt1 - (dz * wr2 - dy * wr3);
    const vtr2 = vt2 - (dx * wr3 - dz * wr1);
    const vtr3 = vt3 - (dy * wr1 - dx * wr2);
    // effective radius and mass (eq 2, 4); material pair tables (eq 3, 5, restitution, friction)
    const mi = ldF(pm, i), mj = ldF(pm, j);
    // R* = R_i R_j/(R_i+R_j) and m* = m_i m_j/(m_i+m_j) from one reciprocal (one division, not two)
    const msum = mi + mj;
    const inv = 1.0 / (radsum * msum);
    const reff = ri * rj * msum * inv;
    const meff = mi * mj * radsum * inv;
    const t = ldI(pmat, i) * nmat + ldI(pmat, j);
    // contact law (contact/law.ts): normal scale, stiffnesses, dashpots, normal force, tangential history
    const model = ldI(tModel, t);
    const a = normalScale(model, reff, meff, deltan);
    const kt = ldF(tKt, t) * a; // eq 11 (k_t = S_t)
    const kn = ldF(tKn, t) * a; // eq 6
    const q = dampingRoot(model, a, meff);
    const gamman = ldF(tDn, t) * q;
    const gammat = ldF(tDt, t) * q;
    const Fn = normalForce(gamman, vn, kn, deltan); // eq 10
    const gt = tangentialUpdate(model, phx, phy, phz, k, vtr1, vtr2, vtr3, enx, eny, enz, dt, computeFlag, kt, gammat, ldF(tMu, t), Fn);
    const Ft1 = tangentialForce(model, kt, ldF(phx, k), gt, vtr1);
    const Ft2 = tangentialForce(model, kt, ldF(phy, k), gt, vtr2);
    const Ft3 = tangentialForce(model, kt, ldF(phz, k), gt, vtr3);
    const F1 = Fn * enx + Ft1, F2 = Fn * eny + Ft2, F3 = Fn * enz + Ft3;
    const tor1 = eny * Ft3 - enz * Ft2;
    const tor2 = enz * Ft1 - enx * Ft3;
    const tor3 = enx * Ft2 - eny * Ft1;
    stF(pfx, i, ldF(pfx, i) + F1); stF(pfy, i, ldF(pfy, i) + F2); stF(pfz, i, ldF(pfz, i) + F3);
    stF(ptx, i, ldF(ptx, i) - cri * tor1); stF(pty, i, ldF(pty, i) - cri * tor2); stF(ptz, i, ldF(ptz, i) - cri * tor3);
    stF(pfx, j, ldF(pfx, j) - F1); stF(pfy, j, ldF(pfy, j) - F2); stF(pfz, j, ldF(pfz, j) - F3);
    stF(ptx, j, ldF(ptx, j) - crj * tor1); stF(pty, j, ldF(pty, j) - crj * tor2); stF(ptz, j, ldF(ptz, j) - crj * tor3);
    if (record) {
      stF(cdn, k, deltan); stF(cfn, k, Fn); stF(cftx, k, Ft1); stF(cfty, k, Ft2); stF(cftz, k, Ft3);
      stI(ncont, i, ldI(ncont, i) + 1); stI(ncont, j, ldI(ncont, j) + 1);
      // LIGGGHTS stress/atom: each partner gets 1/2 d (x) F with d = x_i - x_j (half centre branch)
      const sxx = 0.5 * dx * F1, syy = 0.5 * dy * F2, szz = 0.5 * dz * F3;
      const sxy = 0.5 * dx * F2, sxz = 0.5 * dx * F3, syz = 0.5 * dy * F3;
      stF(wxx, i, ldF(wxx, i) + sxx); stF(wyy, i, ldF(wyy, i) + syy); stF(wzz, i, ldF(wzz, i) + szz);
      stF(wxy, i, ldF(wxy, i) + sxy); stF(wxz, i, ldF(wxz, i) + sxz); stF(wyz, i, ldF(wyz, i) + syz);
      stF(wxx, j, ldF(wxx, j) + sxx); stF(wyy, j, ldF(wyy, j) + syy); stF(wzz, j, ldF(wzz, j) + szz);
      stF(wxy, j, ldF(wxy, j) + sxy); stF(wxz, j, ldF(wxz, j) + sxz); stF(wyz, j, ldF(wyz, j) + syz);
    }
  }
  return status;
}
