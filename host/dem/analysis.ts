/**
 * Packing analytics from a DemSystem state recorded in its last step: solid fraction, coordination and
 * volume-weighted mean stress per phase (the LIGGGHTS `stress/atom` sum over a phase divided by the
 * phase's particle volume, paper 003 Fig. 4), Hertz contact areas (paper 000 eq 15-16).
 */
import * as L from "../../assembly/dem/layout.js";
import type { DemSystem } from "./system.js";

export interface PhaseStats {
  n: number;
  meanCoordination: number;
  /** volume-weighted mean stress [Pa]: xx, yy, zz, xy, xz, yz (negative = compressive) */
  volWeightedStress_Pa: [number, number, number, number, number, number];
  /** mean stress, compression positive [Pa]: -tr/3 in 3D, the in-plane -(xx + yy)/2 in 2D (see vonMisesAndPressure) */
  meanPressure_Pa: number;
  volume_m3: number;
}

export interface PackingStats {
  /** particle volume / (box cross-section x height) */
  solidFraction: number;
  height_m: number;
  meanCoordination: number;
  phases: Record<string, PhaseStats>;
}

/** Per-particle stress tensor x volume (Pa m^3, LIGGGHTS stress/atom) of particle i. */
function stressVolume(m: number, v: [number, number, number], W: number[]): number[] {
  return [
    -(m * v[0] * v[0] + W[0]),
    -(m * v[1] * v[1] + W[1]),
    -(m * v[2] * v[2] + W[2]),
    -(m * v[0] * v[1] + W[3]),
    -(m * v[0] * v[2] + W[4]),
    -(m * v[1] * v[2] + W[5]),
  ];
}

/**
 * @param phaseOf material index -> phase name (materials sharing a name are pooled)
 * @param area_m2 box cross-section normal to the loading axis; height_m the packing height
 */
export function packingStats(s: DemSystem, materialNames: string[], area_m2: number, height_m: number): PackingStats {
  const n = s.n;
  const r = s.f64(L.P_R),
    m = s.f64(L.P_MASS),
    mat = s.i32(L.P_MAT),
    nc = s.i32(L.P_NCONT);
  const vx = s.f64(L.P_VX),
    vy = s.f64(L.P_VY),
    vz = s.f64(L.P_VZ);
  const W = [L.P_WXX, L.P_WYY, L.P_WZZ, L.P_WXY, L.P_WXZ, L.P_WYZ].map((sl) => s.f64(sl));
  const acc: Record<string, { n: number; z: number; sv: number[]; v: number }> = {};
  let vol = 0,
    ztot = 0;
  for (let i = 0; i < n; i++) {
    const name = materialNames[mat[i]];
    acc[name] ??= { n: 0, z: 0, sv: [0, 0, 0, 0, 0, 0], v: 0 };
    const a = acc[name];
    const V = (4 / 3) * Math.PI * r[i] * r[i] * r[i];
    const sv = stressVolume(
      m[i],
      [vx[i], vy[i], vz[i]],
      W.map((w) => w[i]),
    );
    for (let c = 0; c < 6; c++) a.sv[c] += sv[c];
    a.n++;
    a.z += nc[i];
    a.v += V;
    vol += V;
    ztot += nc[i];
  }
  const phases: Record<string, PhaseStats> = {};
  const is2d = s.getI(L.H_DIM) === 2;
  for (const [name, a] of Object.entries(acc)) {
    const s6 = a.sv.map((x) => x / a.v) as PhaseStats["volWeightedStress_Pa"];
    phases[name] = {
      n: a.n,
      meanCoordination: a.z / a.n,
      volWeightedStress_Pa: s6,
      meanPressure_Pa: is2d ? -(s6[0] + s6[1]) / 2 : -(s6[0] + s6[1] + s6[2]) / 3,
      volume_m3: a.v,
    };
  }
  return { solidFraction: vol / (area_m2 * height_m), height_m, meanCoordination: n ? ztot / n : 0, phases };
}

/** Per-particle stress tensor columns (Pa) as produced by particleColumns. */
export interface StressColumns {
  sxx_Pa: number[];
  syy_Pa: number[];
  szz_Pa: number[];
  sxy_Pa: number[];
  sxz_Pa: number[];
  syz_Pa: number[];
}

/**
 * von Mises equivalent stress and mean stress ("pressure", compression positive) per particle [Pa].
 * 3D: p = -tr(s)/3 and the usual von Mises of the full tensor.
 * 2D (spheres with their centres in the xy plane, all contact forces in that plane): s_zz = s_xz = s_yz = 0
 * exactly, so -tr/3 would count a zero out-of-plane component and give 2/3 of the in-plane mean. The 2D
 * convention is the in-plane mean p = -(s_xx + s_yy)/2 and the von Mises stress of the in-plane (plane-
 * stress) tensor, sqrt(s_xx^2 - s_xx s_yy + s_yy^2 + 3 s_xy^2); the tensor itself stays the sphere's
 * (divided by 4/3 pi R^3, as in 3D).
 */
export function vonMisesAndPressure(s: StressColumns, dimension: 2 | 3 = 3): { vonMises_Pa: number[]; pressure_Pa: number[] } {
  const n = s.sxx_Pa.length;
  const vm: number[] = new Array(n),
    p: number[] = new Array(n);
  for (let k = 0; k < n; k++) {
    const a = s.sxx_Pa[k],
      b = s.syy_Pa[k],
      c = s.szz_Pa[k];
    if (dimension === 2) {
      vm[k] = Math.sqrt(a * a - a * b + b * b + 3 * s.sxy_Pa[k] ** 2);
      p[k] = -(a + b) / 2;
    } else {
      vm[k] = Math.sqrt(0.5 * ((a - b) ** 2 + (b - c) ** 2 + (c - a) ** 2) + 3 * (s.sxy_Pa[k] ** 2 + s.sxz_Pa[k] ** 2 + s.syz_Pa[k] ** 2));
      p[k] = -(a + b + c) / 3;
    }
  }
  return { vonMises_Pa: vm, pressure_Pa: p };
}

export interface MeanSd {
  mean: number;
  sd: number;
  n: number;
}
export function meanSd(v: number[]): MeanSd {
  const n = v.length;
  if (n === 0) return { mean: NaN, sd: NaN, n };
  const m = v.reduce((a, b) => a + b, 0) / n;
  const sd = n > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (n - 1)) : 0;
  return { mean: m, sd, n };
}

/** Mean of `values` in equal-width bins of `key` over [lo, hi], per group (e.g. phase). */
export function binned(key: number[], values: number[], group: string[], lo: number, hi: number, bins: number) {
  const edges = Array.from({ length: bins + 1 }, (_, k) => lo + ((hi - lo) * k) / bins);
  const groups = [...new Set(group)].sort();
  const out: Record<string, { mean: number[]; count: number[] }> = {};
  for (const g of groups) out[g] = { mean: new Array(bins).fill(0), count: new Array(bins).fill(0) };
  for (let k = 0; k < key.length; k++) {
    let b = Math.floor(((key[k] - lo) / (hi - lo)) * bins);
    if (b < 0 || b > bins || !Number.isFinite(b)) continue;
    if (b === bins) b = bins - 1;
    out[group[k]].mean[b] += values[k];
    out[group[k]].count[b]++;
  }
  for (const g of groups) out[g].mean = out[g].mean.map((s, b) => (out[g].count[b] ? s / out[g].count[b] : NaN));
  return { edges, groups: out };
}

/** Volume-weighted mean of a per-particle value on an nx x ny grid over the box cross-section (xy heat map). */
export function heatMapXY(
  x: number[],
  y: number[],
  r: number[],
  v: number[],
  lo: [number, number],
  hi: [number, number],
  nx: number,
  ny: number,
): number[][] {
  const sum = Array.from({ length: ny }, () => new Array(nx).fill(0));
  const w = Array.from({ length: ny }, () => new Array(nx).fill(0));
  for (let k = 0; k < x.length; k++) {
    const i = Math.min(nx - 1, Math.max(0, Math.floor(((x[k] - lo[0]) / (hi[0] - lo[0])) * nx)));
    const j = Math.min(ny - 1, Math.max(0, Math.floor(((y[k] - lo[1]) / (hi[1] - lo[1])) * ny)));
    const V = r[k] ** 3;
    sum[j][i] += v[k] * V;
    w[j][i] += V;
  }
  return sum.map((row, j) => row.map((s, i) => (w[j][i] ? s / w[j][i] : NaN)));
}

export interface ContactAreas {
  /** Hertz contact radius a = (3 F R* / (4 Y*))^(1/3) [m] and area pi a^2 [m^2] per contact (paper 000 eq 15-16) */
  radius_m: number[];
  area_m2: number[];
  /** summed contact area by material pair "A-B" [m^2] */
  areaByPair_m2: Record<string, number>;
  /** AM-SE reaction area [m^2] and SE coverage of the AM surface (paper 000 eq 17, f = 1) */
  reactionArea_m2: number;
  amSurface_m2: number;
  seCoverage: number;
}

/**
 * Hertz contact areas from the normal forces of the last recorded step. Materials named by `am` and `se`
 * define the reaction area; the coverage divides it by the AM surface 4 pi R^2 summed over AM particles.
 */
export function contactAreas(
  ct: { i: ArrayLike<number>; j: ArrayLike<number>; fn_N: ArrayLike<number> },
  radius: ArrayLike<number>,
  material: ArrayLike<number>,
  materialNames: string[],
  yEff_Pa: ArrayLike<number>,
  am = "AM",
  se = "SE",
): ContactAreas {
  const nm = materialNames.length;
  const radius_m: number[] = [],
    area_m2: number[] = [];
  const byPair: Record<string, number> = {};
  const iam = materialNames.indexOf(am),
    ise = materialNames.indexOf(se);
  let reaction = 0;
  for (let c = 0; c < ct.i.length; c++) {
    const i = ct.i[c],
      j = ct.j[c];
    const ri = radius[i],
      rj = radius[j];
    const mi = material[i],
      mj = material[j];
    const a = Math.cbrt((3 * Math.max(ct.fn_N[c], 0) * ((ri * rj) / (ri + rj))) / (4 * yEff_Pa[mi * nm + mj]));
    const S = Math.PI * a * a;
    radius_m.push(a);
    area_m2.push(S);
    const key = [materialNames[mi], materialNames[mj]].sort().join("-");
    byPair[key] = (byPair[key] ?? 0) + S;
    if ((mi === iam && mj === ise) || (mi === ise && mj === iam)) reaction += S;
  }
  let amSurface = 0;
  for (let k = 0; k < radius.length; k++) if (material[k] === iam) amSurface += 4 * Math.PI * radius[k] * radius[k];
  return {
    radius_m,
    area_m2,
    areaByPair_m2: byPair,
    reactionArea_m2: reaction,
    amSurface_m2: amSurface,
    seCoverage: amSurface > 0 ? reaction / amSurface : 0,
  };
}
