// The percolation rule: before solving, keep only the cells joined to both electrode faces.
import { sI, gI, gP, ldF, stF, ldI, stI, ldB, stB } from "../common/mem";
import {
  S_GIN, S_GOUT, S_MARK, S_NPERC, S_SLAB, S_RUNS, S_UNITON, S_NBR, S_RUNOF, S_UF, L_N0, L_N1, L_N2, L_PER1, L_PER2, L_GX, L_GY, L_GZ,
  L_DD, L_BPROB, M_XP, M_XM, M_YP, M_YM, M_ZP, M_ZM, NB_WYP, NB_WYM, NB_WZP, NB_WZM,
} from "./layout";
import { level, wrap1, wrap2, ufFind, ufUnion } from "./level";

/**
 * Connected-components test before solving: keeps only the cells joined to both the inlet and the
 * outlet (dead ends attached to them carry no current and are kept; isolated clusters and clusters
 * touching one face only are removed, which leaves the solution on the spanning network unchanged).
 * Returns the number of spanning cells (0: no path, the phase does not percolate). Writes the marks
 * (S_MARK, 3 = spanning), the runs of spanning cells (S_RUNS) and, for a general field, the neighbour
 * bits (S_NBR; a unit field has them from tpBuild); those of the spanning cells stay valid after the
 * removal (a removed cell has no link to a spanning one).
 */
export function tpPercolate(sys: usize): i32 {
  const lv = level(sys, 0);
  const n0 = gI(lv, L_N0), n1 = gI(lv, L_N1), n2 = gI(lv, L_N2);
  const n = n0 * n1 * n2, s1 = n1 * n2;
  const w1 = wrap1(lv), w2 = wrap2(lv);
  const gx = gP(lv, L_GX), gy = gP(lv, L_GY), gz = gP(lv, L_GZ), dd = gP(lv, L_DD), bp = gP(lv, L_BPROB);
  const gin = gP(sys, S_GIN), gout = gP(sys, S_GOUT), mark = gP(sys, S_MARK), nbr = gP(sys, S_NBR);
  // Connected components by union-find over runs: a run is a maximal sequence of cells along k joined by
  // z links; runs joined by x or y links are united; a component spans when it holds a cell of the inlet
  // layer with an inlet link and one of the outlet layer with an outlet link (the cells a flood fill from
  // both faces would reach, found in streaming passes). S_RUNOF = run of each cell (-1: no link and no
  // electrode link); S_UF = union-find parent per run, then the runs' face flags (bit 0 inlet, bit 1 outlet).
  const run = gP(sys, S_RUNOF), par = gP(sys, S_UF), flags = par + (<usize>n << 2);
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
          if (j > 0) m |= select<i32>(M_YM, 0, ldF(gy, c - n2) > 0.0);
          else if (w1 != 0) m |= select<i32>(M_YM | NB_WYM, 0, ldF(gy, c + w1) > 0.0);
          if (k > 0) m |= select<i32>(M_ZM, 0, ldF(gz, c - 1) > 0.0);
          else if (w2 != 0) m |= select<i32>(M_ZM | NB_WZM, 0, ldF(gz, c + w2) > 0.0);
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
  if (w1 != 0) {
    for (let i = 0; i < n0; i++) {
      for (let k = 0; k < n2; k++) {
        const c = i * s1 + k;
        if ((ldI(nbr, c) & NB_WYM) != 0) ufUnion(par, ldI(run, c), ldI(run, c + w1));
      }
    }
  }
  if (w2 != 0) {
    for (let r0 = 0; r0 < n0 * n1; r0++) {
      const c = r0 * n2;
      if ((ldI(nbr, c) & NB_WZM) != 0) ufUnion(par, ldI(run, c), ldI(run, c + w2));
    }
  }
  // face flags of each component at its root, then the marks (3: spanning; a slab keeps the components joined to
  // either face: each piece of the global network inside a slab reaches one, the rest the host has removed)
  for (let r = 0; r < nu; r++) { const root = ufFind(par, r); if (root != r) stI(flags, root, ldI(flags, root) | ldI(flags, r)); }
  const slab = gI(sys, S_SLAB) != 0;
  for (let c = 0; c < n; c++) {
    const r = ldI(run, c);
    if (r >= 0) { const f = ldI(flags, ufFind(par, r)); stB(mark, c, slab && f != 0 ? 3 : f); }
  }
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
