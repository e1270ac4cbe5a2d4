/** Numerical settings of the P2D solver (grid, time-stepper tolerances, Newton, output), their defaults and checks. */
import { ConfigError, inputError } from "../config/errors.js";

export interface CellNumerics {
  /** finite volumes across the cathode */
  nx: number;
  /** shells per particle */
  nr: number;
  /** local error tolerance on the terminal voltage per step [V] */
  tolV: number;
  /** local error tolerance on the surface stoichiometries per step */
  tolTheta: number;
  /** Newton stops when max |d phi| <= this [V] */
  newtonTol: number;
  maxNewton: number;
  /** largest step as a fraction of the step's nominal duration (3600 s / C-rate) */
  hMaxFraction: number;
  /** record c(x, r) every this many seconds (0: only at the start and the end of every step) */
  snapshotEvery_s: number;
  /** record the overpotential breakdown at every output point (O(nx nr) per point) */
  overpotentials: boolean;
}

// Local-error tolerances 1e-5 V and 5e-6 (stoichiometry). The capacity error of a discharge to a cut-off
// is the time-discretisation error of V at the end over the slope there, dQ/Q = dV / (|dV/dt| t_end);
// the global V error stays at a few local tolerances (the diffusion damps old errors) and |dV/dt| t_end
// is only ~0.3 V at 5C, so the former 2e-4 / 2e-4 gave 1.1e-4 to 3.2e-4 at 5C. These give <= 3.0e-5
// (80 x 40) and <= 5.2e-5 (20 x 10) against the same grid at 1e-8, 0.1-5C, both Butler-Volmer forms,
// AM fraction 0.4 and 0.7 (test/cell/accuracy.test.ts), for ~3.2x the steps (1C, 20 x 10: 86 -> 272).
// Error per unit step would bound the global error outright, but the sqrt(t) start of the particle
// surface (no smooth history) stalls it; a finer grid does not help (the error is in time).
export const DEFAULT_NUMERICS: CellNumerics = {
  nx: 20,
  nr: 10,
  tolV: 1e-5,
  tolTheta: 5e-6,
  newtonTol: 1e-10,
  maxNewton: 30,
  hMaxFraction: 0.05,
  snapshotEvery_s: 0,
  overpotentials: true,
};

/** Checks every numerics field (ConfigError naming it, the value, the range and the unit). */
export function validateNumerics(num: CellNumerics): CellNumerics {
  const { nx, nr } = num;
  if (!Number.isInteger(nx) || nx < 2 || nx > 100000)
    throw new ConfigError(`cell numerics: nx = ${nx}: expected an integer in [2, 100000] [finite volumes]`);
  if (!Number.isInteger(nr) || nr < 2 || nr > 10000)
    throw new ConfigError(`cell numerics: nr = ${nr}: expected an integer in [2, 10000] [shells]`);
  if (!(num.tolV > 0 && num.tolV <= 0.1)) throw inputError("cell numerics: tolV", num.tolV, "a local error tolerance in (0, 0.1]", "V");
  if (!(num.tolTheta > 0 && num.tolTheta <= 0.1))
    throw inputError("cell numerics: tolTheta", num.tolTheta, "a local error tolerance in (0, 0.1]", "stoichiometry");
  if (!(num.newtonTol > 0 && num.newtonTol <= 1e-3))
    throw inputError("cell numerics: newtonTol", num.newtonTol, "a Newton tolerance in (0, 1e-3]", "V");
  if (!(Number.isInteger(num.maxNewton) && num.maxNewton >= 1 && num.maxNewton <= 1000))
    throw inputError("cell numerics: maxNewton", num.maxNewton, "an integer in [1, 1000]", "iterations");
  if (!(num.hMaxFraction > 0 && num.hMaxFraction <= 1))
    throw inputError("cell numerics: hMaxFraction", num.hMaxFraction, "a fraction in (0, 1] of the step's nominal duration");
  if (!(num.snapshotEvery_s >= 0))
    throw inputError("cell numerics: snapshotEvery_s", num.snapshotEvery_s, "a period >= 0 (0: start and end of every step)", "s");
  return num;
}
