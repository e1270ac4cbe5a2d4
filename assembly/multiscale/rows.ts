// Scalar pieces shared by mlp.ts and mlp_simd.ts (the cached affine map of mlpForwardGradCached, layout.ts
// Q_ACT..): a unit's sign change as a rank-one update of (A, c), and a row's outputs and gradient from (A, c).
import { gI, gP, ldF, stF } from "../common/mem";
import { Q_NIN, Q_NH, Q_NOUT, Q_OUTRELU, Q_W1T, Q_B1, Q_W2, Q_B2, Q_XLO, Q_XINV, Q_YLO, Q_YSPAN, Q_X, Q_Y, Q_G, Q_AC } from "./layout";

/** Unit u of row b switched on (sg = 1) or off (-1): A += sg W2[:, u] W1[u, :], c += sg W2[:, u] B1[u]. */
export function mlpFlipUnit(sys: usize, b: i32, u: i32, sg: f64): void {
  const nin = gI(sys, Q_NIN), nh = gI(sys, Q_NH), nout = gI(sys, Q_NOUT);
  const w1 = gP(sys, Q_W1T), b1 = gP(sys, Q_B1), w2 = gP(sys, Q_W2), acm = gP(sys, Q_AC);
  const ab = b * nout * (nin + 1);
  for (let o = 0; o < nout; o++) {
    const w = sg * ldF(w2, o * nh + u);
    for (let i = 0; i < nin; i++) stF(acm, ab + o * nin + i, ldF(acm, ab + o * nin + i) + w * ldF(w1, i * nh + u));
    stF(acm, ab + nout * nin + o, ldF(acm, ab + nout * nin + o) + w * ldF(b1, u));
  }
}

/** Row b's outputs Y = ylo + yspan relu(A xs + c + B2) and gradient G = yspan [ys > 0] A xinv from its (A, c). */
export function mlpAffineRow(sys: usize, b: i32): void {
  const nin = gI(sys, Q_NIN), nout = gI(sys, Q_NOUT), relu = gI(sys, Q_OUTRELU);
  const b2 = gP(sys, Q_B2), xlo = gP(sys, Q_XLO), xinv = gP(sys, Q_XINV), ylo = gP(sys, Q_YLO), yspan = gP(sys, Q_YSPAN);
  const X = gP(sys, Q_X), Y = gP(sys, Q_Y), G = gP(sys, Q_G), acm = gP(sys, Q_AC);
  const ab = b * nout * (nin + 1);
  for (let o = 0; o < nout; o++) {
    let ys = ldF(acm, ab + nout * nin + o);
    for (let i = 0; i < nin; i++) ys += ldF(acm, ab + o * nin + i) * ((ldF(X, b * nin + i) - ldF(xlo, i)) * ldF(xinv, i));
    ys += ldF(b2, o);
    const on = relu == 0 || ys > 0.0;
    if (relu != 0) ys = max<f64>(ys, 0.0);
    stF(Y, b * nout + o, ldF(ylo, o) + ys * ldF(yspan, o));
    for (let i = 0; i < nin; i++)
      stF(G, (b * nout + o) * nin + i, on ? ldF(yspan, o) * (ldF(acm, ab + o * nin + i) * ldF(xinv, i)) : 0.0);
  }
}
