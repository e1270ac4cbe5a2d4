/**
 * What a run records as it goes: the time series (t, V, I, capacity, step) at every output point with
 * its overpotential breakdown, the c(x, r) snapshots, and the lithium balance; `result` assembles the
 * CellResult from them and the step and cycle summaries.
 */
import { P_J, P_PHI1, P_PHI2, P_ETA } from "../../assembly/cell/layout.js";
import { VERSION } from "../version.js";
import { FARADAY } from "./params_core.js";
import type { ExperimentStep } from "./experiment.js";
import { OVERPOTENTIAL_KEYS, type CellResult, type OverpotentialSeries, type Snapshot, type StepSummary } from "./result.js";
import type { CycleTracker } from "./cycles.js";
import type { CellSim } from "./sim.js";

/** Overpotential breakdown (result.ts OverpotentialSeries, in OVERPOTENTIAL_KEYS order) of the last
 *  successful trial of `sim` at voltage V [V] and current density I [A/m^2]. */
export function overpotentialBreakdown(sim: CellSim, V: number, I: number): number[] {
  const nx = sim.nx,
    rp = sim.rp;
  const J = sim.arr(P_J, nx),
    p1 = sim.arr(P_PHI1, nx),
    p2 = sim.arr(P_PHI2, nx),
    eta = sim.arr(P_ETA, nx);
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
  const Ubar = sim.ocv(sim.lithium() / (rp.c1max * rp.epsAM * rp.Lc));
  const li = rp.i0Li > 0 ? (2 / rp.FRT) * Math.asinh(I / (2 * rp.i0Li)) : 0;
  const sep = (I * rp.Ls) / rp.kappaSep;
  // sum w U_s = sum w (phi1 - phi2 - eta)
  return [Ubar, Ubar - (wp1 - wp2 - weta), -weta, li, sep, -wp2 - li - sep, wp1 - V];
}

export class RunRecorder {
  readonly series = {
    time_s: [] as number[],
    voltage_V: [] as number[],
    current_A_m2: [] as number[],
    capacity_Ah_m2: [] as number[],
    step: [] as number[],
  };
  readonly overpotentials: OverpotentialSeries;
  readonly snapshots: Snapshot[] = [];
  /** per-node fields of the particle model at every output point (e.g. the multiscale cell's <d>(x, t)) */
  readonly fields: Record<string, number[][]> = {};
  /** lithium in the AM at the start [mol/m^2] */
  readonly li0: number;
  private readonly ovpCols: number[][];
  private nextSnap: number;

  /** Starts recording from the current state of `sim` (snapshot 0). */
  constructor(private readonly sim: CellSim) {
    this.li0 = sim.lithium();
    const ovp = Object.fromEntries(OVERPOTENTIAL_KEYS.map((k) => [k, [] as number[]])) as unknown as OverpotentialSeries;
    this.overpotentials = ovp;
    this.ovpCols = OVERPOTENTIAL_KEYS.map((k) => ovp[k]);
    const every = sim.num.snapshotEvery_s;
    this.nextSnap = every > 0 ? 0 : Infinity;
    this.snap(0);
    if (this.nextSnap === 0) this.nextSnap = every;
  }

  /** An output point of step `step` (1-based) at the state of the last trial: voltage V, current I. */
  record(V: number, I: number, step: number): void {
    const sim = this.sim,
      out = this.series;
    out.time_s.push(sim.t);
    out.voltage_V.push(V);
    out.current_A_m2.push(I);
    out.capacity_Ah_m2.push(sim.q / 3600);
    out.step.push(step);
    if (sim.num.overpotentials) overpotentialBreakdown(sim, V, I).forEach((x, c) => this.ovpCols[c].push(x));
    const f = sim.particles.fields?.();
    if (f)
      for (const [name, v] of Object.entries(f)) {
        this.fields[name] ??= [];
        this.fields[name].push(Array.from(v));
      }
  }

  /** A c(x, r) snapshot of the accepted state. */
  snap(step: number): void {
    this.snapshots.push({ t_s: this.sim.t, step, theta: this.sim.theta() });
  }

  /** A snapshot when numerics.snapshotEvery_s has passed since the last periodic one. */
  snapIfDue(step: number): void {
    if (this.sim.t >= this.nextSnap) {
      this.snap(step);
      this.nextSnap += this.sim.num.snapshotEvery_s;
    }
  }

  /** The result of the run so far (the lithium balance at the accepted state; wall time since t0 [ms]). */
  result(
    steps: ExperimentStep[],
    summaries: StepSummary[],
    cycles: CycleTracker,
    failure: CellResult["failure"],
    warnings: string[],
    t0: number,
  ): CellResult {
    const sim = this.sim,
      rp = sim.rp,
      nx = sim.nx,
      out = this.series;
    const li0 = this.li0;
    const li1 = sim.lithium();
    const passed = sim.q / FARADAY;
    const mAh = 1000 / (rp.amMass_kg_m2 * 1000); // Ah/m^2 -> mAh/g
    return {
      version: VERSION,
      seed: null,
      params: rp.params,
      numerics: sim.num,
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
      overpotentials: this.overpotentials,
      steps: summaries,
      cycles: cycles.cycles,
      experimentTermination: cycles.stopped,
      failure,
      warnings: [...warnings, ...(sim.particles.warnings?.() ?? [])],
      particleModel: sim.particles.name,
      fields: this.fields,
      x_m: Array.from({ length: nx }, (_, j) => ((j + 0.5) * rp.Lc) / nx),
      r_m: sim.particles.r_m,
      snapshots: this.snapshots,
      lithium: { initial_mol_m2: li0, final_mol_m2: li1, passed_mol_m2: passed, imbalance_rel: (li1 - li0 - passed) / li0 },
      stats: { ...sim.stats, wall_ms: performance.now() - t0 },
    };
  }
}
