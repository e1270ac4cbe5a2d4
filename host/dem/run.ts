/**
 * Runs a DEM case: builds the system from the resolved case (resolve.ts), runs its stages (each begins with a
 * LIGGGHTS-style set-up force call), records the time series and returns a plain result object.
 */
import type { Kernels } from "../core/wasm.js";
import { ConfigError } from "../config/errors.js";
import { VERSION } from "../version.js";
import type { Packing } from "../pack/packing.js";
import { demPacking, stateBox } from "./packing.js";
import * as L from "../../assembly/dem/layout.js";
import { type DemCase, axisIndex } from "./case.js";
import { DemSystem } from "./system.js";
import { motionPatch, type ResolvedCase } from "./resolve.js";
import { particleColumns } from "./particle_columns.js";

export { resolveCase, motionPatch, type ResolvedCase, type ResolvedParticles, type TextReader } from "./resolve.js";
export { particleColumns } from "./particle_columns.js";

const FIELD_SLOT: Record<string, number> = {
  x_m: L.P_X,
  y_m: L.P_Y,
  z_m: L.P_Z,
  vx_m_s: L.P_VX,
  vy_m_s: L.P_VY,
  vz_m_s: L.P_VZ,
  wx_rad_s: L.P_WX,
  wy_rad_s: L.P_WY,
  wz_rad_s: L.P_WZ,
  fx_N: L.P_FX,
  fy_N: L.P_FY,
  fz_N: L.P_FZ,
  tx_N_m: L.P_TX,
  ty_N_m: L.P_TY,
  tz_N_m: L.P_TZ,
};

export interface DemResult {
  kind: "assbkit.dem.result";
  version: string;
  seed: number;
  backend: string;
  config: DemCase;
  timeseries: { columns: string[]; rows: number[][] };
  particles: Record<string, number[] | string[]>;
  /** the final state as the packing handed to the next stage (box narrowed to the walls, periodicity) */
  packing: Packing;
  contacts: Record<string, number[]>;
  summary: {
    steps: number;
    time_s: number;
    dt_s: number;
    rayleighTime_s: number;
    dtOverRayleigh: number;
    neighborBuilds: number;
    wallClock_s: number;
    particleSteps_per_s: number;
    particles: number;
    contacts: number;
    meanCoordination: number;
    kineticEnergy_J: number;
    rotationalEnergy_J: number;
    walls: ReturnType<DemSystem["wall"]>[];
    stages: { name: string; steps: number; endTime_s: number }[];
  };
}

export interface RunOptions {
  /** progress callback: (stage name, steps done in stage, stage steps) */
  onProgress?: (stage: string, done: number, total: number) => void;
  /** called with the system before it steps (e.g. to step it on several threads: startDemThreads, Node) */
  onSystem?: (s: DemSystem) => void;
}

/** Energies and contact statistics of the current state. */
export function stateGlobals(s: DemSystem, inertia: number) {
  const n = s.n;
  const m = s.f64(L.P_MASS),
    r = s.f64(L.P_R);
  const vx = s.f64(L.P_VX),
    vy = s.f64(L.P_VY),
    vz = s.f64(L.P_VZ);
  const wx = s.f64(L.P_WX),
    wy = s.f64(L.P_WY),
    wz = s.f64(L.P_WZ);
  let ke = 0,
    re = 0;
  for (let i = 0; i < n; i++) {
    ke += 0.5 * m[i] * (vx[i] * vx[i] + vy[i] * vy[i] + vz[i] * vz[i]);
    re += 0.5 * inertia * m[i] * r[i] * r[i] * (wx[i] * wx[i] + wy[i] * wy[i] + wz[i] * wz[i]);
  }
  return { kineticEnergy_J: ke, rotationalEnergy_J: re };
}

export function runCase(kernels: Kernels, rc: ResolvedCase, opts: RunOptions = {}): DemResult {
  const c = rc.config;
  const s = new DemSystem(kernels, rc.init);
  s.ids = rc.particles.id;
  opts.onSystem?.(s);
  const idIndex = new Map<number, number>();
  rc.particles.id.forEach((id, k) => idIndex.set(id, k));
  const rec = c.record;
  const recIdx = rec.particles.map((id, k) => {
    const i = idIndex.get(id);
    if (i === undefined) throw new ConfigError(`record.particles.${k} = ${id}: no particle has this id`);
    return i;
  });
  const columns = ["step", "time_s"];
  for (const id of rec.particles) for (const f of rec.fields) columns.push(`p${id}_${f}`);
  if (rec.walls)
    for (const w of s.wallNames)
      columns.push(`wall_${w}_position_m`, `wall_${w}_force_x_N`, `wall_${w}_force_y_N`, `wall_${w}_force_z_N`, `wall_${w}_load_N`);
  columns.push(...rec.global);
  const rows: number[][] = [];

  const takeRow = () => {
    const row = [s.step, s.time_s];
    for (const i of recIdx) for (const f of rec.fields) row.push(s.f64(FIELD_SLOT[f])[i]);
    if (rec.walls)
      for (let k = 0; k < s.nWalls; k++) {
        const w = s.wall(k);
        row.push(w.position_m, ...w.force_N, w.load_N);
      }
    if (rec.global.length) {
      const g = stateGlobals(s, c.inertiaFactor);
      const ct = s.getI(L.H_NCONTACTS);
      for (const name of rec.global) {
        if (name === "kineticEnergy_J") row.push(g.kineticEnergy_J);
        else if (name === "rotationalEnergy_J") row.push(g.rotationalEnergy_J);
        else if (name === "contacts") row.push(ct);
        else if (name === "meanCoordination") row.push(s.n ? (2 * ct) / s.n : 0);
        else if (name === "maxOverlap_m") {
          const d = s.contacts().overlap_m;
          let mx = 0;
          for (const v of d) mx = Math.max(mx, v);
          row.push(mx);
        }
      }
    }
    rows.push(row);
  };

  const t0 = performance.now();
  const stages: DemResult["summary"]["stages"] = [];
  const every = rec.every;
  c.stages.forEach((st, k) => {
    const P = s.f64.bind(s);
    if (st.setVelocity_m_s) {
      const v = st.setVelocity_m_s;
      if (v.x !== undefined) P(L.P_VX).fill(v.x);
      if (v.y !== undefined) P(L.P_VY).fill(v.y);
      if (v.z !== undefined) P(L.P_VZ).fill(v.z);
    }
    if (st.setAngularVelocity_rad_s) {
      const w = st.setAngularVelocity_rad_s;
      if (w.x !== undefined) P(L.P_WX).fill(w.x);
      if (w.y !== undefined) P(L.P_WY).fill(w.y);
      if (w.z !== undefined) P(L.P_WZ).fill(w.z);
    }
    for (const [name, m] of Object.entries(st.walls ?? {})) {
      const wi = s.wallNames.indexOf(name);
      const axis = axisIndex(c.walls[wi].axis);
      const patch = motionPatch(c, axis, m, `stages.${k}.walls.${name}`);
      s.setWall(wi, { mode: patch.mode, velocity_m_s: patch.velocity_m_s, targetLoad_N: patch.targetLoad_N });
      if (patch.mode === "servo") s.setWall(wi, { gain_m_per_s_N: patch.gain_m_per_s_N, maxSpeed_m_s: patch.maxSpeed_m_s, kp: patch.kp });
    }
    const nsteps = st.steps ?? Math.max(1, Math.round(st.duration_s! / s.dt_s));
    s.setup();
    const end = s.step + nsteps;
    while (s.step < end) {
      const nextRec = (Math.floor(s.step / every) + 1) * every;
      const stop = Math.min(end, nextRec);
      const isRec = stop === nextRec || stop === end;
      s.run(stop - s.step, isRec);
      if (stop === nextRec) takeRow();
      opts.onProgress?.(st.name, nsteps - (end - s.step), nsteps);
    }
    stages.push({ name: st.name, steps: nsteps, endTime_s: s.time_s });
  });
  const wall = (performance.now() - t0) / 1000;

  // final per-particle and per-contact data (the last step was recorded)
  const n = s.n;
  const ct = s.contacts();
  const ids = rc.particles.id;
  const particles = particleColumns(s, rc);
  const contacts = {
    i_id: Array.from(ct.i, (i) => ids[i]),
    j_id: Array.from(ct.j, (j) => ids[j]),
    overlap_m: Array.from(ct.overlap_m),
    fn_N: Array.from(ct.fn_N),
    ftx_N: Array.from(ct.ft_N[0]),
    fty_N: Array.from(ct.ft_N[1]),
    ftz_N: Array.from(ct.ft_N[2]),
  };
  const glob = stateGlobals(s, c.inertiaFactor);
  const steps = s.step;
  return {
    kind: "assbkit.dem.result",
    version: VERSION,
    seed: c.seed,
    backend: kernels.name,
    config: c,
    timeseries: { columns, rows },
    particles,
    packing: demPacking(c, particles, stateBox(s, c), `dem ${c.name}: final state`),
    contacts,
    summary: {
      steps,
      time_s: s.time_s,
      dt_s: s.dt_s,
      rayleighTime_s: rc.rayleighTime_s,
      dtOverRayleigh: s.dt_s / rc.rayleighTime_s,
      neighborBuilds: s.neighborBuilds,
      wallClock_s: wall,
      particleSteps_per_s: wall > 0 ? (steps * n) / wall : 0,
      particles: n,
      contacts: ct.i.length,
      meanCoordination: n ? (2 * ct.i.length) / n : 0,
      kineticEnergy_J: glob.kineticEnergy_J,
      rotationalEnergy_J: glob.rotationalEnergy_J,
      walls: Array.from({ length: s.nWalls }, (_, k) => s.wall(k)),
      stages,
    },
  };
}
