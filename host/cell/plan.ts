/**
 * Experiment steps -> what the time stepper runs: control mode and value (a current density or a hold
 * voltage), nominal duration, duration or implicit time cap, and the step's own end condition. Every
 * user mistake a step can hold (an absolute current without an area, a cut-off or hold voltage outside
 * the parameter set's safety limits) is refused here, before the first step runs.
 */
import { ConfigError } from "../config/errors.js";
import type { ResolvedCellParams } from "./params_core.js";
import { fmt, type ExperimentStep, type Rate } from "./experiment.js";

/** A rate as a current density [A/m^2] (positive); absolute currents need the electrode area. */
export function rateToCurrent(r: Rate, rp: ResolvedCellParams, where = "experiment"): number {
  if ("cRate" in r) return r.cRate * rp.oneC_A_m2;
  if ("current_A_m2" in r) return r.current_A_m2;
  if (rp.area_m2 === null) throw new ConfigError(`${where}: absolute currents need an electrode area (--area or 'Electrode area [m2]')`);
  return r.current_A / rp.area_m2;
}

/**
 * Implicit time caps of steps given only an `until` condition (PyBaMM's default durations, pybamm/
 * experiment/step: a C-rate step gets 2 / |C| hours, "with a 2x safety factor"; other steps one day).
 * Here every galvanostatic step gets 2 / |C| h with C = |I| / I_1C (the 1C current is known, so a
 * current given in A/m2 or A is capped like the same C-rate), a hold 24 h. Reaching a cap ends the
 * step (termination "time cap ...", recorded in `warnings`); PyBaMM would stop the experiment there.
 */
export const GALVANOSTATIC_CAP_HOURS_PER_C = 2;
export const HOLD_CAP_S = 24 * 3600;

export interface StepPlan {
  /** 0: galvanostatic (value = current density [A/m^2], discharge positive), 1: potentiostatic (value = voltage [V]) */
  mode: 0 | 1;
  value: number;
  /** the step's time scale [s]: 3600 / C-rate, or one hour for rests and holds; step sizes are fractions of it */
  nominal: number;
  duration_s?: number;
  /** implicit time cap [s] when no duration is given */
  cap_s?: number;
  /** `until` voltage [V] of a discharge or charge */
  cut?: number;
  /** `until` current [A/m^2] of a hold */
  ilim?: number;
}

/** Everything a step needs that the user can get wrong, checked before the first step runs. */
export function planStep(s: ExperimentStep, si: number, rp: ResolvedCellParams): StepPlan {
  const where = `experiment step ${si + 1} "${s.text}"`;
  if (s.kind === "rest") return { mode: 0, value: 0, nominal: 3600, duration_s: s.duration_s };
  if (s.kind === "hold") {
    if (!(s.voltage_V >= rp.vmin && s.voltage_V <= rp.vmax)) {
      throw new ConfigError(
        `${where}: hold at ${fmt(s.voltage_V)} V: expected a voltage within the parameter set's cut-offs [${fmt(rp.vmin)}, ${fmt(rp.vmax)}] V ('Lower voltage cut-off [V]', 'Upper voltage cut-off [V]')`,
      );
    }
    const ilim = s.untilRate ? rateToCurrent(s.untilRate, rp, where) : undefined;
    return {
      mode: 1,
      value: s.voltage_V,
      nominal: 3600,
      duration_s: s.duration_s,
      cap_s: s.duration_s === undefined ? HOLD_CAP_S : undefined,
      ilim,
    };
  }
  const I = rateToCurrent(s.rate, rp, where);
  if (!(I > 0 && Number.isFinite(I)))
    throw new ConfigError(`${where}: current ${I} A/m2: expected a positive finite current density [A/m2]`);
  if (s.until_V !== undefined && !(s.until_V >= rp.vmin && s.until_V <= rp.vmax)) {
    throw new ConfigError(
      `${where}: until ${fmt(s.until_V)} V: expected a cut-off within the parameter set's safety limits [${fmt(rp.vmin)}, ${fmt(rp.vmax)}] V (to go beyond them, move 'Lower voltage cut-off [V]' / 'Upper voltage cut-off [V]', e.g. --set "Lower voltage cut-off [V]=${fmt(s.until_V)}")`,
    );
  }
  const nominal = (3600 * rp.oneC_A_m2) / I;
  return {
    mode: 0,
    value: (s.kind === "discharge" ? 1 : -1) * I,
    nominal,
    duration_s: s.duration_s,
    cap_s: s.duration_s === undefined ? GALVANOSTATIC_CAP_HOURS_PER_C * nominal : undefined,
    cut: s.until_V,
  };
}
