/**
 * Loading protocols on a DemSystem (paper 003 §2.1.2): uniaxial compression by a wall moving at a set
 * speed until the wall pressure reaches the target (checked every `checkEvery` steps, as LIGGGHTS's
 * compaction.in does), a hold with the wall fixed, release at a set speed until the pressure falls
 * below `releasePressure_Pa`, and relaxation with the wall fixed. Each phase starts with a set-up
 * force call (LIGGGHTS `run`), and the state at the end of the hold ("loaded") and of the relaxation
 * ("released") is analysed.
 */
import { packingStats, type PackingStats } from "./analysis.js";
import type { DemSystem } from "./system.js";

export interface UniaxialOptions {
  /** wall index in the system (the moving punch) */
  wall: number;
  /** area the wall load is divided by [m^2] */
  area_m2: number;
  targetPressure_Pa: number;
  /** displacement control instead: stop when the wall reaches this position [m] (exact step count) */
  targetPosition_m?: number;
  speed_m_s: number;
  checkEvery: number;
  holdSteps: number;
  releaseSpeed_m_s: number;
  releasePressure_Pa: number;
  /** release chunks of checkEvery steps at most (LIGGGHTS maxC) */
  maxReleaseChunks: number;
  relaxSteps: number;
  /** stop with an error if the target is not reached within this many steps */
  maxCompressionSteps: number;
}

export const UNIAXIAL_DEFAULTS = { speed_m_s: 5, checkEvery: 250, holdSteps: 5000, releaseSpeed_m_s: 5, releasePressure_Pa: 0.1e6, maxReleaseChunks: 40, relaxSteps: 5000, maxCompressionSteps: 2_000_000 };

export interface CurvePoint { step: number; time_s: number; wallPosition_m: number; pressure_Pa: number }

export interface UniaxialResult {
  curve: CurvePoint[];
  loaded: PackingStats & { pressure_Pa: number; step: number };
  released: PackingStats & { pressure_Pa: number; step: number };
  steps: number;
}

export type Progress = (phase: string, step: number, pressure_Pa: number, wallPosition_m: number) => void;

export function runUniaxial(s: DemSystem, materialNames: string[], o: UniaxialOptions, onProgress?: Progress, onState?: (state: "loaded" | "released") => void): UniaxialResult {
  const w0 = s.wall(o.wall);
  const side = s.wallSide(o.wall);
  const axis = w0.axis;
  const vel = (speedInto: number): [number, number, number] => { const v: [number, number, number] = [0, 0, 0]; v[axis] = side * speedInto; return v; };
  const P = () => s.wall(o.wall).load_N / o.area_m2;
  const curve: CurvePoint[] = [];
  const point = () => { const w = s.wall(o.wall); curve.push({ step: s.step, time_s: s.time_s, wallPosition_m: w.position_m, pressure_Pa: w.load_N / o.area_m2 }); };
  // the packing height is the wall's distance from the opposite boundary at 0 along the axis
  const height = () => Math.abs(s.wall(o.wall).position_m);

  // A: compress at constant speed until P >= target
  s.setWall(o.wall, { mode: "velocity", velocity_m_s: vel(o.speed_m_s) });
  s.setup();
  const start = s.step;
  if (o.targetPosition_m !== undefined) {
    const dist = Math.abs(s.wall(o.wall).position_m - o.targetPosition_m);
    let left = Math.round(dist / (o.speed_m_s * s.dt_s));
    if (left > o.maxCompressionSteps) throw new Error(`uniaxial: targetPosition_m = ${o.targetPosition_m} m is ${left} steps away at ${o.speed_m_s} m/s, more than maxCompressionSteps = ${o.maxCompressionSteps}`);
    while (left > 0) {
      const k = Math.min(left, o.checkEvery);
      s.run(k);
      left -= k;
      point();
      onProgress?.("compress", s.step, P(), s.wall(o.wall).position_m);
    }
  }
  for (; o.targetPosition_m === undefined;) {
    s.run(o.checkEvery);
    point();
    onProgress?.("compress", s.step, P(), s.wall(o.wall).position_m);
    if (P() >= o.targetPressure_Pa) break;
    if (s.step - start > o.maxCompressionSteps) {
      throw new Error(`uniaxial: the wall pressure reached only ${(P() / 1e6).toFixed(3)} MPa of targetPressure_Pa = ${o.targetPressure_Pa} Pa within ${o.maxCompressionSteps} steps; the target is unreachable at this speed, or raise maxCompressionSteps`);
    }
  }
  // B: hold
  s.setWall(o.wall, { mode: "fixed", velocity_m_s: [0, 0, 0] });
  s.setup();
  s.run(o.holdSteps, true);
  point();
  onProgress?.("hold", s.step, P(), s.wall(o.wall).position_m);
  const loaded = { ...packingStats(s, materialNames, o.area_m2, height()), pressure_Pa: P(), step: s.step };
  onState?.("loaded");
  // C: release until P <= releasePressure
  s.setWall(o.wall, { mode: "velocity", velocity_m_s: vel(-o.releaseSpeed_m_s) });
  s.setup();
  for (let c = 0; c < o.maxReleaseChunks; c++) {
    s.run(o.checkEvery);
    point();
    onProgress?.("release", s.step, P(), s.wall(o.wall).position_m);
    if (P() <= o.releasePressure_Pa) break;
  }
  // D: relax with the wall where it stopped
  s.setWall(o.wall, { mode: "fixed", velocity_m_s: [0, 0, 0] });
  s.setup();
  s.run(o.relaxSteps, true);
  point();
  onProgress?.("relax", s.step, P(), s.wall(o.wall).position_m);
  const released = { ...packingStats(s, materialNames, o.area_m2, height()), pressure_Pa: P(), step: s.step };
  onState?.("released");
  return { curve, loaded, released, steps: s.step - start };
}
