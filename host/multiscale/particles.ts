/**
 * The surrogate particle of the data-driven multiscale cell (paper 001 §2.2, Fig 2, eq 31-36): every macro node
 * carries the micro state (c~_s, c~_b, <d>) and advances it with the rates a trained network predicts from
 * (Gc, log10 J_s, c~_s, c~_b). It plugs into the P2D solver through the particle seam (host/cell/particle.ts).
 *
 * Coupling. The paper advances the micro state explicitly after each macro step (staggered). Here the rates
 * are linearised in the flux and the state at the accepted state (the ReLU net is piecewise linear, so its
 * input gradient is exact within the active pattern; assembly/multiscale mlpForwardGradCached, once per
 * accepted step and node), which makes the new state an affine function of the node's pore-wall flux,
 *
 *     y = (A y_n - B y_{n-1}) + heff [F0 + F_y (y - y_n) + F_J (J - J_ref)],   y = (c~_s, c~_b)
 *     => y = p + q J   (a 2 x 2 solve per node),   theta_s = alpha + beta J with alpha = p_s, beta = q_s,
 *
 * so the macro Newton solves the flux and the surrogate's surface response together (linearly implicit in
 * the BDF2 form the stepper uses), and the stepper's local-error control sets the step. The damage follows
 * with the same linearisation; it lowers the reaction area, a = (S/V)(1 - eps_e)(1 - <d>) (eq 32), with <d>
 * predicted at the end of the step (see prepare). J_s (micro, into the particle) = -J (macro, out of it).
 *
 * A rate the network was not trained for is never extrapolated silently: for a flux outside the nets' range
 * the rates per unit flux of the range's edge are used (times the actual flux), reported once per run with
 * the node and the time.
 */
import type { MultiscaleKernels } from "../core/wasm.js";
import { NodeMicroState } from "./state.js";
import type { ParticleContext, ParticleModel, ParticleStep, SurfaceResponse } from "../cell/particle.js";
import { FARADAY } from "../cell/params_core.js";
import { MlpKernel, type MlpWeights } from "./mlp.js";
import type { SurrogateManifest } from "./surrogate.js";

/** Column names of a surrogate's inputs and outputs (host/multiscale/dataset.ts). */
export const SURROGATE_INPUTS = ["fractureEnergy_J_m2", "flux_mol_m2_s", "c_surf_norm_old", "c_bulk_norm_old"] as const;
export const SURROGATE_OUTPUTS = ["dc_surf_norm_dt_per_s", "dc_bulk_norm_dt_per_s", "ddamage_avg_dt_per_s"] as const;

/** The particle a surrogate's micro runs resolved (the manifest's `particle`, checked by cellSurrogate). */
export type SurrogateParticle = {
  geometry: "sphere" | "cylinder";
  radius_m: number;
  maxConcentration_mol_m3: number;
  initialConcentrationNorm: number;
  diffusivity_m2_s?: number;
  /** the micro model's discrete S/V [1/m] (its mean concentration gains J_s S/V exactly); default 3/R or 2/R */
  surfacePerVolume_1_m?: number;
};

/** A surrogate manifest (host/multiscale/surrogate.ts; its list of net folders aside) with what the cell needs made definite. */
export interface CellSurrogateManifest extends Omit<SurrogateManifest, "nets" | "particle" | "trainedOn"> {
  particle: SurrogateParticle;
  trainedOn: { fractureEnergy_J_m2?: [number, number]; flux_mol_m2_s: [number, number]; [k: string]: unknown };
}
/** A loaded surrogate: one network per flux range [lo, hi) (contiguous, sorted). */
export interface SurrogateSetLike {
  manifest: CellSurrogateManifest;
  nets: { lo: number; hi: number; weights: MlpWeights }[];
}

export interface SurrogateParticleOptions {
  /** interfacial fracture energy Gc [J m^-2] (a network input when the surrogate has damage) */
  fractureEnergy_J_m2?: number;
  /** false: <d> held at 0 and the full reaction area kept (paper 001 Fig 9, blue) */
  damage: boolean;
  /**
   * The flux the micro state takes up. "reacting-area" (paper 001 eq 26-31, the default): the Butler-Volmer
   * flux per reacting area J_s, over the whole particle surface, as the micro runs were lithiated; with damage
   * the particles then gain (1 - <d>)^-1 times the lithium the cell passes (result.lithium.imbalance_rel).
   * "particle-average": (1 - <d>) J_s (the accepted state's <d>), the lithium that actually passes the intact
   * interface, so the particles' lithium is the charge passed (to first order in the step).
   */
  microFlux?: "reacting-area" | "particle-average";
}

/** The net of a set whose flux range holds `flux` (ranges contiguous and sorted, given by their upper ends; a
 *  flux on a boundary goes to the lower range, one outside all of them to the nearest end's). */
export function netIndexFor(hi: readonly number[], flux: number): number {
  for (let i = 0; i < hi.length; i++) if (flux <= hi[i]) return i;
  return hi.length - 1;
}

/** S/V of the particle the micro model resolves, as a multiple of 1/R (a sphere 3, the 2D model's cylinder 2). */
export function surfacePerVolumeFactor(geometry: "sphere" | "cylinder"): number {
  return geometry === "sphere" ? 3 : 2;
}

/** The surrogate particle's S/V [1/m]: the manifest's (the micro mesh's own) or the exact shape's. */
export function surfacePerVolume(p: SurrogateParticle): number {
  return p.surfacePerVolume_1_m ?? surfacePerVolumeFactor(p.geometry) / p.radius_m;
}

export class SurrogateParticles extends NodeMicroState implements ParticleModel {
  readonly name: string;
  readonly r_m: number[];
  private readonly setName: string;
  private readonly nx: number;
  private readonly kernels: MlpKernel[];
  private readonly lo: number[];
  private readonly hi: number[];
  private readonly iGc: number;
  private readonly iJ: number;
  private readonly iS: number;
  private readonly iB: number;
  private readonly oD: number;
  private readonly nin: number;
  private readonly nout: number;
  private readonly perFlux: boolean;
  private readonly gc: number;
  private readonly damage: boolean;
  private readonly jEstimate: number;
  // accepted state (n), previous (n-1), candidate of the last trial; flux of the last accepted step (macro sign)
  private sP: Float64Array;
  private bP: Float64Array;
  private dP: Float64Array;
  private sC: Float64Array;
  private bC: Float64Array;
  private dC: Float64Array;
  private jAcc: Float64Array;
  private jC: Float64Array;
  // the trial's affine response: y = p + q J for s and b; damage d = pd + qd J
  private readonly alpha: Float64Array;
  private readonly beta: Float64Array;
  private readonly pb: Float64Array;
  private readonly qb: Float64Array;
  private readonly pd: Float64Array;
  private readonly qd: Float64Array;
  private readonly fac: Float64Array;
  private readonly rows: Float64Array;
  private readonly active: Uint8Array;
  /** per node: the reference flux J_s (last step's), the flux the networks see (clamped to the range), the net */
  private readonly jsRef: Float64Array;
  private readonly jsIn: Float64Array;
  private readonly which: Int32Array;
  /** per node: the particle's share of the flux (1, or 1 - <d> when conserving) and the particle's flux */
  private readonly sc: Float64Array;
  private readonly jsM: Float64Array;
  private readonly conserve: boolean;
  private readonly x_m: number[];
  private t_s = 0;
  private readonly F0: Float64Array;
  private readonly G: Float64Array;
  /** accepted steps so far, and the accepted state (count, time) the networks were last evaluated at */
  private accepted = 0;
  private evaluatedAt = -1;
  private evaluatedT = Number.NaN;
  private readonly warned = new Set<string>();
  private readonly notes: string[] = [];

  constructor(core: MultiscaleKernels, set: SurrogateSetLike, ctx: ParticleContext, opts: SurrogateParticleOptions) {
    super(ctx.nx);
    const m = set.manifest;
    const n = ctx.nx;
    this.nx = n;
    this.x_m = ctx.x_m;
    this.name = `surrogate:${m.name}`;
    this.setName = m.name;
    this.r_m = [ctx.rp.radius_m];
    const idx = (name: string) => m.inputs.indexOf(name);
    this.iGc = idx("fractureEnergy_J_m2");
    this.iJ = idx("flux_mol_m2_s");
    this.iS = idx("c_surf_norm_old");
    this.iB = idx("c_bulk_norm_old");
    this.oD = m.outputs.indexOf("ddamage_avg_dt_per_s");
    this.nin = m.inputs.length;
    this.nout = m.outputs.length;
    this.perFlux = m.outputsPerFlux;
    this.gc = opts.fractureEnergy_J_m2 ?? Number.NaN;
    this.damage = opts.damage && this.oD >= 0;
    this.conserve = this.damage && opts.microFlux === "particle-average";
    this.kernels = set.nets.map((net) => new MlpKernel(core, net.weights, n));
    this.lo = set.nets.map((net) => net.lo);
    this.hi = set.nets.map((net) => net.hi);
    // the first step's flux estimate: the current spread evenly over the cathode's reaction area [mol m^-2 s^-1 per A m^-2]
    this.jEstimate = 1 / (FARADAY * ctx.rp.a_m * ctx.rp.Lc);
    const f = () => new Float64Array(n);
    this.sP = f();
    this.bP = f();
    this.dP = f();
    this.sC = f();
    this.bC = f();
    this.dC = f();
    this.jAcc = f();
    this.jC = f();
    this.alpha = f();
    this.beta = f();
    this.pb = f();
    this.qb = f();
    this.pd = f();
    this.qd = f();
    this.fac = f();
    this.rows = new Float64Array(n * this.nin);
    this.active = new Uint8Array(n);
    this.jsRef = new Float64Array(n);
    this.jsIn = new Float64Array(n);
    this.which = new Int32Array(n);
    this.sc = new Float64Array(n).fill(1);
    this.jsM = new Float64Array(n);
    this.F0 = new Float64Array(n * this.nout);
    this.G = new Float64Array(n * this.nout * this.nin);
  }

  reset(theta0: number): void {
    for (const a of [this.s, this.b, this.sP, this.bP, this.sC, this.bC]) a.fill(theta0);
    for (const a of [this.d, this.dP, this.dC, this.jAcc, this.jC]) a.fill(0);
    this.t_s = 0;
    this.accepted = 0;
    this.evaluatedAt = -1;
    for (const k of this.kernels) k.resetCache();
  }

  private warnOnce(key: string, text: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.notes.push(text);
  }

  prepare(step: ParticleStep): SurfaceResponse {
    const n = this.nx,
      { A, B, heff_s: h } = step;
    this.t_s = step.t_s;
    const { jsRef, jsIn, which } = this;
    const lo = this.lo[0],
      hi = this.hi[this.hi.length - 1];
    for (let j = 0; j < n; j++) {
      let js = -this.jAcc[j];
      if (!(js > 0)) js = step.I_A_m2 * this.jEstimate;
      jsRef[j] = js;
      // the flux the particle takes up over its whole surface: J_s (paper 001), or (1 - <d>) J_s (conserving)
      this.sc[j] = this.conserve ? 1 - this.d[j] : 1;
      let v = this.sc[j] * js;
      this.jsM[j] = v;
      if (!(v >= lo && v <= hi)) {
        const edge = v < lo || !(v > 0) ? lo : hi;
        this.rangeWarning(edge === lo ? "flux-low" : "flux-high", v, edge, j, step.t_s, lo, hi);
        v = edge;
      }
      jsIn[j] = v;
      which[j] = netIndexFor(this.hi, v);
    }
    // the linearisation point (accepted state, J_ref) is the same for every trial from one accepted state:
    // the networks run once per accepted step, not once per trial
    if (this.evaluatedAt !== this.accepted || step.t_s !== this.evaluatedT) this.evaluate();
    this.evaluatedAt = this.accepted;
    this.evaluatedT = step.t_s;
    for (let j = 0; j < n; j++) {
      const clamped = jsIn[j] !== this.jsM[j];
      // per-flux nets scale with the actual flux (rates -> 0 with J_s); absolute ones give the edge's rates
      const js = this.perFlux ? Math.max(this.jsM[j], 0) : jsIn[j];
      const Jref = -jsRef[j];
      // rates o = 0 (surface), 1 (bulk) and their derivatives in c~_s, c~_b and the macro flux J = -J_s
      // (d/dlog10 J_s -> d/dJ_s: / (J_s ln 10)), into this.rf, rs, rb, rj
      this.rate(j, 0, js, clamped);
      const fs = this.rf,
        fss = this.rs,
        fsb = this.rb,
        fsJ = this.rj;
      this.rate(j, 1, js, clamped);
      const fb = this.rf,
        fbs = this.rs,
        fbb = this.rb,
        fbJ = this.rj;
      const cs = A * this.s[j] - B * this.sP[j],
        cb = A * this.b[j] - B * this.bP[j];
      // (I - h F_y) y = c + h (F0 - F_y y_n - F_J J_ref) + h F_J J
      const m11 = 1 - h * fss,
        m12 = -h * fsb,
        m21 = -h * fbs,
        m22 = 1 - h * fbb;
      const r0s = cs + h * (fs - fss * this.s[j] - fsb * this.b[j] - fsJ * Jref),
        r0b = cb + h * (fb - fbs * this.s[j] - fbb * this.b[j] - fbJ * Jref);
      const r1s = h * fsJ,
        r1b = h * fbJ;
      const det = m11 * m22 - m12 * m21;
      this.alpha[j] = (m22 * r0s - m12 * r0b) / det;
      this.beta[j] = (m22 * r1s - m12 * r1b) / det;
      this.pb[j] = (m11 * r0b - m21 * r0s) / det;
      this.qb[j] = (m11 * r1b - m21 * r1s) / det;
      if (this.damage) {
        this.rate(j, this.oD, js, clamped);
        const cd = A * this.d[j] - B * this.dP[j];
        // d = cd + h (F0 + F_s (s - s_n) + F_b (b - b_n) + F_J (J - J_ref)), s and b affine in J
        this.pd[j] = cd + h * (this.rf + this.rs * (this.alpha[j] - this.s[j]) + this.rb * (this.pb[j] - this.b[j]) - this.rj * Jref);
        this.qd[j] = h * (this.rs * this.beta[j] + this.rb * this.qb[j] + this.rj);
      }
      // the reaction area of the step from the damage predicted at the end of it with the reference flux: the
      // area a (1 - <d>) multiplies J, so <d> at the new time would make the kinetics quadratic in J (not
      // affine as the seam needs); the prediction leaves an error of second order in the step (the paper's
      // lag, <d> of the old time, is first order: at 1C and tolV 1e-5 its capacity is 4.9e-2 Ah/m^2 off the
      // converged one, the prediction's 1.2e-5)
      this.fac[j] = this.damage ? 1 - Math.min(1, Math.max(this.d[j], this.pd[j] + this.qd[j] * Jref)) : 1;
    }
    return { alpha: this.alpha, beta: this.beta };
  }

  // the last rate(): value and derivatives in c~_s, c~_b and the macro flux J
  private rf = 0;
  private rs = 0;
  private rb = 0;
  private rj = 0;

  /** rate o of node j at flux js (its derivative in the flux is 0 where the input was clamped to the range) */
  private rate(j: number, o: number, js: number, clamped: boolean): void {
    const nin = this.nin,
      g0 = (j * this.nout + o) * nin,
      G = this.G;
    const y0 = this.F0[j * this.nout + o];
    const dLog = clamped ? 0 : G[g0 + this.iJ] / (this.jsIn[j] * Math.LN10);
    if (!this.perFlux) {
      this.rf = y0;
      this.rs = G[g0 + this.iS];
      this.rb = G[g0 + this.iB];
      this.rj = -dLog * this.sc[j];
      return;
    }
    this.rf = js * y0;
    this.rs = js * G[g0 + this.iS];
    this.rb = js * G[g0 + this.iB];
    this.rj = -(y0 + js * dLog) * this.sc[j];
  }

  /** every node's rates and input gradients at the accepted state and J_ref, each node through its range's net */
  private evaluate(): void {
    const n = this.nx,
      nin = this.nin,
      nout = this.nout;
    // one row per node in every net (its cached activation pattern follows the node), active where the
    // node's flux falls in that net's range
    for (let j = 0; j < n; j++) {
      const o = j * nin;
      if (this.iGc >= 0) this.rows[o + this.iGc] = this.gc;
      this.rows[o + this.iJ] = this.jsIn[j];
      this.rows[o + this.iS] = this.s[j];
      this.rows[o + this.iB] = this.b[j];
    }
    for (let k = 0; k < this.kernels.length; k++) {
      let any = false;
      for (let j = 0; j < n; j++) {
        this.active[j] = this.which[j] === k ? 1 : 0;
        any = any || this.active[j] === 1;
      }
      if (!any) {
        this.kernels[k].resetCache();
        continue;
      }
      const { y, dy } = this.kernels[k].predictGradCached(this.rows, this.active, n);
      for (let j = 0; j < n; j++) {
        if (this.which[j] !== k) continue;
        for (let o = 0; o < nout; o++) this.F0[j * nout + o] = y[j * nout + o];
        for (let q = j * nout * nin; q < (j + 1) * nout * nin; q++) this.G[q] = dy[q];
      }
    }
  }

  private rangeWarning(key: string, v: number, edge: number, j: number, t: number, lo: number, hi: number): void {
    if (this.warned.has(key)) return;
    const what = this.perFlux
      ? `the rates per unit flux at ${edge.toExponential(3)} are used (times the actual J_s)`
      : `the network is evaluated at ${edge.toExponential(3)}`;
    this.warnOnce(
      key,
      `surrogate ${this.setName}: pore-wall flux J_s = ${v.toExponential(3)} mol/(m^2 s) at node ${j} (x = ${(this.x_m[j] * 1e6).toFixed(2)} um), t = ${t.toPrecision(4)} s is outside the training range [${lo.toExponential(3)}, ${hi.toExponential(3)}] mol/(m^2 s): ${what}, not extrapolated (reported once per run)`,
    );
  }

  areaFactor(): Float64Array | null {
    return this.damage ? this.fac : null;
  }

  commit(J: Float64Array): void {
    for (let j = 0; j < this.nx; j++) {
      const Jj = J[j];
      this.sC[j] = this.alpha[j] + this.beta[j] * Jj;
      this.bC[j] = this.pb[j] + this.qb[j] * Jj;
      // damage only grows (eq 21-25: irreversible) and stays below full delamination
      this.dC[j] = this.damage ? Math.min(1, Math.max(this.d[j], this.pd[j] + this.qd[j] * Jj)) : 0;
      this.jC[j] = Jj;
    }
  }

  accept(): void {
    const rot = (cur: Float64Array, prev: Float64Array, cand: Float64Array) => [cand, cur, prev] as const;
    [this.s, this.sP, this.sC] = rot(this.s, this.sP, this.sC);
    [this.b, this.bP, this.bC] = rot(this.b, this.bP, this.bC);
    [this.d, this.dP, this.dC] = rot(this.d, this.dP, this.dC);
    this.jAcc.set(this.jC);
    this.accepted++;
  }

  warnings(): string[] {
    return this.notes.slice();
  }
}
