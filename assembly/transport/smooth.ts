// The operator of a level, whatever holds it (L_KIND): Gauss-Seidel / SOR sweeps, residuals and products,
// dispatched to the grid (stencil.ts), link-mask (stencil.ts), compact (compact.ts) or sparse (sparse.ts)
// kernels. Red-black ordering, so a forward sweep followed by a reverse one is a symmetric smoother.
import { gI } from "../common/mem";
import { L_N0, L_KIND, K_MASK, K_COMPACT } from "./layout";
import { isSparse, isMasked, isCompact, SWEEP_REVERSE, A_RESIDUAL, A_PRODUCT } from "./level";
import { gsPlane, gsPlaneMask, resPlane, applyAGrid, applyAMask } from "./stencil";
import { gsPlaneC, resPlaneC, applyAC } from "./compact";
import { gsCSR, applyACSR } from "./sparse";

/**
 * Gauss-Seidel (omega 1) or SOR update of the cells of one colour of plane i of a structured or compact
 * level whose L_KIND is `kind` (read once by the caller's loop over the planes); r != 0 (omega 1): also the
 * residual of each updated cell.
 */
@inline export function smoothPlane(
  sys: usize, lv: usize, kind: i32, x: usize, b: usize, r: usize, i: i32, color: i32, omega: f64,
): void {
  if (kind == K_COMPACT) gsPlaneC(sys, lv, x, b, r, i, color);
  else if (kind == K_MASK) gsPlaneMask(sys, lv, x, b, r, i, color, omega);
  else gsPlane(sys, lv, x, b, r, i, color, omega);
}

/** r = b - A x on the cells of one colour of plane i of a structured or compact level (L_KIND `kind`). */
@inline export function residualPlane(sys: usize, lv: usize, kind: i32, x: usize, b: usize, r: usize, i: i32, color: i32): void {
  if (kind == K_COMPACT) resPlaneC(sys, lv, x, b, r, i, color);
  else resPlane(sys, lv, x, b, r, i, color);
}

/**
 * One red-black Gauss-Seidel / SOR sweep: dir SWEEP_FORWARD (red then black, ascending) or SWEEP_REVERSE
 * (black then red, descending; the adjoint, so a forward + reverse pair is symmetric). On a structured
 * level the two colours run in one pass over memory: the black cells of plane i-1 are updated right after
 * the red cells of plane i, when all their red neighbours are final. Cells of one colour do not depend on
 * each other, so this gives exactly the result of two separate colour passes, with half the memory traffic.
 */
export function gsSweep(sys: usize, lv: usize, x: usize, b: usize, dir: i32, omega: f64): void {
  if (isSparse(lv)) { gsCSR(lv, x, b, dir, 0); return; }
  const n0 = gI(lv, L_N0), kind = gI(lv, L_KIND);
  if (dir != SWEEP_REVERSE) {
    for (let i = 0; i < n0; i++) {
      smoothPlane(sys, lv, kind, x, b, 0, i, 0, omega);
      if (i > 0) smoothPlane(sys, lv, kind, x, b, 0, i - 1, 1, omega);
    }
    smoothPlane(sys, lv, kind, x, b, 0, n0 - 1, 1, omega);
  } else {
    for (let i = n0 - 1; i >= 0; i--) {
      smoothPlane(sys, lv, kind, x, b, 0, i, 1, omega);
      if (i < n0 - 1) smoothPlane(sys, lv, kind, x, b, 0, i + 1, 0, omega);
    }
    smoothPlane(sys, lv, kind, x, b, 0, 0, 0, omega);
  }
}

/**
 * r = b - A x (mode A_RESIDUAL, returns ||r||^2) or r = A x (A_PRODUCT, returns x . r) over a grid,
 * masked or sparse level (level 0's products run in the CG's planes, cgDirection: what reaches here on a
 * masked level 0 is a residual).
 */
export function applyA(sys: usize, lv: usize, x: usize, b: usize, r: usize, mode: i32): f64 {
  if (isMasked(lv)) return applyAMask(sys, lv, x, b, r);
  if (isSparse(lv)) return applyACSR(lv, x, b, r, mode);
  return applyAGrid(sys, lv, x, b, r, mode);
}

/** r = b - A x over a level; returns ||r||^2. */
@inline export function residual(sys: usize, lv: usize, x: usize, b: usize, r: usize): f64 {
  return isCompact(lv) ? applyAC(sys, lv, x, b, r) : applyA(sys, lv, x, b, r, A_RESIDUAL);
}

/** q = A p over a level (not compact level 0); returns p . q. */
@inline export function matvec(sys: usize, lv: usize, p: usize, q: usize): f64 { return applyA(sys, lv, p, p, q, A_PRODUCT); }
