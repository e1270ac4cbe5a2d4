/**
 * Which voxel size a volume gets, and why: one given by the user (`--voxel-size 325nm`) wins over what
 * the file says; a file's cubic voxels (x, y and z within 1e-4) are taken; a file with a pixel size but
 * no slice spacing gives the pixel size for z too, and says so; non-cubic voxels are refused (transport
 * takes one edge), as is no size at all where one is required. The source is always said in words.
 */
import { ConfigError, inputError } from "../config/errors.js";
import type { FileVoxelSize } from "./imagej.js";

export type { FileVoxelSize } from "./imagej.js";

export interface VoxelSize {
  /** edge of a (cubic) voxel [m]; undefined when neither the file nor the user gives one */
  voxelSize_m?: number;
  /** where it came from, in words ("--voxel-size", "the ImageJ description (unit=um, spacing=0.325) ...", "none: ...") */
  source: string;
  /** what the file says, [z, y, x] [m] (z: null without a slice spacing), when it says anything */
  file_zyx_m?: (number | null)[];
}

/** A length in µm for messages (6 significant digits). */
export const fmtUm = (m: number) => `${Number((m * 1e6).toPrecision(6))} µm`;

const TOL = 1e-4;
const near = (a: number, b: number) => Math.abs(a - b) <= TOL * Math.max(a, b);

/**
 * The voxel size of a volume of `dims` axes from the file's calibration and the user's choice.
 * `what` names the input in messages; `option` the way a user gives a size (default `--voxel-size`).
 */
export function resolveVoxelSize(
  file: FileVoxelSize | undefined,
  given: number | undefined,
  dims: number,
  what: string,
  option = "--voxel-size",
): VoxelSize {
  const file_zyx_m = file ? file.zyx_m.map((v) => v ?? null) : undefined;
  const says = file ? describe(file, dims) : "";
  if (given !== undefined) {
    if (!(Number.isFinite(given) && given > 0)) throw inputError(option, given, "a voxel edge > 0, e.g. 325nm or 0.5um", "m");
    return { voxelSize_m: given, source: `${option}${file ? ` (the file says ${says}, from ${file.source})` : ""}`, file_zyx_m };
  }
  if (!file) return { source: `none: ${what} gives no voxel size and none was given (${option})` };
  const [z, y, x] = file.zyx_m;
  const cubic = near(x, y) && (dims < 3 || z === undefined || near(x, z));
  if (!cubic)
    throw new ConfigError(
      `${what}: the voxels are ${says} (${file.source}), not cubic: transport takes one voxel edge; resample the stack to cubic voxels, or give ${option} to state the edge [m]`,
    );
  const noZ = dims === 3 && z === undefined ? "; the file gives no slice spacing: z taken equal to the pixel size" : "";
  return { voxelSize_m: x, source: `${file.source}${noZ}`, file_zyx_m };
}

/** "0.325 x 0.325 x 0.65 µm (x, y, z)" or "0.325 µm" when all agree. */
function describe(file: FileVoxelSize, dims: number): string {
  const [z, y, x] = file.zyx_m;
  const xs = [x, y, ...(dims === 3 && z !== undefined ? [z] : [])];
  if (xs.every((v) => near(v, x))) return fmtUm(x);
  return `${xs.map((v) => Number((v * 1e6).toPrecision(6))).join(" x ")} µm (${dims === 3 && z !== undefined ? "x, y, z" : "x, y"})`;
}
