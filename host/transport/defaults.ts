/**
 * What a volume says about its own transport problem, used when the caller does not say: the
 * through-plane axis (`transport_axis`, written by voxelize and the fixtures) and whether the faces
 * normal to x and y are periodic (`periodicXY`: a voxelized DEM box wraps in x and y). Shared by the
 * library's `transport()` and the CLI, which prints and records the source of each choice.
 */
import { inputError } from "../config/errors.js";

/** Shape and metadata of a volume (a Volume, or a header probed before reading the data). */
export interface VolumeShape {
  shape: number[];
  meta?: Record<string, unknown>;
}

/** Axis names of a volume: the sidecar's `axes` when it has them, else z, y, x (3D) or y, x (2D) as voxelize writes. */
export function axisNames(h: VolumeShape): string[] {
  const a = h.meta?.axes;
  if (Array.isArray(a) && a.length === h.shape.length && a.every((x) => typeof x === "string")) return a.map((x) => x.toLowerCase());
  return h.shape.length === 3 ? ["z", "y", "x"] : ["y", "x"];
}

export function axisIndex(h: VolumeShape, axis: string | number, where: string): number {
  const names = axisNames(h);
  const i = typeof axis === "number" ? axis : /^\d+$/.test(axis) ? Number(axis) : names.indexOf(axis.toLowerCase());
  if (!(i >= 0 && i < h.shape.length)) throw inputError(where, axis, `an index 0-${h.shape.length - 1} or one of ${names.join(", ")}`);
  return i;
}

/** The transport axis: `--axis` when given, else the volume's transport_axis, else 0. */
export function resolveAxis(
  h: VolumeShape,
  file: string,
  opt: string | number | undefined,
  where = "--axis",
): { axis: number; source: string } {
  if (opt !== undefined) return { axis: axisIndex(h, opt, where), source: where };
  const ta = h.meta?.transport_axis;
  if (ta !== undefined) {
    if (typeof ta !== "number" && typeof ta !== "string")
      throw inputError(`${file}: transport_axis`, ta, `an axis index 0-${h.shape.length - 1}`);
    return { axis: axisIndex(h, String(ta), `${file}: transport_axis`), source: "the volume's transport_axis" };
  }
  return { axis: 0, source: "default" };
}

/**
 * Lateral periodicity: `--periodic` / `--no-periodic` when given; else, along z, the volume's periodicXY
 * (voxelize wraps x and y, so the faces normal to them are periodic); else no-flux.
 */
export function resolvePeriodic(
  h: VolumeShape,
  file: string,
  axis: number,
  opt: boolean | undefined,
  where?: string,
): { periodic: boolean; source: string } {
  if (opt !== undefined) return { periodic: opt, source: where ?? (opt ? "--periodic" : "--no-periodic") };
  const p = h.meta?.periodicXY;
  if (p !== undefined && typeof p !== "boolean") throw inputError(`${file}: periodicXY`, p, "true or false");
  if (typeof p === "boolean" && axisNames(h)[axis] === "z") return { periodic: p, source: "the volume's periodicXY" };
  return { periodic: false, source: "default" };
}
