// Pass 1 of the particle-particle force pass, two listed pairs of a row at a time (f64x2 lanes): the
// decisions of the scalar pairTouching in touching.ts, in the same order. The distance test is the same IEEE
// arithmetic per lane; the touching pairs are appended lane 0 then lane 1, as the scalar loop appends them; the
// history of pairs k, k+1 is contiguous, so the reset loads and stores it as one v128 per component (the scalar
// select of h or +0 is an and with the keep mask, bit for bit). A row's odd last pair and record steps (rare:
// per-contact output) run the scalar form. Not translated by scripts/gen-twin.mjs (the twin uses touching.ts).
import { gI, gF, gP, ldF, stF, ldI, stI } from "../common/mem";
import { H_PERX, H_PERY, H_LOX, H_LOY, H_HIX, H_HIY, P_X, P_Y, P_Z, P_R, P_ROW, P_NBR, P_HX, P_HY, P_HZ, P_CK, P_CI } from "./layout";
import { g2 } from "./contact/lanes";
import { pairTouching as pairTouchingScalar } from "./touching";

@inline function v2(p: usize, k: i32): usize { return p + (<usize>k << 3); }

/**
 * Pass 1 over the listed pairs of particles [i0, i1): which touch (their (k, i) go to P_CK/P_CI from c0 on), and
 * which came apart (history reset). Returns the number of touching pairs. As touching.ts.
 */
export function pairTouching(sys: usize, i0: i32, i1: i32, c0: i32, record: i32): i32 {
  if (record) return pairTouchingScalar(sys, i0, i1, c0, record);
  const perx = gI(sys, H_PERX) != 0, pery = gI(sys, H_PERY) != 0;
  const Lx0 = gF(sys, H_HIX) - gF(sys, H_LOX), Ly0 = gF(sys, H_HIY) - gF(sys, H_LOY);
  const hLx0 = 0.5 * Lx0, hLy0 = 0.5 * Ly0;
  const Lx = f64x2.splat(Lx0), Ly = f64x2.splat(Ly0);
  const hLx = f64x2.splat(hLx0), hLy = f64x2.splat(hLy0);
  const mhLx = f64x2.splat(-hLx0), mhLy = f64x2.splat(-hLy0);
  const zero = f64x2.splat(0.0);
  const px = gP(sys, P_X), py = gP(sys, P_Y), pz = gP(sys, P_Z), pr = gP(sys, P_R);
  const row = gP(sys, P_ROW), nbr = gP(sys, P_NBR);
  const phx = gP(sys, P_HX), phy = gP(sys, P_HY), phz = gP(sys, P_HZ);
  const ck = gP(sys, P_CK), ci = gP(sys, P_CI);
  let nc = c0;
  for (let i = i0; i < i1; i++) {
    const k1 = ldI(row, i + 1);
    let k = ldI(row, i);
    const xi0 = ldF(px, i), yi0 = ldF(py, i), zi0 = ldF(pz, i), ri0 = ldF(pr, i);
    const xi = f64x2.splat(xi0), yi = f64x2.splat(yi0), zi = f64x2.splat(zi0), ri = f64x2.splat(ri0);
    for (; k + 1 < k1; k += 2) {
      const ja = ldI(nbr, k), jb = ldI(nbr, k + 1);
      let dx = f64x2.sub(xi, g2(px, ja, jb)), dy = f64x2.sub(yi, g2(py, ja, jb));
      const dz = f64x2.sub(zi, g2(pz, ja, jb));
      if (perx) dx = v128.bitselect(f64x2.sub(dx, Lx), v128.bitselect(f64x2.add(dx, Lx), dx, f64x2.lt(dx, mhLx)), f64x2.gt(dx, hLx));
      if (pery) dy = v128.bitselect(f64x2.sub(dy, Ly), v128.bitselect(f64x2.add(dy, Ly), dy, f64x2.lt(dy, mhLy)), f64x2.gt(dy, hLy));
      const radsum = f64x2.add(ri, g2(pr, ja, jb));
      const rsq = f64x2.add(f64x2.add(f64x2.mul(dx, dx), f64x2.mul(dy, dy)), f64x2.mul(dz, dz));
      const touching = f64x2.lt(rsq, f64x2.mul(radsum, radsum));
      // branch-free appends, lane 0 then lane 1
      stI(ck, nc, k); stI(ci, nc, i);
      nc += i64x2.extract_lane(touching, 0) != 0 ? 1 : 0;
      stI(ck, nc, k + 1); stI(ci, nc, i);
      nc += i64x2.extract_lane(touching, 1) != 0 ? 1 : 0;
      // history of the pairs that came apart zeroed where nonzero (a -0 stays)
      const h1 = v128.load(v2(phx, k)), h2 = v128.load(v2(phy, k)), h3 = v128.load(v2(phz, k));
      const keep = v128.or(touching, v128.and(v128.and(f64x2.eq(h1, zero), f64x2.eq(h2, zero)), f64x2.eq(h3, zero)));
      v128.store(v2(phx, k), v128.and(h1, keep)); v128.store(v2(phy, k), v128.and(h2, keep)); v128.store(v2(phz, k), v128.and(h3, keep));
    }
    if (k < k1) {
      // the row's odd last pair: as the scalar loop (the f64x2 body with a repeated lane for it measured 4 % slower:
      // its lane checks sit in the hot loop)
      const j = ldI(nbr, k);
      let dx = xi0 - ldF(px, j), dy = yi0 - ldF(py, j);
      const dz = zi0 - ldF(pz, j);
      if (perx) { if (dx > hLx0) dx -= Lx0; else if (dx < -hLx0) dx += Lx0; }
      if (pery) { if (dy > hLy0) dy -= Ly0; else if (dy < -hLy0) dy += Ly0; }
      const radsum = ri0 + ldF(pr, j);
      const rsq = dx * dx + dy * dy + dz * dz;
      stI(ck, nc, k); stI(ci, nc, i);
      const touching = rsq < radsum * radsum;
      nc += touching ? 1 : 0;
      const h1 = ldF(phx, k), h2 = ldF(phy, k), h3 = ldF(phz, k);
      const keep = ((touching ? 1 : 0) | (h1 == 0.0 && h2 == 0.0 && h3 == 0.0 ? 1 : 0)) != 0;
      stF(phx, k, select<f64>(h1, 0.0, keep)); stF(phy, k, select<f64>(h2, 0.0, keep)); stF(phz, k, select<f64>(h3, 0.0, keep));
    }
  }
  return nc - c0;
}
