// The surrogate's forward pass (layout.ts), scalar reference of mlp_simd.ts: the same operations in the same
// order (hidden units updated input by input; the output sums split into even and odd units, as the two
// f64x2 lanes accumulate them, then added), so the TS twin translated from this file and the wasm core agree
// bit for bit.
import { gI, gP, ldF, stF } from "../common/mem";
import { Q_NIN, Q_NH, Q_NOUT, Q_NB, Q_OUTRELU, Q_W1T, Q_B1, Q_W2, Q_B2, Q_XLO, Q_XINV, Q_YLO, Q_YSPAN, Q_X, Q_Y, Q_H } from "./layout";

/** Y = net(X) for the NB rows of X. */
export function mlpForward(sys: usize): void {
  const nin = gI(sys, Q_NIN), nh = gI(sys, Q_NH), nout = gI(sys, Q_NOUT), nb = gI(sys, Q_NB), relu = gI(sys, Q_OUTRELU);
  const w1 = gP(sys, Q_W1T), b1 = gP(sys, Q_B1), w2 = gP(sys, Q_W2), b2 = gP(sys, Q_B2);
  const xlo = gP(sys, Q_XLO), xinv = gP(sys, Q_XINV), ylo = gP(sys, Q_YLO), yspan = gP(sys, Q_YSPAN);
  const X = gP(sys, Q_X), Y = gP(sys, Q_Y), H = gP(sys, Q_H);
  for (let b = 0; b < nb; b++) {
    for (let j = 0; j < nh; j++) stF(H, j, ldF(b1, j));
    for (let i = 0; i < nin; i++) {
      const xs = (ldF(X, b * nin + i) - ldF(xlo, i)) * ldF(xinv, i);
      for (let j = 0; j < nh; j++) stF(H, j, ldF(H, j) + ldF(w1, i * nh + j) * xs);
    }
    for (let j = 0; j < nh; j++) stF(H, j, max<f64>(ldF(H, j), 0.0));
    for (let o = 0; o < nout; o++) {
      let s0 = 0.0, s1 = 0.0;
      for (let j = 0; j < nh; j += 2) {
        s0 += ldF(w2, o * nh + j) * ldF(H, j);
        s1 += ldF(w2, o * nh + j + 1) * ldF(H, j + 1);
      }
      let ys = ldF(b2, o) + (s0 + s1);
      if (relu != 0) ys = max<f64>(ys, 0.0);
      stF(Y, b * nout + o, ldF(ylo, o) + ys * ldF(yspan, o));
    }
  }
}
