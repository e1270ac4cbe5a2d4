/** Failures of the P2D time stepper: the error type and the message that names the time, the step, the
 *  node (x from the separator) and why (from the kernel's status of the last trial). */
import { NotConvergedError } from "../config/errors.js";
import { CST_NOT_CONVERGED, CST_NONFINITE, CST_SATURATED } from "../../assembly/cell/layout.js";
import { fmt } from "./experiment.js";
import type { CellResult } from "./result.js";
import type { CellSim } from "./sim.js";

/** The time stepper failed (Newton or step-size limits); exit code 3 in the CLI. From runExperiment it
 *  carries the solution up to the failure (`partial`, with `failure` recorded), as PyBaMM keeps it. */
export class CellSolveError extends NotConvergedError {
  partial?: CellResult;
  constructor(message: string, detail: Record<string, unknown>) {
    super(message, detail);
    this.name = "CellSolveError";
  }
}

/** The failure of the last trial of `sim` (its status, node and residual), or `whyGiven` when given;
 *  `what` says where ("step 2 \"Discharge at 1C\""), h is the step length tried [s]. */
export function solveFailure(sim: CellSim, what: string, h: number, whyGiven?: string): CellSolveError {
  const { status: st, node: j, residual_V: res, safeguardedIterations: safe } = sim.lastTrial();
  const why =
    whyGiven !== undefined
      ? whyGiven
      : st === CST_NOT_CONVERGED
        ? `Newton did not converge in ${sim.num.maxNewton} iterations${safe > 0 ? ` nor the safeguarded Newton in ${safe}` : ""} (last max |d phi| ${res.toExponential(2)} V)`
        : st === CST_NONFINITE
          ? "the Newton iterate became non-finite (overpotential blow-up)"
          : st === CST_SATURATED
            ? "a particle surface stoichiometry left (0, 1) (particle full or empty)"
            : `status ${st}`;
  if (whyGiven !== undefined)
    return new CellSolveError(`cell: ${what}: ${why} at t = ${fmt(sim.t)} s with step ${h.toExponential(2)} s`, {
      t_s: sim.t,
      h_s: h,
      why,
    });
  const x_um = (((j + 0.5) * sim.rp.Lc) / sim.nx) * 1e6;
  return new CellSolveError(
    `cell: ${what}: ${why} at t = ${fmt(sim.t)} s with step ${h.toExponential(2)} s, worst at node ${j} (x = ${fmt(x_um)} um from the separator)`,
    { status: st, node: j, x_um, t_s: sim.t, h_s: h, residual_V: res, why },
  );
}
