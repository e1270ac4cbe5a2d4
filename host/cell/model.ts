/**
 * P2D half-cell solver (host side): lays out the kernel memory (assembly/cell/layout.ts), runs an
 * experiment step by step with adaptive variable-step BDF2 (backward Euler at every restart), Newton
 * on the coupled system inside the kernel (cellStep), the particles behind the seam of
 * host/cell/particle.ts, cut-off events (the step's own and the parameter set's safety limits)
 * located on the step size to 1e-9 V (or 1e-9 relative in current), and collects time, voltage,
 * current, capacity and c(x, r) snapshots. A failed step keeps everything before it (CellSolveError
 * .partial). Model equations: assembly/cell/p2d.ts (paper 001 Table 1, eq 26-30, 44-46).
 */
import type { CellKernels } from "../core/wasm.js";
import { ConfigError, NotConvergedError, inputError } from "../config/errors.js";
import { VERSION } from "../version.js";
import {
  P_NX,
  P_NR,
  P_NXP,
  P_TH,
  P_THPREV,
  P_THNEW,
  P_RHS,
  P_DF,
  P_U,
  P_W,
  P_CP,
  P_VOL,
  P_GF,
  P_J,
  P_PHI1,
  P_PHI2,
  P_ALPHA,
  P_BETA,
  P_THS,
  P_ETA,
  P_WK,
  P_OCVX,
  P_OCVU,
  P_OCVM,
  P_NOCV,
  P_DX_TAB,
  P_DV_TAB,
  P_ND,
  P_D0,
  P_RAD,
  P_C1MAX,
  P_K0,
  P_FRT,
  P_BV,
  P_FADX,
  P_SDX,
  P_KDX,
  P_GSEP,
  P_MODE,
  P_I,
  P_VSET,
  P_HEFF,
  P_BDFA,
  P_BDFB,
  P_TOL,
  P_MAXIT,
  P_V,
  P_ITERS,
  P_RES,
  P_WORST,
  P_STATUS,
  P_SDXC,
  P_I0LI,
  P_STAGES,
  P_SITERS,
  P_SAFEONLY,
  HEADER_SLOTS,
  STAGE_NEWTON,
  CST_OK,
  CST_NOT_CONVERGED,
  CST_NONFINITE,
  CST_SATURATED,
} from "../../assembly/cell/layout.js";
import { FARADAY, type ResolvedCellParams } from "./params_core.js";
import {
  parseExperiment,
  parseTermination,
  fmt,
  fmtDuration,
  type ExperimentStep,
  type ExperimentTermination,
  type Rate,
} from "./experiment.js";
import { FiniteVolumeParticles, type CellMemory, type ParticleModel, type ParticleModelFactory } from "./particle.js";

export interface CellNumerics {
  /** finite volumes across the cathode */
  nx: number;
  /** shells per particle */
  nr: number;
  /** local error tolerance on the terminal voltage per step [V] */
  tolV: number;
  /** local error tolerance on the surface stoichiometries per step */
  tolTheta: number;
  /** Newton stops when max |d phi| <= this [V] */
  newtonTol: number;
  maxNewton: number;
  /** largest step as a fraction of the step's nominal duration (3600 s / C-rate) */
  hMaxFraction: number;
  /** record c(x, r) every this many seconds (0: only at the start and the end of every step) */
  snapshotEvery_s: number;
  /** record the overpotential breakdown at every output point (O(nx nr) per point) */
  overpotentials: boolean;
}

// Local-error tolerances 1e-5 V and 5e-6 (stoichiometry). The capacity error of a discharge to a cut-off
// is the time-discretisation error of V at the end over the slope there, dQ/Q = dV / (|dV/dt| t_end);
// the global V error stays at a few local tolerances (the diffusion damps old errors) and |dV/dt| t_end
// is only ~0.3 V at 5C, so the former 2e-4 / 2e-4 gave 1.1e-4 to 3.2e-4 at 5C. These give <= 3.0e-5
// (80 x 40) and <= 5.2e-5 (20 x 10) against the same grid at 1e-8, 0.1-5C, both Butler-Volmer forms,
// AM fraction 0.4 and 0.7 (test/cell/accuracy.test.ts), for ~3.2x the steps (1C, 20 x 10: 86 -> 272).
// Error per unit step would bound the global error outright, but the sqrt(t) start of the particle
// surface (no smooth history) stalls it; a finer grid does not help (the error is in time).
export const DEFAULT_NUMERICS: CellNumerics = {
  nx: 20,
  nr: 10,
  tolV: 1e-5,
  tolTheta: 5e-6,
  newtonTol: 1e-10,
  maxNewton: 30,
  hMaxFraction: 0.05,
  snapshotEvery_s: 0,
  overpotentials: true,
};

/** Checks every numerics field (ConfigError naming it, the value, the range and the unit). */
export function validateNumerics(num: CellNumerics): CellNumerics {
  const { nx, nr } = num;
  if (!Number.isInteger(nx) || nx < 2 || nx > 100000)
    throw new ConfigError(`cell numerics: nx = ${nx}: expected an integer in [2, 100000] [finite volumes]`);
  if (!Number.isInteger(nr) || nr < 2 || nr > 10000)
    throw new ConfigError(`cell numerics: nr = ${nr}: expected an integer in [2, 10000] [shells]`);
  if (!(num.tolV > 0 && num.tolV <= 0.1)) throw inputError("cell numerics: tolV", num.tolV, "a local error tolerance in (0, 0.1]", "V");
  if (!(num.tolTheta > 0 && num.tolTheta <= 0.1))
    throw inputError("cell numerics: tolTheta", num.tolTheta, "a local error tolerance in (0, 0.1]", "stoichiometry");
  if (!(num.newtonTol > 0 && num.newtonTol <= 1e-3))
    throw inputError("cell numerics: newtonTol", num.newtonTol, "a Newton tolerance in (0, 1e-3]", "V");
  if (!(Number.isInteger(num.maxNewton) && num.maxNewton >= 1 && num.maxNewton <= 1000))
    throw inputError("cell numerics: maxNewton", num.maxNewton, "an integer in [1, 1000]", "iterations");
  if (!(num.hMaxFraction > 0 && num.hMaxFraction <= 1))
    throw inputError("cell numerics: hMaxFraction", num.hMaxFraction, "a fraction in (0, 1] of the step's nominal duration");
  if (!(num.snapshotEvery_s >= 0))
    throw inputError("cell numerics: snapshotEvery_s", num.snapshotEvery_s, "a period >= 0 (0: start and end of every step)", "s");
  return num;
}

/** The time stepper failed (Newton or step-size limits); exit code 3 in the CLI. From runExperiment it
 *  carries the solution up to the failure (`partial`, with `failure` recorded), as PyBaMM keeps it. */
export class CellSolveError extends NotConvergedError {
  partial?: CellResult;
  constructor(message: string, detail: Record<string, unknown>) {
    super(message, detail);
    this.name = "CellSolveError";
  }
}

export interface StepSummary {
  index: number;
  text: string;
  kind: string;
  termination: string;
  /** cycle (1-based) the step belongs to */
  cycle: number;
  start_s: number;
  end_s: number;
  capacity_Ah_m2: number;
  start_V: number;
  end_V: number;
}

/** Per cycle: discharge and charge throughput [Ah/m^2] and the voltage range over its accepted points. */
export interface CycleSummary {
  index: number;
  firstStep: number;
  lastStep: number;
  discharge_Ah_m2: number;
  charge_Ah_m2: number;
  minVoltage_V: number;
  maxVoltage_V: number;
}

export interface Snapshot {
  t_s: number;
  step: number;
  theta: number[][];
}

/**
 * Where OCV - V goes, at every output point [V] (positive on discharge, negative on charge). With
 * reaction-current weights w_j = |J_j| / sum |J| (uniform when no node reacts) and phi_Li = 0:
 *   ocv_V                 U(mean AM stoichiometry): the voltage after full relaxation at this state of charge
 *   concentration_V       U(mean) - sum w U(theta_surface)        (solid diffusion: surface vs mean)
 *   reaction_V            -sum w eta                              (cathode Butler-Volmer overpotential)
 *   li_metal_V            (2RT/F) asinh(I / 2 i0)                 (Li-metal anode kinetics; 0 when off)
 *   separator_ohmic_V     I Ls / kappa_sep                        (SE separator)
 *   electrode_ionic_V     -sum w phi2 - li_metal - separator      (SE in the composite, to the reaction sites)
 *   electrode_electronic_V  sum w phi1 - V                        (AM network, from the reaction sites to the collector)
 * They add up to ocv_V - voltage_V exactly (an identity for any weights summing to 1).
 */
export interface OverpotentialSeries {
  ocv_V: number[];
  concentration_V: number[];
  reaction_V: number[];
  li_metal_V: number[];
  separator_ohmic_V: number[];
  electrode_ionic_V: number[];
  electrode_electronic_V: number[];
}
export const OVERPOTENTIAL_KEYS = [
  "ocv_V",
  "concentration_V",
  "reaction_V",
  "li_metal_V",
  "separator_ohmic_V",
  "electrode_ionic_V",
  "electrode_electronic_V",
] as const;

export interface CellResult {
  version: string;
  seed: null;
  params: ResolvedCellParams["params"];
  numerics: CellNumerics;
  experiment: string[];
  derived: {
    radius_m: number;
    a_m: number;
    kappaEff_S_m: number;
    sigmaEff_S_m: number;
    oneC_A_m2: number;
    amMass_kg_m2: number;
    k0_mol_m2_s: number;
  };
  time_s: number[];
  voltage_V: number[];
  current_A_m2: number[];
  /** cumulative discharge throughput (charge negative) [Ah/m^2] and per gram of AM [mAh/g] */
  capacity_Ah_m2: number[];
  capacity_mAh_g: number[];
  step: number[];
  /** overpotential breakdown per output point (numerics.overpotentials; else empty arrays) */
  overpotentials: OverpotentialSeries;
  steps: StepSummary[];
  cycles: CycleSummary[];
  /** the experiment-level termination that stopped the run (`--termination`), else null */
  experimentTermination: { condition: string; reason: string; cycle: number } | null;
  /** the step that failed (CellSolveError; the arrays hold the solution up to it), else null */
  failure: { step: number; text: string; t_s: number; reason: string } | null;
  /** steps that ended on a safety limit or the implicit time cap instead of their own condition */
  warnings: string[];
  particleModel: string;
  x_m: number[];
  r_m: number[];
  snapshots: Snapshot[];
  lithium: { initial_mol_m2: number; final_mol_m2: number; passed_mol_m2: number; imbalance_rel: number };
  /** newton: iterations of all trials; safeguarded: trials the plain Newton could not solve (p2d.ts cellNewtonSafe) */
  stats: { steps: number; rejected: number; newton: number; safeguarded: number; wall_ms: number };
}

const F = FARADAY;

/** One cell on one set of kernels: memory laid out once, reused across runs (`reset`). The particles
 *  sit behind the seam of host/cell/particle.ts: finite volumes in the kernels unless a factory is given. */
export class CellSim implements CellMemory {
  readonly nx: number;
  readonly nr: number;
  readonly nxp: number;
  readonly sys: number;
  private f!: Float64Array;
  private i!: Int32Array;
  private Jacc: Float64Array;
  private p1acc: Float64Array;
  private p2acc: Float64Array;
  // accepted-state scalars
  t = 0;
  q = 0;
  qPrev = 0;
  hPrev = 0;
  nhist = 0;
  private histT: number[] = [];
  private histY: Float64Array[] = [];
  stats = { steps: 0, rejected: 0, newton: 0, safeguarded: 0 };
  readonly particles: ParticleModel;
  private Jview: Float64Array | null = null;

  constructor(
    readonly k: CellKernels,
    readonly rp: ResolvedCellParams,
    readonly num: CellNumerics,
    particles?: ParticleModelFactory,
  ) {
    validateNumerics(num);
    const { nx, nr } = num;
    this.nx = nx;
    this.nr = nr;
    this.nxp = nx + (nx & 1);
    const h = k.heap;
    this.sys = h.alloc(HEADER_SLOTS * 8, 16);
    const sys = this.sys;
    const arr = (n: number) => h.alloc(n * 8, 16);
    const np = nr * this.nxp;
    const ptrs: [number, number][] = [
      [P_TH, np],
      [P_THPREV, np],
      [P_THNEW, np],
      [P_RHS, np],
      [P_DF, np],
      [P_U, np],
      [P_W, np],
      [P_CP, np],
      [P_VOL, nr],
      [P_GF, nr],
      [P_J, this.nxp],
      [P_PHI1, nx],
      [P_PHI2, nx],
      [P_ALPHA, nx],
      [P_BETA, nx],
      [P_THS, nx],
      [P_ETA, nx],
      [P_WK, 14 * nx],
    ];
    const got = ptrs.map(([slot, n]) => [slot, arr(n)] as const);
    const ocv = rp.ocv,
      nocv = ocv ? ocv.x.length : 0;
    const ox = arr(Math.max(1, nocv)),
      ou = arr(Math.max(1, nocv)),
      om = arr(Math.max(1, nocv));
    const dt = rp.Dtable,
      nd = dt ? dt.length : 0;
    const dxp = arr(Math.max(1, nd)),
      dvp = arr(Math.max(1, nd));
    this.view();
    const I = this.i,
      Fv = this.f;
    const setI = (slot: number, v: number) => {
      I[(sys >>> 2) + slot * 2] = v;
    };
    const setF = (slot: number, v: number) => {
      Fv[(sys >>> 3) + slot] = v;
    };
    for (const [slot, p] of got) setI(slot, p);
    setI(P_NX, nx);
    setI(P_NR, nr);
    setI(P_NXP, this.nxp);
    setI(P_OCVX, ox);
    setI(P_OCVU, ou);
    setI(P_OCVM, om);
    setI(P_NOCV, nocv);
    if (ocv) {
      Fv.set(ocv.x, ox >>> 3);
      Fv.set(ocv.u, ou >>> 3);
      Fv.set(ocv.m, om >>> 3);
    }
    setI(P_DX_TAB, dxp);
    setI(P_DV_TAB, dvp);
    setI(P_ND, nd);
    if (dt)
      dt.forEach(([x, d], j) => {
        Fv[(dxp >>> 3) + j] = x;
        Fv[(dvp >>> 3) + j] = d;
      });
    const R = rp.radius_m,
      dr = 1 / nr,
      dx = rp.Lc / nx;
    for (let s = 0; s < nr; s++) {
      Fv[(this.ptr(P_VOL) >>> 3) + s] = ((s + 1) * dr) ** 3 - (s * dr) ** 3; // exact shell volume / particle volume
      Fv[(this.ptr(P_GF) >>> 3) + s] = (3 * ((s + 1) * dr) ** 2) / (dr * R * R);
    }
    setF(P_D0, rp.D0);
    setF(P_RAD, R);
    setF(P_C1MAX, rp.c1max);
    setF(P_K0, rp.k0);
    setF(P_FRT, rp.FRT);
    setI(P_BV, rp.bv);
    setF(P_FADX, F * rp.a_m * dx);
    setF(P_SDX, rp.sigmaEff / dx);
    setF(P_KDX, rp.kappaEff / dx);
    setF(P_SDXC, (2 * rp.sigmaEff) / dx);
    setF(P_GSEP, 1 / (rp.Ls / rp.kappaSep + dx / (2 * rp.kappaEff)));
    setF(P_I0LI, rp.i0Li ?? 0);
    setF(P_TOL, num.newtonTol);
    setI(P_MAXIT, num.maxNewton);
    setI(P_STAGES, 0);
    setI(P_SAFEONLY, 0);
    setI(P_SITERS, 0);
    this.Jacc = new Float64Array(this.nxp);
    this.p1acc = new Float64Array(nx);
    this.p2acc = new Float64Array(nx);
    this.particles = particles
      ? particles({ nx, nr, rp, x_m: Array.from({ length: nx }, (_, j) => ((j + 0.5) * rp.Lc) / nx) })
      : new FiniteVolumeParticles(this, R);
    this.reset();
  }

  private view(): void {
    const b = this.k.heap.buffer;
    if (!this.f || this.f.buffer !== b) {
      this.f = new Float64Array(b);
      this.i = new Int32Array(b);
    }
  }
  ptr(slot: number): number {
    return this.i[(this.sys >>> 2) + slot * 2] >>> 0;
  }
  private gF(slot: number): number {
    return this.f[(this.sys >>> 3) + slot];
  }
  private sF(slot: number, v: number): void {
    this.f[(this.sys >>> 3) + slot] = v;
  }
  private gI(slot: number): number {
    return this.i[(this.sys >>> 2) + slot * 2];
  }
  private sI(slot: number, v: number): void {
    this.i[(this.sys >>> 2) + slot * 2] = v;
  }
  setPtr(slot: number, p: number): void {
    this.sI(slot, p);
  }
  arr(slot: number, n: number): Float64Array {
    this.view();
    return this.f.subarray(this.ptr(slot) >>> 3, (this.ptr(slot) >>> 3) + n);
  }
  /** runs the cellStep stages in `mask` (STAGE_* bits) */
  stage(mask: number): number {
    this.view();
    this.sI(P_STAGES, mask);
    return this.k.cellStep(this.sys);
  }

  /** Uniform initial stoichiometry, zero current, phi1 = U(theta0). */
  reset(theta0 = this.rp.theta0): void {
    this.view();
    this.particles.reset(theta0);
    this.Jacc.fill(0);
    this.p1acc.fill(this.ocv(theta0));
    this.p2acc.fill(0);
    this.t = 0;
    this.q = 0;
    this.qPrev = 0;
    this.hPrev = 0;
    this.nhist = 0;
    this.histT = [];
    this.histY = [];
    this.stats = { steps: 0, rejected: 0, newton: 0, safeguarded: 0 };
  }

  ocv(x: number): number {
    return this.k.cellOcv(this.sys, x);
  }

  /** Newton variant (assembly/cell/p2d.ts cellNewton): false (default) the plain iteration first and the
   *  safeguarded one only where it fails; true the safeguarded one alone (for comparisons). */
  set safeguardedOnly(on: boolean) {
    this.view();
    this.sI(P_SAFEONLY, on ? 1 : 0);
  }
  get safeguardedOnly(): boolean {
    this.view();
    return this.gI(P_SAFEONLY) === 1;
  }

  /** Lithium in the AM [mol/m^2]: sum over nodes of the mean stoichiometry c1max eps_AM dx. */
  lithium(): number {
    const m = this.particles.meanStoichiometry();
    let s = 0;
    for (let j = 0; j < this.nx; j++) s += m[j];
    return s * this.rp.c1max * this.rp.epsAM * (this.rp.Lc / this.nx);
  }

  /** Overpotential breakdown (see OverpotentialSeries) of the last successful trial at voltage V, current I. */
  breakdown(V: number, I: number): number[] {
    const nx = this.nx,
      rp = this.rp;
    const J = this.arr(P_J, nx),
      p1 = this.arr(P_PHI1, nx),
      p2 = this.arr(P_PHI2, nx),
      eta = this.arr(P_ETA, nx);
    let sa = 0;
    for (let j = 0; j < nx; j++) sa += Math.abs(J[j]);
    let wp1 = 0,
      wp2 = 0,
      weta = 0;
    for (let j = 0; j < nx; j++) {
      const w = sa > 0 ? Math.abs(J[j]) / sa : 1 / nx;
      wp1 += w * p1[j];
      wp2 += w * p2[j];
      weta += w * eta[j];
    }
    const Ubar = this.ocv(this.lithium() / (rp.c1max * rp.epsAM * rp.Lc));
    const li = rp.i0Li > 0 ? (2 / rp.FRT) * Math.asinh(I / (2 * rp.i0Li)) : 0;
    const sep = (I * rp.Ls) / rp.kappaSep;
    // sum w U_s = sum w (phi1 - phi2 - eta)
    return [Ubar, Ubar - (wp1 - wp2 - weta), -weta, li, sep, -wp2 - li - sep, wp1 - V];
  }

  theta(): number[][] {
    return this.particles.theta();
  }
  surface(): Float64Array {
    return this.arr(P_THS, this.nx).slice();
  }

  /** One trial step of length h from the accepted state; nothing is accepted. */
  trial(h: number, mode: 0 | 1, value: number, bdf2: boolean): { st: number; V: number; I: number; A: number; B: number; heff: number } {
    this.view();
    const f = this.f;
    f.set(this.Jacc, this.ptr(P_J) >>> 3);
    f.set(this.p1acc, this.ptr(P_PHI1) >>> 3);
    f.set(this.p2acc, this.ptr(P_PHI2) >>> 3);
    let A = 1,
      B = 0,
      heff = h;
    if (bdf2) {
      const w = h / this.hPrev,
        g = (1 + 2 * w) / (1 + w);
      A = (1 + w) / g;
      B = (w * w) / ((1 + w) * g);
      heff = h / g;
    }
    this.sF(P_HEFF, heff);
    this.sF(P_BDFA, A);
    this.sF(P_BDFB, B);
    this.sI(P_MODE, mode);
    if (mode === 0) this.sF(P_I, value);
    else this.sF(P_VSET, value);
    // the particle seam: theta_s = alpha + beta J per node, Newton, then the particles learn J
    const ab = this.particles.prepare({ heff_s: heff, A, B });
    this.view();
    const pa = this.ptr(P_ALPHA),
      pb = this.ptr(P_BETA);
    if (ab.alpha.buffer !== this.f.buffer || ab.alpha.byteOffset !== pa) this.f.set(ab.alpha.subarray(0, this.nx), pa >>> 3);
    if (ab.beta.buffer !== this.f.buffer || ab.beta.byteOffset !== pb) this.f.set(ab.beta.subarray(0, this.nx), pb >>> 3);
    const st = this.stage(STAGE_NEWTON);
    this.stats.newton += this.gI(P_ITERS);
    if (this.gI(P_SITERS) > 0) this.stats.safeguarded++;
    if (st === CST_OK) {
      if (!this.Jview || this.Jview.buffer !== this.f.buffer) this.Jview = this.arr(P_J, this.nx);
      this.particles.commit(this.Jview);
    }
    return { st, V: this.gF(P_V), I: this.gF(P_I), A, B, heff };
  }

  /** Accepts the last trial (which must have succeeded). */
  accept(h: number, r: { I: number; A: number; B: number; heff: number }): void {
    const qn = r.A * this.q - r.B * this.qPrev + r.heff * r.I; // charge passed, integrated with the same BDF weights (exact Li balance)
    this.qPrev = this.q;
    this.q = qn;
    this.hPrev = h;
    this.t += h;
    this.nhist++;
    this.particles.accept();
    this.Jacc.set(this.arr(P_J, this.nxp));
    this.p1acc.set(this.arr(P_PHI1, this.nx));
    this.p2acc.set(this.arr(P_PHI2, this.nx));
    this.stats.steps++;
  }

  /** The failure of the last trial (its status, node and residual), or `why` when given. */
  failure(what: string, h: number, whyGiven?: string): CellSolveError {
    const st = this.gI(P_STATUS),
      j = this.gI(P_WORST),
      res = this.gF(P_RES),
      safe = this.gI(P_SITERS);
    const why =
      whyGiven !== undefined
        ? whyGiven
        : st === CST_NOT_CONVERGED
          ? `Newton did not converge in ${this.num.maxNewton} iterations${safe > 0 ? ` nor the safeguarded Newton in ${safe}` : ""} (last max |d phi| ${res.toExponential(2)} V)`
          : st === CST_NONFINITE
            ? "the Newton iterate became non-finite (overpotential blow-up)"
            : st === CST_SATURATED
              ? "a particle surface stoichiometry left (0, 1) (particle full or empty)"
              : `status ${st}`;
    if (whyGiven !== undefined)
      return new CellSolveError(`cell: ${what}: ${why} at t = ${fmt(this.t)} s with step ${h.toExponential(2)} s`, {
        t_s: this.t,
        h_s: h,
        why,
      });
    const x_um = (((j + 0.5) * this.rp.Lc) / this.nx) * 1e6;
    return new CellSolveError(
      `cell: ${what}: ${why} at t = ${fmt(this.t)} s with step ${h.toExponential(2)} s, worst at node ${j} (x = ${fmt(x_um)} um from the separator)`,
      { status: st, node: j, x_um, t_s: this.t, h_s: h, residual_V: res, why },
    );
  }

  /** Step-size controller data: history of (t, y) with y = [V or I, theta_surf...]. */
  pushHistory(y: Float64Array): void {
    this.histT.push(this.t);
    this.histY.push(y);
    if (this.histT.length > 3) {
      this.histT.shift();
      this.histY.shift();
    }
  }
  clearHistory(): void {
    this.histT = [];
    this.histY = [];
    this.nhist = 0;
  }
  /** Scaled local error estimate of a candidate y at t + h (predictor-corrector difference). */
  errorEstimate(h: number, y: Float64Array, scale: Float64Array): number {
    const n = this.histT.length;
    if (n < 2) return 0;
    const t = this.t + h;
    const T = this.histT,
      Y = this.histY;
    let e = 0;
    if (n === 2) {
      const w = (t - T[1]) / (T[1] - T[0]);
      for (let c = 0; c < y.length; c++) e = Math.max(e, Math.abs(y[c] - (Y[1][c] + w * (Y[1][c] - Y[0][c]))) / scale[c]);
      return 0.5 * e;
    }
    const [t0, t1, t2] = T;
    const l0 = ((t - t1) * (t - t2)) / ((t0 - t1) * (t0 - t2)),
      l1 = ((t - t0) * (t - t2)) / ((t1 - t0) * (t1 - t2)),
      l2 = ((t - t0) * (t - t1)) / ((t2 - t0) * (t2 - t1));
    for (let c = 0; c < y.length; c++) e = Math.max(e, Math.abs(y[c] - (l0 * Y[0][c] + l1 * Y[1][c] + l2 * Y[2][c])) / scale[c]);
    return (2 / 11) * e;
  }
}

/** A rate as a current density [A/m^2] (positive); absolute currents need the electrode area. */
export function rateToCurrent(r: Rate, rp: ResolvedCellParams, where = "experiment"): number {
  if ("cRate" in r) return r.cRate * rp.oneC_A_m2;
  if ("current_A_m2" in r) return r.current_A_m2;
  if (rp.area_m2 === null) throw new ConfigError(`${where}: absolute currents need an electrode area (--area or 'Electrode area [m2]')`);
  return r.current_A / rp.area_m2;
}

/**
 * Implicit time caps of steps given only an `until` condition (PyBaMM's default durations, pybamm/
 * experiment/step: a C-rate step gets 2 / |C| hours, "with a 2x safety factor"; other steps one day).
 * Here every galvanostatic step gets 2 / |C| h with C = |I| / I_1C (the 1C current is known, so a
 * current given in A/m2 or A is capped like the same C-rate), a hold 24 h. Reaching a cap ends the
 * step (termination "time cap ...", recorded in `warnings`); PyBaMM would stop the experiment there.
 */
export const GALVANOSTATIC_CAP_HOURS_PER_C = 2;
export const HOLD_CAP_S = 24 * 3600;

interface StepPlan {
  mode: 0 | 1;
  value: number;
  nominal: number;
  duration_s?: number;
  cap_s?: number;
  cut?: number;
  ilim?: number;
}

/** Everything a step needs that the user can get wrong, checked before the first step runs. */
function planStep(s: ExperimentStep, si: number, rp: ResolvedCellParams): StepPlan {
  const where = `experiment step ${si + 1} "${s.text}"`;
  if (s.kind === "rest") return { mode: 0, value: 0, nominal: 3600, duration_s: s.duration_s };
  if (s.kind === "hold") {
    if (!(s.voltage_V >= rp.vmin && s.voltage_V <= rp.vmax)) {
      throw new ConfigError(
        `${where}: hold at ${fmt(s.voltage_V)} V: expected a voltage within the parameter set's cut-offs [${fmt(rp.vmin)}, ${fmt(rp.vmax)}] V ('Lower voltage cut-off [V]', 'Upper voltage cut-off [V]')`,
      );
    }
    const ilim = s.untilRate ? rateToCurrent(s.untilRate, rp, where) : undefined;
    return {
      mode: 1,
      value: s.voltage_V,
      nominal: 3600,
      duration_s: s.duration_s,
      cap_s: s.duration_s === undefined ? HOLD_CAP_S : undefined,
      ilim,
    };
  }
  const I = rateToCurrent(s.rate, rp, where);
  if (!(I > 0 && Number.isFinite(I)))
    throw new ConfigError(`${where}: current ${I} A/m2: expected a positive finite current density [A/m2]`);
  if (s.until_V !== undefined && !(s.until_V >= rp.vmin && s.until_V <= rp.vmax)) {
    throw new ConfigError(
      `${where}: until ${fmt(s.until_V)} V: expected a cut-off within the parameter set's safety limits [${fmt(rp.vmin)}, ${fmt(rp.vmax)}] V (to go beyond them, move 'Lower voltage cut-off [V]' / 'Upper voltage cut-off [V]', e.g. --set "Lower voltage cut-off [V]=${fmt(s.until_V)}")`,
    );
  }
  const nominal = (3600 * rp.oneC_A_m2) / I;
  return {
    mode: 0,
    value: (s.kind === "discharge" ? 1 : -1) * I,
    nominal,
    duration_s: s.duration_s,
    cap_s: s.duration_s === undefined ? GALVANOSTATIC_CAP_HOURS_PER_C * nominal : undefined,
    cut: s.until_V,
  };
}

export interface RunOptions {
  numerics?: Partial<CellNumerics>;
  /** a CellSim to reuse (its numerics and particle model are used) */
  sim?: CellSim;
  /** particle model behind the seam (host/cell/particle.ts); default: finite volumes in the kernels */
  particles?: ParticleModelFactory;
  /** experiment-level termination, checked after every cycle: "80% capacity" (of the first cycle's discharge), "3.0 V" (a cycle's minimum voltage), or both */
  termination?: string | ExperimentTermination;
}

/**
 * Runs an experiment (strings or parsed steps) on a parameter set. Every galvanostatic step also ends at
 * the parameter set's voltage cut-offs, steps with only an `until` at their implicit time cap, and the
 * experiment at `opts.termination`. A step that fails throws CellSolveError with `.partial`: the result
 * up to the failure (`failure` recorded).
 */
export function runExperiment(
  k: CellKernels,
  rp: ResolvedCellParams,
  experiment: string | (string | string[])[] | ExperimentStep[],
  opts: RunOptions = {},
): CellResult {
  const t0 = performance.now();
  const steps =
    Array.isArray(experiment) && experiment.length > 0 && typeof experiment[0] === "object" && !Array.isArray(experiment[0])
      ? (experiment as ExperimentStep[])
      : parseExperiment(experiment as string | (string | string[])[]);
  const term = typeof opts.termination === "string" ? parseTermination(opts.termination, "termination") : (opts.termination ?? null);
  // all user-facing checks before any work
  const plans = steps.map((s, si) => planStep(s, si, rp));
  for (const [si, s] of steps.entries()) {
    if (s.period_s !== undefined && !(s.period_s > 0))
      throw inputError(`experiment step ${si + 1} "${s.text}": period`, s.period_s, "a positive output period", "s");
  }
  const sim = opts.sim ?? new CellSim(k, rp, validateNumerics({ ...DEFAULT_NUMERICS, ...opts.numerics }), opts.particles);
  const num = sim.num;
  if (opts.sim) sim.reset();
  const nx = sim.nx;
  const out = {
    time_s: [] as number[],
    voltage_V: [] as number[],
    current_A_m2: [] as number[],
    capacity_Ah_m2: [] as number[],
    step: [] as number[],
  };
  const snapshots: Snapshot[] = [];
  const summaries: StepSummary[] = [];
  const cycles: CycleSummary[] = [];
  const warnings: string[] = [];
  let failure: CellResult["failure"] = null;
  let stopped: CellResult["experimentTermination"] = null;
  const li0 = sim.lithium();
  const ovp = Object.fromEntries(OVERPOTENTIAL_KEYS.map((k) => [k, [] as number[]])) as unknown as OverpotentialSeries;
  const ovpCols = OVERPOTENTIAL_KEYS.map((k) => ovp[k]);
  const record = (V: number, I: number, si: number) => {
    out.time_s.push(sim.t);
    out.voltage_V.push(V);
    out.current_A_m2.push(I);
    out.capacity_Ah_m2.push(sim.q / 3600);
    out.step.push(si);
    if (num.overpotentials) sim.breakdown(V, I).forEach((x, c) => ovpCols[c].push(x));
  };
  let nextSnap = num.snapshotEvery_s > 0 ? 0 : Infinity;
  const snap = (si: number) => snapshots.push({ t_s: sim.t, step: si, theta: sim.theta() });
  snap(0);
  if (nextSnap === 0) nextSnap = num.snapshotEvery_s;
  const vmin = rp.vmin,
    vmax = rp.vmax;
  const fv = fmt;

  let cyc: CycleSummary | null = null;
  let firstDischarge: number | null = null;
  /** closes the running cycle and applies the experiment-level termination; true: stop */
  const closeCycle = (): boolean => {
    if (!cyc) return false;
    const c = cyc;
    cycles.push(c);
    cyc = null;
    if (!term) return false;
    if (term.capacityFraction !== undefined && c.discharge_Ah_m2 > 0) {
      if (firstDischarge === null) firstDischarge = c.discharge_Ah_m2;
      else if (c.discharge_Ah_m2 < term.capacityFraction * firstDischarge) {
        stopped = {
          condition: term.text,
          cycle: c.index,
          reason: `cycle ${c.index}: discharge capacity ${fv(c.discharge_Ah_m2)} Ah/m2 is below ${fv(term.capacityFraction * 100)}% of the first discharge (${fv(firstDischarge)} Ah/m2)`,
        };
        return true;
      }
    }
    if (term.minVoltage_V !== undefined && c.minVoltage_V <= term.minVoltage_V) {
      stopped = {
        condition: term.text,
        cycle: c.index,
        reason: `cycle ${c.index}: minimum voltage ${fv(c.minVoltage_V)} V is at or below ${fv(term.minVoltage_V)} V`,
      };
      return true;
    }
    return false;
  };

  let si = 0;
  let current: StepSummary | null = null;
  let q0 = 0;
  try {
    for (si = 0; si < steps.length; si++) {
      const s = steps[si],
        pl = plans[si];
      const cycleNo = (s.cycle ?? si) + 1;
      if (cyc && (cyc as CycleSummary).index !== cycleNo && closeCycle()) break;
      cyc ??= {
        index: cycleNo,
        firstStep: si + 1,
        lastStep: si + 1,
        discharge_Ah_m2: 0,
        charge_Ah_m2: 0,
        minVoltage_V: Infinity,
        maxVoltage_V: -Infinity,
      };
      const cy: CycleSummary = cyc;
      cy.lastStep = si + 1;
      const { mode, value, nominal, cut, ilim } = pl;
      const limit_s = pl.duration_s ?? pl.cap_s;
      const tStart = sim.t;
      const tEnd = limit_s !== undefined ? sim.t + limit_s : Infinity;
      const hMax = Math.min(num.hMaxFraction * nominal, limit_s !== undefined ? limit_s / 10 : Infinity);
      let h = Math.min(1e-4 * nominal, hMax);
      // events: f > 0 while running, f <= 0 ends the step. The step's own condition, and for galvanostatic
      // steps the parameter set's safety limits [vmin, vmax] (in V, like the voltage cut-off)
      const fUser = (V: number, I: number): number =>
        cut !== undefined ? (s.kind === "discharge" ? V - cut : cut - V) : ilim !== undefined ? (Math.abs(I) - ilim) / ilim : Infinity;
      const fSafe = (V: number): number => (mode === 0 ? Math.min(V - vmin, vmax - V) : Infinity);
      const ev = (V: number, I: number): number => {
        const f = Math.min(fUser(V, I), fSafe(V));
        return f === Infinity ? 1 : f;
      };
      const userText = cut !== undefined ? `cut-off ${fv(cut)} V` : ilim !== undefined ? `current limit ${fv(ilim)} A/m2` : "";
      const safeText = (V: number) =>
        V - vmin <= vmax - V ? `lower voltage cut-off ${fv(vmin)} V` : `upper voltage cut-off ${fv(vmax)} V`;
      sim.clearHistory();
      // consistent start: the algebraic state at t+ (a tiny backward-Euler step, not accepted)
      const h0 = 1e-9 * nominal;
      let start = sim.trial(h0, mode, value, false);
      // No admissible start: the particle surfaces cannot take this current at any overpotential (the
      // kernel's feasibility check, or its safeguarded Newton ending on a saturated surface). The exchange
      // current vanishes at a full or empty surface (eq 26-27), so the voltage under load runs away without
      // bound as the current nears that limit: the step's voltage limit is passed at its start. The point
      // recorded is the state at that limit (potentiostatic): the current the cell does carry there.
      let noStart: string | null = null;
      const Vlim = cut ?? (value > 0 ? vmin : vmax);
      if (start.st === CST_SATURATED && mode === 0 && value !== 0) {
        const atLim = sim.trial(h0, 1, Vlim, false);
        if (atLim.st !== CST_OK) throw sim.failure(`step ${si + 1} "${s.text}" at its start`, h0);
        const c3 = (x: number) => String(Number(x.toPrecision(3)));
        noStart = `the particle surfaces cannot take ${c3(Math.abs(value))} A/m2 at any overpotential; at ${fv(Vlim)} V it carries ${c3(Math.abs(atLim.I))} A/m2 = ${c3(Math.abs(atLim.I) / rp.oneC_A_m2)}C`;
        // The finite-volume surface value sits half a shell out along the flux gradient (J dr / 2D), which
        // a layer thinner than the shell cannot have: with shells wider than ~1/5 of the diffusion length
        // over the step's nominal duration the limit above is the grid's, not the particle's
        const dr = rp.radius_m / sim.nr,
          ld = Math.sqrt(rp.D0 * nominal);
        if (sim.particles.name === "finite-volume" && dr > 0.2 * ld)
          noStart += `; ${sim.nr} shells of ${c3(dr * 1e6)} um do not resolve the surface layer (diffusion length ${c3(ld * 1e6)} um over ${fmtDuration(nominal)}): more shells (nr) may let it run`;
        start = atLim;
      } else if (start.st !== CST_OK) throw sim.failure(`step ${si + 1} "${s.text}" at its start`, h0);
      const Vstart = start.V,
        Istart = start.I;
      const summary: StepSummary = {
        index: si + 1,
        text: s.text,
        kind: s.kind,
        termination: "",
        cycle: cycleNo,
        start_s: sim.t,
        end_s: sim.t,
        capacity_Ah_m2: 0,
        start_V: Vstart,
        end_V: Vstart,
      };
      current = summary;
      q0 = sim.q;
      record(Vstart, Istart, si + 1);
      cy.minVoltage_V = Math.min(cy.minVoltage_V, Vstart);
      cy.maxVoltage_V = Math.max(cy.maxVoltage_V, Vstart);
      if (noStart !== null || ev(Vstart, Istart) <= 0) {
        // A first step whose cut-off is on the wrong side of the OCV itself is a mistake in the input. A step
        // that only the load puts past its limit ends at once, as in PyBaMM (Simulation.solve gives a step
        // whose events are crossed at its initial conditions an empty solution and goes on); PyBaMM raises
        // when every step of a cycle is so, here such a step still ends cleanly (a rate sweep's top rates
        // report zero capacity instead of failing)
        const ocv0 = sim.ocv(rp.theta0);
        if (si === 0 && cut !== undefined && fUser(ocv0, 0) <= 0) {
          throw new ConfigError(
            `experiment step 1 "${s.text}": cut-off ${fv(cut)} V is ${s.kind === "discharge" ? "at or above" : "at or below"} the voltage at the start of the step (${noStart === null ? `${Vstart.toFixed(4)} V under load` : "no solution under load"}; OCV ${ocv0.toFixed(4)} V at stoichiometry ${rp.theta0}): expected a cut-off ${s.kind === "discharge" ? "below" : "above"} it`,
          );
        }
        const userHit = fUser(Vstart, Istart) <= 0 || (noStart !== null && cut !== undefined);
        let why = noStart;
        if (why === null && mode === 0 && value !== 0) {
          // the same state at zero current: on the right side of the limit, the load alone puts the cell past it
          const rest = sim.trial(h0, 0, 0, false);
          if (rest.st === CST_OK && ev(rest.V, 0) > 0) why = `${Vstart.toFixed(4)} V under load, ${rest.V.toFixed(4)} V at zero current`;
        }
        const rateText = mode === 0 && value !== 0 ? `${Number((Math.abs(value) / rp.oneC_A_m2).toPrecision(3))}C` : "";
        summary.termination = `${userHit ? (cut !== undefined ? userText : "current limit") : safeText(noStart === null ? Vstart : Vlim)} reached at the start of the step${why === null ? "" : ` (the cell cannot carry ${rateText} here: ${why})`}`;
        if (!userHit) warnings.push(`step ${si + 1} "${s.text}": ${summary.termination}`);
        summaries.push(summary);
        current = null;
        snap(si + 1);
        continue;
      }
      const ycol = (r: { V: number; I: number }) => {
        const y = new Float64Array(nx + 1);
        y[0] = mode === 0 ? r.V : r.I;
        y.set(sim.arr(P_THS, nx), 1);
        return y;
      };
      const scale = new Float64Array(nx + 1).fill(num.tolTheta);
      scale[0] = mode === 0 ? num.tolV : Math.max(1e-3 * rp.oneC_A_m2, 1e-2 * Math.abs(Istart));
      sim.pushHistory(ycol(start));
      let lastV = Vstart,
        lastI = Istart;
      let termination = "";
      // output period (PyBaMM's "(1 minute period)"): output points at the step start + k period and at its end
      const period = s.period_s;
      let kOut = 1;
      let nextOut = period !== undefined ? tStart + period : Infinity;
      let guard = 0;
      while (!termination) {
        if (++guard > 2_000_000) throw sim.failure(`step ${si + 1} "${s.text}": too many steps`, h);
        h = Math.min(h, hMax);
        let hitEnd = false,
          hitOut = false;
        if (nextOut < tEnd - 1e-9 * nominal) {
          if (sim.t + h >= nextOut - 1e-9 * nominal) {
            h = nextOut - sim.t;
            hitOut = true;
          } else if (sim.t + 2 * h > nextOut) h = 0.5 * (nextOut - sim.t); // two equal steps to the output time, no sliver
        } else if (sim.t + h >= tEnd - 1e-9 * nominal) {
          h = tEnd - sim.t;
          hitEnd = true;
        }
        const bdf2 = sim.nhist >= 1;
        const r = sim.trial(h, mode, value, bdf2);
        if (r.st !== CST_OK) {
          sim.stats.rejected++;
          if (h < 1e-10 * nominal) {
            if (r.st === CST_SATURATED) {
              termination = "particle surface saturated (stoichiometry reached its limit)";
              break;
            }
            throw sim.failure(`step ${si + 1} "${s.text}"`, h);
          }
          h *= 0.25;
          continue;
        }
        const y = ycol(r);
        const err = sim.nhist >= 1 ? sim.errorEstimate(h, y, scale) : 0;
        const order = bdf2 ? 3 : 2;
        if (err > 1) {
          sim.stats.rejected++;
          if (h < 1e-10 * nominal)
            throw sim.failure(
              `step ${si + 1} "${s.text}"`,
              h,
              `the local error tolerance (tolV ${num.tolV} V, tolTheta ${num.tolTheta}) is not met even at this step (scaled error ${err.toExponential(2)})`,
            );
          h *= Math.max(0.2, 0.9 * err ** (-1 / order));
          continue;
        }
        let acceptH = h,
          acc = r;
        if (ev(r.V, r.I) <= 0) {
          // locate the event: Illinois on the step length, f(0) = ev(last) > 0, f(h) <= 0
          let a = 0,
            fa = ev(lastV, lastI),
            b = h,
            fb = ev(r.V, r.I),
            side = 0;
          let found = false;
          for (let it = 0; it < 60; it++) {
            let hc = (a * fb - b * fa) / (fb - fa);
            if (!(hc > a && hc < b)) hc = 0.5 * (a + b);
            const rc = sim.trial(hc, mode, value, bdf2);
            const fc = rc.st === CST_OK ? ev(rc.V, rc.I) : -Infinity;
            if (rc.st === CST_OK && Math.abs(fc) <= 1e-9) {
              acceptH = hc;
              acc = rc;
              found = true;
              break;
            }
            if (fc > 0) {
              a = hc;
              fa = fc;
              if (side === 1) fb /= 2;
              side = 1;
            } else {
              b = hc;
              fb = Number.isFinite(fc) ? fc : fb;
              if (side === -1) fa /= 2;
              side = -1;
            }
            if (b - a < 1e-12 * nominal) break;
          }
          if (!found) {
            // fall back to the last good side
            const rc = sim.trial(b, mode, value, bdf2);
            if (rc.st !== CST_OK)
              throw sim.failure(
                `step ${si + 1} "${s.text}": locating the ${cut !== undefined ? "cut-off" : ilim !== undefined ? "current limit" : "voltage cut-off"}`,
                b,
              );
            acceptH = b;
            acc = rc;
          }
          // the step's own condition wins when both hold (e.g. until 3.0 V at a 3.0 V safety limit)
          if (fUser(acc.V, acc.I) <= 1e-9) termination = userText;
          else {
            termination = safeText(acc.V);
            warnings.push(`step ${si + 1} "${s.text}": ended at the ${termination} of the parameter set at t = ${fv(sim.t + acceptH)} s`);
          }
        }
        sim.accept(acceptH, acc);
        sim.pushHistory(ycol(acc));
        lastV = acc.V;
        lastI = acc.I;
        cy.minVoltage_V = Math.min(cy.minVoltage_V, acc.V);
        cy.maxVoltage_V = Math.max(cy.maxVoltage_V, acc.V);
        if (!termination && hitEnd && acceptH === h) {
          if (pl.duration_s !== undefined) termination = "duration";
          else {
            termination = `time cap ${fmtDuration(limit_s!)} (no duration given${mode === 0 ? `: ${GALVANOSTATIC_CAP_HOURS_PER_C} h / C-rate` : ""})`;
            warnings.push(`step ${si + 1} "${s.text}": reached its implicit ${termination}`);
          }
        }
        if (period === undefined || termination || (hitOut && acceptH === h)) record(acc.V, acc.I, si + 1);
        if (hitOut && acceptH === h) {
          kOut++;
          nextOut = tStart + kOut * period!;
        }
        if (sim.t >= nextSnap) {
          snap(si + 1);
          nextSnap += num.snapshotEvery_s;
        }
        const grow = err > 0 ? Math.min(2, Math.max(0.2, 0.9 * err ** (-1 / order))) : 2;
        h = acceptH * grow;
      }
      summary.termination = termination;
      summary.end_s = sim.t;
      summary.end_V = lastV;
      const dq = (sim.q - q0) / 3600;
      summary.capacity_Ah_m2 = Math.abs(dq);
      // throughput below 1e-9 of the 1C capacity is round-off (a rest), not a discharge or a charge
      if (dq > 1e-9 * rp.oneC_A_m2) cy.discharge_Ah_m2 += dq;
      else if (dq < -1e-9 * rp.oneC_A_m2) cy.charge_Ah_m2 -= dq;
      summaries.push(summary);
      current = null;
      snap(si + 1);
    }
    if (!stopped) closeCycle();
  } catch (e) {
    if (!(e instanceof CellSolveError)) throw e;
    const s = steps[si];
    if (current) {
      current.termination = `failed: ${(e.detail.why as string | undefined) ?? e.message}`;
      current.end_s = sim.t;
      current.end_V = out.voltage_V.at(-1) ?? current.start_V;
      const dq = (sim.q - q0) / 3600;
      current.capacity_Ah_m2 = Math.abs(dq);
      if (cyc) {
        if (dq > 1e-9 * rp.oneC_A_m2) cyc.discharge_Ah_m2 += dq;
        else if (dq < -1e-9 * rp.oneC_A_m2) cyc.charge_Ah_m2 -= dq;
      }
      summaries.push(current);
    } else
      summaries.push({
        index: si + 1,
        text: s.text,
        kind: s.kind,
        termination: `failed: ${(e.detail.why as string | undefined) ?? e.message}`,
        cycle: (s.cycle ?? si) + 1,
        start_s: sim.t,
        end_s: sim.t,
        capacity_Ah_m2: 0,
        start_V: NaN,
        end_V: NaN,
      });
    if (cyc) cycles.push(cyc);
    failure = { step: si + 1, text: s.text, t_s: sim.t, reason: e.message };
    snap(si + 1);
    e.partial = result();
    throw e;
  }
  return result();

  function result(): CellResult {
    const li1 = sim.lithium();
    const passed = sim.q / F;
    const mAh = 1000 / (rp.amMass_kg_m2 * 1000); // Ah/m^2 -> mAh/g
    return {
      version: VERSION,
      seed: null,
      params: rp.params,
      numerics: num,
      experiment: steps.map((s) => s.text),
      derived: {
        radius_m: rp.radius_m,
        a_m: rp.a_m,
        kappaEff_S_m: rp.kappaEff,
        sigmaEff_S_m: rp.sigmaEff,
        oneC_A_m2: rp.oneC_A_m2,
        amMass_kg_m2: rp.amMass_kg_m2,
        k0_mol_m2_s: rp.k0,
      },
      ...out,
      capacity_mAh_g: out.capacity_Ah_m2.map((c) => c * mAh),
      overpotentials: ovp,
      steps: summaries,
      cycles,
      experimentTermination: stopped,
      failure,
      warnings,
      particleModel: sim.particles.name,
      x_m: Array.from({ length: nx }, (_, j) => ((j + 0.5) * rp.Lc) / nx),
      r_m: sim.particles.r_m,
      snapshots,
      lithium: { initial_mol_m2: li0, final_mol_m2: li1, passed_mol_m2: passed, imbalance_rel: (li1 - li0 - passed) / li0 },
      stats: { ...sim.stats, wall_ms: performance.now() - t0 },
    };
  }
}
