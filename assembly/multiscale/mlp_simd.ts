// SIMD form of mlp.ts (the wasm core runs this one): f64x2 lanes hold hidden units j and j+1, so the hidden
// layer is updated two units per instruction and the output sums accumulate the even and odd units in the
// two lanes; the same operations in the same order as the scalar reference (bit-identical results).
import { gI, gP, ldF, stF } from "../common/mem";
import { Q_NIN, Q_NH, Q_NOUT, Q_NB, Q_OUTRELU, Q_W1T, Q_B1, Q_W2, Q_B2, Q_XLO, Q_XINV, Q_YLO, Q_YSPAN, Q_X, Q_Y, Q_H } from "./layout";

@inline function ld2(p: usize, i: i32): v128 { return v128.load(p + (<usize>i << 3)); }
@inline function st2(p: usize, i: i32, v: v128): void { v128.store(p + (<usize>i << 3), v); }

/** Y = net(X) for the NB rows of X. */
export function mlpForward(sys: usize): void {
  const nin = gI(sys, Q_NIN), nh = gI(sys, Q_NH), nout = gI(sys, Q_NOUT), nb = gI(sys, Q_NB), relu = gI(sys, Q_OUTRELU);
  const w1 = gP(sys, Q_W1T), b1 = gP(sys, Q_B1), w2 = gP(sys, Q_W2), b2 = gP(sys, Q_B2);
  const xlo = gP(sys, Q_XLO), xinv = gP(sys, Q_XINV), ylo = gP(sys, Q_YLO), yspan = gP(sys, Q_YSPAN);
  const X = gP(sys, Q_X), Y = gP(sys, Q_Y), H = gP(sys, Q_H);
  const zero = f64x2.splat(0.0);
  for (let b = 0; b < nb; b++) {
    for (let j = 0; j < nh; j += 2) st2(H, j, ld2(b1, j));
    for (let i = 0; i < nin; i++) {
      const xs = f64x2.splat((ldF(X, b * nin + i) - ldF(xlo, i)) * ldF(xinv, i));
      for (let j = 0; j < nh; j += 2) st2(H, j, f64x2.add(ld2(H, j), f64x2.mul(ld2(w1, i * nh + j), xs)));
    }
    for (let j = 0; j < nh; j += 2) st2(H, j, f64x2.max(ld2(H, j), zero));
    for (let o = 0; o < nout; o++) {
      let s = zero;
      for (let j = 0; j < nh; j += 2) s = f64x2.add(s, f64x2.mul(ld2(w2, o * nh + j), ld2(H, j)));
      let ys = ldF(b2, o) + (f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1));
      if (relu != 0) ys = max<f64>(ys, 0.0);
      stF(Y, b * nout + o, ldF(ylo, o) + ys * ldF(yspan, o));
    }
  }
}
