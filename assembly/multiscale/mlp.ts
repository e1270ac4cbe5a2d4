// The surrogate's forward pass (layout.ts), scalar reference of mlp_simd.ts: the same operations in the same
// order (hidden units updated input by input; the output sums split into even and odd units, as the two
// f64x2 lanes accumulate them, then added), so the TS twin translated from this file and the wasm core agree
// bit for bit.
import { gI, gP, ldF, stF } from "../common/mem";
import {
  Q_NIN, Q_NH, Q_NOUT, Q_NB, Q_OUTRELU, Q_W1T, Q_B1, Q_W2, Q_B2, Q_XLO, Q_XINV, Q_YLO,
  Q_YSPAN, Q_X, Q_Y, Q_H, Q_G, Q_ACT, Q_MASK, Q_AC, Q_RST, Q_REFRESH, Q_Z, Q_XR,
} from "./layout";
import { mlpAffineRow, mlpFlipUnit } from "./rows";

/** Row b's hidden activations H = relu(W1 xs + B1) and outputs Y. */
@inline function forwardRow(sys: usize, b: i32): void {
  const nin = gI(sys, Q_NIN), nh = gI(sys, Q_NH), nout = gI(sys, Q_NOUT), relu = gI(sys, Q_OUTRELU);
  const w1 = gP(sys, Q_W1T), b1 = gP(sys, Q_B1), w2 = gP(sys, Q_W2), b2 = gP(sys, Q_B2);
  const xlo = gP(sys, Q_XLO), xinv = gP(sys, Q_XINV), ylo = gP(sys, Q_YLO), yspan = gP(sys, Q_YSPAN);
  const X = gP(sys, Q_X), Y = gP(sys, Q_Y), H = gP(sys, Q_H);
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
    const ys = ldF(b2, o) + (s0 + s1);
    stF(Y, b * nout + o, ldF(ylo, o) + (relu != 0 ? max<f64>(ys, 0.0) : ys) * ldF(yspan, o));
  }
}
/** Y = net(X) for the NB rows of X. */
export function mlpForward(sys: usize): void {
  const nb = gI(sys, Q_NB);
  for (let b = 0; b < nb; b++) forwardRow(sys, b);
}

/** Y = net(X) as mlpForward (the same values), and the input gradient G = dY/dX of every row: the ReLU net is
 *  piecewise linear, so within the active pattern dy_o/dx_i = yspan_o [ys_o > 0] xinv_i sum_j W2_oj [h_j > 0]
 *  W1_ji (the multiscale cell linearises the micro rates in the pore-wall flux and the state with it). */
export function mlpForwardGrad(sys: usize): void {
  const nin = gI(sys, Q_NIN), nh = gI(sys, Q_NH), nout = gI(sys, Q_NOUT), nb = gI(sys, Q_NB);
  const w1 = gP(sys, Q_W1T), w2 = gP(sys, Q_W2), xinv = gP(sys, Q_XINV), ylo = gP(sys, Q_YLO), yspan = gP(sys, Q_YSPAN);
  const H = gP(sys, Q_H), G = gP(sys, Q_G), Y = gP(sys, Q_Y), relu = gI(sys, Q_OUTRELU);
  for (let b = 0; b < nb; b++) {
    forwardRow(sys, b);
    for (let o = 0; o < nout; o++) {
      // past the output ReLU: above its floor (a ReLU output is ylo + yspan max(ys, 0))
      const on = relu == 0 || ldF(Y, b * nout + o) > ldF(ylo, o);
      for (let i = 0; i < nin; i++) {
        let g0 = 0.0, g1 = 0.0;
        for (let j = 0; j < nh; j += 2) {
          if (ldF(H, j) > 0.0) g0 += ldF(w2, o * nh + j) * ldF(w1, i * nh + j);
          if (ldF(H, j + 1) > 0.0) g1 += ldF(w2, o * nh + j + 1) * ldF(w1, i * nh + j + 1);
        }
        stF(G, (b * nout + o) * nin + i, on ? ldF(yspan, o) * ((g0 + g1) * ldF(xinv, i)) : 0.0);
      }
    }
  }
}

/** Y and G = dY/dX for the rows flagged in ACT, from each row's cached affine map (layout.ts Q_ACT..): the
 *  row's pre-activations move by the inputs that changed since its last call, units whose sign changed update
 *  (A, c) by a rank-one term each, and a row is rebuilt (pre-activations, pattern, A, c) when stale or after
 *  REFRESH calls. The same values as mlpForwardGrad up to
 *  the rounding of the different summation order. */
export function mlpForwardGradCached(sys: usize): void {
  const nin = gI(sys, Q_NIN), nh = gI(sys, Q_NH), nout = gI(sys, Q_NOUT), nb = gI(sys, Q_NB), relu = gI(sys, Q_OUTRELU);
  const w1 = gP(sys, Q_W1T), b1 = gP(sys, Q_B1), w2 = gP(sys, Q_W2), b2 = gP(sys, Q_B2);
  const xlo = gP(sys, Q_XLO), xinv = gP(sys, Q_XINV), ylo = gP(sys, Q_YLO), yspan = gP(sys, Q_YSPAN);
  const X = gP(sys, Q_X), Y = gP(sys, Q_Y), G = gP(sys, Q_G), Z = gP(sys, Q_Z);
  const act = gP(sys, Q_ACT), mask = gP(sys, Q_MASK), acm = gP(sys, Q_AC), rst = gP(sys, Q_RST);
  const refresh = gI(sys, Q_REFRESH), na = nout * (nin + 1), XR = gP(sys, Q_XR);
  for (let b = 0; b < nb; b++) {
    if (ldF(act, b) == 0.0) { stF(rst, 2 * b, 0.0); continue; }
    const mb = b * nh, ab = b * na;
    const rebuild = ldF(rst, 2 * b) == 0.0 || ldF(rst, 2 * b + 1) >= <f64>refresh;
    // pre-activations: afresh on a rebuild, else moved by the inputs that changed (a constant input, e.g. Gc, costs nothing)
    if (rebuild) for (let j = 0; j < nh; j++) stF(Z, mb + j, ldF(b1, j));
    for (let i = 0; i < nin; i++) {
      const xs = (ldF(X, b * nin + i) - ldF(xlo, i)) * ldF(xinv, i);
      const dx = rebuild ? xs : xs - ldF(XR, b * nin + i);
      stF(XR, b * nin + i, xs);
      if (dx == 0.0) continue;
      for (let j = 0; j < nh; j++) stF(Z, mb + j, ldF(Z, mb + j) + ldF(w1, i * nh + j) * dx);
    }
    if (rebuild) {
      // rebuild: the pattern, then A = W2 diag(M) W1 and c = W2 diag(M) B1 (even and odd units summed apart)
      for (let j = 0; j < nh; j++) stF(mask, mb + j, ldF(Z, mb + j) > 0.0 ? 1.0 : 0.0);
      for (let o = 0; o < nout; o++) {
        for (let i = 0; i <= nin; i++) {
          let s0 = 0.0, s1 = 0.0;
          for (let j = 0; j < nh; j += 2) {
            const v0 = i < nin ? ldF(w1, i * nh + j) : ldF(b1, j);
            const v1 = i < nin ? ldF(w1, i * nh + j + 1) : ldF(b1, j + 1);
            if (ldF(mask, mb + j) != 0.0) s0 += ldF(w2, o * nh + j) * v0;
            if (ldF(mask, mb + j + 1) != 0.0) s1 += ldF(w2, o * nh + j + 1) * v1;
          }
          stF(acm, ab + (i < nin ? o * nin + i : nout * nin + o), s0 + s1);
        }
      }
      stF(rst, 2 * b, 1.0);
      stF(rst, 2 * b + 1, 0.0);
    } else {
      for (let j = 0; j < nh; j++) {
        const m = ldF(Z, mb + j) > 0.0 ? 1.0 : 0.0;
        if (m == ldF(mask, mb + j)) continue;
        stF(mask, mb + j, m);
        mlpFlipUnit(sys, b, j, m != 0.0 ? 1.0 : -1.0);
      }
      stF(rst, 2 * b + 1, ldF(rst, 2 * b + 1) + 1.0);
    }
    mlpAffineRow(sys, b);
  }
}
