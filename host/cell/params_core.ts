/**
 * P2D parameter sets (PyBaMM style: flat records, SI units in the key names): the schema, validation and
 * the derived model numbers, without file access (so it runs in browsers too). `parseCellParams`
 * validates with zod (errors name the key, the value, the expected range and unit); `resolveCellParams`
 * derives the model numbers (effective conductivities, specific area, BV rate, OCV table slopes). Reading
 * named sets and OCV table files: host/cell/params.ts (Node).
 */
import { z } from "zod";
import { ConfigError, configErrorFrom } from "../config/errors.js";
import { quantity } from "../config/schema.js";
import { pow } from "../core/portable_math.js";

export const FARADAY = 96485.33212; // C/mol
export const GAS_CONSTANT = 8.314462618; // J/(mol K)

const pos = (unit: string, what: string) => quantity(unit, { min: 0, minExclusive: true }, what);
const frac = (what: string) => quantity("", { min: 0, max: 1, minExclusive: true, maxExclusive: true }, what);

const OcvSpec = z.union(
  [
    z.literal("asheri2023_eq30"),
    z.object({ table: z.string().min(1) }).strict(),
    z.object({ points: z.array(z.tuple([z.number(), z.number()])).min(2) }).strict(),
  ],
  { error: () => `expected "asheri2023_eq30" (paper 001 eq 30), {"table": "<csv: stoichiometry, OCP [V]>"} or {"points": [[x, U], ...]}` },
);

export const CellParamsSchema = z
  .object({
    name: z.string().default("custom"),
    source: z.string().default(""),
    "Cathode thickness [m]": pos("m", "cathode thickness"),
    "Separator thickness [m]": quantity("m", { min: 0 }, "separator thickness"),
    "Active material volume fraction": frac("AM volume fraction"),
    "SE volume fraction in cathode": frac("SE volume fraction"),
    /** Volume fraction of the electron-conducting phase: sigma_eff = sigma eps^b (bruggeman) or sigma eps / tau_AM (measured); paper 001 uses 0.3; default: the AM fraction. */
    "Electronic conduction volume fraction": frac("electronic conduction volume fraction").optional(),
    "Bruggeman exponent": quantity("", { min: 0 }, "Bruggeman exponent").default(1.5),
    "Effective property method": z.enum(["bruggeman", "measured"]).default("bruggeman"),
    /** measured (both required): kappa_eff = kappa eps_SE / tau_SE (the transport results), sigma_eff = sigma eps_el / tau_AM */
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
    "AM diffusivity table [m2.s-1]": z
      .array(z.tuple([z.number(), z.number().positive()]))
      .min(2)
      .optional(),
    "Reaction rate constant k2 [m4.mol-1.s-1]": pos("m^4/(mol s)", "k2").optional(),
    "SE Li concentration [mol.m-3]": pos("mol/m^3", "SE Li concentration").optional(),
    "SE maximum Li concentration [mol.m-3]": pos("mol/m^3", "SE maximum Li concentration").optional(),
    "Exchange current density at x = 0.5 [A.m-2]": pos("A/m^2", "exchange current density").optional(),
    /** Optional Li-metal anode kinetics: symmetric Butler-Volmer at the Li|SE interface, eta = (2RT/F) asinh(i / 2 i0). Absent: ideal (no anode overpotential). */
    "Li metal exchange current density [A.m-2]": pos("A/m^2", "Li metal exchange current density").optional(),
    "Temperature [K]": pos("K", "temperature").default(298.15),
    "Open-circuit potential": OcvSpec.default("asheri2023_eq30"),
    "Butler-Volmer form": z
      .enum(["symmetric", "asheri2023"], {
        error: () =>
          `expected one of symmetric (thermodynamically consistent), asheri2023 (paper 001 eq 26-27 with the c1max unit correction)`,
      })
      .default("symmetric"),
    "1C current density [A.m-2]": pos("A/m^2", "1C current density"),
    "AM density [kg.m-3]": pos("kg/m^3", "AM density"),
    /** Safety limits (PyBaMM's keys): every galvanostatic step (discharge, charge, rest) ends when V reaches one. */
    "Lower voltage cut-off [V]": quantity("V", { min: 0, minExclusive: true }, "lower cut-off").default(2.5),
    "Upper voltage cut-off [V]": quantity("V", { min: 0, minExclusive: true }, "upper cut-off").default(4.5),
    /** Where measured values came from (fromMicrostructure writes it: the transport and surface results); recorded, not used. */
    "Microstructure provenance": z.record(z.string(), z.unknown()).optional(),
    /** Interfacial fracture energy Gc of the AM|SE interface (paper 001 Table 2): an input of the multiscale cell's damage surrogate (`assb cell --micro surrogate:<dir>`); unused by the plain P2D. */
    "Fracture energy [J.m-2]": pos("J/m^2", "interfacial fracture energy Gc").optional(),
    /** Geometric electrode area: converts absolute currents (`Discharge at 1 A`, `until 50 mA`) to current densities. */
    "Electrode area [m2]": pos("m^2", "electrode area").optional(),
  })
  .strict();

export type CellParams = z.output<typeof CellParamsSchema>;
export type CellParamsInput = z.input<typeof CellParamsSchema>;

/** Model numbers derived from a parameter set (SI). */
export interface ResolvedCellParams {
  params: CellParams;
  Lc: number;
  Ls: number;
  epsAM: number;
  epsSE: number;
  radius_m: number;
  a_m: number;
  c1max: number;
  theta0: number;
  D0: number;
  Dtable: [number, number][] | null;
  k0: number;
  FRT: number;
  bv: 0 | 1;
  kappaEff: number;
  sigmaEff: number;
  kappaSep: number;
  /** Li-metal anode exchange current density [A/m^2]; 0: no anode kinetics */
  i0Li: number;
  ocv: { x: Float64Array; u: Float64Array; m: Float64Array } | null;
  oneC_A_m2: number;
  amMass_kg_m2: number;
  vmin: number;
  vmax: number;
  /** electrode area [m^2] (absolute currents); null when not given */
  area_m2: number | null;
}

export const PARAMETER_SETS = ["Asheri2023", "Asheri2023_multiscale", "NCA_LPS_2023"] as const;

/** The rows of an OCV table's text (two columns: stoichiometry, OCP [V]; header optional); `source` names it in errors. */
export function parseOcvTable(text: string, source: string): [number, number][] {
  const lines = text.trim().split(/\r?\n/);
  const rows: [number, number][] = [];
  for (const l of lines) {
    const f = l.split(",").map((s) => Number(s.trim()));
    if (f.length < 2 || !Number.isFinite(f[0]) || !Number.isFinite(f[1])) {
      if (rows.length === 0) continue;
      throw new ConfigError(`cell parameters: OCV table ${source}: bad row '${l}'`);
    }
    rows.push([f[0], f[1]]);
  }
  return rows;
}

export function parseCellParams(input: unknown): CellParams {
  const r = CellParamsSchema.safeParse(input);
  if (!r.success) throw configErrorFrom(r.error, input, "cell parameters");
  const p = r.data;
  const radii = ["Particle radius [m]", "AM median diameter [m]", "AM D_SCA [m]"] as const;
  const given = radii.filter((k) => p[k] !== undefined);
  if (given.length !== 1)
    throw new ConfigError(`cell parameters: give exactly one of ${radii.join(", ")} (got ${given.length ? given.join(", ") : "none"})`);
  if (p["Active material volume fraction"] + p["SE volume fraction in cathode"] > 1 + 1e-12) {
    throw new ConfigError(
      `cell parameters: Active material volume fraction + SE volume fraction in cathode = ${p["Active material volume fraction"] + p["SE volume fraction in cathode"]}: expected <= 1`,
    );
  }
  if (p["Effective property method"] === "measured") {
    // Both tortuosity factors are required. A default tau_AM = 1 (the old behaviour) would silently take the
    // AM network as straight channels and overstate sigma_eff by the factor tau_AM (2-10 for real packings);
    // a warning in result.json is easily missed in sweeps, and the project refuses silently repaired input.
    // Whoever wants tau_AM = 1 writes it.
    for (const key of ["SE tortuosity factor (measured)", "AM tortuosity factor (measured)"] as const) {
      if (p[key] === undefined)
        throw new ConfigError(
          `cell parameters: Effective property method = "measured" needs "${key}" (tau = eps D / D_eff of that phase's network from assb transport)`,
        );
    }
  } else {
    for (const key of ["SE tortuosity factor (measured)", "AM tortuosity factor (measured)"] as const) {
      if (p[key] !== undefined)
        throw new ConfigError(
          `cell parameters: "${key}" = ${p[key]} is given but Effective property method = "bruggeman" ignores it: expected "Effective property method": "measured" (or drop the key)`,
        );
    }
  }
  if (!(p["Lower voltage cut-off [V]"] < p["Upper voltage cut-off [V]"])) {
    throw new ConfigError(
      `cell parameters: Lower voltage cut-off [V] = ${p["Lower voltage cut-off [V]"]}: expected below the Upper voltage cut-off [V] ${p["Upper voltage cut-off [V]"]} V`,
    );
  }
  const hasK2 = p["Reaction rate constant k2 [m4.mol-1.s-1]"] !== undefined;
  const hasJ0 = p["Exchange current density at x = 0.5 [A.m-2]"] !== undefined;
  if (hasK2 === hasJ0)
    throw new ConfigError(
      `cell parameters: give either "Reaction rate constant k2 [m4.mol-1.s-1]" (with the SE Li concentrations) or "Exchange current density at x = 0.5 [A.m-2]"`,
    );
  if (hasK2 && (p["SE Li concentration [mol.m-3]"] === undefined || p["SE maximum Li concentration [mol.m-3]"] === undefined)) {
    throw new ConfigError(
      `cell parameters: k2 needs "SE Li concentration [mol.m-3]" and "SE maximum Li concentration [mol.m-3]" (paper 001 eq 27)`,
    );
  }
  if (hasK2 && p["SE Li concentration [mol.m-3]"]! >= p["SE maximum Li concentration [mol.m-3]"]!) {
    throw new ConfigError(
      `cell parameters: SE Li concentration [mol.m-3] = ${p["SE Li concentration [mol.m-3]"]}: expected below the SE maximum ${p["SE maximum Li concentration [mol.m-3]"]} mol/m^3`,
    );
  }
  const dt = p["AM diffusivity table [m2.s-1]"];
  if (dt)
    for (let i = 1; i < dt.length; i++)
      if (!(dt[i][0] > dt[i - 1][0]))
        throw new ConfigError(
          `cell parameters: AM diffusivity table [m2.s-1] row ${i} theta = ${dt[i][0]}: expected strictly increasing stoichiometry`,
        );
  return p;
}

/** Fritsch-Carlson slopes of a strictly monotone table: the interpolant is monotone (no spurious OCV wiggles). */
export function monotoneTable(rows: [number, number][], where: string): { x: Float64Array; u: Float64Array; m: Float64Array } {
  const n = rows.length;
  if (n < 2) throw new ConfigError(`cell parameters: ${where}: at least 2 points needed`);
  const x = Float64Array.from(rows, (r) => r[0]),
    u = Float64Array.from(rows, (r) => r[1]);
  for (let i = 1; i < n; i++) {
    if (!(x[i] > x[i - 1]))
      throw new ConfigError(`cell parameters: ${where}: stoichiometry must increase strictly (row ${i}: ${x[i]} after ${x[i - 1]})`);
  }
  const d = new Float64Array(n - 1);
  for (let i = 0; i < n - 1; i++) d[i] = (u[i + 1] - u[i]) / (x[i + 1] - x[i]);
  const sign = Math.sign(d[0]);
  for (let i = 0; i < n - 1; i++) {
    if (!(Math.sign(d[i]) === sign && d[i] !== 0)) {
      throw new ConfigError(
        `cell parameters: ${where}: OCV must be strictly monotone in the stoichiometry; it turns at x = ${x[i]} (U ${u[i]} -> ${u[i + 1]} V) [expected every step of the same sign]`,
      );
    }
  }
  const m = new Float64Array(n);
  m[0] = d[0];
  m[n - 1] = d[n - 2];
  for (let i = 1; i < n - 1; i++) {
    const h0 = x[i] - x[i - 1],
      h1 = x[i + 1] - x[i];
    const w1 = 2 * h1 + h0,
      w2 = h1 + 2 * h0;
    m[i] = (w1 + w2) / (w1 / d[i - 1] + w2 / d[i]); // weighted harmonic mean (Fritsch-Butland)
  }
  return { x, u, m };
}

/** `readTable` reads an OCV table file (`{"table": path}`); without it such a set is refused (give `{"points": ...}`). */
export function resolveCellParams(p: CellParams, readTable?: (path: string) => [number, number][]): ResolvedCellParams {
  const epsAM = p["Active material volume fraction"],
    epsSE = p["SE volume fraction in cathode"];
  const b = p["Bruggeman exponent"];
  const radius_m = p["Particle radius [m]"] ?? (p["AM median diameter [m]"] ?? p["AM D_SCA [m]"]!) / 2;
  const c1max = p["Maximum concentration in AM [mol.m-3]"];
  const kappa = p["SE conductivity [S.m-1]"],
    sigma = p["AM electronic conductivity [S.m-1]"];
  let kappaEff: number, sigmaEff: number;
  if (p["Effective property method"] === "measured") {
    kappaEff = (kappa * epsSE) / p["SE tortuosity factor (measured)"]!;
    // the electron-conducting phase's fraction, as in the Bruggeman branch (fromMicrostructure sets it to the AM network's eps)
    sigmaEff = (sigma * (p["Electronic conduction volume fraction"] ?? epsAM)) / p["AM tortuosity factor (measured)"]!;
  } else {
    // paper 001 eq 9, 11 (Bruggeman); portable pow: V8's rounds differently in Node and Chromium
    kappaEff = kappa * pow(epsSE, b);
    sigmaEff = sigma * pow(p["Electronic conduction volume fraction"] ?? epsAM, b);
  }
  const FRT = FARADAY / (GAS_CONSTANT * p["Temperature [K]"]);
  const k0 =
    p["Exchange current density at x = 0.5 [A.m-2]"] !== undefined
      ? p["Exchange current density at x = 0.5 [A.m-2]"] / (FARADAY * 0.5)
      : p["Reaction rate constant k2 [m4.mol-1.s-1]"]! *
        Math.sqrt(
          (p["SE maximum Li concentration [mol.m-3]"]! - p["SE Li concentration [mol.m-3]"]!) * p["SE Li concentration [mol.m-3]"]!,
        ) *
        c1max; // eq 27 x c1max
  const spec = p["Open-circuit potential"];
  let ocv: ResolvedCellParams["ocv"] = null;
  if (typeof spec === "object") {
    if ("table" in spec && !readTable)
      throw new ConfigError(
        `cell parameters: Open-circuit potential = {"table": "${spec.table}"}: a table file needs Node (loadCellParams / resolveCellParams of host/cell/params.ts); here give {"points": [[x, U], ...]}`,
      );
    ocv =
      "table" in spec
        ? monotoneTable(readTable!(spec.table), `Open-circuit potential table ${spec.table}`)
        : monotoneTable(spec.points, "Open-circuit potential points");
  }
  return {
    params: p,
    Lc: p["Cathode thickness [m]"],
    Ls: p["Separator thickness [m]"],
    epsAM,
    epsSE,
    radius_m,
    a_m: (3 * epsAM) / radius_m,
    c1max,
    theta0: p["Initial stoichiometry in AM"],
    D0: p["AM diffusivity [m2.s-1]"],
    Dtable: p["AM diffusivity table [m2.s-1]"] ?? null,
    k0,
    FRT,
    bv: p["Butler-Volmer form"] === "symmetric" ? 0 : 1,
    kappaEff,
    sigmaEff,
    kappaSep: p["Separator SE conductivity [S.m-1]"] ?? kappa,
    i0Li: p["Li metal exchange current density [A.m-2]"] ?? 0,
    ocv,
    oneC_A_m2: p["1C current density [A.m-2]"],
    amMass_kg_m2: epsAM * p["Cathode thickness [m]"] * p["AM density [kg.m-3]"],
    vmin: p["Lower voltage cut-off [V]"],
    vmax: p["Upper voltage cut-off [V]"],
    area_m2: p["Electrode area [m2]"] ?? null,
  };
}
