/**
 * Closed forms the micro model's tests check against (test/micro/reference.test.ts):
 *
 *   - the disk with a constant influx (Carslaw & Jaeger, Conduction of Heat in Solids, 2nd ed., §7.9 (10)):
 *       c(r, t) = c0 + (J R / D) [2 tau + r^2/(2 R^2) - 1/4 - 2 sum_n J0(a_n r/R) / (a_n^2 J0(a_n)) exp(-a_n^2 tau)],
 *     tau = D t / R^2, a_n the positive roots of J1 (diffusion alone, -D dc/dr = -J at r = R: J into the disk);
 *   - the mass balance of the same disk, c_bulk = c0 + J P t / A (P/A = 2/R on the circle);
 *   - a circular inclusion with a uniform isotropic eigenstrain e (all three directions) perfectly bonded in a
 *     matrix, plane strain (eps_zz = 0): in an infinite matrix, or in a concentric cylinder of outer radius b
 *     whose outer surface is free or clamped (the two bounds of what a finite box does to it).
 *
 * Bessel functions: J_n(x) = (1/2pi) int_0^2pi cos(n theta - x sin theta) dtheta, by the trapezoidal rule: the
 * integrand is periodic and entire, so the rule converges geometrically once the points outnumber ~x + 40
 * (the error is of the size of J_N(x) for N points); a few 1e-16 absolute here.
 */

/** J_n(x) for the integer order n (0 or 1 in use), |error| ~ 1e-15 (the trapezoidal rule of the Bessel integral). */
export function besselJ(n: number, x: number): number {
  const m = Math.max(64, 2 * Math.ceil(Math.abs(x) / 2) + 64); // even; N > |x| + 40 points over one period
  let s = 0;
  for (let k = 0; k < m; k++) {
    const th = (2 * Math.PI * k) / m;
    s += Math.cos(n * th - x * Math.sin(th));
  }
  return s / m;
}
export const besselJ0 = (x: number) => besselJ(0, x);
export const besselJ1 = (x: number) => besselJ(1, x);

/** McMahon's expansion of the s-th positive root of J1 (beta = (s + 1/4) pi, mu = 4): error ~ beta^-9, < 1e-15 for s >= 30. */
function mcMahonJ1(s: number): number {
  const b = (s + 0.25) * Math.PI,
    mu = 4;
  const e = 8 * b;
  return (
    b - (mu - 1) / e - (4 * (mu - 1) * (7 * mu - 31)) / (3 * e ** 3) - (32 * (mu - 1) * (83 * mu * mu - 982 * mu + 3779)) / (15 * e ** 5)
  );
}

const j1Roots: number[] = [];
/** The first `count` positive roots of J1 (cached): McMahon's expansion, refined by Newton (J1' = J0 - J1/x) for the first 40. */
export function besselJ1Roots(count: number): number[] {
  for (let s = j1Roots.length + 1; s <= count; s++) {
    let x = mcMahonJ1(s);
    if (s <= 40)
      for (let it = 0; it < 20; it++) {
        const j1 = besselJ1(x);
        const dx = j1 / (besselJ0(x) - j1 / x);
        x -= dx;
        if (Math.abs(dx) < 1e-15 * x) break;
      }
    j1Roots.push(x);
  }
  return j1Roots.slice(0, count);
}

/**
 * The bracket of Carslaw & Jaeger's disk with a constant influx, F(rho, tau) = 2 tau + rho^2/2 - 1/4 -
 * 2 sum_n J0(a_n rho)/(a_n^2 J0(a_n)) exp(-a_n^2 tau), so c = c0 + (J R/D) F. The series is summed until
 * a_n^2 tau >= 40 (the terms after it below e^-40 / a_n^2 together); at tau = 0 it is 0 exactly (c = c0).
 * On the surface (rho = 1) the ratio of the J0 is 1; elsewhere each term takes two Bessel evaluations.
 */
export function diskInfluxShape(rho: number, tau: number): number {
  if (!(tau > 0)) return 0;
  const need = Math.ceil(Math.sqrt(40 / tau) / Math.PI) + 2; // a_n ~ (n + 1/4) pi
  if (need > 200000) throw new Error(`diskInfluxShape: tau = ${tau} too small for the series (use tau >= 1e-9)`);
  const a = besselJ1Roots(need);
  let s = 0;
  // summed from the smallest term up
  for (let n = a.length - 1; n >= 0; n--) {
    const an = a[n];
    const ratio = rho === 1 ? 1 : besselJ0(an * rho) / besselJ0(an);
    s += (ratio / (an * an)) * Math.exp(-an * an * tau);
  }
  return 2 * tau + (rho * rho) / 2 - 0.25 - 2 * s;
}

/** The disk's parameters (SI): radius R [m], diffusivity D [m^2/s], influx J [mol/(m^2 s)], c0 [mol/m^3]. */
export interface DiskInflux {
  R: number;
  D: number;
  J: number;
  c0: number;
}

/** c(r, t) [mol/m^3] of the disk with a constant influx (Carslaw & Jaeger; see the file comment). */
export function diskConcentration(p: DiskInflux, r: number, t: number): number {
  return p.c0 + ((p.J * p.R) / p.D) * diskInfluxShape(r / p.R, (p.D * t) / (p.R * p.R));
}

/** The time [s] at which the disk's surface concentration reaches c [mol/m^3] (bisection on the increasing c(R, t)). */
export function diskSurfaceTime(p: DiskInflux, c: number): number {
  if (!(c > p.c0)) return 0;
  let lo = 0,
    hi = (p.R * p.R) / p.D;
  while (diskConcentration(p, p.R, hi) < c) hi *= 2;
  for (let it = 0; it < 200 && hi - lo > 1e-14 * hi; it++) {
    const mid = 0.5 * (lo + hi);
    if (diskConcentration(p, p.R, mid) < c) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/** The mass balance: the area-averaged concentration after t [s] of the influx J through perimeter P into area A. */
export function bulkConcentration(c0: number, J: number, P: number, A: number, t: number): number {
  return c0 + (J * P * t) / A;
}

/** Lame constants (lambda, mu) of Young's modulus E and Poisson's ratio nu. */
export function lame(E: number, nu: number): { lambda: number; mu: number } {
  return { lambda: (E * nu) / ((1 + nu) * (1 - 2 * nu)), mu: E / (2 * (1 + nu)) };
}

/** The state of a circular inclusion with a uniform isotropic eigenstrain, plane strain (stresses in the units of the moduli). */
export interface InclusionSolution {
  /** u_r = A r in the inclusion */
  A: number;
  /** interface pressure p: sigma_rr = sigma_tt = -p in the inclusion (uniform) */
  pressure: number;
  /** sigma_zz in the inclusion (plane strain) */
  sigmaZZ: number;
}

/**
 * A circular inclusion (lambda1, mu1) with the eigenstrain e in xx, yy and zz, perfectly bonded in a matrix
 * (lambda2, mu2), plane strain. Inclusion: u_r = A r, sigma_rr = 2 (lambda1 + mu1) A - (3 lambda1 + 2 mu1) e.
 * Matrix: u_r = C r + B / r with sigma_rr = 2 (lambda2 + mu2) C - 2 mu2 B / r^2. Continuity A R = C R + B / R,
 * and of sigma_rr at R; the outer condition at r = b:
 *   "infinite" (b -> inf): C = 0, so B = A R^2 and A = (3 lambda1 + 2 mu1) e / (2 (lambda1 + mu1 + mu2)), p = 2 mu2 A;
 *   "free" (sigma_rr(b) = 0): C = mu2 B / ((lambda2 + mu2) b^2);
 *   "clamped" (u_r(b) = 0): C = -B / b^2.
 * With C = k B (k from the outer condition): A R = B (k R + 1/R), 2 (lambda1 + mu1) A - (3 lambda1 + 2 mu1) e =
 * 2 (lambda2 + mu2) k B - 2 mu2 B / R^2. sigma_zz = lambda1 2A - (3 lambda1 + 2 mu1) e (eps_zz = 0).
 */
export function inclusionEigenstrain(
  m: { lambda1: number; mu1: number; lambda2: number; mu2: number },
  e: number,
  outer: { kind: "infinite" } | { kind: "free" | "clamped"; bOverR: number } = { kind: "infinite" },
): InclusionSolution {
  const { lambda1: l1, mu1: m1, lambda2: l2, mu2: m2 } = m;
  // in units of R: k R^2 (C = k B), B/(A R^2) = 1 / (k R^2 + 1)
  const kR2 = outer.kind === "infinite" ? 0 : outer.kind === "free" ? m2 / ((l2 + m2) * outer.bOverR ** 2) : -1 / outer.bOverR ** 2;
  const beta = 1 / (kR2 + 1); // B = beta A R^2
  // matrix sigma_rr at R: 2 (l2 + m2) k B - 2 m2 B / R^2 = A beta (2 (l2 + m2) kR2 - 2 m2) =: -A s
  const s = -beta * (2 * (l2 + m2) * kR2 - 2 * m2);
  const A = ((3 * l1 + 2 * m1) * e) / (2 * (l1 + m1) + s);
  const pressure = s * A;
  return { A, pressure, sigmaZZ: 2 * l1 * A - (3 * l1 + 2 * m1) * e };
}
