/**
 * The micro-scale chemo-mechanical model of paper 001 (§2.1.2, §3.2.1; SPEC §6): a circular active-material
 * (AM) particle in a square solid-electrolyte (SE) box, lithiated by a uniform pore-wall flux, swelling
 * anisotropically and damaging the AM|SE interface. These are the plain objects handed between the config
 * (host/micro/config.ts), the model (host/micro/model.ts) and the outputs (host/micro/output.ts). SI units.
 */

/** The resolved configuration of one run (every field filled, SI). */
export interface MicroConfig {
  /** AM particle radius R [m] (paper: not given; project: 1 um) */
  radius_m: number;
  /** side of the square box around the particle [m] (project: 2.5 R) */
  boxSide_m: number;
  am: {
    youngsModulus_Pa: number;
    poissonRatio: number;
    /** partial molar volume Omega [m^3/mol]; the eigenstrain is (c - c0) Omega_t, Omega_t = Omega/3 diag(2, -1, 2) */
    partialMolarVolume_m3_mol: number;
    diffusivity_m2_s: number;
    maxConcentration_mol_m3: number;
  };
  se: { youngsModulus_Pa: number; poissonRatio: number };
  /** c0 / c_max, uniform and stress-free at t = 0 */
  initialConcentrationNorm: number;
  temperature_K: number;
  /** pore-wall flux into the particle J_s [mol/(m^2 s)] (SI; the paper's values are in um-based units, x 1e-6) */
  flux_mol_m2_s: number;
  /** false: diffusion only (no displacement unknowns, no stress coupling) */
  mechanics: boolean;
  /** cohesive: zero-thickness cohesive elements with damage; bonded: shared interface nodes */
  interface: "cohesive" | "bonded";
  cohesive: {
    /** K0 = k0 I (normal = tangential) [Pa/m] */
    stiffness_Pa_m: number;
    /** damage initiation energy Y0 [J/m^2 = Pa m] */
    initiationEnergy_J_m2: number;
    /** hardening H [J/m^2] */
    hardening_J_m2: number;
    /** f_d = (1 - d)^n */
    exponent: number;
    /** the Gc these (Y0, H) belong to, when they came from paper 001 Table 2 (provenance only) */
    fractureEnergy_J_m2?: number;
  };
  /** right-edge spring (eq 49), applied as a distributed traction -(K/L) u_x [N/m] */
  spring_N_m: number;
  /** mesh refinement knob (integer >= 1; 1 = the coarsest mesh that resolves the interface) */
  resolution: number;
  stop: {
    /** stop when max c / c_max reaches this (default 0.99: the mobility vanishes at 1) */
    maxConcentrationNorm: number;
    /** stop at this time [s] */
    time_s?: number;
    /** stop when the interface-averaged damage reaches this */
    damageAvg?: number;
    /** refuse the run (NotConvergedError) if no stop rule is reached within this many accepted steps */
    maxSteps: number;
  };
  time: {
    /** first step [s] (default: from the diffusion time R^2/D and the flux) */
    initialStep_s?: number;
    /** largest step [s] */
    maxStep_s?: number;
    /** local error tolerance of the adaptive step on the concentration (relative to c_max) */
    tolerance: number;
  };
}

/** One run's result: averages over time, the final fields, and what happened. */
export interface MicroResult {
  kind: "assbkit.micro.result";
  format: 1;
  version: string;
  config: MicroConfig;
  mesh: { nodes: number; elements: number; interfaceElements: number; unknowns: number };
  /** one entry per accepted step, t = 0 first (the column names are the timeseries.csv header) */
  series: {
    t_s: number[];
    /** surface average of c over the interface length (eq 29) [mol/m^3] */
    c_surf_avg_mol_m3: number[];
    /** area average of c over the particle (eq 33) [mol/m^3] */
    c_bulk_avg_mol_m3: number[];
    c_surf_norm: number[];
    c_bulk_norm: number[];
    c_max_norm: number[];
    /** interface-averaged damage <d> (length average) and its maximum */
    damage_avg: number[];
    damage_max: number[];
    vm_max_AM_Pa: number[];
    vm_max_SE_Pa: number[];
    dt_s: number[];
    newton_iterations: number[];
  };
  /** fields at the end (for VTK and plots): node coordinates, displacements, concentration (NaN off the AM), per-element von Mises and phase (1 AM, 2 SE), quads (4 node indices each), the interface elements */
  final: {
    x_m: Float64Array;
    y_m: Float64Array;
    ux_m: Float64Array;
    uy_m: Float64Array;
    c_mol_m3: Float64Array;
    quads: Int32Array;
    phase: Uint8Array;
    vonMises_Pa: Float64Array;
    interface: { x_m: Float64Array; y_m: Float64Array; d: Float64Array; gn_m: Float64Array; gt_m: Float64Array };
  };
  /** first accepted step with d > 0 anywhere [s]; null when the interface never damaged */
  damageOnset_s: number | null;
  stop: { reason: "maxConcentrationNorm" | "time" | "damageAvg"; t_s: number };
  steps: number;
  rejectedSteps: number;
  wallClock_s: number;
}
