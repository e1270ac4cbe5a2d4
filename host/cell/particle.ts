/**
 * The particle seam of the P2D solver (host/cell/sim.ts runs it in every trial step).
 *
 * Over one implicit time step the solid diffusion of every macro node's particle (paper 001 eq 44-46)
 * enters the macro Newton problem (assembly/cell/p2d.ts) only through its surface stoichiometry, and
 * for any model that is linear in the pore-wall flux over the step that is an affine function:
 *
 *     theta_s,j = alpha_j + beta_j J_j      (J_j: pore-wall flux out of the particle [mol m^-2 s^-1])
 *
 * A ParticleModel supplies (alpha, beta) per node for a step, learns the converged J, and keeps its own
 * state. The order of calls in one time step (the stepper may try several step lengths from the same
 * accepted state: event location, rejected steps):
 *
 *     prepare(step) -> Newton with theta_s = alpha + beta J -> commit(J)   (repeated per trial)
 *     accept()                                                            (once, for the trial kept)
 *
 * prepare() must not change the accepted state; commit(J) computes the candidate state of that trial;
 * accept() makes the last committed candidate the accepted state. The time discretisation is BDF in
 * backward-Euler form: the new state x solves (x - (A x_n - B x_{n-1})) / heff = f(x) (A = 1, B = 0:
 * backward Euler), the same weights the macro problem and the charge counter use, so the lithium
 * balance stays exact when the model conserves lithium in that form (mean theta gains -3 J heff / (R c1max)).
 *
 * The default is FiniteVolumeParticles: the wasm SIMD kernels of assembly/cell (particle_simd.ts) on
 * the kernel memory, one call per stage; it reproduces the fused kernel step bit for bit. A surrogate
 * (e.g. an ANN giving alpha, beta from the particle's history) implements the same interface and is
 * passed to CellSim / runExperiment as a factory (`particles` option). UniformParticles is the
 * smallest complete example (infinitely fast solid diffusion).
 */
import type { CellKernels } from "../core/wasm.js";
import type { ResolvedCellParams } from "./params_core.js";
import { P_TH, P_THPREV, P_THNEW, P_ALPHA, P_BETA, P_VOL, STAGE_PARTICLES, STAGE_UPDATE } from "../../assembly/cell/layout.js";

/** One trial step as the particles see it. */
export interface ParticleStep {
  /** h / gamma: the step of the equivalent backward-Euler solve [s] */
  heff_s: number;
  /** BDF weights of the accepted states theta_n and theta_{n-1} (backward Euler: 1, 0) */
  A: number;
  B: number;
  /** the step itself, t_{n+1} - t_n [s], and the time of the accepted state t_n [s] */
  h_s: number;
  t_s: number;
  /** the applied current density (galvanostatic) or the last accepted one (potentiostatic) [A m^-2], discharge > 0 */
  I_A_m2: number;
}

/** theta_s = alpha + beta J per node for the step being tried (length nx; beta in m^2 s mol^-1). */
export interface SurfaceResponse {
  alpha: Float64Array;
  beta: Float64Array;
}

export interface ParticleModel {
  readonly name: string;
  /** radial positions [m] of the values per node that theta() returns (for c(x, r) snapshots) */
  readonly r_m: number[];
  /** uniform stoichiometry theta0 everywhere; no history */
  reset(theta0: number): void;
  /** the affine surface response of every node for this trial step (no state change) */
  prepare(step: ParticleStep): SurfaceResponse;
  /** the converged pore-wall fluxes of the trial (length nx; a view: copy it to keep it) */
  commit(J: Float64Array): void;
  /** the last committed candidate becomes the accepted state */
  accept(): void;
  /** mean stoichiometry (lithium content / c1max) of every node, accepted state */
  meanStoichiometry(): Float64Array;
  /** stoichiometry profile of every node at r_m, accepted state */
  theta(): number[][];
  /** reaction-area factor of every node for the trial just prepared, a_j = a f_j (paper 001 eq 32: f = 1 - <d>);
   *  absent or null: f = 1 (the kernels then compute exactly the uniform-area cell) */
  areaFactor?(): Float64Array | null;
  /** per-node fields of the accepted state recorded at every output point (name with its unit -> nx values) */
  fields?(): Record<string, Float64Array>;
  /** one-line warnings the model collected during the run (e.g. inputs outside a surrogate's training range) */
  warnings?(): string[];
}

/** What a particle model is built from. */
export interface ParticleContext {
  nx: number;
  nr: number;
  rp: ResolvedCellParams;
  x_m: number[];
}
export type ParticleModelFactory = (ctx: ParticleContext) => ParticleModel;

/** The kernel memory of a CellSim, as the finite-volume particles use it. */
export interface CellMemory {
  readonly k: CellKernels;
  readonly sys: number;
  readonly nx: number;
  readonly nr: number;
  readonly nxp: number;
  ptr(slot: number): number;
  setPtr(slot: number, p: number): void;
  arr(slot: number, n: number): Float64Array;
  /** sets P_STAGES and runs cellStep */
  stage(mask: number): number;
}

/** Radial finite volumes in the wasm kernels (or the TS twin): the default particle model. */
export class FiniteVolumeParticles implements ParticleModel {
  readonly name = "finite-volume";
  readonly r_m: number[];
  constructor(
    private readonly m: CellMemory,
    radius_m: number,
  ) {
    this.r_m = Array.from({ length: m.nr }, (_, s) => ((s + 0.5) * radius_m) / m.nr);
  }
  reset(theta0: number): void {
    const np = this.m.nr * this.m.nxp;
    for (const s of [P_TH, P_THPREV, P_THNEW]) this.m.arr(s, np).fill(theta0);
  }
  /** lagged D at the faces, the shell systems for u (J = 0) and w (unit J): alpha, beta in the kernel memory */
  prepare(_step: ParticleStep): SurfaceResponse {
    // heff and the BDF weights are already in the header (CellSim.trial writes them for the Newton stage too)
    this.m.stage(STAGE_PARTICLES);
    const a = this.ab;
    if (!a || a.alpha.buffer !== this.m.k.heap.buffer)
      this.ab = { alpha: this.m.arr(P_ALPHA, this.m.nx), beta: this.m.arr(P_BETA, this.m.nx) };
    return this.ab!;
  }
  private ab: SurfaceResponse | null = null;
  /** theta_new = u + w J (J is already in the kernel memory: the Newton stage wrote it there) */
  commit(_J: Float64Array): void {
    this.m.stage(STAGE_UPDATE);
  }
  accept(): void {
    const pTh = this.m.ptr(P_TH),
      pPrev = this.m.ptr(P_THPREV),
      pNew = this.m.ptr(P_THNEW);
    this.m.setPtr(P_THPREV, pTh);
    this.m.setPtr(P_TH, pNew);
    this.m.setPtr(P_THNEW, pPrev);
  }
  meanStoichiometry(): Float64Array {
    const { nx, nr, nxp } = this.m;
    const th = this.m.arr(P_TH, nr * nxp),
      vol = this.m.arr(P_VOL, nr);
    const out = new Float64Array(nx);
    for (let j = 0; j < nx; j++) {
      let sj = 0;
      for (let r = 0; r < nr; r++) sj += vol[r] * th[r * nxp + j];
      out[j] = sj;
    }
    return out;
  }
  theta(): number[][] {
    const { nx, nr, nxp } = this.m;
    const th = this.m.arr(P_TH, nr * nxp);
    return Array.from({ length: nx }, (_, j) => Array.from({ length: nr }, (_, r) => th[r * nxp + j]));
  }
}

/**
 * Infinitely fast solid diffusion: every particle is uniform, theta_s = mean theta, and the mean
 * follows d theta/dt = -3 J / (R c1max) (eq 45 integrated over the sphere). The limit D -> infinity of
 * the finite volumes, and the template for a surrogate: alpha = A theta_n - B theta_{n-1},
 * beta = -3 heff / (R c1max).
 */
export class UniformParticles implements ParticleModel {
  readonly name = "uniform";
  readonly r_m: number[];
  private cur: Float64Array;
  private prev: Float64Array;
  private cand: Float64Array;
  private alpha: Float64Array;
  private beta: Float64Array;
  private readonly k: number;
  constructor(ctx: ParticleContext) {
    const n = ctx.nx;
    this.cur = new Float64Array(n);
    this.prev = new Float64Array(n);
    this.cand = new Float64Array(n);
    this.alpha = new Float64Array(n);
    this.beta = new Float64Array(n);
    this.k = 3 / (ctx.rp.radius_m * ctx.rp.c1max);
    this.r_m = [0.5 * ctx.rp.radius_m];
  }
  reset(theta0: number): void {
    this.cur.fill(theta0);
    this.prev.fill(theta0);
    this.cand.fill(theta0);
  }
  prepare(step: ParticleStep): SurfaceResponse {
    for (let j = 0; j < this.cur.length; j++) this.alpha[j] = step.A * this.cur[j] - step.B * this.prev[j];
    this.beta.fill(-this.k * step.heff_s);
    return { alpha: this.alpha, beta: this.beta };
  }
  commit(J: Float64Array): void {
    for (let j = 0; j < this.cand.length; j++) this.cand[j] = this.alpha[j] + this.beta[j] * J[j];
  }
  accept(): void {
    const p = this.prev;
    this.prev = this.cur;
    this.cur = this.cand;
    this.cand = p;
  }
  meanStoichiometry(): Float64Array {
    return this.cur.slice();
  }
  theta(): number[][] {
    return Array.from(this.cur, (x) => [x]);
  }
}
