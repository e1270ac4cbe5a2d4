// Flexible conjugate gradients preconditioned by one multigrid cycle (cycle.ts) on level 0. The CG's
// vector updates ride in the cycle's level-0 passes: r -= a q in the pre-smoothing pass, r . z and z . q in
// the post-smoothing pass, x += a p in the next direction's pass (cgDirection), so an iteration reads level
// 0 in three passes instead of eight. Level 0 runs compact (compact.ts) where it can.
import { sI, gI, gF, sF, gP, ldF, stF } from "../common/mem";
import {
  S_NLEV, S_XS, S_R, S_P, S_Q, S_Z, S_RTOL, S_MAXIT, S_ITERS, S_RES, S_BNORM, S_STATUS, S_COMPACT, S_NC, S_CX, S_CB, S_PR, S_RR,
  S_RZ, S_ZQ, S_TAUTOL, S_POWER, S_PERR, S_OWN0, S_OWN1, L_N0, L_N1, L_N2, L_N, L_BPROB, L_KIND, K_COMPACT,
  TST_OK, TST_NOT_CONVERGED, TST_BREAKDOWN, TST_NO_PATH,
} from "./layout";
import { level, isSparse, isMasked, isCompact, planeLo, norm2 } from "./level";
import { residual } from "./smooth";
import { mvPlane } from "./stencil";
import { compactBuild, compactScatter, mvPlaneC } from "./compact";
import { cyclePre, cyclePost } from "./cycle";

/**
 * CG step on level 0 in one pass: x += a p (the previous iteration's step; skipped on the first), p = z +
 * beta p (first: p = z), and q = A p one plane behind p. p . r into S_PR; returns p . q.
 */
export function cgDirection(sys: usize, first: bool, a: f64, beta: f64): f64 {
  const lv = level(sys, 0);
  const n0 = gI(lv, L_N0), s1 = gI(lv, L_N1) * gI(lv, L_N2);
  const cmp = isCompact(lv);
  const x = gP(sys, cmp ? S_CX : S_XS), r = gP(sys, S_R), p = gP(sys, S_P), q = gP(sys, S_Q), z = gP(sys, S_Z);
  const o0 = gI(sys, S_OWN0), o1 = gI(sys, S_OWN1);
  let pr = 0.0, pq = 0.0;
  for (let i = 0; i < n0; i++) {
    const c0 = planeLo(sys, lv, cmp, i, s1), c1 = planeLo(sys, lv, cmp, i + 1, s1);
    // (a plane outside [o0, o1) adds 0: the same sums in the same order where every plane is owned)
    const own = i >= o0 && i < o1;
    if (first) {
      for (let c = c0; c < c1; c++) { const pc = ldF(z, c); stF(p, c, pc); pr += select<f64>(pc * ldF(r, c), 0.0, own); }
    } else {
      for (let c = c0; c < c1; c++) {
        const po = ldF(p, c);
        stF(x, c, ldF(x, c) + a * po);
        const pc = ldF(z, c) + beta * po;
        stF(p, c, pc);
        pr += select<f64>(pc * ldF(r, c), 0.0, own);
      }
    }
    if (i > 0) pq = qPlane(sys, lv, cmp, p, q, i - 1, pq, i - 1 >= o0 && i - 1 < o1);
  }
  pq = qPlane(sys, lv, cmp, p, q, n0 - 1, pq, n0 - 1 >= o0 && n0 - 1 < o1);
  sF(sys, S_PR, pr);
  return pq;
}

/** q = A p on plane i; returns acc + p . q there when the plane is owned, acc otherwise. */
@inline function qPlane(sys: usize, lv: usize, cmp: bool, p: usize, q: usize, i: i32, acc: f64, own: bool): f64 {
  const t = cmp ? mvPlaneC(sys, lv, p, q, i, own ? acc : 0.0) : mvPlane(sys, lv, p, q, i, own ? acc : 0.0);
  return own ? t : acc;
}

/** P(x) = sum of the link dissipation g dphi^2 with the electrodes at 1 and 0 = G_in - b . x - r . x (b = the inlet
 * conductances, so G_in = sum b; r = b - A x): the current at a unit drop when x is exact, above it by ||x - x*||_A^2. */
function power(b: usize, x: usize, r: usize, n: i32): f64 {
  let g = 0.0, bx = 0.0, rx = 0.0;
  for (let c = 0; c < n; c++) { const bc = ldF(b, c), xc = ldF(x, c); g += bc; bx += bc * xc; rx += ldF(r, c) * xc; }
  return g - bx - rx;
}

// The tau rule: the estimated remaining error, SAFETY x the geometric tail of the energy decrements over the
// largest of the last three decrement ratios, must be <= S_TAUTOL x P; not before MIN_IT iterations (so there
// are three ratios to look at). With S_TAUTOL > 0 the host sets S_RTOL to a floor where x is exact to round-off.
const SAFETY: f64 = 10.0;
const MIN_IT = 4;

/**
 * Multigrid-preconditioned flexible conjugate gradients (Polak-Ribiere beta: the K-cycle is not a fixed
 * linear operator; Notay 2000) from the current S_XS. Stops when ||b - A x|| / ||b|| <= S_RTOL, or with
 * S_TAUTOL > 0 on the answer itself (the tau rule): each CG step lowers the dissipated power P(x) by exactly
 * d = (p . r)^2 / (p . A p) (the line-search identity, whatever the preconditioner), and P(x_k) - I =
 * sum_{j >= k} d_j (Hestenes-Stiefel; Strakos & Tichy 2002), so tau = eps / D_eff, which is proportional to 1 / I, is
 * known to the relative error sum_{j >= k} d_j / P: estimated as the tail of a geometric series over the
 * largest recent ratio d_j / d_{j-1}, times a safety factor (TauFactor stops on the change of tau instead).
 * The host reports tau from S_POWER, which is second order in the error of x (the face currents are first order).
 */
export function tpSolvePCG(sys: usize): i32 {
  const lv = level(sys, 0);
  // compact level 0 (see compactBuild) when allowed, on the link mask, above component aggregates
  sI(sys, S_NC, 0);
  const cmp = gI(sys, S_COMPACT) != 0 && isMasked(lv) && gI(sys, S_NLEV) > 1 && isSparse(level(sys, 1));
  if (cmp) { sI(sys, S_NC, compactBuild(sys)); sI(lv, L_KIND, K_COMPACT); }
  const n = cmp ? gI(sys, S_NC) : gI(lv, L_N);
  const x = cmp ? gP(sys, S_CX) : gP(sys, S_XS), b = cmp ? gP(sys, S_CB) : gP(lv, L_BPROB);
  const r = gP(sys, S_R), p = gP(sys, S_P), q = gP(sys, S_Q);
  // the zero slot (node n) that absent links of the compact level read
  if (cmp) { stF(x, n, 0.0); stF(p, n, 0.0); stF(gP(sys, S_Z), n, 0.0); }
  const rtol = gF(sys, S_RTOL), maxit = gI(sys, S_MAXIT);
  // (the cycle reads level 0's L_B and writes its L_X: the host pointed them at r and z)
  const bn = sqrt<f64>(norm2(b, n));
  sF(sys, S_BNORM, bn);
  if (bn == 0.0) {
    if (cmp) compactScatter(sys);
    sI(sys, S_ITERS, 0); sF(sys, S_RES, 0.0); sI(sys, S_STATUS, TST_NO_PATH);
    return TST_NO_PATH;
  }
  let res = sqrt<f64>(residual(sys, lv, x, b, r)) / bn;
  let it = 0, st = TST_OK;
  const ttol = gF(sys, S_TAUTOL);
  const tauRule = ttol > 0.0;
  // the power at the current x, lowered by each step's decrement; the last decrements and ratios
  let pw = tauRule ? power(b, x, r, n) : 0.0, dPrev = 0.0, rho1 = 0.0, rho2 = 0.0, rho3 = 0.0, perr = 0.0, tauMet = false;
  if (res > rtol) {
    // q = 0 so that the first cycle's r -= 0 q leaves r as it is (S_Q held set-up work)
    memory.fill(q, 0, <usize>n << 3);
    cyclePre(sys, 0, q, 0.0);
    cyclePost(sys, 0, q);
    let rz = gF(sys, S_RZ), a = 0.0, beta = 0.0, first = true, pending = false;
    while (it < maxit) {
      const pq = cgDirection(sys, first, a, beta);
      first = false; pending = false;
      if (!(pq > 0.0)) { st = TST_BREAKDOWN; break; }
      const pr = gF(sys, S_PR);
      a = pr / pq;
      // r -= a q, then (if not converged) z = M r
      cyclePre(sys, 0, q, a);
      pending = true;
      it++;
      res = sqrt<f64>(gF(sys, S_RR)) / bn;
      if (res <= rtol) break;
      if (tauRule) {
        const d = a * pr;
        pw -= d;
        rho3 = rho2; rho2 = rho1; rho1 = dPrev > 0.0 ? d / dPrev : 1.0;
        dPrev = d;
        const rho = Math.max(rho1, Math.max(rho2, rho3));
        // round-off floor: a decrement below 1e-15 P no longer tells anything (the rule asks for >= 1e-12)
        if (it >= MIN_IT && ((rho < 1.0 && SAFETY * d * rho / (1.0 - rho) <= ttol * pw) || d <= 1e-15 * pw)) {
          perr = rho < 1.0 ? SAFETY * d * rho / (1.0 - rho) / pw : 0.0;
          tauMet = true;
          break;
        }
      }
      if (it >= maxit) break;
      cyclePost(sys, 0, q);
      // z_new . (r_new - r_old) = -a z_new . q
      beta = (-a * gF(sys, S_ZQ)) / rz;
      rz = gF(sys, S_RZ);
    }
    if (pending) for (let c = 0; c < n; c++) stF(x, c, ldF(x, c) + a * ldF(p, c));
    // report the true residual, not the recursively updated one
    res = sqrt<f64>(residual(sys, lv, x, b, r)) / bn;
    if (st == TST_OK && res > rtol && !tauMet) st = res == res ? TST_NOT_CONVERGED : TST_BREAKDOWN;
  }
  sF(sys, S_POWER, power(b, x, r, n));
  sF(sys, S_PERR, perr);
  if (cmp) compactScatter(sys);
  sI(sys, S_ITERS, it);
  sF(sys, S_RES, res);
  sI(sys, S_STATUS, st);
  return st;
}
