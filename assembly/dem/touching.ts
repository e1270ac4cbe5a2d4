// Pass 1 of the particle-particle force pass (pair_forces.ts), scalar: which listed pairs touch, and the
// history reset of the pairs that came apart. The reference the twin is generated from; the wasm core runs
// touching_simd.ts, the same decisions two listed pairs at a time.
import { gI, gF, gP, ldF, stF, ldI, stI } from "../common/mem";
import {
  H_PERX, H_PERY, H_LOX, H_LOY, H_HIX, H_HIY,
  P_X, P_Y, P_Z, P_R, P_ROW, P_NBR, P_HX, P_HY, P_HZ, P_CK, P_CI, P_CDN, P_CFN, P_CFTX, P_CFTY, P_CFTZ,
} from "./layout";

/**
 * Pass 1 over the listed pairs of particles [i0, i1): which touch (surfacesIntersect; their (k, i) go to P_CK/P_CI
 * from c0 on), and which came apart (surfacesClose: history reset). Returns the number of touching pairs.
 */
export function pairTouching(sys: usize, i0: i32, i1: i32, c0: i32, record: i32): i32 {
  const perx = gI(sys, H_PERX) != 0, pery = gI(sys, H_PERY) != 0;
  const Lx = gF(sys, H_HIX) - gF(sys, H_LOX), Ly = gF(sys, H_HIY) - gF(sys, H_LOY);
  const hLx = 0.5 * Lx, hLy = 0.5 * Ly;
  const px = gP(sys, P_X), py = gP(sys, P_Y), pz = gP(sys, P_Z), pr = gP(sys, P_R);
  const row = gP(sys, P_ROW), nbr = gP(sys, P_NBR);
  const phx = gP(sys, P_HX), phy = gP(sys, P_HY), phz = gP(sys, P_HZ);
  const cdn = gP(sys, P_CDN), cfn = gP(sys, P_CFN), cftx = gP(sys, P_CFTX), cfty = gP(sys, P_CFTY), cftz = gP(sys, P_CFTZ);
  const ck = gP(sys, P_CK), ci = gP(sys, P_CI);
  let nc = c0;
  for (let i = i0; i < i1; i++) {
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

  return nc - c0;
}
