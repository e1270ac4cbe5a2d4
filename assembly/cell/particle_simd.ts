// SIMD form of particle.ts (the wasm core runs this one): f64x2 lanes hold nodes j and j+1 of the
// interleaved layout (shell s of node j at s*nxp + j, nxp even), so every load is one aligned v128.
// Exactly the operations of the scalar cellParticles / cellUpdate in the same order (f64x2 lane
// arithmetic is scalar IEEE arithmetic); test/cell compares the two through the twin.
import { gI, gF, gP, ldF, stF } from "../common/mem";
import {
  P_NX, P_NR, P_NXP, P_TH, P_THPREV, P_THNEW, P_DF, P_U, P_W, P_CP, P_VOL, P_GF, P_J, P_ALPHA, P_BETA,
  P_HEFF, P_BDFA, P_BDFB, P_RAD, P_C1MAX,
} from "./layout";

@inline function ld2(p: usize, i: i32): v128 { return v128.load(p + (<usize>i << 3)); }
@inline function st2(p: usize, i: i32, v: v128): void { v128.store(p + (<usize>i << 3), v); }

export function cellParticles(sys: usize): void {
  const nx = gI(sys, P_NX), nr = gI(sys, P_NR), nxp = gI(sys, P_NXP);
  const th = gP(sys, P_TH), thp = gP(sys, P_THPREV), df = gP(sys, P_DF);
  const u = gP(sys, P_U), w = gP(sys, P_W), cp = gP(sys, P_CP), vol = gP(sys, P_VOL), gf = gP(sys, P_GF);
  const ih = 1.0 / gF(sys, P_HEFF), A = f64x2.splat(gF(sys, P_BDFA)), B = f64x2.splat(gF(sys, P_BDFB));
  const R = gF(sys, P_RAD), c1max = gF(sys, P_C1MAX);
  const jcoef = -3.0 / (R * c1max);
  const zero = f64x2.splat(0.0);
  for (let s = 0; s < nr; s++) {
    const vs0 = ldF(vol, s) * ih;
    const vs = f64x2.splat(vs0);
    const gl = f64x2.splat(s > 0 ? ldF(gf, s - 1) : 0.0);
    const gr = f64x2.splat(s < nr - 1 ? ldF(gf, s) : 0.0);
    const e = f64x2.splat(s == nr - 1 ? jcoef : 0.0);
    const o = s * nxp, ol = (s - 1) * nxp;
    for (let j = 0; j < nxp; j += 2) {
      const kr = f64x2.mul(gr, ld2(df, o + j));
      const rhs = f64x2.mul(vs, f64x2.sub(f64x2.mul(A, ld2(th, o + j)), f64x2.mul(B, ld2(thp, o + j))));
      if (s == 0) {
        const m = f64x2.add(vs, kr);
        st2(cp, o + j, f64x2.div(f64x2.neg(kr), m));
        st2(u, o + j, f64x2.div(rhs, m));
        st2(w, o + j, zero);
      } else {
        const kl = f64x2.mul(gl, ld2(df, ol + j));
        const m = f64x2.add(f64x2.add(f64x2.add(vs, kl), kr), f64x2.mul(kl, ld2(cp, ol + j)));
        st2(cp, o + j, f64x2.div(f64x2.neg(kr), m));
        st2(u, o + j, f64x2.div(f64x2.add(rhs, f64x2.mul(kl, ld2(u, ol + j))), m));
        st2(w, o + j, f64x2.div(f64x2.add(e, f64x2.mul(kl, ld2(w, ol + j))), m));
      }
    }
  }
  for (let s = nr - 2; s >= 0; s--) {
    const o = s * nxp, on = (s + 1) * nxp;
    for (let j = 0; j < nxp; j += 2) {
      const c = ld2(cp, o + j);
      st2(u, o + j, f64x2.sub(ld2(u, o + j), f64x2.mul(c, ld2(u, on + j))));
      st2(w, o + j, f64x2.sub(ld2(w, o + j), f64x2.mul(c, ld2(w, on + j))));
    }
  }
  const ol = (nr - 1) * nxp;
  const half = 0.5 / <f64>nr * R / c1max;
  const alpha = gP(sys, P_ALPHA), beta = gP(sys, P_BETA);
  for (let j = 0; j < nx; j++) {
    stF(alpha, j, ldF(u, ol + j));
    stF(beta, j, ldF(w, ol + j) - half / ldF(df, ol + j));
  }
}

export function cellUpdate(sys: usize): void {
  const nr = gI(sys, P_NR), nxp = gI(sys, P_NXP);
  const u = gP(sys, P_U), w = gP(sys, P_W), tn = gP(sys, P_THNEW), J = gP(sys, P_J);
  for (let s = 0; s < nr; s++) {
    const o = s * nxp;
    for (let j = 0; j < nxp; j += 2) st2(tn, o + j, f64x2.add(ld2(u, o + j), f64x2.mul(ld2(w, o + j), ld2(J, j))));
  }
}
