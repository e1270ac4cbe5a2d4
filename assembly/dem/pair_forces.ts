// The particle-particle force pass (called by step.ts), as LIGGGHTS's pair gran with the contact law of
// the pair tables (contact/law.ts; formulas in fixtures/dem/LIGGGHTS-REFERENCE.md). Papers: 000 eq 1-11
// (overlap, R_eff, E_eff, M_eff, k_N, k_S), 003 §2.1.
import { gI, sI, gF, gP, ldF, stF, ldI, stI } from "../common/mem";
import {
  H_N, H_PERX, H_PERY, H_LOX, H_LOY, H_HIX, H_HIY, H_NCONTACTS,
  P_X, P_Y, P_Z, P_R, P_ROW, P_NBR, P_HX, P_HY, P_HZ, P_CK, P_CI,
  P_CDN, P_CFN, P_CFTX, P_CFTY, P_CFTZ, ST_OK,
} from "./layout";
// pass 2 runs in contact_pairs_simd.ts (f64x2, two contacts at a time); the twin is generated from
// its scalar reference contact_pairs.ts (the same operations in the same order)
import { pairContacts } from "./contact_pairs_simd";

/** Particle-particle forces over the half neighbour list. computeFlag = 0 in the set-up call
 *  (history not advanced), record = 1 stores per-contact data, virial and coordination.
 *  Two passes: a cheap distance pass collects the touching pairs (and resets the history of pairs
 *  that came apart), then the contact pass (contact_pairs_simd.ts, two contacts per f64x2) runs
 *  without the unpredictable touch/apart branch and with a branch-free Coulomb limit. Measured on
 *  the 11k dense packing: 62 ns/contact scalar single pass -> ~45 ns (bench/dem.ts). */
export function pairForces(sys: usize, computeFlag: i32, record: i32): i32 {
  // pass 1: which listed pairs touch; pass 2: the contact law of every touching pair (contact_pairs_simd.ts;
  // scalar reference contact_pairs.ts)
  const nc = pairTouching(sys, 0, gI(sys, H_N), 0, record);
  const status = pairContacts(sys, 0, nc, computeFlag, record, 0);
  if (record) sI(sys, H_NCONTACTS, nc);
  return status;
}

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
