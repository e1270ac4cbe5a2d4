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
  /** -trace/3 of the above [Pa] */
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
    -(m * v[0] * v[0] + W[0]), -(m * v[1] * v[1] + W[1]), -(m * v[2] * v[2] + W[2]),
    -(m * v[0] * v[1] + W[3]), -(m * v[0] * v[2] + W[4]), -(m * v[1] * v[2] + W[5]),
  ];
}

/**
 * @param phaseOf material index -> phase name (materials sharing a name are pooled)
 * @param area_m2 box cross-section normal to the loading axis; height_m the packing height
 */
export function packingStats(s: DemSystem, materialNames: string[], area_m2: number, height_m: number): PackingStats {
  const n = s.n;
  const r = s.f64(L.P_R), m = s.f64(L.P_MASS), mat = s.i32(L.P_MAT), nc = s.i32(L.P_NCONT);
  const vx = s.f64(L.P_VX), vy = s.f64(L.P_VY), vz = s.f64(L.P_VZ);
  const W = [L.P_WXX, L.P_WYY, L.P_WZZ, L.P_WXY, L.P_WXZ, L.P_WYZ].map((sl) => s.f64(sl));
  const acc: Record<string, { n: number; z: number; sv: number[]; v: number }> = {};
  let vol = 0, ztot = 0;
  for (let i = 0; i < n; i++) {
    const name = materialNames[mat[i]];
    const a = (acc[name] ??= { n: 0, z: 0, sv: [0, 0, 0, 0, 0, 0], v: 0 });
    const V = 4 / 3 * Math.PI * r[i] * r[i] * r[i];
    const sv = stressVolume(m[i], [vx[i], vy[i], vz[i]], W.map((w) => w[i]));
    for (let c = 0; c < 6; c++) a.sv[c] += sv[c];
    a.n++; a.z += nc[i]; a.v += V;
    vol += V; ztot += nc[i];
  }
  const phases: Record<string, PhaseStats> = {};
  for (const [name, a] of Object.entries(acc)) {
    const s6 = a.sv.map((x) => x / a.v) as PhaseStats["volWeightedStress_Pa"];
    phases[name] = { n: a.n, meanCoordination: a.z / a.n, volWeightedStress_Pa: s6, meanPressure_Pa: -(s6[0] + s6[1] + s6[2]) / 3, volume_m3: a.v };
  }
  return { solidFraction: vol / (area_m2 * height_m), height_m, meanCoordination: n ? ztot / n : 0, phases };
}
