// Compact level 0 (K_COMPACT). With the link mask in use and component aggregates below it, the network is
// typically a third of the grid or less, and every pass over level 0 is bound by memory traffic (measured: a
// red-black sweep over the 200^3 electrolyte network costs as much as one over a fully conducting grid, in
// wasm and in C). tpSolvePCG then numbers the network cells (node a = the a-th in grid order, so the runs of
// S_RUNS give each run's first node) and runs level 0 and the CG on node arrays: per node a link mask and the
// nodes of its x, y and z neighbours. The sums are formed in the order of the grid path.
import { gI, gP, ldF, stF, ldI, stI } from "../common/mem";
import {
  S_XS, S_LMASK, S_NBR, S_RUNS, S_UNITON, S_NC, S_NODEOF, S_CX, S_CB, S_CMASK, S_CNX, S_CNY, S_CNZ, L_N0, L_N1, L_N2, L_N,
  L_BPROB, L_AGG, M_XP, M_XM, M_YP, M_YM, M_ZP, M_ZM, M_DSHIFT, NB_WYP, NB_WYM, NB_WZP, NB_WZM,
} from "./layout";
import { level, wrap1, wrap2, runPairs, runKe, planeNode, initialGuess, unitMask } from "./level";

/**
 * Numbers the network cells and fills the node arrays (layout S_CX .. S_CNZ) from level 0's cell arrays:
 * link mask, right-hand side, initial guess (S_XS), neighbour nodes, and level 0's aggregate map per node
 * (in place: node a <= its cell). The cell -> node map (S_NODEOF) lives in the low half of each slot of
 * S_XS meanwhile. Returns the node count.
 */
export function compactBuild(sys: usize): i32 {
  const lv = level(sys, 0);
  const n0 = gI(lv, L_N0), n1 = gI(lv, L_N1), n2 = gI(lv, L_N2);
  const s1 = n1 * n2;
  const w1 = wrap1(lv), w2 = wrap2(lv);
  const rn = gP(sys, S_RUNS), pairs = runPairs(rn, lv);
  const xs = gP(sys, S_XS), nodeOf = gP(sys, S_NODEOF), msk = gP(sys, S_LMASK), nbr = gP(sys, S_NBR);
  const bp = gP(lv, L_BPROB), agg = gP(lv, L_AGG);
  const cx = gP(sys, S_CX), cb = gP(sys, S_CB), cm = gP(sys, S_CMASK), nx = gP(sys, S_CNX), ny = gP(sys, S_CNY), nz = gP(sys, S_CNZ);
  const nc = planeNode(sys, lv, n0);
  const rows = n0 * n1;
  const unit = gI(sys, S_UNITON) != 0;
  // pass 1: node arrays (b read from L_BPROB before pass 2 overwrites it with the z neighbours, S_CNZ)
  for (let row = 0; row < rows; row++) {
    const t1 = ldI(rn, row + 1);
    const i = (row / n1) | 0;
    for (let t = ldI(rn, row); t < t1; t++) {
      const ks = ldI(pairs, t << 1), a0 = ldI(pairs, (t << 1) + 1), ke = runKe(pairs, t);
      for (let k = ks; k < ke; k++) {
        const c = row * n2 + k, a = a0 + k - ks;
        // a unit field: guess, right-hand side (2 sigma = 2 on the inlet layer) and mask from the position and bits
        stF(cx, a, unit ? initialGuess(i, n0) : ldF(xs, c));
        stI(nodeOf, c << 1, a);
        stF(cb, a, unit ? (i == 0 ? 2.0 : 0.0) : ldF(bp, c));
        stI(cm, a, unit ? unitMask(ldI(nbr, c), i, n0) : ldI(msk, c));
        stI(agg, a, ldI(agg, c));
      }
    }
  }
  for (let row = 0; row < rows; row++) {
    const t1 = ldI(rn, row + 1);
    for (let t = ldI(rn, row); t < t1; t++) {
      const ks = ldI(pairs, t << 1), a0 = ldI(pairs, (t << 1) + 1), ke = runKe(pairs, t);
      for (let k = ks; k < ke; k++) {
        const c = row * n2 + k, a = a0 + k - ks;
        const mk = ldI(cm, a), m = ldI(nbr, c);
        stI(nx, a << 1, (mk & M_XP) != 0 ? ldI(nodeOf, (c + s1) << 1) : nc);
        stI(nx, (a << 1) + 1, (mk & M_XM) != 0 ? ldI(nodeOf, (c - s1) << 1) : nc);
        stI(ny, a << 1, (mk & M_YP) != 0 ? ldI(nodeOf, ((m & NB_WYP) != 0 ? c - w1 : c + n2) << 1) : nc);
        stI(ny, (a << 1) + 1, (mk & M_YM) != 0 ? ldI(nodeOf, ((m & NB_WYM) != 0 ? c + w1 : c - n2) << 1) : nc);
        stI(nz, a << 1, (mk & M_ZP) != 0 ? ldI(nodeOf, ((m & NB_WZP) != 0 ? c - w2 : c + 1) << 1) : nc);
        stI(nz, (a << 1) + 1, (mk & M_ZM) != 0 ? ldI(nodeOf, ((m & NB_WZM) != 0 ? c + w2 : c - 1) << 1) : nc);
      }
    }
  }
  return nc;
}

/** The potential of the nodes back on the grid (S_XS; 0 outside the network). */
export function compactScatter(sys: usize): void {
  const lv = level(sys, 0);
  const n2 = gI(lv, L_N2), rows = gI(lv, L_N0) * gI(lv, L_N1);
  const rn = gP(sys, S_RUNS), pairs = runPairs(rn, lv);
  const xs = gP(sys, S_XS), cx = gP(sys, S_CX);
  memory.fill(xs, 0, <usize>gI(lv, L_N) << 3);
  for (let row = 0; row < rows; row++) {
    const t1 = ldI(rn, row + 1);
    for (let t = ldI(rn, row); t < t1; t++) {
      const ks = ldI(pairs, t << 1), a0 = ldI(pairs, (t << 1) + 1), ke = runKe(pairs, t);
      for (let k = ks; k < ke; k++) stF(xs, row * n2 + k, ldF(cx, a0 + k - ks));
    }
  }
}

/** sum_nb x_nb of node a in rowSumMask's order (an absent link reads the zero slot x[nc]: adds +0, as there). */
@inline function rowSumC(x: usize, nx: usize, ny: usize, nz: usize, a: i32): f64 {
  const a2 = a << 1;
  let s = ldF(x, ldI(nx, a2)) + ldF(x, ldI(nx, a2 + 1)) + ldF(x, ldI(ny, a2)) + ldF(x, ldI(ny, a2 + 1));
  s += ldF(x, ldI(nz, a2));
  s += ldF(x, ldI(nz, a2 + 1));
  return s;
}

// what planeC does to each node it visits
const OP_GS = 0; //       Gauss-Seidel update of x (r != 0: and the residual with it)
const OP_RES = 1; //      r = b - A x
const OP_MV = 2; //       r = A x, accumulates x . r
const OP_GS_ZERO = 3; //  OP_GS from x = 0: the update reads no neighbour (they are all 0: the sum is +0)

/** The node kernel over plane i of compact level 0: one colour (color 0/1) or all nodes (color -1); op as above. */
@inline function planeC(sys: usize, lv: usize, op: i32, x: usize, b: usize, r: usize, i: i32, color: i32, acc: f64): f64 {
  const n1 = gI(lv, L_N1);
  const rn = gP(sys, S_RUNS), pairs = runPairs(rn, lv);
  const cm = gP(sys, S_CMASK), nx = gP(sys, S_CNX), ny = gP(sys, S_CNY), nz = gP(sys, S_CNZ);
  for (let j = 0; j < n1; j++) {
    const row = i * n1 + j;
    const t1 = ldI(rn, row + 1);
    for (let t = ldI(rn, row); t < t1; t++) {
      const ks = ldI(pairs, t << 1), a0 = ldI(pairs, (t << 1) + 1), len = ldI(pairs, (t << 1) + 3) - a0;
      const d0 = color < 0 ? 0 : (color + i + j + ks) & 1, step = color < 0 ? 1 : 2;
      for (let d = d0; d < len; d += step) {
        const a = a0 + d, mk = ldI(cm, a);
        const s = op == OP_GS_ZERO ? 0.0 : rowSumC(x, nx, ny, nz, a);
        if (op == OP_GS || op == OP_GS_ZERO) {
          const xn = (ldF(b, a) + s) / <f64>(mk >> M_DSHIFT);
          stF(x, a, xn);
          if (r != 0) stF(r, a, ldF(b, a) - (<f64>(mk >> M_DSHIFT) * xn - s));
        }
        else if (op == OP_RES) stF(r, a, ldF(b, a) - (<f64>(mk >> M_DSHIFT) * ldF(x, a) - s));
        else { const xc = ldF(x, a); const v = <f64>(mk >> M_DSHIFT) * xc - s; stF(r, a, v); acc += xc * v; }
      }
    }
  }
  return acc;
}

/** Gauss-Seidel update of one colour of plane i (r != 0: and the residual of each updated node). */
@inline export function gsPlaneC(sys: usize, lv: usize, x: usize, b: usize, r: usize, i: i32, color: i32): void {
  planeC(sys, lv, OP_GS, x, b, r, i, color, 0.0);
}

/** gsPlaneC from x = 0 (the first colour of the first sweep: every neighbour is 0). */
@inline export function gsPlaneZeroC(sys: usize, lv: usize, x: usize, b: usize, r: usize, i: i32, color: i32): void {
  planeC(sys, lv, OP_GS_ZERO, x, b, r, i, color, 0.0);
}

/** r = b - A x on one colour of plane i. */
@inline export function resPlaneC(sys: usize, lv: usize, x: usize, b: usize, r: usize, i: i32, color: i32): void {
  planeC(sys, lv, OP_RES, x, b, r, i, color, 0.0);
}

/** q = A p on all nodes of plane i; returns acc + p . q (node order). */
@inline export function mvPlaneC(sys: usize, lv: usize, p: usize, q: usize, i: i32, acc: f64): f64 {
  return planeC(sys, lv, OP_MV, p, 0, q, i, -1, acc);
}

/** r = b - A x over all nodes (compact level 0); returns ||r||^2 (node order = the grid path's cell order). */
export function applyAC(sys: usize, lv: usize, x: usize, b: usize, r: usize): f64 {
  const n0 = gI(lv, L_N0);
  for (let i = 0; i < n0; i++) resPlaneC(sys, lv, x, b, r, i, -1);
  const nc = gI(sys, S_NC);
  let acc = 0.0;
  for (let a = 0; a < nc; a++) { const v = ldF(r, a); acc += v * v; }
  return acc;
}
