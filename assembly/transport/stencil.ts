// Solve kernels of a structured level (level 0 on the grid, K_GRID or K_MASK, and the 2x2x2 block levels):
// the 7-point stencil per plane (Gauss-Seidel / SOR update of one colour, residual, product) and over the
// whole level. Level 0 visits its network cells only, through the runs of S_RUNS.
import { gI, gP, ldF, stF, ldI } from "../common/mem";
import {
  S_ZERO, S_LMASK, S_RUNS, L_N0, L_N1, L_N2, L_GX, L_GY, L_GZ, L_DIAG, M_XP, M_XM, M_YP, M_YM, M_ZP, M_ZM, M_DSHIFT,
} from "./layout";
import { isMasked, wrap1, wrap2, runsOf, runPairs, runLo, runHi, runStart, runEnd, runKe, A_RESIDUAL } from "./level";

// Row pointers: for the row (i, j) the conductance and potential rows of the four lateral neighbours
// (x-1, x+1, y-1, y+1); a missing neighbour points at a zero row (S_ZERO), so the inner loop over k has no
// branches but the two z ends. Adding 0 * 0 leaves sums unchanged.
@inline function rowXm(g: usize, i: i32, base: i32, s1: i32, zero: usize): usize {
  return i > 0 ? g + (<usize>(base - s1) << 3) : zero;
}
@inline function rowXp(x: usize, i: i32, n0: i32, base: i32, s1: i32, zero: usize): usize {
  return i < n0 - 1 ? x + (<usize>(base + s1) << 3) : zero;
}
@inline function rowYm(g: usize, j: i32, base: i32, n2: i32, w1: i32, zero: usize): usize {
  return j > 0 ? g + (<usize>(base - n2) << 3) : w1 != 0 ? g + (<usize>(base + w1) << 3) : zero;
}
@inline function rowYp(x: usize, j: i32, n1: i32, base: i32, n2: i32, w1: i32, zero: usize): usize {
  return j < n1 - 1 ? x + (<usize>(base + n2) << 3) : w1 != 0 ? x + (<usize>(base - w1) << 3) : zero;
}

/**
 * sum_nb g x_nb for cell k of a row: gz, x = the row's own z-link conductances and potentials, then per
 * lateral neighbour its conductance row and potential row (the row pointers above). AssemblyScript has no
 * value structs, and the loops that call this are bound by memory traffic: the pointers stay in locals.
 */
@inline function rowSum(
  gz: usize, x: usize, gxp: usize, xxp: usize, gxm: usize, xxm: usize, gyp: usize, xyp: usize, gym: usize, xym: usize,
  k: i32, n2: i32, w2: i32,
): f64 {
  let s = ldF(gxp, k) * ldF(xxp, k) + ldF(gxm, k) * ldF(xxm, k) + ldF(gyp, k) * ldF(xyp, k) + ldF(gym, k) * ldF(xym, k);
  if (k < n2 - 1) s += ldF(gz, k) * ldF(x, k + 1);
  else if (w2 != 0) s += ldF(gz, k) * ldF(x, k - w2);
  if (k > 0) s += ldF(gz, k - 1) * ldF(x, k - 1);
  else if (w2 != 0) s += ldF(gz, k + w2) * ldF(x, k + w2);
  return s;
}

/** sum_nb x_nb over the links of a masked cell, in the order of rowSum (1 * x = x, absent links add +0). */
@inline function rowSumMask(mk: i32, x: usize, xxp: usize, xxm: usize, xyp: usize, xym: usize, k: i32, n2: i32, w2: i32): f64 {
  let s = select<f64>(ldF(xxp, k), 0.0, (mk & M_XP) != 0) + select<f64>(ldF(xxm, k), 0.0, (mk & M_XM) != 0)
    + select<f64>(ldF(xyp, k), 0.0, (mk & M_YP) != 0) + select<f64>(ldF(xym, k), 0.0, (mk & M_YM) != 0);
  s += select<f64>(ldF(x, k < n2 - 1 ? k + 1 : k - w2), 0.0, (mk & M_ZP) != 0);
  s += select<f64>(ldF(x, k > 0 ? k - 1 : k + w2), 0.0, (mk & M_ZM) != 0);
  return s;
}

/**
 * Gauss-Seidel / SOR update of the cells of one colour ((i+j+k) & 1 == color) in plane i; cells with
 * diag 0 (outside the network) are left alone. Cells of one colour do not depend on each other, so
 * the order within the plane does not matter. r != 0 (omega 1): also the residual of each updated cell.
 */
@inline export function gsPlane(sys: usize, lv: usize, x: usize, b: usize, r: usize, i: i32, color: i32, omega: f64): void {
  const n0 = gI(lv, L_N0), n1 = gI(lv, L_N1), n2 = gI(lv, L_N2);
  const s1 = n1 * n2;
  const w1 = wrap1(lv), w2 = wrap2(lv);
  const gx = gP(lv, L_GX), gy = gP(lv, L_GY), gz = gP(lv, L_GZ), dg = gP(lv, L_DIAG), zero = gP(sys, S_ZERO);
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

/** gsPlane on a masked level 0 (K_MASK): the same updates from one i32 per cell instead of four f64 arrays. */
@inline export function gsPlaneMask(sys: usize, lv: usize, x: usize, b: usize, r: usize, i: i32, color: i32, omega: f64): void {
  const n0 = gI(lv, L_N0), n1 = gI(lv, L_N1), n2 = gI(lv, L_N2);
  const s1 = n1 * n2;
  const w1 = wrap1(lv), w2 = wrap2(lv);
  const msk = gP(sys, S_LMASK), zero = gP(sys, S_ZERO);
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

/** r = b - A x (mode A_RESIDUAL, returns ||r||^2) or r = A x (A_PRODUCT, returns x . r) over a structured level. */
export function applyAGrid(sys: usize, lv: usize, x: usize, b: usize, r: usize, mode: i32): f64 {
  const n0 = gI(lv, L_N0), n1 = gI(lv, L_N1), n2 = gI(lv, L_N2);
  const s1 = n1 * n2;
  const w1 = wrap1(lv), w2 = wrap2(lv);
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
      if (mode == A_RESIDUAL) {
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

/** r = b - A x on a masked level 0 (K_MASK), the operations of applyAGrid in the same order; returns ||r||^2. */
export function applyAMask(sys: usize, lv: usize, x: usize, b: usize, r: usize): f64 {
  const n0 = gI(lv, L_N0), n1 = gI(lv, L_N1), n2 = gI(lv, L_N2);
  const s1 = n1 * n2;
  const w1 = wrap1(lv), w2 = wrap2(lv);
  const msk = gP(sys, S_LMASK);
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

/** r = b - A x on the network cells of one colour of plane i (the arithmetic of applyAGrid / applyAMask; r elsewhere is not written). */
export function resPlane(sys: usize, lv: usize, x: usize, b: usize, r: usize, i: i32, color: i32): void {
  const n0 = gI(lv, L_N0), n1 = gI(lv, L_N1), n2 = gI(lv, L_N2);
  const s1 = n1 * n2;
  const w1 = wrap1(lv), w2 = wrap2(lv);
  const zero = gP(sys, S_ZERO), mask = isMasked(lv);
  const rn = runsOf(sys, lv), pairs = runPairs(rn, lv);
  for (let j = 0; j < n1; j++) {
    const row = i * n1 + j;
    const t1 = runHi(rn, row);
    const base = row * n2;
    const off = <usize>base << 3;
    const xxp = rowXp(x, i, n0, base, s1, zero), xxm = rowXm(x, i, base, s1, zero);
    const xyp = rowYp(x, j, n1, base, n2, w1, zero), xym = rowYm(x, j, base, n2, w1, zero);
    const xr = x + off, br = b + off, rr = r + off;
    if (mask) {
      const mr = gP(sys, S_LMASK) + (<usize>base << 2);
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
 * q = A p on the network cells of plane i of level 0 on the grid (the arithmetic of applyAGrid A_PRODUCT; q
 * elsewhere is not written and stays 0); returns acc + p . q over them (cell order).
 */
export function mvPlane(sys: usize, lv: usize, p: usize, q: usize, i: i32, acc: f64): f64 {
  const n0 = gI(lv, L_N0), n1 = gI(lv, L_N1), n2 = gI(lv, L_N2);
  const s1 = n1 * n2;
  const w1 = wrap1(lv), w2 = wrap2(lv);
  const zero = gP(sys, S_ZERO), mask = isMasked(lv);
  const rn = gP(sys, S_RUNS), pairs = runPairs(rn, lv);
  for (let j = 0; j < n1; j++) {
    const row = i * n1 + j;
    const t1 = ldI(rn, row + 1);
    const base = row * n2;
    const off = <usize>base << 3;
    const xxp = rowXp(p, i, n0, base, s1, zero), xxm = rowXm(p, i, base, s1, zero);
    const xyp = rowYp(p, j, n1, base, n2, w1, zero), xym = rowYm(p, j, base, n2, w1, zero);
    const xr = p + off, qr = q + off;
    if (mask) {
      const mr = gP(sys, S_LMASK) + (<usize>base << 2);
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
