// Solve kernels of a sparse level (component aggregates, K_CSR): red-black Gauss-Seidel and the
// residual / product, over the padded rows (L_ECOL .. L_OVAL). Colour-0 nodes are 0 .. L_NRED-1.
import { gI, gP, ldF, stF, ldI, ldS } from "../common/mem";
import { L_N, L_NRED, L_DIAG, L_ECOL, L_EVAL, L_ORP, L_OCOL, L_OVAL, ELL_W } from "./layout";
import { SWEEP_REVERSE, FROM_ZERO, A_RESIDUAL } from "./level";

/** sum_p val_p x_col_p over row a of a sparse level (entry order of the CSR row; padding adds 0 x[n] = 0). */
@inline export function ellRowSum(ec: usize, ev: usize, orp: usize, oc: usize, ov: usize, x: usize, a: i32): f64 {
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
 * One red-black Gauss-Seidel sweep of a sparse level: `how` = SWEEP_FORWARD (colour 0 then 1), optionally
 * | FROM_ZERO (x = 0 before it: colour 0 sees only zeros), or SWEEP_REVERSE (colour 1 then 0, descending).
 * r != 0 (forward): also the residual of each colour-1 node, formed with its update (its neighbours, colour 0,
 * are final; applyACSR's arithmetic).
 */
export function gsCSR(lv: usize, x: usize, b: usize, how: i32, r: usize): void {
  const n = gI(lv, L_N), nred = gI(lv, L_NRED);
  const ec = gP(lv, L_ECOL), ev = gP(lv, L_EVAL), orp = gP(lv, L_ORP), oc = gP(lv, L_OCOL), ov = gP(lv, L_OVAL), dg = gP(lv, L_DIAG);
  const rev = (how & SWEEP_REVERSE) != 0, zg = (how & FROM_ZERO) != 0;
  for (let t = 0; t < n; t++) {
    const a = rev ? n - 1 - t : t;
    // from zero: the colour-0 nodes, first, see only zeros (the sum is +0)
    const s = zg && a < nred ? 0.0 : ellRowSum(ec, ev, orp, oc, ov, x, a);
    const d = ldF(dg, a), xn = (ldF(b, a) + s) / d;
    stF(x, a, xn);
    if (r != 0 && a >= nred) stF(r, a, ldF(b, a) - (d * xn - s));
  }
}

/** applyA on a sparse level (mode A_RESIDUAL: r = b - A x, returns ||r||^2; A_PRODUCT: r = A x, returns x . r). */
export function applyACSR(lv: usize, x: usize, b: usize, r: usize, mode: i32): f64 {
  return applyACSRRange(lv, x, b, r, mode, 0, gI(lv, L_N));
}

/** applyACSR on the nodes [a0, a1). */
export function applyACSRRange(lv: usize, x: usize, b: usize, r: usize, mode: i32, a0: i32, a1: i32): f64 {
  const ec = gP(lv, L_ECOL), ev = gP(lv, L_EVAL), orp = gP(lv, L_ORP), oc = gP(lv, L_OCOL), ov = gP(lv, L_OVAL), dg = gP(lv, L_DIAG);
  let acc = 0.0;
  for (let a = a0; a < a1; a++) {
    const s = ellRowSum(ec, ev, orp, oc, ov, x, a);
    const xc = ldF(x, a);
    if (mode == A_RESIDUAL) { const v = ldF(b, a) - (ldF(dg, a) * xc - s); stF(r, a, v); acc += v * v; }
    else { const v = ldF(dg, a) * xc - s; stF(r, a, v); acc += xc * v; }
  }
  return acc;
}
