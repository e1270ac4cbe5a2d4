/**
 * The data-driven multiscale cell (paper 001 §2.2, §3): the P2D half cell of host/cell with a trained micro
 * surrogate at every macro node (host/multiscale/particles.ts), so the interface damage <d> of the
 * chemo-mechanical micro model lowers the reaction area (eq 32) and the capacity. `runMultiscaleCell` checks
 * that the surrogate fits the cell (particle radius, c_max, initial concentration, the experiment's current
 * direction, Gc), sets the specific area from the surrogate's particle (S/V = 3/R for a sphere, 2/R for the
 * 2D micro model's cylinder) and runs the experiment through the ordinary P2D runner.
 */
import { ConfigError } from "../config/errors.js";
import type { CellKernels, MicroKernels, MultiscaleKernels } from "../core/wasm.js";
import { parseMicroConfig } from "../micro/config.js";
import type { MicroConfig } from "../micro/types.js";
import { MicroSim } from "../micro/sim.js";
import type { SurrogateSet } from "./surrogate.js";
import { MicroFeParticles } from "./concurrent.js";
import type { ExperimentStep } from "../cell/experiment.js";
import type { ResolvedCellParams } from "../cell/params_core.js";
import type { CellResult } from "../cell/result.js";
import { runExperiment, type RunOptions } from "../cell/runner.js";
import type { CellNumerics } from "../cell/numerics.js";
import {
  SURROGATE_INPUTS,
  SURROGATE_OUTPUTS,
  SurrogateParticles,
  surfacePerVolume,
  type SurrogateParticle,
  type SurrogateSetLike,
} from "./particles.js";

/**
 * The multiscale cell's default step tolerances: tolV 1e-4 V, tolTheta 5e-5 (the P2D's are 1e-5 / 5e-6). At 1C
 * with the damage surrogate they put the capacity within 4e-3 Ah/m^2 (0.02 %) and <d> within 3e-3 of the
 * converged solution (tolV 1e-7; `npm run bench -- multiscale`, section 4), far below the surrogate's own error
 * (c~_s ~0.01, <d> ~0.02-0.04 against micro runs, Fig 8), for half the steps of the P2D's tolerances.
 */
export const MULTISCALE_NUMERICS: Partial<CellNumerics> = { tolV: 1e-4, tolTheta: 5e-5 };

export interface MultiscaleOptions extends Omit<RunOptions, "particles"> {
  /** false: <d> held at 0, full reaction area (paper 001 Fig 9, blue); default true */
  damage?: boolean;
  /** the flux the micro state takes up (SurrogateParticleOptions.microFlux); default "reacting-area" (paper 001) */
  microFlux?: "reacting-area" | "particle-average";
}

/** What the result records about the micro side. */
export interface MultiscaleInfo {
  surrogate: string;
  geometry: "sphere" | "cylinder";
  fractureEnergy_J_m2: number | null;
  damage: boolean;
  microFlux: "reacting-area" | "particle-average";
  surfacePerVolume_1_m: number;
}

/**
 * A loaded surrogate folder (host/multiscale/surrogate.ts loadSurrogateSet) checked for what the cell needs
 * from its manifest: the micro model's particle (geometry, radius, c_max, c~0) and the trained flux range;
 * one line naming the field otherwise.
 */
export function cellSurrogate(set: SurrogateSet, source: string): SurrogateSetLike {
  const m = set.manifest;
  const p = (m.particle ?? {}) as Record<string, unknown>;
  const bad = (field: string, v: unknown, what: string) => new ConfigError(`${source}: ${field} = ${JSON.stringify(v)}: expected ${what}`);
  if (p.geometry !== "sphere" && p.geometry !== "cylinder")
    throw bad("particle.geometry", p.geometry, `"sphere" or "cylinder" (the micro model's particle: S/V = 3/R or 2/R)`);
  for (const [k, what] of [
    ["radius_m", "the particle radius in m"],
    ["maxConcentration_mol_m3", "c_max in mol/m^3"],
    ["initialConcentrationNorm", "the initial c/c_max of the micro runs, in (0, 1)"],
  ] as const)
    if (!(typeof p[k] === "number" && (p[k] as number) > 0)) throw bad(`particle.${k}`, p[k], what);
  for (const [i, name] of m.outputs.entries())
    if (i < 2 && name !== SURROGATE_OUTPUTS[i])
      throw bad(`outputs[${i}]`, name, `${SURROGATE_OUTPUTS[i]} (the cell reads the rates in this order)`);
  const inputs = m.inputs;
  for (const need of ["flux_mol_m2_s", "c_surf_norm_old", "c_bulk_norm_old"])
    if (!inputs.includes(need)) throw bad("inputs", inputs, `a list with ${need}`);
  const unknown = inputs.find((n) => !(SURROGATE_INPUTS as readonly string[]).includes(n));
  if (unknown) throw bad("inputs", inputs, `names from ${SURROGATE_INPUTS.join(", ")} (the cell has no '${unknown}')`);
  const tr = m.trainedOn ?? {};
  const flux = (tr.flux_mol_m2_s as [number, number] | undefined) ?? [set.nets[0].lo, set.nets[set.nets.length - 1].hi];
  return {
    manifest: {
      ...m,
      particle: p as unknown as SurrogateParticle,
      trainedOn: { ...tr, flux_mol_m2_s: flux },
    },
    nets: set.nets,
  };
}

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));

/** The cell parameters the surrogate's particle fixes, checked (one line each), and the specific area from its shape. */
export function multiscaleParams(rp: ResolvedCellParams, set: SurrogateSetLike): ResolvedCellParams {
  const m = set.manifest,
    p = m.particle,
    who = `surrogate ${m.name}`;
  const checks: [string, number, number, string][] = [
    ["Particle radius [m]", rp.radius_m, p.radius_m, "m"],
    ["Maximum concentration in AM [mol.m-3]", rp.c1max, p.maxConcentration_mol_m3, "mol/m^3"],
    ["Initial stoichiometry in AM", rp.theta0, p.initialConcentrationNorm, ""],
  ];
  for (const [key, got, want, unit] of checks)
    if (rel(got, want) > 1e-9)
      throw new ConfigError(
        `cell parameters: ${key} = ${got}: expected ${want}${unit ? ` ${unit}` : ""}, the value ${who} was trained with (its micro model's particle)`,
      );
  if (p.diffusivity_m2_s !== undefined && rp.Dtable === null && rel(rp.D0, p.diffusivity_m2_s) > 1e-9)
    throw new ConfigError(
      `cell parameters: AM diffusivity [m2.s-1] = ${rp.D0}: expected ${p.diffusivity_m2_s} m^2/s, the value ${who} was trained with`,
    );
  return { ...rp, a_m: surfacePerVolume(p) * rp.epsAM };
}

/** Runs `steps` on the multiscale cell; `core` carries both the cell and the surrogate kernels (loadCore()). */
export function runMultiscaleCell(
  core: CellKernels & MultiscaleKernels,
  rp: ResolvedCellParams,
  steps: ExperimentStep[],
  set: SurrogateSetLike,
  opts: MultiscaleOptions = {},
): CellResult & { multiscale: MultiscaleInfo } {
  const m = set.manifest;
  const hasGc = m.inputs.includes("fractureEnergy_J_m2");
  const damage = opts.damage ?? true;
  for (const s of steps)
    if (s.kind !== "discharge")
      throw new ConfigError(
        `--experiment "${s.text}": a ${s.kind} step: expected discharge steps only (surrogate ${m.name} was trained on lithiation at constant influx; a rest or charge is outside its data)`,
      );
  const gc = rp.params["Fracture energy [J.m-2]"];
  const notes: string[] = [];
  if (hasGc) {
    if (gc === undefined)
      throw new ConfigError(
        `cell parameters: "Fracture energy [J.m-2]" is missing: expected the interfacial fracture energy Gc in J/m^2 (an input of surrogate ${m.name})`,
      );
    const r = m.trainedOn.fractureEnergy_J_m2;
    if (r && !(gc >= r[0] && gc <= r[1]))
      notes.push(
        `surrogate ${m.name}: Fracture energy ${gc} J/m^2 is outside the trained range [${r[0]}, ${r[1]}] J/m^2: the damage rates are an extrapolation`,
      );
  }
  const rpm = multiscaleParams(rp, set);
  // the cell and the networks' kernel memory are laid out per run and released after it (results are plain data)
  const mark = core.heap.used;
  let r: CellResult;
  try {
    r = runExperiment(core, rpm, steps, {
      ...opts,
      numerics: { ...MULTISCALE_NUMERICS, ...opts.numerics },
      particles: (ctx) => new SurrogateParticles(core, set, ctx, { fractureEnergy_J_m2: gc, damage, microFlux: opts.microFlux }),
    });
  } finally {
    core.heap.reset(mark);
  }
  r.warnings.unshift(...notes);
  return {
    ...r,
    multiscale: {
      surrogate: m.name,
      geometry: m.particle.geometry,
      fractureEnergy_J_m2: hasGc ? (gc ?? null) : null,
      damage: damage && m.outputs.includes("ddamage_avg_dt_per_s"),
      microFlux: opts.microFlux ?? "reacting-area",
      surfacePerVolume_1_m: surfacePerVolume(m.particle),
    },
  };
}

/** The micro model's particle as the cell's: radius, c_max, diffusivity and c~0 taken from the cell parameters. */
export function microConfigForCell(rp: ResolvedCellParams, micro: Record<string, unknown> = {}): MicroConfig {
  const am = (micro.am ?? {}) as Record<string, unknown>;
  return parseMicroConfig(
    {
      flux_mol_m2_s: 1e-6, // replaced by the node's flux at every step
      resolution: 1,
      ...micro,
      fractureEnergy_J_m2: micro.fractureEnergy_J_m2 ?? rp.params["Fracture energy [J.m-2]"],
      radius_m: rp.radius_m,
      initialConcentrationNorm: rp.theta0,
      am: { ...am, diffusivity_m2_s: rp.D0, maxConcentration_mol_m3: rp.c1max },
    },
    "concurrent micro model",
  );
}

/**
 * The concurrent reference: the micro FE model at every macro node (host/multiscale/concurrent.ts), the 2D
 * model's cylinder for the specific area (S/V = 2/R), the same experiment and numerics as the surrogate cell.
 */
export function runConcurrentCell(
  core: CellKernels & MicroKernels,
  rp: ResolvedCellParams,
  steps: ExperimentStep[],
  micro: MicroConfig,
  opts: MultiscaleOptions = {},
): CellResult & { concurrent: { micro: MicroConfig; microSteps: number; newtonIterations: number } } {
  const damage = opts.damage ?? true;
  const mark = core.heap.used;
  try {
    // the specific area from the micro mesh's own S/V (the polygon's P_h / A_h), so the lithium the nodes'
    // micro models take up is the charge the cell passes
    const sv = new MicroSim(core, micro).surfacePerVolume_1_m;
    const rpm = { ...rp, a_m: sv * rp.epsAM };
    let model: MicroFeParticles | null = null;
    const r = runExperiment(core, rpm, steps, {
      ...opts,
      particles: (ctx) => (model = new MicroFeParticles(core, micro, ctx, { damage, microFlux: opts.microFlux })),
    });
    const st = (model as MicroFeParticles | null)?.stats ?? { microSteps: 0, newtonIterations: 0 };
    return { ...r, concurrent: { micro, ...st } };
  } finally {
    core.heap.reset(mark);
  }
}
