/**
 * Kernel status codes that stop a run, turned into errors that name the particle, its partner and the limit,
 * and suggest a fix (capacity codes never get here: DemSystem grows the arrays and calls again).
 */
import { AssbError, ConfigError } from "../config/errors.js";
import * as L from "../../assembly/dem/layout.js";

/** A run that blew up (input problem: time step or loading speed too large); exit code 2 in the CLI. */
export class DemUnstableError extends AssbError {
  constructor(
    message: string,
    readonly step: number,
    readonly particle: number,
    readonly partner: number,
    /** which limit stopped the run: an overlap past limits.maxOverlapFraction or a step past maxStepDisplacementFraction */
    readonly limit: "overlap" | "speed" = "overlap",
  ) {
    super(message);
    this.name = "DemUnstableError";
  }
}

/** What the kernel left in the header about a failed call, and how to name things in messages. */
export interface StatusContext {
  /** "set-up" or "time stepping" */
  what: string;
  step: number;
  time_s: number;
  dt_s: number;
  /** H_STATUS_I, H_STATUS_J, H_STATUS_VAL */
  i: number;
  j: number;
  value: number;
  maxOverlapFraction: number;
  maxStepDisplacementFraction: number;
  rMax_m: number;
  skin_m: number;
  n: number;
  wallNames: string[];
  /** particle ids by index, for messages */
  ids?: ArrayLike<number>;
}

/** The error for a kernel status that ends the run. */
export function statusError(status: number, c: StatusContext): Error {
  const { step, i, j, value: val, dt_s: dt } = c;
  if (status === L.ST_BAD_BOX) {
    return new ConfigError(
      `box: a periodic length of ${val.toExponential(3)} m is shorter than two neighbour cut-offs (2 x (2 R_max + skin) = ${(2 * (2 * c.rMax_m + c.skin_m)).toExponential(3)} m); enlarge the box or make that direction non-periodic`,
    );
  }
  const who = (k: number) => `particle ${c.ids ? c.ids[k] : k}`;
  if (status === L.ST_UNSTABLE_SPEED) {
    return new DemUnstableError(
      `DEM run unstable during ${c.what} at step ${step} (t = ${c.time_s.toExponential(4)} s): ${who(i)} moved ${val.toPrecision(3)} of its radius in one step (limit ${c.maxStepDisplacementFraction}). Reduce the time step (dt = ${dt.toExponential(3)} s), e.g. timestep.rayleighFraction: 0.1, or slow the walls down`,
      step,
      i,
      j,
      "speed",
    );
  }
  if (status === L.ST_UNSTABLE_OVERLAP) {
    const partner =
      j >= 0 && j < c.n ? who(j) : j < 0 && -1 - j < c.wallNames.length ? `wall '${c.wallNames[-1 - j]}'` : "another particle or a wall";
    const limit = c.maxOverlapFraction;
    // at a set-up nothing has moved yet: the overlap is in the positions the run started from
    if (c.what === "set-up") {
      return new DemUnstableError(
        `DEM set-up at step ${step}: ${who(i)} overlaps ${partner} by ${val.toPrecision(3)} of the smaller radius before any time step (limit ${limit}): the ${step === 0 ? "initial positions overlap; fix the packing (positions, radii, wall positions)" : "state given to this stage overlaps (grown radii or moved walls)"} or raise limits.maxOverlapFraction`,
        step,
        i,
        j,
      );
    }
    return new DemUnstableError(
      `DEM run unstable during ${c.what} at step ${step} (t = ${c.time_s.toExponential(4)} s): ${who(i)} overlaps ${partner} by ${val.toPrecision(3)} of the smaller radius (limit ${limit}). Reduce the time step (dt = ${dt.toExponential(3)} s) or the loading speed`,
      step,
      i,
      j,
    );
  }
  if (status === L.ST_THREAD_LOST)
    return new ConfigError(
      `dem: a DEM worker thread stopped answering during ${c.what} at step ${step} (no barrier reached within the time-out); the workers were ended: run with threads: 1 (--threads 1)`,
    );
  return new Error(`dem: kernel returned unknown status ${status} (internal error)`);
}
