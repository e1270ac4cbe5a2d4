// Steady conduction div(sigma grad phi) = 0 on a voxel grid, discretised exactly as TauFactor does
// (fixtures/transport/README.md): cell-centred finite volumes, face conductance = harmonic mean
// 2 s_i s_j/(s_i + s_j), a half-voxel link of conductance 2 s from the first/last layer to the
// electrode faces held at 1 and 0, lateral faces no-flux or periodic. Row c of the system reads
//   diag_c x_c - sum_nb g_c,nb x_nb = b_c ,  diag_c = sum_nb g_c,nb + dd_c  (dd: Dirichlet links).
// Solvers: red-black SOR (the baseline) and flexible conjugate gradients preconditioned by one V- or
// K-cycle of aggregation multigrid (2x2x2 blocks, Galerkin coarse operators, red-black Gauss-Seidel).
// Pure functions of the memory the host lays out (layout.ts); no allocation, status codes.
import { sI, gI, gF, sF, gP, sP, ldF, stF, ldI, stI, ldB, stB, ldS, stS } from "../common/mem";
import {
  S_NLEV, S_LEVELS, S_GIN, S_GOUT, S_XS, S_R, S_P, S_Q, S_Z, S_MARK, S_QUEUE, S_RTOL, S_MAXIT, S_OMEGA,
  S_NSMOOTH, S_NCOARSE, S_ALPHA, S_ITERS, S_RES, S_BNORM, S_FLUXIN, S_FLUXOUT, S_NACTIVE, S_NPERC, S_CHECK,
  S_STATUS, S_ZERO, S_CYCLE, S_RR, S_RZ, S_ZQ, S_PR, S_RUNS, S_COMPACT, S_NC, S_CX, S_CB, S_CRW, S_CMASK, S_CNX, S_CNY, S_CNZ, S_KD1, S_KD2, S_UNIT, S_UNITON, S_LINKMASK, S_CBASE, S_CEND, S_CLEVEL, M_XP, M_XM, M_YP, M_YM, M_ZP, M_ZM, M_DSHIFT, LEVEL_SLOTS, L_N0, L_N1, L_N2, L_PER1, L_PER2, L_N, L_GX, L_GY, L_GZ, L_DD, L_DIAG, L_X, L_B,
  L_RW, L_BPROB, L_C1, L_V1, L_CSR, L_AGG, L_RP, L_COL, L_VAL, L_NRED, L_CELL, L_DENSE, DENSE_MAX, L_ECOL, L_EVAL, L_ORP, L_OCOL, L_OVAL, ELL_W, TST_OK, TST_NOT_CONVERGED, TST_BREAKDOWN, TST_NO_PATH,
} from "./layout";

@inline function level(sys: usize, l: i32): usize { return gP(sys, S_LEVELS) + <usize>(l * LEVEL_SLOTS * 8); }

/** Wrap offset of a periodic lateral axis ((n-1)*stride), 0 when the axis is not periodic. */
@inline function wrapOffset(per: i32, n: i32, stride: i32): i32 { return per != 0 && n > 1 ? (n - 1) * stride : 0; }

/**
 * True when the colour ((coordinate sum) & 1) of a level's cells/nodes is a proper 2-colouring: links join
 * different colours, except across a periodic seam of an odd number of cells. Only then may a sweep skip
 * the neighbours of its first colour from a zero guess, form residuals with the updates, or take A x = b on
 * the colour updated last.
 */
@inline function properColours(lv: usize): bool {
  const n1 = gI(lv, L_N1), n2 = gI(lv, L_N2);
  return !(gI(lv, L_PER1) != 0 && n1 > 1 && (n1 & 1) != 0) && !(gI(lv, L_PER2) != 0 && n2 > 1 && (n2 & 1) != 0);
}

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
  const n = n0 * s1;
  // a unit field (conductivities 0 or 1; s (s - 1) != 0 also catches NaN), where allowed: the bits only
  let bad = gI(sys, S_UNIT) == 0;
  for (let c = 0; c < n && !bad; c++) { const s = ldF(sg, c); bad = s * (s - 1.0) != 0.0; }
  sI(sys, S_UNITON, bad ? 0 : 1);
  if (!bad) { unitBuild(sys); return; }
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

/** tpBuild of a unit field: the neighbour bits (S_R, as tpPercolate would derive them), the electrode links. */
function unitBuild(sys: usize): void {
  const lv = level(sys, 0);
  const n0 = gI(lv, L_N0), n1 = gI(lv, L_N1), n2 = gI(lv, L_N2);
  const s1 = n1 * n2;
  const w1 = wrapOffset(gI(lv, L_PER1), n1, n2), w2 = wrapOffset(gI(lv, L_PER2), n2, 1);
  const sg = gP(lv, L_RW), nbr = gP(sys, S_R), gin = gP(sys, S_GIN), gout = gP(sys, S_GOUT);
  let nact = 0;
  for (let i = 0; i < n0; i++) {
    for (let j = 0; j < n1; j++) {
      for (let k = 0; k < n2; k++) {
        const c = (i * n1 + j) * n2 + k;
        const on = ldF(sg, c) > 0.0;
        nact += select<i32>(1, 0, on);
        // a link where both cells conduct (harmonic mean > 0), branch-free as in tpPercolate
        let m = 0;
        if (i < n0 - 1) m |= select<i32>(M_XP, 0, ldF(sg, c + s1) > 0.0);
        if (i > 0) m |= select<i32>(M_XM, 0, ldF(sg, c - s1) > 0.0);
        if (j < n1 - 1) m |= select<i32>(M_YP, 0, ldF(sg, c + n2) > 0.0); else if (w1 != 0) m |= select<i32>(M_YP | NB_WYP, 0, ldF(sg, c - w1) > 0.0);
        if (j > 0) m |= select<i32>(M_YM, 0, ldF(sg, c - n2) > 0.0); else if (w1 != 0) m |= select<i32>(M_YM | NB_WYM, 0, ldF(sg, c + w1) > 0.0);
        if (k < n2 - 1) m |= select<i32>(M_ZP, 0, ldF(sg, c + 1) > 0.0); else if (w2 != 0) m |= select<i32>(M_ZP | NB_WZP, 0, ldF(sg, c - w2) > 0.0);
        if (k > 0) m |= select<i32>(M_ZM, 0, ldF(sg, c - 1) > 0.0); else if (w2 != 0) m |= select<i32>(M_ZM | NB_WZM, 0, ldF(sg, c + w2) > 0.0);
        stI(nbr, c, select<i32>(m, 0, on));
        const jk = j * n2 + k;
        if (i == 0) stF(gin, jk, on ? 2.0 : 0.0);
        if (i == n0 - 1) stF(gout, jk, on ? 2.0 : 0.0);
      }
    }
  }
  sI(sys, S_NACTIVE, nact);
}

/** Dirichlet part of the diagonal of a spanning cell of plane i in a unit field: 2 sigma per electrode face. */
@inline function unitDd(i: i32, n0: i32): f64 { return (i == 0 ? 2.0 : 0.0) + (i == n0 - 1 ? 2.0 : 0.0); }

/** Link mask (layout M_*) of a spanning cell of plane i in a unit field from its neighbour bits: diagonal = links + electrode links (tpDiag's sum, all terms integers). */
@inline function unitMask(m: i32, i: i32, n0: i32): i32 {
  const bits = m & (M_XP | M_XM | M_YP | M_YM | M_ZP | M_ZM);
  return bits | ((linkCount(bits) + <i32>unitDd(i, n0)) << M_DSHIFT);
}

/** Number of link bits (M_XP .. M_ZM) set. */
@inline function linkCount(m: i32): i32 { return (m & 1) + ((m >> 1) & 1) + ((m >> 2) & 1) + ((m >> 3) & 1) + ((m >> 4) & 1) + ((m >> 5) & 1); }

// Neighbour bits of a level-0 cell (tpPercolate, i32 per cell in the first half of S_R until the coarse
// levels are built): M_XP .. M_ZM as in the link mask (link conductance > 0), and where the y/z
// neighbour of a set link is the periodic image (j = n1-1 / j = 0 / k = n2-1 / k = 0):
const NB_WYP = 64;
const NB_WYM = 128;
const NB_WZP = 256;
const NB_WZM = 512;

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
  // Connected components by union-find over runs: a run is a maximal sequence of cells along k joined by
  // z links; runs joined by x or y links are united; a component spans when it holds a cell of the inlet
  // layer with an inlet link and one of the outlet layer with an outlet link (the cells a flood fill from
  // both faces would reach, found in streaming passes). Work arrays: S_QUEUE = run of each cell (-1: no
  // link and no electrode link), S_XS = union-find parent per run (i32[n]), then the runs' face flags
  // (i32[n]; bit 0 inlet, bit 1 outlet).
  const run = gP(sys, S_QUEUE), par = gP(sys, S_XS), flags = par + (<usize>n << 2);
  const unit = gI(sys, S_UNITON) != 0;
  memory.fill(mark, 0, <usize>n);
  let nu = 0;
  for (let i = 0; i < n0; i++) {
    for (let j = 0; j < n1; j++) {
      for (let k = 0; k < n2; k++) {
        const c = (i * n1 + j) * n2 + k;
        let m = 0;
        if (unit) m = ldI(nbr, c);
        else {
          // branch-free bits (select); the branches left depend on the position only
          m = select<i32>(M_XP, 0, ldF(gx, c) > 0.0) | select<i32>(j < n1 - 1 ? M_YP : M_YP | NB_WYP, 0, ldF(gy, c) > 0.0)
            | select<i32>(k < n2 - 1 ? M_ZP : M_ZP | NB_WZP, 0, ldF(gz, c) > 0.0);
          if (i > 0) m |= select<i32>(M_XM, 0, ldF(gx, c - s1) > 0.0);
          if (j > 0) m |= select<i32>(M_YM, 0, ldF(gy, c - n2) > 0.0); else if (w1 != 0) m |= select<i32>(M_YM | NB_WYM, 0, ldF(gy, c + w1) > 0.0);
          if (k > 0) m |= select<i32>(M_ZM, 0, ldF(gz, c - 1) > 0.0); else if (w2 != 0) m |= select<i32>(M_ZM | NB_WZM, 0, ldF(gz, c + w2) > 0.0);
          stI(nbr, c, m);
        }
        const jk = j * n2 + k;
        const face = select<i32>(1, 0, i == 0 && ldF(gin, jk) > 0.0) | select<i32>(2, 0, i == n0 - 1 && ldF(gout, jk) > 0.0);
        if ((m | face) == 0) { stI(run, c, -1); continue; }
        // the run of the cell before it along k (not across a periodic seam), or a new one
        let r = 0;
        if ((m & (M_ZM | NB_WZM)) == M_ZM) r = ldI(run, c - 1);
        else { r = nu; stI(par, nu, nu); stI(flags, nu, 0); nu++; }
        stI(run, c, r);
        if (face != 0) stI(flags, r, ldI(flags, r) | face);
        if ((m & M_XM) != 0) ufUnion(par, r, ldI(run, c - s1));
        if ((m & (M_YM | NB_WYM)) == M_YM) ufUnion(par, r, ldI(run, c - n2));
      }
    }
  }
  // links across the periodic seams (their far cells had no run yet in the pass above)
  if (w1 != 0) for (let i = 0; i < n0; i++) for (let k = 0; k < n2; k++) { const c = i * s1 + k; if ((ldI(nbr, c) & NB_WYM) != 0) ufUnion(par, ldI(run, c), ldI(run, c + w1)); }
  if (w2 != 0) for (let r0 = 0; r0 < n0 * n1; r0++) { const c = r0 * n2; if ((ldI(nbr, c) & NB_WZM) != 0) ufUnion(par, ldI(run, c), ldI(run, c + w2)); }
  // face flags of each component at its root, then the marks (3: spanning)
  for (let r = 0; r < nu; r++) { const root = ufFind(par, r); if (root != r) stI(flags, root, ldI(flags, root) | ldI(flags, r)); }
  for (let c = 0; c < n; c++) { const r = ldI(run, c); if (r >= 0) stB(mark, c, ldI(flags, ufFind(par, r))); }
  const per1 = gI(lv, L_PER1) != 0 && n1 > 1, per2 = gI(lv, L_PER2) != 0 && n2 > 1;
  // ... and record the runs of spanning cells along k (S_RUNS)
  const runs = gP(sys, S_RUNS), pairs = runs + (<usize>(n0 * n1 + 1) << 2);
  let np = 0, nr = 0;
  for (let i = 0; i < n0; i++) {
    for (let j = 0; j < n1; j++) {
      stI(runs, i * n1 + j, nr);
      let open = 0;
      for (let k = 0; k < n2; k++) {
        const c = (i * n1 + j) * n2 + k;
        if (ldB(mark, c) == 3) {
          if (open == 0) { stI(pairs, nr << 1, k); stI(pairs, (nr << 1) + 1, np); open = 1; }
          np++;
          continue;
        }
        if (open != 0) { nr++; open = 0; }
        // a cell without any link (no run) has zero conductances already
        if (ldI(run, c) < 0) continue;
        // a removed cell has no link to a spanning one (it would have been reached): zero its electrode
        // links, its own links and those stored at its lower neighbours, which point to it (a unit field
        // has no conductance arrays)
        if (i == 0) stF(gin, c, 0.0);
        if (i == n0 - 1) stF(gout, c - i * s1, 0.0);
        if (unit) continue;
        stF(gx, c, 0.0); stF(gy, c, 0.0); stF(gz, c, 0.0); stF(dd, c, 0.0); stF(bp, c, 0.0);
        if (i > 0) stF(gx, c - s1, 0.0);
        if (j > 0) stF(gy, c - n2, 0.0); else if (per1) stF(gy, c + (n1 - 1) * n2, 0.0);
        if (k > 0) stF(gz, c - 1, 0.0); else if (per2) stF(gz, c + n2 - 1, 0.0);
      }
      if (open != 0) nr++;
    }
  }
  stI(runs, n0 * n1, nr);
  stI(pairs, nr << 1, 0); stI(pairs, (nr << 1) + 1, np);
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
  let nc = 0;
  if (csr) {
    for (let a = 0; a < nf; a++) { stI(par, a, a); stI(lab, a, -1); }
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
    // colour-0 aggregates first, each numbered at its first node; every node points to its root from here on
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
  // level 0 after tpPercolate: the network is the spanning cells, visited through their runs (S_RUNS; par,
  // lab, blk and agg are neither written nor read elsewhere), and its neighbour bits are its links with g > 0
  const nbr = gP(sys, S_R), rn = gP(sys, S_RUNS), pairs = runPairs(rn, fl);
  const rows = n0 * n1;
  for (let row = 0; row < rows; row++) {
    const t1 = ldI(rn, row + 1);
    for (let t = ldI(rn, row); t < t1; t++) {
      const ke = runKe(pairs, t);
      for (let c = row * n2 + ldI(pairs, t << 1); c < row * n2 + ke; c++) { stI(par, c, c); stI(lab, c, -1); }
    }
  }
  for (let row = 0; row < rows; row++) {
    const i = (row / n1) | 0, j = row - i * n1;
    const t1 = ldI(rn, row + 1);
    for (let t = ldI(rn, row); t < t1; t++) {
      const ke = runKe(pairs, t);
      for (let k = ldI(pairs, t << 1); k < ke; k++) {
        const c = row * n2 + k;
        stI(blk, c, blockCode(i, j, k, c1, c2));
        const m = ldI(nbr, c);
        // links whose two cells share a block (the periodic wrap does only on an axis of 2 cells)
        if ((i & 1) == 0 && (m & M_XP) != 0) ufUnion(par, c, c + s1);
        if ((m & M_YP) != 0) { if (j < n1 - 1) { if ((j & 1) == 0) ufUnion(par, c, c + n2); } else if (n1 == 2) ufUnion(par, c, c - n2); }
        if ((m & M_ZP) != 0) { if (k < n2 - 1) { if ((k & 1) == 0) ufUnion(par, c, c + 1); } else if (n2 == 2) ufUnion(par, c, c - 1); }
      }
    }
  }
  // colour-0 aggregates first, each numbered at its first cell; every cell points to its root from here on
  for (let row = 0; row < rows; row++) {
    const t1 = ldI(rn, row + 1);
    for (let t = ldI(rn, row); t < t1; t++) {
      const ke = runKe(pairs, t);
      for (let c = row * n2 + ldI(pairs, t << 1); c < row * n2 + ke; c++) {
        const r = ufFind(par, c);
        stI(par, c, r);
        if ((ldI(blk, c) & 1) == 0 && ldI(lab, r) < 0) { stI(lab, r, nc); nc++; }
      }
    }
  }
  sI(cl, L_NRED, nc);
  for (let row = 0; row < rows; row++) {
    const t1 = ldI(rn, row + 1);
    for (let t = ldI(rn, row); t < t1; t++) {
      const ke = runKe(pairs, t);
      for (let c = row * n2 + ldI(pairs, t << 1); c < row * n2 + ke; c++) {
        const r = ldI(par, c);
        if ((ldI(blk, c) & 1) != 0 && ldI(lab, r) < 0) { stI(lab, r, nc); nc++; }
        stI(agg, c, ldI(lab, r));
      }
    }
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
  // level 0 of a unit field has no L_DD array
  const unit = l == 0 && gI(sys, S_UNITON) != 0;
  const n0 = gI(fl, L_N0), s1 = gI(fl, L_N1) * gI(fl, L_N2);
  for (let g = 0; g <= nc; g++) stI(start, g, 0);
  // level 0: the spanning cells through their runs (L_AGG is not written for the others)
  const rn = l == 0 ? gP(sys, S_RUNS) : 0, pairs = runPairs(rn, fl), n2 = gI(fl, L_N2);
  const rows = l == 0 ? n0 * gI(fl, L_N1) : 1;
  for (let row = 0; row < rows; row++) {
    const t1 = runHi(rn, row);
    for (let t = runLo(rn, row); t < t1; t++) {
      const a1 = rn != 0 ? row * n2 + runKe(pairs, t) : nf;
      for (let a = rn != 0 ? row * n2 + ldI(pairs, t << 1) : 0; a < a1; a++) { const g = ldI(agg, a); if (g >= 0) stI(start, g + 1, ldI(start, g + 1) + 1); }
    }
  }
  for (let g = 0; g < nc; g++) stI(start, g + 1, ldI(start, g + 1) + ldI(start, g));
  for (let row = 0; row < rows; row++) {
    const t1 = runHi(rn, row);
    for (let t = runLo(rn, row); t < t1; t++) {
      const a1 = rn != 0 ? row * n2 + runKe(pairs, t) : nf;
      for (let a = rn != 0 ? row * n2 + ldI(pairs, t << 1) : 0; a < a1; a++) { const g = ldI(agg, a); if (g >= 0) { stI(list, ldI(start, g), a); stI(start, g, ldI(start, g) + 1); } }
    }
  }
  for (let g = nc; g > 0; g--) stI(start, g, ldI(start, g - 1));
  stI(start, 0, 0);
  for (let g = 0; g < nc; g++) {
    const s = ldI(start, g), se = ldI(start, g + 1);
    stI(cell, g, ldI(blk, ldI(list, s)) >> 1);
    let d = 0.0;
    if (unit) for (let t = s; t < se; t++) d += unitDd((ldI(list, t) / s1) | 0, n0);
    else for (let t = s; t < se; t++) d += ldF(fdd, ldI(list, t));
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
  const unit = !csr && gI(sys, S_LINKMASK) != 0;
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
      } else if (unit) {
        // link mask in use: every link conductance is 1 (the arrays need not be read)
        if (e + 6 > cap) return -1;
        const m = ldI(nbr, a);
        if ((m & M_XP) != 0) { const h = ldI(agg, a + s1); if (h != g) e = rowTouch(h, 1.0, rs, e, mk, col, val); }
        if ((m & M_XM) != 0) { const h = ldI(agg, a - s1); if (h != g) e = rowTouch(h, 1.0, rs, e, mk, col, val); }
        if ((m & M_YP) != 0) { const h = ldI(agg, (m & NB_WYP) != 0 ? a - w1 : a + n2); if (h != g) e = rowTouch(h, 1.0, rs, e, mk, col, val); }
        if ((m & M_YM) != 0) { const h = ldI(agg, (m & NB_WYM) != 0 ? a + w1 : a - n2); if (h != g) e = rowTouch(h, 1.0, rs, e, mk, col, val); }
        if ((m & M_ZP) != 0) { const h = ldI(agg, (m & NB_WZP) != 0 ? a - w2 : a + 1); if (h != g) e = rowTouch(h, 1.0, rs, e, mk, col, val); }
        if ((m & M_ZM) != 0) { const h = ldI(agg, (m & NB_WZM) != 0 ? a + w2 : a - 1); if (h != g) e = rowTouch(h, 1.0, rs, e, mk, col, val); }
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
    // resume behind the last array of level l0 (its overflow values)
    const lv = level(sys, l0);
    p = gP(lv, L_OVAL) + pad16(<usize>ldI(gP(lv, L_ORP), gI(lv, L_N)) << 3);
  }
  for (let l = l0; l + 1 < nlev; l++) {
    const cl = level(sys, l + 1);
    const nc = aggregate(sys, l);
    const b8 = pad16(<usize>nc << 3), b4 = pad16(<usize>nc << 2);
    if (p + 7 * b8 + 2 * b4 + pad16(<usize>(nc + 1) << 2) + 48 > end) { sI(sys, S_CLEVEL, l); return 0; }
    sP(cl, L_DD, p); p += b8;
    sP(cl, L_DIAG, p); p += b8;
    // x[nc] = 0: the column of the ELL rows' padding
    sP(cl, L_X, p); stF(p, nc, 0.0); p += pad16(<usize>(nc + 1) << 3);
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
    sP(cl, L_DENSE, 0);
    p = ellBuild(cl, p, end);
    if (p == 0) { sI(sys, S_CLEVEL, l); return 0; }
  }
  // a small coarsest level: its dense Cholesky factor
  const cl = level(sys, nlev - 1);
  const nd = gI(cl, L_N);
  if (nlev > 1 && gI(cl, L_CSR) != 0 && nd <= DENSE_MAX) {
    if (p + (<usize>(nd * nd) << 3) > end) { sI(sys, S_CLEVEL, nlev - 1); return 0; }
    sP(cl, L_DENSE, denseFactor(cl, p) ? p : 0);
  }
  return 1;
}

/**
 * The ELL copy of CSR level lv's rows (layout L_ECOL .. L_OVAL), carved from p; returns the end of the
 * carved arrays, or 0 when they would pass `end`.
 */
function ellBuild(lv: usize, p: usize, end: usize): usize {
  const n = gI(lv, L_N);
  const rp = gP(lv, L_RP), col = gP(lv, L_COL), val = gP(lv, L_VAL);
  let no = 0;
  for (let a = 0; a < n; a++) { const len = ldI(rp, a + 1) - ldI(rp, a); if (len > ELL_W) no += len - ELL_W; }
  const bw = pad16(<usize>(n * ELL_W) << 2);
  if (p + 2 * bw + pad16(<usize>(n + 1) << 2) + pad16(<usize>no << 2) + pad16(<usize>no << 3) > end) return 0;
  const ec = p, ev = p + bw, orp = ev + bw;
  const oc = orp + pad16(<usize>(n + 1) << 2), ov = oc + pad16(<usize>no << 2);
  sP(lv, L_ECOL, ec); sP(lv, L_EVAL, ev); sP(lv, L_ORP, orp); sP(lv, L_OCOL, oc); sP(lv, L_OVAL, ov);
  let o = 0;
  for (let a = 0; a < n; a++) {
    const p0 = ldI(rp, a), len = ldI(rp, a + 1) - p0;
    stI(orp, a, o);
    for (let u = 0; u < ELL_W; u++) {
      const has = u < len;
      stI(ec, a * ELL_W + u, has ? ldI(col, p0 + u) : n);
      stS(ev, a * ELL_W + u, has ? ldF(val, p0 + u) : 0.0);
    }
    for (let u = ELL_W; u < len; u++) { stI(oc, o, ldI(col, p0 + u)); stF(ov, o, ldF(val, p0 + u)); o++; }
  }
  stI(orp, n, o);
  return ov + pad16(<usize>no << 3);
}

/** sum_p val_p x_col_p over row a of an ELL level (entry order of the CSR row; padding adds 0 x[n] = 0). */
@inline function ellRowSum(ec: usize, ev: usize, orp: usize, oc: usize, ov: usize, x: usize, a: i32): f64 {
  const e = a * ELL_W;
  let s = 0.0;
  s += ldS(ev, e) * ldF(x, ldI(ec, e));
  s += ldS(ev, e + 1) * ldF(x, ldI(ec, e + 1));
  s += ldS(ev, e + 2) * ldF(x, ldI(ec, e + 2));
  s += ldS(ev, e + 3) * ldF(x, ldI(ec, e + 3));
  s += ldS(ev, e + 4) * ldF(x, ldI(ec, e + 4));
  s += ldS(ev, e + 5) * ldF(x, ldI(ec, e + 5));
  const oe = ldI(orp, a + 1);
  for (let q = ldI(orp, a); q < oe; q++) s += ldF(ov, q) * ldF(x, ldI(oc, q));
  return s;
}

/**
 * Lower Cholesky factor of a CSR level's matrix (diag, -val) into the n x n array at f (row-major, lower
 * triangle used). Returns false when a pivot is not positive (then the level is smoothed instead).
 */
function denseFactor(lv: usize, f: usize): bool {
  const n = gI(lv, L_N);
  const rp = gP(lv, L_RP), col = gP(lv, L_COL), val = gP(lv, L_VAL), dg = gP(lv, L_DIAG);
  memory.fill(f, 0, <usize>(n * n) << 3);
  for (let a = 0; a < n; a++) {
    stF(f, a * n + a, ldF(dg, a));
    const pe = ldI(rp, a + 1);
    for (let p = ldI(rp, a); p < pe; p++) { const c = ldI(col, p); if (c < a) stF(f, a * n + c, -ldF(val, p)); }
  }
  for (let j = 0; j < n; j++) {
    let d = ldF(f, j * n + j);
    for (let t = 0; t < j; t++) { const v = ldF(f, j * n + t); d -= v * v; }
    if (!(d > 0.0)) return false;
    const ljj = sqrt<f64>(d);
    stF(f, j * n + j, ljj);
    for (let i = j + 1; i < n; i++) {
      let s = ldF(f, i * n + j);
      for (let t = 0; t < j; t++) s -= ldF(f, i * n + t) * ldF(f, j * n + t);
      stF(f, i * n + j, s / ljj);
    }
  }
  return true;
}

/** x = A^-1 b with the dense factor L (L y = b, L^T x = y). */
function denseSolve(lv: usize, x: usize, b: usize): void {
  const n = gI(lv, L_N), f = gP(lv, L_DENSE);
  for (let i = 0; i < n; i++) {
    let s = ldF(b, i);
    for (let t = 0; t < i; t++) s -= ldF(f, i * n + t) * ldF(x, t);
    stF(x, i, s / ldF(f, i * n + i));
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = ldF(x, i);
    for (let t = i + 1; t < n; t++) s -= ldF(f, t * n + i) * ldF(x, t);
    stF(x, i, s / ldF(f, i * n + i));
  }
}

/** Red-black Gauss-Seidel on a CSR level: colour 0 then 1 (rev 0), or 1 then 0 in reverse (rev 1). */
function gsCSR(lv: usize, x: usize, b: usize, rev: i32, r: usize, zg: i32 = 0): void {
  const n = gI(lv, L_N), nred = gI(lv, L_NRED);
  const ec = gP(lv, L_ECOL), ev = gP(lv, L_EVAL), orp = gP(lv, L_ORP), oc = gP(lv, L_OCOL), ov = gP(lv, L_OVAL), dg = gP(lv, L_DIAG);
  for (let t = 0; t < n; t++) {
    const a = rev != 0 ? n - 1 - t : t;
    // zg (forward sweep from x = 0): the colour-0 nodes, first, see only zeros (the sum is +0)
    const s = zg != 0 && a < nred ? 0.0 : ellRowSum(ec, ev, orp, oc, ov, x, a);
    const d = ldF(dg, a), xn = (ldF(b, a) + s) / d;
    stF(x, a, xn);
    // r != 0 (forward sweep): the residual of a colour-1 node with its update (its neighbours, colour 0, are final;
    // applyACSR's arithmetic)
    if (r != 0 && a >= nred) stF(r, a, ldF(b, a) - (d * xn - s));
  }
}

/** applyA on a CSR level. */
function applyACSR(lv: usize, x: usize, b: usize, r: usize, mode: i32): f64 { return applyACSRRange(lv, x, b, r, mode, 0, gI(lv, L_N)); }

/** applyACSR on the nodes [a0, a1). */
function applyACSRRange(lv: usize, x: usize, b: usize, r: usize, mode: i32, a0: i32, a1: i32): f64 {
  const ec = gP(lv, L_ECOL), ev = gP(lv, L_EVAL), orp = gP(lv, L_ORP), oc = gP(lv, L_OCOL), ov = gP(lv, L_OVAL), dg = gP(lv, L_DIAG);
  let acc = 0.0;
  for (let a = a0; a < a1; a++) {
    const s = ellRowSum(ec, ev, orp, oc, ov, x, a);
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
  if (gI(sys, S_UNITON) != 0) {
    // a unit field runs compact: compactBuild forms the masks of the network's nodes from the bits (unitMask)
    sI(sys, S_LINKMASK, 1);
    return;
  }
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

// Runs of level 0 (S_RUNS, built by tpPercolate): per row (i, j) of the grid the maximal runs of
// consecutive network cells along k, so the loops of the smoother, residual and products visit the
// network only (30 % of the cells for a typical electrolyte network) with no branch per cell. On a
// structured coarse level (2x2x2 blocks) each row is one run [0, n2) and cells outside are skipped.
@inline function runsOf(sys: usize, lv: usize): usize { return lv == level(sys, 0) ? gP(sys, S_RUNS) : 0; }
/** Pair array of the runs: of run t its first k at 2t and the number of network cells before it at 2t+1 (run nr: 0, the total). */
@inline function runPairs(rn: usize, lv: usize): usize { return rn + (<usize>(gI(lv, L_N0) * gI(lv, L_N1) + 1) << 2); }
@inline function runLo(rn: usize, row: i32): i32 { return rn != 0 ? ldI(rn, row) : 0; }
@inline function runHi(rn: usize, row: i32): i32 { return rn != 0 ? ldI(rn, row + 1) : 1; }
@inline function runStart(rn: usize, pairs: usize, t: i32): i32 { return rn != 0 ? ldI(pairs, t << 1) : 0; }
@inline function runEnd(rn: usize, pairs: usize, t: i32, n2: i32): i32 { return rn != 0 ? runKe(pairs, t) : n2; }
/** End (exclusive, along k) of run t: its start plus its length (the next run's first node minus its own). */
@inline function runKe(pairs: usize, t: i32): i32 { return ldI(pairs, t << 1) + ldI(pairs, (t << 1) + 3) - ldI(pairs, (t << 1) + 1); }

/**
 * Gauss-Seidel / SOR update of the cells of one colour ((i+j+k) & 1 == color) in plane i; cells with
 * diag 0 (outside the network) are left alone. Cells of one colour do not depend on each other, so
 * the order within the plane does not matter.
 */
@inline function gsPlane(sys: usize, lv: usize, x: usize, b: usize, i: i32, color: i32, omega: f64, zero: usize, r: usize): void {
  const n0 = gI(lv, L_N0), n1 = gI(lv, L_N1), n2 = gI(lv, L_N2);
  const s1 = n1 * n2;
  const w1 = wrapOffset(gI(lv, L_PER1), n1, n2), w2 = wrapOffset(gI(lv, L_PER2), n2, 1);
  const gx = gP(lv, L_GX), gy = gP(lv, L_GY), gz = gP(lv, L_GZ), dg = gP(lv, L_DIAG);
  const rn = runsOf(sys, lv), pairs = runPairs(rn, lv);
  const plain = omega == 1.0;
  for (let j = 0; j < n1; j++) {
    const row = i * n1 + j;
    const t1 = runHi(rn, row);
    const base = row * n2;
    const off = <usize>base << 3;
    const gxp = gx + off, xxp = rowXp(x, i, n0, base, s1, zero);
    const gxm = rowXm(gx, i, base, s1, zero), xxm = rowXm(x, i, base, s1, zero);
    const gyp = gy + off, xyp = rowYp(x, j, n1, base, n2, w1, zero);
    const gym = rowYm(gy, j, base, n2, w1, zero), xym = rowYm(x, j, base, n2, w1, zero);
    const gzr = gz + off, xr = x + off, br = b + off, dr = dg + off;
    for (let t = runLo(rn, row); t < t1; t++) {
      const ks = runStart(rn, pairs, t), ke = runEnd(rn, pairs, t, n2);
      for (let k = ks + ((color + i + j + ks) & 1); k < ke; k += 2) {
        const d = ldF(dr, k);
        // outside the network (a structured coarse level; level 0's runs hold none): r = b - (0 x - 0) = b
        if (d == 0.0) { if (r != 0) stF(r + off, k, ldF(br, k)); continue; }
        const s = rowSum(gzr, xr, gxp, xxp, gxm, xxm, gyp, xyp, gym, xym, k, n2, w2);
        const xn = (ldF(br, k) + s) / d;
        if (plain) {
          stF(xr, k, xn);
          // the residual of the updated cell, its neighbours being final (resPlane's arithmetic)
          if (r != 0) stF(r + off, k, ldF(br, k) - (d * xn - s));
        } else { const xo = ldF(xr, k); stF(xr, k, xo + omega * (xn - xo)); }
      }
    }
  }
}

/** gsPlane on a masked level 0 (tpMask, runs): the same updates from one i32 per cell instead of four f64 arrays. */
@inline function gsPlaneMask(sys: usize, lv: usize, x: usize, b: usize, i: i32, color: i32, omega: f64, zero: usize, r: usize): void {
  const n0 = gI(lv, L_N0), n1 = gI(lv, L_N1), n2 = gI(lv, L_N2);
  const s1 = n1 * n2;
  const w1 = wrapOffset(gI(lv, L_PER1), n1, n2), w2 = wrapOffset(gI(lv, L_PER2), n2, 1);
  const msk = gP(sys, S_QUEUE);
  const rn = gP(sys, S_RUNS), pairs = runPairs(rn, lv);
  const plain = omega == 1.0;
  for (let j = 0; j < n1; j++) {
    const row = i * n1 + j;
    const t1 = ldI(rn, row + 1);
    const base = row * n2;
    const off = <usize>base << 3;
    const xxp = rowXp(x, i, n0, base, s1, zero), xxm = rowXm(x, i, base, s1, zero);
    const xyp = rowYp(x, j, n1, base, n2, w1, zero), xym = rowYm(x, j, base, n2, w1, zero);
    const xr = x + off, br = b + off, mr = msk + (<usize>base << 2);
    for (let t = ldI(rn, row); t < t1; t++) {
      const ks = ldI(pairs, t << 1), ke = runKe(pairs, t);
      for (let k = ks + ((color + i + j + ks) & 1); k < ke; k += 2) {
        const mk = ldI(mr, k);
        const s = rowSumMask(mk, xr, xxp, xxm, xyp, xym, k, n2, w2);
        const xn = (ldF(br, k) + s) / <f64>(mk >> M_DSHIFT);
        if (plain) {
          stF(xr, k, xn);
          if (r != 0) stF(r + off, k, ldF(br, k) - (<f64>(mk >> M_DSHIFT) * xn - s));
        } else { const xo = ldF(xr, k); stF(xr, k, xo + omega * (xn - xo)); }
      }
    }
  }
}

/** One colour of plane i on the link mask (level 0, tpMask) or on the general arrays. */
@inline function gsPlaneAny(mask: i32, sys: usize, lv: usize, x: usize, b: usize, i: i32, color: i32, omega: f64, zero: usize, r: usize): void {
  if (mask != 0) gsPlaneMask(sys, lv, x, b, i, color, omega, zero, r);
  else gsPlane(sys, lv, x, b, i, color, omega, zero, r);
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
  if (gI(lv, L_CSR) != 0) { gsCSR(lv, x, b, rev, 0); return; }
  const zero = gP(sys, S_ZERO);
  const mask = lv == level(sys, 0) && gI(sys, S_LINKMASK) != 0 ? 1 : 0;
  // the compact level (multigrid only: omega 1) or the grid
  const cmp = isCompact(sys, lv);
  if (rev == 0) {
    for (let i = 0; i < n0; i++) {
      gsAny(cmp, mask, sys, lv, x, b, i, 0, omega, zero, 0);
      if (i > 0) gsAny(cmp, mask, sys, lv, x, b, i - 1, 1, omega, zero, 0);
    }
    gsAny(cmp, mask, sys, lv, x, b, n0 - 1, 1, omega, zero, 0);
  } else {
    for (let i = n0 - 1; i >= 0; i--) {
      gsAny(cmp, mask, sys, lv, x, b, i, 1, omega, zero, 0);
      if (i < n0 - 1) gsAny(cmp, mask, sys, lv, x, b, i + 1, 0, omega, zero, 0);
    }
    gsAny(cmp, mask, sys, lv, x, b, 0, 0, omega, zero, 0);
  }
}

/** r = b - A x over a level (out: r; mode 1: q = A x and returns x . q instead of ||r||^2). */
function applyA(sys: usize, lv: usize, x: usize, b: usize, r: usize, mode: i32): f64 {
  // (level 0's products run in cgDirection's planes; what reaches here on a masked level 0 is a residual)
  if (lv == level(sys, 0) && gI(sys, S_LINKMASK) != 0) return applyAMask(sys, lv, x, b, r);
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

/** r = b - A x on a masked level 0 (tpMask), the operations of applyA in the same order; returns ||r||^2. */
function applyAMask(sys: usize, lv: usize, x: usize, b: usize, r: usize): f64 {
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
      const xr = x + off, rr = r + off, br = b + off, mr = msk + (<usize>base << 2);
      for (let k = 0; k < n2; k++) {
        const mk = ldI(mr, k);
        const v = ldF(br, k) - (<f64>(mk >> M_DSHIFT) * ldF(xr, k) - rowSumMask(mk, xr, xxp, xxm, xyp, xym, k, n2, w2));
        stF(rr, k, v);
        acc += v * v;
      }
    }
  }
  return acc;
}

/** r = b - A x; returns ||r||^2. */
@inline function residual(sys: usize, lv: usize, x: usize, b: usize, r: usize): f64 { return isCompact(sys, lv) ? applyAC(sys, lv, x, b, r) : applyA(sys, lv, x, b, r, 0); }

/** q = A p; returns p . q. */
@inline function matvec(sys: usize, lv: usize, p: usize, q: usize): f64 { return applyA(sys, lv, p, p, q, 1); }

/** Coarse right-hand side of a sparse level's cycle: the fine residual summed over each aggregate. */
function restrictSum(fl: usize, cl: usize): void {
  const r = gP(fl, L_RW), cb = gP(cl, L_B), agg = gP(fl, L_AGG), nf = gI(fl, L_N);
  memory.fill(cb, 0, <usize>gI(cl, L_N) << 3);
  for (let a = 0; a < nf; a++) { const g = ldI(agg, a); if (g >= 0) stF(cb, g, ldF(cb, g) + ldF(r, a)); }
}

/** x_fine += alpha * x_coarse of the node's aggregate, on a sparse level (structured levels: prolongPlane). */
function prolongAdd(fl: usize, cl: usize, alpha: f64): void {
  const x = gP(fl, L_X), cx = gP(cl, L_X), agg = gP(fl, L_AGG), nf = gI(fl, L_N);
  for (let a = 0; a < nf; a++) { const g = ldI(agg, a); if (g >= 0) stF(x, a, ldF(x, a) + alpha * ldF(cx, g)); }
}


// ---- fused passes over a structured level (level 0 of every solve) ----
// A cycle on level 0 used to make seven passes over the grid (zero fill, pre-smoothing, residual,
// restriction, prolongation, post-smoothing, and the CG's updates and dot products). Here each plane is
// handed from one operation to the next while it is in cache: the pre-smoothing pass zeroes the planes
// ahead of it and computes the residual and its restriction behind it, the post-smoothing pass
// prolongs ahead of it and forms the CG dot products behind it, and the CG's new direction is followed,
// one plane behind, by its product with A. Each cell sees the operations of the separate loops in the
// same order (the colours of a red-black sweep do not depend on their own colour), so only the
// summation order of the post-pass dot products differs from separate loops.

/** x = 0 on cells/nodes [lo, hi). */
@inline function zeroRange(x: usize, lo: i32, hi: i32): void { memory.fill(x + (<usize>lo << 3), 0, <usize>(hi - lo) << 3); }

/** b -= a q on cells/nodes [lo, hi); returns acc + the sum of the new b^2 (in order). */
@inline function axpyRange(b: usize, q: usize, a: f64, lo: i32, hi: i32, acc: f64): f64 {
  for (let c = lo; c < hi; c++) { const v = ldF(b, c) - a * ldF(q, c); stF(b, c, v); acc += v * v; }
  return acc;
}

/** r = b - A x on the network cells of one colour of plane i (the arithmetic of applyA / applyAMask; r elsewhere is not written). */
function resPlane(sys: usize, lv: usize, mask: i32, x: usize, b: usize, r: usize, i: i32, color: i32, zero: usize): void {
  const n0 = gI(lv, L_N0), n1 = gI(lv, L_N1), n2 = gI(lv, L_N2);
  const s1 = n1 * n2;
  const w1 = wrapOffset(gI(lv, L_PER1), n1, n2), w2 = wrapOffset(gI(lv, L_PER2), n2, 1);
  const rn = runsOf(sys, lv), pairs = runPairs(rn, lv);
  for (let j = 0; j < n1; j++) {
    const row = i * n1 + j;
    const t1 = runHi(rn, row);
    const base = row * n2;
    const off = <usize>base << 3;
    const xxp = rowXp(x, i, n0, base, s1, zero), xxm = rowXm(x, i, base, s1, zero);
    const xyp = rowYp(x, j, n1, base, n2, w1, zero), xym = rowYm(x, j, base, n2, w1, zero);
    const xr = x + off, br = b + off, rr = r + off;
    if (mask != 0) {
      const mr = gP(sys, S_QUEUE) + (<usize>base << 2);
      for (let t = runLo(rn, row); t < t1; t++) {
        const ks = runStart(rn, pairs, t), ke = runEnd(rn, pairs, t, n2);
        for (let k = ks + ((color + i + j + ks) & 1); k < ke; k += 2) {
          const mk = ldI(mr, k);
          stF(rr, k, ldF(br, k) - (<f64>(mk >> M_DSHIFT) * ldF(xr, k) - rowSumMask(mk, xr, xxp, xxm, xyp, xym, k, n2, w2)));
        }
      }
    } else {
      const gx = gP(lv, L_GX), gy = gP(lv, L_GY);
      const gxp = gx + off, gxm = rowXm(gx, i, base, s1, zero), gyp = gy + off, gym = rowYm(gy, j, base, n2, w1, zero);
      const gzr = gP(lv, L_GZ) + off, dr = gP(lv, L_DIAG) + off;
      for (let t = runLo(rn, row); t < t1; t++) {
        const ks = runStart(rn, pairs, t), ke = runEnd(rn, pairs, t, n2);
        for (let k = ks + ((color + i + j + ks) & 1); k < ke; k += 2) {
          stF(rr, k, ldF(br, k) - (ldF(dr, k) * ldF(xr, k) - rowSum(gzr, xr, gxp, xxp, gxm, xxm, gyp, xyp, gym, xym, k, n2, w2)));
        }
      }
    }
  }
}

/**
 * q = A p on the network cells of plane i of level 0 (the arithmetic of applyA mode 1; q elsewhere is not
 * written and stays 0); returns acc + p . q over them (cell order).
 */
function mvPlane(sys: usize, lv: usize, mask: i32, p: usize, q: usize, i: i32, zero: usize, acc: f64): f64 {
  const n0 = gI(lv, L_N0), n1 = gI(lv, L_N1), n2 = gI(lv, L_N2);
  const s1 = n1 * n2;
  const w1 = wrapOffset(gI(lv, L_PER1), n1, n2), w2 = wrapOffset(gI(lv, L_PER2), n2, 1);
  const rn = gP(sys, S_RUNS), pairs = runPairs(rn, lv);
  for (let j = 0; j < n1; j++) {
    const row = i * n1 + j;
    const t1 = ldI(rn, row + 1);
    const base = row * n2;
    const off = <usize>base << 3;
    const xxp = rowXp(p, i, n0, base, s1, zero), xxm = rowXm(p, i, base, s1, zero);
    const xyp = rowYp(p, j, n1, base, n2, w1, zero), xym = rowYm(p, j, base, n2, w1, zero);
    const xr = p + off, qr = q + off;
    if (mask != 0) {
      const mr = gP(sys, S_QUEUE) + (<usize>base << 2);
      for (let t = ldI(rn, row); t < t1; t++) {
        const ke = runKe(pairs, t);
        for (let k = ldI(pairs, t << 1); k < ke; k++) {
          const mk = ldI(mr, k);
          const xc = ldF(xr, k);
          const v = <f64>(mk >> M_DSHIFT) * xc - rowSumMask(mk, xr, xxp, xxm, xyp, xym, k, n2, w2);
          stF(qr, k, v);
          acc += xc * v;
        }
      }
    } else {
      const gx = gP(lv, L_GX), gy = gP(lv, L_GY);
      const gxp = gx + off, gxm = rowXm(gx, i, base, s1, zero), gyp = gy + off, gym = rowYm(gy, j, base, n2, w1, zero);
      const gzr = gP(lv, L_GZ) + off, dr = gP(lv, L_DIAG) + off;
      for (let t = ldI(rn, row); t < t1; t++) {
        const ke = runKe(pairs, t);
        for (let k = ldI(pairs, t << 1); k < ke; k++) {
          const xc = ldF(xr, k);
          const v = ldF(dr, k) * xc - rowSum(gzr, xr, gxp, xxp, gxm, xxm, gyp, xyp, gym, xym, k, n2, w2);
          stF(qr, k, v);
          acc += xc * v;
        }
      }
    }
  }
  return acc;
}

/** Restriction of plane i of a structured or compact level (cells in order; on level 0 the network cells only, the others have r = 0). */
function restrictPlane(sys: usize, fl: usize, cl: usize, i: i32): void {
  const n1 = gI(fl, L_N1), n2 = gI(fl, L_N2);
  const c1 = gI(cl, L_N1), c2 = gI(cl, L_N2);
  const r = gP(fl, L_RW), cb = gP(cl, L_B);
  if (isCompact(sys, fl)) {
    // nodes in order (= the grid path's cells), each in an aggregate
    const agg = gP(fl, L_AGG), cr = gP(sys, S_CRW), hi = planeNode(sys, fl, i + 1);
    for (let a = planeNode(sys, fl, i); a < hi; a++) { const g = ldI(agg, a); stF(cb, g, ldF(cb, g) + ldF(cr, a)); }
    return;
  }
  const rn = runsOf(sys, fl), pairs = runPairs(rn, fl);
  const csr = gI(cl, L_CSR) != 0;
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
function prolongPlane(sys: usize, fl: usize, cl: usize, i: i32, alpha: f64): void {
  const n1 = gI(fl, L_N1), n2 = gI(fl, L_N2);
  const c1 = gI(cl, L_N1), c2 = gI(cl, L_N2);
  const x = gP(fl, L_X), cx = gP(cl, L_X), dg = gP(fl, L_DIAG);
  if (isCompact(sys, fl)) {
    const agg = gP(fl, L_AGG), hi = planeNode(sys, fl, i + 1);
    for (let a = planeNode(sys, fl, i); a < hi; a++) stF(x, a, ldF(x, a) + alpha * ldF(cx, ldI(agg, a)));
    return;
  }
  const rn = runsOf(sys, fl), pairs = runPairs(rn, fl);
  const csr = gI(cl, L_CSR) != 0;
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

// ---- compact level 0 ----
// With the link mask in use and component aggregates below it, the network is typically a third of the
// grid or less, and every pass over level 0 is bound by memory traffic (measured: a red-black sweep over
// the 200^3 electrolyte network costs as much as one over a fully conducting grid, in wasm and in C).
// tpSolvePCG then numbers the network cells (node a = the a-th in grid order, so the runs of S_RUNS give
// each run's first node) and runs level 0 and the CG on node arrays: per node a link mask and the nodes
// of its x and y neighbours (the z neighbours are a +- 1, or the row's first/last node across a periodic
// seam). The sums are formed in the order of the grid path, so both give the same bits.

/** First node of plane i (i = n0: the node count). */
@inline function planeNode(sys: usize, lv: usize, i: i32): i32 {
  const rn = gP(sys, S_RUNS);
  return ldI(runPairs(rn, lv), (ldI(rn, i * gI(lv, L_N1)) << 1) + 1);
}

/** True when level lv runs on the compact node arrays. */
@inline function isCompact(sys: usize, lv: usize): bool { return lv == level(sys, 0) && gI(sys, S_NC) > 0; }

/** First cell (grid) or node (compact) of plane i. */
@inline function planeLo(sys: usize, lv: usize, cmp: bool, i: i32, s1: i32): i32 { return cmp ? planeNode(sys, lv, i) : i * s1; }

/**
 * Numbers the network cells and fills the node arrays (layout S_NC .. S_CNY) from level 0's cell arrays:
 * link mask, right-hand side, initial guess (S_XS), neighbour nodes, and level 0's aggregate map per node
 * (in place: node a <= its cell). S_XS holds the cell -> node map in the low half of each slot meanwhile.
 * Returns the node count.
 */
function compactBuild(sys: usize): i32 {
  const lv = level(sys, 0);
  const n0 = gI(lv, L_N0), n1 = gI(lv, L_N1), n2 = gI(lv, L_N2);
  const s1 = n1 * n2;
  const w1 = wrapOffset(gI(lv, L_PER1), n1, n2), w2 = wrapOffset(gI(lv, L_PER2), n2, 1);
  const rn = gP(sys, S_RUNS), pairs = runPairs(rn, lv);
  const xs = gP(sys, S_XS), msk = gP(sys, S_QUEUE), nbr = gP(sys, S_R), bp = gP(lv, L_BPROB), agg = gP(lv, L_AGG);
  const cx = gP(lv, L_GX), cb = gP(lv, L_GY), cm = gP(lv, L_RW), nx = gP(lv, L_DD), ny = gP(lv, L_DIAG), nz = bp;
  const nc = planeNode(sys, lv, n0);
  const rows = n0 * n1;
  const unit = gI(sys, S_UNITON) != 0;
  // pass 1: node arrays (b read from L_BPROB before pass 2 overwrites it with the z neighbours)
  for (let row = 0; row < rows; row++) {
    const t1 = ldI(rn, row + 1);
    const i = (row / n1) | 0;
    for (let t = ldI(rn, row); t < t1; t++) {
      const ks = ldI(pairs, t << 1), a0 = ldI(pairs, (t << 1) + 1), ke = runKe(pairs, t);
      for (let k = ks; k < ke; k++) {
        const c = row * n2 + k, a = a0 + k - ks;
        // a unit field: guess, right-hand side (2 sigma = 2 on the inlet layer) and mask from the position and bits
        stF(cx, a, unit ? initialGuess(i, n0) : ldF(xs, c));
        stI(xs, c << 1, a);
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
        stI(nx, a << 1, (mk & M_XP) != 0 ? ldI(xs, (c + s1) << 1) : nc);
        stI(nx, (a << 1) + 1, (mk & M_XM) != 0 ? ldI(xs, (c - s1) << 1) : nc);
        stI(ny, a << 1, (mk & M_YP) != 0 ? ldI(xs, ((m & NB_WYP) != 0 ? c - w1 : c + n2) << 1) : nc);
        stI(ny, (a << 1) + 1, (mk & M_YM) != 0 ? ldI(xs, ((m & NB_WYM) != 0 ? c + w1 : c - n2) << 1) : nc);
        stI(nz, a << 1, (mk & M_ZP) != 0 ? ldI(xs, ((m & NB_WZP) != 0 ? c - w2 : c + 1) << 1) : nc);
        stI(nz, (a << 1) + 1, (mk & M_ZM) != 0 ? ldI(xs, ((m & NB_WZM) != 0 ? c + w2 : c - 1) << 1) : nc);
      }
    }
  }
  sP(sys, S_CX, cx); sP(sys, S_CB, cb); sP(sys, S_CRW, gP(lv, L_GZ)); sP(sys, S_CMASK, cm); sP(sys, S_CNX, nx); sP(sys, S_CNY, ny); sP(sys, S_CNZ, nz);
  return nc;
}

/** The potential of the nodes back on the grid (S_XS; 0 outside the network). */
function compactScatter(sys: usize): void {
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

/**
 * Node kernel over plane i (compact level 0), one colour or (color -1) all nodes: op 0 Gauss-Seidel
 * update of x (op 3: from x = 0; r != 0: also the residual); op 1 r = b - A x; op 2 r = A x (mv), returns
 * acc + x . r.
 */
@inline function planeC(sys: usize, lv: usize, op: i32, x: usize, b: usize, r: usize, i: i32, color: i32, acc: f64): f64 {
  const n1 = gI(lv, L_N1), n2 = gI(lv, L_N2);
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
        // op 3: the first update from a zero guess reads no neighbour (they are all 0: the sum is +0)
        const s = op == 3 ? 0.0 : rowSumC(x, nx, ny, nz, a);
        if (op == 0 || op == 3) {
          const xn = (ldF(b, a) + s) / <f64>(mk >> M_DSHIFT);
          stF(x, a, xn);
          if (r != 0) stF(r, a, ldF(b, a) - (<f64>(mk >> M_DSHIFT) * xn - s));
        }
        else if (op == 1) stF(r, a, ldF(b, a) - (<f64>(mk >> M_DSHIFT) * ldF(x, a) - s));
        else { const xc = ldF(x, a); const v = <f64>(mk >> M_DSHIFT) * xc - s; stF(r, a, v); acc += xc * v; }
      }
    }
  }
  return acc;
}

/** r = b - A x over all nodes (compact level 0); returns ||r||^2 (node order = the grid path's cell order). */
function applyAC(sys: usize, lv: usize, x: usize, b: usize, r: usize): f64 {
  const n0 = gI(lv, L_N0);
  for (let i = 0; i < n0; i++) planeC(sys, lv, 1, x, b, r, i, -1, 0.0);
  const nc = gI(sys, S_NC);
  let acc = 0.0;
  for (let a = 0; a < nc; a++) { const v = ldF(r, a); acc += v * v; }
  return acc;
}

/** Gauss-Seidel update of one colour of plane i: compact nodes, link mask or general arrays. */
@inline function gsAny(cmp: bool, mask: i32, sys: usize, lv: usize, x: usize, b: usize, i: i32, color: i32, omega: f64, zero: usize, r: usize, zg: i32 = 0): void {
  if (cmp) { if (zg != 0) planeC(sys, lv, 3, x, b, r, i, color, 0.0); else planeC(sys, lv, 0, x, b, r, i, color, 0.0); }
  else gsPlaneAny(mask, sys, lv, x, b, i, color, omega, zero, r);
}

/** r = b - A x on one colour of plane i: compact nodes or grid. */
@inline function resAny(cmp: bool, mask: i32, sys: usize, lv: usize, x: usize, b: usize, r: usize, i: i32, color: i32, zero: usize): void {
  if (cmp) planeC(sys, lv, 1, x, b, r, i, color, 0.0);
  else resPlane(sys, lv, mask, x, b, r, i, color, zero);
}

/** The link mask flag of a structured level (only level 0 has one). */
@inline function maskOf(sys: usize, lv: usize): i32 { return lv == level(sys, 0) && gI(sys, S_LINKMASK) != 0 ? 1 : 0; }

/**
 * One forward red-black sweep of a structured level l in one pass, with what can ride along:
 * q != 0: b -= a q plane by plane first (returns ||b||^2); zero: the zero initial guess (each plane is
 * zeroed before a neighbour reads it); smooth 0: no sweep; resid: r = b - A x into L_RW and its
 * restriction to level l+1, each plane once all its neighbours are final (black: one plane behind the
 * sweep, red: two).
 */
function fwdPass(sys: usize, l: i32, q: usize, a: f64, zero: i32, smooth: i32, resid: i32): f64 {
  const lv = level(sys, l), cl = level(sys, l + 1);
  const n0 = gI(lv, L_N0), s1 = gI(lv, L_N1) * gI(lv, L_N2);
  const cmp = isCompact(sys, lv);
  const x = gP(lv, L_X), b = gP(lv, L_B), r = cmp ? gP(sys, S_CRW) : gP(lv, L_RW), zr = gP(sys, S_ZERO);
  const mask = maskOf(sys, lv);
  const proper = properColours(lv);
  const rb: usize = resid != 0 && proper ? r : 0;
  if (resid != 0) memory.fill(gP(cl, L_B), 0, <usize>gI(cl, L_N) << 3);
  let rr = 0.0;
  // the compact level writes every node in the sweep and its first (red) updates from a zero guess read no
  // neighbour, so x needs no zeroing there; the grid keeps cells outside the network at 0
  const zg = zero != 0 && cmp && smooth != 0 && proper ? 1 : 0;
  const zfill = zero != 0 && zg == 0;
  if (zfill) zeroRange(x, 0, planeLo(sys, lv, cmp, 1, s1));
  for (let i = 0; i < n0; i++) {
    if (q != 0) rr = axpyRange(b, q, a, planeLo(sys, lv, cmp, i, s1), planeLo(sys, lv, cmp, i + 1, s1), rr);
    if (zfill && i + 1 < n0) zeroRange(x, planeLo(sys, lv, cmp, i + 1, s1), planeLo(sys, lv, cmp, i + 2, s1));
    // black cells: the residual is formed with the update (their red neighbours are final)
    if (smooth != 0) {
      gsAny(cmp, mask, sys, lv, x, b, i, 0, 1.0, zr, 0, zg);
      if (i > 0) gsAny(cmp, mask, sys, lv, x, b, i - 1, 1, 1.0, zr, rb);
    }
    if (resid != 0 && i > 0 && rb == 0) resAny(cmp, mask, sys, lv, x, b, r, i - 1, 1, zr);
    if (resid != 0 && i > 1) { resAny(cmp, mask, sys, lv, x, b, r, i - 2, 0, zr); restrictPlane(sys, lv, cl, i - 2); }
  }
  if (smooth != 0) gsAny(cmp, mask, sys, lv, x, b, n0 - 1, 1, 1.0, zr, rb);
  if (resid != 0 && rb == 0) resAny(cmp, mask, sys, lv, x, b, r, n0 - 1, 1, zr);
  if (resid != 0) {
    for (let i = n0 > 1 ? n0 - 2 : 0; i < n0; i++) { resAny(cmp, mask, sys, lv, x, b, r, i, 0, zr); restrictPlane(sys, lv, cl, i); }
  }
  return rr;
}

/**
 * One reverse red-black sweep of a structured level l in one pass: prolong != 0: x += alpha * (level
 * l+1's correction) first, each plane before a neighbour reads it; smooth 0: no sweep; dq != 0: r . x
 * and x . dq (r = L_B) into S_RZ, S_ZQ, each plane once final (planes descending, cells ascending).
 */
function bwdPass(sys: usize, l: i32, alpha: f64, prolong: i32, smooth: i32, dq: usize): void {
  const lv = level(sys, l), cl = level(sys, l + 1);
  const n0 = gI(lv, L_N0), s1 = gI(lv, L_N1) * gI(lv, L_N2);
  const cmp = isCompact(sys, lv);
  const x = gP(lv, L_X), b = gP(lv, L_B), zr = gP(sys, S_ZERO);
  const mask = maskOf(sys, lv);
  let rz = 0.0, zq = 0.0;
  if (prolong != 0) prolongPlane(sys, lv, cl, n0 - 1, alpha);
  for (let i = n0 - 1; i >= 0; i--) {
    if (prolong != 0 && i > 0) prolongPlane(sys, lv, cl, i - 1, alpha);
    if (smooth != 0) {
      gsAny(cmp, mask, sys, lv, x, b, i, 1, 1.0, zr, 0);
      if (i < n0 - 1) gsAny(cmp, mask, sys, lv, x, b, i + 1, 0, 1.0, zr, 0);
    }
    if (dq != 0 && i < n0 - 1) {
      const c1 = planeLo(sys, lv, cmp, i + 2, s1);
      for (let c = planeLo(sys, lv, cmp, i + 1, s1); c < c1; c++) { const zc = ldF(x, c); rz += ldF(b, c) * zc; zq += zc * ldF(dq, c); }
    }
  }
  if (smooth != 0) gsAny(cmp, mask, sys, lv, x, b, 0, 0, 1.0, zr, 0);
  if (dq != 0) {
    const c1 = planeLo(sys, lv, cmp, 1, s1);
    for (let c = 0; c < c1; c++) { const zc = ldF(x, c); rz += ldF(b, c) * zc; zq += zc * ldF(dq, c); }
    sF(sys, S_RZ, rz);
    sF(sys, S_ZQ, zq);
  }
}

/**
 * First half of a multigrid cycle on level l, zero initial guess: pre-smoothing, residual, restriction
 * (q != 0, level 0 in CG: b -= a q first, ||b||^2 into S_RR). On the coarsest level: the whole coarse solve.
 */
function cyclePre(sys: usize, l: i32, q: usize, a: f64): void {
  const nlev = gI(sys, S_NLEV), nsm = gI(sys, S_NSMOOTH);
  const lv = level(sys, l);
  const x = gP(lv, L_X), b = gP(lv, L_B);
  const n = gI(lv, L_N);
  if (l == nlev - 1) {
    if (q != 0) { let rr = 0.0; for (let c = 0; c < n; c++) { const v = ldF(b, c) - a * ldF(q, c); stF(b, c, v); rr += v * v; } sF(sys, S_RR, rr); }
    if (gI(lv, L_CSR) != 0 && gP(lv, L_DENSE) != 0) { denseSolve(lv, x, b); return; }
    memory.fill(x, 0, <usize>n << 3);
    const nc = gI(sys, S_NCOARSE);
    for (let s = 0; s < nc; s++) gsSweep(sys, lv, x, b, 0, 1.0);
    for (let s = 0; s < nc; s++) gsSweep(sys, lv, x, b, 1, 1.0);
    return;
  }
  if (gI(lv, L_CSR) != 0) {
    const rw = gP(lv, L_RW);
    // the first forward sweep from x = 0 writes every node (no zero fill); the last forms the colour-1
    // residuals with their updates; then colour 0's
    const proper = properColours(lv);
    if (!proper || nsm == 0) memory.fill(x, 0, <usize>n << 3);
    const zg = proper ? 1 : 0;
    if (nsm > 1) {
      gsCSR(lv, x, b, 0, 0, zg);
      for (let s = 2; s < nsm; s++) gsSweep(sys, lv, x, b, 0, 1.0);
    }
    if (nsm > 0 && proper) {
      gsCSR(lv, x, b, 0, rw, nsm == 1 ? 1 : 0);
      applyACSRRange(lv, x, b, rw, 0, 0, gI(lv, L_NRED));
    } else {
      if (nsm > 0) gsCSR(lv, x, b, 0, 0, 0);
      residual(sys, lv, x, b, rw);
    }
    restrictSum(lv, level(sys, l + 1));
    return;
  }
  let rr = 0.0;
  if (nsm <= 1) rr = fwdPass(sys, l, q, a, 1, nsm, 1);
  else {
    rr = fwdPass(sys, l, q, a, 1, 1, 0);
    for (let s = 2; s < nsm; s++) gsSweep(sys, lv, x, b, 0, 1.0);
    fwdPass(sys, l, 0, 0.0, 0, 1, 1);
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
function cyclePost(sys: usize, l: i32, dq: usize): void {
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
  if (gI(lv, L_CSR) != 0) {
    prolongAdd(lv, cl, alpha);
    for (let s = 0; s < nsm; s++) gsSweep(sys, lv, x, b, 1, 1.0);
    return;
  }
  if (nsm <= 1) bwdPass(sys, l, alpha, 1, nsm, dq);
  else {
    bwdPass(sys, l, alpha, 1, 1, 0);
    for (let s = 2; s < nsm; s++) gsSweep(sys, lv, x, b, 1, 1.0);
    bwdPass(sys, l, 0.0, 0, 1, dq);
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
  if (gI(lv, L_CSR) == 0) {
    xq = matvec(sys, lv, x, q);
    for (let c = 0; c < n; c++) { const xc = ldF(x, c); xb += xc * ldF(b, c); if (v != 0) xv += xc * ldF(v, c); if (cp != 0) stF(cp, c, xc); }
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

/** The linear profile of a straight channel at the cells of plane i. */
@inline function initialGuess(i: i32, n0: i32): f64 { return 1.0 - (<f64>i + 0.5) / <f64>n0; }

/** Initial guess: the linear profile of a straight channel on the network, 0 elsewhere. */
export function tpInitGuess(sys: usize): void {
  const lv = level(sys, 0);
  const n0 = gI(lv, L_N0), s1 = gI(lv, L_N1) * gI(lv, L_N2);
  const x = gP(sys, S_XS), dg = gP(lv, L_DIAG);
  // a unit field runs compact: compactBuild sets the nodes' guess (initialGuess), the grid is written at the end
  if (gI(sys, S_UNITON) != 0) return;
  for (let i = 0; i < n0; i++) {
    const v = initialGuess(i, n0);
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

/**
 * CG step on level 0 in one pass: x += a p (the previous iteration's step; skipped on the first), p = z +
 * beta p (first: p = z), and q = A p one plane behind p. p . r into S_PR; returns p . q.
 */
function cgDirection(sys: usize, first: i32, a: f64, beta: f64): f64 {
  const lv = level(sys, 0);
  const n0 = gI(lv, L_N0), s1 = gI(lv, L_N1) * gI(lv, L_N2);
  const cmp = isCompact(sys, lv);
  const x = gP(sys, cmp ? S_CX : S_XS), r = gP(sys, S_R), p = gP(sys, S_P), q = gP(sys, S_Q), z = gP(sys, S_Z), zr = gP(sys, S_ZERO);
  const mask = maskOf(sys, lv);
  let pr = 0.0, pq = 0.0;
  for (let i = 0; i < n0; i++) {
    const c0 = planeLo(sys, lv, cmp, i, s1), c1 = planeLo(sys, lv, cmp, i + 1, s1);
    if (first != 0) {
      for (let c = c0; c < c1; c++) { const pc = ldF(z, c); stF(p, c, pc); pr += pc * ldF(r, c); }
    } else {
      for (let c = c0; c < c1; c++) {
        const po = ldF(p, c);
        stF(x, c, ldF(x, c) + a * po);
        const pc = ldF(z, c) + beta * po;
        stF(p, c, pc);
        pr += pc * ldF(r, c);
      }
    }
    if (i > 0) pq = cmp ? planeC(sys, lv, 2, p, 0, q, i - 1, -1, pq) : mvPlane(sys, lv, mask, p, q, i - 1, zr, pq);
  }
  pq = cmp ? planeC(sys, lv, 2, p, 0, q, n0 - 1, -1, pq) : mvPlane(sys, lv, mask, p, q, n0 - 1, zr, pq);
  sF(sys, S_PR, pr);
  return pq;
}

/**
 * Multigrid-preconditioned flexible conjugate gradients (Polak-Ribiere beta: the K-cycle is not a fixed
 * linear operator) from the current S_XS. The vector updates ride in the cycle's level-0 passes: r -= a q
 * in the pre-smoothing pass, r . z and z . q in the post-smoothing pass, x += a p in the next direction's pass.
 */
export function tpSolvePCG(sys: usize): i32 {
  const lv = level(sys, 0);
  // compact level 0 (see compactBuild) when allowed, on the link mask, above component aggregates
  sI(sys, S_NC, 0);
  const cmp = gI(sys, S_COMPACT) != 0 && gI(sys, S_LINKMASK) != 0 && gI(sys, S_NLEV) > 1 && gI(level(sys, 1), L_CSR) != 0;
  if (cmp) sI(sys, S_NC, compactBuild(sys));
  const n = cmp ? gI(sys, S_NC) : gI(lv, L_N);
  const x = cmp ? gP(sys, S_CX) : gP(sys, S_XS), b = cmp ? gP(sys, S_CB) : gP(lv, L_BPROB);
  const r = gP(sys, S_R), p = gP(sys, S_P), q = gP(sys, S_Q), z = gP(sys, S_Z);
  // the zero slot (node n) that absent links of the compact level read
  if (cmp) { stF(x, n, 0.0); stF(p, n, 0.0); stF(z, n, 0.0); }
  const rtol = gF(sys, S_RTOL), maxit = gI(sys, S_MAXIT);
  // the cycle reads level 0's L_B and writes its L_X: point them at r and z
  sP(lv, L_B, r); sP(lv, L_X, z);
  const bn = sqrt<f64>(norm2(b, n));
  sF(sys, S_BNORM, bn);
  if (bn == 0.0) { if (cmp) compactScatter(sys); sI(sys, S_ITERS, 0); sF(sys, S_RES, 0.0); sI(sys, S_STATUS, TST_NO_PATH); return TST_NO_PATH; }
  let res = sqrt<f64>(residual(sys, lv, x, b, r)) / bn;
  let it = 0, st = TST_OK;
  if (res > rtol) {
    // q = 0 so that the first cycle's r -= 0 q leaves r as it is (S_Q held set-up work)
    memory.fill(q, 0, <usize>n << 3);
    cyclePre(sys, 0, q, 0.0);
    cyclePost(sys, 0, q);
    let rz = gF(sys, S_RZ), a = 0.0, beta = 0.0, first = 1, pending = 0;
    while (it < maxit) {
      const pq = cgDirection(sys, first, a, beta);
      first = 0; pending = 0;
      if (!(pq > 0.0)) { st = TST_BREAKDOWN; break; }
      a = gF(sys, S_PR) / pq;
      // r -= a q, then (if not converged) z = M r
      cyclePre(sys, 0, q, a);
      pending = 1;
      it++;
      res = sqrt<f64>(gF(sys, S_RR)) / bn;
      if (res <= rtol || it >= maxit) break;
      cyclePost(sys, 0, q);
      // z_new . (r_new - r_old) = -a z_new . q
      beta = (-a * gF(sys, S_ZQ)) / rz;
      rz = gF(sys, S_RZ);
    }
    if (pending != 0) for (let c = 0; c < n; c++) stF(x, c, ldF(x, c) + a * ldF(p, c));
    // report the true residual, not the recursively updated one
    res = sqrt<f64>(residual(sys, lv, x, b, r)) / bn;
    if (st == TST_OK && res > rtol) st = res == res ? TST_NOT_CONVERGED : TST_BREAKDOWN;
  }
  if (cmp) compactScatter(sys);
  sI(sys, S_ITERS, it);
  sF(sys, S_RES, res);
  sI(sys, S_STATUS, st);
  return st;
}
