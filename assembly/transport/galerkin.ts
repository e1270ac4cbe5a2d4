// Coarse levels: Galerkin operators A_c = P^T A P of piecewise-constant prolongation P (unsmoothed
// aggregation), i.e. the sums of the fine links between aggregates. 2x2x2 blocks give structured coarse
// grids (tpCoarsen); component aggregates (aggregate.ts) give sparse levels, built per solve into a
// region the host reserves (tpComponentLevels) and copied to a padded row format for the solve kernels.
import { sI, gI, gP, sP, ldF, stF, ldI, stI, stS } from "../common/mem";
import {
  S_NLEV, S_CBASE, S_CEND, S_CLEVEL, S_NBR, S_MEMBERS, S_MSTART, S_ROWMARK, L_N0, L_N1, L_N2, L_N, L_PER1, L_PER2, L_GX,
  L_GY, L_GZ, L_DD, L_DIAG, L_X, L_B, L_RW, L_C1, L_V1, L_AGG, L_RP, L_COL, L_VAL, L_CELL, L_DENSE, L_KIND, K_CSR, K_MASK,
  L_ECOL, L_EVAL, L_ORP, L_OCOL, L_OVAL, ELL_W, DENSE_MAX, M_XP, M_XM, M_YP, M_YM, M_ZP, M_ZM, NB_WYP, NB_WYM, NB_WZP, NB_WZM,
} from "./layout";
import { level, isSparse, wrap1, wrap2, pad16 } from "./level";
import { tpDiag } from "./build";
import { aggregate, groupMembers } from "./aggregate";
import { denseFactor } from "./dense";

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
  const csr = isSparse(fl);
  const n2 = gI(fl, L_N2), s1 = gI(fl, L_N1) * n2;
  const w1 = wrap1(fl), w2 = wrap2(fl);
  const nc = gI(cl, L_N);
  const agg = gP(fl, L_AGG), list = gP(sys, S_MEMBERS), start = gP(sys, S_MSTART), mk = gP(sys, S_ROWMARK), nbr = gP(sys, S_NBR);
  const rp = gP(cl, L_RP), col = gP(cl, L_COL), val = gP(cl, L_VAL), cdd = gP(cl, L_DD), cdg = gP(cl, L_DIAG);
  const frp = gP(fl, L_RP), fcol = gP(fl, L_COL), fval = gP(fl, L_VAL);
  const gx = gP(fl, L_GX), gy = gP(fl, L_GY), gz = gP(fl, L_GZ);
  // level 0 on the link mask: every link conductance is 1 (the arrays need not be read; a unit field has none)
  const unit = gI(fl, L_KIND) == K_MASK;
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
        if (e + 6 > cap) return -1;
        const m = ldI(nbr, a);
        if ((m & M_XP) != 0) { const h = ldI(agg, a + s1); if (h != g) e = rowTouch(h, 1.0, rs, e, mk, col, val); }
        if ((m & M_XM) != 0) { const h = ldI(agg, a - s1); if (h != g) e = rowTouch(h, 1.0, rs, e, mk, col, val); }
        if ((m & M_YP) != 0) {
          const h = ldI(agg, (m & NB_WYP) != 0 ? a - w1 : a + n2);
          if (h != g) e = rowTouch(h, 1.0, rs, e, mk, col, val);
        }
        if ((m & M_YM) != 0) {
          const h = ldI(agg, (m & NB_WYM) != 0 ? a + w1 : a - n2);
          if (h != g) e = rowTouch(h, 1.0, rs, e, mk, col, val);
        }
        if ((m & M_ZP) != 0) {
          const h = ldI(agg, (m & NB_WZP) != 0 ? a - w2 : a + 1);
          if (h != g) e = rowTouch(h, 1.0, rs, e, mk, col, val);
        }
        if ((m & M_ZM) != 0) {
          const h = ldI(agg, (m & NB_WZM) != 0 ? a + w2 : a - 1);
          if (h != g) e = rowTouch(h, 1.0, rs, e, mk, col, val);
        }
      } else {
        if (e + 6 > cap) return -1;
        const m = ldI(nbr, a);
        if ((m & M_XP) != 0) { const h = ldI(agg, a + s1); if (h != g) e = rowTouch(h, ldF(gx, a), rs, e, mk, col, val); }
        if ((m & M_XM) != 0) { const h = ldI(agg, a - s1); if (h != g) e = rowTouch(h, ldF(gx, a - s1), rs, e, mk, col, val); }
        if ((m & M_YP) != 0) {
          const h = ldI(agg, (m & NB_WYP) != 0 ? a - w1 : a + n2);
          if (h != g) e = rowTouch(h, ldF(gy, a), rs, e, mk, col, val);
        }
        if ((m & M_YM) != 0) {
          const nb = (m & NB_WYM) != 0 ? a + w1 : a - n2;
          const h = ldI(agg, nb);
          if (h != g) e = rowTouch(h, ldF(gy, nb), rs, e, mk, col, val);
        }
        if ((m & M_ZP) != 0) {
          const h = ldI(agg, (m & NB_WZP) != 0 ? a - w2 : a + 1);
          if (h != g) e = rowTouch(h, ldF(gz, a), rs, e, mk, col, val);
        }
        if ((m & M_ZM) != 0) {
          const nb = (m & NB_WZM) != 0 ? a + w2 : a - 1;
          const h = ldI(agg, nb);
          if (h != g) e = rowTouch(h, ldF(gz, nb), rs, e, mk, col, val);
        }
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
 * Levels S_CLEVEL+1 .. of component aggregation (after tpPercolate, tpDiag, tpMask; the host sets S_CLEVEL
 * to 0): per level, aggregates, node arrays carved from [S_CBASE, S_CEND), members, rows, the padded rows;
 * the dense factor of a small coarsest level. Returns 1, or 0 when the region is too small: then S_CLEVEL
 * is the level to resume from once the host has moved S_CEND up (the levels below stay as built).
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
    // x[nc] = 0: the column of the padded rows' padding
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
    sI(cl, L_KIND, K_CSR);
    sP(cl, L_DENSE, 0);
    p = ellBuild(cl, p, end);
    if (p == 0) { sI(sys, S_CLEVEL, l); return 0; }
  }
  // a small coarsest level: its dense Cholesky factor
  const cl = level(sys, nlev - 1);
  const nd = gI(cl, L_N);
  if (nlev > 1 && isSparse(cl) && nd <= DENSE_MAX) {
    if (p + (<usize>(nd * nd) << 3) > end) { sI(sys, S_CLEVEL, nlev - 1); return 0; }
    sP(cl, L_DENSE, denseFactor(cl, p) ? p : 0);
  }
  return 1;
}

/**
 * The padded copy of sparse level lv's rows (layout L_ECOL .. L_OVAL), carved from p; returns the end of
 * the carved arrays, or 0 when they would pass `end`.
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
