/**
 * The packing handed between stages (browser-safe, no file I/O): particles with their material and
 * phase, and the geometry the next stage needs — dimension, box (for a pressed packing the wall
 * positions), periodicity in x and y. On disk it is a particles CSV plus a `<name>.packing.json`
 * sidecar (everything but the particle rows), so voxelize, image and DEM can start from a file
 * without the box being typed in again.
 *
 * Every particle table any command reads goes through `parseParticleTable` (numbers finite, radii
 * positive, at least one particle) and every packing through `checkPacking` (known materials with a
 * phase, centres inside the box): one place that validates particle input.
 */
import { ConfigError, inputError } from "../config/errors.js";
import { numericColumns, parseCsv } from "../io/csv.js";
import { VERSION } from "../version.js";

export type Vec3 = [number, number, number];
/** The phases the voxelizer and the images know: active material and solid electrolyte. */
export type Phase = "AM" | "SE";
export const PHASES: readonly Phase[] = ["AM", "SE"];

export interface PackingBox {
  /** corners [m]; for a pressed packing z spans bottom to top wall (x and y too in 2D frames) */
  lo_m: Vec3;
  hi_m: Vec3;
  /** periodic in x and y (z is always bounded by walls) */
  periodic: [boolean, boolean];
}

/** Per-particle columns; any further numeric (or string) columns ride along (stress, velocity, ...). */
export interface PackingParticles {
  id: number[];
  material: string[];
  x_m: number[];
  y_m: number[];
  z_m: number[];
  radius_m: number[];
  [column: string]: number[] | string[];
}

export interface Packing {
  kind: "assbkit.packing";
  version: string;
  /** 3: spheres; 2: discs in the xy plane (z is the disc plane's height) */
  dimension: 2 | 3;
  box: PackingBox;
  /** material name -> its phase (AM or SE; voxels and images need it, DEM does not) */
  materials: Record<string, { phase?: Phase }>;
  particles: PackingParticles;
  seed?: number;
  /** where it came from (a file, a stage: "compact stage 1 uniaxial loaded") */
  source?: string;
}

/** The sidecar `<name>.packing.json`: the packing without its rows, plus how the CSV encodes materials. */
/** Version of the sidecar layout; readers refuse a newer one. */
export const PACKING_SIDECAR_FORMAT = 1;

export interface PackingSidecar extends Omit<Packing, "particles"> {
  /** layout version (PACKING_SIDECAR_FORMAT) */
  format: number;
  /** the CSV file it describes (relative to the sidecar) */
  csv: string;
  particleCount: number;
  /** CSV `type` code -> material name, when the CSV has `type` instead of `material` */
  types?: Record<string, string>;
}

/** The type codes of pack2k_init.csv / LIGGGHTS data files: 1 AM, 2 SE. */
export const DEFAULT_TYPES: Record<string, string> = { "1": "AM", "2": "SE" };

/** Particles refused above this count: beyond what one wasm32 DEM instance (4 GiB) holds with its contact lists. */
export const MAX_PARTICLES = 2_000_000;

export interface ParticleTable {
  columns: Record<string, number[] | string[]>;
  /** material per particle (from a `material` column or `type` codes mapped through `types`) */
  material: string[];
  n: number;
}

/**
 * Reads and validates the rows of a particle CSV: x_m, y_m, z_m, radius_m and `material` (names) or
 * `type` (codes, mapped by `types`, default 1 AM, 2 SE); every number finite, radii > 0, ids unique
 * when given, at least one particle. Other numeric columns are kept.
 */
export function parseParticleTable(text: string, source: string, types: Record<string, string> = DEFAULT_TYPES): ParticleTable {
  const t = parseCsv(text, source);
  if (t.rows.length === 0) throw new ConfigError(`${source}: no particles (a header row only); expected one row per particle`);
  if (t.rows.length > MAX_PARTICLES) throw new ConfigError(`${source}: ${t.rows.length} particles: expected at most ${MAX_PARTICLES}`);
  const has = (c: string) => t.columns.includes(c);
  if (!has("material") && !has("type"))
    throw new ConfigError(
      `${source}: no 'material' or 'type' column; expected one of them (type codes: ${Object.entries(types)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ")}); columns: ${t.columns.join(", ")}`,
    );
  const numericNames = t.columns.filter((c) => c !== "material" && c !== "phase" && c !== "name");
  const num = numericColumns(
    t,
    ["x_m", "y_m", "z_m", "radius_m"],
    source,
    numericNames.filter((c) => !["x_m", "y_m", "z_m", "radius_m"].includes(c)),
  );
  const columns: Record<string, number[] | string[]> = {};
  for (const [k, v] of Object.entries(num)) if (v) columns[k] = Array.from(v);
  const r = columns.radius_m as number[];
  r.forEach((v, k) => {
    if (!(v > 0)) throw inputError(`${source} row ${k + 2}, radius_m`, v, "a radius > 0", "m");
  });
  let material: string[];
  if (has("material")) {
    const c = t.columns.indexOf("material");
    material = t.rows.map((row, k) => {
      if (row[c] === "") throw inputError(`${source} row ${k + 2}, material`, "", "a material name");
      return row[c];
    });
  } else {
    material = (columns.type as number[]).map((code, k) => {
      const m = types[String(code)];
      if (m === undefined)
        throw inputError(
          `${source} row ${k + 2}, type`,
          code,
          `a known type code (${Object.entries(types)
            .map(([c, v]) => `${c} = ${v}`)
            .join(", ")})`,
        );
      return m;
    });
  }
  if (columns.id) {
    const seen = new Set<number>();
    (columns.id as number[]).forEach((id, k) => {
      if (!Number.isInteger(id)) throw inputError(`${source} row ${k + 2}, id`, id, "an integer particle id");
      if (seen.has(id)) throw inputError(`${source} row ${k + 2}, id`, id, "a unique particle id (it appears twice)");
      seen.add(id);
    });
  }
  return { columns, material, n: t.rows.length };
}

/** The phase of a material: its name when it is AM or SE, else what `materials` says. */
export function phaseOf(name: string, materials: Record<string, { phase?: string }> = {}): Phase | undefined {
  const p = materials[name]?.phase ?? name;
  return (PHASES as readonly string[]).includes(p) ? (p as Phase) : undefined;
}

/**
 * Checks a packing before a stage uses it: at least one particle, columns of equal length, finite
 * coordinates, radii > 0, a box with positive edges, and every centre inside the box (within one
 * radius on every axis; the DEM wraps periodic positions into the box). With `needPhases` (voxels, images)
 * every material must have an AM or SE phase. `source` names it in messages.
 */
export function checkPacking(p: Packing, source = "packing", needPhases = false): Packing {
  const P = p.particles;
  const n = P.id.length;
  if (n === 0) throw new ConfigError(`${source}: no particles`);
  for (const c of ["material", "x_m", "y_m", "z_m", "radius_m"] as const) {
    if (!Array.isArray(P[c]) || P[c].length !== n)
      throw inputError(
        `${source}: particles.${c}`,
        `${(P[c] as unknown[] | undefined)?.length ?? "missing"} values`,
        `${n} values, one per particle`,
      );
  }
  if (p.dimension !== 2 && p.dimension !== 3) throw inputError(`${source}: dimension`, p.dimension, "2 (discs) or 3 (spheres)");
  const { lo_m: lo, hi_m: hi } = p.box;
  for (let a = 0; a < 3; a++) {
    if (!(Number.isFinite(lo[a]) && Number.isFinite(hi[a]) && hi[a] > lo[a]))
      throw inputError(`${source}: box`, { lo_m: lo, hi_m: hi }, `finite corners with hi > lo on every axis`, "m");
  }
  for (const m of new Set(P.material)) {
    if (needPhases && !phaseOf(m, p.materials))
      throw inputError(`${source}: material`, m, `a material with a phase: name it AM or SE, or give materials.${m}.phase = AM | SE`);
  }
  const axes = ["x_m", "y_m", "z_m"] as const;
  for (let k = 0; k < n; k++) {
    const r = P.radius_m[k];
    if (!(r > 0 && Number.isFinite(r))) throw inputError(`${source}: particle ${P.id[k]} radius_m`, r, "a radius > 0", "m");
    for (let a = 0; a < 3; a++) {
      const x = P[axes[a]][k];
      if (!Number.isFinite(x)) throw inputError(`${source}: particle ${P.id[k]} ${axes[a]}`, x, "a finite coordinate", "m");
      if (a === 2 && p.dimension === 2) continue; // discs: z is the plane, not bounded by the frame
      if (x < lo[a] - r || x > hi[a] + r) {
        throw inputError(
          `${source}: particle ${P.id[k]} ${axes[a]}`,
          x,
          `a centre inside the box [${lo[a]}, ${hi[a]}] (within one radius, ${r})`,
          "m",
        );
      }
    }
  }
  return p;
}

/** Packing from a validated particle table and its geometry. */
export function packingFromTable(
  t: ParticleTable,
  geom: Omit<Packing, "kind" | "version" | "particles"> & { version?: string },
  source = "particles",
): Packing {
  const cols = { ...t.columns };
  delete cols.type;
  const particles = {
    ...cols,
    id: (t.columns.id as number[] | undefined) ?? Array.from({ length: t.n }, (_, k) => k + 1),
    material: t.material,
  } as PackingParticles;
  return checkPacking({ ...geom, kind: "assbkit.packing", version: geom.version ?? VERSION, particles }, source);
}

/** The sidecar of a packing written as `csv`. */
export function packingSidecar(p: Packing, csv: string, types?: Record<string, string>): PackingSidecar {
  const { particles, ...rest } = p;
  return { format: PACKING_SIDECAR_FORMAT, ...rest, csv, particleCount: particles.id.length, ...(types ? { types } : {}) };
}

/** Validates a sidecar read from JSON (shape and types), naming the file. */
export function checkSidecar(s: unknown, source: string): PackingSidecar {
  const o = s as Partial<PackingSidecar>;
  if (!o || typeof o !== "object" || o.kind !== "assbkit.packing") throw inputError(`${source}: kind`, o?.kind, `"assbkit.packing"`);
  if (o.format !== PACKING_SIDECAR_FORMAT) {
    throw inputError(
      `${source}: format`,
      o.format,
      `packing sidecar format ${PACKING_SIDECAR_FORMAT} (written by assbkit ${o.version ?? "?"}; rewrite it with this version)`,
    );
  }
  if (o.dimension !== 2 && o.dimension !== 3) throw inputError(`${source}: dimension`, o.dimension, "2 or 3");
  const b = o.box;
  const vec = (v: unknown) => Array.isArray(v) && v.length === 3 && v.every((x) => typeof x === "number" && Number.isFinite(x));
  if (!b || !vec(b.lo_m) || !vec(b.hi_m)) throw inputError(`${source}: box`, b, "{lo_m: [x, y, z], hi_m: [x, y, z]}", "m");
  if (!Array.isArray(b.periodic) || b.periodic.length !== 2 || !b.periodic.every((x) => typeof x === "boolean"))
    throw inputError(`${source}: box.periodic`, b.periodic, "[x, y] booleans");
  if (!o.materials || typeof o.materials !== "object") throw inputError(`${source}: materials`, o.materials, "{name: {phase: AM | SE}}");
  return o as PackingSidecar;
}

/**
 * Particle columns as CSV text: id, material (or `type` codes when `types` is given, as in
 * pack2k_init.csv and LIGGGHTS data files), x_m, y_m, z_m, radius_m, then the other columns.
 */
export function packingCsv(p: Packing, types?: Record<string, string>): string {
  const P = p.particles;
  const code = types ? Object.fromEntries(Object.entries(types).map(([c, m]) => [m, Number(c)])) : undefined;
  const first = ["id", code ? "type" : "material", "x_m", "y_m", "z_m", "radius_m"];
  const cols = [...first, ...Object.keys(P).filter((c) => !first.includes(c) && c !== "material" && c !== "type")];
  const esc = (v: number | string) => (typeof v === "number" ? String(v) : /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const lines = [cols.join(",")];
  for (let k = 0; k < P.id.length; k++) {
    lines.push(
      cols
        .map((c) => {
          if (c === "type") {
            const t = code![P.material[k]];
            if (t === undefined)
              throw inputError(
                `packing particle ${P.id[k]} material`,
                P.material[k],
                `one of the type-coded materials ${Object.keys(code!).join(", ")}`,
              );
            return String(t);
          }
          return esc(P[c][k]);
        })
        .join(","),
    );
  }
  return lines.join("\n") + "\n";
}
