// Component aggregation, part 1: which fine nodes form each coarse node. An aggregate is a connected
// component (links with g > 0) of a level's nodes inside one 2x2x2 block, so a block that holds two
// unconnected pieces of the network gives two coarse nodes (plain 2x2x2 blocks would join them and slow
// the multigrid down on porous networks). Called per level by tpComponentLevels (galerkin.ts).
import { sI, gI, gP, ldF, stF, ldI, stI } from "../common/mem";
import {
  S_RUNS, S_UNITON, S_NBR, S_BLK, S_AGPAR, S_MEMBERS, S_MSTART, L_N0, L_N1, L_N2, L_N, L_DD, L_DIAG, L_AGG, L_RP, L_COL, L_NRED,
  L_CELL, M_XP, M_YP, M_ZP,
} from "./layout";
import { level, isSparse, runPairs, runLo, runHi, runKe, ufFind, ufUnion, unitDd } from "./level";

/** 2 * (index of the 2x2x2 block on the coarse grid, c1 x c2 lateral) + its colour (coordinate sum parity). */
@inline function blockCode(i: i32, j: i32, k: i32, c1: i32, c2: i32): i32 {
  const I = i >> 1, J = j >> 1, K = k >> 1;
  return (((I * c1 + J) * c2 + K) << 1) | ((I + J + K) & 1);
}

/**
 * Aggregates of level l: the connected components (links with g > 0) of its nodes inside each 2x2x2
 * block. Writes L_AGG of level l and L_N, L_NRED of level l+1 (colour-0 aggregates first, then in
 * order of their first node) and the block codes of level l's nodes (S_BLK); returns the number of aggregates.
 */
export function aggregate(sys: usize, l: i32): i32 {
  const fl = level(sys, l), cl = level(sys, l + 1);
  const n0 = gI(fl, L_N0), n1 = gI(fl, L_N1), n2 = gI(fl, L_N2);
  const s1 = n1 * n2;
  const c1 = gI(cl, L_N1), c2 = gI(cl, L_N2);
  const nf = gI(fl, L_N);
  const par = gP(sys, S_AGPAR), lab = par + (<usize>nf << 2);
  // block codes, -1 for a node outside the network (diag 0)
  const blk = gP(sys, S_BLK);
  const agg = gP(fl, L_AGG);
  let nc = 0;
  if (isSparse(fl)) {
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
  const nbr = gP(sys, S_NBR), rn = gP(sys, S_RUNS), pairs = runPairs(rn, fl);
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

/**
 * Level l+1's members by aggregate (counting sort in node order into S_MEMBERS, starts in S_MSTART),
 * its L_CELL (each aggregate's block) and L_DD (the sum of the members' Dirichlet parts).
 */
export function groupMembers(sys: usize, l: i32): void {
  const fl = level(sys, l), cl = level(sys, l + 1);
  const nf = gI(fl, L_N), nc = gI(cl, L_N);
  const agg = gP(fl, L_AGG), fdd = gP(fl, L_DD), list = gP(sys, S_MEMBERS), start = gP(sys, S_MSTART);
  const blk = gP(sys, S_BLK);
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
      for (let a = rn != 0 ? row * n2 + ldI(pairs, t << 1) : 0; a < a1; a++) {
        const g = ldI(agg, a);
        if (g >= 0) stI(start, g + 1, ldI(start, g + 1) + 1);
      }
    }
  }
  for (let g = 0; g < nc; g++) stI(start, g + 1, ldI(start, g + 1) + ldI(start, g));
  for (let row = 0; row < rows; row++) {
    const t1 = runHi(rn, row);
    for (let t = runLo(rn, row); t < t1; t++) {
      const a1 = rn != 0 ? row * n2 + runKe(pairs, t) : nf;
      for (let a = rn != 0 ? row * n2 + ldI(pairs, t << 1) : 0; a < a1; a++) {
        const g = ldI(agg, a);
        if (g >= 0) { stI(list, ldI(start, g), a); stI(start, g, ldI(start, g) + 1); }
      }
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
