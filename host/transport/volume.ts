/**
 * Labelled voxel volumes (uint8 phase codes, C order) and their files: raw + JSON sidecar (the
 * fixture format of fixtures/transport), multi-page TIFF stacks (one page per index of axis 0; read:
 * uncompressed, LZW, Deflate or PackBits, 8- or 16-bit integer or float samples holding phase codes;
 * written: uncompressed 8-bit that ImageJ/Fiji opens as a calibrated z-stack, the assbkit fields on an
 * `assbkit=` line of the ImageJ description) and PNG for 2D images. A TIFF without an assbkit voxel
 * size takes ImageJ's calibration (or the resolution tags) when its voxels are cubic. A crop is applied
 * while reading. The image codecs are in host/io (tiff_*.ts, png.ts); this module maps files to
 * volumes. Writes go through a temp name + rename.
 */
import { readFileSync, existsSync, statSync } from "node:fs";
import { totalmem } from "node:os";
import { dirname, join, extname, basename } from "node:path";
import { writeFileAtomic } from "../io/atomic.js";
import { encodePng, decodePngLabels, pngHeader as readPngHeader } from "../io/png.js";
import { MAX_ARRAY_BYTES, memorySource, type ByteSource } from "../io/byte_source.js";
import { READ_CHUNK, withFile } from "../io/file_source.js";
import { tiffLayout, type TiffLayout } from "../io/tiff_layout.js";
import { readTiffLabels } from "../io/tiff_decode.js";
import { readTiffLabelsRegion } from "../io/tiff_region.js";
import { encodeTiffStack } from "../io/tiff_encode.js";
import { assbkitFields, imagejDescription, pixelsPerMicron, tiffVoxelSize } from "../io/imagej.js";
import { resolveVoxelSize } from "../io/voxel_size.js";
import { checkCrop, cropShape, cropText, isFull, type Crop } from "../io/crop.js";
import { ConfigError, fsError, inputError } from "../config/errors.js";

import { checkVolume, type Volume } from "./volume_type.js";
export { checkVolume, DEFAULT_PHASES, type Volume } from "./volume_type.js";
// 8-bit gray decoding of PNG images lives in host/io; re-exported for the callers that took it from here
export { decodePng } from "../io/png.js";

/** Bytes a volume may hold: the largest typed array this process can make (2^32), and 80 % of the machine's memory. */
export function volumeByteLimit(): { bytes: number; why: string } {
  const mem = Math.floor(0.8 * totalmem());
  return mem < MAX_ARRAY_BYTES
    ? { bytes: mem, why: `80 % of this machine's ${(totalmem() / 2 ** 30).toFixed(1)} GiB of memory` }
    : { bytes: MAX_ARRAY_BYTES, why: "the 4 GiB a single array can hold" };
}

/** What a volume file holds, from its header or sidecar alone (the voxel data is not read). */
export interface VolumeHeader {
  format: "raw" | "tiff" | "png";
  shape: number[];
  /** Bytes of voxel data (uint8 per voxel). */
  bytes: number;
  phases: Record<string, string>;
  voxelSize_m?: number;
  /** The sidecar (raw) or the assbkit TIFF description fields (axes, periodicXY, transport_axis, batch). */
  meta: Record<string, unknown>;
}

export interface ReadVolumeOptions {
  /** Refuse volumes of more voxel bytes than this (default: volumeByteLimit()). */
  maxBytes?: number;
  /** Bytes read from the file per call (default 1 GiB). */
  chunkBytes?: number;
  /** Read only this region (one [start, end) voxel range per axis; host/io/crop.ts); meta.crop records it. */
  crop?: Crop;
}

/** The header of a volume file (`.json`/`.raw` sidecar, `.tif/.tiff`, `.png`) without reading its voxel data. */
export function probeVolume(path: string): VolumeHeader {
  const ext = kindOf(path);
  if (ext === "raw") return rawHeader(sidecarOf(path)).head;
  return withFile(path, (f) => (ext === "tiff" ? tiffHeader(tiffLayout(f, path), path) : pngHeader(f, path)));
}

/** Reads a volume: `.json` sidecar (+ its raw file), `.raw` (sidecar next to it), `.tif/.tiff`, `.png`. */
export function readVolume(path: string, o: ReadVolumeOptions = {}): Volume {
  const ext = kindOf(path);
  if (ext === "raw") return readRaw(sidecarOf(path), o);
  if (ext === "tiff") return withFile(path, (f) => readTiff(f, path, o));
  const img = withFile(path, (f) => {
    const shape = pngHeader(f, path).shape;
    if (o.crop) checkCrop(o.crop, shape, `volume: ${path}: crop`);
    checkBytes(path, shape, o);
    return decodePngLabels(f.read(0, f.size), path);
  });
  const v: Volume = { shape: [img.height, img.width], data: img.labels, phases: {}, meta: { source: path } };
  return checkVolume(o.crop ? cropLabels(v, o.crop) : v, path);
}

/** The crop of a volume in memory (a PNG: decoded whole, then cropped). */
function cropLabels(v: Volume, crop: Crop): Volume {
  if (isFull(crop, v.shape)) return v;
  const [nz, ny, nx] = v.shape.length === 3 ? v.shape : [1, v.shape[0], v.shape[1]];
  const [z, y, x] = crop.length === 3 ? crop : [[0, 1] as [number, number], crop[0], crop[1]];
  const shape = cropShape(crop);
  const data = new Uint8Array(shape.reduce((a, b) => a * b, 1));
  let o = 0;
  for (let k = z[0]; k < Math.min(z[1], nz); k++)
    for (let j = y[0]; j < y[1]; j++, o += x[1] - x[0]) data.set(v.data.subarray((k * ny + j) * nx + x[0], (k * ny + j) * nx + x[1]), o);
  return { ...v, shape, data, meta: { ...v.meta, crop: cropText(crop) } };
}

function kindOf(path: string): "raw" | "tiff" | "png" {
  if (!existsSync(path)) throw new ConfigError(`volume: file ${path} does not exist`);
  const ext = extname(path).toLowerCase();
  if (ext === ".json" || ext === ".raw") return "raw";
  if (ext === ".tif" || ext === ".tiff") return "tiff";
  if (ext === ".png") return "png";
  throw new ConfigError(`volume: ${path}: unknown extension '${ext}' (expected .json/.raw with sidecar, .tif/.tiff, or .png)`);
}

const sidecarOf = (path: string) => (extname(path).toLowerCase() === ".raw" ? path.slice(0, -4) + ".json" : path);

function checkBytes(source: string, shape: number[], o: ReadVolumeOptions): number {
  const n = shape.reduce((a, b) => a * b, 1);
  const lim = o.maxBytes !== undefined ? { bytes: o.maxBytes, why: "the limit given (maxBytes)" } : volumeByteLimit();
  if (n > lim.bytes) {
    throw new ConfigError(
      `volume: ${source}: shape ${JSON.stringify(shape)} holds ${n} voxels (${(n / 2 ** 30).toFixed(2)} GiB of uint8), more than ${lim.why} (${(lim.bytes / 2 ** 30).toFixed(2)} GiB); refused before reading the data: crop the volume or use a coarser voxel size`,
    );
  }
  return n;
}

function pngHeader(f: ByteSource, source: string): VolumeHeader {
  const h = readPngHeader(f.read(0, Math.min(33, f.size)), source);
  return { format: "png", shape: [h.height, h.width], bytes: h.width * h.height, phases: {}, meta: {} };
}

// ---- raw + JSON sidecar ----

function rawHeader(sidecar: string): { head: VolumeHeader; rawPath: string; rawName: string } {
  if (!existsSync(sidecar))
    throw new ConfigError(`volume: sidecar ${sidecar} not found (a .raw volume needs a JSON sidecar with shape, dtype and phases)`);
  let meta: Record<string, unknown>;
  let text: string;
  try {
    text = readFileSync(sidecar, "utf8");
  } catch (e) {
    throw fsError(e, sidecar, "read");
  }
  try {
    meta = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`volume: ${sidecar}: not valid JSON (${(e as Error).message})`);
  }
  if (meta === null || typeof meta !== "object" || Array.isArray(meta))
    throw new ConfigError(`volume: ${sidecar}: expected a JSON object with shape, dtype and phases`);
  const shape = meta.shape as number[];
  if (!Array.isArray(shape) || !shape.every((n) => Number.isInteger(n) && n >= 1) || shape.length < 2 || shape.length > 3) {
    throw new ConfigError(`volume: ${sidecar}: shape = ${JSON.stringify(shape)}: expected 2 or 3 positive integers [voxels]`);
  }
  if (meta.dtype !== undefined && meta.dtype !== "uint8")
    throw new ConfigError(`volume: ${sidecar}: dtype = ${JSON.stringify(meta.dtype)}: only "uint8" phase codes are supported`);
  if (meta.order !== undefined && meta.order !== "C")
    throw new ConfigError(`volume: ${sidecar}: order = ${JSON.stringify(meta.order)}: only "C" (row-major) is supported`);
  const phases = checkPhases(meta.phases, sidecar);
  if (meta.voxelSize_m !== undefined && !(typeof meta.voxelSize_m === "number" && meta.voxelSize_m > 0))
    throw inputError(`volume: ${sidecar}: voxelSize_m`, meta.voxelSize_m, "a voxel edge > 0", "m");
  const rawName = typeof meta.file === "string" ? meta.file : basename(sidecar).replace(/\.json$/, ".raw");
  const rawPath = join(dirname(sidecar), rawName);
  if (!existsSync(rawPath)) throw new ConfigError(`volume: ${sidecar}: data file ${rawPath} not found`);
  const n = shape.reduce((a, b) => a * b, 1);
  let size: number;
  try {
    size = statSync(rawPath).size;
  } catch (e) {
    throw fsError(e, rawPath, "read");
  }
  if (size !== n)
    throw new ConfigError(
      `volume: ${sidecar}: shape ${JSON.stringify(shape)} needs ${n} bytes but ${rawName} has ${size}: the sidecar does not describe this file`,
    );
  return { head: { format: "raw", shape, bytes: n, phases, voxelSize_m: meta.voxelSize_m as number | undefined, meta }, rawPath, rawName };
}

function checkPhases(p: unknown, source: string): Record<string, string> {
  if (p === undefined || p === null) return {};
  if (
    typeof p !== "object" ||
    Array.isArray(p) ||
    !Object.entries(p).every(([c, nm]) => /^\d+$/.test(c) && Number(c) <= 255 && typeof nm === "string")
  ) {
    throw inputError(`volume: ${source}: phases`, p, 'an object of phase code (0-255) -> name, e.g. {"0": "pore", "1": "AM", "2": "SE"}');
  }
  return p as Record<string, string>;
}

function readRaw(sidecar: string, o: ReadVolumeOptions): Volume {
  const { head, rawPath } = rawHeader(sidecar);
  const crop = o.crop && !isFull(checkCrop(o.crop, head.shape, `volume: ${sidecar}: crop`), head.shape) ? o.crop : undefined;
  const shape = crop ? cropShape(crop) : head.shape;
  const n = checkBytes(sidecar, shape, o);
  // read by position in pieces: one buffer of the whole volume, also over the 2 GiB readFileSync takes
  const data = new Uint8Array(n);
  const chunk = o.chunkBytes ?? READ_CHUNK;
  if (!(Number.isInteger(chunk) && chunk >= 1)) throw inputError("volume: chunkBytes", chunk, "a positive integer", "bytes");
  if (!crop) {
    withFile(rawPath, (f) => f.readInto(0, n, data, 0), chunk);
    return { shape, data, phases: head.phases, voxelSize_m: head.voxelSize_m, meta: head.meta };
  }
  // a crop: per plane, the rows it covers in one read, then their columns
  const [, ny, nx] = head.shape.length === 3 ? head.shape : [1, head.shape[0], head.shape[1]];
  const [z, y, x] = crop.length === 3 ? crop : [[0, 1] as [number, number], crop[0], crop[1]];
  const rows = new Uint8Array((y[1] - y[0]) * nx);
  let at = 0;
  withFile(
    rawPath,
    (f) => {
      for (let k = z[0]; k < z[1]; k++) {
        f.readInto((k * ny + y[0]) * nx, rows.length, rows, 0);
        for (let j = 0; j < y[1] - y[0]; j++, at += x[1] - x[0]) data.set(rows.subarray(j * nx + x[0], j * nx + x[1]), at);
      }
    },
    chunk,
  );
  return { shape, data, phases: head.phases, voxelSize_m: head.voxelSize_m, meta: { ...head.meta, crop: cropText(crop) } };
}

/** Writes `<stem>.raw` + `<stem>.json` (fixture format) or a `.tif` stack, by the extension of `path`. */
export function writeVolume(path: string, v: Volume): string[] {
  checkVolume(v, path);
  const ext = extname(path).toLowerCase();
  if (ext === ".tif" || ext === ".tiff") {
    writeFileAtomic(path, encodeTiff(v));
    return [path];
  }
  if (ext === ".png") {
    if (v.shape.length !== 2) throw new ConfigError(`volume: ${path}: PNG holds 2D images only; shape is ${JSON.stringify(v.shape)}`);
    writeFileAtomic(path, encodePng(v.data, v.shape[1], v.shape[0], 1));
    return [path];
  }
  const stem = ext === ".json" || ext === ".raw" ? path.slice(0, -ext.length) : path;
  const counts: Record<string, number> = {};
  for (let i = 0; i < v.data.length; i++) counts[v.data[i]] = (counts[v.data[i]] ?? 0) + 1;
  const fractions = Object.fromEntries(Object.entries(counts).map(([k, c]) => [k, c / v.data.length]));
  const sidecar = {
    ...(v.meta ?? {}),
    phases: v.phases,
    file: basename(stem) + ".raw",
    dtype: "uint8",
    order: "C",
    shape: v.shape,
    voxelSize_m: v.voxelSize_m,
    label_fractions: fractions,
  };
  writeFileAtomic(stem + ".raw", v.data);
  writeFileAtomic(stem + ".json", JSON.stringify(sidecar, null, 1) + "\n");
  return [stem + ".raw", stem + ".json"];
}

// ---- TIFF stacks: the assbkit fields ride in the ImageDescription as JSON ----

/** The assbkit fields of a volume's meta that a TIFF description carries (the sidecar fields of a raw volume). */
const TIFF_META_KEYS = ["axes", "periodicXY", "transport_axis", "batch"] as const;

/**
 * A volume as an uncompressed 8-bit multi-page TIFF (one page per slice of axis 0; a 2D volume is one
 * page) that ImageJ/Fiji opens as a z-stack with its voxel size (unit=micron, spacing, XResolution and
 * YResolution in pixels per micron) and a display range 0..the largest code; the assbkit fields (shape,
 * phases, exact voxelSize_m, transport axis, ...) on the description's `assbkit=` line.
 */
export function encodeTiff(v: Volume): Uint8Array {
  const [pages, h, w] = v.shape.length === 3 ? v.shape : [1, v.shape[0], v.shape[1]];
  const extra = Object.fromEntries(TIFF_META_KEYS.filter((k) => v.meta?.[k] !== undefined).map((k) => [k, v.meta![k]]));
  let max = 0;
  for (let i = 0; i < v.data.length; i++) if (v.data[i] > max) max = v.data[i];
  const desc = imagejDescription({
    images: pages,
    voxelSize_m: v.voxelSize_m,
    min: 0,
    max: Math.max(1, max),
    assbkit: { assbkit: 1, shape: v.shape, phases: v.phases, voxelSize_m: v.voxelSize_m, ...extra },
  });
  return encodeTiffStack(v.data, pages, h, w, desc, v.voxelSize_m ? { pixelsPerUnit: pixelsPerMicron(v.voxelSize_m) } : {});
}

/** A TIFF stack in memory as a volume (see readVolume for what is read). */
export function decodeTiff(bytes: Uint8Array, source = "tiff"): Volume {
  return readTiff(memorySource(bytes, source), source, {});
}

function readTiff(f: ByteSource, source: string, o: ReadVolumeOptions): Volume {
  const lay = tiffLayout(f, source);
  const head = tiffHeader(lay, source);
  let crop = o.crop && checkCrop(o.crop, head.shape, `volume: ${source}: crop`);
  if (crop && isFull(crop, head.shape)) crop = undefined;
  const pagesShape = lay.pages.length === 1 ? [lay.h, lay.w] : [lay.pages.length, lay.h, lay.w];
  if (crop && pagesShape.join() !== head.shape.join())
    throw new ConfigError(
      `volume: ${source}: its description gives shape ${JSON.stringify(head.shape)} for pages of ${JSON.stringify(pagesShape)}: a crop reads pages; crop the whole volume instead`,
    );
  checkBytes(source, crop ? cropShape(crop) : head.shape, o);
  return checkVolume(
    {
      shape: crop ? cropShape(crop) : head.shape,
      data: crop ? readTiffLabelsRegion(f, lay, source, crop) : readTiffLabels(f, lay, source),
      phases: head.phases,
      voxelSize_m: head.voxelSize_m,
      meta: { ...head.meta, source, ...(crop ? { crop: cropText(crop) } : {}) },
    },
    source,
  );
}

/** A stack's voxel size: the assbkit description's, else ImageJ's calibration or the resolution tags when the voxels are cubic. */
function tiffVoxel(lay: TiffLayout, desc: Record<string, unknown> | undefined, dims: number, source: string) {
  if (typeof desc?.voxelSize_m === "number") return { voxelSize_m: desc.voxelSize_m };
  const cal = tiffVoxelSize(lay);
  if (!cal) return {};
  try {
    const r = resolveVoxelSize(cal, undefined, dims, source);
    return { voxelSize_m: r.voxelSize_m, meta: { voxelSizeSource: r.source } };
  } catch (e) {
    // non-cubic voxels: no single edge; the file's sizes are kept in meta and the reason said
    return { meta: { voxelSize_zyx_m: cal.zyx_m.map((x) => x ?? null), voxelSizeSource: (e as Error).message } };
  }
}

function tiffHeader(lay: TiffLayout, source: string): VolumeHeader {
  const { w, h, pages } = lay;
  const desc = assbkitFields(lay.description);
  const n = pages.length * w * h;
  const shape = desc?.shape as number[] | undefined;
  const meta: Record<string, unknown> = {};
  for (const k of TIFF_META_KEYS) if (desc?.[k] !== undefined) meta[k] = desc[k];
  const dims =
    Array.isArray(shape) && shape.every((x) => Number.isInteger(x) && x >= 1) && shape.reduce((a, b) => a * b, 1) === n
      ? shape
      : pages.length === 1
        ? [h, w]
        : [pages.length, h, w];
  const vox = tiffVoxel(lay, desc, dims.length, source);
  return {
    format: "tiff",
    shape: dims,
    bytes: n,
    phases: checkPhases(desc?.phases, `${source} (TIFF description)`),
    voxelSize_m: vox.voxelSize_m,
    meta: { ...meta, ...vox.meta },
  };
}
