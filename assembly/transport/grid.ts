// Steady conduction div(sigma grad phi) = 0 on a voxel grid, discretised exactly as TauFactor does
// (fixtures/transport/README.md): cell-centred finite volumes, face conductance = harmonic mean
// 2 s_i s_j/(s_i + s_j), a half-voxel link of conductance 2 s from the first/last layer to the
// electrode faces held at 1 and 0, lateral faces no-flux or periodic. Row c of the system reads
//   diag_c x_c - sum_nb g_c,nb x_nb = b_c ,  diag_c = sum_nb g_c,nb + dd_c  (dd: Dirichlet links).
// Solvers: red-black SOR (the baseline) and flexible conjugate gradients preconditioned by one V- or
// K-cycle of aggregation multigrid (2x2x2 blocks, Galerkin coarse operators, red-black Gauss-Seidel).
// Pure functions of the memory the host lays out (layout.ts); no allocation, status codes.
import { sI, gI, gF, sF, gP, sP, ldF, stF, ldI, stI, ldB, stB } from "../common/mem";
import {
  S_NLEV, S_LEVELS, S_GIN, S_GOUT, S_XS, S_R, S_P, S_Q, S_Z, S_MARK, S_QUEUE, S_RTOL, S_MAXIT, S_OMEGA,
  S_NSMOOTH, S_NCOARSE, S_ALPHA, S_ITERS, S_RES, S_BNORM, S_FLUXIN, S_FLUXOUT, S_NACTIVE, S_NPERC, S_CHECK,
  S_STATUS, S_ZERO, S_CYCLE, S_LINKMASK, S_CBASE, S_CEND, S_CLEVEL, M_XP, M_XM, M_YP, M_YM, M_ZP, M_ZM, M_DSHIFT, LEVEL_SLOTS, L_N0, L_N1, L_N2, L_PER1, L_PER2, L_N, L_GX, L_GY, L_GZ, L_DD, L_DIAG, L_X, L_B,
  L_RW, L_BPROB, L_C1, L_V1, L_CSR, L_AGG, L_RP, L_COL, L_VAL, L_NRED, L_CELL, TST_OK, TST_NOT_CONVERGED, TST_BREAKDOWN, TST_NO_PATH,
} from "./layout";

@inline function level(sys: usize, l: i32): usize { return gP(sys, S_LEVELS) + <usize>(l * LEVEL_SLOTS * 8); }

/** Wrap offset of a periodic lateral axis ((n-1)*stride), 0 when the axis is not periodic. */
@inline function wrapOffset(per: i32, n: i32, stride: i32): i32 { return per != 0 && n > 1 ? (n - 1) * stride : 0; }

@inline function harmonic(a: f64, b: f64): f64 { return a + b > 0.0 ? (2.0 * a * b) / (a + b) : 0.0; }

/**
 * Level 0 from per-cell conductivities (read from the level's RW array, which is then free):
 * link conductances, inlet/outlet links 2 sigma, Dirichlet diagonal part and right-hand side (inlet at 1).
 */
export function tpBuild(sys: usize): void {
  const lv = level(sys, 0);
  const n0 = gI(lv, L_N0), n1 = gI(lv, L_N1), n2 = gI(lv, L_N2);
  const s1 = n1 * n2;
  const w1 = wrapOffset(gI(lv, L_PER1), n1, n2), w2 = wrapOffset(gI(lv, L_PER2), n2, 1);
  const sg = gP(lv, L_RW);
  const gx = gP(lv, L_GX), gy = gP(lv, L_GY), gz = gP(lv, L_GZ), dd = gP(lv, L_DD), bp = gP(lv, L_BPROB);
  const gin = gP(sys, S_GIN), gout = gP(sys, S_GOUT);
  let nact = 0;
  for (let i = 0; i < n0; i++) {
    for (let j = 0; j < n1; j++) {
      for (let k = 0; k < n2; k++) {
        const c = (i * n1 + j) * n2 + k;
        const s = ldF(sg, c);
        if (s > 0.0) nact++;
        stF(gx, c, i < n0 - 1 ? harmonic(s, ldF(sg, c + s1)) : 0.0);
        stF(gy, c, j < n1 - 1 ? harmonic(s, ldF(sg, c + n2)) : w1 != 0 ? harmonic(s, ldF(sg, c - w1)) : 0.0);
        stF(gz, c, k < n2 - 1 ? harmonic(s, ldF(sg, c + 1)) : w2 != 0 ? harmonic(s, ldF(sg, c - w2)) : 0.0);
        let d = 0.0, b = 0.0;
        const jk = j * n2 + k;
        if (i == 0) { stF(gin, jk, 2.0 * s); d += 2.0 * s; b = 2.0 * s; }
        if (i == n0 - 1) { stF(gout, jk, 2.0 * s); d += 2.0 * s; }
        stF(dd, c, d);
        stF(bp, c, b);
      }
    }
  }
  sI(sys, S_NACTIVE, nact);
}

// Neighbour bits of a level-0 cell (tpPercolate, i32 per cell in the first half of S_R until the coarse
// levels are built): M_XP .. M_ZM as in the link mask (link conductance > 0), and where the y/z
// neighbour of a set link is the periodic image (j = n1-1 / j = 0 / k = n2-1 / k = 0):
const NB_WYP = 64;
const NB_WYM = 128;
const NB_WZP = 256;
const NB_WZM = 512;

/**
 * Marks cell nb with `bit` and queues it when not yet marked; returns the new queue tail. Branch-free (the
 * links of a porous medium are a coin toss for the branch predictor): the queue slot at the tail is
 * always written (the queue has room for n + 1 entries) and kept only for a newly marked cell.
 */
@inline function floodPush(mark: usize, q: usize, nb: i32, bit: i32, tail: i32): i32 {
  const m = ldB(mark, nb);
  stB(mark, nb, m | bit);
  stI(q, tail, nb);
  return tail + select<i32>(0, 1, (m & bit) != 0);
}

/** Flood fill over the links of the neighbour bits from the seeds of one face; marks bit `bit` in S_MARK. */
function flood(sys: usize, fromOutlet: i32, bit: i32): void {
  const lv = level(sys, 0);
  const n0 = gI(lv, L_N0), n1 = gI(lv, L_N1), n2 = gI(lv, L_N2);
  const s1 = n1 * n2;
  const w1 = wrapOffset(gI(lv, L_PER1), n1, n2), w2 = wrapOffset(gI(lv, L_PER2), n2, 1);
  const mark = gP(sys, S_MARK), q = gP(sys, S_QUEUE), nbr = gP(sys, S_R);
  const seeds = gP(sys, fromOutlet != 0 ? S_GOUT : S_GIN);
  const c0 = fromOutlet != 0 ? (n0 - 1) * s1 : 0;
  let head = 0, tail = 0;
  for (let jk = 0; jk < s1; jk++) {
    if (ldF(seeds, jk) > 0.0) tail = floodPush(mark, q, c0 + jk, bit, tail);
  }
  while (head < tail) {
    const c = ldI(q, head); head++;
    const m = ldI(nbr, c);
    // a missing link "pushes" c itself, which is marked already
    tail = floodPush(mark, q, select<i32>(c + s1, c, (m & M_XP) != 0), bit, tail);
    tail = floodPush(mark, q, select<i32>(c - s1, c, (m & M_XM) != 0), bit, tail);
    tail = floodPush(mark, q, select<i32>(select<i32>(c - w1, c + n2, (m & NB_WYP) != 0), c, (m & M_YP) != 0), bit, tail);
    tail = floodPush(mark, q, select<i32>(select<i32>(c + w1, c - n2, (m & NB_WYM) != 0), c, (m & M_YM) != 0), bit, tail);
    tail = floodPush(mark, q, select<i32>(select<i32>(c - w2, c + 1, (m & NB_WZP) != 0), c, (m & M_ZP) != 0), bit, tail);
    tail = floodPush(mark, q, select<i32>(select<i32>(c + w2, c - 1, (m & NB_WZM) != 0), c, (m & M_ZM) != 0), bit, tail);
  }
}

/**
 * Connected-components test before solving: keeps only the cells joined to both the inlet and the
 * outlet (dead ends attached to them carry no current and are kept; isolated clusters and clusters
 * touching one face only are removed, which leaves the solution on the spanning network unchanged).
 * Returns the number of spanning cells (0: no path, the phase does not percolate). Leaves the
 * neighbour bits (NB_*) of every cell in S_R as i32; those of the spanning cells stay valid after the
 * removal (a removed cell has no link to a spanning one).
 */
export function tpPercolate(sys: usize): i32 {
  const lv = level(sys, 0);
  const n0 = gI(lv, L_N0), n1 = gI(lv, L_N1), n2 = gI(lv, L_N2);
  const n = n0 * n1 * n2, s1 = n1 * n2;
  const w1 = wrapOffset(gI(lv, L_PER1), n1, n2), w2 = wrapOffset(gI(lv, L_PER2), n2, 1);
  const gx = gP(lv, L_GX), gy = gP(lv, L_GY), gz = gP(lv, L_GZ), dd = gP(lv, L_DD), bp = gP(lv, L_BPROB);
  const gin = gP(sys, S_GIN), gout = gP(sys, S_GOUT), mark = gP(sys, S_MARK), nbr = gP(sys, S_R);
  memory.fill(mark, 0, <usize>n);
  for (let i = 0; i < n0; i++) {
    for (let j = 0; j < n1; j++) {
      for (let k = 0; k < n2; k++) {
        const c = (i * n1 + j) * n2 + k;
        // branch-free bits (select); the branches left depend on the position only
        let m = select<i32>(M_XP, 0, ldF(gx, c) > 0.0) | select<i32>(j < n1 - 1 ? M_YP : M_YP | NB_WYP, 0, ldF(gy, c) > 0.0)
          | select<i32>(k < n2 - 1 ? M_ZP : M_ZP | NB_WZP, 0, ldF(gz, c) > 0.0);
        if (i > 0) m |= select<i32>(M_XM, 0, ldF(gx, c - s1) > 0.0);
        if (j > 0) m |= select<i32>(M_YM, 0, ldF(gy, c - n2) > 0.0); else if (w1 != 0) m |= select<i32>(M_YM | NB_WYM, 0, ldF(gy, c + w1) > 0.0);
        if (k > 0) m |= select<i32>(M_ZM, 0, ldF(gz, c - 1) > 0.0); else if (w2 != 0) m |= select<i32>(M_ZM | NB_WZM, 0, ldF(gz, c + w2) > 0.0);
        stI(nbr, c, m);
      }
    }
  }
  flood(sys, 0, 1);
  flood(sys, 1, 2);
  const per1 = gI(lv, L_PER1) != 0 && n1 > 1, per2 = gI(lv, L_PER2) != 0 && n2 > 1;
  let np = 0;
  for (let i = 0; i < n0; i++) {
    for (let j = 0; j < n1; j++) {
      for (let k = 0; k < n2; k++) {
        const c = (i * n1 + j) * n2 + k;
        if (ldB(mark, c) == 3) { np++; continue; }
        // a removed cell has no link to a spanning one (it would have been reached): zero its own links
        // and those stored at its lower neighbours, which point to it
        stF(gx, c, 0.0); stF(gy, c, 0.0); stF(gz, c, 0.0); stF(dd, c, 0.0); stF(bp, c, 0.0);
        if (i == 0) stF(gin, c, 0.0);
        if (i == n0 - 1) stF(gout, c - i * s1, 0.0);
        if (i > 0) stF(gx, c - s1, 0.0);
        if (j > 0) stF(gy, c - n2, 0.0); else if (per1) stF(gy, c + (n1 - 1) * n2, 0.0);
        if (k > 0) stF(gz, c - 1, 0.0); else if (per2) stF(gz, c + n2 - 1, 0.0);
      }
    }
  }
  sI(sys, S_NPERC, np);
  return np;
}

/** diag = dd + the conductances of every link of the cell. */
export function tpDiag(lv: usize): void {
  const n0 = gI(lv, L_N0), n1 = gI(lv, L_N1), n2 = gI(lv, L_N2);
  const s1 = n1 * n2;
  const w1 = wrapOffset(gI(lv, L_PER1), n1, n2), w2 = wrapOffset(gI(lv, L_PER2), n2, 1);
  const gx = gP(lv, L_GX), gy = gP(lv, L_GY), gz = gP(lv, L_GZ), dd = gP(lv, L_DD), dg = gP(lv, L_DIAG);
  for (let i = 0; i < n0; i++) {
    for (let j = 0; j < n1; j++) {
      for (let k = 0; k < n2; k++) {
        const c = (i * n1 + j) * n2 + k;
        let d = ldF(dd, c) + ldF(gx, c) + ldF(gy, c) + ldF(gz, c);
        if (i > 0) d += ldF(gx, c - s1);
        if (j > 0) d += ldF(gy, c - n2); else if (w1 != 0) d += ldF(gy, c + w1);
        if (k > 0) d += ldF(gz, c - 1); else if (w2 != 0) d += ldF(gz, c + w2);
        stF(dg, c, d);
      }
    }
  }
}

/** Galerkin coarse level of 2x2x2 aggregates (P = piecewise constant): sums of the links between aggregates. */
export function tpCoarsen(fl: usize, cl: usize): void {
  const n0 = gI(fl, L_N0), n1 = gI(fl, L_N1), n2 = gI(fl, L_N2);
  const c1 = gI(cl, L_N1), c2 = gI(cl, L_N2), cn = gI(cl, L_N);
  const per1 = gI(fl, L_PER1) != 0 && n1 > 1, per2 = gI(fl, L_PER2) != 0 && n2 > 1;
  const gx = gP(fl, L_GX), gy = gP(fl, L_GY), gz = gP(fl, L_GZ), dd = gP(fl, L_DD);
  const cx = gP(cl, L_GX), cy = gP(cl, L_GY), cz = gP(cl, L_GZ), cd = gP(cl, L_DD);
  memory.fill(cx, 0, <usize>cn << 3); memory.fill(cy, 0, <usize>cn << 3);
  memory.fill(cz, 0, <usize>cn << 3); memory.fill(cd, 0, <usize>cn << 3);
  for (let i = 0; i < n0; i++) {
    const I = i >> 1;
    for (let j = 0; j < n1; j++) {
      const J = j >> 1;
      for (let k = 0; k < n2; k++) {
        const K = k >> 1;
        const c = (i * n1 + j) * n2 + k, C = (I * c1 + J) * c2 + K;
        stF(cd, C, ldF(cd, C) + ldF(dd, c));
        if (i < n0 - 1 && ((i + 1) >> 1) != I) stF(cx, C, ldF(cx, C) + ldF(gx, c));
        if (j < n1 - 1) { if (((j + 1) >> 1) != J) stF(cy, C, ldF(cy, C) + ldF(gy, c)); }
        else if (per1 && J != 0) stF(cy, C, ldF(cy, C) + ldF(gy, c));
        if (k < n2 - 1) { if (((k + 1) >> 1) != K) stF(cz, C, ldF(cz, C) + ldF(gz, c)); }
        else if (per2 && K != 0) stF(cz, C, ldF(cz, C) + ldF(gz, c));
      }
    }
  }
  tpDiag(cl);
}

// ---- component aggregation (levels >= 1 as CSR; layout L_CSR .. L_CELL) ----
// Built per solve by tpComponentLevels (the coarse sizes are only known after labelling), in one call,
// carving the arrays of levels 1.. from the region [S_CBASE, S_CEND) the host reserves. Work arrays
// (free during the set-up): S_P as two i32[n] (union-find parent, label), S_R as two i32[n] (level 0's
// neighbour bits from tpPercolate; per node 2 * its block on the next level + the block's colour, -1 outside the network),
// S_XS i32[n] (members by aggregate), S_Q i32[n+1] (member starts), S_Z i32[n] (row marker).

/** Union-find root with path halving. */
@inline function ufFind(par: usize, a: i32): i32 {
  let r = a;
  while (ldI(par, r) != r) { const g = ldI(par, ldI(par, r)); stI(par, r, g); r = g; }
  return r;
}

/** Joins the sets of a and b (the larger root points to the smaller). */
@inline function ufUnion(par: usize, a: i32, b: i32): void {
  const ra = ufFind(par, a), rb = ufFind(par, b);
  if (ra < rb) stI(par, rb, ra);
  else if (rb < ra) stI(par, ra, rb);
}

/** 2 * (index of the 2x2x2 block on the coarse grid, c1 x c2 lateral) + its colour (coordinate sum parity). */
@inline function blockCode(i: i32, j: i32, k: i32, c1: i32, c2: i32): i32 {
  const I = i >> 1, J = j >> 1, K = k >> 1;
  return (((I * c1 + J) * c2 + K) << 1) | ((I + J + K) & 1);
}

/** Bytes rounded up to a multiple of 16. */
@inline function pad16(b: usize): usize { return ((b + 15) >> 4) << 4; }

/**
 * Aggregates of level l: the connected components (links with g > 0) of its nodes inside each 2x2x2
 * block. Writes L_AGG of level l and L_N, L_NRED of level l+1 (colour-0 aggregates first, then in
 * order of their first node) and the block codes of level l's nodes; returns the number of aggregates.
 */
function aggregate(sys: usize, l: i32): i32 {
  const fl = level(sys, l), cl = level(sys, l + 1);
  const csr = gI(fl, L_CSR) != 0;
  const n0 = gI(fl, L_N0), n1 = gI(fl, L_N1), n2 = gI(fl, L_N2);
  const s1 = n1 * n2;
  const c1 = gI(cl, L_N1), c2 = gI(cl, L_N2);
  const nf = gI(fl, L_N);
  const par = gP(sys, S_P), lab = par + (<usize>nf << 2);
  // block codes, -1 for a node outside the network (diag 0)
  const blk = gP(sys, S_R) + (<usize>gI(level(sys, 0), L_N) << 2);
  const agg = gP(fl, L_AGG);
  for (let a = 0; a < nf; a++) { stI(par, a, a); stI(lab, a, -1); }
  if (csr) {
    const rp = gP(fl, L_RP), col = gP(fl, L_COL), cell = gP(fl, L_CELL), dg = gP(fl, L_DIAG);
    for (let a = 0; a < nf; a++) {
      const c = ldI(cell, a);
      const i = (c / s1) | 0, rem = c - i * s1, j = (rem / n2) | 0, k = rem - j * n2;
      stI(blk, a, ldF(dg, a) == 0.0 ? -1 : blockCode(i, j, k, c1, c2));
    }
    for (let a = 0; a < nf; a++) {
      const B = ldI(blk, a);
      const pe = ldI(rp, a + 1);
      for (let p = ldI(rp, a); p < pe; p++) {
        const b = ldI(col, p);
        if (b > a && ldI(blk, b) == B) ufUnion(par, a, b);
      }
    }
  } else {
    // level 0 after tpPercolate: a cell is in the network (diag > 0) iff it spans (mark 3), and its
    // neighbour bits are its links with g > 0
    const mark = gP(sys, S_MARK), nbr = gP(sys, S_R);
    for (let i = 0; i < n0; i++) {
      for (let j = 0; j < n1; j++) {
        for (let k = 0; k < n2; k++) {
          const c = (i * n1 + j) * n2 + k;
          if (ldB(mark, c) != 3) { stI(blk, c, -1); continue; }
          stI(blk, c, blockCode(i, j, k, c1, c2));
          const m = ldI(nbr, c);
          // links whose two cells share a block (the periodic wrap does only on an axis of 2 cells)
          if ((i & 1) == 0 && (m & M_XP) != 0) ufUnion(par, c, c + s1);
          if ((m & M_YP) != 0) { if (j < n1 - 1) { if ((j & 1) == 0) ufUnion(par, c, c + n2); } else if (n1 == 2) ufUnion(par, c, c - n2); }
          if ((m & M_ZP) != 0) { if (k < n2 - 1) { if ((k & 1) == 0) ufUnion(par, c, c + 1); } else if (n2 == 2) ufUnion(par, c, c - 1); }
        }
      }
    }
  }
  // colour-0 aggregates first, each numbered at its first node; every node points to its root from here on
  let nc = 0;
  for (let a = 0; a < nf; a++) {
    const b = ldI(blk, a);
    if (b < 0) continue;
    const r = ufFind(par, a);
    stI(par, a, r);
    if ((b & 1) == 0 && ldI(lab, r) < 0) { stI(lab, r, nc); nc++; }
  }
  sI(cl, L_NRED, nc);
  for (let a = 0; a < nf; a++) {
    const b = ldI(blk, a);
    if (b < 0) { stI(agg, a, -1); continue; }
    const r = ldI(par, a);
    if ((b & 1) != 0 && ldI(lab, r) < 0) { stI(lab, r, nc); nc++; }
    stI(agg, a, ldI(lab, r));
  }
  sI(cl, L_N, nc);
  return nc;
}

/** Level l+1's members by aggregate (counting sort, in node order), L_CELL and L_DD (sum of the members' Dirichlet parts). */
function groupMembers(sys: usize, l: i32): void {
  const fl = level(sys, l), cl = level(sys, l + 1);
  const nf = gI(fl, L_N), nc = gI(cl, L_N);
  const agg = gP(fl, L_AGG), fdd = gP(fl, L_DD), list = gP(sys, S_XS), start = gP(sys, S_Q);
  const blk = gP(sys, S_R) + (<usize>gI(level(sys, 0), L_N) << 2);
  const cell = gP(cl, L_CELL), cdd = gP(cl, L_DD);
  for (let g = 0; g <= nc; g++) stI(start, g, 0);
  for (let a = 0; a < nf; a++) { const g = ldI(agg, a); if (g >= 0) stI(start, g + 1, ldI(start, g + 1) + 1); }
  for (let g = 0; g < nc; g++) stI(start, g + 1, ldI(start, g + 1) + ldI(start, g));
  for (let a = 0; a < nf; a++) { const g = ldI(agg, a); if (g >= 0) { stI(list, ldI(start, g), a); stI(start, g, ldI(start, g) + 1); } }
  for (let g = nc; g > 0; g--) stI(start, g, ldI(start, g - 1));
  stI(start, 0, 0);
  for (let g = 0; g < nc; g++) {
    const s = ldI(start, g), se = ldI(start, g + 1);
    stI(cell, g, ldI(blk, ldI(list, s)) >> 1);
    let d = 0.0;
    for (let t = s; t < se; t++) d += ldF(fdd, ldI(list, t));
    stF(cdd, g, d);
  }
}

/** Adds link (h, v) to the coarse row being built (entries start..e-1); returns the new end. */
@inline function rowTouch(h: i32, v: f64, start: i32, e: i32, mk: usize, col: usize, val: usize): i32 {
  const p = ldI(mk, h);
  if (p < start) {
    stI(mk, h, e);
    stI(col, e, h); stF(val, e, v);
    return e + 1;
  }
  stF(val, p, ldF(val, p) + v);
  return e;
}

/**
 * Rows of the Galerkin operator of level l+1 (sums of the fine links between aggregates, in the order
 * of the members and of their links) into L_RP, L_COL, L_VAL (at most cap entries) and L_DIAG; returns
 * the number of entries, -1 when cap is too small. Level 0's links are read through its neighbour bits.
 */
function galerkinRows(sys: usize, l: i32, cap: i32): i32 {
  const fl = level(sys, l), cl = level(sys, l + 1);
  const csr = gI(fl, L_CSR) != 0;
  const n1 = gI(fl, L_N1), n2 = gI(fl, L_N2);
  const s1 = n1 * n2;
  const w1 = wrapOffset(gI(fl, L_PER1), n1, n2), w2 = wrapOffset(gI(fl, L_PER2), n2, 1);
  const nc = gI(cl, L_N);
  const agg = gP(fl, L_AGG), list = gP(sys, S_XS), start = gP(sys, S_Q), mk = gP(sys, S_Z), nbr = gP(sys, S_R);
  const rp = gP(cl, L_RP), col = gP(cl, L_COL), val = gP(cl, L_VAL), cdd = gP(cl, L_DD), cdg = gP(cl, L_DIAG);
  const frp = gP(fl, L_RP), fcol = gP(fl, L_COL), fval = gP(fl, L_VAL);
  const gx = gP(fl, L_GX), gy = gP(fl, L_GY), gz = gP(fl, L_GZ);
  for (let h = 0; h < nc; h++) stI(mk, h, -1);
  let e = 0;
  stI(rp, 0, 0);
  for (let g = 0; g < nc; g++) {
    const rs = e;
    const te = ldI(start, g + 1);
    for (let t = ldI(start, g); t < te; t++) {
      const a = ldI(list, t);
      if (csr) {
        const p0 = ldI(frp, a), p1 = ldI(frp, a + 1);
        if (e + (p1 - p0) > cap) return -1;
        for (let p = p0; p < p1; p++) {
          const h = ldI(agg, ldI(fcol, p));
          if (h != g) e = rowTouch(h, ldF(fval, p), rs, e, mk, col, val);
        }
      } else {
        if (e + 6 > cap) return -1;
        const m = ldI(nbr, a);
        if ((m & M_XP) != 0) { const h = ldI(agg, a + s1); if (h != g) e = rowTouch(h, ldF(gx, a), rs, e, mk, col, val); }
        if ((m & M_XM) != 0) { const h = ldI(agg, a - s1); if (h != g) e = rowTouch(h, ldF(gx, a - s1), rs, e, mk, col, val); }
        if ((m & M_YP) != 0) { const h = ldI(agg, (m & NB_WYP) != 0 ? a - w1 : a + n2); if (h != g) e = rowTouch(h, ldF(gy, a), rs, e, mk, col, val); }
        if ((m & M_YM) != 0) { const nb = (m & NB_WYM) != 0 ? a + w1 : a - n2; const h = ldI(agg, nb); if (h != g) e = rowTouch(h, ldF(gy, nb), rs, e, mk, col, val); }
        if ((m & M_ZP) != 0) { const h = ldI(agg, (m & NB_WZP) != 0 ? a - w2 : a + 1); if (h != g) e = rowTouch(h, ldF(gz, a), rs, e, mk, col, val); }
        if ((m & M_ZM) != 0) { const nb = (m & NB_WZM) != 0 ? a + w2 : a - 1; const h = ldI(agg, nb); if (h != g) e = rowTouch(h, ldF(gz, nb), rs, e, mk, col, val); }
      }
    }
    stI(rp, g + 1, e);
    let dsum = ldF(cdd, g);
    for (let p = rs; p < e; p++) dsum += ldF(val, p);
    stF(cdg, g, dsum);
  }
  return e;
}

/**
 * Levels S_CLEVEL+1 .. of component aggregation (after tpPercolate, tpDiag; the host sets S_CLEVEL to 0):
 * per level, aggregates, node arrays carved from [S_CBASE, S_CEND), members, rows. Returns 1, or 0 when
 * the region is too small: then S_CLEVEL is the level to resume from once the host has moved S_CEND
 * up (the levels below stay as built).
 */
export function tpComponentLevels(sys: usize): i32 {
  const nlev = gI(sys, S_NLEV);
  const end = gP(sys, S_CEND);
  const l0 = gI(sys, S_CLEVEL);
  let p = gP(sys, S_CBASE);
  if (l0 > 0) {
    // resume behind the last array of level l0 (its columns)
    const lv = level(sys, l0);
    p = gP(lv, L_COL) + pad16(<usize>ldI(gP(lv, L_RP), gI(lv, L_N)) << 2);
  }
  for (let l = l0; l + 1 < nlev; l++) {
    const cl = level(sys, l + 1);
    const nc = aggregate(sys, l);
    const b8 = pad16(<usize>nc << 3), b4 = pad16(<usize>nc << 2);
    if (p + 7 * b8 + 2 * b4 + pad16(<usize>(nc + 1) << 2) + 32 > end) { sI(sys, S_CLEVEL, l); return 0; }
    sP(cl, L_DD, p); p += b8;
    sP(cl, L_DIAG, p); p += b8;
    sP(cl, L_X, p); p += b8;
    sP(cl, L_B, p); p += b8;
    sP(cl, L_RW, p); p += b8;
    sP(cl, L_C1, p); p += b8;
    sP(cl, L_V1, p); p += b8;
    sP(cl, L_AGG, p); p += b4;
    sP(cl, L_CELL, p); p += b4;
    sP(cl, L_RP, p); p += pad16(<usize>(nc + 1) << 2);
    groupMembers(sys, l);
    // values from p on, columns staged at the end of the region, then moved behind the values
    const cap = <i32>((end - p) >>> 4);
    const colTmp = end - (<usize>cap << 2);
    sP(cl, L_VAL, p);
    sP(cl, L_COL, colTmp);
    const nnz = galerkinRows(sys, l, cap);
    if (nnz < 0) { sI(sys, S_CLEVEL, l); return 0; }
    p += pad16(<usize>nnz << 3);
    memory.copy(p, colTmp, <usize>nnz << 2);
    sP(cl, L_COL, p);
    p += pad16(<usize>nnz << 2);
    sI(cl, L_CSR, 1);
  }
  return 1;
}

/** Red-black Gauss-Seidel on a CSR level: colour 0 then 1 (rev 0), or 1 then 0 in reverse (rev 1). */
function gsCSR(lv: usize, x: usize, b: usize, rev: i32): void {
  const n = gI(lv, L_N);
  const rp = gP(lv, L_RP), col = gP(lv, L_COL), val = gP(lv, L_VAL), dg = gP(lv, L_DIAG);
  for (let t = 0; t < n; t++) {
    const a = rev != 0 ? n - 1 - t : t;
    let s = ldF(b, a);
    for (let p = ldI(rp, a); p < ldI(rp, a + 1); p++) s += ldF(val, p) * ldF(x, ldI(col, p));
    stF(x, a, s / ldF(dg, a));
  }
}

/** applyA on a CSR level. */
function applyACSR(lv: usize, x: usize, b: usize, r: usize, mode: i32): f64 {
  const n = gI(lv, L_N);
  const rp = gP(lv, L_RP), col = gP(lv, L_COL), val = gP(lv, L_VAL), dg = gP(lv, L_DIAG);
  let acc = 0.0;
  for (let a = 0; a < n; a++) {
    let s = 0.0;
    for (let p = ldI(rp, a); p < ldI(rp, a + 1); p++) s += ldF(val, p) * ldF(x, ldI(col, p));
    const xc = ldF(x, a);
    if (mode == 0) { const v = ldF(b, a) - (ldF(dg, a) * xc - s); stF(r, a, v); acc += v * v; }
    else { const v = ldF(dg, a) * xc - s; stF(r, a, v); acc += xc * v; }
  }
  return acc;
}

/**
 * Level-0 link mask (layout M_*): when every link conductance is 0 or 1 and every Dirichlet link 0 or
 * 2 (one conducting phase with sigma 1, as for tortuosity and image batches), the smoother, residual
 * and matrix-vector product of level 0 read one i32 per cell instead of four f64 arrays (gx, gy, gz,
 * diag). The sums are formed in the same order as the general path and 1 * x = x, so both paths give
 * bit-identical results. Call right after tpPercolate (it reads its marks and neighbour bits) and tpDiag;
 * sets S_LINKMASK to 1 when in use.
 */
export function tpMask(sys: usize): void {
  const lv = level(sys, 0);
  if (gI(sys, S_LINKMASK) == 0) return;
  const n = gI(lv, L_N);
  const gx = gP(lv, L_GX), gy = gP(lv, L_GY), gz = gP(lv, L_GZ), dd = gP(lv, L_DD), dg = gP(lv, L_DIAG);
  const m = gP(sys, S_QUEUE), nbr = gP(sys, S_R), mark = gP(sys, S_MARK);
  // one pass: check each cell's own links and build its mask (a failed check leaves the mask unused)
  for (let c = 0; c < n; c++) {
    const a = ldF(gx, c), b = ldF(gy, c), z = ldF(gz, c), e = ldF(dd, c);
    // x in {0, 1} <=> x (x - 1) == 0 and e in {0, 2, 4} <=> e (e - 2) (e - 4) == 0 (exact: a product of
    // non-zero factors here neither underflows to 0 nor is NaN): branches that are always taken on a
    // 0/1 field, where "x == 0 || x == 1" is a coin toss for the branch predictor
    if (!(a * (a - 1.0) == 0.0 && b * (b - 1.0) == 0.0 && z * (z - 1.0) == 0.0 && e * (e - 2.0) * (e - 4.0) == 0.0)) { sI(sys, S_LINKMASK, 0); return; }
    // the links (g != 0, here g = 1) of a spanning cell are its neighbour bits; a removed cell has none
    const bits = select<i32>(ldI(nbr, c) & (M_XP | M_XM | M_YP | M_YM | M_ZP | M_ZM), 0, ldB(mark, c) == 3);
    stI(m, c, bits | (<i32>ldF(dg, c) << M_DSHIFT));
  }
  sI(sys, S_LINKMASK, 1);
}

/** sum_nb x_nb over the links of a masked cell, in the order of rowSum (1 * x = x, absent links add +0). */
@inline function rowSumMask(mk: i32, x: usize, xxp: usize, xxm: usize, xyp: usize, xym: usize, k: i32, n2: i32, w2: i32): f64 {
  let s = select<f64>(ldF(xxp, k), 0.0, (mk & M_XP) != 0) + select<f64>(ldF(xxm, k), 0.0, (mk & M_XM) != 0)
    + select<f64>(ldF(xyp, k), 0.0, (mk & M_YP) != 0) + select<f64>(ldF(xym, k), 0.0, (mk & M_YM) != 0);
  s += select<f64>(ldF(x, k < n2 - 1 ? k + 1 : k - w2), 0.0, (mk & M_ZP) != 0);
  s += select<f64>(ldF(x, k > 0 ? k - 1 : k + w2), 0.0, (mk & M_ZM) != 0);
  return s;
}

// Row pointers: for the row (i, j) the conductance and potential rows of the four lateral
// neighbours (x-1, x+1, y-1, y+1); a missing neighbour points at a zero row (S_ZERO), so the inner
// loop over k has no branches but the two z ends. Adding 0 * 0 leaves sums unchanged.
@inline function rowXm(g: usize, i: i32, base: i32, s1: i32, zero: usize): usize { return i > 0 ? g + (<usize>(base - s1) << 3) : zero; }
@inline function rowXp(x: usize, i: i32, n0: i32, base: i32, s1: i32, zero: usize): usize { return i < n0 - 1 ? x + (<usize>(base + s1) << 3) : zero; }
@inline function rowYm(g: usize, j: i32, base: i32, n2: i32, w1: i32, zero: usize): usize { return j > 0 ? g + (<usize>(base - n2) << 3) : w1 != 0 ? g + (<usize>(base + w1) << 3) : zero; }
@inline function rowYp(x: usize, j: i32, n1: i32, base: i32, n2: i32, w1: i32, zero: usize): usize { return j < n1 - 1 ? x + (<usize>(base + n2) << 3) : w1 != 0 ? x + (<usize>(base - w1) << 3) : zero; }

/** sum_nb g x_nb for cell k of a row, given the row pointers. */
@inline function rowSum(gz: usize, x: usize, gxp: usize, xxp: usize, gxm: usize, xxm: usize, gyp: usize, xyp: usize, gym: usize, xym: usize, k: i32, n2: i32, w2: i32): f64 {
  let s = ldF(gxp, k) * ldF(xxp, k) + ldF(gxm, k) * ldF(xxm, k) + ldF(gyp, k) * ldF(xyp, k) + ldF(gym, k) * ldF(xym, k);
  if (k < n2 - 1) s += ldF(gz, k) * ldF(x, k + 1);
  else if (w2 != 0) s += ldF(gz, k) * ldF(x, k - w2);
  if (k > 0) s += ldF(gz, k - 1) * ldF(x, k - 1);
  else if (w2 != 0) s += ldF(gz, k + w2) * ldF(x, k + w2);
  return s;
}

/**
 * Gauss-Seidel / SOR update of the cells of one colour ((i+j+k) & 1 == color) in plane i, in
 * ascending or (rev) descending order; cells with diag 0 (outside the network) are left alone.
 */
@inline function gsPlane(lv: usize, x: usize, b: usize, i: i32, color: i32, rev: i32, omega: f64, zero: usize): void {
  const n0 = gI(lv, L_N0), n1 = gI(lv, L_N1), n2 = gI(lv, L_N2);
  const s1 = n1 * n2;
  const w1 = wrapOffset(gI(lv, L_PER1), n1, n2), w2 = wrapOffset(gI(lv, L_PER2), n2, 1);
  const gx = gP(lv, L_GX), gy = gP(lv, L_GY), gz = gP(lv, L_GZ), dg = gP(lv, L_DIAG);
  const plain = omega == 1.0;
  for (let jj = 0; jj < n1; jj++) {
    const j = rev != 0 ? n1 - 1 - jj : jj;
    const k0 = (color + i + j) & 1;
    if (k0 >= n2) continue;
    const kLast = k0 + ((n2 - 1 - k0) >> 1) * 2;
    const base = (i * n1 + j) * n2;
    const off = <usize>base << 3;
    const gxp = gx + off, xxp = rowXp(x, i, n0, base, s1, zero);
    const gxm = rowXm(gx, i, base, s1, zero), xxm = rowXm(x, i, base, s1, zero);
    const gyp = gy + off, xyp = rowYp(x, j, n1, base, n2, w1, zero);
    const gym = rowYm(gy, j, base, n2, w1, zero), xym = rowYm(x, j, base, n2, w1, zero);
    const gzr = gz + off, xr = x + off, br = b + off, dr = dg + off;
    for (let kk = k0; kk <= kLast; kk += 2) {
      const k = rev != 0 ? kLast + k0 - kk : kk;
      // a cell outside the network (diag 0) is skipped: measured 12 % faster than a branch-free select,
      // since packings give long runs of cells inside or outside
      const d = ldF(dr, k);
      if (d == 0.0) continue;
      const xn = (ldF(br, k) + rowSum(gzr, xr, gxp, xxp, gxm, xxm, gyp, xyp, gym, xym, k, n2, w2)) / d;
      if (plain) stF(xr, k, xn);
      else { const xo = ldF(xr, k); stF(xr, k, xo + omega * (xn - xo)); }
    }
  }
}

/** gsPlane on a masked level 0 (tpMask): the same updates from one i32 per cell instead of four f64 arrays. */
@inline function gsPlaneMask(sys: usize, lv: usize, x: usize, b: usize, i: i32, color: i32, rev: i32, omega: f64, zero: usize): void {
  const n0 = gI(lv, L_N0), n1 = gI(lv, L_N1), n2 = gI(lv, L_N2);
  const s1 = n1 * n2;
  const w1 = wrapOffset(gI(lv, L_PER1), n1, n2), w2 = wrapOffset(gI(lv, L_PER2), n2, 1);
  const msk = gP(sys, S_QUEUE);
  const plain = omega == 1.0;
  for (let jj = 0; jj < n1; jj++) {
    const j = rev != 0 ? n1 - 1 - jj : jj;
    const k0 = (color + i + j) & 1;
    if (k0 >= n2) continue;
    const kLast = k0 + ((n2 - 1 - k0) >> 1) * 2;
    const base = (i * n1 + j) * n2;
    const off = <usize>base << 3;
    const xxp = rowXp(x, i, n0, base, s1, zero), xxm = rowXm(x, i, base, s1, zero);
    const xyp = rowYp(x, j, n1, base, n2, w1, zero), xym = rowYm(x, j, base, n2, w1, zero);
    const xr = x + off, br = b + off, mr = msk + (<usize>base << 2);
    for (let kk = k0; kk <= kLast; kk += 2) {
      const k = rev != 0 ? kLast + k0 - kk : kk;
      const mk = ldI(mr, k);
      if (mk == 0) continue;
      const xn = (ldF(br, k) + rowSumMask(mk, xr, xxp, xxm, xyp, xym, k, n2, w2)) / <f64>(mk >> M_DSHIFT);
      if (plain) stF(xr, k, xn);
      else { const xo = ldF(xr, k); stF(xr, k, xo + omega * (xn - xo)); }
    }
  }
}

/** One colour of plane i on the link mask (level 0, tpMask) or on the general arrays. */
@inline function gsPlaneAny(mask: i32, sys: usize, lv: usize, x: usize, b: usize, i: i32, color: i32, rev: i32, omega: f64, zero: usize): void {
  if (mask != 0) gsPlaneMask(sys, lv, x, b, i, color, rev, omega, zero);
  else gsPlane(lv, x, b, i, color, rev, omega, zero);
}

/**
 * One red-black Gauss-Seidel / SOR sweep: red then black (rev 0, ascending), or black then red
 * (rev 1, descending; the adjoint, so a forward + reverse pair is symmetric). The two colours run in
 * one pass over memory: the black cells of plane i-1 are updated right after the red cells of plane
 * i, when all their red neighbours are final. Cells of one colour do not depend on each other, so
 * this gives exactly the result of two separate colour passes, with half the memory traffic.
 */
function gsSweep(sys: usize, lv: usize, x: usize, b: usize, rev: i32, omega: f64): void {
  const n0 = gI(lv, L_N0);
  if (gI(lv, L_CSR) != 0) { gsCSR(lv, x, b, rev); return; }
  const zero = gP(sys, S_ZERO);
  const mask = lv == level(sys, 0) && gI(sys, S_LINKMASK) != 0 ? 1 : 0;
  if (rev == 0) {
    for (let i = 0; i < n0; i++) {
      gsPlaneAny(mask, sys, lv, x, b, i, 0, 0, omega, zero);
      if (i > 0) gsPlaneAny(mask, sys, lv, x, b, i - 1, 1, 0, omega, zero);
    }
    gsPlaneAny(mask, sys, lv, x, b, n0 - 1, 1, 0, omega, zero);
  } else {
    for (let i = n0 - 1; i >= 0; i--) {
      gsPlaneAny(mask, sys, lv, x, b, i, 1, 1, omega, zero);
      if (i < n0 - 1) gsPlaneAny(mask, sys, lv, x, b, i + 1, 0, 1, omega, zero);
    }
    gsPlaneAny(mask, sys, lv, x, b, 0, 0, 1, omega, zero);
  }
}

/** r = b - A x over a level (out: r; mode 1: q = A x and returns x . q instead of ||r||^2). */
function applyA(sys: usize, lv: usize, x: usize, b: usize, r: usize, mode: i32): f64 {
  if (lv == level(sys, 0) && gI(sys, S_LINKMASK) != 0) return applyAMask(sys, lv, x, b, r, mode);
  if (gI(lv, L_CSR) != 0) return applyACSR(lv, x, b, r, mode);
  const n0 = gI(lv, L_N0), n1 = gI(lv, L_N1), n2 = gI(lv, L_N2);
  const s1 = n1 * n2;
  const w1 = wrapOffset(gI(lv, L_PER1), n1, n2), w2 = wrapOffset(gI(lv, L_PER2), n2, 1);
  const gx = gP(lv, L_GX), gy = gP(lv, L_GY), gz = gP(lv, L_GZ), dg = gP(lv, L_DIAG);
  const zero = gP(sys, S_ZERO);
  let acc = 0.0;
  for (let i = 0; i < n0; i++) {
    for (let j = 0; j < n1; j++) {
      const base = (i * n1 + j) * n2;
      const off = <usize>base << 3;
      const gxp = gx + off, xxp = rowXp(x, i, n0, base, s1, zero);
      const gxm = rowXm(gx, i, base, s1, zero), xxm = rowXm(x, i, base, s1, zero);
      const gyp = gy + off, xyp = rowYp(x, j, n1, base, n2, w1, zero);
      const gym = rowYm(gy, j, base, n2, w1, zero), xym = rowYm(x, j, base, n2, w1, zero);
      const gzr = gz + off, xr = x + off, dr = dg + off, rr = r + off;
      if (mode == 0) {
        const br = b + off;
        for (let k = 0; k < n2; k++) {
          const v = ldF(br, k) - (ldF(dr, k) * ldF(xr, k) - rowSum(gzr, xr, gxp, xxp, gxm, xxm, gyp, xyp, gym, xym, k, n2, w2));
          stF(rr, k, v);
          acc += v * v;
        }
      } else {
        for (let k = 0; k < n2; k++) {
          const xc = ldF(xr, k);
          const v = ldF(dr, k) * xc - rowSum(gzr, xr, gxp, xxp, gxm, xxm, gyp, xyp, gym, xym, k, n2, w2);
          stF(rr, k, v);
          acc += xc * v;
        }
      }
    }
  }
  return acc;
}

/** applyA on a masked level 0 (tpMask), same operations in the same order. */
function applyAMask(sys: usize, lv: usize, x: usize, b: usize, r: usize, mode: i32): f64 {
  const n0 = gI(lv, L_N0), n1 = gI(lv, L_N1), n2 = gI(lv, L_N2);
  const s1 = n1 * n2;
  const w1 = wrapOffset(gI(lv, L_PER1), n1, n2), w2 = wrapOffset(gI(lv, L_PER2), n2, 1);
  const msk = gP(sys, S_QUEUE);
  const zero = gP(sys, S_ZERO);
  let acc = 0.0;
  for (let i = 0; i < n0; i++) {
    for (let j = 0; j < n1; j++) {
      const base = (i * n1 + j) * n2;
      const off = <usize>base << 3;
      const xxp = rowXp(x, i, n0, base, s1, zero), xxm = rowXm(x, i, base, s1, zero);
      const xyp = rowYp(x, j, n1, base, n2, w1, zero), xym = rowYm(x, j, base, n2, w1, zero);
      const xr = x + off, rr = r + off, mr = msk + (<usize>base << 2);
      if (mode == 0) {
        const br = b + off;
        for (let k = 0; k < n2; k++) {
          const mk = ldI(mr, k);
          const v = ldF(br, k) - (<f64>(mk >> M_DSHIFT) * ldF(xr, k) - rowSumMask(mk, xr, xxp, xxm, xyp, xym, k, n2, w2));
          stF(rr, k, v);
          acc += v * v;
        }
      } else {
        for (let k = 0; k < n2; k++) {
          const mk = ldI(mr, k);
          const xc = ldF(xr, k);
          const v = <f64>(mk >> M_DSHIFT) * xc - rowSumMask(mk, xr, xxp, xxm, xyp, xym, k, n2, w2);
          stF(rr, k, v);
          acc += xc * v;
        }
      }
    }
  }
  return acc;
}

/** r = b - A x; returns ||r||^2. */
@inline function residual(sys: usize, lv: usize, x: usize, b: usize, r: usize): f64 { return applyA(sys, lv, x, b, r, 0); }

/** q = A p; returns p . q. */
@inline function matvec(sys: usize, lv: usize, p: usize, q: usize): f64 { return applyA(sys, lv, p, p, q, 1); }

/** Coarse right-hand side: sum of the fine residual over each aggregate. */
function restrictSum(fl: usize, cl: usize): void {
  const n0 = gI(fl, L_N0), n1 = gI(fl, L_N1), n2 = gI(fl, L_N2);
  const c1 = gI(cl, L_N1), c2 = gI(cl, L_N2);
  const r = gP(fl, L_RW), cb = gP(cl, L_B);
  memory.fill(cb, 0, <usize>gI(cl, L_N) << 3);
  if (gI(cl, L_CSR) != 0) {
    const agg = gP(fl, L_AGG), nf = gI(fl, L_N);
    for (let a = 0; a < nf; a++) { const g = ldI(agg, a); if (g >= 0) stF(cb, g, ldF(cb, g) + ldF(r, a)); }
    return;
  }
  for (let i = 0; i < n0; i++) {
    for (let j = 0; j < n1; j++) {
      const rowC = ((i >> 1) * c1 + (j >> 1)) * c2, row = (i * n1 + j) * n2;
      for (let k = 0; k < n2; k++) stF(cb, rowC + (k >> 1), ldF(cb, rowC + (k >> 1)) + ldF(r, row + k));
    }
  }
}

/** x_fine += alpha * x_coarse of the cell's aggregate. */
function prolongAdd(fl: usize, cl: usize, alpha: f64): void {
  const n0 = gI(fl, L_N0), n1 = gI(fl, L_N1), n2 = gI(fl, L_N2);
  const c1 = gI(cl, L_N1), c2 = gI(cl, L_N2);
  const x = gP(fl, L_X), cx = gP(cl, L_X), dg = gP(fl, L_DIAG);
  if (gI(cl, L_CSR) != 0) {
    const agg = gP(fl, L_AGG), nf = gI(fl, L_N);
    for (let a = 0; a < nf; a++) { const g = ldI(agg, a); if (g >= 0) stF(x, a, ldF(x, a) + alpha * ldF(cx, g)); }
    return;
  }
  for (let i = 0; i < n0; i++) {
    for (let j = 0; j < n1; j++) {
      const rowC = ((i >> 1) * c1 + (j >> 1)) * c2, row = (i * n1 + j) * n2;
      for (let k = 0; k < n2; k++) {
        if (ldF(dg, row + k) != 0.0) stF(x, row + k, ldF(x, row + k) + alpha * ldF(cx, rowC + (k >> 1)));
      }
    }
  }
}

@inline function dot(a: usize, b: usize, n: i32): f64 { let s = 0.0; for (let c = 0; c < n; c++) s += ldF(a, c) * ldF(b, c); return s; }

/**
 * One multigrid cycle from level l with zero initial guess: L_X ~= A^-1 L_B. V-cycle (S_CYCLE 0):
 * symmetric, the coarse correction scaled by S_ALPHA (unsmoothed aggregation under-corrects). K-cycle
 * (S_CYCLE 1, Notay & Vassilevski 2008): each coarse problem but the coarsest is solved by two steps of
 * flexible CG preconditioned by the cycle one level down, which makes the convergence rate
 * independent of the number of levels; the CG step lengths replace the fixed scale.
 */
function mgCycle(sys: usize, l: i32): void {
  const nlev = gI(sys, S_NLEV), nsm = gI(sys, S_NSMOOTH);
  const lv = level(sys, l);
  const x = gP(lv, L_X), b = gP(lv, L_B);
  memory.fill(x, 0, <usize>gI(lv, L_N) << 3);
  if (l == nlev - 1) {
    const nc = gI(sys, S_NCOARSE);
    for (let s = 0; s < nc; s++) gsSweep(sys, lv, x, b, 0, 1.0);
    for (let s = 0; s < nc; s++) gsSweep(sys, lv, x, b, 1, 1.0);
    return;
  }
  for (let s = 0; s < nsm; s++) gsSweep(sys, lv, x, b, 0, 1.0);
  residual(sys, lv, x, b, gP(lv, L_RW));
  const cl = level(sys, l + 1);
  restrictSum(lv, cl);
  if (gI(sys, S_CYCLE) != 0 && l + 1 < nlev - 1) {
    coarseFCG(sys, l + 1);
    prolongAdd(lv, cl, 1.0);
  } else {
    mgCycle(sys, l + 1);
    prolongAdd(lv, cl, gI(sys, S_CYCLE) != 0 ? 1.0 : gF(sys, S_ALPHA));
  }
  for (let s = 0; s < nsm; s++) gsSweep(sys, lv, x, b, 1, 1.0);
}

/** K-cycle coarse solve on level m: two flexible-CG steps on A_m x = L_B (overwritten), result in L_X. */
function coarseFCG(sys: usize, m: i32): void {
  const lv = level(sys, m);
  const n = gI(lv, L_N);
  const x = gP(lv, L_X), b = gP(lv, L_B), c1 = gP(lv, L_C1), v1 = gP(lv, L_V1), w = gP(lv, L_RW);
  mgCycle(sys, m);
  memory.copy(c1, x, <usize>n << 3);
  const rho1 = matvec(sys, lv, c1, v1);
  if (!(rho1 > 0.0)) return; // c1 = 0: nothing to correct on this level
  const alpha1 = dot(c1, b, n);
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
  const beta = matvec(sys, lv, x, w);
  const gamma = dot(x, v1, n), alpha2 = dot(x, b, n);
  const rho2 = beta - (gamma * gamma) / rho1;
  if (!(rho2 > 0.0)) { for (let c = 0; c < n; c++) stF(x, c, t * ldF(c1, c)); return; }
  const f1 = t - (gamma * alpha2) / (rho1 * rho2), f2 = alpha2 / rho2;
  for (let c = 0; c < n; c++) stF(x, c, f1 * ldF(c1, c) + f2 * ldF(x, c));
}

/** Initial guess: the linear profile of a straight channel on the network, 0 elsewhere. */
export function tpInitGuess(sys: usize): void {
  const lv = level(sys, 0);
  const n0 = gI(lv, L_N0), s1 = gI(lv, L_N1) * gI(lv, L_N2);
  const x = gP(sys, S_XS), dg = gP(lv, L_DIAG);
  for (let i = 0; i < n0; i++) {
    const v = 1.0 - (<f64>i + 0.5) / <f64>n0;
    for (let jk = 0; jk < s1; jk++) { const c = i * s1 + jk; stF(x, c, ldF(dg, c) != 0.0 ? v : 0.0); }
  }
}

/** Currents through the inlet and outlet faces of the solution (voxel units, potential drop 1). */
export function tpFlux(sys: usize): void {
  const lv = level(sys, 0);
  const n0 = gI(lv, L_N0), s1 = gI(lv, L_N1) * gI(lv, L_N2);
  const x = gP(sys, S_XS), gin = gP(sys, S_GIN), gout = gP(sys, S_GOUT);
  let fin = 0.0, fout = 0.0;
  for (let jk = 0; jk < s1; jk++) {
    fin += ldF(gin, jk) * (1.0 - ldF(x, jk));
    fout += ldF(gout, jk) * ldF(x, (n0 - 1) * s1 + jk);
  }
  sF(sys, S_FLUXIN, fin);
  sF(sys, S_FLUXOUT, fout);
}

@inline function norm2(p: usize, n: i32): f64 { let s = 0.0; for (let c = 0; c < n; c++) { const v = ldF(p, c); s += v * v; } return s; }

/** Red-black SOR from the current S_XS; stops when the relative residual <= rtol (checked every S_CHECK sweeps). */
export function tpSolveSOR(sys: usize): i32 {
  const lv = level(sys, 0);
  const n = gI(lv, L_N);
  const x = gP(sys, S_XS), b = gP(lv, L_BPROB), r = gP(sys, S_R);
  const omega = gF(sys, S_OMEGA), rtol = gF(sys, S_RTOL), maxit = gI(sys, S_MAXIT);
  const check0 = gI(sys, S_CHECK);
  const check = check0 < 1 ? 1 : check0;
  const bn = sqrt<f64>(norm2(b, n));
  sF(sys, S_BNORM, bn);
  if (bn == 0.0) { sI(sys, S_ITERS, 0); sF(sys, S_RES, 0.0); sI(sys, S_STATUS, TST_NO_PATH); return TST_NO_PATH; }
  let res = sqrt<f64>(residual(sys, lv, x, b, r)) / bn;
  let it = 0;
  while (res > rtol && it < maxit) {
    gsSweep(sys, lv, x, b, 0, omega);
    it++;
    if (it % check == 0 || it == maxit) {
      res = sqrt<f64>(residual(sys, lv, x, b, r)) / bn;
      if (!(res == res)) break;
    }
  }
  sI(sys, S_ITERS, it);
  sF(sys, S_RES, res);
  const st = !(res == res) ? TST_BREAKDOWN : res <= rtol ? TST_OK : TST_NOT_CONVERGED;
  sI(sys, S_STATUS, st);
  return st;
}

/** Multigrid-preconditioned conjugate gradients from the current S_XS. */
export function tpSolvePCG(sys: usize): i32 {
  const lv = level(sys, 0);
  const n = gI(lv, L_N);
  const x = gP(sys, S_XS), b = gP(lv, L_BPROB);
  const r = gP(sys, S_R), p = gP(sys, S_P), q = gP(sys, S_Q), z = gP(sys, S_Z);
  const rtol = gF(sys, S_RTOL), maxit = gI(sys, S_MAXIT);
  // the V-cycle reads level 0's L_B and writes its L_X: point them at r and z
  sP(lv, L_B, r); sP(lv, L_X, z);
  const bn = sqrt<f64>(norm2(b, n));
  sF(sys, S_BNORM, bn);
  if (bn == 0.0) { sI(sys, S_ITERS, 0); sF(sys, S_RES, 0.0); sI(sys, S_STATUS, TST_NO_PATH); return TST_NO_PATH; }
  let res = sqrt<f64>(residual(sys, lv, x, b, r)) / bn;
  let it = 0, st = TST_OK;
  if (res > rtol) {
    // flexible CG (Polak-Ribiere beta): the K-cycle preconditioner is not a fixed linear operator
    mgCycle(sys, 0);
    let rz = 0.0;
    for (let c = 0; c < n; c++) { const zc = ldF(z, c); stF(p, c, zc); rz += ldF(r, c) * zc; }
    let pr = rz;
    while (it < maxit) {
      const pq = matvec(sys, lv, p, q);
      if (!(pq > 0.0)) { st = TST_BREAKDOWN; break; }
      const a = pr / pq;
      let rr = 0.0;
      for (let c = 0; c < n; c++) {
        stF(x, c, ldF(x, c) + a * ldF(p, c));
        const rc = ldF(r, c) - a * ldF(q, c);
        stF(r, c, rc);
        rr += rc * rc;
      }
      it++;
      res = sqrt<f64>(rr) / bn;
      if (res <= rtol) break;
      mgCycle(sys, 0);
      let rzn = 0.0, zq = 0.0;
      for (let c = 0; c < n; c++) { const zc = ldF(z, c); rzn += ldF(r, c) * zc; zq += zc * ldF(q, c); }
      // z_new . (r_new - r_old) = -a z_new . q
      const beta = (-a * zq) / rz;
      rz = rzn;
      pr = 0.0;
      for (let c = 0; c < n; c++) { const pc = ldF(z, c) + beta * ldF(p, c); stF(p, c, pc); pr += pc * ldF(r, c); }
    }
    // report the true residual, not the recursively updated one
    res = sqrt<f64>(residual(sys, lv, x, b, r)) / bn;
    if (st == TST_OK && res > rtol) st = res == res ? TST_NOT_CONVERGED : TST_BREAKDOWN;
  }
  sI(sys, S_ITERS, it);
  sF(sys, S_RES, res);
  sI(sys, S_STATUS, st);
  return st;
}
