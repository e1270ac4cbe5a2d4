/** Shared set-up of the micro tests: paper 001's parameters (Table 2-3; SPEC §6) as a MicroConfig. */
import { parseMicroConfig } from "../../host/micro/config.js";
import type { MicroConfig } from "../../host/micro/types.js";

/** Gc 5.97 J/m^2 of Table 2 and J_s 7.83e-4 mol/(m^2 s) (SI, SPEC §6) on the coarsest mesh with the
 *  defaults of config.ts (test/micro/cli.test.ts checks them against the tables); `over` replaces fields. */
export function paperConfig(over: Partial<MicroConfig> = {}): MicroConfig {
  const base = parseMicroConfig({
    flux_mol_m2_s: 7.83e-4,
    fractureEnergy_J_m2: 5.97,
    resolution: 1,
    stop: { maxConcentrationNorm: 0.99, maxSteps: 2000 },
  });
  return { ...base, ...over };
}
