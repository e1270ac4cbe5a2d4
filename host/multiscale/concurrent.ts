/**
 * The concurrent chemo-mechanical reference of the multiscale cell (FE², paper 001 §2.2 and Fig 4): the micro
 * finite-element model (host/micro) at every macro node, coupled to the P2D through the particle seam
 * (host/cell/particle.ts). Every node's micro model takes one backward-Euler step of the macro step's length
 * with the node's pore-wall flux. The macro problem needs the surface concentration as a function of that
 * flux over the step: it is measured, not assumed — two micro solves at the reference flux J_ref (the last
 * step's) and 1.1 J_ref give theta_s = alpha + beta J by the secant (the micro step is nearly affine in J_s),
 * the macro Newton gives J, and a third micro solve at that J is the node's new state. The paper's plain
 * staggered scheme (surface frozen over the macro step, beta = 0) drives a saturating surface past c_max at the
 * end of discharge (measured: the micro Newton fails there at every step size tried), which the secant
 * response prevents. The damage (the reaction area, eq 32) is lagged one step. The paper did not run this
 * with damage "due to very high computational costs"; here it runs on a coarse micro mesh at a few macro nodes.
 */
import { NotConvergedError } from "../config/errors.js";
import type { MicroKernels } from "../core/wasm.js";
import { NodeMicroState } from "./state.js";
import type { ParticleContext, ParticleModel, ParticleStep, SurfaceResponse } from "../cell/particle.js";
import { FARADAY } from "../cell/params_core.js";
import { MicroSim } from "../micro/sim.js";
import type { MicroConfig } from "../micro/types.js";

export interface ConcurrentOptions {
  /** false: <d> is computed but the reaction area stays whole (paper 001 Fig 9, blue) */
  damage: boolean;
  /** the flux the micro models take up: J_s (paper 001, default) or (1 - <d>) J_s (host/multiscale/particles.ts) */
  microFlux?: "reacting-area" | "particle-average";
}

export class MicroFeParticles extends NodeMicroState implements ParticleModel {
  readonly name: string;
  readonly r_m: number[];
  private readonly sims: MicroSim[];
  private readonly nx: number;
  private sC: Float64Array;
  private bC: Float64Array;
  private dC: Float64Array;
  private readonly alpha: Float64Array;
  private readonly beta: Float64Array;
  private readonly fac: Float64Array;
  private readonly damage: boolean;
  private readonly conserve: boolean;
  private readonly jAcc: Float64Array;
  private readonly jC: Float64Array;
  /** mol m^-2 s^-1 per A m^-2: the first step's flux estimate (the current spread evenly over the reaction area) */
  private readonly jEstimate: number;
  /** micro Newton iterations and steps (all trials) */
  readonly stats = { microSteps: 0, newtonIterations: 0 };

  private readonly cfg: MicroConfig;

  constructor(core: MicroKernels, cfg: MicroConfig, ctx: ParticleContext, opts: ConcurrentOptions) {
    super(ctx.nx);
    this.cfg = cfg;
    const n = ctx.nx;
    this.nx = n;
    this.name = `micro-fe:r${cfg.resolution}`;
    this.r_m = [cfg.radius_m];
    this.damage = opts.damage && cfg.mechanics && cfg.interface === "cohesive";
    this.conserve = this.damage && opts.microFlux === "particle-average";
    this.sims = Array.from({ length: n }, () => new MicroSim(core, cfg));
    const f = () => new Float64Array(n);
    this.sC = f();
    this.bC = f();
    this.dC = f();
    this.alpha = f();
    this.beta = f();
    this.fac = f();
    this.jAcc = f();
    this.jC = f();
    this.jEstimate = 1 / (FARADAY * ctx.rp.a_m * ctx.rp.Lc);
  }

  reset(theta0: number): void {
    for (const sim of this.sims) {
      sim.setRun({ ...this.cfg, initialConcentrationNorm: theta0 });
      sim.reset();
    }
    for (const a of [this.s, this.b, this.sC, this.bC]) a.fill(theta0);
    this.d.fill(0);
    this.dC.fill(0);
    this.jAcc.fill(0);
    this.jC.fill(0);
  }

  /** the secant response of every node's micro step: theta_s = alpha + beta J from solves at J_ref and 1.1 J_ref */
  prepare(step: ParticleStep): SurfaceResponse {
    this.h = step.h_s;
    this.t = step.t_s;
    for (let j = 0; j < this.nx; j++) {
      this.fac[j] = this.damage ? 1 - this.d[j] : 1;
      let j1 = -this.jAcc[j] * this.share(j);
      if (!(j1 > 0)) j1 = step.I_A_m2 * this.jEstimate;
      const j2 = 1.1 * j1 + 1e-12;
      const s1 = this.surfaceAfter(j, j1),
        s2 = this.surfaceAfter(j, j2);
      if (Number.isNaN(s1) || Number.isNaN(s2)) {
        // no micro solution at this step: frozen surface (the next trial is shorter)
        this.alpha[j] = this.s[j];
        this.beta[j] = 0;
        continue;
      }
      // theta_s = s1 + k (J_s,micro - j1) with J_s,micro = -share J
      const k = (s2 - s1) / (j2 - j1),
        share = this.share(j);
      this.alpha[j] = s1 - k * j1;
      this.beta[j] = -k * share;
    }
    return { alpha: this.alpha, beta: this.beta };
  }
  private h = 0;
  private t = 0;

  /** the share of the reacting-area flux node j's micro model takes up (1, or 1 - <d> when conserving) */
  private share(j: number): number {
    return this.conserve ? 1 - this.d[j] : 1;
  }

  /** the mean surface concentration after one micro step at flux js from the accepted state (NaN: not converged) */
  private surfaceAfter(j: number, js: number): number {
    const sim = this.sims[j];
    sim.setFlux(js);
    sim.restart();
    const r = sim.newton(this.h);
    this.stats.microSteps++;
    this.stats.newtonIterations += r.iterations;
    return r.ok ? sim.stat().cSurf : Number.NaN;
  }

  areaFactor(): Float64Array | null {
    return this.damage ? this.fac : null;
  }

  /** one backward-Euler micro step of the macro step's length at every node, with the node's flux */
  commit(J: Float64Array): void {
    for (let j = 0; j < this.nx; j++) {
      const sim = this.sims[j];
      sim.setFlux(-J[j] * this.share(j));
      sim.restart();
      const r = sim.newton(this.h);
      this.stats.microSteps++;
      this.stats.newtonIterations += r.iterations;
      if (!r.ok)
        throw new NotConvergedError(
          `concurrent micro model: node ${j}, t = ${this.t.toPrecision(6)} s, step ${this.h.toPrecision(3)} s: the micro Newton did not converge (${r.why}, scaled update ${r.residual.toPrecision(3)}); lower the macro step (numerics.hMaxFraction)`,
        );
      const st = sim.stat();
      this.sC[j] = st.cSurf;
      this.bC[j] = st.cBulk;
      this.dC[j] = st.dAvg;
      this.jC[j] = J[j];
    }
  }

  accept(): void {
    for (const sim of this.sims) sim.accept();
    this.s.set(this.sC);
    this.b.set(this.bC);
    this.d.set(this.dC);
    this.jAcc.set(this.jC);
  }
}
