// The multigrid preconditioner: one V- or K-cycle of aggregation multigrid from a zero initial guess,
// split in two halves (cyclePre: pre-smoothing, residual, restriction; cyclePost: coarse correction,
// prolongation, post-smoothing) so the CG loop (krylov.ts) can fold its own vector updates into them.
//
// Fused passes over a structured or compact level (level 0 of every solve). A cycle on level 0 would make
// seven passes over the grid (zero fill, pre-smoothing, residual, restriction, prolongation,
// post-smoothing, and the CG's updates and dot products). Here each plane is handed from one operation to
// the next while it is in cache: the pre-smoothing pass zeroes the planes ahead of it and computes the
// residual and its restriction behind it, the post-smoothing pass prolongs ahead of it and forms the CG dot
// products behind it. Each cell sees the operations of the separate loops in the same order (the colours
// of a red-black sweep do not depend on their own colour), so only the summation order of the post-pass
// dot products differs from separate loops.
import { gI, gF, sF, gP, ldF, stF } from "../common/mem";
import {
  S_NLEV, S_NSMOOTH, S_NCOARSE, S_ALPHA, S_CYCLE, S_CRW, S_RR, S_RZ, S_ZQ, S_KD1, S_KD2, S_OWN0, S_OWN1, L_N0, L_N1, L_N2, L_N,
  L_X, L_B, L_RW, L_C1, L_V1, L_NRED, L_DENSE, L_DIAG, L_ECOL, L_EVAL, L_ORP, L_OCOL, L_OVAL, L_KIND, K_COMPACT,
} from "./layout";
import { level, isSparse, properColours, planeLo, SWEEP_FORWARD, SWEEP_REVERSE, FROM_ZERO, A_RESIDUAL } from "./level";
import { smoothPlane, residualPlane, gsSweep, residual, matvec } from "./smooth";
import { gsPlaneZeroC } from "./compact";
import { gsCSR, applyACSRRange, ellRowSum } from "./sparse";
import { restrictSum, prolongAdd, restrictPlane, prolongPlane } from "./transfer";
import { denseSolve } from "./dense";

// What a fused pass does besides its sweep (bit flags of fwdPass / bwdPass):
const PASS_FROM_ZERO = 1; //   fwdPass: x = 0 first (each plane zeroed before a neighbour reads it)
const PASS_SMOOTH = 2; //      one red-black sweep (forward in fwdPass, reverse in bwdPass)
const PASS_RESTRICT = 4; //    fwdPass: r = b - A x into L_RW and its restriction to level l+1
const PASS_PROLONG = 8; //     bwdPass: x += alpha * (level l+1's correction) first

/** x = 0 on cells/nodes [lo, hi). */
@inline function zeroRange(x: usize, lo: i32, hi: i32): void { memory.fill(x + (<usize>lo << 3), 0, <usize>(hi - lo) << 3); }

/** b -= a q on cells/nodes [lo, hi); returns acc + the sum of the new b^2 (in order). */
@inline function axpyRange(b: usize, q: usize, a: f64, lo: i32, hi: i32, acc: f64): f64 {
  for (let c = lo; c < hi; c++) { const v = ldF(b, c) - a * ldF(q, c); stF(b, c, v); acc += v * v; }
  return acc;
}

/**
 * One forward pass over a structured or compact level l (flags PASS_*): q != 0: b -= a q plane by plane
 * first (returns ||b||^2); PASS_FROM_ZERO: the zero initial guess; PASS_SMOOTH: a forward red-black sweep;
 * PASS_RESTRICT: r = b - A x and its restriction to level l+1, each plane once all its neighbours are final
 * (black: one plane behind the sweep, red: two).
 */
function fwdPass(sys: usize, l: i32, q: usize, a: f64, what: i32): f64 {
  const lv = level(sys, l), cl = level(sys, l + 1);
  const n0 = gI(lv, L_N0), s1 = gI(lv, L_N1) * gI(lv, L_N2);
  const fromZero = (what & PASS_FROM_ZERO) != 0, smooth = (what & PASS_SMOOTH) != 0, resid = (what & PASS_RESTRICT) != 0;
  const kind = gI(lv, L_KIND), cmp = kind == K_COMPACT;
  const x = gP(lv, L_X), b = gP(lv, L_B), r = cmp ? gP(sys, S_CRW) : gP(lv, L_RW);
  const proper = properColours(lv);
  // black cells: the residual is formed with the update (their red neighbours are final)
  const rb: usize = resid && proper ? r : 0;
  if (resid) memory.fill(gP(cl, L_B), 0, <usize>gI(cl, L_N) << 3);
  let rr = 0.0;
  // the compact level writes every node in the sweep and its first (red) updates from a zero guess read no
  // neighbour, so x needs no zeroing there; the grid keeps cells outside the network at 0
  const zg = fromZero && cmp && smooth && proper;
  const zfill = fromZero && !zg;
  if (zfill) zeroRange(x, 0, planeLo(sys, lv, cmp, 1, s1));
  for (let i = 0; i < n0; i++) {
    if (q != 0) rr = axpyRange(b, q, a, planeLo(sys, lv, cmp, i, s1), planeLo(sys, lv, cmp, i + 1, s1), rr);
    if (zfill && i + 1 < n0) zeroRange(x, planeLo(sys, lv, cmp, i + 1, s1), planeLo(sys, lv, cmp, i + 2, s1));
    if (smooth) {
      if (zg) gsPlaneZeroC(sys, lv, x, b, 0, i, 0);
      else smoothPlane(sys, lv, kind, x, b, 0, i, 0, 1.0);
      if (i > 0) smoothPlane(sys, lv, kind, x, b, rb, i - 1, 1, 1.0);
    }
    if (resid && i > 0 && rb == 0) residualPlane(sys, lv, kind, x, b, r, i - 1, 1);
    if (resid && i > 1) { residualPlane(sys, lv, kind, x, b, r, i - 2, 0); restrictPlane(sys, lv, cl, i - 2); }
  }
  if (smooth) smoothPlane(sys, lv, kind, x, b, rb, n0 - 1, 1, 1.0);
  if (resid && rb == 0) residualPlane(sys, lv, kind, x, b, r, n0 - 1, 1);
  if (resid) {
    for (let i = n0 > 1 ? n0 - 2 : 0; i < n0; i++) { residualPlane(sys, lv, kind, x, b, r, i, 0); restrictPlane(sys, lv, cl, i); }
  }
  return rr;
}

/**
 * One reverse pass over a structured or compact level l (flags PASS_*): PASS_PROLONG: x += alpha * (level
 * l+1's correction) first, each plane before a neighbour reads it; PASS_SMOOTH: a reverse red-black sweep;
 * dq != 0: r . x and x . dq (r = L_B) into S_RZ, S_ZQ, each plane once final (planes descending, cells ascending).
 */
function bwdPass(sys: usize, l: i32, alpha: f64, what: i32, dq: usize): void {
  const lv = level(sys, l), cl = level(sys, l + 1);
  const n0 = gI(lv, L_N0), s1 = gI(lv, L_N1) * gI(lv, L_N2);
  const prolong = (what & PASS_PROLONG) != 0, smooth = (what & PASS_SMOOTH) != 0;
  const kind = gI(lv, L_KIND), cmp = kind == K_COMPACT;
  const x = gP(lv, L_X), b = gP(lv, L_B);
  // the dot products over the owned planes (layout.ts S_OWN0: all of them but in a slab)
  const o0 = gI(sys, S_OWN0), o1 = gI(sys, S_OWN1);
  let rz = 0.0, zq = 0.0;
  if (prolong) prolongPlane(sys, lv, cl, n0 - 1, alpha);
  for (let i = n0 - 1; i >= 0; i--) {
    if (prolong && i > 0) prolongPlane(sys, lv, cl, i - 1, alpha);
    if (smooth) {
      smoothPlane(sys, lv, kind, x, b, 0, i, 1, 1.0);
      if (i < n0 - 1) smoothPlane(sys, lv, kind, x, b, 0, i + 1, 0, 1.0);
    }
    if (dq != 0 && i < n0 - 1 && i + 1 >= o0 && i + 1 < o1) {
      const c1 = planeLo(sys, lv, cmp, i + 2, s1);
      for (let c = planeLo(sys, lv, cmp, i + 1, s1); c < c1; c++) { const zc = ldF(x, c); rz += ldF(b, c) * zc; zq += zc * ldF(dq, c); }
    }
  }
  if (smooth) smoothPlane(sys, lv, kind, x, b, 0, 0, 0, 1.0);
  if (dq != 0) {
    const c1 = o0 == 0 && o1 > 0 ? planeLo(sys, lv, cmp, 1, s1) : 0;
    for (let c = 0; c < c1; c++) { const zc = ldF(x, c); rz += ldF(b, c) * zc; zq += zc * ldF(dq, c); }
    sF(sys, S_RZ, rz);
    sF(sys, S_ZQ, zq);
  }
}

/**
 * First half of a multigrid cycle on level l, zero initial guess: pre-smoothing, residual, restriction
 * (q != 0, level 0 in CG: b -= a q first, ||b||^2 into S_RR). On the coarsest level: the whole coarse solve.
 */
export function cyclePre(sys: usize, l: i32, q: usize, a: f64): void {
  const nlev = gI(sys, S_NLEV), nsm = gI(sys, S_NSMOOTH);
  const lv = level(sys, l);
  const x = gP(lv, L_X), b = gP(lv, L_B);
  const n = gI(lv, L_N);
  if (l == nlev - 1) {
    if (q != 0) sF(sys, S_RR, axpyRange(b, q, a, 0, n, 0.0));
    if (isSparse(lv) && gP(lv, L_DENSE) != 0) { denseSolve(lv, x, b); return; }
    memory.fill(x, 0, <usize>n << 3);
    const nc = gI(sys, S_NCOARSE);
    for (let s = 0; s < nc; s++) gsSweep(sys, lv, x, b, SWEEP_FORWARD, 1.0);
    for (let s = 0; s < nc; s++) gsSweep(sys, lv, x, b, SWEEP_REVERSE, 1.0);
    return;
  }
  if (isSparse(lv)) {
    const rw = gP(lv, L_RW);
    // the first forward sweep from x = 0 writes every node (no zero fill); the last forms the colour-1
    // residuals with their updates; then colour 0's
    const proper = properColours(lv);
    if (!proper || nsm == 0) memory.fill(x, 0, <usize>n << 3);
    if (nsm > 1) {
      gsCSR(lv, x, b, proper ? FROM_ZERO : SWEEP_FORWARD, 0);
      for (let s = 2; s < nsm; s++) gsSweep(sys, lv, x, b, SWEEP_FORWARD, 1.0);
    }
    if (nsm > 0 && proper) {
      gsCSR(lv, x, b, nsm == 1 ? FROM_ZERO : SWEEP_FORWARD, rw);
      applyACSRRange(lv, x, b, rw, A_RESIDUAL, 0, gI(lv, L_NRED));
    } else {
      if (nsm > 0) gsCSR(lv, x, b, SWEEP_FORWARD, 0);
      residual(sys, lv, x, b, rw);
    }
    restrictSum(lv, level(sys, l + 1));
    return;
  }
  let rr = 0.0;
  if (nsm <= 1) rr = fwdPass(sys, l, q, a, PASS_FROM_ZERO | (nsm > 0 ? PASS_SMOOTH : 0) | PASS_RESTRICT);
  else {
    rr = fwdPass(sys, l, q, a, PASS_FROM_ZERO | PASS_SMOOTH);
    for (let s = 2; s < nsm; s++) gsSweep(sys, lv, x, b, SWEEP_FORWARD, 1.0);
    fwdPass(sys, l, 0, 0.0, PASS_SMOOTH | PASS_RESTRICT);
  }
  if (q != 0) sF(sys, S_RR, rr);
}

/**
 * Second half of the cycle begun by cyclePre: coarse correction (V-cycle: one cycle on level l+1 scaled
 * by S_ALPHA, since unsmoothed aggregation under-corrects; K-cycle, Notay & Vassilevski 2008: two steps
 * of flexible CG on level l+1 preconditioned by the cycle one level down, which makes the convergence
 * rate independent of the number of levels), prolongation, post-smoothing; dq != 0 (level 0 in CG):
 * r . z and z . dq into S_RZ, S_ZQ.
 */
export function cyclePost(sys: usize, l: i32, dq: usize): void {
  const nlev = gI(sys, S_NLEV), nsm = gI(sys, S_NSMOOTH), kc = gI(sys, S_CYCLE) != 0;
  const lv = level(sys, l);
  const x = gP(lv, L_X), b = gP(lv, L_B);
  if (l == nlev - 1) {
    if (dq != 0) {
      const n = gI(lv, L_N);
      let rz = 0.0, zq = 0.0;
      for (let c = 0; c < n; c++) { const zc = ldF(x, c); rz += ldF(b, c) * zc; zq += zc * ldF(dq, c); }
      sF(sys, S_RZ, rz); sF(sys, S_ZQ, zq);
    }
    return;
  }
  const cl = level(sys, l + 1);
  let alpha = 1.0;
  if (kc && l + 1 < nlev - 1) coarseFCG(sys, l + 1);
  else { mgCycle(sys, l + 1); if (!kc) alpha = gF(sys, S_ALPHA); }
  if (isSparse(lv)) {
    prolongAdd(lv, cl, alpha);
    for (let s = 0; s < nsm; s++) gsSweep(sys, lv, x, b, SWEEP_REVERSE, 1.0);
    return;
  }
  if (nsm <= 1) bwdPass(sys, l, alpha, PASS_PROLONG | (nsm > 0 ? PASS_SMOOTH : 0), dq);
  else {
    bwdPass(sys, l, alpha, PASS_PROLONG | PASS_SMOOTH, 0);
    for (let s = 2; s < nsm; s++) gsSweep(sys, lv, x, b, SWEEP_REVERSE, 1.0);
    bwdPass(sys, l, 0.0, PASS_SMOOTH, dq);
  }
}

/** One multigrid cycle from level l with zero initial guess: L_X ~= A^-1 L_B. */
function mgCycle(sys: usize, l: i32): void {
  cyclePre(sys, l, 0, 0.0);
  cyclePost(sys, l, 0);
}

/** K-cycle coarse solve on level m: two flexible-CG steps on A_m x = L_B (overwritten), result in L_X. */
function coarseFCG(sys: usize, m: i32): void {
  const lv = level(sys, m);
  const n = gI(lv, L_N);
  const x = gP(lv, L_X), b = gP(lv, L_B), c1 = gP(lv, L_C1), v1 = gP(lv, L_V1), w = gP(lv, L_RW);
  mgCycle(sys, m);
  // c1 = x, v1 = A c1, rho1 = c1 . v1, alpha1 = c1 . b
  const rho1 = cycleProduct(sys, lv, v1, c1, 0);
  if (!(rho1 > 0.0)) return; // c1 = 0: nothing to correct on this level
  const alpha1 = gF(sys, S_KD1);
  const t = alpha1 / rho1;
  let rc = 0.0, rt = 0.0;
  for (let c = 0; c < n; c++) {
    const bo = ldF(b, c), bn = bo - t * ldF(v1, c);
    rc += bo * bo; rt += bn * bn;
    stF(b, c, bn);
  }
  // one step reduced the coarse residual enough (||r~|| <= 0.25 ||r||): stop there
  if (rt <= 0.0625 * rc) { for (let c = 0; c < n; c++) stF(x, c, t * ldF(c1, c)); return; }
  mgCycle(sys, m);
  // w = A x, beta = x . w, gamma = x . v1, alpha2 = x . b
  const beta = cycleProduct(sys, lv, w, 0, v1);
  const gamma = gF(sys, S_KD2), alpha2 = gF(sys, S_KD1);
  const rho2 = beta - (gamma * gamma) / rho1;
  if (!(rho2 > 0.0)) { for (let c = 0; c < n; c++) stF(x, c, t * ldF(c1, c)); return; }
  const f1 = t - (gamma * alpha2) / (rho1 * rho2), f2 = alpha2 / rho2;
  for (let c = 0; c < n; c++) stF(x, c, f1 * ldF(c1, c) + f2 * ldF(x, c));
}

/**
 * After a cycle on level lv (L_X ~= A^-1 L_B): q = A x, returns x . q; also x . b into S_KD1, x . v into S_KD2
 * (v != 0) and copies x to cp (cp != 0), in one pass. On a sparse level the cycle's last sweep updated the
 * colour-0 nodes last, so their rows of A x equal b up to rounding: only the colour-1 rows are formed.
 */
function cycleProduct(sys: usize, lv: usize, q: usize, cp: usize, v: usize): f64 {
  const n = gI(lv, L_N);
  const x = gP(lv, L_X), b = gP(lv, L_B);
  let xq = 0.0, xb = 0.0, xv = 0.0;
  if (!isSparse(lv)) {
    xq = matvec(sys, lv, x, q);
    for (let c = 0; c < n; c++) {
      const xc = ldF(x, c);
      xb += xc * ldF(b, c);
      if (v != 0) xv += xc * ldF(v, c);
      if (cp != 0) stF(cp, c, xc);
    }
  } else {
    // rows formed from a.. (without a proper colouring: all)
    const lo = properColours(lv) ? gI(lv, L_NRED) : 0;
    const ec = gP(lv, L_ECOL), ev = gP(lv, L_EVAL), orp = gP(lv, L_ORP), oc = gP(lv, L_OCOL), ov = gP(lv, L_OVAL), dg = gP(lv, L_DIAG);
    for (let a = 0; a < n; a++) {
      const xc = ldF(x, a), bc = ldF(b, a);
      let qa = bc;
      if (a >= lo) qa = ldF(dg, a) * xc - ellRowSum(ec, ev, orp, oc, ov, x, a);
      stF(q, a, qa);
      xq += xc * qa; xb += xc * bc;
      if (v != 0) xv += xc * ldF(v, a);
      if (cp != 0) stF(cp, a, xc);
    }
  }
  sF(sys, S_KD1, xb);
  sF(sys, S_KD2, xv);
  return xq;
}
