/**
 * The planar-wall blocks of a DemSystem (assembly/dem/layout.ts W_* slots): written at set-up, read for
 * outputs and servo reports, patched by stages and protocols between runs.
 */
import * as L from "../../assembly/dem/layout.js";
import type { DemSystem } from "./system.js";
import type { WallInit, WallMode } from "./system_init.js";

const WALL_MODE_CODE: Record<WallMode, number> = { fixed: 0, velocity: 1, servo: 2, off: 3 };
const WALL_MODES: WallMode[] = ["fixed", "velocity", "servo", "off"];

/** What a wall patch may change between runs. */
export interface WallPatch {
  position_m?: number;
  velocity_m_s?: [number, number, number];
  mode?: WallMode;
  targetLoad_N?: number;
  gain_m_per_s_N?: number;
  maxSpeed_m_s?: number;
  /** LIGGGHTS's kp (0: the gain law) */
  kp?: number;
  /** target pressure [Pa] x the current face area between `face` walls, every step (0: targetLoad_N as set) */
  targetPressure_Pa?: number;
  face?: [number, number, number, number];
}

/** A wall's state as the outputs report it. */
export interface WallView {
  name: string;
  mode: WallMode;
  axis: number;
  position_m: number;
  velocity_m_s: [number, number, number];
  force_N: [number, number, number];
  load_N: number;
  contacts: number;
  /** the mean load over the steps since the last clearLoadSums (NaN: none) [N] */
  meanLoad_N: number;
  /** the servo target load this step [N] */
  targetLoad_N: number;
}

const blockOf = (s: DemSystem, k: number) => s.getP(L.P_WALLS) + k * L.WALL_SLOTS * 8;

/** Writes wall k's block at set-up, with the addresses of its per-particle tangential history arrays. */
export function writeWall(dv: DataView, block: number, w: WallInit, hist: [number, number, number]): void {
  const b = block;
  dv.setInt32(b + L.W_AXIS * 8, w.axis, true);
  dv.setFloat64(b + L.W_SIDE * 8, w.side, true);
  dv.setFloat64(b + L.W_POS * 8, w.position_m, true);
  dv.setFloat64(b + L.W_VX * 8, w.velocity_m_s[0], true);
  dv.setFloat64(b + L.W_VY * 8, w.velocity_m_s[1], true);
  dv.setFloat64(b + L.W_VZ * 8, w.velocity_m_s[2], true);
  dv.setInt32(b + L.W_MODE * 8, WALL_MODE_CODE[w.mode], true);
  dv.setFloat64(b + L.W_TARGET * 8, w.targetLoad_N, true);
  dv.setFloat64(b + L.W_GAIN * 8, w.gain_m_per_s_N, true);
  dv.setFloat64(b + L.W_VMAX * 8, w.maxSpeed_m_s, true);
  dv.setInt32(b + L.W_MAT * 8, w.material, true);
  dv.setFloat64(b + L.W_KP * 8, w.kp ?? 0, true);
  dv.setFloat64(b + L.W_PRESS * 8, w.targetPressure_Pa ?? 0, true);
  dv.setInt32(b + L.W_FACE * 8, packFace(w.face), true);
  dv.setFloat64(b + L.W_LSUM * 8, 0, true);
  dv.setInt32(b + L.W_LCOUNT * 8, 0, true);
  dv.setUint32(b + L.W_HX * 8, hist[0], true);
  dv.setUint32(b + L.W_HY * 8, hist[1], true);
  dv.setUint32(b + L.W_HZ * 8, hist[2], true);
}

export function readWall(s: DemSystem, k: number): WallView {
  const b = blockOf(s, k);
  const dv = new DataView(s.kernels.heap.buffer);
  const f = (slot: number) => dv.getFloat64(b + slot * 8, true);
  return {
    name: s.wallNames[k],
    mode: WALL_MODES[dv.getInt32(b + L.W_MODE * 8, true)],
    axis: dv.getInt32(b + L.W_AXIS * 8, true),
    position_m: f(L.W_POS),
    velocity_m_s: [f(L.W_VX), f(L.W_VY), f(L.W_VZ)],
    force_N: [f(L.W_FX), f(L.W_FY), f(L.W_FZ)],
    load_N: f(L.W_LOAD),
    contacts: dv.getInt32(b + L.W_NCONT * 8, true),
    meanLoad_N: f(L.W_LSUM) / dv.getInt32(b + L.W_LCOUNT * 8, true),
    targetLoad_N: f(L.W_TARGET),
  };
}

/** Four wall indices, a byte each (the kernel's W_FACE); 0 when there is no face. */
function packFace(face: [number, number, number, number] | undefined): number {
  if (!face) return 0;
  for (const k of face) if (!(Number.isInteger(k) && k >= 0 && k < 255)) throw new Error(`walls: face wall index ${k}: expected 0-254`);
  return face[0] | (face[1] << 8) | (face[2] << 16) | (face[3] << 24);
}

/** Starts new load sums on every wall (the chunk-averaged pressures of a settling criterion). */
export function clearLoadSums(s: DemSystem): void {
  const dv = new DataView(s.kernels.heap.buffer);
  for (let k = 0; k < s.nWalls; k++) {
    dv.setFloat64(blockOf(s, k) + L.W_LSUM * 8, 0, true);
    dv.setInt32(blockOf(s, k) + L.W_LCOUNT * 8, 0, true);
  }
}

/** +1 when the particles lie on the positive side of wall k, -1 otherwise. */
export function wallSideOf(s: DemSystem, k: number): 1 | -1 {
  return new DataView(s.kernels.heap.buffer).getFloat64(blockOf(s, k) + L.W_SIDE * 8, true) > 0 ? 1 : -1;
}

export function patchWall(s: DemSystem, k: number, patch: WallPatch): void {
  const b = blockOf(s, k);
  const buf = s.kernels.heap.buffer;
  const dv = new DataView(buf);
  if (patch.mode && patch.mode !== "off" && dv.getInt32(b + L.W_MODE * 8, true) === WALL_MODE_CODE.off) {
    // a wall switched on starts without contact history
    for (const slot of [L.W_HX, L.W_HY, L.W_HZ]) new Float64Array(buf, dv.getUint32(b + slot * 8, true), s.n).fill(0);
  }
  if (patch.gain_m_per_s_N !== undefined) dv.setFloat64(b + L.W_GAIN * 8, patch.gain_m_per_s_N, true);
  if (patch.maxSpeed_m_s !== undefined) dv.setFloat64(b + L.W_VMAX * 8, patch.maxSpeed_m_s, true);
  if (patch.position_m !== undefined) dv.setFloat64(b + L.W_POS * 8, patch.position_m, true);
  if (patch.velocity_m_s) patch.velocity_m_s.forEach((v, a) => dv.setFloat64(b + (L.W_VX + a) * 8, v, true));
  if (patch.mode) dv.setInt32(b + L.W_MODE * 8, WALL_MODE_CODE[patch.mode], true);
  if (patch.targetLoad_N !== undefined) dv.setFloat64(b + L.W_TARGET * 8, patch.targetLoad_N, true);
  if (patch.kp !== undefined) dv.setFloat64(b + L.W_KP * 8, patch.kp, true);
  if (patch.targetPressure_Pa !== undefined) dv.setFloat64(b + L.W_PRESS * 8, patch.targetPressure_Pa, true);
  if (patch.face) dv.setInt32(b + L.W_FACE * 8, packFace(patch.face), true);
  // a wall put somewhere else or switched on or off: its particle list (wall_list.ts) is remade from here
  if (patch.position_m !== undefined || patch.mode) s.kernels.demWallLists(s.sys);
}
