/**
 * The pure-diffusion micro problem of paper 001 §3.1 (eq 44-46): radial Fickian diffusion in a spherical
 * active-material particle under a constant influx J_s through its surface, from a uniform c0 = 0.5 c_max, until
 * the surface reaches c~ = 0.99 or a time cap. Its per-step series is the micro model's (t, c~_surf, c~_bulk, <d>
 * = 0), so `sphereDatasetRows` gives the surrogate's pure-diffusion training rows (eq 37-39) with
 * fractureEnergy NaN, exactly as `datasetRows` does for a mechanics-free micro run.
 *
 * Discretisation (the P2D particle's idea, host/cell/sim.ts): finite volumes on spherical shells with exact
 * shell volumes (r_{i+1}^3 - r_i^3)/3 and face areas r_i^2, here on a mesh graded towards the surface (each shell
 * `grading` times thinner than the one inside it) so the t^-1/2 boundary layer of the first steps is resolved;
 * backward Euler with the micro model's adaptive step (predictor-based local error relative to c_max, PI
 * control, the same first step). Mass is conserved to round-off: c~_bulk = c0 + 3 J_s t / (R c_max) exactly.
 *
 * c~_surf is the surface value at r = R: the outer shell's value extrapolated over the half shell with the
 * exact surface gradient dc/dr = J_s / D of the flux condition (eq 45), c(R) = c_N + (J_s / D)(R - r_N), r_N the
 * outer shell's mid-radius. (The P2D cell takes its outer shell's value as theta_s.)
 */
import { ConfigError } from "../config/errors.js";
import { type Dataset, seriesRows } from "./dataset.js";

export interface SphereConfig {
  radius_m: number;
  diffusivity_m2_s: number;
  maxConcentration_mol_m3: number;
  initialConcentrationNorm: number;
  /** influx J_s [mol/(m^2 s)] (lithiation > 0) */
  flux_mol_m2_s: number;
  /** number of shells (default 100) and the ratio of neighbouring widths, inner / outer (default 1.05) */
  shells: number;
  grading: number;
  /** stop at c~_surf = this, or at t = time_s */
  stopConcentrationNorm: number;
  time_s: number;
  /** local error tolerance of the adaptive step (relative to c_max), as the micro model's time.tolerance */
  tolerance: number;
  maxSteps: number;
}

export const SPHERE_DEFAULTS: Omit<SphereConfig, "flux_mol_m2_s"> = {
  radius_m: 1e-6,
  diffusivity_m2_s: 7e-15,
  maxConcentration_mol_m3: 38320,
  initialConcentrationNorm: 0.5,
  shells: 100,
  grading: 1.05,
  stopConcentrationNorm: 0.99,
  time_s: 72000,
  tolerance: 1e-3,
  maxSteps: 100_000,
};

export interface SphereResult {
  kind: "assbkit.multiscale.sphere";
  config: SphereConfig;
  /** one entry per accepted step, t = 0 first (damage_avg is 0: no mechanics) */
  series: { t_s: number[]; c_surf_norm: number[]; c_bulk_norm: number[]; damage_avg: number[]; dt_s: number[] };
  stop: { reason: "maxConcentrationNorm" | "time"; t_s: number };
  steps: number;
  rejectedSteps: number;
}

const MAX_GROW = 2;
const EVENT_TOL = 1e-5;

function check(c: SphereConfig): void {
  const pos: (keyof SphereConfig)[] = ["radius_m", "diffusivity_m2_s", "maxConcentration_mol_m3", "flux_mol_m2_s", "time_s", "tolerance"];
  for (const k of pos)
    if (!(Number.isFinite(c[k]) && c[k] > 0)) throw new ConfigError(`sphere: ${k} = ${c[k]}: expected a positive number`);
  if (!(Number.isInteger(c.shells) && c.shells >= 4)) throw new ConfigError(`sphere: shells = ${c.shells}: expected an integer >= 4`);
  if (!(c.grading >= 1 && c.grading <= 2)) throw new ConfigError(`sphere: grading = ${c.grading}: expected 1 to 2`);
  if (!(c.initialConcentrationNorm > 0 && c.initialConcentrationNorm < c.stopConcentrationNorm && c.stopConcentrationNorm <= 1))
    throw new ConfigError(
      `sphere: stopConcentrationNorm = ${c.stopConcentrationNorm}: expected above initialConcentrationNorm = ${c.initialConcentrationNorm} and at most 1`,
    );
}

/** Shell radii r_0 = 0 < r_1 < ... < r_N = R, widths shrinking by `grading` towards the surface. */
export function sphereMesh(R: number, n: number, grading: number): Float64Array {
  const w = new Float64Array(n);
  let s = 0;
  for (let i = 0; i < n; i++) s += w[i] = grading ** -i;
  const r = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) r[i + 1] = r[i] + (w[i] / s) * R;
  r[n] = R;
  return r;
}

/** Runs the sphere to c~_surf = stopConcentrationNorm or time_s. */
export function runSphere(input: Partial<SphereConfig> & { flux_mol_m2_s: number }): SphereResult {
  const cfg: SphereConfig = { ...SPHERE_DEFAULTS, ...input };
  check(cfg);
  const { radius_m: R, diffusivity_m2_s: D, maxConcentration_mol_m3: cmax, flux_mol_m2_s: J, shells: n } = cfg;
  const r = sphereMesh(R, n, cfg.grading);
  // per unit solid angle: shell volume (r_{i+1}^3 - r_i^3)/3, face i+1 conductance D r_{i+1}^2 / (distance of mid-radii)
  const vol = new Float64Array(n),
    g = new Float64Array(n + 1),
    mid = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    vol[i] = (r[i + 1] ** 3 - r[i] ** 3) / 3;
    mid[i] = 0.5 * (r[i] + r[i + 1]);
  }
  for (let i = 1; i < n; i++) g[i] = (D * r[i] * r[i]) / (mid[i] - mid[i - 1]);
  const vTot = (R * R * R) / 3;
  const inflow = J * R * R; // mol/s per steradian through the surface
  const surfGap = (J / D) * (R - mid[n - 1]);
  const c = new Float64Array(n).fill(cfg.initialConcentrationNorm * cmax);
  const cPrev = new Float64Array(n);
  const cNew = new Float64Array(n);
  const a = new Float64Array(n),
    b = new Float64Array(n),
    cc = new Float64Array(n),
    d = new Float64Array(n);
  const bulk = (x: Float64Array) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += vol[i] * x[i];
    return s / vTot / cmax;
  };
  const surf = (x: Float64Array) => (x[n - 1] + surfGap) / cmax;
  /** backward Euler for the increment x = cNew - c: (vol/h) x - fluxes(x) = fluxes(c) + inflow at the outer
   *  shell (solving for the small increment keeps round-off relative to it at the slow fluxes); Thomas algorithm */
  const solve = (h: number) => {
    for (let i = 0; i < n; i++) {
      a[i] = -g[i];
      cc[i] = -g[i + 1];
      b[i] = vol[i] / h + g[i] + g[i + 1];
      d[i] = (i > 0 ? g[i] * (c[i - 1] - c[i]) : 0) + (i < n - 1 ? g[i + 1] * (c[i + 1] - c[i]) : inflow);
    }
    for (let i = 1; i < n; i++) {
      const m = a[i] / b[i - 1];
      b[i] -= m * cc[i - 1];
      d[i] -= m * d[i - 1];
    }
    cNew[n - 1] = d[n - 1] / b[n - 1];
    for (let i = n - 2; i >= 0; i--) cNew[i] = (d[i] - cc[i] * cNew[i + 1]) / b[i];
    for (let i = 0; i < n; i++) cNew[i] += c[i];
  };
  const series: SphereResult["series"] = { t_s: [], c_surf_norm: [], c_bulk_norm: [], damage_avg: [], dt_s: [] };
  const record = (t: number, h: number) => {
    series.t_s.push(t);
    series.c_surf_norm.push(surf(c));
    series.c_bulk_norm.push(bulk(c));
    series.damage_avg.push(0);
    series.dt_s.push(h);
  };
  record(0, 0);
  // the micro model's first step: the surface rises by ~10 tol c_max in it, at most 1e-3 R^2/D
  const dc0 = 10 * cfg.tolerance * cmax;
  let dt = Math.min(Math.PI * D * (dc0 / (2 * J)) ** 2, (dc0 * R) / (2 * J), (1e-3 * R * R) / D);
  let t = 0,
    dtPrev = 0,
    steps = 0,
    rejected = 0,
    errPrev = 1,
    afterReject = false;
  const target = cfg.stopConcentrationNorm;
  let stop: SphereResult["stop"] | null = null;
  while (!stop) {
    if (steps >= cfg.maxSteps)
      throw new ConfigError(`sphere: no stop rule reached within maxSteps = ${cfg.maxSteps} steps (t = ${t.toPrecision(4)} s)`);
    let h = dt;
    let hitsEnd = false;
    if (t + h >= cfg.time_s * (1 - 1e-12)) {
      h = cfg.time_s - t;
      hitsEnd = true;
    }
    solve(h);
    let err = 0;
    if (dtPrev > 0) {
      const q = h / dtPrev,
        f = h / (h + dtPrev);
      for (let i = 0; i < n; i++) err = Math.max(err, Math.abs(cNew[i] - (c[i] + q * (c[i] - cPrev[i]))) * f);
      err /= cfg.tolerance * cmax;
    }
    if (err > 1) {
      rejected++;
      afterReject = true;
      dt = h * Math.max(0.2, 0.9 / Math.sqrt(err));
      continue;
    }
    // the stop event: c~_surf reaches the target within EVENT_TOL (secant on the step length; c_surf grows)
    const sNew = surf(cNew);
    if (sNew > target + EVENT_TOL) {
      const s0 = surf(c);
      dt = h * Math.min(0.99, Math.max(0.01, (target - s0) / (sNew - s0)));
      rejected++;
      continue;
    }
    cPrev.set(c);
    c.set(cNew);
    t = hitsEnd ? cfg.time_s : t + h;
    steps++;
    dtPrev = h;
    record(t, h);
    if (sNew >= target - EVENT_TOL) stop = { reason: "maxConcentrationNorm", t_s: t };
    else if (hitsEnd) stop = { reason: "time", t_s: t };
    const fac = err > 0 ? 0.9 * err ** -0.35 * Math.max(errPrev, 1e-4) ** 0.2 : MAX_GROW;
    dt = h * Math.min(afterReject ? 1 : MAX_GROW, Math.max(0.2, fac));
    errPrev = err > 0 ? err : errPrev;
    afterReject = false;
  }
  return { kind: "assbkit.multiscale.sphere", config: cfg, series, stop, steps, rejectedSteps: rejected };
}

/** The dataset rows of one sphere run (fractureEnergy NaN, damage rate 0), as `datasetRows` for a micro run. */
export function sphereDatasetRows(res: SphereResult, into?: Dataset): Dataset {
  return seriesRows(Number.NaN, res.config.flux_mol_m2_s, res.series, into);
}

// ---- the closed form (Carslaw & Jaeger, Conduction of Heat in Solids, 2nd ed., §9.3; Crank, Mathematics of
// Diffusion, 2nd ed., §6.3): a sphere of radius a from a uniform c0 with a constant influx F through r = a,
//   c(r, t) = c0 + (F a / D) [3 tau + r^2/(2 a^2) - 3/10 - (2 a / r) sum_n sin(b_n r/a) / (b_n^2 sin b_n) exp(-b_n^2 tau)],
// tau = D t / a^2, b_n the positive roots of b cot b = 1 (tan b = b). The mean is c0 + 3 F t / a exactly; at
// t = 0 the bracket vanishes (sum 1/b_n^2 = 1/10 on the surface).

const tanRoots: number[] = [];
/** The first `count` positive roots of tan b = b (cached): Newton on sin b - b cos b from (n + 1/2) pi - 1/((n + 1/2) pi). */
export function tanEqualsRoots(count: number): number[] {
  for (let k = tanRoots.length + 1; k <= count; k++) {
    const p = (k + 0.5) * Math.PI;
    let x = p - 1 / p;
    for (let it = 0; it < 50; it++) {
      const dx = (Math.sin(x) - x * Math.cos(x)) / (x * Math.sin(x));
      x -= dx;
      if (Math.abs(dx) < 1e-15 * x) break;
    }
    tanRoots.push(x);
  }
  return tanRoots.slice(0, count);
}

/** The bracket of the closed form at rho = r/a in (0, 1], tau = D t / a^2 (summed until b_n^2 tau >= 40). */
export function sphereInfluxShape(rho: number, tau: number): number {
  if (!(tau > 0)) return 0;
  const need = Math.ceil(Math.sqrt(40 / tau) / Math.PI) + 2;
  if (need > 2_000_000) throw new Error(`sphereInfluxShape: tau = ${tau} too small for the series (use tau >= 1e-11)`);
  const b = tanEqualsRoots(need);
  let s = 0;
  for (let k = b.length - 1; k >= 0; k--) {
    const bn = b[k];
    const ratio = rho === 1 ? 1 : Math.sin(bn * rho) / (rho * Math.sin(bn));
    s += (ratio / (bn * bn)) * Math.exp(-bn * bn * tau);
  }
  return 3 * tau + (rho * rho) / 2 - 0.3 - 2 * s;
}

/** c(r, t) / c_max of the closed form for a sphere configuration. */
export function sphereExactNorm(
  cfg: Pick<SphereConfig, "radius_m" | "diffusivity_m2_s" | "maxConcentration_mol_m3" | "initialConcentrationNorm" | "flux_mol_m2_s">,
  r: number,
  t: number,
): number {
  const a = cfg.radius_m,
    D = cfg.diffusivity_m2_s;
  return (
    cfg.initialConcentrationNorm +
    ((cfg.flux_mol_m2_s * a) / (D * cfg.maxConcentration_mol_m3)) * sphereInfluxShape(r / a, (D * t) / (a * a))
  );
}
