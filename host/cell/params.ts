/**
 * P2D parameter sets (PyBaMM style: flat records, SI units in the key names, data files in
 * fixtures/cell/params/*.json citing their source). `parseCellParams` validates with zod (errors name
 * the key, the value, the expected range and unit); `resolveCellParams` derives the model numbers
 * (effective conductivities, specific area, BV rate, OCV table slopes).
 */
import { z } from "zod";
import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigError, configErrorFrom } from "../config/errors.js";
import { quantity } from "../config/schema.js";
import { readConfigFile } from "../config/load.js";

export const FARADAY = 96485.33212; // C/mol
export const GAS_CONSTANT = 8.314462618; // J/(mol K)

const pos = (unit: string, what: string) => quantity(unit, { min: 0, minExclusive: true }, what);
const frac = (what: string) => quantity("", { min: 0, max: 1, minExclusive: true, maxExclusive: true }, what);

const OcvSpec = z.union([
  z.literal("asheri2023_eq30"),
  z.object({ table: z.string().min(1) }).strict(),
  z.object({ points: z.array(z.tuple([z.number(), z.number()])).min(2) }).strict(),
], { error: () => `expected "asheri2023_eq30" (paper 001 eq 30), {"table": "<csv: stoichiometry, OCP [V]>"} or {"points": [[x, U], ...]}` });

export const CellParamsSchema = z.object({
  name: z.string().default("custom"),
  source: z.string().default(""),
  "Cathode thickness [m]": pos("m", "cathode thickness"),
  "Separator thickness [m]": quantity("m", { min: 0 }, "separator thickness"),
  "Active material volume fraction": frac("AM volume fraction"),
  "SE volume fraction in cathode": frac("SE volume fraction"),
  /** Volume fraction in sigma_eff = sigma eps^b (paper 001 uses 0.3; default: the AM fraction). */
  "Electronic conduction volume fraction": frac("electronic conduction volume fraction").optional(),
  "Bruggeman exponent": quantity("", { min: 0 }, "Bruggeman exponent").default(1.5),
  "Effective property method": z.enum(["bruggeman", "measured"]).default("bruggeman"),
  /** measured: kappa_eff = kappa eps_SE / tau_SE (the transport results), sigma_eff = sigma eps_AM / tau_AM */
  "SE tortuosity factor (measured)": quantity("", { min: 1 }, "SE tortuosity factor").optional(),
  "AM tortuosity factor (measured)": quantity("", { min: 1 }, "AM tortuosity factor").optional(),
  "SE conductivity [S.m-1]": pos("S/m", "SE ionic conductivity"),
  "Separator SE conductivity [S.m-1]": pos("S/m", "separator conductivity").optional(),
  "AM electronic conductivity [S.m-1]": pos("S/m", "AM electronic conductivity"),
  "Particle radius [m]": pos("m", "particle radius").optional(),
  "AM median diameter [m]": pos("m", "AM median diameter").optional(),
  /** Sauter-type diameter 6 V_AM / S_AM-SE of the packing (paper 004 eq 1-3): R = D_SCA / 2. */
  "AM D_SCA [m]": pos("m", "AM D_SCA").optional(),
  "Maximum concentration in AM [mol.m-3]": pos("mol/m^3", "maximum AM concentration"),
  "Initial stoichiometry in AM": frac("initial stoichiometry"),
  "AM diffusivity [m2.s-1]": pos("m^2/s", "AM diffusivity"),
  /** D(theta) as [[theta, D], ...] (theta increasing), linear interpolation; overrides the constant. */
  "AM diffusivity table [m2.s-1]": z.array(z.tuple([z.number(), z.number().positive()])).min(2).optional(),
  "Reaction rate constant k2 [m4.mol-1.s-1]": pos("m^4/(mol s)", "k2").optional(),
  "SE Li concentration [mol.m-3]": pos("mol/m^3", "SE Li concentration").optional(),
  "SE maximum Li concentration [mol.m-3]": pos("mol/m^3", "SE maximum Li concentration").optional(),
  "Exchange current density at x = 0.5 [A.m-2]": pos("A/m^2", "exchange current density").optional(),
  /** Optional Li-metal anode kinetics: symmetric Butler-Volmer at the Li|SE interface, eta = (2RT/F) asinh(i / 2 i0). Absent: ideal (no anode overpotential). */
  "Li metal exchange current density [A.m-2]": pos("A/m^2", "Li metal exchange current density").optional(),
  "Temperature [K]": pos("K", "temperature").default(298.15),
  "Open-circuit potential": OcvSpec.default("asheri2023_eq30"),
  "Butler-Volmer form": z.enum(["symmetric", "asheri2023"], { error: () => `expected one of symmetric (thermodynamically consistent), asheri2023 (paper 001 eq 26-27 with the c1max unit correction)` }).default("symmetric"),
  "1C current density [A.m-2]": pos("A/m^2", "1C current density"),
  "AM density [kg.m-3]": pos("kg/m^3", "AM density"),
  "Lower voltage cut-off [V]": quantity("V", { min: 0 }, "lower cut-off").default(2.5),
  "Upper voltage cut-off [V]": quantity("V", { min: 0 }, "upper cut-off").default(4.5),
}).strict();

export type CellParams = z.output<typeof CellParamsSchema>;
export type CellParamsInput = z.input<typeof CellParamsSchema>;

/** Model numbers derived from a parameter set (SI). */
export interface ResolvedCellParams {
  params: CellParams;
  Lc: number; Ls: number; epsAM: number; epsSE: number;
  radius_m: number; a_m: number; c1max: number; theta0: number;
  D0: number; Dtable: [number, number][] | null;
  k0: number; FRT: number; bv: 0 | 1;
  kappaEff: number; sigmaEff: number; kappaSep: number;
  /** Li-metal anode exchange current density [A/m^2]; 0: no anode kinetics */
  i0Li: number;
  ocv: { x: Float64Array; u: Float64Array; m: Float64Array } | null;
  oneC_A_m2: number; amMass_kg_m2: number;
  vmin: number; vmax: number;
}

/** fixtures/cell (params/, OCV tables) from host/cell and from dist/host/cell. */
export function cellFixtureDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const up of ["../..", "../../.."]) {
    const d = resolve(here, up, "fixtures/cell");
    if (existsSync(join(d, "params"))) return d;
  }
  return resolve(here, "../../fixtures/cell");
}

export const PARAMETER_SETS = ["Asheri2023", "NCA_LPS_2023"] as const;

/** Reads a named set (Asheri2023, NCA_LPS_2023) or a JSON/YAML file path; `overrides` replace keys. */
export function loadCellParams(nameOrPath: string, overrides: Record<string, unknown> = {}): CellParams {
  const named = join(cellFixtureDir(), "params", `${nameOrPath}.json`);
  const path = existsSync(named) ? named : nameOrPath;
  if (!existsSync(path)) throw new ConfigError(`cell parameters: '${nameOrPath}' is neither a parameter set (${PARAMETER_SETS.join(", ")}) nor a file`);
  const raw = readConfigFile(path) as Record<string, unknown>;
  const p = parseCellParams({ ...raw, ...overrides });
  const ocv = p["Open-circuit potential"];
  if (typeof ocv === "object" && "table" in ocv && !isAbsolute(ocv.table)) {
    const local = resolve(dirname(path), ocv.table);
    p["Open-circuit potential"] = { table: existsSync(local) ? local : join(cellFixtureDir(), ocv.table) };
  }
  return p;
}

export function parseCellParams(input: unknown): CellParams {
  const r = CellParamsSchema.safeParse(input);
  if (!r.success) throw configErrorFrom(r.error, input, "cell parameters");
  const p = r.data;
  const radii = ["Particle radius [m]", "AM median diameter [m]", "AM D_SCA [m]"] as const;
  const given = radii.filter((k) => p[k] !== undefined);
  if (given.length !== 1) throw new ConfigError(`cell parameters: give exactly one of ${radii.join(", ")} (got ${given.length ? given.join(", ") : "none"})`);
  if (p["Active material volume fraction"] + p["SE volume fraction in cathode"] > 1 + 1e-12) {
    throw new ConfigError(`cell parameters: Active material volume fraction + SE volume fraction in cathode = ${p["Active material volume fraction"] + p["SE volume fraction in cathode"]}: expected <= 1`);
  }
  if (p["Effective property method"] === "measured" && p["SE tortuosity factor (measured)"] === undefined) {
    throw new ConfigError(`cell parameters: Effective property method = "measured" needs "SE tortuosity factor (measured)" (tau = eps D / D_eff from assb transport)`);
  }
  const hasK2 = p["Reaction rate constant k2 [m4.mol-1.s-1]"] !== undefined;
  const hasJ0 = p["Exchange current density at x = 0.5 [A.m-2]"] !== undefined;
  if (hasK2 === hasJ0) throw new ConfigError(`cell parameters: give either "Reaction rate constant k2 [m4.mol-1.s-1]" (with the SE Li concentrations) or "Exchange current density at x = 0.5 [A.m-2]"`);
  if (hasK2 && (p["SE Li concentration [mol.m-3]"] === undefined || p["SE maximum Li concentration [mol.m-3]"] === undefined)) {
    throw new ConfigError(`cell parameters: k2 needs "SE Li concentration [mol.m-3]" and "SE maximum Li concentration [mol.m-3]" (paper 001 eq 27)`);
  }
  if (hasK2 && p["SE Li concentration [mol.m-3]"]! >= p["SE maximum Li concentration [mol.m-3]"]!) {
    throw new ConfigError(`cell parameters: SE Li concentration [mol.m-3] = ${p["SE Li concentration [mol.m-3]"]}: expected below the SE maximum ${p["SE maximum Li concentration [mol.m-3]"]} mol/m^3`);
  }
  const dt = p["AM diffusivity table [m2.s-1]"];
  if (dt) for (let i = 1; i < dt.length; i++) if (!(dt[i][0] > dt[i - 1][0])) throw new ConfigError(`cell parameters: AM diffusivity table [m2.s-1] row ${i} theta = ${dt[i][0]}: expected strictly increasing stoichiometry`);
  return p;
}

/** Reads an OCV table (two columns: stoichiometry, OCP [V]; header optional) and checks it is monotone. */
export function readOcvTable(path: string): [number, number][] {
  if (!existsSync(path)) throw new ConfigError(`cell parameters: Open-circuit potential table '${path}' not found`);
  const lines = readFileSync(path, "utf8").trim().split(/\r?\n/);
  const rows: [number, number][] = [];
  for (const l of lines) {
    const f = l.split(",").map((s) => Number(s.trim()));
    if (f.length < 2 || !Number.isFinite(f[0]) || !Number.isFinite(f[1])) { if (rows.length === 0) continue; throw new ConfigError(`cell parameters: OCV table ${path}: bad row '${l}'`); }
    rows.push([f[0], f[1]]);
  }
  return rows;
}

/** Fritsch-Carlson slopes of a strictly monotone table: the interpolant is monotone (no spurious OCV wiggles). */
export function monotoneTable(rows: [number, number][], where: string): { x: Float64Array; u: Float64Array; m: Float64Array } {
  const n = rows.length;
  if (n < 2) throw new ConfigError(`cell parameters: ${where}: at least 2 points needed`);
  const x = Float64Array.from(rows, (r) => r[0]), u = Float64Array.from(rows, (r) => r[1]);
  for (let i = 1; i < n; i++) {
    if (!(x[i] > x[i - 1])) throw new ConfigError(`cell parameters: ${where}: stoichiometry must increase strictly (row ${i}: ${x[i]} after ${x[i - 1]})`);
  }
  const d = new Float64Array(n - 1);
  for (let i = 0; i < n - 1; i++) d[i] = (u[i + 1] - u[i]) / (x[i + 1] - x[i]);
  const sign = Math.sign(d[0]);
  for (let i = 0; i < n - 1; i++) {
    if (!(Math.sign(d[i]) === sign && d[i] !== 0)) {
      throw new ConfigError(`cell parameters: ${where}: OCV must be strictly monotone in the stoichiometry; it turns at x = ${x[i]} (U ${u[i]} -> ${u[i + 1]} V) [expected every step of the same sign]`);
    }
  }
  const m = new Float64Array(n);
  m[0] = d[0]; m[n - 1] = d[n - 2];
  for (let i = 1; i < n - 1; i++) {
    const h0 = x[i] - x[i - 1], h1 = x[i + 1] - x[i];
    const w1 = 2 * h1 + h0, w2 = h1 + 2 * h0;
    m[i] = (w1 + w2) / (w1 / d[i - 1] + w2 / d[i]); // weighted harmonic mean (Fritsch-Butland)
  }
  return { x, u, m };
}

export function resolveCellParams(p: CellParams): ResolvedCellParams {
  const epsAM = p["Active material volume fraction"], epsSE = p["SE volume fraction in cathode"];
  const b = p["Bruggeman exponent"];
  const radius_m = p["Particle radius [m]"] ?? (p["AM median diameter [m]"] ?? p["AM D_SCA [m]"]!) / 2;
  const c1max = p["Maximum concentration in AM [mol.m-3]"];
  const kappa = p["SE conductivity [S.m-1]"], sigma = p["AM electronic conductivity [S.m-1]"];
  let kappaEff: number, sigmaEff: number;
  if (p["Effective property method"] === "measured") {
    kappaEff = kappa * epsSE / p["SE tortuosity factor (measured)"]!;
    sigmaEff = sigma * epsAM / (p["AM tortuosity factor (measured)"] ?? 1);
  } else {
    kappaEff = kappa * epsSE ** b; // paper 001 eq 9, 11 (Bruggeman)
    sigmaEff = sigma * (p["Electronic conduction volume fraction"] ?? epsAM) ** b;
  }
  const FRT = FARADAY / (GAS_CONSTANT * p["Temperature [K]"]);
  const k0 = p["Exchange current density at x = 0.5 [A.m-2]"] !== undefined
    ? p["Exchange current density at x = 0.5 [A.m-2]"] / (FARADAY * 0.5)
    : p["Reaction rate constant k2 [m4.mol-1.s-1]"]! * Math.sqrt((p["SE maximum Li concentration [mol.m-3]"]! - p["SE Li concentration [mol.m-3]"]!) * p["SE Li concentration [mol.m-3]"]!) * c1max; // eq 27 x c1max
  const spec = p["Open-circuit potential"];
  let ocv: ResolvedCellParams["ocv"] = null;
  if (typeof spec === "object") ocv = "table" in spec ? monotoneTable(readOcvTable(spec.table), `Open-circuit potential table ${spec.table}`) : monotoneTable(spec.points, "Open-circuit potential points");
  return {
    params: p, Lc: p["Cathode thickness [m]"], Ls: p["Separator thickness [m]"], epsAM, epsSE,
    radius_m, a_m: 3 * epsAM / radius_m, c1max, theta0: p["Initial stoichiometry in AM"],
    D0: p["AM diffusivity [m2.s-1]"], Dtable: p["AM diffusivity table [m2.s-1]"] ?? null,
    k0, FRT, bv: p["Butler-Volmer form"] === "symmetric" ? 0 : 1,
    kappaEff, sigmaEff, kappaSep: p["Separator SE conductivity [S.m-1]"] ?? kappa,
    i0Li: p["Li metal exchange current density [A.m-2]"] ?? 0,
    ocv, oneC_A_m2: p["1C current density [A.m-2]"],
    amMass_kg_m2: epsAM * p["Cathode thickness [m]"] * p["AM density [kg.m-3]"],
    vmin: p["Lower voltage cut-off [V]"], vmax: p["Upper voltage cut-off [V]"],
  };
}
