/**
 * PNG in and out through fast-png (pure JS: the same code in Node and browsers). Every standard PNG
 * decodes: gray, gray+alpha, RGB, RGBA and palette images, 1- to 16-bit, interlaced or not.
 *   - `decodePng`: 8-bit gray intensities (images for the CNNs, conductor masks): colour and palette
 *     colours become the mean of R, G, B, alpha is dropped, other depths are scaled to 0-255.
 *   - `decodePngLabels`: phase codes (a 2D label image): gray samples as stored (16-bit ones must be
 *     0-255), palette indices as stored (the convention of indexed label masks), RGB as its mean gray.
 * The header and the chunk table are checked before anything is inflated or allocated, and every
 * failure is a one-line ConfigError naming the file.
 */
import { decode, encode, type DecodedPng } from "fast-png";
import { ConfigError } from "../config/errors.js";
import { toLabels } from "./labels.js";
import type { ByteSource } from "./byte_source.js";

/** Encodes width x height 8-bit pixels, row-major from the top, `channels` 1 (gray) or 3 (RGB). */
export function encodePng(pixels: Uint8Array, width: number, height: number, channels: 1 | 3 = 1): Uint8Array {
  if (pixels.length !== width * height * channels) throw new Error(`png: ${pixels.length} bytes for ${width} x ${height} x ${channels}`);
  return encode({ width, height, data: pixels, channels, depth: 8 });
}

const PNG_SIG = [137, 80, 78, 71, 13, 10, 26, 10];
/** Samples per pixel and the bit depths the PNG specification allows, per colour type. */
const COLOR_TYPES: Record<number, { channels: number; depths: number[]; name: string }> = {
  0: { channels: 1, depths: [1, 2, 4, 8, 16], name: "gray" },
  2: { channels: 3, depths: [8, 16], name: "RGB" },
  3: { channels: 1, depths: [1, 2, 4, 8], name: "palette" },
  4: { channels: 2, depths: [8, 16], name: "gray+alpha" },
  6: { channels: 4, depths: [8, 16], name: "RGBA" },
};
/** deflate expands at most about 1032:1, so compressed data this much smaller than the header's image is truncated or forged. */
const DEFLATE_MAX_RATIO = 1032;
/** The largest typed array this process can make. */
const MAX_ARRAY_BYTES = 2 ** 32;

export interface PngHeader {
  width: number;
  height: number;
  depth: number;
  colorType: number;
  interlace: number;
}

/** The IHDR of a PNG from its first 33 bytes (signature + IHDR chunk). */
export function pngHeader(first: Uint8Array, source = "png"): PngHeader {
  if (first.length < 8 || !PNG_SIG.every((b, i) => first[i] === b)) throw new ConfigError(`image: ${source}: not a PNG file`);
  const d = new DataView(first.buffer, first.byteOffset, first.byteLength);
  if (first.length < 33 || d.getUint32(8) !== 13 || String.fromCharCode(...first.subarray(12, 16)) !== "IHDR")
    throw new ConfigError(`image: ${source}: truncated or corrupt PNG: no IHDR header chunk after the signature`);
  const h: PngHeader = { width: d.getUint32(16), height: d.getUint32(20), depth: first[24], colorType: first[25], interlace: first[28] };
  if (h.width < 1 || h.height < 1) throw new ConfigError(`image: ${source}: the PNG header says ${h.width}x${h.height} pixels`);
  const ct = COLOR_TYPES[h.colorType];
  if (!ct?.depths.includes(h.depth) || h.interlace > 1)
    throw new ConfigError(
      `image: ${source}: corrupt PNG header: colour type ${h.colorType}, bit depth ${h.depth}, interlace ${h.interlace} is not a PNG image type`,
    );
  return h;
}

/** Decodes with fast-png after checking the chunk table against the header (no inflating of forged sizes). */
function decodeChecked(bytes: Uint8Array, source: string): DecodedPng {
  const h = pngHeader(bytes.subarray(0, 33), source);
  const d = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let idatBytes = 0,
    p = 33,
    ended = false;
  while (p + 8 <= bytes.length) {
    const len = d.getUint32(p),
      type = String.fromCharCode(...bytes.subarray(p + 4, p + 8));
    if (p + 12 + len > bytes.length)
      throw new ConfigError(
        `image: ${source}: truncated PNG: chunk ${JSON.stringify(type)} at byte ${p} needs ${len + 12} bytes, ${bytes.length - p} are left`,
      );
    if (type === "IDAT") idatBytes += len;
    else if (type === "IEND") {
      ended = true;
      break;
    }
    p += 12 + len;
  }
  if (idatBytes === 0) throw new ConfigError(`image: ${source}: truncated or corrupt PNG: no image data (IDAT)`);
  const rowBytes = Math.ceil((h.width * COLOR_TYPES[h.colorType].channels * h.depth) / 8);
  const rawBytes = h.height * (rowBytes + 1);
  // refuse before inflating or allocating: the header's size must be reachable from the data there is
  if (h.width * h.height > MAX_ARRAY_BYTES || rawBytes > DEFLATE_MAX_RATIO * idatBytes + 1024) {
    throw new ConfigError(
      `image: ${source}: the PNG header says ${h.width}x${h.height} pixels (${rawBytes} bytes to decode) but the file holds ${idatBytes} bytes of compressed data: truncated or corrupt${ended ? "" : " (no IEND chunk)"}`,
    );
  }
  let png: DecodedPng;
  try {
    png = decode(bytes);
  } catch (e) {
    throw new ConfigError(`image: ${source}: truncated or corrupt PNG data (${(e as Error).message.split("\n")[0]})`);
  }
  const want = h.depth < 8 ? rowBytes * h.height : h.width * h.height * png.channels;
  if (png.data.length !== want)
    throw new ConfigError(
      `image: ${source}: truncated or corrupt PNG: ${png.data.length} samples decoded, the ${h.width}x${h.height} header needs ${want}`,
    );
  return png;
}

/** One sample per pixel and channel: sub-byte depths unpacked (each row starts on a byte). */
function samples(png: DecodedPng): ArrayLike<number> {
  if (png.depth >= 8) return png.data;
  const { width, height, depth, channels } = png;
  const perRow = width * channels,
    rowBytes = Math.ceil((perRow * depth) / 8),
    mask = (1 << depth) - 1;
  const out = new Uint8Array(perRow * height);
  for (let y = 0; y < height; y++)
    for (let i = 0; i < perRow; i++) {
      const bit = i * depth;
      out[y * perRow + i] = (png.data[y * rowBytes + (bit >> 3)] >> (8 - depth - (bit & 7))) & mask;
    }
  return out;
}

/** Gray 0-255 from samples of `depth` bits, `ch` per pixel (the mean of R, G, B for colour; alpha dropped). */
function grayOf(v: ArrayLike<number>, n: number, ch: number, depth: number): Uint8Array {
  const scale = depth === 8 ? 1 : 255 / (2 ** depth - 1);
  const g = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const s = ch >= 3 ? (v[i * ch] + v[i * ch + 1] + v[i * ch + 2]) / 3 : v[i * ch];
    g[i] = Math.round(s * scale);
  }
  return g;
}

/** Decodes a PNG to 8-bit gray intensities (see the module comment for how colour, palettes and depths map). */
export function decodePng(bytes: Uint8Array, source = "png"): { width: number; height: number; gray: Uint8Array } {
  const png = decodeChecked(bytes, source);
  const n = png.width * png.height,
    v = samples(png);
  let gray: Uint8Array;
  if (png.palette) {
    const pal = png.palette;
    gray = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const c = pal[v[i]];
      if (!c) throw new ConfigError(`image: ${source}: corrupt PNG: pixel ${i} uses palette entry ${v[i]} of ${pal.length}`);
      gray[i] = Math.round((c[0] + c[1] + c[2]) / 3);
    }
  } else if (png.depth === 8 && png.channels === 1) gray = png.data as Uint8Array;
  else gray = grayOf(v, n, png.channels, png.depth);
  return { width: png.width, height: png.height, gray };
}

/**
 * Decodes a PNG label image to uint8 phase codes: gray samples as stored (a 16-bit image must hold
 * integers 0-255), palette indices as stored, RGB(A) as the mean gray of its 8-bit colours.
 */
export function decodePngLabels(bytes: Uint8Array, source = "png"): { width: number; height: number; labels: Uint8Array } {
  const png = decodeChecked(bytes, source);
  const n = png.width * png.height,
    v = samples(png);
  let labels: Uint8Array;
  if (png.palette || png.channels <= 2)
    labels = toLabels(v, `image: ${source}`, `a ${png.depth}-bit grey-value image`, {
      n,
      stride: png.palette ? 1 : png.channels,
      where: (i) => `the pixel at row ${Math.floor(i / png.width)}, column ${i % png.width}`,
    });
  else labels = grayOf(v, n, png.channels, png.depth);
  return { width: png.width, height: png.height, labels };
}

/**
 * Decodes a grey PNG (a CT slice) to its samples as stored: 8- or 16-bit (1-4 bit depths as bytes).
 * Palette, colour and alpha images are refused: a scan's slices are single-channel grey.
 */
export function decodePngGrey(
  bytes: Uint8Array,
  source = "png",
): { width: number; height: number; depth: number; data: Uint8Array | Uint16Array } {
  const png = decodeChecked(bytes, source);
  if (png.palette || png.channels !== 1)
    throw new ConfigError(
      `image: ${source}: a ${png.palette ? "palette" : `${png.channels}-channel colour`} PNG; grey-value slices have one grey channel (save them as 8- or 16-bit grey)`,
    );
  const v = samples(png);
  const data = v instanceof Uint16Array || v instanceof Uint8Array ? v : Uint8Array.from(v);
  return { width: png.width, height: png.height, depth: png.depth, data };
}

/** The pixel size [m] of a PNG's pHYs chunk in pixels per metre (unit 1), read from the chunks before the image data; else undefined. */
export function pngPixelSize(f: ByteSource): { x: number; y: number } | undefined {
  let p = 8;
  while (p + 8 <= f.size) {
    const h = f.read(p, 8);
    const d = new DataView(h.buffer, h.byteOffset, 8);
    const len = d.getUint32(0),
      type = String.fromCharCode(...h.subarray(4, 8));
    if (type === "IDAT" || type === "IEND") return undefined;
    if (type === "pHYs" && len === 9 && p + 17 <= f.size) {
      const b = f.read(p + 8, 9);
      const v = new DataView(b.buffer, b.byteOffset, 9);
      const x = v.getUint32(0),
        y = v.getUint32(4);
      return b[8] === 1 && x > 0 && y > 0 ? { x: 1 / x, y: 1 / y } : undefined;
    }
    p += 12 + len;
  }
  return undefined;
}
