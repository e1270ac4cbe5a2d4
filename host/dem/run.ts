/**
 * Runs a DEM case: resolves the case into kernel memory, runs its stages (each begins with a
 * LIGGGHTS-style set-up force call), records the time series and returns a plain result object.
 */
import type { Kernels } from "../core/wasm.js";
import { ConfigError, inputError } from "../config/errors.js";
import { VERSION } from "../version.js";
import { parseParticleTable, type Packing } from "../pack/packing.js";
import { demPacking, stateBox } from "./packing.js";
import * as L from "../../assembly/dem/layout.js";
import { type DemCase, axisIndex } from "./case.js";
import { buildPairTable, rayleighTime, sphereMass, type Material } from "./materials.js";
import { DemSystem, type SystemInit, type WallInit } from "./system.js";
import { mortonOrder, permute } from "./order.js";

export interface ResolvedParticles {
  id: Int32Array;
  material: Int32Array;
  radius_m: Float64Array;
  density_kg_m3: Float64Array;
  x: Float64Array;
  y: Float64Array;
  z: Float64Array;
  vx: Float64Array;
  vy: Float64Array;
  vz: Float64Array;
  wx: Float64Array;
  wy: Float64Array;
  wz: Float64Array;
}

export interface ResolvedCase {
  config: DemCase;
  materialNames: string[];
  materials: Material[];
  particles: ResolvedParticles;
  init: SystemInit;
  rayleighTime_s: number;
}

/** Reads a file referenced by a case (particle CSV); Node passes fs, a browser passes fetched text. */
export type TextReader = (path: string) => string;

export function resolveCase(c: DemCase, readText?: TextReader): ResolvedCase {
  const materialNames = Object.keys(c.materials);
  const materials: Material[] = materialNames.map((name) => ({ name, ...c.materials[name] }));
  const mIndex = (m: string) => materialNames.indexOf(m);
  const pairs = buildPairTable(materials, (i, j) => {
    const a = materialNames[i],
      b = materialNames[j];
    const p =
      c.pairs.find((q) => (q.materials[0] === a && q.materials[1] === b) || (q.materials[0] === b && q.materials[1] === a)) ??
      c.pairDefaults;
    if (!p)
      throw new ConfigError(
        `pairs = missing (${a}, ${b}): no restitution/friction for this material pair; add {materials: [${a}, ${b}], restitution, friction} to pairs or set pairDefaults`,
      );
    return p;
  });

  let P: ResolvedParticles;
  if (Array.isArray(c.particles)) {
    const n = c.particles.length;
    P = alloc(n);
    c.particles.forEach((p, k) => {
      P.id[k] = p.id ?? k + 1;
      P.material[k] = mIndex(p.material);
      P.radius_m[k] = p.radius_m;
      P.density_kg_m3[k] = p.density_kg_m3 ?? c.materials[p.material].density_kg_m3;
      [P.x[k], P.y[k], P.z[k]] = p.position_m;
      [P.vx[k], P.vy[k], P.vz[k]] = p.velocity_m_s;
      [P.wx[k], P.wy[k], P.wz[k]] = p.angularVelocity_rad_s;
    });
  } else {
    if (!readText)
      throw new ConfigError(
        `particles.csv = "${c.particles.csv}": reading files needs a reader (use loadDemCase in Node, or pass inline particles)`,
      );
    const src = c.particles.csv;
    // the one validator of particle files (numbers finite, radii > 0, ids unique, codes known)
    const t = parseParticleTable(readText(src), src, c.particles.materials);
    const col = t.columns as Record<string, number[] | undefined>;
    const n = t.n;
    const vel = ["vx_m_s", "vy_m_s", "vz_m_s"].filter((v) => col[v]);
    if (vel.length > 0 && vel.length < 3)
      throw new ConfigError(
        `${src}: has ${vel.join(", ")} but not all of vx_m_s, vy_m_s, vz_m_s; expected all three velocity columns or none [m/s]`,
      );
    P = alloc(n);
    for (let k = 0; k < n; k++) {
      // `type` codes arrive mapped through particles.materials; a `material` column names the case's materials (or maps through it)
      let mname = t.material[k];
      if (!(mname in c.materials)) mname = c.particles.materials[mname] ?? mname;
      if (!(mname in c.materials))
        throw inputError(
          `${src} row ${k + 2}, material`,
          t.material[k],
          `a material of the case (${materialNames.join(", ")}) or a key of particles.materials`,
        );
      P.id[k] = col.id ? col.id[k] : k + 1;
      P.material[k] = mIndex(mname);
      P.radius_m[k] = col.radius_m![k];
      P.density_kg_m3[k] = col.density_kg_m3 ? col.density_kg_m3[k] : c.materials[mname].density_kg_m3;
      if (!(P.density_kg_m3[k] > 0)) throw inputError(`${src} row ${k + 2}, density_kg_m3`, P.density_kg_m3[k], "a density > 0", "kg/m^3");
      P.x[k] = col.x_m![k];
      P.y[k] = col.y_m![k];
      P.z[k] = col.z_m![k];
      if (col.vx_m_s) {
        P.vx[k] = col.vx_m_s[k];
        P.vy[k] = col.vy_m_s![k];
        P.vz[k] = col.vz_m_s![k];
      }
    }
  }
  checkInsideBox(c, P);
  let n = P.id.length;
  // spatial order for cache locality of the pair loop; outputs are reported by id
  let rsum = 0;
  for (let k = 0; k < n; k++) rsum += P.radius_m[k];
  if (n > 64) P = permute(P, mortonOrder(P.x, P.y, P.z, (2 * rsum) / n));
  n = P.id.length;
  if (c.dimension === 2) {
    for (let k = 0; k < n; k++) {
      P.vz[k] = 0;
      P.wx[k] = 0;
      P.wy[k] = 0;
    }
  }
  const mass = new Float64Array(n);
  let tr = Infinity;
  let rmin = Infinity;
  for (let k = 0; k < n; k++) {
    mass[k] = sphereMass(P.radius_m[k], P.density_kg_m3[k]);
    tr = Math.min(tr, rayleighTime(P.radius_m[k], materials[P.material[k]], P.density_kg_m3[k]));
    rmin = Math.min(rmin, P.radius_m[k]);
  }
  const dt = "dt_s" in c.timestep ? c.timestep.dt_s : c.timestep.rayleighFraction * tr;
  const lo = c.box.lo_m,
    hi = c.box.hi_m;
  const walls: WallInit[] = c.walls.map((w, k) =>
    wallInit(c, w.name, axisIndex(w.axis), w.side === "+" ? 1 : -1, w.position_m, mIndex(w.material), w.motion, `walls.${k}.motion`),
  );
  const init: SystemInit = {
    dimension: c.dimension,
    position_m: { x: P.x, y: P.y, z: P.z },
    velocity_m_s: { x: P.vx, y: P.vy, z: P.vz },
    angularVelocity_rad_s: { x: P.wx, y: P.wy, z: P.wz },
    radius_m: P.radius_m,
    mass_kg: mass,
    material: P.material,
    pairs,
    box: { lo_m: [lo[0], lo[1], lo[2]], hi_m: [hi[0], hi[1], hi[2]], periodic: c.box.periodic },
    walls,
    dt_s: dt,
    skin_m: c.neighbor.skin_m ?? 0.2 * rmin,
    externalForce_N: c.externalForce_N,
    gravity_m_s2: c.gravity_m_s2,
    inertiaFactor: c.inertiaFactor,
    maxOverlapFraction: c.limits.maxOverlapFraction,
    maxStepDisplacementFraction: c.limits.maxStepDisplacementFraction,
  };
  return { config: c, materialNames, materials, particles: P, init, rayleighTime_s: tr };
}

/**
 * Every particle centre must lie in the box along non-periodic axes, within one radius of a face (a
 * centre further out has no neighbour cell and no wall to meet); periodic axes wrap any coordinate.
 */
function checkInsideBox(c: DemCase, P: ResolvedParticles): void {
  const lo = c.box.lo_m,
    hi = c.box.hi_m;
  const periodic = [c.box.periodic[0], c.box.periodic[1], false];
  const coord = [P.x, P.y, P.z];
  const src = Array.isArray(c.particles) ? "particles" : c.particles.csv;
  for (let k = 0; k < P.id.length; k++) {
    const r = P.radius_m[k];
    for (let a = 0; a < 3; a++) {
      const v = coord[a][k];
      if (!Number.isFinite(v)) throw inputError(`${src}: particle id ${P.id[k]}, ${"xyz"[a]}_m`, v, "a finite coordinate", "m");
      if (periodic[a] || (v >= lo[a] - r && v <= hi[a] + r)) continue;
      throw inputError(
        `${src}: particle id ${P.id[k]}, ${"xyz"[a]}_m`,
        v,
        `a centre inside the box along ${"xyz"[a]}, [${lo[a]}, ${hi[a]}] give or take the particle radius ${r} (non-periodic axis)`,
        "m",
      );
    }
  }
}

type Motion = DemCase["walls"][number]["motion"];

function wallInit(
  c: DemCase,
  name: string,
  axis: 0 | 1 | 2,
  side: 1 | -1,
  pos: number,
  material: number,
  m: Motion,
  field: string,
): WallInit {
  const base: WallInit = {
    name,
    axis,
    side,
    position_m: pos,
    velocity_m_s: [0, 0, 0],
    mode: "fixed",
    targetLoad_N: 0,
    gain_m_per_s_N: 0,
    maxSpeed_m_s: 0,
    material,
  };
  return { ...base, ...motionPatch(c, axis, m, field) };
}

/** Wall motion -> kernel wall fields; pressure targets use the box cross-section normal to the wall. */
export function motionPatch(c: DemCase, axis: 0 | 1 | 2, m: Motion, field: string): Partial<WallInit> {
  if (m.type === "fixed") return { mode: "fixed", velocity_m_s: [0, 0, 0] };
  if (m.type === "velocity") return { mode: "velocity", velocity_m_s: [...m.velocity_m_s] as [number, number, number] };
  let target = m.targetForce_N;
  if (target === undefined) {
    if (c.dimension === 2)
      throw new ConfigError(`${field}.targetPressure_Pa = ${m.targetPressure_Pa}: a 2D case has no wall area; give targetForce_N [N]`);
    const ext = c.box.hi_m.map((h, a) => h - c.box.lo_m[a]);
    const area = ext.filter((_, a) => a !== axis).reduce((p, e) => p * e, 1);
    target = m.targetPressure_Pa! * area;
  }
  return {
    mode: "servo",
    velocity_m_s: [0, 0, 0],
    targetLoad_N: target,
    maxSpeed_m_s: m.maxSpeed_m_s,
    gain_m_per_s_N: m.gain_m_per_s_N ?? m.maxSpeed_m_s / target,
  };
}

function alloc(n: number): ResolvedParticles {
  const f = () => new Float64Array(n);
  return {
    id: new Int32Array(n),
    material: new Int32Array(n),
    radius_m: f(),
    density_kg_m3: f(),
    x: f(),
    y: f(),
    z: f(),
    vx: f(),
    vy: f(),
    vz: f(),
    wx: f(),
    wy: f(),
    wz: f(),
  };
}

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
      if (patch.mode === "servo") {
        const b = s.getP(L.P_WALLS) + wi * L.WALL_SLOTS * 8;
        const dv = new DataView(kernels.heap.buffer);
        dv.setFloat64(b + L.W_GAIN * 8, patch.gain_m_per_s_N!, true);
        dv.setFloat64(b + L.W_VMAX * 8, patch.maxSpeed_m_s!, true);
      }
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

/** Per-particle output columns of the current state (recorded step), in increasing id order. */
export function particleColumns(s: DemSystem, rc: ResolvedCase): Record<string, number[] | string[]> {
  const c = rc.config;
  const n = s.n;
  const ids = rc.particles.id;
  // per-particle output in increasing id order
  const byId = Array.from({ length: n }, (_, i) => i).sort((a, b) => rc.particles.id[a] - rc.particles.id[b]);
  const f = (slot: number) => {
    const a = s.f64(slot);
    return byId.map((i) => a[i]);
  };
  const mass = s.f64(L.P_MASS),
    rad = s.f64(L.P_R);
  const vx = s.f64(L.P_VX),
    vy = s.f64(L.P_VY),
    vz = s.f64(L.P_VZ);
  const W = [L.P_WXX, L.P_WYY, L.P_WZZ, L.P_WXY, L.P_WXZ, L.P_WYZ].map((sl) => s.f64(sl));
  const vv = [
    [vx, vx],
    [vy, vy],
    [vz, vz],
    [vx, vy],
    [vx, vz],
    [vy, vz],
  ];
  const stress = ["sxx_Pa", "syy_Pa", "szz_Pa", "sxy_Pa", "sxz_Pa", "syz_Pa"];
  const particles: Record<string, number[] | string[]> = {
    id: byId.map((i) => ids[i]),
    material: byId.map((i) => rc.materialNames[rc.particles.material[i]]),
    x_m: f(L.P_X),
    y_m: f(L.P_Y),
    z_m: f(L.P_Z),
    radius_m: f(L.P_R),
    mass_kg: f(L.P_MASS),
    vx_m_s: f(L.P_VX),
    vy_m_s: f(L.P_VY),
    vz_m_s: f(L.P_VZ),
    wx_rad_s: f(L.P_WX),
    wy_rad_s: f(L.P_WY),
    wz_rad_s: f(L.P_WZ),
    fx_N: f(L.P_FX),
    fy_N: f(L.P_FY),
    fz_N: f(L.P_FZ),
    tx_N_m: f(L.P_TX),
    ty_N_m: f(L.P_TY),
    tz_N_m: f(L.P_TZ),
    coordination: (() => {
      const a = s.i32(L.P_NCONT);
      return byId.map((i) => a[i]);
    })(),
  };
  // total contact force (particles and walls) = total force minus gravity and the external force
  const fxAll = particles.fx_N as number[],
    fyAll = particles.fy_N as number[],
    fzAll = particles.fz_N as number[];
  const mById = particles.mass_kg as number[];
  const g = c.gravity_m_s2,
    ext = c.externalForce_N;
  const is2d = c.dimension === 2;
  particles.contactFx_N = fxAll.map((fv, k) => fv - (mById[k] * g[0] + ext[0]));
  particles.contactFy_N = fyAll.map((fv, k) => fv - (mById[k] * g[1] + ext[1]));
  particles.contactFz_N = fzAll.map((fv, k) => (is2d ? 0 : fv - (mById[k] * g[2] + ext[2])));
  // LIGGGHTS compute stress/atom divided by the particle volume: s_ab = -(m v_a v_b + sum 1/2 d_a F_b) / V
  stress.forEach((name, c6) => {
    const col: number[] = new Array(n);
    for (let k = 0; k < n; k++) {
      const i = byId[k];
      const V = (4 / 3) * Math.PI * rad[i] * rad[i] * rad[i];
      col[k] = -(mass[i] * vv[c6][0][i] * vv[c6][1][i] + W[c6][i]) / V;
    }
    particles[name] = col;
  });
  return particles;
}
