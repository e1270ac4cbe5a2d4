/**
 * A raw grey-value volume with its JSON sidecar: `{"shape": [nz, ny, nx], "dtype": "uint16",
 * "byteOrder": "little", "file": "scan.raw", "offset": 0, "voxelSize_m": 3.25e-7}`. dtype is uint8,
 * int8, uint16, int16, float32 or float64, or numpy's string for it (`<u2`, `>f4`, `|u1`: the byte order
 * comes with it); byteOrder defaults to little endian (and the header says so); `offset` bytes before
 * the data are skipped. The file must hold exactly offset + voxels x sample size bytes. A crop reads,
 * plane by plane, only the rows it covers.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { ConfigError, fsError, inputError } from "../config/errors.js";
import { withFile } from "../io/file_source.js";
import { greyDtype, GREY_DTYPES, samplesFromBytes, type GreyArray, type GreyDtype } from "../io/grey.js";
import { cropShape, type Crop } from "../io/crop.js";
import type { GreyHeader } from "./grey_volume.js";

interface RawGrey {
  head: GreyHeader;
  rawPath: string;
  byteOrder: "little" | "big";
  offset: number;
}

const sidecarOf = (path: string) => (path.toLowerCase().endsWith(".raw") ? path.slice(0, -4) + ".json" : path);

/** The sidecar of a raw grey volume, checked against its data file (size only; nothing is read). */
export function probeRawGrey(path: string): RawGrey {
  const sidecar = sidecarOf(path);
  if (!existsSync(sidecar))
    throw new ConfigError(`grey volume: sidecar ${sidecar} not found (a .raw volume needs a JSON sidecar with shape, dtype and byteOrder)`);
  let meta: Record<string, unknown>;
  try {
    meta = JSON.parse(readFileSync(sidecar, "utf8"));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code) throw fsError(e, sidecar, "read");
    throw new ConfigError(`grey volume: ${sidecar}: not valid JSON (${(e as Error).message})`);
  }
  if (meta === null || typeof meta !== "object" || Array.isArray(meta))
    throw new ConfigError(`grey volume: ${sidecar}: expected a JSON object with shape, dtype and byteOrder`);
  const shape = meta.shape as number[];
  if (!Array.isArray(shape) || shape.length < 2 || shape.length > 3 || !shape.every((n) => Number.isInteger(n) && n >= 1))
    throw inputError(`grey volume: ${sidecar}: shape`, meta.shape, "2 or 3 positive integers, [nz, ny, nx] or [ny, nx]", "voxels");
  const dt = greyDtype(meta.dtype ?? "uint8");
  if (!dt)
    throw inputError(
      `grey volume: ${sidecar}: dtype`,
      meta.dtype,
      "uint8, int8, uint16, int16, float32 or float64 (or numpy's |u1, <u2, >i2, <f4, ...)",
    );
  if (meta.byteOrder !== undefined && meta.byteOrder !== "little" && meta.byteOrder !== "big")
    throw inputError(`grey volume: ${sidecar}: byteOrder`, meta.byteOrder, '"little" or "big"');
  if (dt.byteOrder && meta.byteOrder !== undefined && meta.byteOrder !== dt.byteOrder)
    throw inputError(`grey volume: ${sidecar}: byteOrder`, meta.byteOrder, `the byte order of dtype ${show(meta.dtype)} (${dt.byteOrder})`);
  if (meta.order !== undefined && meta.order !== "C")
    throw inputError(`grey volume: ${sidecar}: order`, meta.order, '"C" (row-major: x fastest, then y, then z)');
  const offset = meta.offset ?? 0;
  if (!(Number.isInteger(offset) && (offset as number) >= 0))
    throw inputError(`grey volume: ${sidecar}: offset`, offset, "an integer >= 0", "bytes");
  const vs = meta.voxelSize_m;
  if (vs !== undefined && !(typeof vs === "number" && vs > 0 && Number.isFinite(vs)))
    throw inputError(`grey volume: ${sidecar}: voxelSize_m`, vs, "a voxel edge > 0", "m");
  const rawName = typeof meta.file === "string" ? meta.file : basename(sidecar).replace(/\.json$/i, ".raw");
  const rawPath = join(dirname(sidecar), rawName);
  if (!existsSync(rawPath)) throw new ConfigError(`grey volume: ${sidecar}: data file ${rawPath} not found`);
  let size: number;
  try {
    size = statSync(rawPath).size;
  } catch (e) {
    throw fsError(e, rawPath, "read");
  }
  const dtype: GreyDtype = dt.dtype;
  const need = (offset as number) + shape.reduce((a, b) => a * b, 1) * GREY_DTYPES[dtype].bytes;
  if (size !== need)
    throw new ConfigError(
      `grey volume: ${sidecar}: shape ${JSON.stringify(shape)} of ${dtype}${offset ? ` after ${offset} bytes` : ""} needs ${need} bytes but ${rawName} has ${size}: ${size < need ? "truncated" : "the sidecar does not describe this file"}`,
    );
  const byteOrder = (dt.byteOrder ?? meta.byteOrder ?? "little") as "little" | "big";
  const said = dt.byteOrder ?? meta.byteOrder;
  const multi = GREY_DTYPES[dtype].bytes > 1;
  return {
    head: {
      format: "raw",
      shape,
      dtype,
      fileVoxelSize:
        vs !== undefined
          ? { zyx_m: [shape.length === 3 ? (vs as number) : undefined, vs as number, vs as number], source: `${sidecar} (voxelSize_m)` }
          : undefined,
      what: `raw ${dtype}${meta.dtype === undefined ? " (the default: the sidecar gives no dtype)" : ""}${multi ? `, ${byteOrder} endian${said ? "" : " (the default: the sidecar gives no byteOrder)"}` : ""} (${rawName})`,
    },
    rawPath,
    byteOrder,
    offset: offset as number,
  };
}

const show = (v: unknown) => JSON.stringify(v);

/** The crop of a raw grey volume: per plane, the bytes of the rows it covers, then the columns it covers. */
export function readRawGrey(path: string, crop: Crop, onProgress?: (done: number, total: number) => void): GreyArray {
  const r = probeRawGrey(path);
  const { shape, dtype } = r.head;
  const [, ny, nx] = shape.length === 3 ? shape : [1, shape[0], shape[1]];
  const [z, y, x] = crop.length === 3 ? crop : [[0, 1] as [number, number], crop[0], crop[1]];
  const size = GREY_DTYPES[dtype].bytes;
  const cx = x[1] - x[0],
    cy = y[1] - y[0];
  const out = GREY_DTYPES[dtype].make(cropShape(crop).reduce((a, b) => a * b, 1));
  const rows = new Uint8Array(cy * nx * size);
  withFile(r.rawPath, (f) => {
    for (let k = z[0]; k < z[1]; k++) {
      f.readInto(r.offset + (k * ny + y[0]) * nx * size, rows.length, rows, 0);
      for (let j = 0; j < cy; j++)
        samplesFromBytes(rows.subarray((j * nx + x[0]) * size), dtype, r.byteOrder, out, ((k - z[0]) * cy + j) * cx, cx);
      onProgress?.(k - z[0] + 1, z[1] - z[0]);
    }
  });
  return out;
}
