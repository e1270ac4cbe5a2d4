// Level 0 of a conduction problem, discretised exactly as TauFactor does (fixtures/transport/README.md):
// cell-centred finite volumes, face conductance = harmonic mean 2 s_i s_j/(s_i + s_j), a half-voxel link
// of conductance 2 s from the first/last layer to the electrode faces held at 1 and 0, lateral faces
// no-flux or periodic. Row c of the system reads
//   diag_c x_c - sum_nb g_c,nb x_nb = b_c ,  diag_c = sum_nb g_c,nb + dd_c  (dd: Dirichlet links).
// Also here: the diagonal, the link mask of a 0/1 field, the initial guess and the electrode currents.
import { sI, gI, gP, sF, ldF, stF, ldI, stI, ldB } from "../common/mem";
import {
  S_GIN, S_GOUT, S_XS, S_MARK, S_LMASK, S_NACTIVE, S_UNIT, S_UNITON, S_LINKMASK, S_SIGMA, S_NBR, S_FLUXIN, S_FLUXOUT,
  L_N0, L_N1, L_N2, L_N, L_GX, L_GY, L_GZ, L_DD, L_DIAG, L_BPROB, L_KIND, K_GRID, K_MASK, M_XP, M_XM, M_YP, M_YM, M_ZP, M_ZM,
  M_DSHIFT, NB_WYP, NB_WYM, NB_WZP, NB_WZM,
} from "./layout";
import { level, wrap1, wrap2, initialGuess } from "./level";

@inline function harmonic(a: f64, b: f64): f64 { return a + b > 0.0 ? (2.0 * a * b) / (a + b) : 0.0; }

/**
 * Level 0 from per-cell conductivities (S_SIGMA): link conductances, inlet/outlet links 2 sigma,
 * Dirichlet diagonal part and right-hand side (inlet at 1). A unit field (conductivities 0 or 1, where
 * S_UNIT allows) gets its neighbour bits only. Starts a solve: level 0 is K_GRID until tpMask says otherwise.
 */
export function tpBuild(sys: usize): void {
  const lv = level(sys, 0);
  const n0 = gI(lv, L_N0), n1 = gI(lv, L_N1), n2 = gI(lv, L_N2);
  const s1 = n1 * n2;
  const w1 = wrap1(lv), w2 = wrap2(lv);
  const sg = gP(sys, S_SIGMA);
  const gx = gP(lv, L_GX), gy = gP(lv, L_GY), gz = gP(lv, L_GZ), dd = gP(lv, L_DD), bp = gP(lv, L_BPROB);
  const gin = gP(sys, S_GIN), gout = gP(sys, S_GOUT);
  const n = n0 * s1;
  sI(lv, L_KIND, K_GRID);
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

/** tpBuild of a unit field: the neighbour bits (S_NBR, as tpPercolate would derive them), the electrode links. */
function unitBuild(sys: usize): void {
  const lv = level(sys, 0);
  const n0 = gI(lv, L_N0), n1 = gI(lv, L_N1), n2 = gI(lv, L_N2);
  const s1 = n1 * n2;
  const w1 = wrap1(lv), w2 = wrap2(lv);
  const sg = gP(sys, S_SIGMA), nbr = gP(sys, S_NBR), gin = gP(sys, S_GIN), gout = gP(sys, S_GOUT);
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
        if (j < n1 - 1) m |= select<i32>(M_YP, 0, ldF(sg, c + n2) > 0.0);
        else if (w1 != 0) m |= select<i32>(M_YP | NB_WYP, 0, ldF(sg, c - w1) > 0.0);
        if (j > 0) m |= select<i32>(M_YM, 0, ldF(sg, c - n2) > 0.0);
        else if (w1 != 0) m |= select<i32>(M_YM | NB_WYM, 0, ldF(sg, c + w1) > 0.0);
        if (k < n2 - 1) m |= select<i32>(M_ZP, 0, ldF(sg, c + 1) > 0.0);
        else if (w2 != 0) m |= select<i32>(M_ZP | NB_WZP, 0, ldF(sg, c - w2) > 0.0);
        if (k > 0) m |= select<i32>(M_ZM, 0, ldF(sg, c - 1) > 0.0);
        else if (w2 != 0) m |= select<i32>(M_ZM | NB_WZM, 0, ldF(sg, c + w2) > 0.0);
        stI(nbr, c, select<i32>(m, 0, on));
        const jk = j * n2 + k;
        if (i == 0) stF(gin, jk, on ? 2.0 : 0.0);
        if (i == n0 - 1) stF(gout, jk, on ? 2.0 : 0.0);
      }
    }
  }
  sI(sys, S_NACTIVE, nact);
}

/** diag = dd + the conductances of every link of the cell (a structured level). */
export function tpDiag(lv: usize): void {
  const n0 = gI(lv, L_N0), n1 = gI(lv, L_N1), n2 = gI(lv, L_N2);
  const s1 = n1 * n2;
  const w1 = wrap1(lv), w2 = wrap2(lv);
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

/**
 * Level-0 link mask (layout M_*): when every link conductance is 0 or 1 and every Dirichlet link 0 or
 * 2 (one conducting phase with sigma 1, as for tortuosity and image batches), the smoother, residual
 * and matrix-vector product of level 0 read one i32 per cell instead of four f64 arrays (gx, gy, gz,
 * diag), with the sums in the general path's order (1 * x = x). Call right after tpPercolate (it reads
 * its marks and neighbour bits) and tpDiag, with S_LINKMASK = 1 to allow it; sets level 0's L_KIND to
 * K_MASK when in use (a unit field always: compactBuild forms its masks from the bits).
 */
export function tpMask(sys: usize): void {
  const lv = level(sys, 0);
  sI(lv, L_KIND, K_GRID);
  if (gI(sys, S_LINKMASK) == 0) return;
  if (gI(sys, S_UNITON) != 0) { sI(lv, L_KIND, K_MASK); return; }
  const n = gI(lv, L_N);
  const gx = gP(lv, L_GX), gy = gP(lv, L_GY), gz = gP(lv, L_GZ), dd = gP(lv, L_DD), dg = gP(lv, L_DIAG);
  const m = gP(sys, S_LMASK), nbr = gP(sys, S_NBR), mark = gP(sys, S_MARK);
  // one pass: check each cell's own links and build its mask (a failed check leaves the mask unused)
  for (let c = 0; c < n; c++) {
    const a = ldF(gx, c), b = ldF(gy, c), z = ldF(gz, c), e = ldF(dd, c);
    // x in {0, 1} <=> x (x - 1) == 0 and e in {0, 2, 4} <=> e (e - 2) (e - 4) == 0 (exact: a product of
    // non-zero factors here neither underflows to 0 nor is NaN): branches that are always taken on a
    // 0/1 field, where "x == 0 || x == 1" is a coin toss for the branch predictor
    if (!(a * (a - 1.0) == 0.0 && b * (b - 1.0) == 0.0 && z * (z - 1.0) == 0.0 && e * (e - 2.0) * (e - 4.0) == 0.0)) return;
    // the links (g != 0, here g = 1) of a spanning cell are its neighbour bits; a removed cell has none
    const bits = select<i32>(ldI(nbr, c) & (M_XP | M_XM | M_YP | M_YM | M_ZP | M_ZM), 0, ldB(mark, c) == 3);
    stI(m, c, bits | (<i32>ldF(dg, c) << M_DSHIFT));
  }
  sI(lv, L_KIND, K_MASK);
}

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
