/**
 * A case resolved into what the kernels need: materials and pair tables (the contact-model registry),
 * particles from the case or a CSV (validated, Morton-ordered for locality), walls, time step, SystemInit.
 */
import { ConfigError, inputError } from "../config/errors.js";
import { parseParticleTable } from "../pack/packing.js";
import { type DemCase, axisIndex } from "./case.js";
import { buildPairTable, rayleighTime, sphereMass, type Material } from "./materials.js";
import type { SystemInit, WallInit } from "./system_init.js";
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
  const pairs = buildPairTable(
    materials,
    (i, j) => {
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
    },
    c.contact,
  );

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
    kp: m.kp ?? 0,
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
