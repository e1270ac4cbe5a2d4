/**
 * A folder of slice images as one grey-value volume: TIFF (one page each) or grey PNG (8 or 16 bits)
 * files, in natural order of their names (slice_2 before slice_10), slice k at z = k. Every slice's
 * header is checked before any pixel is read: all one kind, one size and one sample type, or a one-line
 * error naming the slice. The voxel size is the first slice's (ImageJ description and resolution tags,
 * or a PNG pHYs chunk); slices carry no slice spacing, so z is taken equal to the pixel size (and said).
 */
import { readdirSync, readFileSync } from "node:fs";
import { extname, join } from "node:path";
import { ConfigError, fsError } from "../config/errors.js";
import { withFile } from "../io/file_source.js";
import { tiffLayout, sampleKind } from "../io/tiff_layout.js";
import { readTiffGrey } from "../io/tiff_region.js";
import { decodePngGrey, pngHeader, pngPixelSize } from "../io/png.js";
import { tiffVoxelSize, type FileVoxelSize } from "../io/imagej.js";
import { cropPlane, GREY_DTYPES, tiffGreyDtype, type GreyArray, type GreyDtype } from "../io/grey.js";
import { cropShape, type Crop } from "../io/crop.js";
import type { GreyHeader } from "./grey_volume.js";

/** Compares file names as people count: runs of digits by their value ("s9" < "s10"), the rest by code point. */
export function naturalCompare(a: string, b: string): number {
  const ta = a.match(/\d+|\D+/g) ?? [],
    tb = b.match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.min(ta.length, tb.length); i++) {
    const x = ta[i],
      y = tb[i];
    if (x === y) continue;
    if (/^\d/.test(x) && /^\d/.test(y)) {
      const xs = x.replace(/^0+(?=\d)/, ""),
        ys = y.replace(/^0+(?=\d)/, "");
      if (xs.length !== ys.length) return xs.length - ys.length;
      if (xs !== ys) return xs < ys ? -1 : 1;
      return x.length - y.length; // equal values: fewer leading zeros first
    }
    return x < y ? -1 : 1;
  }
  return ta.length - tb.length;
}

const TIFF_EXT = new Set([".tif", ".tiff"]);

/** The slice files of a folder in natural order, and their kind. */
function listSlices(dir: string): { names: string[]; kind: "tiff" | "png"; others: number } {
  let all: string[];
  try {
    all = readdirSync(dir).filter((f) => !f.startsWith("."));
  } catch (e) {
    throw fsError(e, dir, "list");
  }
  const tif = all.filter((f) => TIFF_EXT.has(extname(f).toLowerCase())),
    png = all.filter((f) => extname(f).toLowerCase() === ".png");
  if (tif.length && png.length)
    throw new ConfigError(
      `grey volume: folder ${dir} holds ${tif.length} TIFF and ${png.length} PNG files; a folder of slices holds one kind (e.g. ${tif[0]}, ${png[0]})`,
    );
  if (!tif.length && !png.length)
    throw new ConfigError(`grey volume: folder ${dir} holds no .tif/.tiff or .png slices (${all.length} other files)`);
  const names = (tif.length ? tif : png).sort(naturalCompare);
  return { names, kind: tif.length ? "tiff" : "png", others: all.length - names.length };
}

/** One slice's header: size, sample type, and (first slice only) calibration. */
function sliceHeader(
  path: string,
  kind: "tiff" | "png",
  calib: boolean,
): { w: number; h: number; dtype: GreyDtype; what: string; cal?: FileVoxelSize } {
  return withFile(path, (f) => {
    if (kind === "tiff") {
      const lay = tiffLayout(f, path);
      if (lay.pages.length !== 1)
        throw new ConfigError(`grey volume: slice ${path} has ${lay.pages.length} pages; each file of a folder of slices holds one image`);
      return {
        w: lay.w,
        h: lay.h,
        dtype: tiffGreyDtype(lay.bitsPerSample, lay.sampleFormat),
        what: sampleKind(lay.bitsPerSample, lay.sampleFormat),
        cal: calib ? tiffVoxelSize(lay) : undefined,
      };
    }
    const h = pngHeader(f.read(0, Math.min(33, f.size)), path);
    if (h.colorType !== 0)
      throw new ConfigError(
        `grey volume: slice ${path} is a ${h.colorType === 3 ? "palette" : "colour"} PNG; slices are single-channel grey (8 or 16 bits)`,
      );
    const px = calib ? pngPixelSize(f) : undefined;
    return {
      w: h.width,
      h: h.height,
      dtype: h.depth === 16 ? "uint16" : "uint8",
      what: `${h.depth}-bit grey`,
      cal: px && { zyx_m: [undefined, px.y, px.x], source: `the pHYs chunk of ${path} (${Math.round(1 / px.x)} pixels per metre)` },
    };
  });
}

/** The header of a folder of slices: every slice's size and type checked, the first slice's calibration. */
export function probeSlices(dir: string): GreyHeader {
  const { names, kind, others } = listSlices(dir);
  const first = sliceHeader(join(dir, names[0]), kind, true);
  for (const nm of names.slice(1)) {
    const s = sliceHeader(join(dir, nm), kind, false);
    if (s.w !== first.w || s.h !== first.h || s.dtype !== first.dtype)
      throw new ConfigError(
        `grey volume: slice ${join(dir, nm)} is ${s.w}x${s.h} ${s.what}, the first slice ${names[0]} is ${first.w}x${first.h} ${first.what}; all slices must have the same size and sample type`,
      );
  }
  const cal = first.cal && { ...first.cal, source: `slice ${names[0]}: ${first.cal.source}` };
  return {
    format: "slices",
    shape: [names.length, first.h, first.w],
    dtype: first.dtype,
    fileVoxelSize: cal,
    what: `${names.length} ${first.what} ${kind === "tiff" ? "TIFF" : "PNG"} slices (${names[0]} ... ${names[names.length - 1]}, natural order${others ? `; ${others} other files ignored` : ""})`,
    files: names,
  };
}

/** Slices crop[0][0] .. crop[0][1] of the folder, each cropped to the crop's rows and columns. */
/** Rows y[0]..y[1] and columns x[0]..x[1] (half-open) of a grey PNG. */
export function readPngRegion(path: string, y: [number, number], x: [number, number]): GreyArray {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw fsError(e, path, "read");
  }
  const img = decodePngGrey(bytes, path);
  return cropPlane(img.data, img.width, y, x);
}

export function readSlices(dir: string, head: GreyHeader, crop: Crop, onProgress?: (done: number, total: number) => void): GreyArray {
  const [[z0, z1], y, x] = crop;
  const files = head.files ?? listSlices(dir).names;
  const plane = (y[1] - y[0]) * (x[1] - x[0]);
  const out = GREY_DTYPES[head.dtype].make(cropShape(crop).reduce((a, b) => a * b, 1));
  const png = extname(files[0]).toLowerCase() === ".png";
  for (let z = z0; z < z1; z++) {
    const path = join(dir, files[z]);
    let slice: GreyArray;
    if (png) slice = readPngRegion(path, y, x);
    else slice = withFile(path, (f) => readTiffGrey(f, tiffLayout(f, path), path, [y, x]).data);
    if (slice.length !== plane)
      throw new ConfigError(`grey volume: slice ${path} changed while it was read (${slice.length} of ${plane} pixels)`);
    out.set(slice, (z - z0) * plane);
    onProgress?.(z - z0 + 1, z1 - z0);
  }
  return out;
}
