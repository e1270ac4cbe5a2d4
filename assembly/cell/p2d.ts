// P2D half cell Li | SE separator | composite cathode with a single-ion SE (Wolff 2018; paper 001
// Table 1, SPEC section 5): one implicit time step of the coupled system. Unknowns per cathode
// finite volume j: phi1 (AM), phi2 (SE) and the pore-wall flux J (out of the particle, mol m^-2 s^-1).
//   solid:       i1_{j+1/2} - i1_{j-1/2} + F a dx J_j = 0,  i1 = -sigma_eff dphi1/dx  (Table 1)
//   electrolyte: i2_{j+1/2} - i2_{j-1/2} - F a dx J_j = 0,  i2 = -kappa_eff dphi2/dx
//   kinetics:    J_j = BV(eta_j, theta_s),  eta = phi1 - phi2 - U(theta_s)              (eq 26-28)
//   particle:    theta_s = alpha_j + beta_j J_j  (particle.ts, eq 44-46)
// Boundaries: i1 = 0 and i2 through the ohmic separator to the Li anode (phi = 0) at x = 0 (optionally
// across a symmetric Butler-Volmer Li|SE interface, cellAnode); i2 = 0 and
// i1 = I (galvanostatic) or phi1(L) = V (potentiostatic) at the collector. Newton on (phi1, phi2)
// with J eliminated node by node: a 2x2 block-tridiagonal system (block Thomas).
import { gI, sI, gF, sF, gP, ldF, stF } from "../common/mem";
import {
  P_NX, P_NR, P_NXP, P_TH, P_DF, P_J, P_PHI1, P_PHI2, P_ALPHA, P_BETA, P_THS, P_ETA, P_WK,
  P_OCVX, P_OCVU, P_OCVM, P_NOCV, P_DX_TAB, P_DV_TAB, P_ND, P_D0, P_K0, P_FRT, P_BV, P_FADX, P_SDX,
  P_KDX, P_GSEP, P_MODE, P_I, P_VSET, P_TOL, P_MAXIT, P_V, P_ITERS, P_RES, P_WORST, P_STATUS, P_SDXC, P_I0LI,
  P_STAGES, P_SITERS, P_SAFEONLY, P_AFAC, STAGE_PARTICLES, STAGE_NEWTON, STAGE_UPDATE,
  CST_OK, CST_NOT_CONVERGED, CST_NONFINITE, CST_SATURATED,
} from "./layout";
import { cellParticles, cellUpdate } from "./particle_simd";

let ocvSlope: f64 = 0.0;

/** Reaction-area factor of node j (paper 001 eq 32, a_j = a (1 - <d>_j)); exactly 1 without the array, so a
 *  cell without damage computes c * 1.0 = c, bit for bit the uniform-area arithmetic. */
@inline function areaF(af: usize, j: i32): f64 { return af == 0 ? 1.0 : ldF(af, j); }
let bvDeta: f64 = 0.0;
let bvDx: f64 = 0.0;
let anodeDi: f64 = 0.0;

/** Open-circuit potential U(theta) [V] and its slope (in ocvSlope): paper 001 eq 30, or the table
 *  (monotone cubic Hermite, Fritsch-Carlson slopes from the host; linear beyond the ends). */
export function cellOcv(sys: usize, x: f64): f64 {
  const n = gI(sys, P_NOCV);
  if (n == 0) {
    const xl = max<f64>(x, 1e-12);
    const e = 1.0556e-4 * Math.exp(124.7407 * xl - 114.2593);
    const p1 = Math.pow(xl, 0.07), p2 = Math.pow(xl, 0.0766);
    ocvSlope = -5.5419 + 5.2824 * 1.07 * p1 - 124.7407 * e - 4.40446 * 0.0766 * p2 / xl;
    return 7.9760 - 5.5419 * xl + 5.2824 * (p1 * xl) - e - 4.40446 * p2;
  }
  const xs = gP(sys, P_OCVX), us = gP(sys, P_OCVU), ms = gP(sys, P_OCVM);
  if (x <= ldF(xs, 0)) { ocvSlope = ldF(ms, 0); return ldF(us, 0) + ocvSlope * (x - ldF(xs, 0)); }
  if (x >= ldF(xs, n - 1)) { ocvSlope = ldF(ms, n - 1); return ldF(us, n - 1) + ocvSlope * (x - ldF(xs, n - 1)); }
  let lo = 0, hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (ldF(xs, mid) <= x) lo = mid; else hi = mid;
  }
  const x0 = ldF(xs, lo), hk = ldF(xs, hi) - x0, t = (x - x0) / hk;
  const u0 = ldF(us, lo), u1 = ldF(us, hi), m0 = ldF(ms, lo) * hk, m1 = ldF(ms, hi) * hk;
  const t2 = t * t, t3 = t2 * t;
  ocvSlope = ((6.0 * t2 - 6.0 * t) * u0 + (3.0 * t2 - 4.0 * t + 1.0) * m0 + (6.0 * t - 6.0 * t2) * u1 + (3.0 * t2 - 2.0 * t) * m1) / hk;
  return (2.0 * t3 - 3.0 * t2 + 1.0) * u0 + (t3 - 2.0 * t2 + t) * m0 + (3.0 * t2 - 2.0 * t3) * u1 + (t3 - t2) * m1;
}

/** Butler-Volmer pore-wall flux J(eta, theta_s) out of the particle [mol m^-2 s^-1]; derivatives in bvDeta, bvDx.
 *  form 0 `symmetric`: J = 2 k0 sqrt(x(1-x)) sinh(F eta / 2RT)  (j0 = F k0 sqrt(x(1-x)))
 *  form 1 `asheri2023`: J = k0 [x e^{F eta/2RT} - (1-x) e^{-F eta/2RT}]  (eq 26-27, k0 = k2 sqrt((c2max-c2)c2) c1max) */
export function cellBv(sys: usize, eta: f64, x: f64): f64 {
  const k0 = gF(sys, P_K0), hf = 0.5 * gF(sys, P_FRT);
  const ep = Math.exp(hf * eta), em = 1.0 / ep;
  if (gI(sys, P_BV) == 0) {
    const sq = Math.sqrt(x * (1.0 - x));
    const sh = 0.5 * (ep - em);
    bvDeta = k0 * sq * hf * (ep + em);
    bvDx = k0 * sh * (1.0 - 2.0 * x) / sq;
    return 2.0 * k0 * sq * sh;
  }
  bvDeta = k0 * hf * (x * ep + (1.0 - x) * em);
  bvDx = k0 * (ep + em);
  return k0 * (x * ep - (1.0 - x) * em);
}

/** Current density i from the Li anode into the first SE node with Li-metal kinetics (symmetric BV,
 *  i = 2 i0 sinh(F eta_a / 2RT), eta_a = phi_Li - phi_SE = -phi_SE(0)) in series with the separator
 *  conductance G: solves i + G (2RT/F) asinh(i / 2 i0) + G phi2_0 = 0 by Newton from i = 0 (the
 *  function is increasing, concave for i > 0 and convex for i < 0, so the iterates approach the root
 *  monotonically from i = 0); d i / d phi2_0 in anodeDi. */
export function cellAnode(sys: usize, G: f64, f2: f64): f64 {
  const i0 = gF(sys, P_I0LI), b = 2.0 / gF(sys, P_FRT);
  let i: f64 = 0.0, dfi: f64 = 1.0;
  for (let it = 0; it < 200; it++) {
    const sq = Math.sqrt(4.0 * i0 * i0 + i * i);
    dfi = 1.0 + G * b / sq;
    const di = -(i + G * b * Math.asinh(0.5 * i / i0) + G * f2) / dfi;
    i += di;
    if (Math.abs(di) <= 1e-15 * (Math.abs(i) + i0)) break;
  }
  dfi = 1.0 + G * b / Math.sqrt(4.0 * i0 * i0 + i * i);
  anodeDi = -G / dfi;
  return i;
}

/** D at the shell faces from the old state (lagged), interpolated linearly in the D(theta) table, or D0. */
export function cellDiffusivity(sys: usize): void {
  const nr = gI(sys, P_NR), nxp = gI(sys, P_NXP), nd = gI(sys, P_ND);
  const th = gP(sys, P_TH), df = gP(sys, P_DF);
  const d0 = gF(sys, P_D0);
  const xs = gP(sys, P_DX_TAB), ds = gP(sys, P_DV_TAB);
  for (let s = 0; s < nr; s++) {
    const o = s * nxp;
    for (let j = 0; j < nxp; j++) {
      if (nd == 0) { stF(df, o + j, d0); continue; }
      // face between shells s and s+1 (the surface for s = nr-1: the outer shell's value)
      const x = s < nr - 1 ? 0.5 * (ldF(th, o + j) + ldF(th, o + nxp + j)) : ldF(th, o + j);
      let d = ldF(ds, 0);
      if (x >= ldF(xs, nd - 1)) d = ldF(ds, nd - 1);
      else if (x > ldF(xs, 0)) {
        let k = 0;
        while (ldF(xs, k + 1) < x) k++;
        const f = (x - ldF(xs, k)) / (ldF(xs, k + 1) - ldF(xs, k));
        d = ldF(ds, k) + f * (ldF(ds, k + 1) - ldF(ds, k));
      }
      stF(df, o + j, d);
    }
  }
}

// Safeguarded solve (cellNewtonSafe): surface stoichiometries kept in [TH_LO, TH_HI] (the kinetics clamp of
// the plain iteration); the change of phi1 - phi2 and phi2 per iteration limited to SAFE_CAP (~8 RT/F, the
// plain iteration's cap) at first, doubled while capped steps are taken whole, up to SAFE_CAP_MAX; steps
// below SAFE_FULL taken whole.
const TH_LO: f64 = 1e-9;
const TH_HI: f64 = 1.0 - 1e-9;
const SAFE_CAP: f64 = 0.2;
const SAFE_CAP_MAX: f64 = 3.2;
const SAFE_FULL: f64 = 1e-6;
let localP: f64 = 0.0;
let localSat: bool = false;

/**
 * Newton on the macro system given alpha, beta (cellParticles); returns CST_*. The plain iteration
 * (J updated with its linearisation, cellNewtonPlain) runs first, so every result it reaches is
 * unchanged. Only where it fails or stops on a clamped surface stoichiometry does the safeguarded
 * iteration (cellNewtonSafe) restart from the same initial guess. A galvanostatic step whose current
 * the particle surfaces cannot take at any overpotential (cellFeasible) returns CST_SATURATED at once.
 * Work at 8nx..11nx: the initial guess (J, phi1, phi2).
 */
export function cellNewton(sys: usize): i32 {
  const nx = gI(sys, P_NX);
  const J = gP(sys, P_J), p1 = gP(sys, P_PHI1), p2 = gP(sys, P_PHI2), wk = gP(sys, P_WK);
  sI(sys, P_SITERS, 0);
  if (gI(sys, P_MODE) == 0 && !cellFeasible(sys)) {
    sI(sys, P_ITERS, 0);
    sF(sys, P_RES, 0.0);
    return CST_SATURATED;
  }
  for (let j = 0; j < nx; j++) {
    stF(wk, 8 * nx + j, ldF(J, j)); stF(wk, 9 * nx + j, ldF(p1, j)); stF(wk, 10 * nx + j, ldF(p2, j));
  }
  let status = CST_NOT_CONVERGED;
  sI(sys, P_ITERS, 0);
  if (gI(sys, P_SAFEONLY) == 0) {
    status = cellNewtonPlain(sys);
    if (status == CST_OK) status = cellNewtonOutputs(sys);
    if (status == CST_OK) return status;
  }
  const it0 = gI(sys, P_ITERS);
  for (let j = 0; j < nx; j++) {
    stF(J, j, ldF(wk, 8 * nx + j)); stF(p1, j, ldF(wk, 9 * nx + j)); stF(p2, j, ldF(wk, 10 * nx + j));
  }
  status = cellNewtonSafe(sys);
  sI(sys, P_SITERS, gI(sys, P_ITERS));
  sI(sys, P_ITERS, it0 + gI(sys, P_ITERS));
  if (status == CST_OK) status = cellNewtonOutputs(sys);
  return status;
}

/** Galvanostatic feasibility: theta_s,j = alpha_j + beta_j J_j must stay in (0, 1), which bounds every J_j
 *  (beta < 0: a flux out of the particle empties its surface); the fluxes must add up to -I / (F a dx).
 *  Outside the reachable range there is no solution at any overpotential (the exchange current
 *  vanishes at a full or empty surface, eq 26-27): the particles saturate at the start of the step. */
export function cellFeasible(sys: usize): bool {
  const nx = gI(sys, P_NX);
  const al = gP(sys, P_ALPHA), be = gP(sys, P_BETA);
  const c = gF(sys, P_FADX), I = gF(sys, P_I), af = gP(sys, P_AFAC);
  let lo: f64 = 0.0, hi: f64 = 0.0, worst = 0;
  let room: f64 = Infinity;
  for (let j = 0; j < nx; j++) {
    const a = ldF(al, j), b = ldF(be, j), f = areaF(af, j);
    if (!(b < 0.0)) return true;
    lo += f * ((1.0 - a) / b); hi += f * (-a / b);
    // the node closest to its limit in the direction of the current (for the failure message)
    const r = I >= 0.0 ? 1.0 - a : a;
    if (r < room) { room = r; worst = j; }
  }
  sI(sys, P_WORST, worst);
  return -I > c * lo && -I < c * hi;
}

/** Pore-wall flux of one node at a given phi1 - phi2: the root of g(J) = BV(dphi - U(theta), theta) - J
 *  with theta = a + b J in [TH_LO, TH_HI]. g > 0 at the full end and < 0 at the empty end for both
 *  Butler-Volmer forms (the exchange current vanishes there), so a root is bracketed: Newton,
 *  bisecting whenever a step leaves the bracket. dJ/d(dphi) in localP; localSat when g has no root
 *  inside (the surface would leave [TH_LO, TH_HI]). */
export function cellLocalFlux(sys: usize, a: f64, b: f64, dphi: f64, J0: f64): f64 {
  let lo: f64 = -1e300, hi: f64 = 1e300;
  if (b != 0.0) {
    const ja = (TH_LO - a) / b, jb = (TH_HI - a) / b;
    lo = min<f64>(ja, jb); hi = max<f64>(ja, jb);
  }
  const lo0 = lo, hi0 = hi;
  let J = J0;
  if (!(J > lo && J < hi)) J = b != 0.0 ? 0.5 * (lo + hi) : 0.0;
  let g: f64 = 0.0, den: f64 = 1.0, jbv: f64 = 0.0, deta: f64 = 0.0;
  for (let it = 0; it < 200; it++) {
    const x = min<f64>(max<f64>(a + b * J, TH_LO), TH_HI);
    const U = cellOcv(sys, x), du = ocvSlope;
    jbv = cellBv(sys, dphi - U, x);
    deta = bvDeta;
    g = jbv - J;
    den = 1.0 + bvDeta * du * b - bvDx * b;
    if (g > 0.0) lo = J; else if (g < 0.0) hi = J; else break;
    let Jn = J + g / den;
    if (!(Jn > lo && Jn < hi)) Jn = 0.5 * (lo + hi);
    const dJ = Math.abs(Jn - J);
    J = Jn;
    if (dJ <= 1e-14 * Math.abs(J) || !(hi - lo > 1e-15 * max<f64>(Math.abs(lo), Math.abs(hi)))) {
      const x2 = min<f64>(max<f64>(a + b * J, TH_LO), TH_HI);
      const U2 = cellOcv(sys, x2), du2 = ocvSlope;
      jbv = cellBv(sys, dphi - U2, x2);
      deta = bvDeta;
      g = jbv - J;
      den = 1.0 + bvDeta * du2 * b - bvDx * b;
      break;
    }
  }
  localP = den > 0.0 && deta < 1e300 ? deta / den : 0.0;
  // no root inside: g kept one sign, so one end of the bracket never moved and J ran into it
  const w = 1e-12 * (hi0 - lo0);
  localSat = b != 0.0 && ((g > 0.0 && hi == hi0 && !(hi - J > w)) || (g < 0.0 && lo == lo0 && !(J - lo > w)));
  return J;
}

/** Residuals of the safeguarded iteration: J of every node from cellLocalFlux (warm start: the J in
 *  memory), dJ/d(phi1 - phi2) at 6nx, solid and electrolyte charge balances R1, R2 [A m^-2] at 11nx,
 *  12nx, 1 at 13nx where the surface saturates; returns sum R1^2 + R2^2. */
export function cellSafeResidual(sys: usize): f64 {
  const nx = gI(sys, P_NX);
  const J = gP(sys, P_J), p1 = gP(sys, P_PHI1), p2 = gP(sys, P_PHI2);
  const al = gP(sys, P_ALPHA), be = gP(sys, P_BETA), wk = gP(sys, P_WK);
  const c = gF(sys, P_FADX), s = gF(sys, P_SDX), k = gF(sys, P_KDX), G = gF(sys, P_GSEP), sc = gF(sys, P_SDXC);
  const pot = gI(sys, P_MODE) == 1;
  const I = gF(sys, P_I), Vs = gF(sys, P_VSET);
  const anode = gF(sys, P_I0LI) > 0.0;
  const af = gP(sys, P_AFAC);
  let m: f64 = 0.0;
  for (let j = 0; j < nx; j++) {
    const f1 = ldF(p1, j), f2 = ldF(p2, j), cj = c * areaF(af, j);
    const Jj = cellLocalFlux(sys, ldF(al, j), ldF(be, j), f1 - f2, ldF(J, j));
    stF(J, j, Jj);
    stF(wk, 6 * nx + j, localP);
    stF(wk, 13 * nx + j, localSat ? 1.0 : 0.0);
    const i1l = j > 0 ? -s * (f1 - ldF(p1, j - 1)) : 0.0;
    let i2l = j > 0 ? -k * (f2 - ldF(p2, j - 1)) : -G * f2;
    if (j == 0 && anode) i2l = cellAnode(sys, G, f2);
    let i1r: f64 = 0.0, i2r: f64 = 0.0;
    if (j < nx - 1) { i1r = -s * (ldF(p1, j + 1) - f1); i2r = -k * (ldF(p2, j + 1) - f2); }
    else if (pot) i1r = -sc * (Vs - f1);
    else i1r = I;
    const r1 = i1r - i1l + cj * Jj, r2 = i2r - i2l - cj * Jj;
    stF(wk, 11 * nx + j, r1); stF(wk, 12 * nx + j, r2);
    m += r1 * r1 + r2 * r2;
  }
  return m;
}

/**
 * Safeguarded Newton: J eliminated exactly node by node (cellLocalFlux: the stiff exponential of the
 * kinetics and the surface limits are handled in the scalar problem), Newton on (phi1, phi2) with the
 * same block-tridiagonal Jacobian, a change of at most SAFE_CAP in phi1 - phi2 and phi2 per iteration,
 * and backtracking (Armijo, quadratic model) on the charge-balance residual sum R1^2 + R2^2. The same
 * stopping rule (max |d phi| <= tol) and iteration limit as the plain iteration.
 */
export function cellNewtonSafe(sys: usize): i32 {
  const nx = gI(sys, P_NX);
  const J = gP(sys, P_J), p1 = gP(sys, P_PHI1), p2 = gP(sys, P_PHI2), wk = gP(sys, P_WK);
  const c = gF(sys, P_FADX), s = gF(sys, P_SDX), k = gF(sys, P_KDX), G = gF(sys, P_GSEP), sc = gF(sys, P_SDXC);
  const pot = gI(sys, P_MODE) == 1;
  const tol = gF(sys, P_TOL), maxit = gI(sys, P_MAXIT);
  const anode = gF(sys, P_I0LI) > 0.0;
  const af = gP(sys, P_AFAC);
  let status = CST_NOT_CONVERGED;
  let it = 0, worst = 0;
  let maxd: f64 = 0.0;
  let m0 = cellSafeResidual(sys);
  let cap = SAFE_CAP;
  while (it < maxit) {
    it++;
    if (!(m0 < 1e300)) { status = CST_NONFINITE; break; }
    let c11: f64 = 0.0, c12: f64 = 0.0, c21: f64 = 0.0, c22: f64 = 0.0, r1: f64 = 0.0, r2: f64 = 0.0;
    for (let j = 0; j < nx; j++) {
      const pj = ldF(wk, 6 * nx + j);
      const sl = j > 0 ? s : 0.0, kl = j > 0 ? k : 0.0;
      const sr = j < nx - 1 ? s : 0.0, kr = j < nx - 1 ? k : 0.0;
      let gl = G;
      if (j == 0 && anode) { cellAnode(sys, G, ldF(p2, 0)); gl = -anodeDi; }
      const cj = c * areaF(af, j);
      let a11 = sl + sr + cj * pj, a22 = kl + kr + cj * pj;
      if (j == nx - 1 && pot) a11 += sc;
      if (j == 0) a22 += gl;
      const a12 = -cj * pj, a21 = -cj * pj;
      const e1 = -ldF(wk, 11 * nx + j), e2 = -ldF(wk, 12 * nx + j);
      const m11 = a11 + sl * c11, m12 = a12 + sl * c12, m21 = a21 + kl * c21, m22 = a22 + kl * c22;
      const q1 = e1 + sl * r1, q2 = e2 + kl * r2;
      const id = 1.0 / (m11 * m22 - m12 * m21);
      const u1 = -sr, u2 = -kr;
      c11 = m22 * u1 * id; c12 = -m12 * u2 * id; c21 = -m21 * u1 * id; c22 = m11 * u2 * id;
      r1 = (m22 * q1 - m12 * q2) * id; r2 = (m11 * q2 - m21 * q1) * id;
      stF(wk, 4 * j, c11); stF(wk, 4 * j + 1, c12); stF(wk, 4 * j + 2, c21); stF(wk, 4 * j + 3, c22);
      stF(wk, 4 * nx + 2 * j, r1); stF(wk, 4 * nx + 2 * j + 1, r2);
    }
    let x1: f64 = 0.0, x2: f64 = 0.0, dmax: f64 = 0.0;
    for (let j = nx - 1; j >= 0; j--) {
      const y1 = ldF(wk, 4 * nx + 2 * j) - (ldF(wk, 4 * j) * x1 + ldF(wk, 4 * j + 1) * x2);
      const y2 = ldF(wk, 4 * nx + 2 * j + 1) - (ldF(wk, 4 * j + 2) * x1 + ldF(wk, 4 * j + 3) * x2);
      x1 = y1; x2 = y2;
      stF(wk, 4 * nx + 2 * j, x1); stF(wk, 4 * nx + 2 * j + 1, x2);
      const d = Math.abs(x1 - x2) + Math.abs(x2);
      if (!(d <= dmax)) { dmax = d; worst = j; }
    }
    maxd = dmax;
    if (!(dmax < 1e300)) { status = CST_NONFINITE; break; }
    for (let j = 0; j < nx; j++) {
      stF(wk, 8 * nx + j, ldF(J, j)); stF(wk, 9 * nx + j, ldF(p1, j)); stF(wk, 10 * nx + j, ldF(p2, j));
    }
    // a step below SAFE_FULL is taken whole: Newton's quadratic region, where the residual is at round-off
    let lam = dmax > cap ? cap / dmax : 1.0;
    let ok = false;
    let m1: f64 = 0.0;
    let bt = 0;
    for (; bt < 40; bt++) {
      for (let j = 0; j < nx; j++) {
        stF(p1, j, ldF(wk, 9 * nx + j) + lam * ldF(wk, 4 * nx + 2 * j));
        stF(p2, j, ldF(wk, 10 * nx + j) + lam * ldF(wk, 4 * nx + 2 * j + 1));
        stF(J, j, ldF(wk, 8 * nx + j));
      }
      m1 = cellSafeResidual(sys);
      if (m1 <= (1.0 - 2e-4 * lam) * m0 || dmax <= SAFE_FULL) { ok = true; break; }
      // minimum of the quadratic through m(0), m'(0) = -2 m(0) and m(lam), kept in [0.1, 0.5] lam
      let ln = m0 * lam * lam / (m1 - m0 + 2.0 * m0 * lam);
      if (!(ln >= 0.1 * lam)) ln = 0.1 * lam;
      if (ln > 0.5 * lam) ln = 0.5 * lam;
      lam = ln;
    }
    if (!ok) break;
    // the step limit widens while capped steps are taken whole (a long way to go on a flat residual) and
    // narrows to the step taken after a backtrack
    if (bt == 0) { if (lam * dmax >= cap) cap = min<f64>(2.0 * cap, SAFE_CAP_MAX); }
    else cap = max<f64>(SAFE_CAP, lam * dmax);
    m0 = m1;
    if (dmax <= tol) {
      status = CST_OK;
      for (let j = 0; j < nx; j++) if (ldF(wk, 13 * nx + j) != 0.0) { status = CST_SATURATED; worst = j; }
      break;
    }
  }
  sI(sys, P_ITERS, it);
  sF(sys, P_RES, maxd);
  sI(sys, P_WORST, worst);
  return status;
}

/** The plain iteration: J updated with its linearisation, the overpotential step capped at 0.2 V. */
export function cellNewtonPlain(sys: usize): i32 {
  const nx = gI(sys, P_NX);
  const J = gP(sys, P_J), p1 = gP(sys, P_PHI1), p2 = gP(sys, P_PHI2);
  const al = gP(sys, P_ALPHA), be = gP(sys, P_BETA), wk = gP(sys, P_WK);
  const c = gF(sys, P_FADX), s = gF(sys, P_SDX), k = gF(sys, P_KDX), G = gF(sys, P_GSEP), sc = gF(sys, P_SDXC);
  const pot = gI(sys, P_MODE) == 1;
  const I = gF(sys, P_I), Vs = gF(sys, P_VSET);
  const tol = gF(sys, P_TOL), maxit = gI(sys, P_MAXIT);
  const anode = gF(sys, P_I0LI) > 0.0;
  const af = gP(sys, P_AFAC);
  let status = CST_NOT_CONVERGED;
  let it = 0, worst = 0;
  let maxd: f64 = 0.0;
  while (it < maxit) {
    it++;
    // kinetics and the local elimination dJ = p (dphi1 - dphi2) + q  (work: p at 6nx, q at 7nx)
    for (let j = 0; j < nx; j++) {
      const bj = ldF(be, j), Jj = ldF(J, j);
      const x = ldF(al, j) + bj * Jj;
      const xc = min<f64>(max<f64>(x, 1e-9), 1.0 - 1e-9);
      const U = cellOcv(sys, xc), du = ocvSlope;
      const jb = cellBv(sys, ldF(p1, j) - ldF(p2, j) - U, xc);
      const den = 1.0 + bvDeta * du * bj - bvDx * bj;
      stF(wk, 6 * nx + j, bvDeta / den);
      stF(wk, 7 * nx + j, (jb - Jj) / den);
    }
    // block Thomas: rows (E1_j, E2_j), unknowns (dphi1_j, dphi2_j); Chat at 4j..4j+3, rhat at 4nx + 2j
    let c11: f64 = 0.0, c12: f64 = 0.0, c21: f64 = 0.0, c22: f64 = 0.0, r1: f64 = 0.0, r2: f64 = 0.0;
    for (let j = 0; j < nx; j++) {
      const pj = ldF(wk, 6 * nx + j), qj = ldF(wk, 7 * nx + j), Jj = ldF(J, j);
      const f1 = ldF(p1, j), f2 = ldF(p2, j), cj = c * areaF(af, j);
      const sl = j > 0 ? s : 0.0, kl = j > 0 ? k : 0.0;
      const sr = j < nx - 1 ? s : 0.0, kr = j < nx - 1 ? k : 0.0;
      const i1l = j > 0 ? -s * (f1 - ldF(p1, j - 1)) : 0.0;
      let i2l = j > 0 ? -k * (f2 - ldF(p2, j - 1)) : -G * f2;
      let gl = G;
      if (j == 0 && anode) { i2l = cellAnode(sys, G, f2); gl = -anodeDi; }
      let i1r: f64 = 0.0, i2r: f64 = 0.0, a11 = sl + sr + cj * pj, a22 = kl + kr + cj * pj;
      if (j < nx - 1) { i1r = -s * (ldF(p1, j + 1) - f1); i2r = -k * (ldF(p2, j + 1) - f2); }
      else if (pot) { i1r = -sc * (Vs - f1); a11 += sc; }
      else i1r = I;
      if (j == 0) a22 += gl;
      const a12 = -cj * pj, a21 = -cj * pj;
      const e1 = -(i1r - i1l + cj * Jj) - cj * qj;
      const e2 = -(i2r - i2l - cj * Jj) + cj * qj;
      // M = A - diag(-sl, -kl) Chat_{j-1};  rhs - diag(-sl, -kl) rhat_{j-1}
      const m11 = a11 + sl * c11, m12 = a12 + sl * c12, m21 = a21 + kl * c21, m22 = a22 + kl * c22;
      const q1 = e1 + sl * r1, q2 = e2 + kl * r2;
      const id = 1.0 / (m11 * m22 - m12 * m21);
      const u1 = -sr, u2 = -kr;
      c11 = m22 * u1 * id; c12 = -m12 * u2 * id; c21 = -m21 * u1 * id; c22 = m11 * u2 * id;
      r1 = (m22 * q1 - m12 * q2) * id; r2 = (m11 * q2 - m21 * q1) * id;
      stF(wk, 4 * j, c11); stF(wk, 4 * j + 1, c12); stF(wk, 4 * j + 2, c21); stF(wk, 4 * j + 3, c22);
      stF(wk, 4 * nx + 2 * j, r1); stF(wk, 4 * nx + 2 * j + 1, r2);
    }
    let x1: f64 = 0.0, x2: f64 = 0.0, dmax: f64 = 0.0;
    for (let j = nx - 1; j >= 0; j--) {
      const y1 = ldF(wk, 4 * nx + 2 * j) - (ldF(wk, 4 * j) * x1 + ldF(wk, 4 * j + 1) * x2);
      const y2 = ldF(wk, 4 * nx + 2 * j + 1) - (ldF(wk, 4 * j + 2) * x1 + ldF(wk, 4 * j + 3) * x2);
      x1 = y1; x2 = y2;
      stF(wk, 4 * nx + 2 * j, x1); stF(wk, 4 * nx + 2 * j + 1, x2);
      const d = Math.abs(x1 - x2) + Math.abs(x2);
      if (!(d <= dmax)) { dmax = d; worst = j; }
    }
    maxd = dmax;
    if (!(dmax < 1e300)) { status = CST_NONFINITE; break; }
    // damped step: an overpotential change of at most 0.2 V per iteration
    const lam = dmax > 0.2 ? 0.2 / dmax : 1.0;
    for (let j = 0; j < nx; j++) {
      const d1 = lam * ldF(wk, 4 * nx + 2 * j), d2 = lam * ldF(wk, 4 * nx + 2 * j + 1);
      stF(p1, j, ldF(p1, j) + d1);
      stF(p2, j, ldF(p2, j) + d2);
      stF(J, j, ldF(J, j) + ldF(wk, 6 * nx + j) * (d1 - d2) + lam * ldF(wk, 7 * nx + j));
    }
    if (dmax <= tol) { status = CST_OK; break; }
  }
  sI(sys, P_ITERS, it);
  sF(sys, P_RES, maxd);
  sI(sys, P_WORST, worst);
  return status;
}

/** Outputs of a converged iteration: surface theta, overpotential, terminal voltage (or current when
 *  potentiostatic); CST_SATURATED when a surface stoichiometry is outside (0, 1). */
export function cellNewtonOutputs(sys: usize): i32 {
  const nx = gI(sys, P_NX);
  const J = gP(sys, P_J), p1 = gP(sys, P_PHI1), p2 = gP(sys, P_PHI2);
  const al = gP(sys, P_ALPHA), be = gP(sys, P_BETA);
  const pot = gI(sys, P_MODE) == 1;
  const I = gF(sys, P_I), Vs = gF(sys, P_VSET), sc = gF(sys, P_SDXC);
  let status = CST_OK;
  const ths = gP(sys, P_THS), eta = gP(sys, P_ETA);
  for (let j = 0; j < nx; j++) {
    const x = ldF(al, j) + ldF(be, j) * ldF(J, j);
    stF(ths, j, x);
    if (!(x > 0.0 && x < 1.0)) { sI(sys, P_WORST, j); status = CST_SATURATED; }
    stF(eta, j, ldF(p1, j) - ldF(p2, j) - cellOcv(sys, x));
  }
  const f1 = ldF(p1, nx - 1);
  if (pot) { sF(sys, P_V, Vs); sF(sys, P_I, -sc * (Vs - f1)); }
  else sF(sys, P_V, f1 - I / sc);
  return status;
}

/** One implicit step from P_TH (and P_THPREV for BDF2) over P_HEFF: particles, Newton, new state in
 *  P_THNEW. P_J, P_PHI1, P_PHI2 hold the initial guess on entry and the solution on exit. P_STAGES
 *  selects the stages (STAGE_* bits; 0 = all, the update only when Newton converged): the host's
 *  particle seam calls them one at a time, with the same arithmetic as the fused step. */
export function cellStep(sys: usize): i32 {
  const stages = gI(sys, P_STAGES);
  const all = stages == 0;
  if (all || (stages & STAGE_PARTICLES) != 0) {
    cellDiffusivity(sys);
    cellParticles(sys);
  }
  let st = CST_OK;
  if (all || (stages & STAGE_NEWTON) != 0) {
    st = cellNewton(sys);
    sI(sys, P_STATUS, st);
  }
  if ((all && st == CST_OK) || (stages & STAGE_UPDATE) != 0) cellUpdate(sys);
  return st;
}
