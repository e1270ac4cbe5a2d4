/**
 * The events that end an experiment step, as functions f(V, I) that are > 0 while the step runs and
 * <= 0 once it must end: the step's own condition (an `until` voltage or current) and, for
 * galvanostatic steps and rests, the parameter set's safety limits [vmin, vmax] (in V, like a cut-off). `locateEvent` finds the step
 * length at which the first of them is reached (to 1e-9 V, or 1e-9 relative in current).
 */
import { CST_OK } from "../../assembly/cell/layout.js";
import type { ResolvedCellParams } from "./params_core.js";
import { fmt, type ExperimentStep } from "./experiment.js";
import type { StepPlan } from "./plan.js";
import type { CellSim, TrialResult } from "./sim.js";
import { solveFailure } from "./errors.js";

export interface StepEvents {
  /** the step's own condition (Infinity when it has none) */
  user(V: number, I: number): number;
  /** the safety limits: discharges, charges and rests (mode 0); Infinity for holds */
  safe(V: number): number;
  /** the first of both: what ends the step (1 when neither applies) */
  any(V: number, I: number): number;
  /** the step's own condition in words ("cut-off 3 V", "current limit 0.234 A/m2"; "" when none) */
  userText: string;
  /** the safety limit nearer to V in words */
  safeText(V: number): string;
  /** what is being located, for failure messages */
  what: string;
}

export function stepEvents(s: ExperimentStep, pl: StepPlan, rp: ResolvedCellParams): StepEvents {
  const { mode, cut, ilim } = pl;
  const vmin = rp.vmin,
    vmax = rp.vmax;
  const user = (V: number, I: number): number =>
    cut !== undefined ? (s.kind === "discharge" ? V - cut : cut - V) : ilim !== undefined ? (Math.abs(I) - ilim) / ilim : Infinity;
  const safe = (V: number): number => (mode === 0 ? Math.min(V - vmin, vmax - V) : Infinity);
  return {
    user,
    safe,
    any: (V: number, I: number): number => {
      const f = Math.min(user(V, I), safe(V));
      return f === Infinity ? 1 : f;
    },
    userText: cut !== undefined ? `cut-off ${fmt(cut)} V` : ilim !== undefined ? `current limit ${fmt(ilim)} A/m2` : "",
    safeText: (V: number) => (V - vmin <= vmax - V ? `lower voltage cut-off ${fmt(vmin)} V` : `upper voltage cut-off ${fmt(vmax)} V`),
    what: cut !== undefined ? "cut-off" : ilim !== undefined ? "current limit" : "voltage cut-off",
  };
}

/**
 * The step length in (0, h] at which `ev` reaches 0, given ev = fa > 0 at the accepted state and
 * fb = ev(r) <= 0 for the trial r of length h: Illinois (regula falsi with halving of the stale end) on
 * the step length, each evaluation a trial from the same accepted state. Where it does not get within
 * 1e-9 it takes the last length known to have crossed. Returns that length and its trial, which is the
 * last one run (so the kernel memory holds its state for accept()).
 */
export function locateEvent(
  sim: CellSim,
  h: number,
  trial: { mode: 0 | 1; value: number; bdf2: boolean; nominal: number },
  ev: (V: number, I: number) => number,
  fa0: number,
  fb0: number,
  failureWhat: string,
): { h: number; r: TrialResult } {
  const { mode, value, bdf2, nominal } = trial;
  let a = 0,
    fa = fa0,
    b = h,
    fb = fb0,
    side = 0;
  for (let it = 0; it < 60; it++) {
    let hc = (a * fb - b * fa) / (fb - fa);
    if (!(hc > a && hc < b)) hc = 0.5 * (a + b);
    const rc = sim.trial(hc, mode, value, bdf2);
    const fc = rc.st === CST_OK ? ev(rc.V, rc.I) : -Infinity;
    if (rc.st === CST_OK && Math.abs(fc) <= 1e-9) return { h: hc, r: rc };
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
  // fall back to the last good side
  const rc = sim.trial(b, mode, value, bdf2);
  if (rc.st !== CST_OK) throw solveFailure(sim, failureWhat, b);
  return { h: b, r: rc };
}
