// Small helpers every transport kernel shares: the level blocks and their kinds, the periodic wrap, the
// red-black colouring, the runs of level 0's network cells, union-find, and the unit-field stencil.
// The functions are @inline (they cost nothing in the loops that call them); the flags name the calling
// conventions of the sweep and product kernels.
import { gI, gP, ldF, ldI, stI } from "../common/mem";
import {
  S_LEVELS, S_RUNS, L_N0, L_N1, L_N2, L_PER1, L_PER2, L_KIND, K_MASK, K_COMPACT, K_CSR, LEVEL_SLOTS, M_XP, M_XM, M_YP, M_YM,
  M_ZP, M_ZM, M_DSHIFT,
} from "./layout";

/** The block of level l. */
@inline export function level(sys: usize, l: i32): usize { return gP(sys, S_LEVELS) + <usize>(l * LEVEL_SLOTS * 8); }

/** True for a sparse level of component aggregates (K_CSR). */
@inline export function isSparse(lv: usize): bool { return gI(lv, L_KIND) == K_CSR; }

/** True when level lv runs on the link mask (level 0, K_MASK). */
@inline export function isMasked(lv: usize): bool { return gI(lv, L_KIND) == K_MASK; }

/** True when level lv runs on the compact node arrays (level 0, K_COMPACT). */
@inline export function isCompact(lv: usize): bool { return gI(lv, L_KIND) == K_COMPACT; }

/** Wrap offset of a periodic lateral axis ((n-1)*stride), 0 when the axis is not periodic. */
@inline export function wrapOffset(per: i32, n: i32, stride: i32): i32 { return per != 0 && n > 1 ? (n - 1) * stride : 0; }

/** Wrap offset of lateral axis 1 of a level (in cells: (n1-1)*n2), 0 when not periodic. */
@inline export function wrap1(lv: usize): i32 { return wrapOffset(gI(lv, L_PER1), gI(lv, L_N1), gI(lv, L_N2)); }

/** Wrap offset of lateral axis 2 of a level (n2-1), 0 when not periodic. */
@inline export function wrap2(lv: usize): i32 { return wrapOffset(gI(lv, L_PER2), gI(lv, L_N2), 1); }

/**
 * True when the colour ((coordinate sum) & 1) of a level's cells/nodes is a proper 2-colouring: links join
 * different colours, except across a periodic seam of an odd number of cells. Only then may a sweep skip
 * the neighbours of its first colour from a zero guess, form residuals with the updates, or take A x = b on
 * the colour updated last.
 */
@inline export function properColours(lv: usize): bool {
  const n1 = gI(lv, L_N1), n2 = gI(lv, L_N2);
  return !(gI(lv, L_PER1) != 0 && n1 > 1 && (n1 & 1) != 0) && !(gI(lv, L_PER2) != 0 && n2 > 1 && (n2 & 1) != 0);
}

// Calling conventions of the sweep and product kernels: named flags instead of bare 0/1 arguments.
/** Sweep direction: colour 0 then colour 1, cells/nodes ascending. */
export const SWEEP_FORWARD = 0;
/** Sweep direction: colour 1 then colour 0, descending (the adjoint of a forward sweep: a pair is symmetric). */
export const SWEEP_REVERSE = 1;
/** With SWEEP_FORWARD: the first sweep from x = 0 (colour-0 updates read only zeros and skip the sum). */
export const FROM_ZERO = 2;
/** applyA: r = b - A x, returns ||r||^2. */
export const A_RESIDUAL = 0;
/** applyA: q = A x, returns x . q. */
export const A_PRODUCT = 1;

/** ||p||^2 over [0, n). */
@inline export function norm2(p: usize, n: i32): f64 {
  let s = 0.0;
  for (let c = 0; c < n; c++) { const v = ldF(p, c); s += v * v; }
  return s;
}

/** Bytes rounded up to a multiple of 16. */
@inline export function pad16(b: usize): usize { return ((b + 15) >> 4) << 4; }

// ---- runs of level 0 (S_RUNS, built by tpPercolate) ----
// Per row (i, j) of the grid the maximal runs of consecutive network cells along k, so the loops of the
// smoother, residual and products visit the network only (30 % of the cells for a typical electrolyte
// network) with no branch per cell. On a structured coarse level (2x2x2 blocks) each row is one run
// [0, n2) and cells outside are skipped by their zero diagonal.

/** The runs of level lv (level 0), or 0 (a coarse level: one run per row). */
@inline export function runsOf(sys: usize, lv: usize): usize { return lv == level(sys, 0) ? gP(sys, S_RUNS) : 0; }
/** Pair array of the runs: of run t its first k at 2t and the number of network cells before it at 2t+1 (run nr: 0, the total). */
@inline export function runPairs(rn: usize, lv: usize): usize { return rn + (<usize>(gI(lv, L_N0) * gI(lv, L_N1) + 1) << 2); }
@inline export function runLo(rn: usize, row: i32): i32 { return rn != 0 ? ldI(rn, row) : 0; }
@inline export function runHi(rn: usize, row: i32): i32 { return rn != 0 ? ldI(rn, row + 1) : 1; }
@inline export function runStart(rn: usize, pairs: usize, t: i32): i32 { return rn != 0 ? ldI(pairs, t << 1) : 0; }
@inline export function runEnd(rn: usize, pairs: usize, t: i32, n2: i32): i32 { return rn != 0 ? runKe(pairs, t) : n2; }
/** End (exclusive, along k) of run t: its start plus its length (the next run's first node minus its own). */
@inline export function runKe(pairs: usize, t: i32): i32 {
  return ldI(pairs, t << 1) + ldI(pairs, (t << 1) + 3) - ldI(pairs, (t << 1) + 1);
}

/** First node of plane i of level 0 (i = n0: the node count): node numbers follow the runs. */
@inline export function planeNode(sys: usize, lv: usize, i: i32): i32 {
  const rn = gP(sys, S_RUNS);
  return ldI(runPairs(rn, lv), (ldI(rn, i * gI(lv, L_N1)) << 1) + 1);
}

/** First cell (grid) or node (compact) of plane i. */
@inline export function planeLo(sys: usize, lv: usize, cmp: bool, i: i32, s1: i32): i32 { return cmp ? planeNode(sys, lv, i) : i * s1; }

// ---- union-find (labelling over runs, aggregation inside blocks) ----

/** Union-find root with path halving. */
@inline export function ufFind(par: usize, a: i32): i32 {
  let r = a;
  while (ldI(par, r) != r) { const g = ldI(par, ldI(par, r)); stI(par, r, g); r = g; }
  return r;
}

/** Joins the sets of a and b (the larger root points to the smaller). */
@inline export function ufUnion(par: usize, a: i32, b: i32): void {
  const ra = ufFind(par, a), rb = ufFind(par, b);
  if (ra < rb) stI(par, rb, ra);
  else if (rb < ra) stI(par, ra, rb);
}

// ---- unit fields (conductivities 0 or 1) ----

/** The linear profile of a straight channel at the cells of plane i (the initial guess). */
@inline export function initialGuess(i: i32, n0: i32): f64 { return 1.0 - (<f64>i + 0.5) / <f64>n0; }

/** Dirichlet part of the diagonal of a spanning cell of plane i in a unit field: 2 sigma per electrode face. */
@inline export function unitDd(i: i32, n0: i32): f64 { return (i == 0 ? 2.0 : 0.0) + (i == n0 - 1 ? 2.0 : 0.0); }

/** Number of link bits (M_XP .. M_ZM) set. */
@inline export function linkCount(m: i32): i32 {
  return (m & 1) + ((m >> 1) & 1) + ((m >> 2) & 1) + ((m >> 3) & 1) + ((m >> 4) & 1) + ((m >> 5) & 1);
}

/**
 * Link mask (M_*) of a spanning cell of plane i in a unit field from its neighbour bits: diagonal = links +
 * electrode links (tpDiag's sum, all terms integers).
 */
@inline export function unitMask(m: i32, i: i32, n0: i32): i32 {
  const bits = m & (M_XP | M_XM | M_YP | M_YM | M_ZP | M_ZM);
  return bits | ((linkCount(bits) + <i32>unitDd(i, n0)) << M_DSHIFT);
}
