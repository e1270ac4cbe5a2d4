/**
 * Materials, pair properties and the contact-model registry. Mixing rules are LIGGGHTS 3.8.0's
 * (global_properties.cpp: createYeff, createGeff, createBetaEff); paper 000 eq 3 and 5.
 */

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

/** Coefficients of a contact sub-model: name -> unit, allowed range, meaning. */
export interface CoefficientSpec {
  unit: string;
  min: number;
  max: number;
  minExclusive?: boolean;
  maxExclusive?: boolean;
  description: string;
}

export interface ContactSubModel {
  name: string;
  description: string;
  reference: string;
  coefficients: Record<string, CoefficientSpec>;
}

/** Registry of contact sub-models, chosen by name in a case file (`contact: {normal, tangential}`). */
export const CONTACT_MODELS: { normal: Record<string, ContactSubModel>; tangential: Record<string, ContactSubModel> } = {
  normal: {
    hertz: {
      name: "hertz",
      description:
        "Hertz spring k_n = 4/3 Y* sqrt(R* dn) with the restitution-based dashpot of LIGGGHTS (gamma_n = -2 sqrt(5/6) beta sqrt(S_n m*))",
      reference: "LIGGGHTS 3.8.0 normal_model_hertz.h; paper 000 eq 6, 10",
      coefficients: {
        youngsModulus_Pa: { unit: "Pa", min: 0, max: 1e13, minExclusive: true, description: "Young's modulus per material" },
        poissonRatio: { unit: "-", min: -1, max: 0.5, minExclusive: true, description: "Poisson's ratio per material" },
        restitution: { unit: "-", min: 0, max: 1, minExclusive: true, description: "coefficient of restitution per material pair" },
      },
    },
  },
  tangential: {
    history: {
      name: "history",
      description:
        "Mindlin spring k_t = 8 G* sqrt(R* dn) on the accumulated tangential displacement, Coulomb limit mu |F_n|, dashpot while sticking",
      reference: "LIGGGHTS 3.8.0 tangential_model_history.h; paper 000 eq 11",
      coefficients: {
        friction: { unit: "-", min: 0, max: 10, description: "Coulomb friction coefficient per material pair" },
      },
    },
  },
};

/** Flattened per-type-pair coefficient tables in the layout the kernels read (row = type i). */
export interface PairTable {
  nMaterials: number;
  /** 4/3 Y* [Pa] */ kn: Float64Array;
  /** 8 G* [Pa] */ st: Float64Array;
  /** friction [-] */ mu: Float64Array;
  /** -2 sqrt(5/6) beta sqrt(2 Y*) [Pa^0.5]: gamma_n = dn sqrt(sqrt(R* dn) m*) */ dn: Float64Array;
  /** -2 sqrt(5/6) beta sqrt(8 G*) [Pa^0.5]: gamma_t = dt sqrt(sqrt(R* dn) m*) */ dt: Float64Array;
  /** Y*, G*, beta for reports */
  yEff_Pa: Float64Array;
  gEff_Pa: Float64Array;
  beta: Float64Array;
}

// biome-ignore lint/correctness/noPrecisionLoss: the digits of LIGGGHTS's constant, kept as written there (the double is the same)
const SQRT_FIVE_OVER_SIX = 0.91287092917527685576161630466800355658790782499663875;

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

export function buildPairTable(materials: Material[], pair: (i: number, j: number) => PairProps): PairTable {
  const n = materials.length;
  const t: PairTable = {
    nMaterials: n,
    kn: new Float64Array(n * n),
    st: new Float64Array(n * n),
    mu: new Float64Array(n * n),
    dn: new Float64Array(n * n),
    dt: new Float64Array(n * n),
    yEff_Pa: new Float64Array(n * n),
    gEff_Pa: new Float64Array(n * n),
    beta: new Float64Array(n * n),
  };
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const k = i * n + j;
      const Y = yEff(materials[i], materials[j]);
      const G = gEff(materials[i], materials[j]);
      const p = pair(i, j);
      const beta = betaEff(p.restitution);
      t.yEff_Pa[k] = Y;
      t.gEff_Pa[k] = G;
      t.beta[k] = beta;
      // same association as LIGGGHTS for the springs: (4./3.*Yeff)*sqrtval, (8.*Geff)*sqrtval; the dashpots
      // gamma = -2 sqrt(5/6) beta sqrt(S m*) with S = (2Y* or 8G*) sqrt(R* dn) share one sqrt(sqrt(R* dn) m*)
      // in the kernel, so their constants -2 sqrt(5/6) beta sqrt(2Y*) and ... sqrt(8G*) are tabulated here
      t.kn[k] = (4 / 3) * Y;
      t.st[k] = 8 * G;
      const damp = -2 * SQRT_FIVE_OVER_SIX * beta;
      t.mu[k] = p.friction;
      t.dn[k] = damp * Math.sqrt(2 * Y);
      t.dt[k] = damp * Math.sqrt(8 * G);
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
