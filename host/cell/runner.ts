/**
 * Runs an experiment on a parameter set: parses and plans every step first (all input errors before
 * any work), then per step its consistent start (host/cell/feasibility.ts), its integration
 * (host/cell/stepper.ts), its summary and its cycle's accounting (host/cell/cycles.ts), recording as it
 * goes (host/cell/recorder.ts). A failed step keeps everything before it: the CellSolveError carries
 * the result up to it (`partial`, with `failure` recorded).
 */
import type { CellKernels } from "../core/wasm.js";
import { inputError } from "../config/errors.js";
import type { ResolvedCellParams } from "./params_core.js";
import { parseExperiment, parseTermination, type ExperimentStep, type ExperimentTermination } from "./experiment.js";
import type { ParticleModelFactory } from "./particle.js";
import { DEFAULT_NUMERICS, validateNumerics, type CellNumerics } from "./numerics.js";
import type { CellResult, StepSummary } from "./result.js";
import { CellSim } from "./sim.js";
import { planStep } from "./plan.js";
import { stepEvents } from "./events.js";
import { consistentStart, endAtStart } from "./feasibility.js";
import { integrateStep } from "./stepper.js";
import { CycleTracker } from "./cycles.js";
import { RunRecorder } from "./recorder.js";
import { CellSolveError } from "./errors.js";

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
  if (opts.sim) sim.reset();
  const rec = new RunRecorder(sim);
  const cycles = new CycleTracker(term);
  const summaries: StepSummary[] = [];
  const warnings: string[] = [];
  let failure: CellResult["failure"] = null;

  let si = 0;
  let current: StepSummary | null = null;
  let q0 = 0;
  try {
    for (si = 0; si < steps.length; si++) {
      const s = steps[si],
        pl = plans[si];
      const cycleNo = (s.cycle ?? si) + 1;
      const cy = cycles.enter(cycleNo, si);
      if (!cy) break;
      const events = stepEvents(s, pl, rp);
      const st = consistentStart(sim, s, si, pl, rp);
      const Vstart = st.start.V,
        Istart = st.start.I;
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
      rec.record(Vstart, Istart, si + 1);
      cy.minVoltage_V = Math.min(cy.minVoltage_V, Vstart);
      cy.maxVoltage_V = Math.max(cy.maxVoltage_V, Vstart);
      if (st.noStart !== null || events.any(Vstart, Istart) <= 0) {
        const end = endAtStart(sim, s, si, pl, events, rp, st);
        summary.termination = end.termination;
        if (end.warning) warnings.push(`step ${si + 1} "${s.text}": ${summary.termination}`);
        summaries.push(summary);
        current = null;
        rec.snap(si + 1);
        continue;
      }
      const { termination, lastV } = integrateStep({
        sim,
        rp,
        step: s,
        index: si,
        plan: pl,
        events,
        start: st.start,
        warnings,
        onAccept: (acc, output) => {
          cy.minVoltage_V = Math.min(cy.minVoltage_V, acc.V);
          cy.maxVoltage_V = Math.max(cy.maxVoltage_V, acc.V);
          if (output) rec.record(acc.V, acc.I, si + 1);
          rec.snapIfDue(si + 1);
        },
      });
      summary.termination = termination;
      summary.end_s = sim.t;
      summary.end_V = lastV;
      const dq = (sim.q - q0) / 3600;
      summary.capacity_Ah_m2 = Math.abs(dq);
      cycles.addThroughput(dq, rp.oneC_A_m2);
      summaries.push(summary);
      current = null;
      rec.snap(si + 1);
    }
    if (!cycles.stopped) cycles.close();
  } catch (e) {
    if (!(e instanceof CellSolveError)) throw e;
    const s = steps[si];
    const reason = `failed: ${(e.detail.why as string | undefined) ?? e.message}`;
    if (current) {
      current.termination = reason;
      current.end_s = sim.t;
      current.end_V = rec.series.voltage_V.at(-1) ?? current.start_V;
      const dq = (sim.q - q0) / 3600;
      current.capacity_Ah_m2 = Math.abs(dq);
      cycles.addThroughput(dq, rp.oneC_A_m2);
      summaries.push(current);
    } else
      summaries.push({
        index: si + 1,
        text: s.text,
        kind: s.kind,
        termination: reason,
        cycle: (s.cycle ?? si) + 1,
        start_s: sim.t,
        end_s: sim.t,
        capacity_Ah_m2: 0,
        start_V: NaN,
        end_V: NaN,
      });
    cycles.abandon();
    failure = { step: si + 1, text: s.text, t_s: sim.t, reason: e.message };
    rec.snap(si + 1);
    e.partial = rec.result(steps, summaries, cycles, failure, warnings, t0);
    throw e;
  }
  return rec.result(steps, summaries, cycles, failure, warnings, t0);
}
