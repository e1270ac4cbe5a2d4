/**
 * The micro chemo-mechanical model of paper 001 (§2.1.2-2.1.3, §3.2.1; SPEC §6) as a library function:
 * runMicro(kernels, config) -> MicroResult. The pieces:
 *
 *   mesh.ts      the O-grid of Q1 quads (resolution -> sizes, MIN_RESOLUTION), interface node pairs, BC sets
 *   ordering.ts  nested dissection and the symbolic factorisation (once per mesh)
 *   sim.ts       MicroSim: kernel memory, scaled parameters, one backward-Euler step (monolithic Newton, GMRES
 *                right-preconditioned by a reused supernodal LU)
 *   model.ts     this file: adaptive backward Euler, the stop rules, the result
 *   analytic.ts  closed forms the tests check against (disk with constant influx, inclusion with eigenstrain)
 *
 * Coupling scheme: monolithic Newton on (u, c, p) with the consistent Jacobian (the stress-driven flux is ~10x
 * the Fickian one: a staggered scheme diverges), so each step converges to the fully implicit solution.
 */
import { ConfigError, NotConvergedError } from "../config/errors.js";
import type { MicroKernels } from "../core/wasm.js";
import { VERSION } from "../version.js";
import { pow } from "../core/portable_math.js";
import * as M from "../../assembly/micro/layout.js";
import { checkResolution } from "./mesh.js";
import { MicroSim, type MicroSolverOptions } from "./sim.js";
import type { MicroConfig, MicroResult } from "./types.js";

export { MIN_RESOLUTION, MAX_RESOLUTION, checkResolution, meshSizes } from "./mesh.js";
export { MicroSim, GAS_CONSTANT, type MicroSolverOptions, type NewtonOutcome } from "./sim.js";

export interface RunMicroOptions {
  /** called after every accepted step with the time [s] and max c / c_max */
  onProgress?: (t_s: number, cMaxNorm: number) => void;
  /** a MicroSim built for the same mesh and materials (reused across runs: a dataset sweep); runMicro resets it */
  sim?: MicroSim;
  /** solver options (tests and benchmarks) */
  solver?: MicroSolverOptions;
}

/** Largest growth of the step from one accepted step to the next. */
const MAX_GROW = 2;
/** Events (max c~, <d>) are located to this absolute tolerance. */
const EVENT_TOL = 1e-5;
/** The damage onset is located to 0 < sqrt(Y(d = 0)/Y0) - 1 <= ONSET_TOL (the first accepted step with d > 0 lands
 *  there; the square root, a gap ratio, grows about linearly in time, which the false position likes). */
const ONSET_TOL = 1e-3;

/** Refuses what the solver cannot run (the schema in config.ts checks the rest). */
function checkConfig(cfg: MicroConfig): void {
  checkResolution(cfg.resolution);
  if (cfg.mechanics && cfg.interface === "cohesive" && !(cfg.cohesive.exponent >= 1))
    throw new ConfigError(
      `cohesive.exponent = ${cfg.cohesive.exponent}: expected >= 1 (f_d = (1 - d)^n; the return mapping needs Y decreasing in d)`,
    );
  if (!(cfg.stop.maxSteps >= 1)) throw new ConfigError(`stop.maxSteps = ${cfg.stop.maxSteps}: expected an integer >= 1`);
}

/** The default first step [s]: the surface rises by ~10 tol (c_max) in it (semi-infinite layer, 2 J sqrt(t/(pi D))), at most 1e-3 R^2/D. */
function firstStep(cfg: MicroConfig): number {
  const D = cfg.am.diffusivity_m2_s,
    cmax = cfg.am.maxConcentration_mol_m3,
    J = Math.abs(cfg.flux_mol_m2_s),
    R = cfg.radius_m;
  const dc = 10 * cfg.time.tolerance * cmax;
  const layer = J > 0 ? Math.PI * D * (dc / (2 * J)) * (dc / (2 * J)) : Infinity;
  const fill = J > 0 ? (dc * R) / (2 * J) : Infinity;
  return Math.min(layer, fill, (1e-3 * R * R) / D);
}

/** Runs the micro model to its stop rule. Throws NotConvergedError when a step cannot be solved or no stop rule is reached. */
export function runMicro(k: MicroKernels, cfg: MicroConfig, opts: RunMicroOptions = {}): MicroResult {
  checkConfig(cfg);
  const started = performance.now();
  const mark = k.heap.used;
  const sim = opts.sim ?? new MicroSim(k, cfg, opts.solver);
  try {
    return run(sim, cfg, opts, started);
  } finally {
    if (!opts.sim) k.heap.reset(mark);
  }
}

function run(sim: MicroSim, cfg: MicroConfig, opts: RunMicroOptions, started: number): MicroResult {
  sim.setRun(cfg);
  sim.reset();
  const sc = sim.scale;
  const n = sim.ndof;
  const cIdx = sim.cDofs;
  const cmax = cfg.am.maxConcentration_mol_m3;
  const tol = cfg.time.tolerance;
  const target = cfg.stop.maxConcentrationNorm;
  const tEnd = cfg.stop.time_s;
  const dTarget = cfg.stop.damageAvg;
  const maxStep = cfg.time.maxStep_s ?? Infinity;
  const minStep = 1e-12 * sc.time_s;
  const series: MicroResult["series"] = {
    t_s: [],
    c_surf_avg_mol_m3: [],
    c_bulk_avg_mol_m3: [],
    c_surf_norm: [],
    c_bulk_norm: [],
    c_max_norm: [],
    damage_avg: [],
    damage_max: [],
    vm_max_AM_Pa: [],
    vm_max_SE_Pa: [],
    dt_s: [],
    newton_iterations: [],
  };
  // `s`: the statistics of the state being recorded (an accepted trial's, computed for its events already)
  const record = (t: number, dt: number, its: number, s = sim.stat()) => {
    series.t_s.push(t);
    series.c_surf_avg_mol_m3.push(s.cSurf * cmax);
    series.c_bulk_avg_mol_m3.push(s.cBulk * cmax);
    series.c_surf_norm.push(s.cSurf);
    series.c_bulk_norm.push(s.cBulk);
    series.c_max_norm.push(s.cMax);
    series.damage_avg.push(s.dAvg);
    series.damage_max.push(s.dMax);
    series.vm_max_AM_Pa.push(s.vmAm * sc.stress_Pa);
    series.vm_max_SE_Pa.push(s.vmSe * sc.stress_Pa);
    series.dt_s.push(dt);
    series.newton_iterations.push(its);
    return s;
  };
  let s0 = record(0, 0, 0);
  let t = 0;
  let dt = Math.min(cfg.time.initialStep_s ?? firstStep(cfg), maxStep);
  let dtPrev = 0;
  const xPrev = new Float64Array(n); // the accepted state before the last one (the predictor's)
  const xOld = new Float64Array(n);
  let steps = 0,
    rejected = 0;
  let errPrev = 1,
    afterReject = false;
  let onset: number | null = null;
  let stop: MicroResult["stop"] | null = null;
  if (s0.cMax >= target - EVENT_TOL) stop = { reason: "maxConcentrationNorm", t_s: 0 };
  const coh = sim.cohesive;
  const k0 = sim.gF(M.M_K0),
    y0 = sim.gF(M.M_Y0),
    nexp = cfg.cohesive.exponent,
    np = sim.mesh.pairAm.length;
  const events = (s: { cMax: number; dAvg: number }) => {
    let psi = (s.cMax - target) / EVENT_TOL;
    if (dTarget !== undefined) psi = Math.max(psi, (s.dAvg - dTarget) / EVENT_TOL);
    if (coh && onset === null) {
      // damage criterion at d = 0 (eq 23, 25) as a gap ratio: sqrt((n/2) k0 (<g_n>+^2 + g_t^2) / Y0) - 1
      const gn = sim.arr(M.M_GN, np),
        gt = sim.arr(M.M_GT, np);
      let y = 0;
      for (let j = 0; j < np; j++) y = Math.max(y, Math.max(gn[j], 0) * Math.max(gn[j], 0) + gt[j] * gt[j]);
      psi = Math.max(psi, (Math.sqrt((0.5 * nexp * k0 * y) / y0) - 1 - ONSET_TOL / 2) / (ONSET_TOL / 2));
    }
    return psi;
  };
  let psiOld = events(s0);
  // an event inside a step: bracket [lo, hi] of the step length, Illinois false position on psi
  let bracket: { lo: number; flo: number; hi: number; fhi: number; side: number; h1: number; f1: number } | null = null;
  while (!stop) {
    if (steps >= cfg.stop.maxSteps)
      throw new NotConvergedError(
        `micro: no stop rule reached within stop.maxSteps = ${cfg.stop.maxSteps} accepted steps (t = ${t.toPrecision(4)} s, max c/c_max = ${s0.cMax.toFixed(4)}, <d> = ${s0.dAvg.toFixed(4)})`,
        { t_s: t, step: steps, cMaxNorm: s0.cMax, damageAvg: s0.dAvg },
      );
    let h = Math.min(dt, maxStep);
    let hitsEnd = false;
    if (tEnd !== undefined && t + h >= tEnd * (1 - 1e-12)) {
      h = tEnd - t;
      hitsEnd = true;
    }
    // predictor: linear extrapolation of the last two accepted states
    const x = sim.arr(M.M_XV, n);
    const r = dtPrev > 0 ? h / dtPrev : 0;
    for (let i = 0; i < n; i++) x[i] = xOld[i] + r * (xOld[i] - xPrev[i]);
    const o = sim.newton(h);
    if (!o.ok) {
      rejected++;
      afterReject = true;
      bracket = null;
      dt = h / 4;
      if (dt < minStep) {
        const node =
          o.node >= 0
            ? ` at node ${o.node} (x = ${(sim.mesh.x[o.node] * 1e6).toFixed(3)} um, y = ${(sim.mesh.y[o.node] * 1e6).toFixed(3)} um)`
            : "";
        throw new NotConvergedError(
          `micro: Newton did not converge at t = ${t.toPrecision(6)} s, step ${steps + 1} (${o.why}, scaled residual ${o.residual.toPrecision(3)}${node}), even with a step of ${h.toPrecision(3)} s`,
          { t_s: t, step: steps + 1, why: o.why, residual: o.residual, node: o.node },
        );
      }
      continue;
    }
    // local error of backward Euler on c: dt/(dt + dt_prev) |c - c_pred| (c / c_max)
    const xv = sim.arr(M.M_XV, n);
    let err = 0;
    if (dtPrev > 0) {
      const f = h / (h + dtPrev);
      for (let j = 0; j < cIdx.length; j++) {
        const i = cIdx[j];
        err = Math.max(err, Math.abs(xv[i] - (xOld[i] + r * (xOld[i] - xPrev[i]))) * f);
      }
      err /= tol;
    }
    if (err > 1) {
      rejected++;
      afterReject = true;
      bracket = null;
      dt = h * Math.max(0.2, 0.9 / Math.sqrt(err));
      continue;
    }
    // events, each scaled by its tolerance: max c~ = target, <d> = damageAvg, the damage onset; all grow in
    // time, so psi > 1 past the first of them and a step is accepted with |psi| <= 1 once one is bracketed
    const s = sim.stat();
    const psi = events(s);
    if (psi > 1 || (bracket && psi < -1)) {
      if (!bracket) bracket = { lo: 0, flo: psiOld, hi: h, fhi: psi, side: 0, h1: 0, f1: psiOld };
      const h1 = bracket.h1,
        f1 = bracket.f1;
      if (psi > 0) {
        bracket.hi = h;
        bracket.fhi = psi;
        if (bracket.side === 1) bracket.flo /= 2; // Illinois: the end that stays is halved
        bracket.side = 1;
      } else {
        bracket.lo = h;
        bracket.flo = psi;
        if (bracket.side === -1) bracket.fhi /= 2;
        bracket.side = -1;
      }
      bracket.h1 = h;
      bracket.f1 = psi;
      if (bracket.hi - bracket.lo > 1e-10 * bracket.hi) {
        // the secant through the last two trials where it falls well inside the bracket, else false position
        const sec = h + ((h - h1) * -psi) / (psi - f1);
        const width = bracket.hi - bracket.lo;
        dt =
          Number.isFinite(sec) && sec > bracket.lo + 0.05 * width && sec < bracket.hi - 0.05 * width
            ? sec
            : bracket.lo + ((bracket.hi - bracket.lo) * -bracket.flo) / (bracket.fhi - bracket.flo);
        continue;
      }
    }
    // accept
    bracket = null;
    xPrev.set(xOld);
    xOld.set(xv);
    sim.accept();
    t = hitsEnd ? (tEnd as number) : t + h;
    steps++;
    dtPrev = h;
    s0 = record(t, h, o.iterations, s);
    if (onset === null && s0.dMax > 0) onset = t;
    psiOld = events(s0);
    opts.onProgress?.(t, s0.cMax);
    if (s0.cMax >= target - EVENT_TOL) stop = { reason: "maxConcentrationNorm", t_s: t };
    else if (dTarget !== undefined && s0.dAvg >= dTarget - EVENT_TOL) stop = { reason: "damageAvg", t_s: t };
    else if (hitsEnd) stop = { reason: "time", t_s: t };
    // PI control of the step (Gustafsson): exponents 0.7/2 and 0.4/2 for the second-order local error;
    // no growth right after a rejection
    const fac = err > 0 ? 0.9 * pow(err, -0.35) * pow(Math.max(errPrev, 1e-4), 0.2) : MAX_GROW;
    dt = h * Math.min(afterReject ? 1 : MAX_GROW, Math.max(0.2, fac));
    errPrev = err > 0 ? err : errPrev;
    afterReject = false;
  }
  return result(sim, cfg, series, stop, steps, rejected, onset, started);
}

function result(
  sim: MicroSim,
  cfg: MicroConfig,
  series: MicroResult["series"],
  stop: MicroResult["stop"],
  steps: number,
  rejected: number,
  onset: number | null,
  started: number,
): MicroResult {
  const mesh = sim.mesh,
    sc = sim.scale;
  const nn = mesh.x.length,
    ne = mesh.quads.length / 4,
    np = mesh.pairAm.length;
  const xv = sim.arr(M.M_XV, sim.ndof);
  const dof = sim.dof;
  const ux = new Float64Array(nn),
    uy = new Float64Array(nn),
    c = new Float64Array(nn).fill(Number.NaN);
  const c0 = cfg.initialConcentrationNorm;
  for (let v = 0; v < nn; v++) {
    if (dof[4 * v] >= 0) ux[v] = xv[dof[4 * v]] * sc.disp_m;
    if (dof[4 * v + 1] >= 0) uy[v] = xv[dof[4 * v + 1]] * sc.disp_m;
    if (dof[4 * v + 2] >= 0) c[v] = (c0 + xv[dof[4 * v + 2]]) * sc.conc;
  }
  sim.stat();
  const vm = Float64Array.from(sim.arr(M.M_VM, ne), (v) => v * sc.stress_Pa);
  const phase = new Uint8Array(ne);
  for (let e = 0; e < ne; e++) phase[e] = e < mesh.nAmElements ? 1 : 2;
  const px = Float64Array.from(mesh.pairAm, (v) => mesh.x[v]),
    py = Float64Array.from(mesh.pairAm, (v) => mesh.y[v]);
  const coh = sim.cohesive;
  const d = coh ? Float64Array.from(sim.arr(M.M_DOLD, np)) : new Float64Array(np);
  const gn = coh ? Float64Array.from(sim.arr(M.M_GN, np), (v) => v * sc.disp_m) : new Float64Array(np);
  const gt = coh ? Float64Array.from(sim.arr(M.M_GT, np), (v) => v * sc.disp_m) : new Float64Array(np);
  return {
    kind: "assbkit.micro.result",
    format: 1,
    version: VERSION,
    config: cfg,
    mesh: { nodes: nn, elements: ne, interfaceElements: coh ? np : 0, unknowns: sim.ndof },
    series,
    final: {
      x_m: Float64Array.from(mesh.x),
      y_m: Float64Array.from(mesh.y),
      ux_m: ux,
      uy_m: uy,
      c_mol_m3: c,
      quads: Int32Array.from(mesh.quads),
      phase,
      vonMises_Pa: vm,
      interface: { x_m: px, y_m: py, d, gn_m: gn, gt_m: gt },
    },
    damageOnset_s: onset,
    stop,
    steps,
    rejectedSteps: rejected,
    wallClock_s: (performance.now() - started) / 1000,
  };
}
