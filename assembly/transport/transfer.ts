// Transfer between multigrid levels with piecewise-constant prolongation P (aggregation): restriction
// sums a fine residual over each aggregate (P^T r), prolongation adds each aggregate's correction to its
// members (x += alpha P x_c). Whole sparse levels, or plane by plane on level 0 and the block levels, so the
// fused passes of cycle.ts can run them while a plane is in cache.
import { gI, gP, ldF, stF, ldI } from "../common/mem";
import { S_CRW, L_N1, L_N2, L_N, L_X, L_B, L_RW, L_AGG, L_DIAG } from "./layout";
import { isSparse, isCompact, planeNode, runsOf, runPairs, runLo, runHi, runStart, runEnd } from "./level";

/** Coarse right-hand side of a sparse level's cycle: the fine residual summed over each aggregate. */
export function restrictSum(fl: usize, cl: usize): void {
  const r = gP(fl, L_RW), cb = gP(cl, L_B), agg = gP(fl, L_AGG), nf = gI(fl, L_N);
  memory.fill(cb, 0, <usize>gI(cl, L_N) << 3);
  for (let a = 0; a < nf; a++) { const g = ldI(agg, a); if (g >= 0) stF(cb, g, ldF(cb, g) + ldF(r, a)); }
}

/** x_fine += alpha * x_coarse of the node's aggregate, on a sparse level (structured levels: prolongPlane). */
export function prolongAdd(fl: usize, cl: usize, alpha: f64): void {
  const x = gP(fl, L_X), cx = gP(cl, L_X), agg = gP(fl, L_AGG), nf = gI(fl, L_N);
  for (let a = 0; a < nf; a++) { const g = ldI(agg, a); if (g >= 0) stF(x, a, ldF(x, a) + alpha * ldF(cx, g)); }
}

/**
 * Restriction of plane i of a structured or compact level into level cl's L_B (cells in order; on level 0
 * the network cells only, the others have r = 0).
 */
export function restrictPlane(sys: usize, fl: usize, cl: usize, i: i32): void {
  const n1 = gI(fl, L_N1), n2 = gI(fl, L_N2);
  const c1 = gI(cl, L_N1), c2 = gI(cl, L_N2);
  const r = gP(fl, L_RW), cb = gP(cl, L_B);
  if (isCompact(fl)) {
    // nodes in order (= the grid path's cells), each in an aggregate
    const agg = gP(fl, L_AGG), cr = gP(sys, S_CRW), hi = planeNode(sys, fl, i + 1);
    for (let a = planeNode(sys, fl, i); a < hi; a++) { const g = ldI(agg, a); stF(cb, g, ldF(cb, g) + ldF(cr, a)); }
    return;
  }
  const rn = runsOf(sys, fl), pairs = runPairs(rn, fl);
  const csr = isSparse(cl);
  const agg = gP(fl, L_AGG);
  for (let j = 0; j < n1; j++) {
    const row = i * n1 + j;
    const t1 = runHi(rn, row);
    const rowC = ((i >> 1) * c1 + (j >> 1)) * c2, base = row * n2;
    for (let t = runLo(rn, row); t < t1; t++) {
      const ks = runStart(rn, pairs, t), ke = runEnd(rn, pairs, t, n2);
      if (csr) {
        for (let k = ks; k < ke; k++) { const g = ldI(agg, base + k); if (g >= 0) stF(cb, g, ldF(cb, g) + ldF(r, base + k)); }
      } else {
        for (let k = ks; k < ke; k++) stF(cb, rowC + (k >> 1), ldF(cb, rowC + (k >> 1)) + ldF(r, base + k));
      }
    }
  }
}

/** Prolongation onto plane i of a structured or compact level (network cells only). */
export function prolongPlane(sys: usize, fl: usize, cl: usize, i: i32, alpha: f64): void {
  const n1 = gI(fl, L_N1), n2 = gI(fl, L_N2);
  const c1 = gI(cl, L_N1), c2 = gI(cl, L_N2);
  const x = gP(fl, L_X), cx = gP(cl, L_X), dg = gP(fl, L_DIAG);
  if (isCompact(fl)) {
    const agg = gP(fl, L_AGG), hi = planeNode(sys, fl, i + 1);
    for (let a = planeNode(sys, fl, i); a < hi; a++) stF(x, a, ldF(x, a) + alpha * ldF(cx, ldI(agg, a)));
    return;
  }
  const rn = runsOf(sys, fl), pairs = runPairs(rn, fl);
  const csr = isSparse(cl);
  const agg = gP(fl, L_AGG);
  for (let j = 0; j < n1; j++) {
    const row = i * n1 + j;
    const t1 = runHi(rn, row);
    const rowC = ((i >> 1) * c1 + (j >> 1)) * c2, base = row * n2;
    for (let t = runLo(rn, row); t < t1; t++) {
      const ks = runStart(rn, pairs, t), ke = runEnd(rn, pairs, t, n2);
      if (csr) {
        for (let k = ks; k < ke; k++) { const g = ldI(agg, base + k); if (g >= 0) stF(x, base + k, ldF(x, base + k) + alpha * ldF(cx, g)); }
      } else {
        for (let k = ks; k < ke; k++) {
          if (ldF(dg, base + k) != 0.0) stF(x, base + k, ldF(x, base + k) + alpha * ldF(cx, rowC + (k >> 1)));
        }
      }
    }
  }
}
