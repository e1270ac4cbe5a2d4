/**
 * A DEM state as the packing handed to the next stage (voxelize, image, another DEM case): the
 * particle columns, the box narrowed to the walls that bound it now (a pressed electrode spans
 * bottom to top wall), the periodicity the run has now, and the materials with their phases.
 */
import type { DemCase } from "./case.js";
import type { DemSystem } from "./system.js";
import type { StateReport } from "./report.js";
import { VERSION } from "../version.js";
import type { Packing, PackingBox, Phase } from "../pack/packing.js";

/** The case box narrowed, on every axis, to the active walls (a wall of side +1 bounds from below). */
export function stateBox(s: DemSystem, c: DemCase): PackingBox {
  const lo = [...c.box.lo_m] as [number, number, number],
    hi = [...c.box.hi_m] as [number, number, number];
  for (let k = 0; k < s.nWalls; k++) {
    const w = s.wall(k);
    if (w.mode === "off") continue;
    const a = w.axis;
    if (s.wallSide(k) === 1) lo[a] = Math.max(lo[a], w.position_m);
    else hi[a] = Math.min(hi[a], w.position_m);
  }
  return { lo_m: lo, hi_m: hi, periodic: s.periodic };
}

/** Material name -> phase: the material's `phase`, else its name when that is AM or SE. */
export function materialPhases(c: DemCase): Packing["materials"] {
  return Object.fromEntries(
    Object.entries(c.materials).map(([name, m]) => {
      const phase: Phase | undefined = m.phase ?? (name === "AM" || name === "SE" ? name : undefined);
      return [name, phase ? { phase } : {}];
    }),
  );
}

/** A packing from per-particle output columns (id, material, x_m, ... as particleColumns writes them). */
export function demPacking(c: DemCase, particles: Record<string, number[] | string[]>, box: PackingBox, source: string): Packing {
  return {
    kind: "assbkit.packing",
    version: VERSION,
    dimension: c.dimension,
    box,
    materials: materialPhases(c),
    seed: c.seed,
    source,
    particles: particles as Packing["particles"],
  };
}

/** The packing of a reported state (a compaction stage's loaded/released/... state). */
export function reportPacking(c: DemCase, rep: StateReport, source: string): Packing {
  return demPacking(c, rep.particles, rep.box, source);
}
