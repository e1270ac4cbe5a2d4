/**
 * Isostatic pressing and AM cycling (paper 003 §2.1.3): all six box faces are pressure-controlled servo walls;
 * the AM particles then grow and shrink by a diameter strain for N cycles under that pressure. The options
 * mirror the LIGGGHTS deck that paper 003's workflow uses:
 *  - servo law: `fix mesh/surface/stress/servo ... vel_max v kp k` -> maxSpeed_m_s, kp (speed = v kp (1 - F/F_target),
 *    clipped at +-v); the target force is P x the current face area, re-evaluated every step (`target_val v_F`);
 *  - swelling: `fix adapt N atom diameter v_d` -> swellEvery = N steps between radius updates, and
 *    swelling "constant-density" for its `mass yes` (mass grows with the volume) or "constant-mass";
 *  - settling of a hold: the deck's loop of `run N` chunks until the walls stop travelling and the chunk-averaged
 *    face pressures sit at the target over a window -> settle { window, travel_m, tolerance, maxSteps }.
 */
import { packingStats, type PackingStats } from "./analysis.js";
import type { DemSystem } from "./system.js";
import { clearLoadSums } from "./system_walls.js";
import { NotConvergedError } from "../config/errors.js";
import * as L from "../../assembly/dem/layout.js";
import { clamp01, runChunks, type Progress } from "./protocol.js";

export interface BoxWalls {
  xlo: number;
  xhi: number;
  ylo: number;
  yhi: number;
  zlo: number;
  zhi: number;
}

/** The servo of the box's faces: speed limit and LIGGGHTS's kp. */
export interface ServoLaw {
  maxSpeed_m_s: number;
  /** LIGGGHTS fix mesh/surface/stress/servo kp: speed = maxSpeed kp (1 - F / F_target), clipped at +-maxSpeed */
  kp: number;
}

/** The box's edge lengths from the wall separations. */
export function boxLengths(s: DemSystem, w: BoxWalls): [number, number, number] {
  const pos = (k: number) => s.wall(k).position_m;
  return [pos(w.xhi) - pos(w.xlo), pos(w.yhi) - pos(w.ylo), pos(w.zhi) - pos(w.zlo)];
}

/** The faces (wall, its axis, the four walls bounding it). */
function faces(w: BoxWalls): [number, number, [number, number, number, number]][] {
  const fx: [number, number, number, number] = [w.ylo, w.yhi, w.zlo, w.zhi],
    fy: [number, number, number, number] = [w.xlo, w.xhi, w.zlo, w.zhi],
    fz: [number, number, number, number] = [w.xlo, w.xhi, w.ylo, w.yhi];
  return [
    [w.xlo, 0, fx],
    [w.xhi, 0, fx],
    [w.ylo, 1, fy],
    [w.yhi, 1, fy],
    [w.zlo, 2, fz],
    [w.zhi, 2, fz],
  ];
}

/** Every face a servo wall at pressure_Pa x its current area (the kernel re-evaluates the area every step). */
export function servoBox(s: DemSystem, w: BoxWalls, pressure_Pa: number, law: ServoLaw): void {
  const Lb = boxLengths(s, w);
  for (const [k, axis, face] of faces(w)) {
    const area = Lb.filter((_, a) => a !== axis).reduce((a, b) => a * b, 1);
    s.setWall(k, {
      mode: "servo",
      targetPressure_Pa: pressure_Pa,
      face,
      kp: law.kp,
      maxSpeed_m_s: law.maxSpeed_m_s,
      targetLoad_N: pressure_Pa * area,
    });
  }
}

/** The box's edge lengths and the face pressures now (load / current face area), or chunk-averaged ones (`mean`). */
export function facePressures(s: DemSystem, w: BoxWalls, mean = false): { L: [number, number, number]; p: number[] } {
  const Lb = boxLengths(s, w);
  const p = faces(w).map(([k, axis]) => {
    const v = s.wall(k);
    return (mean ? v.meanLoad_N : v.load_N) / Lb.filter((_, a) => a !== axis).reduce((a, b) => a * b, 1);
  });
  return { L: Lb, p };
}

/** When a hold counts as settled (the deck's loop over `run` chunks); absent: a fixed holdSteps. */
export interface SettleOptions {
  /** chunks (of checkEvery steps) the criterion looks back over */
  window: number;
  /** largest travel of any wall over the window [m] */
  travel_m: number;
  /** every chunk-averaged face pressure within tolerance x P over the window */
  tolerance: number;
  /** steps of the hold before it fails as not settled */
  maxSteps: number;
}

/**
 * A hold under the isostatic servo: `steps` steps in chunks of `chunk`, or, with `settle`, chunks until over the last
 * `window` chunks no wall travelled more than travel_m and every chunk-averaged face pressure was within tolerance
 * x P (at least holdSteps first). Returns the steps run.
 */
export function holdIsostatic(
  s: DemSystem,
  w: BoxWalls,
  pressure_Pa: number,
  steps: number,
  chunk: number,
  settle: SettleOptions | undefined,
  each: (done: number, fraction: number) => void,
  label: string,
): number {
  if (!settle) {
    runChunks(s, steps, chunk, true, (done) => each(done, done / steps));
    return steps;
  }
  const walls = faces(w).map(([k]) => k);
  const hist: { pos: number[]; ok: boolean }[] = [];
  let done = 0;
  for (;;) {
    clearLoadSums(s);
    s.run(chunk, true);
    done += chunk;
    const { p } = facePressures(s, w, true);
    hist.push({
      pos: walls.map((k) => s.wall(k).position_m),
      ok: p.every((x) => Math.abs(x - pressure_Pa) <= settle.tolerance * pressure_Pa),
    });
    if (hist.length > settle.window + 1) hist.shift();
    let travel = Infinity;
    if (hist.length > settle.window)
      travel = Math.max(...walls.map((_, j) => Math.max(...hist.map((h) => h.pos[j])) - Math.min(...hist.map((h) => h.pos[j]))));
    const settled = done >= steps && travel <= settle.travel_m && hist.slice(1).every((h) => h.ok);
    each(done, settled ? 1 : clamp01(done / Math.max(steps, settle.maxSteps)));
    if (settled) return done;
    if (done >= settle.maxSteps) {
      throw new NotConvergedError(
        `${label}: not settled within settle.maxSteps = ${settle.maxSteps} steps: wall travel over the last ${settle.window} chunks ${Number.isFinite(travel) ? `${(travel * 1e9).toFixed(2)} nm` : "n/a"} (settle.travel_m = ${settle.travel_m} m), chunk-averaged face pressures ${p.map((x) => (x / 1e6).toFixed(3)).join(", ")} MPa (target ${(pressure_Pa / 1e6).toFixed(3)} MPa, settle.tolerance ${settle.tolerance}); raise settle.maxSteps or loosen the criterion`,
        { facePressure_Pa: p, steps: done },
      );
    }
  }
}

export interface IsostaticOptions extends ServoLaw {
  pressure_Pa: number;
  checkEvery: number;
  /** settled when every face pressure is within tolerance x P and every wall slower than 1 % of maxSpeed */
  tolerance: number;
  maxSteps: number;
  holdSteps: number;
  /** the hold ends when settled (SettleOptions) instead of after holdSteps */
  settle?: SettleOptions;
}

export interface IsostaticPoint {
  step: number;
  time_s: number;
  L_m: [number, number, number];
  facePressure_Pa: number[];
}
export interface IsostaticResult {
  curve: IsostaticPoint[];
  settled: PackingStats & { step: number; L_m: [number, number, number]; facePressure_Pa: number[] };
  steps: number;
}

export function runIsostatic(
  s: DemSystem,
  materialNames: string[],
  w: BoxWalls,
  o: IsostaticOptions,
  onProgress?: Progress,
  onState?: (state: string) => void,
): IsostaticResult {
  // leave periodicity: die walls at the particle extents along x and y (no overlap at the switch)
  const x = s.f64(L.P_X),
    y = s.f64(L.P_Y),
    r = s.f64(L.P_R);
  let x0 = Infinity,
    x1 = -Infinity,
    y0 = Infinity,
    y1 = -Infinity;
  for (let i = 0; i < s.n; i++) {
    x0 = Math.min(x0, x[i] - r[i]);
    x1 = Math.max(x1, x[i] + r[i]);
    y0 = Math.min(y0, y[i] - r[i]);
    y1 = Math.max(y1, y[i] + r[i]);
  }
  if (s.getI(L.H_PERX) || s.getI(L.H_PERY)) s.setPeriodic(false, false);
  for (const [k, p] of [
    [w.xlo, x0],
    [w.xhi, x1],
    [w.ylo, y0],
    [w.yhi, y1],
  ] as [number, number][]) {
    if (s.wall(k).mode === "off") s.setWall(k, { mode: "fixed", position_m: p, velocity_m_s: [0, 0, 0] });
  }
  const start = s.step;
  const curve: IsostaticPoint[] = [];
  servoBox(s, w, o.pressure_Pa, o);
  s.setup();
  let calm = 0,
    f = 0,
    state = facePressures(s, w);
  for (;;) {
    s.run(o.checkEvery);
    state = facePressures(s, w);
    curve.push({ step: s.step, time_s: s.time_s, L_m: state.L, facePressure_Pa: state.p });
    f = Math.max(f, clamp01(Math.min(...state.p) / o.pressure_Pa));
    onProgress?.("isostatic", s.step, state.p.reduce((a, b) => a + b, 0) / 6, state.L[2], f);
    const ok =
      state.p.every((p) => Math.abs(p - o.pressure_Pa) <= o.tolerance * o.pressure_Pa) &&
      Object.values(w).every((k) => Math.abs(s.wall(k).velocity_m_s[s.wall(k).axis]) < 0.01 * o.maxSpeed_m_s);
    calm = ok ? calm + 1 : 0;
    if (calm >= 2) break;
    if (s.step - start > o.maxSteps) {
      throw new NotConvergedError(
        `isostatic: not settled at pressure_Pa = ${o.pressure_Pa} Pa within maxSteps = ${o.maxSteps}: face pressures ${state.p.map((p) => (p / 1e6).toFixed(3)).join(", ")} MPa (tolerance ${o.tolerance}); raise maxSteps or maxSpeed_m_s`,
        { facePressure_Pa: state.p, steps: s.step - start },
      );
    }
  }
  holdIsostatic(
    s,
    w,
    o.pressure_Pa,
    Math.max(1, o.holdSteps),
    o.checkEvery,
    o.settle,
    (_, frac) => onProgress?.("isostatic hold", s.step, state.p.reduce((a, b) => a + b, 0) / 6, state.L[2], frac),
    "isostatic hold",
  );
  state = facePressures(s, w);
  const area = state.L[0] * state.L[1];
  const settled = { ...packingStats(s, materialNames, area, state.L[2]), step: s.step, L_m: state.L, facePressure_Pa: state.p };
  onState?.("isostatic");
  return { curve, settled, steps: s.step - start };
}

export interface CycleOptions {
  /** materials whose particles swell (the AM) */
  materials: number[];
  /** diameter change of a discharge (paper 003: 0.06) */
  diameterStrain: number;
  cycles: number;
  /** steps for one growth or shrink ramp */
  rampSteps: number;
  holdSteps: number;
  checkEvery: number;
  /** steps between radius updates in a ramp (LIGGGHTS fix adapt's N; default checkEvery) */
  swellEvery?: number;
  /** "constant-mass" (default) or "constant-density" (mass grows with the volume: fix adapt's `mass yes`) */
  swelling?: "constant-mass" | "constant-density";
  /** the holds end when settled instead of after holdSteps (needs the isostatic walls) */
  settle?: SettleOptions;
  /** keep the isostatic servo on these walls at this pressure (omit for fixed walls) */
  isostatic?: { walls: BoxWalls; pressure_Pa: number } & ServoLaw;
}

export interface CycleState extends PackingStats {
  name: string;
  step: number;
  L_m?: [number, number, number];
}

export function runCycle(
  s: DemSystem,
  materialNames: string[],
  o: CycleOptions,
  onProgress?: Progress,
  onState?: (state: string) => void,
): { states: CycleState[]; steps: number } {
  const r = s.f64(L.P_R);
  const mat = s.i32(L.P_MAT);
  const r0 = Float64Array.from(r);
  const m0 = Float64Array.from(s.f64(L.P_MASS));
  const grow = Array.from(mat, (m) => o.materials.includes(m));
  const density = o.swelling === "constant-density";
  const start = s.step;
  const states: CycleState[] = [];
  const setScale = (f: number) => {
    const rr = s.f64(L.P_R),
      mm = s.f64(L.P_MASS);
    let rmax = 0;
    for (let i = 0; i < s.n; i++) {
      if (grow[i]) {
        rr[i] = r0[i] * f;
        // constant density: the mass follows the volume (fix adapt ... mass yes); else it is kept
        if (density) mm[i] = m0[i] * f * f * f;
      }
      rmax = Math.max(rmax, rr[i]);
    }
    s.setF(L.H_RMAX, rmax);
    s.prepare(); // dt/(2m) and the rotational factor from the new radii and masses
  };
  const iso = o.isostatic;
  if (iso) servoBox(s, iso.walls, iso.pressure_Pa, iso);
  const dims = (): [number, number, number] | undefined => (iso ? boxLengths(s, iso.walls) : undefined);
  const area = () => {
    const d = dims();
    return d ? [d[0] * d[1], d[2]] : [NaN, NaN];
  };
  const every = o.swellEvery ?? o.checkEvery;
  const nUpdates = Math.max(1, Math.round(o.rampSteps / every));
  const ramp = (from: number, to: number, label: string) => {
    for (let c = 1; c <= nUpdates; c++) {
      setScale(from + ((to - from) * c) / nUpdates);
      s.run(every);
      onProgress?.(label, s.step, 0, 0, c / nUpdates);
    }
  };
  const hold = Math.max(1, o.holdSteps);
  const holdChunks = (label: string) => {
    if (iso)
      holdIsostatic(
        s,
        iso.walls,
        iso.pressure_Pa,
        hold,
        o.checkEvery,
        o.settle,
        (_, frac) => onProgress?.(label, s.step, 0, 0, frac),
        `cycle ${label}`,
      );
    else runChunks(s, hold, o.checkEvery, true, (done) => onProgress?.(label, s.step, 0, 0, done / hold));
  };
  s.setup();
  for (let cyc = 1; cyc <= o.cycles; cyc++) {
    ramp(1, 1 + o.diameterStrain, `D${cyc}`);
    holdChunks(`D${cyc} hold`);
    let [A, H] = area();
    states.push({ name: `D${cyc}`, step: s.step, L_m: dims(), ...packingStats(s, materialNames, A, H) });
    onState?.(`D${cyc}`);
    ramp(1 + o.diameterStrain, 1, `C${cyc}`);
    holdChunks(`C${cyc} hold`);
    [A, H] = area();
    states.push({ name: `C${cyc}`, step: s.step, L_m: dims(), ...packingStats(s, materialNames, A, H) });
    onState?.(`C${cyc}`);
  }
  return { states, steps: s.step - start };
}
