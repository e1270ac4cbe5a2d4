// Pass 2 of the particle-particle contact kernel, two contacts at a time: lane 0 and lane 1 of every
// f64x2 hold contacts c and c+1. The operations of the scalar pairContacts in contact_pairs.ts, in the
// same order, with the f64x2 forms of the same sub-model functions (contact/law.ts): f64x2 lane arithmetic
// is the scalar IEEE arithmetic, so both agree to round-off (bit for bit where the sub-models use only
// +, -, *, /, sqrt). Each contact is a long dependent chain (sqrt, div, sqrt, sqrt, div); two independent
// chains side by side let the CPU overlap them. The scatters to the particles run lane 0 then lane 1, as the
// scalar loop does. Not translated by scripts/gen-twin.mjs (the twin uses contact_pairs.ts).
import { sI, gI, gF, sF, gP, ldF, stF, ldI, stI } from "../common/mem";
import {
  H_NMAT, H_PERX, H_PERY, H_LOX, H_LOY, H_HIX, H_HIY, H_DT, H_MAX_OVERLAP,
  H_STATUS_I, H_STATUS_J, H_STATUS_VAL,
  P_X, P_Y, P_Z, P_VX, P_VY, P_VZ, P_WX, P_WY, P_WZ, P_FX, P_FY, P_FZ, P_TX, P_TY, P_TZ,
  P_R, P_MASS, P_MAT, P_NBR, P_HX, P_HY, P_HZ, P_NCONT, P_CK, P_CI, P_T_DN, P_T_DT, P_T_MODEL,
  P_WXX, P_WYY, P_WZZ, P_WXY, P_WXZ, P_WYZ, P_T_KN, P_T_KT, P_T_MU,
  P_CDN, P_CFN, P_CFTX, P_CFTY, P_CFTZ, ST_OK, ST_UNSTABLE_OVERLAP, FB_FX, FB_FY, FB_FZ, FB_TX, FB_TY, FB_TZ,
} from "./layout";
import { g2, s2 } from "./contact/lanes";
import { normalScale2 } from "./contact/dispatch";
import { dampingRoot2, normalForce2, tangentialUpdate2, tangentialForce2 } from "./contact/law";

@inline function addTo(p: usize, i: i32, v: f64): void { stF(p, i, ldF(p, i) + v); }
@inline function subFrom(p: usize, i: i32, v: f64): void { stF(p, i, ldF(p, i) - v); }

/** Contact forces of the touching pairs (k, i) in P_CK/P_CI [c0, c1), into force block fb (0: the particles' own arrays);
 *  returns the status. */
export function pairContacts(sys: usize, c0: i32, c1: i32, computeFlag: i32, record: i32, fb: usize): i32 {
  const nmat = gI(sys, H_NMAT);
  const dt = f64x2.splat(gF(sys, H_DT));
  const perx = gI(sys, H_PERX) != 0, pery = gI(sys, H_PERY) != 0;
  const Lx0 = gF(sys, H_HIX) - gF(sys, H_LOX), Ly0 = gF(sys, H_HIY) - gF(sys, H_LOY);
  const Lx = f64x2.splat(Lx0), Ly = f64x2.splat(Ly0);
  const hLx = f64x2.splat(0.5 * Lx0), hLy = f64x2.splat(0.5 * Ly0);
  const mhLx = f64x2.splat(-(0.5 * Lx0)), mhLy = f64x2.splat(-(0.5 * Ly0));
  const maxOv0 = gF(sys, H_MAX_OVERLAP), maxOv = f64x2.splat(maxOv0);
  const half = f64x2.splat(0.5), one = f64x2.splat(1.0);
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
  for (let c = c0; c < c1; c += 2) {
    // odd count: the last lane 1 repeats contact c; its particle scatters are skipped
    const twoLanes = c + 1 < c1;
    const nl = twoLanes ? 2 : 1;
    const cb = twoLanes ? c + 1 : c;
    const ka = ldI(ck, c), ia = ldI(ci, c), kb = ldI(ck, cb), ib = ldI(ci, cb);
    const ja = ldI(nbr, ka), jb = ldI(nbr, kb);
    let dx = f64x2.sub(g2(px, ia, ib), g2(px, ja, jb));
    let dy = f64x2.sub(g2(py, ia, ib), g2(py, ja, jb));
    const dz = f64x2.sub(g2(pz, ia, ib), g2(pz, ja, jb));
    if (perx) dx = v128.bitselect(f64x2.sub(dx, Lx), v128.bitselect(f64x2.add(dx, Lx), dx, f64x2.lt(dx, mhLx)), f64x2.gt(dx, hLx));
    if (pery) dy = v128.bitselect(f64x2.sub(dy, Ly), v128.bitselect(f64x2.add(dy, Ly), dy, f64x2.lt(dy, mhLy)), f64x2.gt(dy, hLy));
    const ri = g2(pr, ia, ib), rj = g2(pr, ja, jb);
    const radsum = f64x2.add(ri, rj);
    const r = f64x2.sqrt(f64x2.add(f64x2.add(f64x2.mul(dx, dx), f64x2.mul(dy, dy)), f64x2.mul(dz, dz)));
    const rinv = f64x2.div(one, r);
    const enx = f64x2.mul(dx, rinv), eny = f64x2.mul(dy, rinv), enz = f64x2.mul(dz, rinv);
    const deltan = f64x2.sub(radsum, r); // eq 1
    // blow-up check deltan > maxOv min(ri, rj): screened without the costly f64x2.min by
    // deltan > maxOv ri || deltan > maxOv rj (implied by the check for any maxOv: rounding is
    // monotone), then decided exactly per lane in scalar
    if (status == ST_OK && v128.any_true(v128.or(f64x2.gt(deltan, f64x2.mul(maxOv, ri)), f64x2.gt(deltan, f64x2.mul(maxOv, rj))))) {
      for (let l = 0; l < 2; l++) {
        const dn = l == 0 ? f64x2.extract_lane(deltan, 0) : f64x2.extract_lane(deltan, 1);
        const rm = l == 0
          ? min<f64>(f64x2.extract_lane(ri, 0), f64x2.extract_lane(rj, 0))
          : min<f64>(f64x2.extract_lane(ri, 1), f64x2.extract_lane(rj, 1));
        if (dn > maxOv0 * rm && status == ST_OK) {
          status = ST_UNSTABLE_OVERLAP;
          sI(sys, H_STATUS_I, l == 0 ? ia : ib); sI(sys, H_STATUS_J, l == 0 ? ja : jb); sF(sys, H_STATUS_VAL, dn / rm);
        }
      }
    }
    // relative velocities (surface_model_default)
    const vr1 = f64x2.sub(g2(pvx, ia, ib), g2(pvx, ja, jb));
    const vr2 = f64x2.sub(g2(pvy, ia, ib), g2(pvy, ja, jb));
    const vr3 = f64x2.sub(g2(pvz, ia, ib), g2(pvz, ja, jb));
    const vn = f64x2.add(f64x2.add(f64x2.mul(vr1, enx), f64x2.mul(vr2, eny)), f64x2.mul(vr3, enz));
    const vt1 = f64x2.sub(vr1, f64x2.mul(vn, enx)), vt2 = f64x2.sub(vr2, f64x2.mul(vn, eny)), vt3 = f64x2.sub(vr3, f64x2.mul(vn, enz));
    const hdn = f64x2.mul(half, deltan);
    const cri = f64x2.sub(ri, hdn), crj = f64x2.sub(rj, hdn);
    const wr1 = f64x2.mul(f64x2.add(f64x2.mul(cri, g2(pwx, ia, ib)), f64x2.mul(crj, g2(pwx, ja, jb))), rinv);
    const wr2 = f64x2.mul(f64x2.add(f64x2.mul(cri, g2(pwy, ia, ib)), f64x2.mul(crj, g2(pwy, ja, jb))), rinv);
    const wr3 = f64x2.mul(f64x2.add(f64x2.mul(cri, g2(pwz, ia, ib)), f64x2.mul(crj, g2(pwz, ja, jb))), rinv);
    const vtr1 = f64x2.sub(vt1, f64x2.sub(f64x2.mul(dz, wr2), f64x2.mul(dy, wr3)));
    const vtr2 = f64x2.sub(vt2, f64x2.sub(f64x2.mul(dx, wr3), f64x2.mul(dz, wr1)));
    const vtr3 = f64x2.sub(vt3, f64x2.sub(f64x2.mul(dy, wr1), f64x2.mul(dx, wr2)));
    // effective radius and mass (eq 2, 4) from one reciprocal; material pair tables
    const mi = g2(pm, ia, ib), mj = g2(pm, ja, jb);
    const msum = f64x2.add(mi, mj);
    const inv = f64x2.div(one, f64x2.mul(radsum, msum));
    const reff = f64x2.mul(f64x2.mul(f64x2.mul(ri, rj), msum), inv);
    const meff = f64x2.mul(f64x2.mul(f64x2.mul(mi, mj), radsum), inv);
    const ta = ldI(pmat, ia) * nmat + ldI(pmat, ja), tb = ldI(pmat, ib) * nmat + ldI(pmat, jb);
    // contact law (contact/law.ts), f64x2 forms
    const ma = ldI(tModel, ta), mb = ldI(tModel, tb);
    const a = normalScale2(ma, mb, reff, meff, deltan);
    const kt = f64x2.mul(g2(tKt, ta, tb), a); // eq 11
    const kn = f64x2.mul(g2(tKn, ta, tb), a); // eq 6
    const q = dampingRoot2(ma, mb, a, meff);
    const gamman = f64x2.mul(g2(tDn, ta, tb), q);
    const gammat = f64x2.mul(g2(tDt, ta, tb), q);
    const Fn = normalForce2(gamman, vn, kn, deltan); // eq 10
    const gt = tangentialUpdate2(
      ma, mb, phx, phy, phz, ka, kb, vtr1, vtr2, vtr3, enx, eny, enz, dt, computeFlag, kt, gammat, g2(tMu, ta, tb), Fn,
    );
    const Ft1 = tangentialForce2(ma, mb, kt, g2(phx, ka, kb), gt, vtr1);
    const Ft2 = tangentialForce2(ma, mb, kt, g2(phy, ka, kb), gt, vtr2);
    const Ft3 = tangentialForce2(ma, mb, kt, g2(phz, ka, kb), gt, vtr3);
    const F1 = f64x2.add(f64x2.mul(Fn, enx), Ft1), F2 = f64x2.add(f64x2.mul(Fn, eny), Ft2), F3 = f64x2.add(f64x2.mul(Fn, enz), Ft3);
    const tor1 = f64x2.sub(f64x2.mul(eny, Ft3), f64x2.mul(enz, Ft2));
    const tor2 = f64x2.sub(f64x2.mul(enz, Ft1), f64x2.mul(enx, Ft3));
    const tor3 = f64x2.sub(f64x2.mul(enx, Ft2), f64x2.mul(eny, Ft1));
    const ti1 = f64x2.mul(cri, tor1), ti2 = f64x2.mul(cri, tor2), ti3 = f64x2.mul(cri, tor3);
    const tj1 = f64x2.mul(crj, tor1), tj2 = f64x2.mul(crj, tor2), tj3 = f64x2.mul(crj, tor3);
    // scatter: lane 0 (contact c) first, then lane 1 (contact c+1), as the scalar loop
    addTo(pfx, ia, f64x2.extract_lane(F1, 0)); addTo(pfy, ia, f64x2.extract_lane(F2, 0)); addTo(pfz, ia, f64x2.extract_lane(F3, 0));
    subFrom(ptx, ia, f64x2.extract_lane(ti1, 0)); subFrom(pty, ia, f64x2.extract_lane(ti2, 0));
    subFrom(ptz, ia, f64x2.extract_lane(ti3, 0));
    subFrom(pfx, ja, f64x2.extract_lane(F1, 0)); subFrom(pfy, ja, f64x2.extract_lane(F2, 0)); subFrom(pfz, ja, f64x2.extract_lane(F3, 0));
    subFrom(ptx, ja, f64x2.extract_lane(tj1, 0)); subFrom(pty, ja, f64x2.extract_lane(tj2, 0));
    subFrom(ptz, ja, f64x2.extract_lane(tj3, 0));
    if (twoLanes) {
      addTo(pfx, ib, f64x2.extract_lane(F1, 1)); addTo(pfy, ib, f64x2.extract_lane(F2, 1)); addTo(pfz, ib, f64x2.extract_lane(F3, 1));
      subFrom(ptx, ib, f64x2.extract_lane(ti1, 1)); subFrom(pty, ib, f64x2.extract_lane(ti2, 1));
      subFrom(ptz, ib, f64x2.extract_lane(ti3, 1));
      subFrom(pfx, jb, f64x2.extract_lane(F1, 1)); subFrom(pfy, jb, f64x2.extract_lane(F2, 1)); subFrom(pfz, jb, f64x2.extract_lane(F3, 1));
      subFrom(ptx, jb, f64x2.extract_lane(tj1, 1)); subFrom(pty, jb, f64x2.extract_lane(tj2, 1));
      subFrom(ptz, jb, f64x2.extract_lane(tj3, 1));
    }
    if (record) {
      s2(cdn, ka, kb, deltan); s2(cfn, ka, kb, Fn); s2(cftx, ka, kb, Ft1); s2(cfty, ka, kb, Ft2); s2(cftz, ka, kb, Ft3);
      // LIGGGHTS stress/atom: each partner gets 1/2 d (x) F with d = x_i - x_j (half centre branch)
      const sxx = f64x2.mul(f64x2.mul(half, dx), F1), syy = f64x2.mul(f64x2.mul(half, dy), F2), szz = f64x2.mul(f64x2.mul(half, dz), F3);
      const sxy = f64x2.mul(f64x2.mul(half, dx), F2), sxz = f64x2.mul(f64x2.mul(half, dx), F3), syz = f64x2.mul(f64x2.mul(half, dy), F3);
      for (let l = 0; l < nl; l++) {
        const i = l == 0 ? ia : ib, j = l == 0 ? ja : jb;
        const al = l == 0 ? f64x2.extract_lane(sxx, 0) : f64x2.extract_lane(sxx, 1);
        const bl = l == 0 ? f64x2.extract_lane(syy, 0) : f64x2.extract_lane(syy, 1);
        const cl = l == 0 ? f64x2.extract_lane(szz, 0) : f64x2.extract_lane(szz, 1);
        const dl = l == 0 ? f64x2.extract_lane(sxy, 0) : f64x2.extract_lane(sxy, 1);
        const el = l == 0 ? f64x2.extract_lane(sxz, 0) : f64x2.extract_lane(sxz, 1);
        const fl = l == 0 ? f64x2.extract_lane(syz, 0) : f64x2.extract_lane(syz, 1);
        stI(ncont, i, ldI(ncont, i) + 1); stI(ncont, j, ldI(ncont, j) + 1);
        addTo(wxx, i, al); addTo(wyy, i, bl); addTo(wzz, i, cl);
        addTo(wxy, i, dl); addTo(wxz, i, el); addTo(wyz, i, fl);
        addTo(wxx, j, al); addTo(wyy, j, bl); addTo(wzz, j, cl);
        addTo(wxy, j, dl); addTo(wxz, j, el); addTo(wyz, j, fl);
      }
    }
  }
  return status;
}
