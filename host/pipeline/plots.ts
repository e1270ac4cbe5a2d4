/**
 * The report's pictures of a run, as plain data: the packing section and the voxel slice (8-bit gray:
 * void black, AM gray, SE white, as host/image) and the compaction curve as solid fraction vs wall
 * pressure; the vega-lite spec of that curve. The cell plots are host/cell's (rateSpec, voltageCapacitySpec).
 */
import type { TopLevelSpec } from "vega-lite";
import { sectionImage, GRAY } from "../image/section.js";
import { phaseOf, type Packing } from "../pack/packing.js";
import type { CompactResult } from "../dem/compact.js";
import type { Volume } from "../transport/volume_type.js";

export interface GrayImage {
  pixels: Uint8Array;
  width: number;
  height: number;
}

/** The xy section at mid-height of a 3D packing, 224 x 224 pixels over the whole box (no crop). */
export function packingSection(p: Packing): GrayImage {
  const P = p.particles;
  const s = sectionImage(
    { ...P, phase: P.material.map((m) => phaseOf(m, p.materials) ?? "SE") },
    { lo: [p.box.lo_m[0], p.box.lo_m[1]], hi: [p.box.hi_m[0], p.box.hi_m[1]], crop_m: 0, size: 224 },
  );
  return { pixels: s.pixels, width: 224, height: 224 };
}

/** The middle z slice of a voxel volume [z, y, x], rows from the top (+y up, as packingSection). */
export function voxelSlice(v: Volume): GrayImage {
  const [nz, ny, nx] = v.shape;
  const gray = new Uint8Array(256);
  for (const [code, name] of Object.entries(v.phases)) gray[Number(code)] = name === "AM" ? GRAY.am : name === "SE" ? GRAY.se : GRAY.void;
  const k = Math.floor(nz / 2);
  const px = new Uint8Array(nx * ny);
  for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) px[(ny - 1 - j) * nx + i] = gray[v.data[(k * ny + j) * nx + i]];
  return { pixels: px, width: nx, height: ny };
}

/**
 * Solid fraction (sphere volume / box volume up to the moving wall) against the wall pressure along every
 * uniaxial stage's press, hold and release: how far the electrode densifies and how much it springs back.
 */
export function densificationCurve(c: CompactResult): { pressure_MPa: number; solidFraction: number; step: number; stage: string }[] {
  const box = c.config.case.box;
  const area = (box.hi_m[0] - box.lo_m[0]) * (box.hi_m[1] - box.lo_m[1]);
  const vs = c.packing.particles.radius_m.reduce((s, r) => s + (4 / 3) * Math.PI * r ** 3, 0);
  const bottom = c.config.case.walls.find((w) => w.axis === "z" && w.side === "+")?.position_m ?? box.lo_m[2];
  return c.stages.flatMap((st, k) =>
    st.type === "uniaxial"
      ? st.curve.map((p) => ({
          pressure_MPa: p.pressure_Pa / 1e6,
          solidFraction: vs / (area * (p.wallPosition_m - bottom)),
          step: p.step,
          stage: `stage ${k + 1}`,
        }))
      : [],
  );
}

export function densificationSpec(points: ReturnType<typeof densificationCurve>, title: string): TopLevelSpec {
  return {
    width: 520,
    height: 340,
    title,
    data: { values: points },
    mark: { type: "line", point: false },
    encoding: {
      x: { field: "pressure_MPa", type: "quantitative", title: "wall pressure [MPa]" },
      y: { field: "solidFraction", type: "quantitative", title: "solid fraction (sphere volume / box volume)", scale: { zero: false } },
      color: { field: "stage", type: "nominal", title: "" },
      order: { field: "step", type: "quantitative" },
    },
  } as TopLevelSpec;
}
