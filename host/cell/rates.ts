/** Capacity vs C-rate: one discharge per rate from the same initial state, on one reused CellSim. */
import type { CellKernels } from "../core/wasm.js";
import type { ResolvedCellParams } from "./params_core.js";
import { CellSim } from "./sim.js";
import { DEFAULT_NUMERICS, type CellNumerics } from "./numerics.js";
import type { CellResult } from "./result.js";
import { runExperiment } from "./runner.js";
import { parseExperiment } from "./experiment.js";
import { ConfigError } from "../config/errors.js";

export interface RateRow {
  cRate: number;
  current_A_m2: number;
  capacity_Ah_m2: number;
  capacity_mAh_g: number;
  time_s: number;
  termination: string;
}

export function rateSweep(
  k: CellKernels,
  rp: ResolvedCellParams,
  rates: number[],
  cutoff_V = rp.vmin,
  numerics: Partial<CellNumerics> = {},
): { rows: RateRow[]; results: CellResult[] } {
  for (const c of rates)
    if (!(c > 0 && Number.isFinite(c))) throw new ConfigError(`cell-rates: rate = ${c}: expected a positive C-rate [1/h]`);
  const num = { ...DEFAULT_NUMERICS, ...numerics };
  const sim = new CellSim(k, rp, num);
  const results = rates.map((c) => runExperiment(k, rp, parseExperiment(`Discharge at ${c}C until ${cutoff_V} V`), { numerics: num, sim }));
  const rows = results.map((r, i) => ({
    cRate: rates[i],
    current_A_m2: rates[i] * rp.oneC_A_m2,
    capacity_Ah_m2: r.capacity_Ah_m2.at(-1)!,
    capacity_mAh_g: r.capacity_mAh_g.at(-1)!,
    time_s: r.time_s.at(-1)!,
    termination: r.steps[0].termination,
  }));
  return { rows, results };
}
