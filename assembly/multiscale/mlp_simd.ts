// SIMD form of mlp.ts (the wasm core runs this one): f64x2 lanes hold hidden units j and j+1, so the hidden
// layer is updated two units per instruction and the output sums accumulate the even and odd units in the
// two lanes; the same operations in the same order as the scalar reference (bit-identical results).
import { gI, gP, ldF, stF } from "../common/mem";
import {
  Q_NIN, Q_NH, Q_NOUT, Q_NB, Q_OUTRELU, Q_W1T, Q_B1, Q_W2, Q_B2, Q_XLO, Q_XINV, Q_YLO,
  Q_YSPAN, Q_X, Q_Y, Q_H, Q_G, Q_ACT, Q_MASK, Q_AC, Q_RST, Q_REFRESH, Q_Z, Q_XR,
} from "./layout";
import { mlpAffineRow, mlpFlipUnit } from "./rows";

@inline function ld2(p: usize, i: i32): v128 { return v128.load(p + (<usize>i << 3)); }
@inline function st2(p: usize, i: i32, v: v128): void { v128.store(p + (<usize>i << 3), v); }

/** Row b's hidden activations H = relu(W1 xs + B1) (two units per instruction) and outputs Y. */
@inline function forwardRow(sys: usize, b: i32): void {
  const nin = gI(sys, Q_NIN), nh = gI(sys, Q_NH), nout = gI(sys, Q_NOUT), relu = gI(sys, Q_OUTRELU);
  const w1 = gP(sys, Q_W1T), b1 = gP(sys, Q_B1), w2 = gP(sys, Q_W2), b2 = gP(sys, Q_B2);
  const xlo = gP(sys, Q_XLO), xinv = gP(sys, Q_XINV), ylo = gP(sys, Q_YLO), yspan = gP(sys, Q_YSPAN);
  const X = gP(sys, Q_X), Y = gP(sys, Q_Y), H = gP(sys, Q_H);
  const zero = f64x2.splat(0.0);
  for (let j = 0; j < nh; j += 2) st2(H, j, ld2(b1, j));
  for (let i = 0; i < nin; i++) {
    const xs = f64x2.splat((ldF(X, b * nin + i) - ldF(xlo, i)) * ldF(xinv, i));
    for (let j = 0; j < nh; j += 2) st2(H, j, f64x2.add(ld2(H, j), f64x2.mul(ld2(w1, i * nh + j), xs)));
  }
  for (let j = 0; j < nh; j += 2) st2(H, j, f64x2.max(ld2(H, j), zero));
  for (let o = 0; o < nout; o++) {
    let s = zero;
    for (let j = 0; j < nh; j += 2) s = f64x2.add(s, f64x2.mul(ld2(w2, o * nh + j), ld2(H, j)));
    const ys = ldF(b2, o) + (f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1));
    stF(Y, b * nout + o, ldF(ylo, o) + (relu != 0 ? max<f64>(ys, 0.0) : ys) * ldF(yspan, o));
  }
}
/** Y = net(X) for the NB rows of X. */
export function mlpForward(sys: usize): void {
  const nb = gI(sys, Q_NB);
  for (let b = 0; b < nb; b++) forwardRow(sys, b);
}

/** Y and the input gradient G = dY/dX of every row (mlp.ts mlpForwardGrad; the masked sums of a unit pair in
 *  the two lanes: a unit whose activation is 0 adds an exact +0, as the scalar form's skipped term). */
export function mlpForwardGrad(sys: usize): void {
  const nin = gI(sys, Q_NIN), nh = gI(sys, Q_NH), nout = gI(sys, Q_NOUT), nb = gI(sys, Q_NB);
  const w1 = gP(sys, Q_W1T), w2 = gP(sys, Q_W2), xinv = gP(sys, Q_XINV), ylo = gP(sys, Q_YLO), yspan = gP(sys, Q_YSPAN);
  const H = gP(sys, Q_H), G = gP(sys, Q_G), Y = gP(sys, Q_Y), relu = gI(sys, Q_OUTRELU);
  const zero = f64x2.splat(0.0);
  for (let b = 0; b < nb; b++) {
    forwardRow(sys, b);
    for (let o = 0; o < nout; o++) {
      // past the output ReLU: above its floor (a ReLU output is ylo + yspan max(ys, 0))
      const on = relu == 0 || ldF(Y, b * nout + o) > ldF(ylo, o);
      for (let i = 0; i < nin; i++) {
        let g = zero;
        for (let j = 0; j < nh; j += 2) {
          const m = f64x2.gt(ld2(H, j), zero);
          g = f64x2.add(g, v128.and(f64x2.mul(ld2(w2, o * nh + j), ld2(w1, i * nh + j)), m));
        }
        stF(G, (b * nout + o) * nin + i, on ? ldF(yspan, o) * ((f64x2.extract_lane(g, 0) + f64x2.extract_lane(g, 1)) * ldF(xinv, i)) : 0.0);
      }
    }
  }
}

/** mlp.ts mlpForwardGradCached with the pre-activations two units per instruction and the flips found a lane
 *  pair at a time (the rank-one updates and the rebuild in the scalar order: bit-identical to the twin). */
export function mlpForwardGradCached(sys: usize): void {
  const nin = gI(sys, Q_NIN), nh = gI(sys, Q_NH), nout = gI(sys, Q_NOUT), nb = gI(sys, Q_NB), relu = gI(sys, Q_OUTRELU);
  const w1 = gP(sys, Q_W1T), b1 = gP(sys, Q_B1), w2 = gP(sys, Q_W2), b2 = gP(sys, Q_B2);
  const xlo = gP(sys, Q_XLO), xinv = gP(sys, Q_XINV), ylo = gP(sys, Q_YLO), yspan = gP(sys, Q_YSPAN);
  const X = gP(sys, Q_X), Y = gP(sys, Q_Y), G = gP(sys, Q_G), Z = gP(sys, Q_Z);
  const act = gP(sys, Q_ACT), mask = gP(sys, Q_MASK), acm = gP(sys, Q_AC), rst = gP(sys, Q_RST);
  const refresh = gI(sys, Q_REFRESH), na = nout * (nin + 1), XR = gP(sys, Q_XR);
  const zero = f64x2.splat(0.0), one = f64x2.splat(1.0);
  for (let b = 0; b < nb; b++) {
    if (ldF(act, b) == 0.0) { stF(rst, 2 * b, 0.0); continue; }
    const mb = b * nh, ab = b * na;
    const mp = mask + (<usize>mb << 3), zp = Z + (<usize>mb << 3);
    const rebuild = ldF(rst, 2 * b) == 0.0 || ldF(rst, 2 * b + 1) >= <f64>refresh;
    if (rebuild) for (let j = 0; j < nh; j += 2) st2(zp, j, ld2(b1, j));
    for (let i = 0; i < nin; i++) {
      const xs = (ldF(X, b * nin + i) - ldF(xlo, i)) * ldF(xinv, i);
      const dx = rebuild ? xs : xs - ldF(XR, b * nin + i);
      stF(XR, b * nin + i, xs);
      if (dx == 0.0) continue;
      const dv = f64x2.splat(dx);
      for (let j = 0; j < nh; j += 2) st2(zp, j, f64x2.add(ld2(zp, j), f64x2.mul(ld2(w1, i * nh + j), dv)));
    }
    if (rebuild) {
      for (let j = 0; j < nh; j += 2) st2(mp, j, v128.and(f64x2.gt(ld2(zp, j), zero), one));
      for (let o = 0; o < nout; o++) {
        for (let i = 0; i <= nin; i++) {
          const src = i < nin ? w1 + (<usize>(i * nh) << 3) : b1;
          let s = zero;
          for (let j = 0; j < nh; j += 2)
            s = f64x2.add(s, v128.and(f64x2.mul(ld2(w2, o * nh + j), ld2(src, j)), f64x2.ne(ld2(mp, j), zero)));
          stF(acm, ab + (i < nin ? o * nin + i : nout * nin + o), f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1));
        }
      }
      stF(rst, 2 * b, 1.0);
      stF(rst, 2 * b + 1, 0.0);
    } else {
      for (let j = 0; j < nh; j += 2) {
        const mn = v128.and(f64x2.gt(ld2(zp, j), zero), one);
        if (!v128.any_true(v128.xor(mn, ld2(mp, j)))) continue;
        for (let u = j; u < j + 2; u++) {
          const m = ldF(Z, mb + u) > 0.0 ? 1.0 : 0.0;
          if (m == ldF(mask, mb + u)) continue;
          stF(mask, mb + u, m);
          mlpFlipUnit(sys, b, u, m != 0.0 ? 1.0 : -1.0);
        }
      }
      stF(rst, 2 * b + 1, ldF(rst, 2 * b + 1) + 1.0);
    }
    mlpAffineRow(sys, b);
  }
}
