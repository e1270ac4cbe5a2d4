/**
 * What a DemSystem is built from: particle arrays, pair tables, box, walls and numerics, all SI. The case
 * resolver (resolve.ts) produces it from a case file; tests and benches may build one directly.
 */
import type { PairTable } from "./materials.js";
import * as L from "../../assembly/dem/layout.js";

/** How a wall moves: fixed, at a set velocity, servo-controlled on its normal load, or switched off. */
/** Every f64 per-particle array of the memory map (allocated by the system, all saved in a restart). */
export const PARTICLE_F64 = [
  L.P_X,
  L.P_Y,
  L.P_Z,
  L.P_VX,
  L.P_VY,
  L.P_VZ,
  L.P_WX,
  L.P_WY,
  L.P_WZ,
  L.P_FX,
  L.P_FY,
  L.P_FZ,
  L.P_TX,
  L.P_TY,
  L.P_TZ,
  L.P_R,
  L.P_MASS,
  L.P_DTFM,
  L.P_DTIR,
  L.P_XR,
  L.P_YR,
  L.P_ZR,
  L.P_WXX,
  L.P_WYY,
  L.P_WZZ,
  L.P_WXY,
  L.P_WXZ,
  L.P_WYZ,
];

export type WallMode = "fixed" | "velocity" | "servo" | "off";

export interface WallInit {
  name: string;
  /** 0 = x, 1 = y, 2 = z */
  axis: 0 | 1 | 2;
  /** +1: particles lie at larger coordinates than the plane; -1: at smaller */
  side: 1 | -1;
  position_m: number;
  velocity_m_s: [number, number, number];
  mode: WallMode;
  /** servo: target normal load [N] */
  targetLoad_N: number;
  /** servo: normal speed per newton of load error [m/(s N)] */
  gain_m_per_s_N: number;
  /** servo: speed limit [m/s] */
  maxSpeed_m_s: number;
  /** servo: LIGGGHTS's kp (speed = maxSpeed kp (1 - load / target)); 0 or absent: the gain law */
  kp?: number;
  /** servo: target pressure [Pa], the target load = pressure x the face area between `face` walls every step */
  targetPressure_Pa?: number;
  /** with targetPressure_Pa: the walls bounding the face (lo, hi along the first other axis, lo, hi along the second) */
  face?: [number, number, number, number];
  material: number;
}

export interface SystemInit {
  dimension: 2 | 3;
  /** particle arrays, length n (SI units) */
  position_m: { x: Float64Array; y: Float64Array; z: Float64Array };
  velocity_m_s?: { x: Float64Array; y: Float64Array; z: Float64Array };
  angularVelocity_rad_s?: { x: Float64Array; y: Float64Array; z: Float64Array };
  radius_m: Float64Array;
  mass_kg: Float64Array;
  material: Int32Array;
  pairs: PairTable;
  box: { lo_m: [number, number, number]; hi_m: [number, number, number]; periodic: [boolean, boolean] };
  walls: WallInit[];
  dt_s: number;
  skin_m: number;
  externalForce_N?: [number, number, number];
  gravity_m_s2?: [number, number, number];
  /** 0.4 for spheres (LIGGGHTS nve/sphere), 0.5 for discs */
  inertiaFactor?: number;
  /** blow-up limits */
  maxOverlapFraction?: number;
  maxStepDisplacementFraction?: number;
  /** first capacity of the neighbour list (grown on demand; tests set it small) */
  initialPairCapacity?: number;
}
