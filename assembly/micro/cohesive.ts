// The cohesive interface law (paper 001 eq 20-25; SPEC §6) at one integration point, in scaled units:
//   t = f_d(d) K0 g with K0 = k0 I, f_d = (1 - d)^n, and a tension/compression split: only the opening
//   <g_n>+ and the sliding g_t drive damage, and in compression the normal stiffness stays undamaged (penalty
//   contact):  t_n = k0 g_n (g_n > 0 ? f_d : 1),  t_t = k0 f_d g_t.
//   Y = -1/2 f_d'(d) k0 s = (n/2)(1 - d)^(n-1) k0 s,  s = <g_n>+^2 + g_t^2          (eq 23)
//   Phi = Y - (Y0 + H xi) <= 0, xi = d (associative, eq 21, 24, 25); damage never heals.
// Return mapping (backward Euler): d = max(d_old, d*(s)) with Phi(d*) = 0; for n = 2 in closed form,
//   d* = clip((k0 s - Y0) / (k0 s + H), 0, 1),
// else by a safeguarded Newton on Phi (decreasing in d for n >= 1). The tangent is the consistent one while
// the damage grows (dd/ds = (n/2)(1 - d)^(n-1) k0 / (H + (n/2)(n-1)(1 - d)^(n-2) k0 s)), the secant one
// otherwise (or when M_SECANT asks for it).
import { gI, gF, sF } from "../common/mem";
import {
  M_K0, M_Y0, M_H, M_NEXP, M_SECANT, M_TGN, M_TGT, M_TDOLD, M_TD, M_TTN, M_TTT, M_TKNN, M_TKNT, M_TKTN, M_TKTT, M_TY,
} from "./layout";

// results of cohesiveLaw (module globals: the kernels call it per interface point)
export let cohD: f64 = 0.0;
export let cohTn: f64 = 0.0;
export let cohTt: f64 = 0.0;
export let cohKnn: f64 = 0.0;
export let cohKnt: f64 = 0.0;
export let cohKtn: f64 = 0.0;
export let cohKtt: f64 = 0.0;
export let cohY: f64 = 0.0;

/** (1 - d)^e for the exponents the law uses (exact for the integer ones). */
function omPow(d: f64, e: f64): f64 {
  const b = 1.0 - d;
  if (e == 0.0) return 1.0;
  if (e == 1.0) return b;
  if (e == 2.0) return b * b;
  if (b <= 0.0) return e > 0.0 ? 0.0 : Infinity;
  return Math.pow(b, e);
}

/** Damage in equilibrium with s (Phi(d) = 0), clipped to [0, 1]. */
function damageOf(s: f64, k0: f64, y0: f64, h: f64, n: f64): f64 {
  if (n == 2.0) return min<f64>(1.0, max<f64>(0.0, (k0 * s - y0) / (k0 * s + h)));
  const a = 0.5 * n * k0 * s;
  if (a - y0 <= 0.0) return 0.0; // Phi(0) <= 0
  if (a * omPow(1.0, n - 1.0) - y0 - h >= 0.0) return 1.0; // Phi(1) >= 0 (n = 1)
  let lo = 0.0, hi = 1.0, d = 0.5;
  for (let it = 0; it < 100; it++) {
    const phi = a * omPow(d, n - 1.0) - y0 - h * d;
    if (phi > 0.0) lo = d; else hi = d;
    const dphi = -a * (n - 1.0) * omPow(d, n - 2.0) - h;
    let dn = d - phi / dphi;
    if (!(dn > lo && dn < hi)) dn = 0.5 * (lo + hi);
    if (abs<f64>(dn - d) <= 1e-15 || hi - lo <= 1e-15) { d = dn; break; }
    d = dn;
  }
  return d;
}

/** The law at one point: gap (gn, gt) in the local frame, accepted damage dold; results in coh*. */
export function cohesiveLaw(sys: usize, gn: f64, gt: f64, dold: f64): void {
  const k0 = gF(sys, M_K0), y0 = gF(sys, M_Y0), h = gF(sys, M_H), n = gF(sys, M_NEXP);
  const gp = max<f64>(gn, 0.0);
  const s = gp * gp + gt * gt;
  const dstar = damageOf(s, k0, y0, h, n);
  const loading = dstar > dold;
  const d = loading ? dstar : dold;
  const f = omPow(d, n);
  const fn = gn > 0.0 ? f : 1.0;
  cohD = d;
  cohTn = k0 * fn * gn;
  cohTt = k0 * f * gt;
  cohY = 0.5 * n * omPow(d, n - 1.0) * k0 * s;
  cohKnn = k0 * fn;
  cohKnt = 0.0;
  cohKtn = 0.0;
  cohKtt = k0 * f;
  if (loading && d < 1.0 && gI(sys, M_SECANT) == 0) {
    // consistent tangent: t depends on s through d
    const dds = 0.5 * n * omPow(d, n - 1.0) * k0 / (h + 0.5 * n * (n - 1.0) * omPow(d, n - 2.0) * k0 * s);
    const dfd = -n * omPow(d, n - 1.0);
    const c = k0 * dfd * dds * 2.0;
    if (gn > 0.0) {
      cohKnn += c * gn * gp;
      cohKnt += c * gn * gt;
    }
    cohKtn += c * gt * gp;
    cohKtt += c * gt * gt;
  }
}

/** One interface point alone (tests): reads M_TGN, M_TGT, M_TDOLD, writes M_TD, M_TTN, M_TTT, M_TK*, M_TY. */
export function microCohesive(sys: usize): void {
  cohesiveLaw(sys, gF(sys, M_TGN), gF(sys, M_TGT), gF(sys, M_TDOLD));
  sF(sys, M_TD, cohD);
  sF(sys, M_TTN, cohTn);
  sF(sys, M_TTT, cohTt);
  sF(sys, M_TKNN, cohKnn);
  sF(sys, M_TKNT, cohKnt);
  sF(sys, M_TKTN, cohKtn);
  sF(sys, M_TKTT, cohKtt);
  sF(sys, M_TY, cohY);
}
