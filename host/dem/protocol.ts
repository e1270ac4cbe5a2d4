/**
 * Loading protocols on a DemSystem (paper 003 §2.1.2): uniaxial compression by a wall moving at a set
 * speed until the wall pressure reaches the target (checked every `checkEvery` steps, as LIGGGHTS's
 * compaction.in does), a hold with the wall fixed, release at a set speed until the pressure falls
 * below `releasePressure_Pa` (at most `maxReleaseChunks` checks; a release stopped there is recorded as
 * not converged, with a warning), and relaxation with the wall fixed. Each phase starts with a set-up
 * force call (LIGGGHTS `run`), and the state at the end of the hold ("loaded") and of the relaxation
 * ("released") is analysed; the packing height is the distance to the facing wall (packingHeight).
 */
import { packingStats, type PackingStats } from "./analysis.js";
import type { DemSystem } from "./system.js";
import { DemUnstableError } from "./system_status.js";
import { type RestartState, loadRestart, saveRestart } from "./system_restart.js";

/** onLimit "stop": how many checks back a jammed compression may go before the run fails after all */
const MAX_BACKOFF = 8;
import { ConfigError, NotConvergedError } from "../config/errors.js";
import * as L from "../../assembly/dem/layout.js";

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

export const UNIAXIAL_DEFAULTS = {
  speed_m_s: 5,
  checkEvery: 250,
  holdSteps: 5000,
  releaseSpeed_m_s: 5,
  releasePressure_Pa: 0.1e6,
  maxReleaseChunks: 40,
  relaxSteps: 5000,
  maxCompressionSteps: 2_000_000,
};

export interface CurvePoint {
  step: number;
  time_s: number;
  wallPosition_m: number;
  pressure_Pa: number;
}

/** How the release phase ended: below the release pressure, or stopped by maxReleaseChunks with load left. */
export interface ReleaseOutcome {
  converged: boolean;
  chunks: number;
  maxChunks: number;
  releasePressure_Pa: number;
  /** wall pressure and load when the release stopped (before the relaxation) */
  pressureAtStop_Pa: number;
  loadAtStop_N: number;
  wallPosition_m: number;
}

export interface UniaxialResult {
  curve: CurvePoint[];
  loaded: PackingStats & { pressure_Pa: number; step: number };
  /** `converged: false`: the release stopped at maxReleaseChunks with the wall still loaded */
  released: PackingStats & { pressure_Pa: number; step: number; converged: boolean; release: ReleaseOutcome };
  steps: number;
  /** one line per problem a user must not overlook (e.g. a release that did not unload) */
  warnings: string[];
}

/**
 * Progress of a protocol phase. `fraction` (0..1, never decreasing within a phase) is, per phase:
 * compress to a pressure: the highest wall pressure so far / target; compress to a position, hold, relax,
 * 2D compression and AM cycling ramps: steps done / the phase's steps; release: the pressure drop so far /
 * (pressure at the start of the release - release pressure); isostatic: the lowest face pressure / target,
 * highest so far.
 */
export type Progress = (phase: string, step: number, pressure_Pa: number, wallPosition_m: number, fraction: number) => void;

// biome-ignore lint/complexity/useMathMinMax: a NaN fraction must become 0, which Math.min/max would not do
export const clamp01 = (f: number) => (f > 1 ? 1 : f >= 0 ? f : 0);

/** Runs `steps` steps in chunks of `chunk` (same steps as one call; only the last one is recorded when `record`). */
export function runChunks(s: DemSystem, steps: number, chunk: number, record: boolean, each: (done: number) => void): void {
  let done = 0;
  while (done < steps) {
    const k = Math.min(chunk, steps - done);
    s.run(k, record && done + k === steps);
    done += k;
    each(done);
  }
}

/**
 * The packing height along wall k's axis: its distance to the nearest wall facing it (opposite side, on
 * the particles' side, not switched off), or to the box's opposite face when there is no such wall.
 */
export function packingHeight(s: DemSystem, k: number): number {
  const w = s.wall(k),
    side = s.wallSide(k);
  let best = Infinity;
  for (let q = 0; q < s.nWalls; q++) {
    if (q === k) continue;
    const o = s.wall(q);
    if (o.axis !== w.axis || o.mode === "off" || s.wallSide(q) === side) continue;
    const d = side * (o.position_m - w.position_m);
    if (d > 0 && d < best) best = d;
  }
  if (best < Infinity) return best;
  const face = side === 1 ? s.getF([L.H_HIX, L.H_HIY, L.H_HIZ][w.axis]) : s.getF([L.H_LOX, L.H_LOY, L.H_LOZ][w.axis]);
  return Math.abs(face - w.position_m);
}

export function runUniaxial(
  s: DemSystem,
  materialNames: string[],
  o: UniaxialOptions,
  onProgress?: Progress,
  onState?: (state: "loaded" | "released") => void,
): UniaxialResult {
  const w0 = s.wall(o.wall);
  const side = s.wallSide(o.wall);
  const axis = w0.axis;
  const vel = (speedInto: number): [number, number, number] => {
    const v: [number, number, number] = [0, 0, 0];
    v[axis] = side * speedInto;
    return v;
  };
  const P = () => s.wall(o.wall).load_N / o.area_m2;
  const curve: CurvePoint[] = [];
  const warnings: string[] = [];
  const point = () => {
    const w = s.wall(o.wall);
    curve.push({ step: s.step, time_s: s.time_s, wallPosition_m: w.position_m, pressure_Pa: w.load_N / o.area_m2 });
  };
  const report = (phase: string, f: number) => onProgress?.(phase, s.step, P(), s.wall(o.wall).position_m, f);
  const height = () => packingHeight(s, o.wall);

  // A: compress at constant speed until P >= target
  s.setWall(o.wall, { mode: "velocity", velocity_m_s: vel(o.speed_m_s) });
  s.setup();
  const start = s.step;
  if (o.targetPosition_m !== undefined) {
    const dist = Math.abs(s.wall(o.wall).position_m - o.targetPosition_m);
    const total = Math.round(dist / (o.speed_m_s * s.dt_s));
    if (total > o.maxCompressionSteps)
      throw new ConfigError(
        `uniaxial: targetPosition_m = ${o.targetPosition_m} m is ${total} steps away at ${o.speed_m_s} m/s, more than maxCompressionSteps = ${o.maxCompressionSteps}; raise maxCompressionSteps or speed_m_s`,
      );
    let left = total;
    while (left > 0) {
      const k = Math.min(left, o.checkEvery);
      s.run(k);
      left -= k;
      point();
      report("compress", (total - left) / total);
    }
  }
  let fCompress = 0;
  for (; o.targetPosition_m === undefined; ) {
    s.run(o.checkEvery);
    point();
    fCompress = Math.max(fCompress, clamp01(P() / o.targetPressure_Pa));
    report("compress", fCompress);
    if (P() >= o.targetPressure_Pa) break;
    if (s.step - start > o.maxCompressionSteps) {
      throw new NotConvergedError(
        `uniaxial: the wall pressure reached only ${(P() / 1e6).toFixed(3)} MPa of targetPressure_Pa = ${o.targetPressure_Pa} Pa within ${o.maxCompressionSteps} steps; the target is unreachable at this speed, or raise maxCompressionSteps`,
        { pressure_Pa: P(), steps: s.step - start },
      );
    }
  }
  // B: hold
  s.setWall(o.wall, { mode: "fixed", velocity_m_s: [0, 0, 0] });
  s.setup();
  runChunks(s, o.holdSteps, o.checkEvery, true, (done) => report("hold", done / o.holdSteps));
  point();
  const pLoaded = P();
  const loaded = { ...packingStats(s, materialNames, o.area_m2, height()), pressure_Pa: pLoaded, step: s.step };
  onState?.("loaded");
  // C: release until P <= releasePressure (at most maxReleaseChunks checks, LIGGGHTS maxC)
  s.setWall(o.wall, { mode: "velocity", velocity_m_s: vel(-o.releaseSpeed_m_s) });
  s.setup();
  let chunks = 0,
    converged = false,
    fRelease = 0;
  const drop = pLoaded - o.releasePressure_Pa;
  while (chunks < o.maxReleaseChunks) {
    s.run(o.checkEvery);
    chunks++;
    point();
    converged = P() <= o.releasePressure_Pa;
    fRelease = converged ? 1 : Math.max(fRelease, drop > 0 ? clamp01((pLoaded - P()) / drop) : 0);
    report("release", fRelease);
    if (converged) break;
  }
  const wStop = s.wall(o.wall);
  const release: ReleaseOutcome = {
    converged,
    chunks,
    maxChunks: o.maxReleaseChunks,
    releasePressure_Pa: o.releasePressure_Pa,
    pressureAtStop_Pa: P(),
    loadAtStop_N: wStop.load_N,
    wallPosition_m: wStop.position_m,
  };
  if (!converged) {
    warnings.push(
      `uniaxial: the release did not reach releasePressure_Pa = ${o.releasePressure_Pa} Pa within maxReleaseChunks = ${o.maxReleaseChunks} (x ${o.checkEvery} steps): the wall pressure was still ${(release.pressureAtStop_Pa / 1e6).toPrecision(4)} MPa (load ${release.loadAtStop_N.toPrecision(4)} N), so the "released" state is still loaded; raise maxReleaseChunks or releaseSpeed_m_s`,
    );
  }
  // D: relax with the wall where it stopped
  s.setWall(o.wall, { mode: "fixed", velocity_m_s: [0, 0, 0] });
  s.setup();
  runChunks(s, o.relaxSteps, o.checkEvery, true, (done) => report("relax", done / o.relaxSteps));
  point();
  const released = { ...packingStats(s, materialNames, o.area_m2, height()), pressure_Pa: P(), step: s.step, converged, release };
  onState?.("released");
  return { curve, loaded, released, steps: s.step - start, warnings };
}

// Isostatic pressing and AM cycling: isostatic.ts.

// ---------------------------------------------------------------------------------------------
// Displacement-controlled compression (paper 000 §2.2: the 2D frame pressed from 46-55 um to 40 um wide).

export interface DisplacementOptions {
  wall: number;
  targetPosition_m: number;
  speed_m_s: number;
  holdSteps: number;
  checkEvery: number;
  /**
   * When a particle passes limits.maxOverlapFraction or maxStepDisplacementFraction while the wall moves or
   * holds (a jammed frame that the contact law cannot press further: an SE disc squeezed between AM discs or
   * shot out from between them), go back to the last check, fix the wall there and hold, instead of failing;
   * a hold that fails goes back one more check (at most MAX_BACKOFF). The result says where the wall stayed
   * (`stoppedAt_m`).
   */
  stopAtLimit?: boolean;
}

export function runDisplacement(
  s: DemSystem,
  o: DisplacementOptions,
  onProgress?: Progress,
  onState?: (state: string) => void,
): { steps: number; load_N: number; curve: CurvePoint[]; stoppedAt_m?: number } {
  const start = s.step;
  const w = s.wall(o.wall);
  const dir = Math.sign(o.targetPosition_m - w.position_m);
  const v: [number, number, number] = [0, 0, 0];
  v[w.axis] = dir * o.speed_m_s;
  const total = Math.round(Math.abs(o.targetPosition_m - w.position_m) / (o.speed_m_s * s.dt_s));
  let left = total;
  s.setWall(o.wall, { mode: "velocity", velocity_m_s: v });
  s.setup();
  const curve: CurvePoint[] = [];
  // onLimit "stop": the states at the last few checks, to go back to when the frame jams past a limit
  const snaps: RestartState[] = [];
  const isLimit = (e: unknown) => o.stopAtLimit && e instanceof DemUnstableError;
  let stoppedAt_m: number | undefined;
  const backOff = () => {
    loadRestart(s, snaps.pop()!);
    stoppedAt_m = s.wall(o.wall).position_m;
    while (curve.length && curve[curve.length - 1].step > s.step) curve.pop();
  };
  while (left > 0) {
    const k = Math.min(left, o.checkEvery);
    if (o.stopAtLimit) {
      snaps.push(saveRestart(s));
      if (snaps.length > MAX_BACKOFF) snaps.shift();
    }
    try {
      s.run(k);
    } catch (e) {
      if (!isLimit(e)) throw e;
      backOff();
      break;
    }
    left -= k;
    const ww = s.wall(o.wall);
    curve.push({ step: s.step, time_s: s.time_s, wallPosition_m: ww.position_m, pressure_Pa: NaN });
    onProgress?.("compress", s.step, ww.load_N, ww.position_m, (total - left) / total);
  }
  const hold = Math.max(1, o.holdSteps);
  for (;;) {
    s.setWall(o.wall, { mode: "fixed", velocity_m_s: [0, 0, 0], position_m: stoppedAt_m ?? o.targetPosition_m });
    s.setup();
    try {
      runChunks(s, hold, o.checkEvery, true, (done) => {
        const ww = s.wall(o.wall);
        onProgress?.("hold", s.step, ww.load_N, ww.position_m, done / hold);
      });
      break;
    } catch (e) {
      // the held frame rearranged into a jam past the limit: hold it one check wider
      if (!isLimit(e) || snaps.length === 0) throw e;
      backOff();
    }
  }
  onState?.("compressed");
  return { steps: s.step - start, load_N: s.wall(o.wall).load_N, curve, ...(stoppedAt_m !== undefined ? { stoppedAt_m } : {}) };
}
