/**
 * A region of a volume: one half-open voxel range per axis, [z0, z1) x [y0, y1) x [x0, x1) (2D:
 * [y0, y1) x [x0, x1)), written on the command line as `z0:z1,y0:y1,x0:x1` (Python slices: an empty
 * bound is the start or the end of the axis, `:` the whole axis). Readers apply it while reading, so
 * memory holds the crop; a range outside the volume is refused, never clipped.
 */
import { ConfigError, inputError } from "../config/errors.js";

/** One [start, end) voxel range per axis of the volume, in its axis order (z, y, x or y, x). */
export type Crop = [number, number][];

const AXES3 = ["z", "y", "x"],
  AXES2 = ["y", "x"];

/** The names of the axes of a volume of `dims` dimensions (z, y, x or y, x). */
export const axisLetters = (dims: number) => (dims === 3 ? AXES3 : AXES2);

/** Parses `z0:z1,y0:y1,x0:x1` (or `y0:y1,x0:x1` for 2D) against `shape`; `where` names the option or field. */
export function parseCrop(text: string, shape: number[], where = "--crop"): Crop {
  const parts = text.split(",").map((s) => s.trim());
  const form = shape.length === 3 ? "z0:z1,y0:y1,x0:x1" : "y0:y1,x0:x1";
  if (parts.length !== shape.length)
    throw inputError(
      where,
      text,
      `${shape.length} ranges ${form} for a volume of shape ${JSON.stringify(shape)} (half-open, from 0; ':' is a whole axis)`,
      "voxels",
    );
  const crop = parts.map((p, k): [number, number] => {
    const m = /^(\d*):(\d*)$/.exec(p);
    if (!m)
      throw inputError(
        `${where} (${axisLetters(shape.length)[k]})`,
        p,
        "a range start:end of voxel indices, e.g. 10:110 (an empty bound is the axis' start or end)",
        "voxels",
      );
    return [m[1] === "" ? 0 : Number(m[1]), m[2] === "" ? shape[k] : Number(m[2])];
  });
  return checkCrop(crop, shape, where);
}

/** Checks a crop against `shape`: one range per axis, 0 <= start < end <= the axis' length. */
export function checkCrop(crop: Crop, shape: number[], where = "crop"): Crop {
  if (!Array.isArray(crop) || crop.length !== shape.length)
    throw new ConfigError(`${where}: ${crop?.length ?? 0} ranges for a volume of ${shape.length} axes (shape ${JSON.stringify(shape)})`);
  crop.forEach(([a, b], k) => {
    if (!(Number.isInteger(a) && Number.isInteger(b) && a >= 0 && a < b && b <= shape[k]))
      throw inputError(
        `${where} (${axisLetters(shape.length)[k]})`,
        `${a}:${b}`,
        `a range within 0:${shape[k]}, the volume's ${axisLetters(shape.length)[k]} axis (shape ${JSON.stringify(shape)}), start < end`,
        "voxels",
      );
  });
  return crop;
}

/** The shape of a crop. */
export const cropShape = (crop: Crop): number[] => crop.map(([a, b]) => b - a);

/** The whole volume as a crop. */
export const fullCrop = (shape: number[]): Crop => shape.map((n): [number, number] => [0, n]);

/** Whether the crop is the whole volume. */
export const isFull = (crop: Crop, shape: number[]) => crop.every(([a, b], k) => a === 0 && b === shape[k]);

/** `z0:z1,y0:y1,x0:x1` (how a crop is written back: reports, messages). */
export const cropText = (crop: Crop) => crop.map(([a, b]) => `${a}:${b}`).join(",");

/** A crop of a stack of pages ([pages, h, w], or [h, w] for one page) as page and row/column ranges. */
export function pageRegion(crop: Crop): { z: [number, number]; y: [number, number]; x: [number, number] } {
  return crop.length === 3 ? { z: crop[0], y: crop[1], x: crop[2] } : { z: [0, 1], y: crop[0], x: crop[1] };
}
