// Half neighbour list (pairs i < j within R_i + R_j + skin) from a cell list, with the tangential
// contact history carried over from the previous list (LIGGGHTS fix contacthistory semantics:
// a pair keeps its history while it stays listed; a new pair starts at zero).
import { gI, sI, gF, sF, gP, sP, ldF, stF, ldI, stI } from "../common/mem";
import {
  H_N, H_DIM, H_PERX, H_PERY, H_SKIN, H_LOX, H_LOY, H_LOZ, H_HIX, H_HIY, H_HIZ, H_RMAX,
  H_PAIRCAP, H_CELLCAP, H_NPAIRS, H_NREBUILD, H_STATUS_VAL, H_MAXDISP2,
  P_X, P_Y, P_Z, P_R, P_XR, P_YR, P_ZR, P_ROW, P_NBR, P_HX, P_HY, P_HZ,
  P_ROW2, P_NBR2, P_HX2, P_HY2, P_HZ2, P_CELLHEAD, P_CELLNEXT,
  ST_OK, ST_NEED_PAIRS, ST_NEED_CELLS, ST_BAD_BOX,
  P_NGRID, G_LOX, G_LOY, G_LOZ, G_INVX, G_INVY, G_INVZ, G_LX, G_LY, G_NX, G_NY, G_NZ,
} from "./layout";
import { demWallLists } from "./wall_list";

const MAX_CELLS_PER_DIM: i32 = 1024;

/** Wraps positions into [lo, hi) along a periodic axis. */
function wrapAxis(px: usize, n: i32, lo: f64, hi: f64): void {
  const L = hi - lo;
  for (let i = 0; i < n; i++) {
    let x = ldF(px, i);
    if (x < lo || x >= hi) {
      x -= L * floor<f64>((x - lo) / L);
      if (x >= hi) x = lo; // rounding at the upper edge
      stF(px, i, x);
    }
  }
}

@inline function cellsAlong(ext: f64, cut: f64, periodic: bool): i32 {
  let n = <i32>floor<f64>(ext / cut);
  if (n < 1) n = 1;
  if (n > MAX_CELLS_PER_DIM) n = MAX_CELLS_PER_DIM;
  if (periodic && n == 2) n = 1; // offsets -1 and +1 would name the same cell twice
  return n;
}

@inline function cellOf(x: f64, lo: f64, inv: f64, n: i32): i32 {
  const c = floor<f64>((x - lo) * inv);
  if (!(c >= 0.0)) return 0; // also NaN
  if (c >= <f64>n) return n - 1;
  return <i32>c;
}

/** Builds the neighbour list into the second buffers and swaps them in. Returns a status code. */
export function buildNeighbors(sys: usize): i32 {
  const st = neighborCells(sys);
  if (st != ST_OK) return st;
  const n = gI(sys, H_N), cap = gI(sys, H_PAIRCAP);
  const np = neighborRows(sys, 0, n, gP(sys, P_NBR2), cap);
  stI(gP(sys, P_ROW2), n, np);
  if (np > cap) { sF(sys, H_STATUS_VAL, <f64>np); return ST_NEED_PAIRS; }
  neighborHistory(sys, 0, n);
  neighborSwap(sys, np);
  return ST_OK;
}

// The phases of a build (threads run neighborRows and neighborHistory on their own particle ranges: step_mt.ts):
// the cell grid and its parameters (P_NGRID), the rows, the history carried over, the swap.

/** Wraps periodic positions, bins the particles into cells and stores the grid (P_NGRID). Returns a status code. */
export function neighborCells(sys: usize): i32 {
  const n = gI(sys, H_N);
  const dim = gI(sys, H_DIM);
  const perx = gI(sys, H_PERX) != 0;
  const pery = gI(sys, H_PERY) != 0;
  const skin = gF(sys, H_SKIN);
  const cut = 2.0 * gF(sys, H_RMAX) + skin;
  const px = gP(sys, P_X), py = gP(sys, P_Y), pz = gP(sys, P_Z);

  // bounds: the box along periodic axes, the particles' extent along the others
  let lox = gF(sys, H_LOX), hix = gF(sys, H_HIX);
  let loy = gF(sys, H_LOY), hiy = gF(sys, H_HIY);
  let loz = 0.0, hiz = 0.0;
  if (perx) { if (hix - lox < 2.0 * cut) { sF(sys, H_STATUS_VAL, hix - lox); return ST_BAD_BOX; } wrapAxis(px, n, lox, hix); }
  if (pery) { if (hiy - loy < 2.0 * cut) { sF(sys, H_STATUS_VAL, hiy - loy); return ST_BAD_BOX; } wrapAxis(py, n, loy, hiy); }
  let mnx = Infinity, mxx = -Infinity, mny = Infinity, mxy = -Infinity, mnz = Infinity, mxz = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = ldF(px, i), y = ldF(py, i), z = ldF(pz, i);
    if (x < mnx) mnx = x; if (x > mxx) mxx = x;
    if (y < mny) mny = y; if (y > mxy) mxy = y;
    if (z < mnz) mnz = z; if (z > mxz) mxz = z;
  }
  if (n == 0) { mnx = 0; mxx = 0; mny = 0; mxy = 0; mnz = 0; mxz = 0; }
  // non-periodic extents are padded to at least one cut-off so the cell size stays finite
  if (!perx) { lox = mnx; hix = mnx + max<f64>(mxx - mnx, cut) * 1.000001; }
  if (!pery) { loy = mny; hiy = mny + max<f64>(mxy - mny, cut) * 1.000001; }
  loz = mnz; hiz = mnz + max<f64>(mxz - mnz, cut) * 1.000001;
  const nx = cellsAlong(hix - lox, cut, perx);
  const ny = cellsAlong(hiy - loy, cut, pery);
  const nz = dim == 2 ? 1 : cellsAlong(hiz - loz, cut, false);
  // i64: nx ny nz may pass 2^31 on a fine cut-off in a large box; the twin's doubles give the same decision
  const ncell = <i64>nx * <i64>ny * <i64>nz; // exact in f64 (below 2^53, and beyond it still > the capacity)
  if (ncell > <i64>gI(sys, H_CELLCAP)) { // exact in f64
    sF(sys, H_STATUS_VAL, <f64>ncell);
    return ST_NEED_CELLS;
  }
  const invx = <f64>nx / (hix - lox), invy = <f64>ny / (hiy - loy), invz = <f64>nz / (hiz - loz);
  const Lx = hix - lox, Ly = hiy - loy;

  const head = gP(sys, P_CELLHEAD), next = gP(sys, P_CELLNEXT);
  const nc = <i32>ncell;
  for (let c = 0; c < nc; c++) stI(head, c, -1);
  // insert in reverse so that every cell lists its particles in increasing index order
  for (let i = n - 1; i >= 0; i--) {
    const cx = cellOf(ldF(px, i), lox, invx, nx);
    const cy = cellOf(ldF(py, i), loy, invy, ny);
    const cz = nz == 1 ? 0 : cellOf(ldF(pz, i), loz, invz, nz);
    const c = (cz * ny + cy) * nx + cx;
    stI(next, i, ldI(head, c));
    stI(head, c, i);
  }

  const g = gP(sys, P_NGRID);
  stF(g, G_LOX, lox); stF(g, G_LOY, loy); stF(g, G_LOZ, loz);
  stF(g, G_INVX, invx); stF(g, G_INVY, invy); stF(g, G_INVZ, invz);
  stF(g, G_LX, Lx); stF(g, G_LY, Ly);
  stI(g, G_NX, nx); stI(g, G_NY, ny); stI(g, G_NZ, nz);
  return ST_OK;
}

/**
 * The rows of particles [i0, i1) of the new list: row2[i] = the count so far (from 0 at i0), neighbours j > i within
 * R_i + R_j + skin into out[] (at most cap). Returns the count (more than cap: the list does not fit).
 */
export function neighborRows(sys: usize, i0: i32, i1: i32, out: usize, cap: i32): i32 {
  const perx = gI(sys, H_PERX) != 0;
  const pery = gI(sys, H_PERY) != 0;
  const skin = gF(sys, H_SKIN);
  const px = gP(sys, P_X), py = gP(sys, P_Y), pz = gP(sys, P_Z), pr = gP(sys, P_R);
  const g = gP(sys, P_NGRID);
  const lox = ldF(g, G_LOX), loy = ldF(g, G_LOY), loz = ldF(g, G_LOZ);
  const invx = ldF(g, G_INVX), invy = ldF(g, G_INVY), invz = ldF(g, G_INVZ);
  const Lx = ldF(g, G_LX), Ly = ldF(g, G_LY);
  const hLx = 0.5 * Lx, hLy = 0.5 * Ly;
  const nx = ldI(g, G_NX), ny = ldI(g, G_NY), nz = ldI(g, G_NZ);
  const head = gP(sys, P_CELLHEAD), next = gP(sys, P_CELLNEXT);
  const row2 = gP(sys, P_ROW2), nbr2 = out;
  const dxlo = nx == 1 ? 0 : -1, dxhi = nx == 1 ? 0 : 1;
  const dylo = ny == 1 ? 0 : -1, dyhi = ny == 1 ? 0 : 1;
  const dzlo = nz == 1 ? 0 : -1, dzhi = nz == 1 ? 0 : 1;
  let np = 0;
  for (let i = i0; i < i1; i++) {
    stI(row2, i, np);
    const xi = ldF(px, i), yi = ldF(py, i), zi = ldF(pz, i), ri = ldF(pr, i) + skin;
    const cx = cellOf(xi, lox, invx, nx);
    const cy = cellOf(yi, loy, invy, ny);
    const cz = nz == 1 ? 0 : cellOf(zi, loz, invz, nz);
    for (let oz = dzlo; oz <= dzhi; oz++) {
      const z = cz + oz;
      if (z < 0 || z >= nz) continue;
      for (let oy = dylo; oy <= dyhi; oy++) {
        let y = cy + oy;
        if (y < 0 || y >= ny) { if (!pery) continue; y = y < 0 ? y + ny : y - ny; }
        for (let ox = dxlo; ox <= dxhi; ox++) {
          let x = cx + ox;
          if (x < 0 || x >= nx) { if (!perx) continue; x = x < 0 ? x + nx : x - nx; }
          let j = ldI(head, (z * ny + y) * nx + x);
          while (j >= 0) {
            if (j > i) {
              let dx = xi - ldF(px, j), dy = yi - ldF(py, j);
              const dz = zi - ldF(pz, j);
              if (perx) { if (dx > hLx) dx -= Lx; else if (dx < -hLx) dx += Lx; }
              if (pery) { if (dy > hLy) dy -= Ly; else if (dy < -hLy) dy += Ly; }
              const rc = ri + ldF(pr, j);
              if (dx * dx + dy * dy + dz * dz < rc * rc) {
                if (np < cap) stI(nbr2, np, j);
                np++;
              }
            }
            j = ldI(next, j);
          }
        }
      }
    }
  }
  return np;
}

/** Carries the tangential history of the rows of particles [i0, i1) over from the current list to the new one. */
export function neighborHistory(sys: usize, i0: i32, i1: i32): void {
  const row = gP(sys, P_ROW), nbr = gP(sys, P_NBR);
  const row2 = gP(sys, P_ROW2), nbr2 = gP(sys, P_NBR2);
  const hx = gP(sys, P_HX), hy = gP(sys, P_HY), hz = gP(sys, P_HZ);
  const hx2 = gP(sys, P_HX2), hy2 = gP(sys, P_HY2), hz2 = gP(sys, P_HZ2);
  const oldPairs = gI(sys, H_NPAIRS);
  for (let i = i0; i < i1; i++) {
    const a0 = oldPairs > 0 ? ldI(row, i) : 0, a1 = oldPairs > 0 ? ldI(row, i + 1) : 0;
    const b1 = ldI(row2, i + 1);
    for (let k = ldI(row2, i); k < b1; k++) {
      const j = ldI(nbr2, k);
      let vx = 0.0, vy = 0.0, vz = 0.0;
      for (let m = a0; m < a1; m++) {
        if (ldI(nbr, m) == j) { vx = ldF(hx, m); vy = ldF(hy, m); vz = ldF(hz, m); break; }
      }
      stF(hx2, k, vx); stF(hy2, k, vy); stF(hz2, k, vz);
    }
  }
}

/** Swaps the new list (np pairs) in, and takes the reference positions and the walls' lists from here. */
export function neighborSwap(sys: usize, np: i32): void {
  const n = gI(sys, H_N);
  const px = gP(sys, P_X), py = gP(sys, P_Y), pz = gP(sys, P_Z);
  const row = gP(sys, P_ROW), nbr = gP(sys, P_NBR), row2 = gP(sys, P_ROW2), nbr2 = gP(sys, P_NBR2);
  const hx = gP(sys, P_HX), hy = gP(sys, P_HY), hz = gP(sys, P_HZ);
  const hx2 = gP(sys, P_HX2), hy2 = gP(sys, P_HY2), hz2 = gP(sys, P_HZ2);
  sP(sys, P_ROW, row2); sP(sys, P_ROW2, row);
  sP(sys, P_NBR, nbr2); sP(sys, P_NBR2, nbr);
  sP(sys, P_HX, hx2); sP(sys, P_HX2, hx);
  sP(sys, P_HY, hy2); sP(sys, P_HY2, hy);
  sP(sys, P_HZ, hz2); sP(sys, P_HZ2, hz);
  sI(sys, H_NPAIRS, np);
  sI(sys, H_NREBUILD, gI(sys, H_NREBUILD) + 1);

  // reference positions for the displacement criterion
  const xr = gP(sys, P_XR), yr = gP(sys, P_YR), zr = gP(sys, P_ZR);
  memory.copy(xr, px, <usize>n << 3);
  memory.copy(yr, py, <usize>n << 3);
  memory.copy(zr, pz, <usize>n << 3);
  sF(sys, H_MAXDISP2, 0.0);
  // the walls' particle lists from the same positions (wall_list.ts)
  demWallLists(sys);
}
