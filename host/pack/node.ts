/** Packings on disk (Node): a particles CSV and its `<name>.packing.json` sidecar, read and written as one. */
import { existsSync, readFileSync, statSync } from "node:fs";
import { basename } from "node:path";
import { ConfigError, fsError } from "../config/errors.js";
import { writeFileAtomic } from "../io/atomic.js";
import {
  checkSidecar,
  packingCsv,
  packingFromTable,
  packingSidecar,
  parseParticleTable,
  DEFAULT_TYPES,
  type Packing,
  type PackingBox,
  type PackingSidecar,
  type ParticleTable,
} from "./packing.js";

/** `particles.csv` -> `particles.packing.json`. */
export const sidecarPath = (csv: string) => csv.replace(/\.csv$/i, "") + ".packing.json";

/** Largest particle file read (text): a 2-million-particle CSV with every DEM column is ~1 GB. */
const MAX_CSV_BYTES = 1.5 * 2 ** 30;

function readText(path: string): string {
  let size: number;
  try {
    size = statSync(path).size;
  } catch (e) {
    throw fsError(e, path, "read");
  }
  if (size > MAX_CSV_BYTES)
    throw new ConfigError(
      `${path}: ${(size / 2 ** 30).toFixed(2)} GiB: expected a particle file below ${(MAX_CSV_BYTES / 2 ** 30).toFixed(1)} GiB`,
    );
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    throw fsError(e, path, "read");
  }
}

/** The sidecar of a particles CSV, when there is one. */
export function readSidecar(csv: string): PackingSidecar | undefined {
  const sc = sidecarPath(csv);
  if (!existsSync(sc)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(readText(sc));
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError(
      `${sc}: not valid JSON (${(e as Error).message.split("\n")[0]}); expected the packing sidecar written with ${basename(csv)}`,
    );
  }
  return checkSidecar(json, sc);
}

/** A particles CSV with its sidecar (if any), validated. */
export function readParticles(path: string): { table: ParticleTable; sidecar?: PackingSidecar } {
  const sidecar = readSidecar(path);
  const table = parseParticleTable(readText(path), path, sidecar?.types ?? DEFAULT_TYPES);
  return { table, sidecar };
}

/** What to use where the file has no sidecar, or to override it (command-line options). */
export interface GeometryOverride {
  dimension?: 2 | 3;
  box?: Partial<PackingBox>;
  materials?: Packing["materials"];
}

/**
 * A packing from a particles CSV: the geometry from its sidecar, overridden by `o`. Without a sidecar
 * the box must be given in full (refused otherwise: guessing it from particle extents breaks the
 * periodic wrap and the solid fraction).
 */
export function readPacking(path: string, o: GeometryOverride = {}, what = "the box (lo_m, hi_m)"): Packing {
  const { table, sidecar } = readParticles(path);
  const box = { ...sidecar?.box, ...o.box };
  if (!box.lo_m || !box.hi_m) {
    throw new ConfigError(
      `${path}: no box: ${basename(sidecarPath(path))} (written by assb pack/compact/dem) is not beside it; give ${what}`,
    );
  }
  const materials = {
    ...Object.fromEntries(
      [...new Set(table.material)].filter((m) => m === "AM" || m === "SE").map((m) => [m, { phase: m as "AM" | "SE" }]),
    ),
    ...sidecar?.materials,
    ...o.materials,
  };
  return packingFromTable(
    table,
    {
      dimension: o.dimension ?? sidecar?.dimension ?? 3,
      box: { lo_m: box.lo_m, hi_m: box.hi_m, periodic: box.periodic ?? [false, false] },
      materials,
      seed: sidecar?.seed,
      source: path,
    },
    path,
  );
}

/** Writes `<csv>` and its sidecar atomically; returns both paths. `types` writes type codes instead of names. */
export function writePacking(csv: string, p: Packing, types?: Record<string, string>): string[] {
  const sc = sidecarPath(csv);
  writeFileAtomic(csv, packingCsv(p, types));
  writeFileAtomic(sc, JSON.stringify(packingSidecar(p, basename(csv), types), null, 1) + "\n");
  return [csv, sc];
}
