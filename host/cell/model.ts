/**
 * P2D half-cell solver (host side): lays out the kernel memory (assembly/cell/layout.ts), runs an
 * experiment step by step with adaptive variable-step BDF2 (backward Euler at every restart), Newton
 * on the coupled system inside the kernel (cellStep), cut-off events located on the step size to
 * 1e-9 V (or 1e-9 relative in current), and collects time, voltage, current, capacity and c(x, r)
 * snapshots. Model equations: assembly/cell/p2d.ts (paper 001 Table 1, eq 26-30, 44-46).
 */
import type { CellKernels } from "../core/wasm.js";
import { ConfigError, NotConvergedError } from "../config/errors.js";
import { VERSION } from "../version.js";
import {
  P_NX, P_NR, P_NXP, P_TH, P_THPREV, P_THNEW, P_RHS, P_DF, P_U, P_W, P_CP, P_VOL, P_GF, P_J, P_PHI1, P_PHI2,
  P_ALPHA, P_BETA, P_THS, P_ETA, P_WK, P_OCVX, P_OCVU, P_OCVM, P_NOCV, P_DX_TAB, P_DV_TAB, P_ND, P_D0, P_RAD,
  P_C1MAX, P_K0, P_FRT, P_BV, P_FADX, P_SDX, P_KDX, P_GSEP, P_MODE, P_I, P_VSET, P_HEFF, P_BDFA, P_BDFB,
  P_TOL, P_MAXIT, P_V, P_ITERS, P_RES, P_WORST, P_STATUS, P_SDXC, P_I0LI, HEADER_SLOTS,
  CST_OK, CST_NOT_CONVERGED, CST_NONFINITE, CST_SATURATED,
} from "../../assembly/cell/layout.js";
import { FARADAY, type ResolvedCellParams } from "./params.js";
import { parseExperiment, type ExperimentStep, type Rate } from "./experiment.js";

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

export const DEFAULT_NUMERICS: CellNumerics = { nx: 20, nr: 10, tolV: 2e-4, tolTheta: 2e-4, newtonTol: 1e-10, maxNewton: 30, hMaxFraction: 0.05, snapshotEvery_s: 0, overpotentials: true };

/** The time stepper failed (Newton or step-size limits); exit code 3 in the CLI. */
export class CellSolveError extends NotConvergedError {
  constructor(message: string, detail: Record<string, unknown>) { super(message, detail); this.name = "CellSolveError"; }
}

export interface StepSummary {
  index: number; text: string; kind: string; termination: string;
  start_s: number; end_s: number; capacity_Ah_m2: number; start_V: number; end_V: number;
}

export interface Snapshot { t_s: number; step: number; theta: number[][] }

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
  ocv_V: number[]; concentration_V: number[]; reaction_V: number[]; li_metal_V: number[];
  separator_ohmic_V: number[]; electrode_ionic_V: number[]; electrode_electronic_V: number[];
}
export const OVERPOTENTIAL_KEYS = ["ocv_V", "concentration_V", "reaction_V", "li_metal_V", "separator_ohmic_V", "electrode_ionic_V", "electrode_electronic_V"] as const;

export interface CellResult {
  version: string;
  seed: null;
  params: ResolvedCellParams["params"];
  numerics: CellNumerics;
  experiment: string[];
  derived: { radius_m: number; a_m: number; kappaEff_S_m: number; sigmaEff_S_m: number; oneC_A_m2: number; amMass_kg_m2: number; k0_mol_m2_s: number };
  time_s: number[]; voltage_V: number[]; current_A_m2: number[];
  /** cumulative discharge throughput (charge negative) [Ah/m^2] and per gram of AM [mAh/g] */
  capacity_Ah_m2: number[]; capacity_mAh_g: number[];
  step: number[];
  /** overpotential breakdown per output point (numerics.overpotentials; else empty arrays) */
  overpotentials: OverpotentialSeries;
  steps: StepSummary[];
  x_m: number[]; r_m: number[];
  snapshots: Snapshot[];
  lithium: { initial_mol_m2: number; final_mol_m2: number; passed_mol_m2: number; imbalance_rel: number };
  stats: { steps: number; rejected: number; newton: number; wall_ms: number };
}

const F = FARADAY;

/** One cell on one set of kernels: memory laid out once, reused across runs (`reset`). */
export class CellSim {
  readonly nx: number; readonly nr: number; readonly nxp: number;
  readonly sys: number;
  private f!: Float64Array;
  private i!: Int32Array;
  private base = 0;
  private Jacc: Float64Array; private p1acc: Float64Array; private p2acc: Float64Array;
  // accepted-state scalars
  t = 0; q = 0; qPrev = 0; hPrev = 0; nhist = 0;
  private histT: number[] = []; private histY: Float64Array[] = [];
  stats = { steps: 0, rejected: 0, newton: 0 };

  constructor(readonly k: CellKernels, readonly rp: ResolvedCellParams, readonly num: CellNumerics) {
    const { nx, nr } = num;
    if (!Number.isInteger(nx) || nx < 2 || nx > 100000) throw new ConfigError(`cell numerics: nx = ${nx}: expected an integer in [2, 100000] [finite volumes]`);
    if (!Number.isInteger(nr) || nr < 2 || nr > 10000) throw new ConfigError(`cell numerics: nr = ${nr}: expected an integer in [2, 10000] [shells]`);
    this.nx = nx; this.nr = nr; this.nxp = nx + (nx & 1);
    const h = k.heap;
    this.base = h.used;
    const sys = this.sys = h.alloc(HEADER_SLOTS * 8, 16);
    const arr = (n: number) => h.alloc(n * 8, 16);
    const np = nr * this.nxp;
    const ptrs: [number, number][] = [[P_TH, np], [P_THPREV, np], [P_THNEW, np], [P_RHS, np], [P_DF, np], [P_U, np], [P_W, np], [P_CP, np],
      [P_VOL, nr], [P_GF, nr], [P_J, this.nxp], [P_PHI1, nx], [P_PHI2, nx], [P_ALPHA, nx], [P_BETA, nx], [P_THS, nx], [P_ETA, nx], [P_WK, 8 * nx]];
    const got = ptrs.map(([slot, n]) => [slot, arr(n)] as const);
    const ocv = rp.ocv, nocv = ocv ? ocv.x.length : 0;
    const ox = arr(Math.max(1, nocv)), ou = arr(Math.max(1, nocv)), om = arr(Math.max(1, nocv));
    const dt = rp.Dtable, nd = dt ? dt.length : 0;
    const dxp = arr(Math.max(1, nd)), dvp = arr(Math.max(1, nd));
    this.view();
    const I = this.i, Fv = this.f;
    const setI = (slot: number, v: number) => { I[(sys >>> 2) + slot * 2] = v; };
    const setF = (slot: number, v: number) => { Fv[(sys >>> 3) + slot] = v; };
    for (const [slot, p] of got) setI(slot, p);
    setI(P_NX, nx); setI(P_NR, nr); setI(P_NXP, this.nxp);
    setI(P_OCVX, ox); setI(P_OCVU, ou); setI(P_OCVM, om); setI(P_NOCV, nocv);
    if (ocv) { Fv.set(ocv.x, ox >>> 3); Fv.set(ocv.u, ou >>> 3); Fv.set(ocv.m, om >>> 3); }
    setI(P_DX_TAB, dxp); setI(P_DV_TAB, dvp); setI(P_ND, nd);
    if (dt) dt.forEach(([x, d], j) => { Fv[(dxp >>> 3) + j] = x; Fv[(dvp >>> 3) + j] = d; });
    const R = rp.radius_m, dr = 1 / nr, dx = rp.Lc / nx;
    for (let s = 0; s < nr; s++) {
      Fv[(this.ptr(P_VOL) >>> 3) + s] = ((s + 1) * dr) ** 3 - (s * dr) ** 3; // exact shell volume / particle volume
      Fv[(this.ptr(P_GF) >>> 3) + s] = 3 * ((s + 1) * dr) ** 2 / (dr * R * R);
    }
    setF(P_D0, rp.D0); setF(P_RAD, R); setF(P_C1MAX, rp.c1max); setF(P_K0, rp.k0); setF(P_FRT, rp.FRT); setI(P_BV, rp.bv);
    setF(P_FADX, F * rp.a_m * dx); setF(P_SDX, rp.sigmaEff / dx); setF(P_KDX, rp.kappaEff / dx); setF(P_SDXC, 2 * rp.sigmaEff / dx);
    setF(P_GSEP, 1 / (rp.Ls / rp.kappaSep + dx / (2 * rp.kappaEff)));
    setF(P_I0LI, rp.i0Li ?? 0);
    setF(P_TOL, num.newtonTol); setI(P_MAXIT, num.maxNewton);
    this.Jacc = new Float64Array(this.nxp); this.p1acc = new Float64Array(nx); this.p2acc = new Float64Array(nx);
    this.reset();
  }

  private view(): void {
    const b = this.k.heap.buffer;
    if (!this.f || this.f.buffer !== b) { this.f = new Float64Array(b); this.i = new Int32Array(b); }
  }
  ptr(slot: number): number { return this.i[(this.sys >>> 2) + slot * 2] >>> 0; }
  private gF(slot: number): number { return this.f[(this.sys >>> 3) + slot]; }
  private sF(slot: number, v: number): void { this.f[(this.sys >>> 3) + slot] = v; }
  private gI(slot: number): number { return this.i[(this.sys >>> 2) + slot * 2]; }
  private sI(slot: number, v: number): void { this.i[(this.sys >>> 2) + slot * 2] = v; }
  arr(slot: number, n: number): Float64Array { this.view(); return this.f.subarray(this.ptr(slot) >>> 3, (this.ptr(slot) >>> 3) + n); }

  /** Uniform initial stoichiometry, zero current, phi1 = U(theta0). */
  reset(theta0 = this.rp.theta0): void {
    this.view();
    const np = this.nr * this.nxp;
    for (const s of [P_TH, P_THPREV, P_THNEW]) this.arr(s, np).fill(theta0);
    this.Jacc.fill(0); this.p1acc.fill(this.ocv(theta0)); this.p2acc.fill(0);
    this.t = 0; this.q = 0; this.qPrev = 0; this.hPrev = 0; this.nhist = 0;
    this.histT = []; this.histY = [];
    this.stats = { steps: 0, rejected: 0, newton: 0 };
  }

  ocv(x: number): number { return this.k.cellOcv(this.sys, x); }

  /** Lithium in the AM [mol/m^2]: sum over nodes and shells of v theta c1max eps_AM dx. */
  lithium(): number {
    const th = this.arr(P_TH, this.nr * this.nxp), vol = this.arr(P_VOL, this.nr);
    let s = 0;
    for (let j = 0; j < this.nx; j++) { let sj = 0; for (let r = 0; r < this.nr; r++) sj += vol[r] * th[r * this.nxp + j]; s += sj; }
    return s * this.rp.c1max * this.rp.epsAM * (this.rp.Lc / this.nx);
  }

  /** Overpotential breakdown (see OverpotentialSeries) of the last successful trial at voltage V, current I. */
  breakdown(V: number, I: number): number[] {
    const nx = this.nx, rp = this.rp;
    const J = this.arr(P_J, nx), p1 = this.arr(P_PHI1, nx), p2 = this.arr(P_PHI2, nx), eta = this.arr(P_ETA, nx);
    let sa = 0;
    for (let j = 0; j < nx; j++) sa += Math.abs(J[j]);
    let wp1 = 0, wp2 = 0, weta = 0;
    for (let j = 0; j < nx; j++) {
      const w = sa > 0 ? Math.abs(J[j]) / sa : 1 / nx;
      wp1 += w * p1[j]; wp2 += w * p2[j]; weta += w * eta[j];
    }
    const Ubar = this.ocv(this.lithium() / (rp.c1max * rp.epsAM * rp.Lc));
    const li = rp.i0Li > 0 ? (2 / rp.FRT) * Math.asinh(I / (2 * rp.i0Li)) : 0;
    const sep = I * rp.Ls / rp.kappaSep;
    // sum w U_s = sum w (phi1 - phi2 - eta)
    return [Ubar, Ubar - (wp1 - wp2 - weta), -weta, li, sep, -wp2 - li - sep, wp1 - V];
  }

  theta(): number[][] {
    const th = this.arr(P_TH, this.nr * this.nxp);
    return Array.from({ length: this.nx }, (_, j) => Array.from({ length: this.nr }, (_, r) => th[r * this.nxp + j]));
  }
  surface(): Float64Array { return this.arr(P_THS, this.nx).slice(); }

  /** One trial step of length h from the accepted state; nothing is accepted. */
  trial(h: number, mode: 0 | 1, value: number, bdf2: boolean): { st: number; V: number; I: number; A: number; B: number; heff: number } {
    this.view();
    const f = this.f;
    f.set(this.Jacc, this.ptr(P_J) >>> 3); f.set(this.p1acc, this.ptr(P_PHI1) >>> 3); f.set(this.p2acc, this.ptr(P_PHI2) >>> 3);
    let A = 1, B = 0, heff = h;
    if (bdf2) {
      const w = h / this.hPrev, g = (1 + 2 * w) / (1 + w);
      A = (1 + w) / g; B = (w * w) / ((1 + w) * g); heff = h / g;
    }
    this.sF(P_HEFF, heff); this.sF(P_BDFA, A); this.sF(P_BDFB, B);
    this.sI(P_MODE, mode);
    if (mode === 0) this.sF(P_I, value); else this.sF(P_VSET, value);
    const st = this.k.cellStep(this.sys);
    this.stats.newton += this.gI(P_ITERS);
    return { st, V: this.gF(P_V), I: this.gF(P_I), A, B, heff };
  }

  /** Accepts the last trial (which must have succeeded). */
  accept(h: number, r: { I: number; A: number; B: number; heff: number }): void {
    const qn = r.A * this.q - r.B * this.qPrev + r.heff * r.I; // charge passed, integrated with the same BDF weights (exact Li balance)
    this.qPrev = this.q; this.q = qn; this.hPrev = h; this.t += h; this.nhist++;
    const pTh = this.ptr(P_TH), pPrev = this.ptr(P_THPREV), pNew = this.ptr(P_THNEW);
    this.sI(P_THPREV, pTh); this.sI(P_TH, pNew); this.sI(P_THNEW, pPrev);
    this.Jacc.set(this.arr(P_J, this.nxp)); this.p1acc.set(this.arr(P_PHI1, this.nx)); this.p2acc.set(this.arr(P_PHI2, this.nx));
    this.stats.steps++;
  }

  failure(what: string, h: number): CellSolveError {
    const st = this.gI(P_STATUS), j = this.gI(P_WORST), res = this.gF(P_RES);
    const why = st === CST_NOT_CONVERGED ? `Newton did not converge in ${this.num.maxNewton} iterations (last max |d phi| ${res.toExponential(2)} V)`
      : st === CST_NONFINITE ? "the Newton iterate became non-finite (overpotential blow-up)"
        : st === CST_SATURATED ? "a particle surface stoichiometry left (0, 1) (particle full or empty)" : `status ${st}`;
    const x_um = ((j + 0.5) * this.rp.Lc / this.nx) * 1e6;
    return new CellSolveError(`cell: ${what}: ${why} at t = ${this.t.toFixed(3)} s with step ${h.toExponential(2)} s, worst at node ${j} (x = ${x_um.toFixed(2)} um from the separator)`,
      { status: st, node: j, x_um, t_s: this.t, h_s: h, residual_V: res });
  }

  /** Step-size controller data: history of (t, y) with y = [V or I, theta_surf...]. */
  pushHistory(y: Float64Array): void {
    this.histT.push(this.t); this.histY.push(y);
    if (this.histT.length > 3) { this.histT.shift(); this.histY.shift(); }
  }
  clearHistory(): void { this.histT = []; this.histY = []; this.nhist = 0; }
  /** Scaled local error estimate of a candidate y at t + h (predictor-corrector difference). */
  errorEstimate(h: number, y: Float64Array, scale: Float64Array): number {
    const n = this.histT.length;
    if (n < 2) return 0;
    const t = this.t + h;
    const T = this.histT, Y = this.histY;
    let e = 0;
    if (n === 2) {
      const w = (t - T[1]) / (T[1] - T[0]);
      for (let c = 0; c < y.length; c++) e = Math.max(e, Math.abs(y[c] - (Y[1][c] + w * (Y[1][c] - Y[0][c]))) / scale[c]);
      return 0.5 * e;
    }
    const [t0, t1, t2] = T;
    const l0 = ((t - t1) * (t - t2)) / ((t0 - t1) * (t0 - t2)), l1 = ((t - t0) * (t - t2)) / ((t1 - t0) * (t1 - t2)), l2 = ((t - t0) * (t - t1)) / ((t2 - t0) * (t2 - t1));
    for (let c = 0; c < y.length; c++) e = Math.max(e, Math.abs(y[c] - (l0 * Y[0][c] + l1 * Y[1][c] + l2 * Y[2][c])) / scale[c]);
    return (2 / 11) * e;
  }
}

function rateToCurrent(r: Rate, rp: ResolvedCellParams): number {
  return "cRate" in r ? r.cRate * rp.oneC_A_m2 : r.current_A_m2;
}

export interface RunOptions { numerics?: Partial<CellNumerics>; sim?: CellSim }

/** Runs an experiment (strings or parsed steps) on a parameter set. */
export function runExperiment(k: CellKernels, rp: ResolvedCellParams, experiment: string | (string | string[])[] | ExperimentStep[], opts: RunOptions = {}): CellResult {
  const t0 = performance.now();
  const steps = Array.isArray(experiment) && experiment.length > 0 && typeof experiment[0] === "object" && !Array.isArray(experiment[0])
    ? experiment as ExperimentStep[] : parseExperiment(experiment as string | (string | string[])[]);
  const num: CellNumerics = { ...DEFAULT_NUMERICS, ...opts.numerics };
  const sim = opts.sim ?? new CellSim(k, rp, num);
  if (opts.sim) sim.reset();
  const nx = sim.nx;
  const out = { time_s: [] as number[], voltage_V: [] as number[], current_A_m2: [] as number[], capacity_Ah_m2: [] as number[], step: [] as number[] };
  const snapshots: Snapshot[] = [];
  const summaries: StepSummary[] = [];
  const li0 = sim.lithium();
  const ovp = Object.fromEntries(OVERPOTENTIAL_KEYS.map((k) => [k, [] as number[]])) as unknown as OverpotentialSeries;
  const ovpCols = OVERPOTENTIAL_KEYS.map((k) => ovp[k]);
  const record = (V: number, I: number, si: number) => {
    out.time_s.push(sim.t); out.voltage_V.push(V); out.current_A_m2.push(I); out.capacity_Ah_m2.push(sim.q / 3600); out.step.push(si);
    if (num.overpotentials) sim.breakdown(V, I).forEach((x, c) => ovpCols[c].push(x));
  };
  let nextSnap = num.snapshotEvery_s > 0 ? 0 : Infinity;
  const snap = (si: number) => snapshots.push({ t_s: sim.t, step: si, theta: sim.theta() });
  snap(0);
  if (nextSnap === 0) nextSnap = num.snapshotEvery_s;

  for (let si = 0; si < steps.length; si++) {
    const s = steps[si];
    const mode: 0 | 1 = s.kind === "hold" ? 1 : 0;
    const I0 = s.kind === "rest" ? 0 : s.kind === "hold" ? 0 : (s.kind === "discharge" ? 1 : -1) * rateToCurrent(s.rate, rp);
    const value = mode === 1 ? (s as { voltage_V: number }).voltage_V : I0;
    const nominal = s.kind === "rest" || s.kind === "hold" ? 3600 : 3600 * rp.oneC_A_m2 / Math.abs(I0);
    const tEnd = s.duration_s !== undefined ? sim.t + s.duration_s : Infinity;
    const hMax = Math.min(num.hMaxFraction * nominal, s.duration_s !== undefined ? s.duration_s / 10 : Infinity);
    let h = Math.min(1e-4 * nominal, hMax);
    // cut-off / current-limit events: f > 0 while running, f <= 0 ends the step
    const cut = s.kind === "discharge" || s.kind === "charge" ? s.until_V : undefined;
    const ilim = s.kind === "hold" && s.untilRate ? rateToCurrent(s.untilRate, rp) : undefined;
    const ev = (V: number, I: number): number => cut !== undefined ? (s.kind === "discharge" ? V - cut : cut - V) : ilim !== undefined ? (Math.abs(I) - ilim) / ilim : 1;
    sim.clearHistory();
    // consistent start: the algebraic state at t+ (a tiny backward-Euler step, not accepted)
    const start = sim.trial(1e-9 * nominal, mode, value, false);
    if (start.st !== CST_OK) throw sim.failure(`step ${si + 1} "${s.text}" at its start`, 1e-9 * nominal);
    const Vstart = start.V, Istart = start.I;
    const summary: StepSummary = { index: si + 1, text: s.text, kind: s.kind, termination: "", start_s: sim.t, end_s: sim.t, capacity_Ah_m2: 0, start_V: Vstart, end_V: Vstart };
    const q0 = sim.q;
    record(Vstart, Istart, si + 1);
    if (ev(Vstart, Istart) <= 0) {
      if (si === 0 && cut !== undefined) {
        throw new ConfigError(`experiment step 1 "${s.text}": cut-off ${cut} V is ${s.kind === "discharge" ? "at or above" : "at or below"} the voltage at the start of the step (${Vstart.toFixed(4)} V under load; OCV ${sim.ocv(rp.theta0).toFixed(4)} V at stoichiometry ${rp.theta0}): expected a cut-off ${s.kind === "discharge" ? "below" : "above"} it`);
      }
      summary.termination = cut !== undefined ? `cut-off ${cut} V reached at the start of the step` : "current limit reached at the start";
      summaries.push(summary);
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
    let lastV = Vstart, lastI = Istart;
    let termination = "";
    let guard = 0;
    while (!termination) {
      if (++guard > 2_000_000) throw sim.failure(`step ${si + 1} "${s.text}": too many steps`, h);
      h = Math.min(h, hMax);
      let hitEnd = false;
      if (sim.t + h >= tEnd - 1e-9 * nominal) { h = tEnd - sim.t; hitEnd = true; }
      const bdf2 = sim.nhist >= 1;
      const r = sim.trial(h, mode, value, bdf2);
      if (r.st !== CST_OK) {
        sim.stats.rejected++;
        if (h < 1e-10 * nominal) {
          if (r.st === CST_SATURATED) { termination = "particle surface saturated (stoichiometry reached its limit)"; break; }
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
        h *= Math.max(0.2, 0.9 * err ** (-1 / order));
        continue;
      }
      let fNew = ev(r.V, r.I);
      let acceptH = h, acc = r;
      if (fNew <= 0) {
        // locate the event: Illinois on the step length, f(0) = ev(last) > 0, f(h) <= 0
        let a = 0, fa = ev(lastV, lastI), b = h, fb = fNew, side = 0;
        let found = false;
        for (let it = 0; it < 60; it++) {
          let hc = (a * fb - b * fa) / (fb - fa);
          if (!(hc > a && hc < b)) hc = 0.5 * (a + b);
          const rc = sim.trial(hc, mode, value, bdf2);
          const fc = rc.st === CST_OK ? ev(rc.V, rc.I) : -Infinity;
          if (rc.st === CST_OK && Math.abs(fc) <= (cut !== undefined ? 1e-9 : 1e-9)) { acceptH = hc; acc = rc; found = true; break; }
          if (fc > 0) { a = hc; fa = fc; if (side === 1) fb /= 2; side = 1; }
          else { b = hc; fb = Number.isFinite(fc) ? fc : fb; if (side === -1) fa /= 2; side = -1; }
          if (b - a < 1e-12 * nominal) break;
        }
        if (!found) { // fall back to the last good side
          const rc = sim.trial(b, mode, value, bdf2);
          if (rc.st !== CST_OK) throw sim.failure(`step ${si + 1} "${s.text}": locating the ${cut !== undefined ? "cut-off" : "current limit"}`, b);
          acceptH = b; acc = rc;
        }
        termination = cut !== undefined ? `cut-off ${cut} V` : `current limit ${ilim} A/m2`;
        fNew = 0;
      }
      sim.accept(acceptH, acc);
      sim.pushHistory(ycol(acc));
      lastV = acc.V; lastI = acc.I;
      record(acc.V, acc.I, si + 1);
      if (sim.t >= nextSnap) { snap(si + 1); nextSnap += num.snapshotEvery_s; }
      if (!termination && hitEnd && acceptH === h) termination = "duration";
      const grow = err > 0 ? Math.min(2, Math.max(0.2, 0.9 * err ** (-1 / order))) : 2;
      h = acceptH * grow;
    }
    summary.termination = termination;
    summary.end_s = sim.t; summary.end_V = lastV;
    summary.capacity_Ah_m2 = Math.abs(sim.q - q0) / 3600;
    summaries.push(summary);
    snap(si + 1);
  }
  const li1 = sim.lithium();
  const passed = sim.q / F;
  const mAh = 1000 / (rp.amMass_kg_m2 * 1000); // Ah/m^2 -> mAh/g
  return {
    version: VERSION, seed: null, params: rp.params, numerics: num, experiment: steps.map((s) => s.text),
    derived: { radius_m: rp.radius_m, a_m: rp.a_m, kappaEff_S_m: rp.kappaEff, sigmaEff_S_m: rp.sigmaEff, oneC_A_m2: rp.oneC_A_m2, amMass_kg_m2: rp.amMass_kg_m2, k0_mol_m2_s: rp.k0 },
    ...out,
    capacity_mAh_g: out.capacity_Ah_m2.map((c) => c * mAh),
    overpotentials: ovp,
    steps: summaries,
    x_m: Array.from({ length: nx }, (_, j) => (j + 0.5) * rp.Lc / nx),
    r_m: Array.from({ length: sim.nr }, (_, s) => (s + 0.5) * rp.radius_m / sim.nr),
    snapshots,
    lithium: { initial_mol_m2: li0, final_mol_m2: li1, passed_mol_m2: passed, imbalance_rel: (li1 - li0 - passed) / li0 },
    stats: { ...sim.stats, wall_ms: performance.now() - t0 },
  };
}
