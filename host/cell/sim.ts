/**
 * The kernel memory of one P2D cell (CellSim): allocates the arrays and the header of
 * assembly/cell/layout.ts once, writes the model constants into the header, keeps typed-array views
 * over the (growable) heap, and runs one implicit trial step on the kernels (`trial`) or accepts it
 * (`accept`). The accepted state is (t, q, J, phi1, phi2) here plus the particle model's own state
 * behind the seam of host/cell/particle.ts. Time-step control is host/cell/stepper.ts.
 */
import type { CellKernels } from "../core/wasm.js";
import { HeaderSlots } from "../core/slots.js";
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
  P_AFAC,
  HEADER_SLOTS,
  STAGE_NEWTON,
  CST_OK,
} from "../../assembly/cell/layout.js";
import { FARADAY, type ResolvedCellParams } from "./params_core.js";
import { validateNumerics, type CellNumerics } from "./numerics.js";
import { bdf2Weights } from "./stepper.js";
import { FiniteVolumeParticles, type CellMemory, type ParticleModel, type ParticleModelFactory } from "./particle.js";

/** Outcome of one trial step: kernel status (CST_*), terminal voltage [V] and current density [A/m^2],
 *  and the BDF weights it used (accept() integrates the charge with the same ones). */
export interface TrialResult {
  st: number;
  V: number;
  I: number;
  A: number;
  B: number;
  heff: number;
}

/** One cell on one set of kernels: memory laid out once, reused across runs (`reset`). The particles
 *  sit behind the seam of host/cell/particle.ts: finite volumes in the kernels unless a factory is given. */
export class CellSim extends HeaderSlots implements CellMemory {
  readonly nx: number;
  readonly nr: number;
  readonly nxp: number;
  private Jacc: Float64Array;
  private p1acc: Float64Array;
  private p2acc: Float64Array;
  // accepted-state scalars: time [s], charge passed [C/m^2] at the last two accepted points, last step [s]
  t = 0;
  q = 0;
  qPrev = 0;
  hPrev = 0;
  stats = { steps: 0, rejected: 0, newton: 0, safeguarded: 0 };
  readonly particles: ParticleModel;
  private Jview: Float64Array | null = null;
  /** kernel array of the per-node reaction-area factors (P_AFAC points at it while a particle model gives them) */
  private readonly afac: number;
  /** current density of the last accepted step [A/m^2] */
  private Iacc = 0;

  constructor(
    readonly k: CellKernels,
    readonly rp: ResolvedCellParams,
    readonly num: CellNumerics,
    particles?: ParticleModelFactory,
  ) {
    super(k.heap);
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
      // products, not **: V8's pow rounds differently in Node and Chromium (the runs must agree bit for bit)
      const ro = (s + 1) * dr,
        ri = s * dr;
      Fv[(this.ptr(P_VOL) >>> 3) + s] = ro * ro * ro - ri * ri * ri; // exact shell volume / particle volume
      Fv[(this.ptr(P_GF) >>> 3) + s] = (3 * (ro * ro)) / (dr * R * R);
    }
    setF(P_D0, rp.D0);
    setF(P_RAD, R);
    setF(P_C1MAX, rp.c1max);
    setF(P_K0, rp.k0);
    setF(P_FRT, rp.FRT);
    setI(P_BV, rp.bv);
    setF(P_FADX, FARADAY * rp.a_m * dx);
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
    this.afac = arr(nx);
    setI(P_AFAC, 0);
    this.Jacc = new Float64Array(this.nxp);
    this.p1acc = new Float64Array(nx);
    this.p2acc = new Float64Array(nx);
    this.particles = particles
      ? particles({ nx, nr, rp, x_m: Array.from({ length: nx }, (_, j) => ((j + 0.5) * rp.Lc) / nx) })
      : new FiniteVolumeParticles(this, R);
    this.reset();
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
    this.Iacc = 0;
    this.q = 0;
    this.qPrev = 0;
    this.hPrev = 0;
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

  theta(): number[][] {
    return this.particles.theta();
  }
  surface(): Float64Array {
    return this.arr(P_THS, this.nx).slice();
  }

  /** One trial step of length h from the accepted state (mode 0: current density `value` [A/m^2],
   *  1: voltage `value` [V]; bdf2 false: backward Euler); nothing is accepted. */
  trial(h: number, mode: 0 | 1, value: number, bdf2: boolean): TrialResult {
    this.view();
    const f = this.f;
    f.set(this.Jacc, this.ptr(P_J) >>> 3);
    f.set(this.p1acc, this.ptr(P_PHI1) >>> 3);
    f.set(this.p2acc, this.ptr(P_PHI2) >>> 3);
    const { A, B, heff } = bdf2 ? bdf2Weights(h, this.hPrev) : { A: 1, B: 0, heff: h };
    this.sF(P_HEFF, heff);
    this.sF(P_BDFA, A);
    this.sF(P_BDFB, B);
    this.sI(P_MODE, mode);
    if (mode === 0) this.sF(P_I, value);
    else this.sF(P_VSET, value);
    // the particle seam: theta_s = alpha + beta J per node, Newton, then the particles learn J
    const ab = this.particles.prepare({ heff_s: heff, A, B, h_s: h, t_s: this.t, I_A_m2: mode === 0 ? value : this.Iacc });
    const fa = this.particles.areaFactor?.() ?? null;
    this.view();
    if (fa) this.f.set(fa.subarray(0, this.nx), this.afac >>> 3);
    this.setPtr(P_AFAC, fa ? this.afac : 0);
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
    this.Iacc = r.I;
    this.t += h;
    this.particles.accept();
    this.Jacc.set(this.arr(P_J, this.nxp));
    this.p1acc.set(this.arr(P_PHI1, this.nx));
    this.p2acc.set(this.arr(P_PHI2, this.nx));
    this.stats.steps++;
  }

  /** The Newton diagnostics of the last trial: kernel status (CST_*), the worst node, its last max
   *  |d phi| [V] and the safeguarded Newton's iterations (0: the plain one sufficed or was not tried). */
  lastTrial(): { status: number; node: number; residual_V: number; safeguardedIterations: number } {
    this.view();
    return { status: this.gI(P_STATUS), node: this.gI(P_WORST), residual_V: this.gF(P_RES), safeguardedIterations: this.gI(P_SITERS) };
  }
}
