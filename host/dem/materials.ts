/**
 * Materials, pair properties, the mixing rules and the contact-model registry (CONTACT_MODELS) with the pair
 * tables it fills. Mixing rules are LIGGGHTS 3.8.0's (global_properties.cpp: createYeff, createGeff,
 * createBetaEff); paper 000 eq 3 and 5.
 */
import * as L from "../../assembly/dem/layout.js";
import * as M from "../../assembly/dem/contact/models.js";
import { ConfigError } from "../config/errors.js";

export interface Material {
  name: string;
  /** Young's modulus [Pa] */
  youngsModulus_Pa: number;
  /** Poisson's ratio [-] */
  poissonRatio: number;
  /** density [kg/m^3] */
  density_kg_m3: number;
}

export interface PairProps {
  /** coefficient of restitution [-], 0 < e <= 1 */
  restitution: number;
  /** Coulomb friction coefficient [-] */
  friction: number;
}

/** Y* = 1/((1-nu_i^2)/E_i + (1-nu_j^2)/E_j)  (paper 000 eq 3) */
export function yEff(a: Material, b: Material): number {
  return 1 / ((1 - Math.pow(a.poissonRatio, 2)) / a.youngsModulus_Pa + (1 - Math.pow(b.poissonRatio, 2)) / b.youngsModulus_Pa);
}
/** G* = 1/(2(2-nu_i)(1+nu_i)/E_i + 2(2-nu_j)(1+nu_j)/E_j)  (LIGGGHTS createGeff; paper 000 eq 5 with G = E/(2(1+nu))) */
export function gEff(a: Material, b: Material): number {
  return (
    1 /
    ((2 * (2 - a.poissonRatio) * (1 + a.poissonRatio)) / a.youngsModulus_Pa +
      (2 * (2 - b.poissonRatio) * (1 + b.poissonRatio)) / b.youngsModulus_Pa)
  );
}
/** beta = ln e / sqrt(ln^2 e + pi^2) (negative; 0 for e = 1) */
export function betaEff(e: number): number {
  const l = Math.log(e);
  return l / Math.sqrt(Math.pow(l, 2) + Math.PI * Math.PI);
}

// ---- the contact-model registry ----
//
// The sub-models a case chooses by name (`contact: {normal, damping, tangential}`), as LAMMPS's granular
// sub-model styles and LIGGGHTS's `model ... tangential ...` keywords. Each entry names its kernel id
// (assembly/dem/layout.ts; the kernels switch on it per slot, assembly/dem/contact/law.ts), declares its
// coefficients once (unit, range, and where a case gives them) and fills its columns of the pair tables: per
// contact the kernels compute k_n = KN a, k_t = KT a, gamma_n = DN sqrt(a m*), gamma_t = DT sqrt(a m*), with a
// the normal model's contact scale. The case schema (case.ts) takes every range from here; checkContact is the
// one init check of a choice.

/** Where a coefficient is given: per material (`materials.<name>`), per material pair (`pairs`, `pairDefaults`)
 *  or once per case (`contact.<name>`). */
export type CoefficientScope = "material" | "pair" | "contact";

/** A coefficient of a contact sub-model: unit, allowed range, meaning. */
export interface CoefficientSpec {
  scope: CoefficientScope;
  unit: string;
  min?: number;
  max?: number;
  minExclusive?: boolean;
  maxExclusive?: boolean;
  /** what messages call it ("Poisson's ratio") */
  label: string;
  description: string;
}

export interface ContactSubModel {
  name: string;
  /** kernel id of this sub-model in its slot (assembly/dem/layout.ts) */
  id: number;
  description: string;
  reference: string;
  coefficients: Record<string, CoefficientSpec>;
}

/** A material pair's mixed elastic constants (LIGGGHTS createYeff, createGeff). */
export interface PairMix {
  /** Y* [Pa] */ yEff_Pa: number;
  /** G* [Pa] */ gEff_Pa: number;
}

/** The choice of a case (`contact`): one sub-model name per slot, plus the case-level coefficients (SI). */
export interface ContactChoice {
  normal: string;
  damping: string;
  tangential: string;
  [coefficient: string]: unknown;
}
export const DEFAULT_CONTACT: ContactChoice = { normal: "hertz", damping: "restitution", tangential: "history" };

export interface NormalSubModel extends ContactSubModel {
  /** Per material pair: k_n = kn a and k_t = kt a, and the stiffnesses S = sn a, st a the restitution damping uses. */
  stiffness(m: PairMix, c: ContactChoice): { kn: number; kt: number; sn: number; st: number };
  /** sqrt(f) of gamma = -2 beta sqrt(f S m*): LIGGGHTS's mapping of a coefficient of restitution onto this law's
   *  dashpots; absent when the law has none (the restitution damping then refuses it) */
  restitutionFactor?: number;
}
export interface DampingSubModel extends ContactSubModel {
  /** DN, DT per material pair from the normal law's stiffnesses and the pair's coefficients */
  dashpots(normal: NormalSubModel, s: { sn: number; st: number }, p: PairProps): { dn: number; dt: number };
  /** why this damping cannot go with a normal law, or undefined when it can */
  incompatibility(normal: NormalSubModel): string | undefined;
}
export interface TangentialSubModel extends ContactSubModel {
  /** the friction coefficient of the Coulomb limit mu |F_n| */
  friction(p: PairProps): number;
}

// Coefficients several entries take, each declared once.
const YOUNGS_MODULUS: CoefficientSpec = {
  scope: "material",
  unit: "Pa",
  min: 0,
  minExclusive: true,
  max: 1e13,
  label: "Young's modulus",
  description: "Young's modulus E per material",
};
const POISSON_RATIO: CoefficientSpec = {
  scope: "material",
  unit: "-",
  min: -1,
  minExclusive: true,
  max: 0.5,
  maxExclusive: true,
  label: "Poisson's ratio",
  description: "Poisson's ratio nu per material",
};

// biome-ignore lint/correctness/noPrecisionLoss: the digits of LIGGGHTS's constant, kept as written there (the double is the same)
const SQRT_FIVE_OVER_SIX = 0.91287092917527685576161630466800355658790782499663875;

/** Registry of contact sub-models, one record per slot, chosen by name in a case file. */
export const CONTACT_MODELS: {
  normal: Record<string, NormalSubModel>;
  damping: Record<string, DampingSubModel>;
  tangential: Record<string, TangentialSubModel>;
} = {
  normal: {
    hertz: {
      name: "hertz",
      id: M.NORMAL_HERTZ,
      description: "Hertz spring: contact scale a = sqrt(R* dn), k_n = 4/3 Y* a (F = 4/3 Y* sqrt(R*) dn^1.5), k_t = 8 G* a",
      reference: "LIGGGHTS 3.8.0 normal_model_hertz.h; paper 000 eq 6, 10, 11; assembly/dem/contact/normal_hertz.ts",
      coefficients: { youngsModulus_Pa: YOUNGS_MODULUS, poissonRatio: POISSON_RATIO },
      // LIGGGHTS's association: (4./3.*Yeff)*sqrtval, (8.*Geff)*sqrtval; tangent stiffnesses S_n = 2Y* a, S_t = 8G* a
      stiffness: (m) => ({ kn: (4 / 3) * m.yEff_Pa, kt: 8 * m.gEff_Pa, sn: 2 * m.yEff_Pa, st: 8 * m.gEff_Pa }),
      // LIGGGHTS: gamma = -2 sqrt(5/6) beta sqrt(S m*) (Tsuji's factor for the nonlinear spring)
      restitutionFactor: SQRT_FIVE_OVER_SIX,
    },
    hooke: {
      name: "hooke",
      id: M.NORMAL_HOOKE,
      description:
        "linear spring k_n = 16/15 sqrt(R*) Y* (15 m* V^2/(16 sqrt(R*) Y*))^(1/5), k_t = k_n; with restitution damping gamma_n = gamma_t = sqrt(4 m* k_n/(1 + (pi/ln e)^2))",
      reference: "LIGGGHTS 3.8.0 normal_model_hooke.h (gran model hooke); assembly/dem/contact/normal_hooke.ts",
      coefficients: {
        youngsModulus_Pa: YOUNGS_MODULUS,
        poissonRatio: POISSON_RATIO,
        characteristicVelocity_m_s: {
          scope: "contact",
          unit: "m/s",
          min: 0,
          minExclusive: true,
          label: "characteristic impact velocity",
          description: "LIGGGHTS characteristicVelocity V: k_n gives the Hertz maximum overlap of a head-on impact at V",
        },
      },
      // k_n = (16/15 Y*)^(4/5) V^(2/5) (R*^2 m*)^(1/5), the last factor being the kernel's contact scale; S = k_n = k_t
      stiffness: (m, c) => {
        const kn = Math.pow((16 / 15) * m.yEff_Pa, 0.8) * Math.pow(c.characteristicVelocity_m_s as number, 0.4);
        return { kn, kt: kn, sn: kn, st: kn };
      },
      // LIGGGHTS: gamma_n = sqrt(4 m* k_n/(1 + (pi/ln e)^2)) = -2 beta sqrt(k_n m*), the exact linear result (f = 1)
      restitutionFactor: 1,
    },
  },
  damping: {
    restitution: {
      name: "restitution",
      id: M.DAMPING_RESTITUTION,
      description:
        "dashpots from the coefficient of restitution: gamma = -2 beta sqrt(f S m*), beta = ln e / sqrt(ln^2 e + pi^2), f and S from the normal law",
      reference: "LIGGGHTS 3.8.0 normal_model_hertz.h, normal_model_hooke.h; assembly/dem/contact/damping_restitution.ts",
      coefficients: {
        restitution: {
          scope: "pair",
          unit: "-",
          min: 0,
          minExclusive: true,
          max: 1,
          label: "coefficient of restitution",
          description: "coefficient of restitution e per material pair (1: no damping)",
        },
      },
      // gamma = (-2 sqrt(f) beta) sqrt(S/a) sqrt(a m*); the kernel multiplies by sqrt(a m*)
      dashpots: (normal, s, p) => {
        const damp = -2 * (normal.restitutionFactor ?? Number.NaN) * betaEff(p.restitution);
        return { dn: damp * Math.sqrt(s.sn), dt: damp * Math.sqrt(s.st) };
      },
      incompatibility: (normal) =>
        normal.restitutionFactor === undefined ? "that law has no mapping from a coefficient of restitution to its dashpots" : undefined,
    },
  },
  tangential: {
    history: {
      name: "history",
      id: M.TANGENTIAL_HISTORY,
      description:
        "spring k_t (from the normal law) on the accumulated tangential displacement, Coulomb limit mu |F_n|, dashpot while sticking",
      reference: "LIGGGHTS 3.8.0 tangential_model_history.h; paper 000 eq 11; assembly/dem/contact/tangential_history.ts",
      coefficients: {
        friction: {
          scope: "pair",
          unit: "-",
          min: 0,
          max: 10,
          label: "friction coefficient",
          description: "Coulomb friction coefficient mu per material pair",
        },
      },
      friction: (p) => p.friction,
    },
  },
};

export type ContactRegistry = typeof CONTACT_MODELS;
export type ContactSlot = keyof ContactRegistry;
export const CONTACT_SLOTS: readonly ContactSlot[] = ["normal", "damping", "tangential"];

/** Every coefficient of one scope over the whole registry, by name (a name several entries take has one spec). */
export function coefficientsOf(scope: CoefficientScope, registry: ContactRegistry = CONTACT_MODELS): Record<string, CoefficientSpec> {
  const out: Record<string, CoefficientSpec> = {};
  for (const slot of CONTACT_SLOTS)
    for (const m of Object.values(registry[slot]) as ContactSubModel[])
      for (const [name, spec] of Object.entries(m.coefficients)) {
        if (spec.scope !== scope) continue;
        if (out[name] && out[name] !== spec)
          throw new Error(`contact registry: coefficient ${name} is declared twice with different specs`);
        out[name] = spec;
      }
  return out;
}
/** The spec of one coefficient (the case schema builds its fields from these). */
export function coefficientSpec(name: string, registry: ContactRegistry = CONTACT_MODELS): CoefficientSpec {
  for (const scope of ["material", "pair", "contact"] as const) {
    const spec = coefficientsOf(scope, registry)[name];
    if (spec) return spec;
  }
  throw new Error(`contact registry: no sub-model declares the coefficient ${name}`);
}

/** A problem with a contact choice: the field under `contact` and what is wrong. */
export interface ContactIssue {
  path: string[];
  message: string;
}

/**
 * The init check of a contact choice, in one place: unknown names (listing the valid ones), sub-models that
 * cannot go together, and case-level coefficients (`contact.<name>`) that a chosen model needs but are missing or
 * that no chosen model takes. Empty when the choice is valid.
 */
export function checkContact(choice: ContactChoice, registry: ContactRegistry = CONTACT_MODELS): ContactIssue[] {
  const issues: ContactIssue[] = [];
  const chosen: ContactSubModel[] = [];
  for (const slot of CONTACT_SLOTS) {
    const models = registry[slot] as Record<string, ContactSubModel>;
    if (Object.hasOwn(models, choice[slot])) chosen.push(models[choice[slot]]);
    else issues.push({ path: [slot], message: `unknown ${slot} contact model; available: ${Object.keys(models).join(", ")}` });
  }
  if (issues.length) return issues;
  const normal = registry.normal[choice.normal];
  const damping = registry.damping[choice.damping];
  const why = damping.incompatibility(normal);
  if (why)
    issues.push({ path: ["damping"], message: `${damping.name} damping cannot be used with the ${normal.name} normal model: ${why}` });
  const needed = new Map<string, ContactSubModel>();
  for (const m of chosen) for (const [k, spec] of Object.entries(m.coefficients)) if (spec.scope === "contact") needed.set(k, m);
  for (const [k, m] of needed)
    if (choice[k] === undefined)
      issues.push({ path: [k], message: `required by the ${m.name} model: ${m.coefficients[k].label} [${m.coefficients[k].unit}]` });
  const names = chosen.map((m) => m.name).join(", ");
  for (const k of Object.keys(choice))
    if (!(CONTACT_SLOTS as readonly string[]).includes(k) && choice[k] !== undefined && !needed.has(k))
      issues.push({ path: [k], message: `not a coefficient of the chosen contact models (${names})` });
  return issues;
}

/** The sub-models of a valid choice; throws a ConfigError naming the first problem otherwise. */
export function resolveContact(choice: ContactChoice = DEFAULT_CONTACT, registry: ContactRegistry = CONTACT_MODELS) {
  const issues = checkContact(choice, registry);
  if (issues.length) {
    const { path, message } = issues[0];
    const v = choice[path[0]];
    throw new ConfigError(`contact.${path.join(".")} = ${v === undefined ? "missing" : JSON.stringify(v)}: ${message}`);
  }
  return {
    normal: registry.normal[choice.normal],
    damping: registry.damping[choice.damping],
    tangential: registry.tangential[choice.tangential],
  };
}

/** Per-type-pair tables in the layout the kernels read (row = material of i): assembly/dem/contact/law.ts. */
export interface PairTable {
  nMaterials: number;
  /** P_T_MODEL words: normal id | damping id << 8 | tangential id << 16 */ model: Int32Array;
  /** KN: k_n = KN a (hertz: 4/3 Y* [Pa]) */ kn: Float64Array;
  /** KT: k_t = KT a (hertz: 8 G* [Pa]) */ kt: Float64Array;
  /** friction coefficient [-] */ mu: Float64Array;
  /** DN: gamma_n = DN sqrt(a m*) (hertz: -2 sqrt(5/6) beta sqrt(2 Y*) [Pa^0.5]) */ dn: Float64Array;
  /** DT: gamma_t = DT sqrt(a m*) (hertz: -2 sqrt(5/6) beta sqrt(8 G*) [Pa^0.5]) */ dt: Float64Array;
  /** Y*, G*, beta for reports */
  yEff_Pa: Float64Array;
  gEff_Pa: Float64Array;
  beta: Float64Array;
}

/** The pair tables of a contact choice (default hertz + restitution + history) for the materials and pair coefficients. */
export function buildPairTable(
  materials: Material[],
  pair: (i: number, j: number) => PairProps,
  contact: ContactChoice = DEFAULT_CONTACT,
): PairTable {
  const { normal, damping, tangential } = resolveContact(contact);
  const n = materials.length;
  const f = () => new Float64Array(n * n);
  const t: PairTable = {
    nMaterials: n,
    model: new Int32Array(n * n),
    kn: f(),
    kt: f(),
    mu: f(),
    dn: f(),
    dt: f(),
    yEff_Pa: f(),
    gEff_Pa: f(),
    beta: f(),
  };
  const word = normal.id | (damping.id << L.MODEL_SHIFT_DAMPING) | (tangential.id << L.MODEL_SHIFT_TANGENTIAL);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const k = i * n + j;
      const mix: PairMix = { yEff_Pa: yEff(materials[i], materials[j]), gEff_Pa: gEff(materials[i], materials[j]) };
      const p = pair(i, j);
      const s = normal.stiffness(mix, contact);
      const d = damping.dashpots(normal, s, p);
      t.model[k] = word;
      t.yEff_Pa[k] = mix.yEff_Pa;
      t.gEff_Pa[k] = mix.gEff_Pa;
      t.beta[k] = betaEff(p.restitution);
      t.kn[k] = s.kn;
      t.kt[k] = s.kt;
      t.dn[k] = d.dn;
      t.dt[k] = d.dt;
      t.mu[k] = tangential.friction(p);
    }
  }
  return t;
}

/** Sphere mass as LAMMPS `set density`: 4 pi/3 r^3 rho. */
export function sphereMass(radius_m: number, density_kg_m3: number): number {
  return ((4.0 * Math.PI) / 3.0) * radius_m * radius_m * radius_m * density_kg_m3;
}

/** Rayleigh time T_R = pi R sqrt(rho/G) / (0.1631 nu + 0.8766), G = E/(2(1+nu)) (LIGGGHTS fix check/timestep/gran). */
export function rayleighTime(radius_m: number, m: Material, density_kg_m3 = m.density_kg_m3): number {
  const G = m.youngsModulus_Pa / (2 * (1 + m.poissonRatio));
  return (Math.PI * radius_m * Math.sqrt(density_kg_m3 / G)) / (0.1631 * m.poissonRatio + 0.8766);
}

/** Hertz contact radius a = (3 F R* / (4 Y*))^(1/3) and area pi a^2 (paper 000 eq 15-16). */
export function hertzContactRadius(force_N: number, rEff_m: number, yEff_Pa: number): number {
  return Math.cbrt((3 * Math.max(force_N, 0) * rEff_m) / (4 * yEff_Pa));
}
