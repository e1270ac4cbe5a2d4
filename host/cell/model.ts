/**
 * The P2D half-cell solver (host side), one idea per file; this module gathers its public names.
 * Model equations: assembly/cell/p2d.ts (paper 001 Table 1, eq 26-30, 44-46); parameters:
 * host/cell/params_core.ts; experiment strings: host/cell/experiment.ts. The solver, in the order a run
 * goes through it:
 *
 *   numerics.ts     grid, tolerances, Newton settings and their defaults and checks (CellNumerics)
 *   plan.ts         experiment step -> mode, value, nominal duration, time cap, until condition (refusals here)
 *   sim.ts          CellSim: the kernel memory (arrays, header, views) and one implicit trial step / accept
 *   particle.ts     the particle seam (finite volumes in the kernels, or a surrogate)
 *   feasibility.ts  the consistent start of a step, and the steps that end right at it (with the reason)
 *   stepper.ts      variable-step BDF2, local-error control, output times; events.ts locates the cut-offs
 *   cycles.ts       per-cycle throughput and voltage range, the experiment-level termination
 *   recorder.ts     time series, overpotential breakdown, snapshots, lithium balance -> CellResult
 *   runner.ts       runExperiment: all of the above per step; a failed step keeps the result before it
 *   errors.ts       CellSolveError and its message (time, step, node, why)
 *   result.ts       the CellResult types; output.ts writes and reads the result files
 */
export { DEFAULT_NUMERICS, validateNumerics, type CellNumerics } from "./numerics.js";
export {
  OVERPOTENTIAL_KEYS,
  type CellResult,
  type StepSummary,
  type CycleSummary,
  type Snapshot,
  type OverpotentialSeries,
} from "./result.js";
export { CellSim, type TrialResult } from "./sim.js";
export { CellSolveError } from "./errors.js";
export { rateToCurrent, GALVANOSTATIC_CAP_HOURS_PER_C, HOLD_CAP_S } from "./plan.js";
export { runExperiment, type RunOptions } from "./runner.js";
