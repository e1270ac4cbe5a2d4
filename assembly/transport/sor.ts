// The baseline solver: red-black successive over-relaxation on level 0 (TauFactor's method), both colours
// in one pass over memory (smooth.ts, gsSweep).
import { sI, gI, gF, sF, gP } from "../common/mem";
import {
  S_XS, S_R, S_RTOL, S_MAXIT, S_OMEGA, S_CHECK, S_ITERS, S_RES, S_BNORM, S_STATUS, L_N, L_BPROB, TST_OK, TST_NOT_CONVERGED,
  TST_BREAKDOWN, TST_NO_PATH,
} from "./layout";
import { level, norm2, SWEEP_FORWARD } from "./level";
import { gsSweep, residual } from "./smooth";

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
    gsSweep(sys, lv, x, b, SWEEP_FORWARD, omega);
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
