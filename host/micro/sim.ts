/**
 * The kernel memory of one micro model (MicroSim): the mesh (mesh.ts), the unknowns and their order, the
 * Jacobian's pattern and the factor's supernodes (ordering.ts), the header of assembly/micro/layout.ts with
 * the scaled parameters, and one implicit step: Newton on the coupled system, each update solved by GMRES
 * right-preconditioned by an LU that is kept while it stays good (`newton`). Time stepping is model.ts.
 */
import type { MicroKernels } from "../core/wasm.js";
import { HeaderSlots } from "../core/slots.js";
import * as M from "../../assembly/micro/layout.js";
import type { MicroConfig } from "./types.js";
import { buildMesh, type MicroMesh } from "./mesh.js";
import { graphFromEdges, nestedDissection, symbolic } from "./ordering.js";

/** Gas constant [J/(mol K)] */
export const GAS_CONSTANT = 8.314462618;

/** Options of the solver not in MicroConfig (tests and benchmarks). */
export interface MicroSolverOptions {
  /** Omega_t / Omega on (xx, yy, zz); default (2, -1, 2)/3 (SPEC §6) */
  eigenstrainShape?: [number, number, number];
  /** Newton: largest scaled update accepted as converged (c/c_max, u/(R Omega c_max), p/(E Omega^2 c_max)); default 1e-8 */
  newtonTol?: number;
  /** Newton iteration limit per step; default 12 */
  maxNewton?: number;
  /** GMRES relative tolerance, the inexact Newton's forcing term (the Li balance does not depend on it: microUpdate
   *  projects onto it); default 1e-3 */
  gmresTol?: number;
}

/** Outcome of one implicit step. */
export interface NewtonOutcome {
  ok: boolean;
  iterations: number;
  /** why it failed: "gmres" | "nonfinite" | "pivot" | "iterations" */
  why?: string;
  /** the largest scaled update or residual at the failure, and the node with the largest concentration update */
  residual: number;
  node: number;
}

export class MicroSim extends HeaderSlots {
  readonly mesh: MicroMesh;
  readonly ndof: number;
  readonly nnz: number;
  readonly nsn: number;
  readonly factorFlops: number;
  readonly lnz: number;
  /** node -> unknown of (ux, uy, c, p), -1 none */
  readonly dof: Int32Array;
  /** the c^ unknowns (AM nodes; each once) and their nodes */
  readonly cDofs: Int32Array;
  readonly mech: boolean;
  readonly cohesive: boolean;
  /** scales from the kernels' units to SI */
  scale!: { length_m: number; time_s: number; conc: number; stress_Pa: number; disp_m: number };
  stats = { factorizations: 0, gmresIterations: 0, newtonIterations: 0 };
  private haveFactor = false;
  /** GMRES iterations and Newton iterations since the last factorisation */
  private epoch = { its: 0, newton: 0 };
  /** the factorisation's work in GMRES iterations (multiply-adds of the LU / those of one triangular solve pair and product) */
  readonly factorInIts: number;
  private needFactor = true;
  private readonly opt: Required<MicroSolverOptions>;

  constructor(
    readonly k: MicroKernels,
    readonly cfg: MicroConfig,
    options: MicroSolverOptions = {},
  ) {
    super(k.heap);
    this.opt = {
      eigenstrainShape: options.eigenstrainShape ?? [2 / 3, -1 / 3, 2 / 3],
      newtonTol: options.newtonTol ?? 1e-8,
      maxNewton: options.maxNewton ?? 12,
      gmresTol: options.gmresTol ?? 1e-3,
    };
    const mech = cfg.mechanics;
    const cohesive = mech && cfg.interface === "cohesive";
    this.mech = mech;
    this.cohesive = cohesive;
    const R = cfg.radius_m;
    const mesh = buildMesh(R, cfg.boxSide_m, cfg.resolution, cohesive);
    this.mesh = mesh;
    const nn = mesh.x.length;
    // vertices: the top side moves with the bottom side (periodic); a vertex's unknowns are eliminated together
    const vert = Int32Array.from({ length: nn }, (_, v) => v);
    if (mech) for (let j = 0; j < mesh.top.length; j++) vert[mesh.top[j]] = mesh.bottom[j];
    const fixX = new Uint8Array(nn);
    for (const v of mesh.left) fixX[vert[v]] = 1;
    const nq = mesh.quads.length / 4;
    const edges: number[] = [];
    const inGraph = new Uint8Array(nn);
    for (let e = 0; e < nq; e++) {
      if (!mech && e >= mesh.nAmElements) continue;
      for (let a = 0; a < 4; a++) {
        inGraph[vert[mesh.quads[4 * e + a]]] = 1;
        for (let b = a + 1; b < 4; b++) edges.push(vert[mesh.quads[4 * e + a]], vert[mesh.quads[4 * e + b]]);
      }
    }
    if (cohesive) for (let j = 0; j < mesh.pairAm.length; j++) edges.push(mesh.pairAm[j], mesh.pairSe[j]);
    const g = graphFromEdges(nn, edges);
    const perm = nestedDissection(g);
    // unknowns per vertex, in elimination order: ux, uy (mechanics; not u_x on the left, not u_y at the centre), c, p (AM)
    const dof = new Int32Array(4 * nn).fill(-1);
    let n = 0;
    for (const v of perm) {
      if (!inGraph[v] || vert[v] !== v) continue;
      if (mech && !fixX[v]) dof[4 * v] = n++;
      if (mech && v !== mesh.centre) dof[4 * v + 1] = n++;
      if (mesh.am[v]) {
        dof[4 * v + 2] = n++;
        if (mech) dof[4 * v + 3] = n++;
      }
    }
    for (let v = 0; v < nn; v++) if (vert[v] !== v) for (let c = 0; c < 4; c++) dof[4 * v + c] = dof[4 * vert[v] + c];
    this.dof = dof;
    this.ndof = n;
    const cd: number[] = [];
    for (let v = 0; v < nn; v++) if (dof[4 * v + 2] >= 0) cd.push(dof[4 * v + 2]);
    this.cDofs = Int32Array.from(cd);
    // row groups: a vertex's unknowns (consecutive, the same columns)
    const vblk: number[] = [0];
    for (const v of perm) {
      if (!inGraph[v] || vert[v] !== v) continue;
      let c = 0;
      for (let a = 0; a < 4; a++) if (dof[4 * v + a] >= 0) c++;
      if (c > 0) vblk.push(vblk[vblk.length - 1] + c);
    }
    // the Jacobian's pattern: every unknown of a vertex with every unknown of itself and its neighbours
    const rowsOf: number[][] = Array.from({ length: n }, () => []);
    for (let v = 0; v < nn; v++) {
      if (vert[v] !== v || !inGraph[v]) continue;
      const nb = [v, ...g.adj.subarray(g.ptr[v], g.ptr[v + 1])];
      for (let a = 0; a < 4; a++) {
        const i = dof[4 * v + a];
        if (i < 0) continue;
        for (const w of nb) for (let b = 0; b < 4; b++) if (dof[4 * w + b] >= 0) rowsOf[i].push(dof[4 * w + b]);
      }
    }
    const rp = new Int32Array(n + 1);
    for (let i = 0; i < n; i++) rp[i + 1] = rp[i] + rowsOf[i].length;
    const ci = new Int32Array(rp[n]);
    for (let i = 0; i < n; i++) ci.set(Int32Array.from(rowsOf[i]).sort(), rp[i]);
    this.nnz = rp[n];
    const sym = symbolic(n, rp, ci);
    this.factorFlops = sym.flops;
    this.lnz = sym.lp[n];
    // (x 0.5: the factorisation runs at about twice the rate per multiply-add of the memory-bound solves)
    this.factorInIts = (0.5 * sym.flops) / (4 * this.lnz + 2 * this.nnz);
    // fundamental supernodes: column j+1 joins j's when it is j's parent and has its structure less itself
    const snf: number[] = [0];
    for (let j = 0; j + 1 < n; j++) {
      const cj = sym.lp[j + 1] - sym.lp[j],
        cn = sym.lp[j + 2] - sym.lp[j + 1];
      if (!(sym.parent[j] === j + 1 && cn === cj - 1)) snf.push(j + 1);
    }
    snf.push(n);
    const nsn = snf.length - 1;
    this.nsn = nsn;
    const snrp = new Int32Array(nsn + 1),
      snvp = new Int32Array(nsn + 1),
      snof = new Int32Array(n);
    const rowLists: Int32Array[] = [];
    for (let s = 0; s < nsn; s++) {
      const f = snf[s],
        w = snf[s + 1] - f,
        last = snf[s + 1] - 1;
      const below = sym.li.subarray(sym.lp[last], sym.lp[last + 1]);
      const rows = new Int32Array(w + below.length);
      for (let c = 0; c < w; c++) {
        rows[c] = f + c;
        snof[f + c] = s;
      }
      rows.set(below, w);
      rowLists.push(rows);
      snrp[s + 1] = snrp[s] + rows.length;
      snvp[s + 1] = snvp[s] + w * w + 2 * below.length * w;
    }
    // memory
    const h = k.heap;
    const sys = h.alloc(M.HEADER_SLOTS * 8, 16);
    this.sys = sys;
    const f64 = (len: number) => h.alloc(Math.max(1, len) * 8, 16);
    const i32 = (len: number) => h.alloc(Math.max(1, len) * 4, 16);
    const np = mesh.pairAm.length;
    const ne = nq;
    const gmm = 30;
    const ptrs: [number, number][] = [
      [M.M_X, f64(nn)],
      [M.M_Y, f64(nn)],
      [M.M_DOF, i32(4 * nn)],
      [M.M_QUAD, i32(4 * ne)],
      [M.M_GP, f64(ne * 4 * M.GPW)],
      [M.M_ESC, i32(mesh.nAmElements * 32)],
      [M.M_MASS, f64(n)],
      [M.M_FLUX, f64(n)],
      [M.M_VM, f64(ne)],
      [M.M_PAM, i32(np)],
      [M.M_PSE, i32(np)],
      [M.M_PNX, f64(np)],
      [M.M_PNY, f64(np)],
      [M.M_PW, f64(np)],
      [M.M_PSC, i32(16 * np)],
      [M.M_DOLD, f64(np)],
      [M.M_DNEW, f64(np)],
      [M.M_GN, f64(np)],
      [M.M_GT, f64(np)],
      [M.M_RP, i32(n + 1)],
      [M.M_CI, i32(this.nnz)],
      [M.M_AC, f64(this.nnz)],
      [M.M_AJ, f64(this.nnz)],
      [M.M_TPOS, i32(this.nnz)],
      [M.M_XV, f64(n)],
      [M.M_XOLD, f64(n)],
      [M.M_RES, f64(n)],
      [M.M_DX, f64(n)],
      [M.M_WROW, f64(n)],
      [M.M_SNF, i32(nsn + 1)],
      [M.M_SNRP, i32(nsn + 1)],
      [M.M_SNRI, i32(snrp[nsn])],
      [M.M_SNVP, i32(nsn + 1)],
      [M.M_LU, f64(snvp[nsn])],
      [M.M_LU32, h.alloc(Math.max(1, snvp[nsn]) * 4, 16)],
      [M.M_SNOF, i32(n)],
      [M.M_REL, i32(n)],
      [M.M_LNK, i32(3 * nsn)],
      [M.M_GMV, f64((gmm + 1) * n)],
      [M.M_GMH, f64((gmm + 1) * (gmm + 4))],
      [M.M_GMW, f64(2 * n)],
      [M.M_RIGHT, i32(mesh.right.length)],
      [M.M_VBLK, i32(vblk.length)],
      [M.M_RIGHTW, f64(mesh.right.length)],
    ];
    this.view();
    for (const [slot, p] of ptrs) this.sI(slot, p);
    const F = this.f,
      I = this.i;
    const putF = (slot: number, a: ArrayLike<number>) => F.set(a, this.ptr(slot) >>> 3);
    const putI = (slot: number, a: ArrayLike<number>) => I.set(a, this.ptr(slot) >>> 2);
    putF(
      M.M_X,
      Float64Array.from(mesh.x, (v) => v / R),
    );
    putF(
      M.M_Y,
      Float64Array.from(mesh.y, (v) => v / R),
    );
    putI(M.M_DOF, dof);
    putI(M.M_QUAD, mesh.quads);
    putI(M.M_PAM, mesh.pairAm);
    putI(M.M_PSE, mesh.pairSe);
    putF(M.M_PNX, mesh.pairNx);
    putF(M.M_PNY, mesh.pairNy);
    putF(
      M.M_PW,
      Float64Array.from(mesh.pairW, (v) => v / R),
    );
    putI(M.M_RP, rp);
    putI(M.M_CI, ci);
    putI(M.M_SNF, snf);
    putI(M.M_SNRP, snrp);
    const ri = new Int32Array(snrp[nsn]);
    rowLists.forEach((r, s) => ri.set(r, snrp[s]));
    putI(M.M_SNRI, ri);
    putI(M.M_SNVP, snvp);
    putI(M.M_SNOF, snof);
    putI(M.M_RIGHT, mesh.right);
    putI(M.M_VBLK, vblk);
    this.sI(M.M_NVB, vblk.length - 1);
    putF(
      M.M_RIGHTW,
      Float64Array.from(mesh.rightW, (v) => v / R),
    );
    this.sI(M.M_NRIGHT, mesh.right.length);
    this.sI(M.M_NN, nn);
    this.sI(M.M_NE, ne);
    this.sI(M.M_NEAM, mesh.nAmElements);
    this.sI(M.M_NP, np);
    this.sI(M.M_NDOF, n);
    this.sI(M.M_NNZ, this.nnz);
    this.sI(M.M_NSN, nsn);
    this.sI(M.M_MECH, mech ? 1 : 0);
    this.sI(M.M_COH, cohesive ? 1 : 0);
    this.sI(M.M_FIXC, 0);
    this.sI(M.M_SECANT, 0);
    this.sI(M.M_GMM, gmm);
    this.sI(M.M_GMMAX, 60);
    this.sF(M.M_GMTOL, this.opt.gmresTol);
    // scaled parameters (layout.ts)
    const am = cfg.am;
    const E1 = am.youngsModulus_Pa;
    const lame = (E: number, nu: number) => [(E * nu) / ((1 + nu) * (1 - 2 * nu)) / E1, E / (2 * (1 + nu)) / E1];
    const [l1, m1] = lame(am.youngsModulus_Pa, am.poissonRatio);
    const [l2, m2] = lame(cfg.se.youngsModulus_Pa, cfg.se.poissonRatio);
    const [wx, wy, wz] = this.opt.eigenstrainShape;
    this.sF(M.M_LAM1, l1);
    this.sF(M.M_MU1, m1);
    this.sF(M.M_LAM2, l2);
    this.sF(M.M_MU2, m2);
    this.sF(M.M_WX, wx);
    this.sF(M.M_WY, wy);
    this.sF(M.M_WZ, wz);
    this.sF(M.M_KSP, (cfg.spring_N_m * R) / (cfg.boxSide_m * E1));
    this.sF(M.M_DT, 1);
    this.setRun(cfg);
    k.microSetup(sys);
    this.view();
    this.arr(M.M_WROW, n).fill(1);
    this.reset();
  }

  /**
   * The parameters a run may change on the same mesh and materials (flux, initial concentration, temperature,
   * the cohesive law); refuses a config whose mesh or elastic set-up differs from the one this sim was built for.
   */
  setRun(cfg: MicroConfig): void {
    const a = this.cfg,
      same =
        a.radius_m === cfg.radius_m &&
        a.boxSide_m === cfg.boxSide_m &&
        a.resolution === cfg.resolution &&
        a.mechanics === cfg.mechanics &&
        a.interface === cfg.interface &&
        a.spring_N_m === cfg.spring_N_m &&
        JSON.stringify(a.se) === JSON.stringify(cfg.se) &&
        a.am.youngsModulus_Pa === cfg.am.youngsModulus_Pa &&
        a.am.poissonRatio === cfg.am.poissonRatio;
    if (!same) throw new Error("MicroSim.setRun: the config's mesh or elastic constants differ from the ones this MicroSim was built for");
    const am = cfg.am,
      R = cfg.radius_m;
    const E1 = am.youngsModulus_Pa,
      Om = am.partialMolarVolume_m3_mol,
      cmax = am.maxConcentration_mol_m3;
    const epsS = Om * cmax;
    this.sF(M.M_C0, cfg.initialConcentrationNorm);
    this.sF(M.M_LAM, cfg.mechanics ? (E1 * Om * Om * cmax) / (GAS_CONSTANT * cfg.temperature_K) : 0);
    this.sF(M.M_JS, (cfg.flux_mol_m2_s * R) / (am.diffusivity_m2_s * cmax));
    this.sF(M.M_K0, (cfg.cohesive.stiffness_Pa_m * R) / E1);
    this.sF(M.M_Y0, cfg.cohesive.initiationEnergy_J_m2 / (E1 * epsS * epsS * R));
    this.sF(M.M_H, cfg.cohesive.hardening_J_m2 / (E1 * epsS * epsS * R));
    this.sF(M.M_NEXP, cfg.cohesive.exponent);
    this.scale = {
      length_m: R,
      time_s: (R * R) / am.diffusivity_m2_s,
      conc: cmax,
      stress_Pa: E1 * epsS,
      disp_m: R * epsS,
    };
  }

  /** The discrete particle's surface per volume P_h / A_h [1/m] (the interface polygon's length over the AM
   *  area: 2/R / cos(pi / n_k) for n_k segments): the mean concentration gains J_s P_h / A_h exactly. */
  get surfacePerVolume_1_m(): number {
    return this.gF(M.M_PLEN) / (this.gF(M.M_AREA) * this.cfg.radius_m);
  }

  /** Changes the pore-wall flux into the particle [mol m^-2 s^-1] for the next steps (the multiscale
   *  reference couples it to the macro node's Butler-Volmer flux step by step). */
  setFlux(flux_mol_m2_s: number): void {
    const am = this.cfg.am;
    this.sF(M.M_JS, (flux_mol_m2_s * this.cfg.radius_m) / (am.diffusivity_m2_s * am.maxConcentration_mol_m3));
  }

  /** The Newton start of the next step: the accepted state (XV = XOLD). */
  restart(): void {
    this.arr(M.M_XV, this.ndof).set(this.arr(M.M_XOLD, this.ndof));
  }

  /** The initial state: c = c0, stress-free, undamaged. */
  reset(): void {
    const n = this.ndof,
      np = this.mesh.pairAm.length;
    this.arr(M.M_XV, n).fill(0);
    this.arr(M.M_XOLD, n).fill(0);
    this.arr(M.M_DOLD, np).fill(0);
    this.arr(M.M_DNEW, np).fill(0);
    this.arr(M.M_GN, np).fill(0);
    this.arr(M.M_GT, np).fill(0);
    this.needFactor = true;
    this.stats = { factorizations: 0, gmresIterations: 0, newtonIterations: 0 };
  }

  /** Freezes the concentration (mechanics alone: the c^ rows become the identity). */
  set frozenConcentration(on: boolean) {
    this.sI(M.M_FIXC, on ? 1 : 0);
    this.needFactor = true;
  }

  /**
   * One backward-Euler step of dt [s] from the accepted state XOLD, starting from the iterate in XV (the
   * predictor): Newton until the largest scaled update is below newtonTol, then the residual and the
   * return mapping at the converged iterate. Nothing is accepted (accept() does).
   */
  newton(dt_s: number): NewtonOutcome {
    const k = this.k,
      sys = this.sys,
      tol = this.opt.newtonTol;
    this.sF(M.M_DT, dt_s / this.scale.time_s);
    let last = Infinity;
    for (let it = 1; it <= this.opt.maxNewton; it++) {
      k.microAssemble(sys, 1);
      const bad = this.gI(M.M_NONFIN);
      if (bad !== 0) return { ok: false, iterations: it, why: "nonfinite", residual: Number.NaN, node: this.nodeOf(bad - 1) };
      let fresh = false;
      if (this.needFactor || !this.haveFactor) {
        if (!this.factor()) return this.pivotFailure(it);
        fresh = true;
      }
      let st = k.microGmres(sys);
      let its = this.gI(M.M_GMIT);
      if (st !== 0 && !fresh) {
        if (!this.factor()) return this.pivotFailure(it);
        st = k.microGmres(sys);
        its += this.gI(M.M_GMIT);
      }
      this.stats.gmresIterations += its;
      if (st !== 0) return { ok: false, iterations: it, why: "gmres", residual: this.gF(M.M_GMRES), node: -1 };
      // keep the factor while a solve costs less than the average so far of this factor's epoch (factor work
      // counted in solve iterations): the rule that minimises the mean cost per Newton iteration
      this.epoch.its += its;
      this.epoch.newton++;
      if (its > 2 && its > (this.factorInIts + this.epoch.its) / this.epoch.newton) this.needFactor = true;
      k.microUpdate(sys);
      this.stats.newtonIterations++;
      const upd = Math.max(this.gF(M.M_DCMAX), this.gF(M.M_DUMAX), this.gF(M.M_DPMAX));
      if (!Number.isFinite(upd)) return { ok: false, iterations: it, why: "nonfinite", residual: upd, node: this.gI(M.M_WORST) };
      // converged when the update, or the error left after it as the contraction theta predicts
      // (theta/(1 - theta) |dx|, Deuflhard), is below the tolerance
      const theta = it > 1 ? upd / last : 1;
      if (upd <= tol || (theta < 0.5 && (theta / (1 - theta)) * upd <= tol)) {
        k.microAssemble(sys, 0);
        return { ok: true, iterations: it, residual: upd, node: this.gI(M.M_WORST) };
      }
      // a Newton that stops contracting will not converge: let the step be cut
      if (it >= 3 && theta > 0.9) return { ok: false, iterations: it, why: "iterations", residual: upd, node: this.gI(M.M_WORST) };
      last = upd;
    }
    return { ok: false, iterations: this.opt.maxNewton, why: "iterations", residual: last, node: this.gI(M.M_WORST) };
  }

  private pivotFailure(it: number): NewtonOutcome {
    return { ok: false, iterations: it, why: "pivot", residual: Number.NaN, node: this.nodeOf(this.gI(M.M_FST) - 1) };
  }

  private factor(): boolean {
    const st = this.k.microFactor(this.sys);
    this.stats.factorizations++;
    this.epoch = { its: 0, newton: 0 };
    this.haveFactor = st === 0;
    this.needFactor = st !== 0;
    return st === 0;
  }

  /** Accepts the iterate: XOLD = XV, the damage of the iterate becomes history. */
  accept(): void {
    const n = this.ndof,
      np = this.mesh.pairAm.length;
    this.arr(M.M_XOLD, n).set(this.arr(M.M_XV, n));
    this.arr(M.M_DOLD, np).set(this.arr(M.M_DNEW, np));
  }

  /** Averages and extremes of the iterate (scaled; see layout.ts M_CSURF ..). */
  stat(): { cSurf: number; cBulk: number; cMax: number; dAvg: number; dMax: number; vmAm: number; vmSe: number } {
    this.k.microStats(this.sys);
    return {
      cSurf: this.gF(M.M_CSURF),
      cBulk: this.gF(M.M_CBULK),
      cMax: this.gF(M.M_CMAXN),
      dAvg: this.gF(M.M_DAVG),
      dMax: this.gF(M.M_DMAX),
      vmAm: this.gF(M.M_VMAM),
      vmSe: this.gF(M.M_VMSE),
    };
  }

  /** The node holding unknown i. */
  nodeOf(i: number): number {
    for (let v = 0; v < this.dof.length; v++) if (this.dof[v] === i) return v >> 2;
    return -1;
  }
}
