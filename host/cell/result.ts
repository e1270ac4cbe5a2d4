/** What a P2D run returns: plain, serialisable data (result.json is this object plus its file format, host/cell/output.ts). */
import type { ResolvedCellParams } from "./params_core.js";
import type { CellNumerics } from "./numerics.js";

export interface StepSummary {
  index: number;
  text: string;
  kind: string;
  termination: string;
  /** cycle (1-based) the step belongs to */
  cycle: number;
  start_s: number;
  end_s: number;
  capacity_Ah_m2: number;
  start_V: number;
  end_V: number;
}

/** Per cycle: discharge and charge throughput [Ah/m^2] and the voltage range over its accepted points. */
export interface CycleSummary {
  index: number;
  firstStep: number;
  lastStep: number;
  discharge_Ah_m2: number;
  charge_Ah_m2: number;
  minVoltage_V: number;
  maxVoltage_V: number;
}

export interface Snapshot {
  t_s: number;
  step: number;
  theta: number[][];
}

/**
 * Where OCV - V goes, at every output point [V] (positive on discharge, negative on charge). With
 * reaction-current weights w_j = |J_j| / sum |J| (uniform when no node reacts) and phi_Li = 0:
 *   ocv_V                 U(mean AM stoichiometry): the voltage after full relaxation at this state of charge
 *   concentration_V       U(mean) - sum w U(theta_surface)        (solid diffusion: surface vs mean)
 *   reaction_V            -sum w eta                              (cathode Butler-Volmer overpotential)
 *   li_metal_V            (2RT/F) asinh(I / 2 i0)                 (Li-metal anode kinetics; 0 when off)
 *   separator_ohmic_V     I Ls / kappa_sep                        (SE separator)
 *   electrode_ionic_V     -sum w phi2 - li_metal - separator      (SE in the composite, to the reaction sites)
 *   electrode_electronic_V  sum w phi1 - V                        (AM network, from the reaction sites to the collector)
 * They add up to ocv_V - voltage_V exactly (an identity for any weights summing to 1).
 */
export interface OverpotentialSeries {
  ocv_V: number[];
  concentration_V: number[];
  reaction_V: number[];
  li_metal_V: number[];
  separator_ohmic_V: number[];
  electrode_ionic_V: number[];
  electrode_electronic_V: number[];
}
export const OVERPOTENTIAL_KEYS = [
  "ocv_V",
  "concentration_V",
  "reaction_V",
  "li_metal_V",
  "separator_ohmic_V",
  "electrode_ionic_V",
  "electrode_electronic_V",
] as const;

export interface CellResult {
  version: string;
  seed: null;
  params: ResolvedCellParams["params"];
  numerics: CellNumerics;
  experiment: string[];
  derived: {
    radius_m: number;
    a_m: number;
    kappaEff_S_m: number;
    sigmaEff_S_m: number;
    oneC_A_m2: number;
    amMass_kg_m2: number;
    k0_mol_m2_s: number;
  };
  time_s: number[];
  voltage_V: number[];
  current_A_m2: number[];
  /** cumulative discharge throughput (charge negative) [Ah/m^2] and per gram of AM [mAh/g] */
  capacity_Ah_m2: number[];
  capacity_mAh_g: number[];
  step: number[];
  /** overpotential breakdown per output point (numerics.overpotentials; else empty arrays) */
  overpotentials: OverpotentialSeries;
  steps: StepSummary[];
  cycles: CycleSummary[];
  /** the experiment-level termination that stopped the run (`--termination`), else null */
  experimentTermination: { condition: string; reason: string; cycle: number } | null;
  /** the step that failed (CellSolveError; the arrays hold the solution up to it), else null */
  failure: { step: number; text: string; t_s: number; reason: string } | null;
  /** steps that ended on a safety limit or the implicit time cap instead of their own condition */
  warnings: string[];
  particleModel: string;
  /** per-node fields of the particle model at every output point, [point][node] (empty for finite volumes;
   *  the multiscale cell: c_surf_norm, c_bulk_norm, damage_avg) */
  fields: Record<string, number[][]>;
  x_m: number[];
  r_m: number[];
  snapshots: Snapshot[];
  lithium: { initial_mol_m2: number; final_mol_m2: number; passed_mol_m2: number; imbalance_rel: number };
  /** newton: iterations of all trials; safeguarded: trials the plain Newton could not solve (p2d.ts cellNewtonSafe) */
  stats: { steps: number; rejected: number; newton: number; safeguarded: number; wall_ms: number };
}
