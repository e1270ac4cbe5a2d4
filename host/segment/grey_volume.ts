/**
 * Grey-value volumes (CT or FIB-SEM scans before segmentation) from files: a multi-page TIFF stack
 * (uncompressed, LZW, Deflate or PackBits; 8/16-bit integer, signed or not, 32/64-bit float), a folder
 * of TIFF or PNG slices (slices.ts), raw + JSON sidecar (raw.ts), or one PNG (2D). The header is read
 * first (shape, sample type, calibration) and the size checked before anything sized by it is
 * allocated; a crop is applied while reading, page by page, so memory holds the crop. The voxel size
 * comes from the file (ImageJ description, resolution tags, pHYs, sidecar) or the caller, and the
 * result says which (host/io/voxel_size.ts).
 */
import { existsSync, statSync } from "node:fs";
import { extname } from "node:path";
import { ConfigError, fsError } from "../config/errors.js";
import { withFile } from "../io/file_source.js";
import { tiffLayout, sampleKind, TIFF_COMPRESSIONS, type TiffLayout } from "../io/tiff_layout.js";
import { readTiffGrey } from "../io/tiff_region.js";
import { pngHeader, pngPixelSize } from "../io/png.js";
import type { ByteSource } from "../io/byte_source.js";
import { parseImageJ, tiffVoxelSize, type FileVoxelSize } from "../io/imagej.js";
import { resolveVoxelSize } from "../io/voxel_size.js";
import { GREY_DTYPES, tiffGreyDtype, type GreyArray, type GreyDtype } from "../io/grey.js";
import { checkCrop, cropShape, fullCrop, isFull, parseCrop, pageRegion, type Crop } from "../io/crop.js";
import { volumeByteLimit } from "../transport/volume.js";
import { probeSlices, readPngRegion, readSlices } from "./slices.js";
import { probeRawGrey, readRawGrey } from "./raw.js";

export type { GreyArray, GreyDtype } from "../io/grey.js";

/** What a grey-value input holds, from its header(s) alone. */
export interface GreyHeader {
  format: "tiff" | "png" | "slices" | "raw";
  /** [z, y, x] (3D) or [y, x] (one image) */
  shape: number[];
  dtype: GreyDtype;
  /** the file's calibration, when it has one */
  fileVoxelSize?: FileVoxelSize;
  /** the input in words ("a 16-bit integer TIFF stack, LZW", "120 PNG slices") */
  what: string;
  /** a folder's slice files, in the order read */
  files?: string[];
}

/** A grey-value volume in memory, in the file's sample type. */
export interface GreyVolume {
  /** the shape read (the crop's) */
  shape: number[];
  data: GreyArray;
  dtype: GreyDtype;
  /** edge of a cubic voxel [m], when known */
  voxelSize_m?: number;
  /** where the voxel size came from, in words */
  voxelSizeSource: string;
  /** what the file says, [z, y, x] [m] (null: not said) */
  fileVoxelSize_zyx_m?: (number | null)[];
  /** the shape of the whole input, and the crop read from it (undefined: all of it) */
  fullShape: number[];
  crop?: Crop;
  source: string;
  format: GreyHeader["format"];
  what: string;
}

export interface ReadGreyOptions {
  /** a region to read: ranges per axis, or the text `z0:z1,y0:y1,x0:x1` */
  crop?: Crop | string;
  /** a voxel edge [m] that overrides the file's */
  voxelSize_m?: number;
  /** refuse inputs of more bytes than this (default: volumeByteLimit()) */
  maxBytes?: number;
  /** called after each page, slice or plane read */
  onProgress?: (done: number, total: number) => void;
  /** the input's header when already probed (probeGreyVolume), so it is not read twice */
  head?: GreyHeader;
  /** how messages name the crop and voxel-size options (default `--crop`, `--voxel-size`) */
  cropOption?: string;
  voxelSizeOption?: string;
}

type Kind = "tiff" | "png" | "slices" | "raw";

function kindOf(path: string): Kind {
  if (!existsSync(path)) throw new ConfigError(`grey volume: ${path} does not exist`);
  let dir: boolean;
  try {
    dir = statSync(path).isDirectory();
  } catch (e) {
    throw fsError(e, path, "read");
  }
  if (dir) return "slices";
  const ext = extname(path).toLowerCase();
  if (ext === ".tif" || ext === ".tiff") return "tiff";
  if (ext === ".png") return "png";
  if (ext === ".json" || ext === ".raw") return "raw";
  throw new ConfigError(
    `grey volume: ${path}: unknown extension '${ext}' (expected a .tif/.tiff stack, a folder of .tif or .png slices, a .json sidecar (+ .raw), or a .png image)`,
  );
}

/** The header of a grey-value input (TIFF stack, slice folder, raw + sidecar, PNG) without reading its voxels. */
export function probeGreyVolume(path: string): GreyHeader {
  const kind = kindOf(path);
  if (kind === "slices") return probeSlices(path);
  if (kind === "raw") return probeRawGrey(path).head;
  if (kind === "png") return withFile(path, (f) => pngGreyHeader(f, path));
  return withFile(path, (f) => tiffGreyHeader(tiffLayout(f, path), path));
}

/** Reads a grey-value input (see probeGreyVolume), cropped while reading; the voxel size resolved and its source said. */
export function readGreyVolume(path: string, o: ReadGreyOptions = {}): GreyVolume {
  const kind = kindOf(path);
  const head = o.head ?? probeGreyVolume(path);
  const crop =
    typeof o.crop === "string" ? parseCrop(o.crop, head.shape, o.cropOption) : o.crop && checkCrop(o.crop, head.shape, o.cropOption);
  const region = crop ?? fullCrop(head.shape);
  checkGreyBytes(path, head, cropShape(region), o.maxBytes);
  const vs = resolveVoxelSize(head.fileVoxelSize, o.voxelSize_m, head.shape.length, path, o.voxelSizeOption);
  let data: GreyArray;
  if (kind === "slices") data = readSlices(path, head, region, o.onProgress);
  else if (kind === "raw") data = readRawGrey(path, region, o.onProgress);
  else if (kind === "png") {
    const { y, x } = pageRegion(region);
    data = readPngRegion(path, y, x);
  } else data = withFile(path, (f) => readTiffGrey(f, tiffLayout(f, path), path, region, o.onProgress).data);
  return {
    shape: cropShape(region),
    data,
    dtype: head.dtype,
    voxelSize_m: vs.voxelSize_m,
    voxelSizeSource: vs.source,
    fileVoxelSize_zyx_m: vs.file_zyx_m,
    fullShape: head.shape,
    crop: crop && !isFull(crop, head.shape) ? crop : undefined,
    source: path,
    format: head.format,
    what: head.what,
  };
}

/** Refuses, before allocating, a read of more bytes than the limit (the crop's voxels x the sample size). */
export function checkGreyBytes(source: string, head: GreyHeader, shape: number[], maxBytes?: number, extraPerVoxel = 0): void {
  const n = shape.reduce((a, b) => a * b, 1);
  const bytes = n * (GREY_DTYPES[head.dtype].bytes + extraPerVoxel);
  const lim = maxBytes !== undefined ? { bytes: maxBytes, why: "the limit given (maxBytes)" } : volumeByteLimit();
  if (bytes > lim.bytes || GREY_DTYPES[head.dtype].bytes * n > 2 ** 32)
    throw new ConfigError(
      `grey volume: ${source}: ${shape.join(" x ")} voxels of ${head.dtype}${extraPerVoxel ? ` (+ ${extraPerVoxel} byte of labels each)` : ""} need ${(bytes / 2 ** 30).toFixed(2)} GiB, more than ${lim.why} (${(lim.bytes / 2 ** 30).toFixed(2)} GiB); refused before reading the data: crop the volume (--crop z0:z1,y0:y1,x0:x1)`,
    );
}

function tiffGreyHeader(lay: TiffLayout, path: string): GreyHeader {
  const ij = parseImageJ(lay.description);
  const ch = Number(ij?.channels ?? 1),
    slices = Number(ij?.slices ?? 1),
    frames = Number(ij?.frames ?? 1);
  if (ch > 1)
    throw new ConfigError(
      `grey volume: ${path}: an ImageJ hyperstack of ${ch} channels; a scan has one grey channel: split the channels (Fiji: Image > Color > Split Channels) and save one`,
    );
  if (slices > 1 && frames > 1)
    throw new ConfigError(
      `grey volume: ${path}: an ImageJ hyperstack of ${slices} slices x ${frames} frames (a time series of stacks); save one time point as a z-stack`,
    );
  const images = Number(ij?.images ?? lay.pages.length);
  if (images > lay.pages.length)
    throw new ConfigError(
      `grey volume: ${path}: its ImageJ description says images=${images} but the file has ${lay.pages.length} page${lay.pages.length > 1 ? "s" : ""} (ImageJ writes stacks over 4 GiB with one page and the rest of the data after it): save the stack as a folder of slices (Fiji: File > Save As > Image Sequence)`,
    );
  const comps = [...new Set(lay.pages.map((p) => TIFF_COMPRESSIONS[p.compression]))].join("/");
  const n = lay.pages.length;
  return {
    format: "tiff",
    shape: n === 1 ? [lay.h, lay.w] : [n, lay.h, lay.w],
    dtype: tiffGreyDtype(lay.bitsPerSample, lay.sampleFormat),
    fileVoxelSize: tiffVoxelSize(lay),
    what: `${lay.bitsPerSample === 8 ? "an" : "a"} ${sampleKind(lay.bitsPerSample, lay.sampleFormat)} TIFF ${n === 1 ? "image" : `stack of ${n} pages`}, ${comps === "none" ? "uncompressed" : comps}`,
  };
}

function pngGreyHeader(f: ByteSource, path: string): GreyHeader {
  const h = pngHeader(f.read(0, Math.min(33, f.size)), path);
  if (h.colorType !== 0)
    throw new ConfigError(
      `grey volume: ${path}: a ${h.colorType === 3 ? "palette" : "colour"} PNG; a grey-value image has one grey channel (8 or 16 bits)`,
    );
  const px = pngPixelSize(f);
  return {
    format: "png",
    shape: [h.height, h.width],
    dtype: h.depth === 16 ? "uint16" : "uint8",
    fileVoxelSize: px && { zyx_m: [undefined, px.y, px.x], source: `the pHYs chunk (${fmtNum(1 / px.x)} pixels per metre)` },
    what: `${h.depth === 8 ? "an" : "a"} ${h.depth}-bit grey PNG`,
  };
}

const fmtNum = (v: number) => String(Math.round(v));
