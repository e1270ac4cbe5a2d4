/** The labelled voxel volume handed between stages (browser-safe: no file I/O here). */
import { ConfigError } from "../config/errors.js";

export interface Volume {
  /** [n0, n1, n2] (3D) or [rows, cols] (2D), C order. */
  shape: number[];
  data: Uint8Array;
  /** Phase code -> name ("1": "AM", "2": "SE", "0": "pore"). */
  phases: Record<string, string>;
  /** Edge of a voxel [m], when known. */
  voxelSize_m?: number;
  /** Free-form provenance (source file, seed, config). */
  meta?: Record<string, unknown>;
}

export const DEFAULT_PHASES: Record<string, string> = { "0": "pore", "1": "AM", "2": "SE" };

export function checkVolume(v: Volume, source = "volume"): Volume {
  if (!Array.isArray(v.shape) || (v.shape.length !== 2 && v.shape.length !== 3) || !v.shape.every((n) => Number.isInteger(n) && n >= 1)) {
    throw new ConfigError(`${source}: shape = ${JSON.stringify(v.shape)}: expected 2 or 3 positive integers [voxels]`);
  }
  const n = v.shape.reduce((a, b) => a * b, 1);
  if (v.data.length !== n)
    throw new ConfigError(`${source}: shape ${JSON.stringify(v.shape)} needs ${n} bytes of uint8 data but the data has ${v.data.length}`);
  return v;
}
