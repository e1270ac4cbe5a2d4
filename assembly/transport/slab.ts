// One slab of a volume cut along the transport axis into overlapping slabs, each in its own compute core
// (host/transport/slabs.ts runs the flexible CG over all of them). A slab holds the planes it owns plus up to
// `overlap` planes of each neighbour; its operator is the global one on those planes with electrode-like Dirichlet
// links of 2 sigma (the unit mask's diagonal) past its outermost planes, so its multigrid cycle is a symmetric
// positive definite solve on the extended slab, and the preconditioner is restricted additive Schwarz: each slab's
// correction is kept on the planes it owns, the overlap planes are overwritten by the owners' (host). Products on the
// owned planes are the global operator's (their neighbours are all held); the CG's sums run over the owned planes
// only (S_OWN0, S_OWN1). Unit fields (one phase, sigma 1) on the link mask, level 0 on the grid (no compact level,
// so the slab needs none of the conductance arrays).
import { sI, gI, gP, ldF, stF, ldI, stI, ldB } from "../common/mem";
import { S_XS, S_R, S_P, S_Q, S_MARK, S_LMASK, S_NBR, S_OWN0, S_OWN1, L_N0, L_N1, L_N2, L_N, L_KIND, K_MASK } from "./layout";
import { level, initialGuess, unitMask } from "./level";
import { applyAMask } from "./stencil";
import { cgDirection } from "./krylov";
import { cyclePre, cyclePost } from "./cycle";

/** Level 0's link mask of a unit field from the neighbour bits of its kept cells (mark 3), 0 elsewhere; K_MASK. */
export function tpSlabMask(sys: usize): void {
  const lv = level(sys, 0);
  const n0 = gI(lv, L_N0), s1 = gI(lv, L_N1) * gI(lv, L_N2);
  const nbr = gP(sys, S_NBR), mark = gP(sys, S_MARK), msk = gP(sys, S_LMASK);
  for (let i = 0; i < n0; i++) {
    for (let jk = 0; jk < s1; jk++) {
      const c = i * s1 + jk;
      stI(msk, c, ldB(mark, c) == 3 ? unitMask(ldI(nbr, c), i, n0) : 0);
    }
  }
  stI(msk, n0 * s1, 0);
  sI(lv, L_KIND, K_MASK);
}

/**
 * Start of a slab's solve (after tpSlabMask and the coarse levels): x = the global linear profile on the kept
 * cells (the slab's planes are i0 .. i0 + n0 - 1 of n0g), 0 elsewhere; q = 0; r = -A x with the slab's operator
 * (the host adds the inlet's right-hand side).
 */
export function tpSlabInit(sys: usize, i0: i32, n0g: i32): void {
  const lv = level(sys, 0);
  const n0 = gI(lv, L_N0), s1 = gI(lv, L_N1) * gI(lv, L_N2), n = gI(lv, L_N);
  const x = gP(sys, S_XS), r = gP(sys, S_R), msk = gP(sys, S_LMASK);
  for (let i = 0; i < n0; i++) {
    const v = initialGuess(i0 + i, n0g);
    for (let jk = 0; jk < s1; jk++) { const c = i * s1 + jk; stF(x, c, ldI(msk, c) != 0 ? v : 0.0); }
  }
  memory.fill(gP(sys, S_Q), 0, <usize>n << 3);
  memory.fill(r, 0, <usize>n << 3);
  applyAMask(sys, lv, x, r, r);
}

/** A flexible-CG direction step (krylov.ts): x += a p (not when first != 0), p = z + beta p, q = A p; returns p . q (p . r into S_PR). */
export function tpSlabDirection(sys: usize, first: i32, a: f64, beta: f64): f64 {
  return cgDirection(sys, first != 0, a, beta);
}

/** r -= a q on every cell; returns ||r||^2 over the owned planes. */
export function tpSlabAxpy(sys: usize, a: f64): f64 {
  const lv = level(sys, 0);
  const n0 = gI(lv, L_N0), s1 = gI(lv, L_N1) * gI(lv, L_N2);
  const o0 = gI(sys, S_OWN0), o1 = gI(sys, S_OWN1);
  const r = gP(sys, S_R), q = gP(sys, S_Q);
  let rr = 0.0;
  for (let i = 0; i < n0; i++) {
    const own = i >= o0 && i < o1;
    for (let c = i * s1; c < (i + 1) * s1; c++) { const v = ldF(r, c) - a * ldF(q, c); stF(r, c, v); rr += select<f64>(v * v, 0.0, own); }
  }
  return rr;
}

/** z = one multigrid cycle on r (from zero): r . z and z . q over the owned planes into S_RZ, S_ZQ. */
export function tpSlabPrecond(sys: usize): void {
  cyclePre(sys, 0, 0, 0.0);
  cyclePost(sys, 0, gP(sys, S_Q));
}

/** End of a solve: x += a p (the last step), then r = -A x (the host adds the right-hand side). */
export function tpSlabFinish(sys: usize, a: f64): void {
  const lv = level(sys, 0);
  const n = gI(lv, L_N);
  const x = gP(sys, S_XS), p = gP(sys, S_P), r = gP(sys, S_R);
  if (a != 0.0) for (let c = 0; c < n; c++) stF(x, c, ldF(x, c) + a * ldF(p, c));
  memory.fill(r, 0, <usize>n << 3);
  applyAMask(sys, lv, x, r, r);
}

/** Sum over the owned planes of u . v, u and v the arrays of header slots su and sv (S_XS, S_R, ...). */
export function tpSlabDot(sys: usize, su: i32, sv: i32): f64 {
  const s1 = gI(level(sys, 0), L_N1) * gI(level(sys, 0), L_N2);
  const u = gP(sys, su), v = gP(sys, sv);
  let s = 0.0;
  for (let c = gI(sys, S_OWN0) * s1; c < gI(sys, S_OWN1) * s1; c++) s += ldF(u, c) * ldF(v, c);
  return s;
}
