/**
 * A DEM case around a generated packing: 2D frames get four walls (left/right/bottom/top), 3D boxes a
 * bottom and a top wall with periodic x and y. Materials default to paper 000 (LCO/LGPS) for 2D and
 * the paper-003 / LIGGGHTS compaction set (NMC-like/argyrodite-like, steel die) for 3D.
 */
import type { DemCaseInput } from "../dem/case.js";
import type { Packing } from "./packing.js";
import { MATERIALS_COMPACTION, MATERIALS_PAPER000, PAIRS_COMPACTION } from "../dem/presets.js";

export { MATERIALS_PAPER000 as MATERIALS_2D, MATERIALS_COMPACTION as MATERIALS_3D } from "../dem/presets.js";

export function caseFromPacking(p: Packing, opts: { name?: string; materials?: DemCaseInput["materials"] } = {}): DemCaseInput {
  const P = p.particles;
  const density = P.density_kg_m3 as number[] | undefined;
  const particles = P.id.map((id, k) => ({
    id,
    material: P.material[k],
    radius_m: P.radius_m[k],
    position_m: [P.x_m[k], P.y_m[k], P.z_m[k]] as [number, number, number],
    ...(density ? { density_kg_m3: density[k] } : {}),
  }));
  const [lo, hi] = [p.box.lo_m, p.box.hi_m];
  if (p.dimension === 2) {
    return {
      name: opts.name ?? "packing-2d",
      seed: p.seed,
      dimension: 2,
      materials: opts.materials ?? MATERIALS_PAPER000,
      pairDefaults: PAIRS_COMPACTION,
      particles,
      box: { lo_m: [lo[0], lo[1], lo[2]], hi_m: [hi[0], hi[1], hi[2]], periodic: p.box.periodic },
      walls: [
        { name: "left", axis: "x", position_m: lo[0], side: "+", material: "wall" },
        { name: "right", axis: "x", position_m: hi[0], side: "-", material: "wall" },
        { name: "bottom", axis: "y", position_m: lo[1], side: "+", material: "wall" },
        { name: "top", axis: "y", position_m: hi[1], side: "-", material: "wall" },
      ],
      timestep: { rayleighFraction: 0.2 },
      stages: [{ steps: 1 }],
    };
  }
  return {
    name: opts.name ?? "packing-3d",
    seed: p.seed,
    dimension: 3,
    materials: opts.materials ?? MATERIALS_COMPACTION,
    pairDefaults: PAIRS_COMPACTION,
    particles,
    box: { lo_m: [lo[0], lo[1], lo[2]], hi_m: [hi[0], hi[1], hi[2]], periodic: p.box.periodic },
    walls: [
      { name: "bottom", axis: "z", position_m: lo[2], side: "+", material: "wall" },
      { name: "top", axis: "z", position_m: hi[2], side: "-", material: "wall" },
    ],
    timestep: { rayleighFraction: 0.2 },
    stages: [{ steps: 1 }],
  };
}
