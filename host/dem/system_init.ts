/**
 * What a DemSystem is built from: particle arrays, pair tables, box, walls and numerics, all SI. The case
 * resolver (resolve.ts) produces it from a case file; tests and benches may build one directly.
 */
import type { PairTable } from "./materials.js";

/** How a wall moves: fixed, at a set velocity, servo-controlled on its normal load, or switched off. */
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
