/**
 * The start of an experiment step: its consistent initial state, and the steps that end right there
 * (their end condition already holds, or the particle surfaces cannot take the current at all), with
 * the reason in words. A first step whose cut-off is on the wrong side of the OCV is refused as input.
 */
import { ConfigError } from "../config/errors.js";
import { CST_OK, CST_SATURATED } from "../../assembly/cell/layout.js";
import type { ResolvedCellParams } from "./params_core.js";
import { fmt, fmtDuration, type ExperimentStep } from "./experiment.js";
import type { StepPlan } from "./plan.js";
import type { StepEvents } from "./events.js";
import type { CellSim, TrialResult } from "./sim.js";
import { solveFailure } from "./errors.js";

export interface StepStart {
  /** the state the step starts from (not accepted) */
  start: TrialResult;
  /** why the particle surfaces cannot take the step's current at its start, else null */
  noStart: string | null;
  /** the voltage limit of the step [V]: its cut-off, else the safety limit in its direction */
  Vlim: number;
  /** the length of the start trials [s] */
  h0: number;
}

/** The algebraic state at t+ of step si (a tiny backward-Euler step, not accepted). */
export function consistentStart(sim: CellSim, s: ExperimentStep, si: number, pl: StepPlan, rp: ResolvedCellParams): StepStart {
  const { mode, value, nominal, cut } = pl;
  const h0 = 1e-9 * nominal;
  let start = sim.trial(h0, mode, value, false);
  // No admissible start: the particle surfaces cannot take this current at any overpotential (the
  // kernel's feasibility check, or its safeguarded Newton ending on a saturated surface). The exchange
  // current vanishes at a full or empty surface (eq 26-27), so the voltage under load runs away without
  // bound as the current nears that limit: the step's voltage limit is passed at its start. The point
  // recorded is the state at that limit (potentiostatic): the current the cell does carry there.
  let noStart: string | null = null;
  const Vlim = cut ?? (value > 0 ? rp.vmin : rp.vmax);
  if (start.st === CST_SATURATED && mode === 0 && value !== 0) {
    const atLim = sim.trial(h0, 1, Vlim, false);
    if (atLim.st !== CST_OK) throw solveFailure(sim, `step ${si + 1} "${s.text}" at its start`, h0);
    const c3 = (x: number) => String(Number(x.toPrecision(3)));
    noStart = `the particle surfaces cannot take ${c3(Math.abs(value))} A/m2 at any overpotential; at ${fmt(Vlim)} V it carries ${c3(Math.abs(atLim.I))} A/m2 = ${c3(Math.abs(atLim.I) / rp.oneC_A_m2)}C`;
    // The finite-volume surface value sits half a shell out along the flux gradient (J dr / 2D), which
    // a layer thinner than the shell cannot have: with shells wider than ~1/5 of the diffusion length
    // over the step's nominal duration the limit above is the grid's, not the particle's
    const dr = rp.radius_m / sim.nr,
      ld = Math.sqrt(rp.D0 * nominal);
    if (sim.particles.name === "finite-volume" && dr > 0.2 * ld)
      noStart += `; ${sim.nr} shells of ${c3(dr * 1e6)} um do not resolve the surface layer (diffusion length ${c3(ld * 1e6)} um over ${fmtDuration(nominal)}): more shells (nr) may let it run`;
    start = atLim;
  } else if (start.st !== CST_OK) throw solveFailure(sim, `step ${si + 1} "${s.text}" at its start`, h0);
  return { start, noStart, Vlim, h0 };
}

/**
 * The termination of a step that ends at its start (`noStart`, or an event already reached there), and
 * whether it is a warning (a safety limit, not the step's own condition). A first step whose cut-off is
 * on the wrong side of the OCV itself is a mistake in the input (ConfigError). A step that only the
 * load puts past its limit ends at once, as in PyBaMM (Simulation.solve gives a step whose events are
 * crossed at its initial conditions an empty solution and goes on); PyBaMM raises when every step of a
 * cycle is so, here such a step still ends cleanly (a rate sweep's top rates report zero capacity
 * instead of failing).
 */
export function endAtStart(
  sim: CellSim,
  s: ExperimentStep,
  si: number,
  pl: StepPlan,
  ev: StepEvents,
  rp: ResolvedCellParams,
  st: StepStart,
): { termination: string; warning: boolean } {
  const { mode, value, cut } = pl;
  const { noStart, Vlim, h0 } = st;
  const Vstart = st.start.V,
    Istart = st.start.I;
  const ocv0 = sim.ocv(rp.theta0);
  if (si === 0 && cut !== undefined && ev.user(ocv0, 0) <= 0) {
    throw new ConfigError(
      `experiment step 1 "${s.text}": cut-off ${fmt(cut)} V is ${s.kind === "discharge" ? "at or above" : "at or below"} the voltage at the start of the step (${noStart === null ? `${Vstart.toFixed(4)} V under load` : "no solution under load"}; OCV ${ocv0.toFixed(4)} V at stoichiometry ${rp.theta0}): expected a cut-off ${s.kind === "discharge" ? "below" : "above"} it`,
    );
  }
  const userHit = ev.user(Vstart, Istart) <= 0 || (noStart !== null && cut !== undefined);
  let why = noStart;
  if (why === null && mode === 0 && value !== 0) {
    // the same state at zero current: on the right side of the limit, the load alone puts the cell past it
    const rest = sim.trial(h0, 0, 0, false);
    if (rest.st === CST_OK && ev.any(rest.V, 0) > 0) why = `${Vstart.toFixed(4)} V under load, ${rest.V.toFixed(4)} V at zero current`;
  }
  const rateText = mode === 0 && value !== 0 ? `${Number((Math.abs(value) / rp.oneC_A_m2).toPrecision(3))}C` : "";
  const termination = `${userHit ? (cut !== undefined ? ev.userText : "current limit") : ev.safeText(noStart === null ? Vstart : Vlim)} reached at the start of the step${why === null ? "" : ` (the cell cannot carry ${rateText} here: ${why})`}`;
  return { termination, warning: !userHit };
}
