/**
 * Labelled voxel volumes (uint8 phase codes, C order) and their files: raw + JSON sidecar (the
 * fixture format of fixtures/transport), multi-page TIFF stacks (baseline, uncompressed, 8-bit; one
 * page per index of axis 0) and 8-bit PNG for 2D images. Writes go through a temp name + rename.
 */
import { readFileSync, existsSync } from "node:fs";
import { dirname, join, extname, basename } from "node:path";
import { inflateSync } from "node:zlib";
import { writeFileAtomic } from "../io/atomic.js";
import { encodePng } from "../io/png.js";
import { ConfigError } from "../config/errors.js";

import { checkVolume, type Volume } from "./volume_type.js";
export { checkVolume, DEFAULT_PHASES, type Volume } from "./volume_type.js";

/** Reads a volume: `.json` sidecar (+ its raw file), `.raw` (sidecar next to it), `.tif/.tiff`, `.png`. */
export function readVolume(path: string): Volume {
  if (!existsSync(path)) throw new ConfigError(`volume: file ${path} does not exist`);
  const ext = extname(path).toLowerCase();
  if (ext === ".json" || ext === ".raw") return readRaw(ext === ".raw" ? path.slice(0, -4) + ".json" : path);
  if (ext === ".tif" || ext === ".tiff") return decodeTiff(readFileSync(path), path);
  if (ext === ".png") {
    const img = decodePng(readFileSync(path), path);
    return checkVolume({ shape: [img.height, img.width], data: img.gray, phases: {}, meta: { source: path } }, path);
  }
  throw new ConfigError(`volume: ${path}: unknown extension '${ext}' (expected .json/.raw with sidecar, .tif/.tiff, or .png)`);
}

function readRaw(sidecar: string): Volume {
  if (!existsSync(sidecar)) throw new ConfigError(`volume: sidecar ${sidecar} not found (a .raw volume needs a JSON sidecar with shape, dtype and phases)`);
  let meta: Record<string, unknown>;
  try { meta = JSON.parse(readFileSync(sidecar, "utf8")); } catch (e) { throw new ConfigError(`volume: ${sidecar}: not valid JSON (${(e as Error).message})`); }
  const shape = meta.shape as number[];
  if (!Array.isArray(shape) || !shape.every((n) => Number.isInteger(n) && n >= 1) || (shape.length < 2 || shape.length > 3)) {
    throw new ConfigError(`volume: ${sidecar}: shape = ${JSON.stringify(shape)}: expected 2 or 3 positive integers [voxels]`);
  }
  if (meta.dtype !== undefined && meta.dtype !== "uint8") throw new ConfigError(`volume: ${sidecar}: dtype = ${JSON.stringify(meta.dtype)}: only "uint8" phase codes are supported`);
  if (meta.order !== undefined && meta.order !== "C") throw new ConfigError(`volume: ${sidecar}: order = ${JSON.stringify(meta.order)}: only "C" (row-major) is supported`);
  const rawName = typeof meta.file === "string" ? meta.file : basename(sidecar).replace(/\.json$/, ".raw");
  const rawPath = join(dirname(sidecar), rawName);
  if (!existsSync(rawPath)) throw new ConfigError(`volume: ${sidecar}: data file ${rawPath} not found`);
  const data = new Uint8Array(readFileSync(rawPath));
  const n = shape.reduce((a, b) => a * b, 1);
  if (data.length !== n) throw new ConfigError(`volume: ${sidecar}: shape ${JSON.stringify(shape)} needs ${n} bytes but ${rawName} has ${data.length}: the sidecar does not describe this file`);
  const phases = (meta.phases as Record<string, string>) ?? {};
  return { shape, data, phases, voxelSize_m: typeof meta.voxelSize_m === "number" ? meta.voxelSize_m : undefined, meta };
}

/** Writes `<stem>.raw` + `<stem>.json` (fixture format) or a `.tif` stack, by the extension of `path`. */
export function writeVolume(path: string, v: Volume): string[] {
  checkVolume(v, path);
  const ext = extname(path).toLowerCase();
  if (ext === ".tif" || ext === ".tiff") { writeFileAtomic(path, encodeTiff(v)); return [path]; }
  if (ext === ".png") {
    if (v.shape.length !== 2) throw new ConfigError(`volume: ${path}: PNG holds 2D images only; shape is ${JSON.stringify(v.shape)}`);
    writeFileAtomic(path, encodePng(v.data, v.shape[1], v.shape[0], 1));
    return [path];
  }
  const stem = ext === ".json" || ext === ".raw" ? path.slice(0, -ext.length) : path;
  const counts: Record<string, number> = {};
  for (let i = 0; i < v.data.length; i++) counts[v.data[i]] = (counts[v.data[i]] ?? 0) + 1;
  const fractions = Object.fromEntries(Object.entries(counts).map(([k, c]) => [k, c / v.data.length]));
  const sidecar = { ...(v.meta ?? {}), phases: v.phases, file: basename(stem) + ".raw", dtype: "uint8", order: "C", shape: v.shape, voxelSize_m: v.voxelSize_m, label_fractions: fractions };
  writeFileAtomic(stem + ".raw", v.data);
  writeFileAtomic(stem + ".json", JSON.stringify(sidecar, null, 1) + "\n");
  return [stem + ".raw", stem + ".json"];
}

// ---- TIFF (baseline, little endian, uncompressed, 8-bit gray, one page per slice of axis 0) ----

export function encodeTiff(v: Volume): Uint8Array {
  const [pages, h, w] = v.shape.length === 3 ? v.shape : [1, v.shape[0], v.shape[1]];
  const desc = new TextEncoder().encode(JSON.stringify({ assbkit: 1, shape: v.shape, phases: v.phases, voxelSize_m: v.voxelSize_m }) + "\0");
  const nTags = 10;
  const ifdBytes = 2 + nTags * 12 + 4;
  const pageBytes = h * w;
  // layout: header 8 | description | per page: IFD then pixels
  const descOff = 8;
  let off = descOff + desc.length + (desc.length & 1);
  const ifdOffs: number[] = [], dataOffs: number[] = [];
  for (let p = 0; p < pages; p++) { ifdOffs.push(off); off += ifdBytes; dataOffs.push(off); off += pageBytes + (pageBytes & 1); }
  const buf = new Uint8Array(off);
  const d = new DataView(buf.buffer);
  buf[0] = 0x49; buf[1] = 0x49; d.setUint16(2, 42, true); d.setUint32(4, ifdOffs[0], true);
  buf.set(desc, descOff);
  for (let p = 0; p < pages; p++) {
    let q = ifdOffs[p];
    d.setUint16(q, nTags, true); q += 2;
    const tag = (id: number, type: number, count: number, value: number) => {
      d.setUint16(q, id, true); d.setUint16(q + 2, type, true); d.setUint32(q + 4, count, true);
      if (type === 3 && count === 1) d.setUint16(q + 8, value, true); else d.setUint32(q + 8, value, true);
      q += 12;
    };
    tag(256, 4, 1, w); tag(257, 4, 1, h); tag(258, 3, 1, 8); tag(259, 3, 1, 1); tag(262, 3, 1, 1);
    tag(270, 2, desc.length, descOff); tag(273, 4, 1, dataOffs[p]); tag(277, 3, 1, 1); tag(278, 4, 1, h); tag(279, 4, 1, pageBytes);
    d.setUint32(q, p + 1 < pages ? ifdOffs[p + 1] : 0, true);
    buf.set(v.data.subarray(p * pageBytes, (p + 1) * pageBytes), dataOffs[p]);
  }
  return buf;
}

export function decodeTiff(bytes: Uint8Array, source = "tiff"): Volume {
  const d = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const le = bytes[0] === 0x49 && bytes[1] === 0x49;
  if (!(le || (bytes[0] === 0x4d && bytes[1] === 0x4d)) || d.getUint16(2, le) !== 42) throw new ConfigError(`volume: ${source}: not a TIFF file (BigTIFF is not supported)`);
  const pages: Uint8Array[] = [];
  let w = 0, h = 0;
  let meta: Record<string, unknown> | undefined;
  let ifd = d.getUint32(4, le);
  while (ifd !== 0) {
    const n = d.getUint16(ifd, le);
    const tags = new Map<number, number[]>();
    for (let t = 0; t < n; t++) {
      const q = ifd + 2 + t * 12;
      const id = d.getUint16(q, le), type = d.getUint16(q + 2, le), count = d.getUint32(q + 4, le);
      const size = type === 3 ? 2 : type === 4 ? 4 : 1;
      const at = count * size > 4 ? d.getUint32(q + 8, le) : q + 8;
      const vals: number[] = [];
      if (type === 3 || type === 4) for (let c = 0; c < count; c++) vals.push(type === 3 ? d.getUint16(at + 2 * c, le) : d.getUint32(at + 4 * c, le));
      else vals.push(at, count);
      tags.set(id, vals);
    }
    const pw = tags.get(256)?.[0] ?? 0, ph = tags.get(257)?.[0] ?? 0;
    const bps = tags.get(258)?.[0] ?? 1, comp = tags.get(259)?.[0] ?? 1, spp = tags.get(277)?.[0] ?? 1;
    if (bps !== 8 || comp !== 1 || spp !== 1) throw new ConfigError(`volume: ${source}: page ${pages.length} has BitsPerSample ${bps}, Compression ${comp}, SamplesPerPixel ${spp}; only uncompressed 8-bit single-channel stacks are supported`);
    if (pages.length === 0) { w = pw; h = ph; } else if (pw !== w || ph !== h) throw new ConfigError(`volume: ${source}: page ${pages.length} is ${pw}x${ph}, the first page ${w}x${h}; all pages must have the same size`);
    const offs = tags.get(273) ?? [], counts = tags.get(279) ?? [];
    const page = new Uint8Array(w * h);
    let o = 0;
    for (let s = 0; s < offs.length; s++) { page.set(bytes.subarray(offs[s], offs[s] + counts[s]).subarray(0, page.length - o), o); o += counts[s]; }
    pages.push(page);
    const desc = tags.get(270);
    if (desc && meta === undefined) {
      try { const m = JSON.parse(new TextDecoder().decode(bytes.subarray(desc[0], desc[0] + desc[1])).replace(/\0+$/, "")); if (m?.assbkit) meta = m; } catch { /* foreign description */ }
    }
    ifd = d.getUint32(ifd + 2 + n * 12, le);
  }
  if (pages.length === 0) throw new ConfigError(`volume: ${source}: the TIFF has no pages`);
  const data = new Uint8Array(pages.length * w * h);
  pages.forEach((p, i) => data.set(p, i * w * h));
  const shape = meta?.shape as number[] | undefined;
  return checkVolume({
    shape: shape && shape.reduce((a, b) => a * b, 1) === data.length ? shape : pages.length === 1 ? [h, w] : [pages.length, h, w],
    data, phases: (meta?.phases as Record<string, string>) ?? {}, voxelSize_m: meta?.voxelSize_m as number | undefined, meta: { source },
  }, source);
}

// ---- PNG decoding (8-bit gray, gray+alpha, RGB, RGBA; not interlaced) to gray ----

export function decodePng(bytes: Uint8Array, source = "png"): { width: number; height: number; gray: Uint8Array } {
  const sig = [137, 80, 78, 71, 13, 10, 26, 10];
  if (!sig.every((b, i) => bytes[i] === b)) throw new ConfigError(`image: ${source}: not a PNG file`);
  const d = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let p = 8, width = 0, height = 0, depth = 0, ctype = 0, interlace = 0;
  const idat: Uint8Array[] = [];
  while (p < bytes.length) {
    const len = d.getUint32(p), type = String.fromCharCode(...bytes.subarray(p + 4, p + 8));
    const body = bytes.subarray(p + 8, p + 8 + len);
    if (type === "IHDR") { const b = new DataView(body.buffer, body.byteOffset); width = b.getUint32(0); height = b.getUint32(4); depth = body[8]; ctype = body[9]; interlace = body[12]; }
    else if (type === "IDAT") idat.push(body);
    else if (type === "IEND") break;
    p += 12 + len;
  }
  const ch = ({ 0: 1, 4: 2, 2: 3, 6: 4 } as Record<number, number>)[ctype];
  if (depth !== 8 || !ch || interlace !== 0) throw new ConfigError(`image: ${source}: PNG with bit depth ${depth}, colour type ${ctype}, interlace ${interlace}; only 8-bit non-interlaced gray/RGB(A) is supported`);
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * ch;
  const out = new Uint8Array(stride * height), gray = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)], src = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const row = out.subarray(y * stride, (y + 1) * stride), prev = y > 0 ? out.subarray((y - 1) * stride, y * stride) : new Uint8Array(stride);
    for (let x = 0; x < stride; x++) {
      const a = x >= ch ? row[x - ch] : 0, b = prev[x], c = x >= ch ? prev[x - ch] : 0;
      let v = src[x];
      if (f === 1) v += a; else if (f === 2) v += b; else if (f === 3) v += (a + b) >> 1;
      else if (f === 4) { const pa = Math.abs(b - c), pb = Math.abs(a - c), pc = Math.abs(a + b - 2 * c); v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c; }
      row[x] = v & 255;
    }
  }
  for (let i = 0; i < width * height; i++) gray[i] = ch >= 3 ? Math.round((out[i * ch] + out[i * ch + 1] + out[i * ch + 2]) / 3) : out[i * ch];
  return { width, height, gray };
}
