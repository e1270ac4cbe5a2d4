/**
 * The time stepper of one experiment step: variable-step BDF2 (backward Euler at every restart, i.e.
 * the first step after the consistent start), local-error control on the voltage (the current for
 * holds) and the surface stoichiometries by a predictor-corrector difference, step sizes that land on
 * output times and on the step's duration or cap, and events located on the step length
 * (host/cell/events.ts). Each trial and each accept runs on CellSim (host/cell/sim.ts).
 */
import { CST_OK, CST_SATURATED, P_THS } from "../../assembly/cell/layout.js";
import type { ResolvedCellParams } from "./params_core.js";
import { fmt, fmtDuration, type ExperimentStep } from "./experiment.js";
import { GALVANOSTATIC_CAP_HOURS_PER_C, type StepPlan } from "./plan.js";
import { locateEvent, type StepEvents } from "./events.js";
import type { CellSim, TrialResult } from "./sim.js";
import { solveFailure } from "./errors.js";
import { pow } from "../core/portable_math.js";

/** Variable-step BDF2 in backward-Euler form, (x - (A x_n - B x_{n-1})) / heff = f(x), for a step h
 *  after one of hPrev. */
export function bdf2Weights(h: number, hPrev: number): { A: number; B: number; heff: number } {
  const w = h / hPrev,
    g = (1 + 2 * w) / (1 + w);
  return { A: (1 + w) / g, B: (w * w) / ((1 + w) * g), heff: h / g };
}

/** The last three accepted points (t, y) of a step, y = [V or I, theta_surf...], for the local error estimate. */
export class StepHistory {
  private T: number[] = [];
  private Y: Float64Array[] = [];
  private n = 0;
  push(t: number, y: Float64Array): void {
    this.n++;
    this.T.push(t);
    this.Y.push(y);
    if (this.T.length > 3) {
      this.T.shift();
      this.Y.shift();
    }
  }
  /** true once a step has been accepted after the start: BDF2 has its two past points */
  get bdf2(): boolean {
    return this.n >= 2;
  }
  /** Scaled local error estimate of a candidate y at time t (predictor-corrector difference; 0 before
   *  the first accepted step). The predictor is the polynomial through the past points, one order above
   *  the method's: linear for backward Euler (constant 1/2), quadratic for BDF2 (constant 2/11). */
  estimate(t: number, y: Float64Array, scale: Float64Array): number {
    const n = this.T.length;
    if (n < 2) return 0;
    const T = this.T,
      Y = this.Y;
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

export interface StepRun {
  sim: CellSim;
  rp: ResolvedCellParams;
  step: ExperimentStep;
  /** 0-based index of the step in the experiment */
  index: number;
  plan: StepPlan;
  events: StepEvents;
  /** the consistent start (host/cell/feasibility.ts), already recorded */
  start: TrialResult;
  /** safety limits and implicit time caps reached are added here */
  warnings: string[];
  /** after every accepted step, with `output` true where it is an output point */
  onAccept(acc: TrialResult, output: boolean): void;
}

/** Integrates one step from its start to its end; returns why it ended and the voltage there. Throws
 *  CellSolveError where a trial fails at a step length below 1e-10 of the step's nominal duration. */
export function integrateStep(run: StepRun): { termination: string; lastV: number } {
  const { sim, rp, step: s, index: si, plan: pl, events, start, warnings } = run;
  const num = sim.num,
    nx = sim.nx;
  const { mode, value, nominal } = pl;
  const limit_s = pl.duration_s ?? pl.cap_s;
  const tStart = sim.t;
  const tEnd = limit_s !== undefined ? sim.t + limit_s : Infinity;
  const hMax = Math.min(num.hMaxFraction * nominal, limit_s !== undefined ? limit_s / 10 : Infinity);
  let h = Math.min(1e-4 * nominal, hMax);
  const ev = events.any;
  const ycol = (r: { V: number; I: number }) => {
    const y = new Float64Array(nx + 1);
    y[0] = mode === 0 ? r.V : r.I;
    y.set(sim.arr(P_THS, nx), 1);
    return y;
  };
  const scale = new Float64Array(nx + 1).fill(num.tolTheta);
  scale[0] = mode === 0 ? num.tolV : Math.max(1e-3 * rp.oneC_A_m2, 1e-2 * Math.abs(start.I));
  const hist = new StepHistory();
  hist.push(sim.t, ycol(start));
  let lastV = start.V,
    lastI = start.I;
  let termination = "";
  // output period (PyBaMM's "(1 minute period)"): output points at the step start + k period and at its end
  const period = s.period_s;
  let kOut = 1;
  let nextOut = period !== undefined ? tStart + period : Infinity;
  let guard = 0;
  while (!termination) {
    if (++guard > 2_000_000) throw solveFailure(sim, `step ${si + 1} "${s.text}": too many steps`, h);
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
    const bdf2 = hist.bdf2;
    const r = sim.trial(h, mode, value, bdf2);
    if (r.st !== CST_OK) {
      sim.stats.rejected++;
      if (h < 1e-10 * nominal) {
        if (r.st === CST_SATURATED) {
          termination = "particle surface saturated (stoichiometry reached its limit)";
          break;
        }
        throw solveFailure(sim, `step ${si + 1} "${s.text}"`, h);
      }
      h *= 0.25;
      continue;
    }
    const y = ycol(r);
    const err = hist.estimate(sim.t + h, y, scale);
    const order = bdf2 ? 3 : 2;
    if (err > 1) {
      sim.stats.rejected++;
      if (h < 1e-10 * nominal)
        throw solveFailure(
          sim,
          `step ${si + 1} "${s.text}"`,
          h,
          `the local error tolerance (tolV ${num.tolV} V, tolTheta ${num.tolTheta}) is not met even at this step (scaled error ${err.toExponential(2)})`,
        );
      h *= Math.max(0.2, 0.9 * pow(err, -1 / order));
      continue;
    }
    let acceptH = h,
      acc = r;
    if (ev(r.V, r.I) <= 0) {
      ({ h: acceptH, r: acc } = locateEvent(
        sim,
        h,
        { mode, value, bdf2, nominal },
        ev,
        ev(lastV, lastI),
        ev(r.V, r.I),
        `step ${si + 1} "${s.text}": locating the ${events.what}`,
      ));
      // the step's own condition wins when both hold (e.g. until 3.0 V at a 3.0 V safety limit)
      if (events.user(acc.V, acc.I) <= 1e-9) termination = events.userText;
      else {
        termination = events.safeText(acc.V);
        warnings.push(`step ${si + 1} "${s.text}": ended at the ${termination} of the parameter set at t = ${fmt(sim.t + acceptH)} s`);
      }
    }
    sim.accept(acceptH, acc);
    hist.push(sim.t, ycol(acc));
    lastV = acc.V;
    lastI = acc.I;
    if (!termination && hitEnd && acceptH === h) {
      if (pl.duration_s !== undefined) termination = "duration";
      else {
        termination = `time cap ${fmtDuration(limit_s!)} (no duration given${mode === 0 ? `: ${GALVANOSTATIC_CAP_HOURS_PER_C} h / C-rate` : ""})`;
        warnings.push(`step ${si + 1} "${s.text}": reached its implicit ${termination}`);
      }
    }
    run.onAccept(acc, period === undefined || termination !== "" || (hitOut && acceptH === h));
    if (hitOut && acceptH === h) {
      kOut++;
      nextOut = tStart + kOut * period!;
    }
    // portable pow: V8's ** rounds differently in Node and Chromium, which would change the steps taken
    const grow = err > 0 ? Math.min(2, Math.max(0.2, 0.9 * pow(err, -1 / order))) : 2;
    h = acceptH * grow;
  }
  return { termination, lastV };
}
