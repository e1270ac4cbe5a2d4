/**
 * Configuration of a micro-scale run (paper 001 §2.1.2, §3.2.1; SPEC §6), validated where it enters:
 * YAML/JSON keys named plainly (`flux_mol_m2_s`, `fractureEnergy_J_m2`, `mechanics`, `interface:
 * cohesive|bonded`, `resolution`), quantities as SI numbers or strings with units, defaults from paper 001
 * Tables 2-3 (NMC-like AM, LLZO-like SE). `parseMicroConfig` returns the resolved MicroConfig the model runs.
 */
import { z } from "zod";
import { quantity } from "../config/schema.js";
import { ConfigError, configErrorFrom, inputError } from "../config/errors.js";
import { MAX_RESOLUTION, MIN_RESOLUTION, RESOLUTION_EXPECTED } from "./mesh.js";
import type { MicroConfig } from "./types.js";

/**
 * Paper 001 Table 2: damage initiation energy Y0 and hardening H [Pa m = J/m^2] for the three interface
 * fracture energies Gc [J/m^2] the paper trains on ("in the same order as mentioned above", §3.2.1).
 */
export const TABLE2_COHESIVE: Record<string, { initiationEnergy_J_m2: number; hardening_J_m2: number }> = {
  "4.21": { initiationEnergy_J_m2: 0.977, hardening_J_m2: 5.294 },
  "5.97": { initiationEnergy_J_m2: 1.47, hardening_J_m2: 7.33 },
  "13.92": { initiationEnergy_J_m2: 2.86, hardening_J_m2: 18.165 },
};

/** Paper 001 Tables 2-3 and SPEC §6 (the project's choices where the paper gives none). */
export const MICRO_DEFAULTS = {
  radius_m: 1e-6, // not given in the paper (SPEC §6)
  boxFactor: 2.5, // box side / R (SPEC §6, Fig 6)
  am: {
    youngsModulus_Pa: 140e9,
    poissonRatio: 0.3,
    partialMolarVolume_m3_mol: 4.566e-6,
    diffusivity_m2_s: 7e-15,
    maxConcentration_mol_m3: 38320,
  },
  se: { youngsModulus_Pa: 150e9, poissonRatio: 0.2 },
  initialConcentrationNorm: 0.5,
  temperature_K: 298.15,
  cohesiveStiffness_Pa_m: 3.26e16,
  spring_N_m: 8.15e4,
  exponent: 2,
} as const;

const poisson = (what: string) => quantity("-", { min: -1, max: 0.5, minExclusive: true, maxExclusive: true }, `${what} Poisson's ratio`);
const positive = (unit: string, what: string) => quantity(unit, { min: 0, minExclusive: true }, what);

export const MicroConfigSchema = z
  .object({
    radius_m: positive("m", "particle radius").default(MICRO_DEFAULTS.radius_m),
    /** side of the square box [m]; default 2.5 R */
    boxSide_m: positive("m", "box side").optional(),
    am: z
      .object({
        youngsModulus_Pa: positive("Pa", "AM Young's modulus").default(MICRO_DEFAULTS.am.youngsModulus_Pa),
        poissonRatio: poisson("AM").default(MICRO_DEFAULTS.am.poissonRatio),
        partialMolarVolume_m3_mol: quantity("m^3/mol", { min: 0 }, "partial molar volume").default(
          MICRO_DEFAULTS.am.partialMolarVolume_m3_mol,
        ),
        diffusivity_m2_s: positive("m^2/s", "AM diffusivity").default(MICRO_DEFAULTS.am.diffusivity_m2_s),
        maxConcentration_mol_m3: positive("mol/m^3", "maximum AM concentration").default(MICRO_DEFAULTS.am.maxConcentration_mol_m3),
      })
      .strict()
      .default({ ...MICRO_DEFAULTS.am }),
    se: z
      .object({
        youngsModulus_Pa: positive("Pa", "SE Young's modulus").default(MICRO_DEFAULTS.se.youngsModulus_Pa),
        poissonRatio: poisson("SE").default(MICRO_DEFAULTS.se.poissonRatio),
      })
      .strict()
      .default({ ...MICRO_DEFAULTS.se }),
    initialConcentrationNorm: quantity("-", { min: 0, max: 1, minExclusive: true, maxExclusive: true }, "c0 / c_max").default(
      MICRO_DEFAULTS.initialConcentrationNorm,
    ),
    temperature_K: positive("K", "temperature").default(MICRO_DEFAULTS.temperature_K),
    /** pore-wall flux into the particle [mol/(m^2 s)], SI (paper values x 1e-6) */
    flux_mol_m2_s: quantity(
      "mol/(m^2 s)",
      { min: 0, minExclusive: true },
      "pore-wall flux J_s (lithiation, SI: the paper's values x 1e-6)",
    ),
    mechanics: z.boolean({ error: () => "expected true (coupled chemo-mechanics) or false (diffusion only)" }).default(true),
    interface: z
      .enum(["cohesive", "bonded"], { error: () => "expected cohesive (cohesive elements with damage) or bonded (perfect bonding)" })
      .default("cohesive"),
    /** interface fracture energy [J/m^2]: picks (Y0, H) from paper 001 Table 2 (4.21, 5.97, 13.92) */
    fractureEnergy_J_m2: positive("J/m^2", "interface fracture energy Gc").optional(),
    cohesive: z
      .object({
        stiffness_Pa_m: positive("Pa/m", "interface stiffness k0").default(MICRO_DEFAULTS.cohesiveStiffness_Pa_m),
        initiationEnergy_J_m2: quantity("J/m^2", { min: 0 }, "damage initiation energy Y0").optional(),
        hardening_J_m2: quantity("J/m^2", { min: 0 }, "damage hardening H").optional(),
        exponent: quantity("-", { min: 1 }, "degradation exponent n of (1 - d)^n").default(MICRO_DEFAULTS.exponent),
      })
      .strict()
      .default({ stiffness_Pa_m: MICRO_DEFAULTS.cohesiveStiffness_Pa_m, exponent: MICRO_DEFAULTS.exponent }),
    spring_N_m: quantity("N/m", { min: 0 }, "right-edge spring constant").default(MICRO_DEFAULTS.spring_N_m),
    resolution: z
      .number({ error: () => RESOLUTION_EXPECTED })
      .int({ error: () => RESOLUTION_EXPECTED })
      .min(MIN_RESOLUTION, { error: () => RESOLUTION_EXPECTED })
      .max(MAX_RESOLUTION, { error: () => RESOLUTION_EXPECTED })
      .default(2),
    stop: z
      .object({
        maxConcentrationNorm: quantity("-", { min: 0, max: 1, minExclusive: true }, "stop at max c / c_max").default(0.99),
        time_s: positive("s", "stop time").optional(),
        damageAvg: quantity("-", { min: 0, max: 1, minExclusive: true }, "stop at interface-averaged damage").optional(),
        maxSteps: z.number().int().min(1).max(10_000_000).default(20_000),
      })
      .strict()
      .default({ maxConcentrationNorm: 0.99, maxSteps: 20_000 }),
    time: z
      .object({
        initialStep_s: positive("s", "first time step").optional(),
        maxStep_s: positive("s", "largest time step").optional(),
        tolerance: quantity("-", { min: 0, max: 0.5, minExclusive: true }, "local error tolerance (relative to c_max)").default(1e-3),
      })
      .strict()
      .default({ tolerance: 1e-3 }),
  })
  .strict();

export type MicroConfigInput = z.input<typeof MicroConfigSchema>;

/**
 * Validates and resolves a micro-scale configuration (YAML/JSON as read, or an object). Refuses, naming the
 * field: a Gc outside Table 2 without (Y0, H), a cohesive interface without either, a box that does not hold
 * the particle, an initial concentration already past the stop rule.
 */
export function parseMicroConfig(input: unknown, source = "micro"): MicroConfig {
  const r = MicroConfigSchema.safeParse(input);
  if (!r.success) throw configErrorFrom(r.error, input, source);
  const c = r.data;
  const boxSide_m = c.boxSide_m ?? MICRO_DEFAULTS.boxFactor * c.radius_m;
  if (!(boxSide_m > 2 * c.radius_m)) {
    throw inputError(`${source}: boxSide_m`, boxSide_m, `a box side larger than the particle diameter 2 R = ${2 * c.radius_m}`, "m");
  }
  // (Y0, H): given directly, or from paper 001 Table 2 for its three Gc
  let y0 = c.cohesive.initiationEnergy_J_m2,
    h = c.cohesive.hardening_J_m2;
  if ((y0 === undefined) !== (h === undefined)) {
    throw new ConfigError(
      `${source}: cohesive.${y0 === undefined ? "initiationEnergy_J_m2" : "hardening_J_m2"} = missing: expected both Y0 and H [J/m^2] (or neither, with fractureEnergy_J_m2)`,
    );
  }
  const fromTable = c.fractureEnergy_J_m2 === undefined ? undefined : TABLE2_COHESIVE[String(c.fractureEnergy_J_m2)];
  if (c.fractureEnergy_J_m2 !== undefined && !fromTable && y0 === undefined) {
    throw inputError(
      `${source}: fractureEnergy_J_m2`,
      c.fractureEnergy_J_m2,
      `one of paper 001 Table 2's ${Object.keys(TABLE2_COHESIVE).join(", ")} J/m^2, or cohesive.initiationEnergy_J_m2 and cohesive.hardening_J_m2 given directly (Table 2 has no (Y0, H) for this Gc)`,
      "J/m^2",
    );
  }
  if (y0 === undefined && fromTable) ({ initiationEnergy_J_m2: y0, hardening_J_m2: h } = fromTable);
  const damage = c.mechanics && c.interface === "cohesive";
  if (damage && (y0 === undefined || h === undefined)) {
    throw new ConfigError(
      `${source}: fractureEnergy_J_m2 = missing: a cohesive interface needs its damage law: fractureEnergy_J_m2 (4.21, 5.97 or 13.92 J/m^2, paper 001 Table 2) or cohesive.initiationEnergy_J_m2 and cohesive.hardening_J_m2 [J/m^2]; or interface: bonded`,
    );
  }
  if (c.stop.maxConcentrationNorm <= c.initialConcentrationNorm) {
    throw inputError(
      `${source}: stop.maxConcentrationNorm`,
      c.stop.maxConcentrationNorm,
      `a value above the initial c0 / c_max = ${c.initialConcentrationNorm} (lithiation raises c)`,
    );
  }
  if (c.time.initialStep_s !== undefined && c.time.maxStep_s !== undefined && c.time.initialStep_s > c.time.maxStep_s) {
    throw inputError(
      `${source}: time.initialStep_s`,
      c.time.initialStep_s,
      `a first step no larger than time.maxStep_s = ${c.time.maxStep_s}`,
      "s",
    );
  }
  return {
    radius_m: c.radius_m,
    boxSide_m,
    am: { ...c.am },
    se: { ...c.se },
    initialConcentrationNorm: c.initialConcentrationNorm,
    temperature_K: c.temperature_K,
    flux_mol_m2_s: c.flux_mol_m2_s,
    mechanics: c.mechanics,
    interface: c.interface,
    cohesive: {
      stiffness_Pa_m: c.cohesive.stiffness_Pa_m,
      // a bonded or diffusion-only run never reads them; 0 keeps the object plain and serializable
      initiationEnergy_J_m2: y0 ?? 0,
      hardening_J_m2: h ?? 0,
      exponent: c.cohesive.exponent,
      ...(c.fractureEnergy_J_m2 !== undefined ? { fractureEnergy_J_m2: c.fractureEnergy_J_m2 } : {}),
    },
    spring_N_m: c.spring_N_m,
    resolution: c.resolution,
    stop: { ...c.stop },
    time: { ...c.time },
  };
}

// `--set` overrides moved to host/config (the pipeline uses them too); re-exported for callers of this module
export { applyOverrides } from "../config/overrides.js";
