/**
 * Labelled voxel volumes (uint8 phase codes, C order) and their files: raw + JSON sidecar (the
 * fixture format of fixtures/transport), multi-page TIFF stacks (baseline, uncompressed, 8-bit; one
 * page per index of axis 0) and 8-bit PNG for 2D images. Writes go through a temp name + rename.
 */
import { readFileSync, existsSync, openSync, closeSync, fstatSync, readSync, statSync } from "node:fs";
import { totalmem } from "node:os";
import { dirname, join, extname, basename } from "node:path";
import { inflateSync } from "node:zlib";
import { writeFileAtomic } from "../io/atomic.js";
import { encodePng } from "../io/png.js";
import { ConfigError, fsError, inputError } from "../config/errors.js";

import { checkVolume, type Volume } from "./volume_type.js";
export { checkVolume, DEFAULT_PHASES, type Volume } from "./volume_type.js";

/** Bytes a volume may hold: the largest typed array this process can make (2^32), and 80 % of the machine's memory. */
export function volumeByteLimit(): { bytes: number; why: string } {
  const mem = Math.floor(0.8 * totalmem());
  return mem < MAX_ARRAY_BYTES
    ? { bytes: mem, why: `80 % of this machine's ${(totalmem() / 2 ** 30).toFixed(1)} GiB of memory` }
    : { bytes: MAX_ARRAY_BYTES, why: "the 4 GiB a single array can hold" };
}
const MAX_ARRAY_BYTES = 2 ** 32;
/** Reads of a file go in pieces of this size (readFileSync refuses files over 2 GiB). */
const READ_CHUNK = 2 ** 30;

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
  if (ext === "tiff") {
    return withFile(path, (f) => {
      const lay = tiffLayout(f, path);
      const head = tiffHeader(lay, path);
      checkBytes(path, head.shape, o);
      return checkVolume(
        {
          shape: head.shape,
          data: tiffPixels(f, lay, path),
          phases: head.phases,
          voxelSize_m: head.voxelSize_m,
          meta: { ...head.meta, source: path },
        },
        path,
      );
    });
  }
  const img = withFile(path, (f) => {
    checkBytes(path, pngHeader(f, path).shape, o);
    return decodePng(f.read(0, f.size), path);
  });
  return checkVolume({ shape: [img.height, img.width], data: img.gray, phases: {}, meta: { source: path } }, path);
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

// ---- files read by position (headers without the data; data in pieces, not limited to 2 GiB) ----

interface ByteSource {
  size: number;
  /** `length` bytes at `offset`; a ConfigError when the file ends first. */
  read(offset: number, length: number): Uint8Array;
  /** Reads `length` bytes at `offset` into `into` at `at`. */
  readInto(offset: number, length: number, into: Uint8Array, at: number): void;
}

function truncated(source: string, what: string, offset: number, length: number, size: number): ConfigError {
  return new ConfigError(
    `volume: ${source}: truncated or corrupt file: ${what} needs bytes ${offset}-${offset + length} but the file has ${size}`,
  );
}

function memorySource(bytes: Uint8Array, source: string, what = "the data"): ByteSource {
  const read = (offset: number, length: number) => {
    if (!(offset >= 0 && length >= 0 && offset + length <= bytes.length)) throw truncated(source, what, offset, length, bytes.length);
    return bytes.subarray(offset, offset + length);
  };
  return { size: bytes.length, read, readInto: (offset, length, into, at) => into.set(read(offset, length), at) };
}

function withFile<T>(path: string, fn: (f: ByteSource) => T, chunk = READ_CHUNK): T {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (e) {
    throw fsError(e, path, "read");
  }
  try {
    const size = fstatSync(fd).size;
    const readInto = (offset: number, length: number, into: Uint8Array, at: number) => {
      if (!(offset >= 0 && length >= 0 && offset + length <= size)) throw truncated(path, "the data", offset, length, size);
      for (let done = 0; done < length; ) {
        let got: number;
        try {
          got = readSync(fd, into, at + done, Math.min(chunk, length - done), offset + done);
        } catch (e) {
          throw fsError(e, path, "read");
        }
        if (got === 0) throw truncated(path, "the data", offset, length, offset + done);
        done += got;
      }
    };
    return fn({
      size,
      read: (offset, length) => {
        if (!(offset >= 0 && length >= 0 && offset + length <= size)) throw truncated(path, "a header", offset, length, size);
        if (length > MAX_ARRAY_BYTES) throw new ConfigError(`volume: ${path}: ${length} bytes do not fit one array (4 GiB at most)`);
        const b = new Uint8Array(length);
        readInto(offset, length, b, 0);
        return b;
      },
      readInto,
    });
  } finally {
    closeSync(fd);
  }
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
  const n = checkBytes(sidecar, head.shape, o);
  // read by position in pieces: one buffer of the whole volume, also over the 2 GiB readFileSync takes
  const data = new Uint8Array(n);
  const chunk = o.chunkBytes ?? READ_CHUNK;
  if (!(Number.isInteger(chunk) && chunk >= 1)) throw inputError("volume: chunkBytes", chunk, "a positive integer", "bytes");
  withFile(rawPath, (f) => f.readInto(0, n, data, 0), chunk);
  return { shape: head.shape, data, phases: head.phases, voxelSize_m: head.voxelSize_m, meta: head.meta };
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

// ---- TIFF (baseline, little endian, uncompressed, 8-bit gray, one page per slice of axis 0) ----

export function encodeTiff(v: Volume): Uint8Array {
  const [pages, h, w] = v.shape.length === 3 ? v.shape : [1, v.shape[0], v.shape[1]];
  const extra = Object.fromEntries(TIFF_META_KEYS.filter((k) => v.meta?.[k] !== undefined).map((k) => [k, v.meta![k]]));
  const desc = new TextEncoder().encode(
    JSON.stringify({ assbkit: 1, shape: v.shape, phases: v.phases, voxelSize_m: v.voxelSize_m, ...extra }) + "\0",
  );
  const nTags = 10;
  const ifdBytes = 2 + nTags * 12 + 4;
  const pageBytes = h * w;
  // layout: header 8 | description | per page: IFD then pixels
  const descOff = 8;
  let off = descOff + desc.length + (desc.length & 1);
  const ifdOffs: number[] = [],
    dataOffs: number[] = [];
  for (let p = 0; p < pages; p++) {
    ifdOffs.push(off);
    off += ifdBytes;
    dataOffs.push(off);
    off += pageBytes + (pageBytes & 1);
  }
  const buf = new Uint8Array(off);
  const d = new DataView(buf.buffer);
  buf[0] = 0x49;
  buf[1] = 0x49;
  d.setUint16(2, 42, true);
  d.setUint32(4, ifdOffs[0], true);
  buf.set(desc, descOff);
  for (let p = 0; p < pages; p++) {
    let q = ifdOffs[p];
    d.setUint16(q, nTags, true);
    q += 2;
    const tag = (id: number, type: number, count: number, value: number) => {
      d.setUint16(q, id, true);
      d.setUint16(q + 2, type, true);
      d.setUint32(q + 4, count, true);
      if (type === 3 && count === 1) d.setUint16(q + 8, value, true);
      else d.setUint32(q + 8, value, true);
      q += 12;
    };
    tag(256, 4, 1, w);
    tag(257, 4, 1, h);
    tag(258, 3, 1, 8);
    tag(259, 3, 1, 1);
    tag(262, 3, 1, 1);
    tag(270, 2, desc.length, descOff);
    tag(273, 4, 1, dataOffs[p]);
    tag(277, 3, 1, 1);
    tag(278, 4, 1, h);
    tag(279, 4, 1, pageBytes);
    d.setUint32(q, p + 1 < pages ? ifdOffs[p + 1] : 0, true);
    buf.set(v.data.subarray(p * pageBytes, (p + 1) * pageBytes), dataOffs[p]);
  }
  return buf;
}

/** The assbkit fields of a volume's meta that a TIFF description carries (the sidecar fields of a raw volume). */
const TIFF_META_KEYS = ["axes", "periodicXY", "transport_axis", "batch"] as const;

export function decodeTiff(bytes: Uint8Array, source = "tiff"): Volume {
  const f = memorySource(bytes, source);
  const lay = tiffLayout(f, source);
  const head = tiffHeader(lay, source);
  checkBytes(source, head.shape, {});
  return checkVolume(
    {
      shape: head.shape,
      data: tiffPixels(f, lay, source),
      phases: head.phases,
      voxelSize_m: head.voxelSize_m,
      meta: { ...head.meta, source },
    },
    source,
  );
}

interface TiffLayout {
  w: number;
  h: number;
  /** Strip offsets and byte counts per page (checked to lie inside the file). */
  pages: { offs: number[]; counts: number[] }[];
  desc?: Record<string, unknown>;
}

/** Field type -> bytes per value (TIFF 6.0). */
const TIFF_TYPE_BYTES: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8 };

/** Walks the IFDs: page sizes and strips, every offset checked against the file, before any pixel is read. */
function tiffLayout(f: ByteSource, source: string): TiffLayout {
  const bad = (why: string) => new ConfigError(`volume: ${source}: not a readable TIFF: ${why}`);
  if (f.size < 8) throw bad(`${f.size} bytes, shorter than the 8-byte header`);
  const hdr = f.read(0, 8);
  const le = hdr[0] === 0x49 && hdr[1] === 0x49;
  const hv = new DataView(hdr.buffer, hdr.byteOffset, 8);
  if (!(le || (hdr[0] === 0x4d && hdr[1] === 0x4d)) || hv.getUint16(2, le) !== 42)
    throw new ConfigError(`volume: ${source}: not a TIFF file (BigTIFF is not supported)`);
  const pages: TiffLayout["pages"] = [];
  let w = 0,
    h = 0;
  let desc: Record<string, unknown> | undefined;
  const seen = new Set<number>();
  let ifd = hv.getUint32(4, le);
  while (ifd !== 0) {
    if (seen.has(ifd)) throw bad(`page ${pages.length}: the IFD chain loops back to offset ${ifd}`);
    seen.add(ifd);
    const nb = f.read(ifd, 2);
    const n = new DataView(nb.buffer, nb.byteOffset, 2).getUint16(0, le);
    const block = f.read(ifd, 2 + n * 12 + 4);
    const d = new DataView(block.buffer, block.byteOffset, block.byteLength);
    const tags = new Map<number, { type: number; count: number; at: number }>();
    for (let t = 0; t < n; t++) {
      const q = 2 + t * 12;
      const id = d.getUint16(q, le),
        type = d.getUint16(q + 2, le),
        count = d.getUint32(q + 4, le);
      const size = (TIFF_TYPE_BYTES[type] ?? 1) * count;
      tags.set(id, { type, count, at: size > 4 ? d.getUint32(q + 8, le) : ifd + q + 8 });
    }
    const ints = (id: number): number[] => {
      const t = tags.get(id);
      if (!t) return [];
      if (t.type !== 3 && t.type !== 4) throw bad(`page ${pages.length}: tag ${id} has field type ${t.type}; expected SHORT or LONG`);
      const sz = t.type === 3 ? 2 : 4;
      const b = f.read(t.at, t.count * sz);
      const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
      return Array.from({ length: t.count }, (_, c) => (sz === 2 ? v.getUint16(2 * c, le) : v.getUint32(4 * c, le)));
    };
    const pw = ints(256)[0] ?? 0,
      ph = ints(257)[0] ?? 0;
    const bps = ints(258)[0] ?? 1,
      comp = ints(259)[0] ?? 1,
      spp = ints(277)[0] ?? 1;
    if (bps !== 8 || comp !== 1 || spp !== 1)
      throw new ConfigError(
        `volume: ${source}: page ${pages.length} has BitsPerSample ${bps}, Compression ${comp}, SamplesPerPixel ${spp}; only uncompressed 8-bit single-channel stacks are supported`,
      );
    if (!(pw >= 1 && ph >= 1)) throw bad(`page ${pages.length} is ${pw}x${ph} pixels`);
    if (pages.length === 0) {
      w = pw;
      h = ph;
    } else if (pw !== w || ph !== h)
      throw new ConfigError(
        `volume: ${source}: page ${pages.length} is ${pw}x${ph}, the first page ${w}x${h}; all pages must have the same size`,
      );
    const offs = ints(273),
      counts = ints(279);
    if (offs.length === 0 || offs.length !== counts.length)
      throw bad(`page ${pages.length} has ${offs.length} strip offsets and ${counts.length} strip byte counts`);
    let have = 0;
    offs.forEach((o, s) => {
      if (o + counts[s] > f.size) throw truncated(source, `page ${pages.length}, strip ${s}`, o, counts[s], f.size);
      have += counts[s];
    });
    if (have < w * h) throw bad(`page ${pages.length} is ${w}x${h} = ${w * h} pixels but its strips hold ${have} bytes (truncated?)`);
    pages.push({ offs, counts });
    const dt = tags.get(270);
    if (dt && desc === undefined && dt.count <= 1 << 20) {
      try {
        const m = JSON.parse(new TextDecoder().decode(f.read(dt.at, dt.count)).replace(/\0+$/, ""));
        if (m?.assbkit) desc = m;
      } catch {
        /* a foreign description */
      }
    }
    ifd = d.getUint32(2 + n * 12, le);
  }
  if (pages.length === 0) throw new ConfigError(`volume: ${source}: the TIFF has no pages`);
  return { w, h, pages, desc };
}

function tiffHeader(lay: TiffLayout, source: string): VolumeHeader {
  const { w, h, pages, desc } = lay;
  const n = pages.length * w * h;
  const shape = desc?.shape as number[] | undefined;
  const meta: Record<string, unknown> = {};
  for (const k of TIFF_META_KEYS) if (desc?.[k] !== undefined) meta[k] = desc[k];
  return {
    format: "tiff",
    shape:
      Array.isArray(shape) && shape.every((x) => Number.isInteger(x) && x >= 1) && shape.reduce((a, b) => a * b, 1) === n
        ? shape
        : pages.length === 1
          ? [h, w]
          : [pages.length, h, w],
    bytes: n,
    phases: checkPhases(desc?.phases, `${source} (TIFF description)`),
    voxelSize_m: typeof desc?.voxelSize_m === "number" ? desc.voxelSize_m : undefined,
    meta,
  };
}

/** The pixels of every page, read strip by strip into one buffer. */
function tiffPixels(f: ByteSource, lay: TiffLayout, source: string): Uint8Array {
  const page = lay.w * lay.h;
  const data = new Uint8Array(lay.pages.length * page);
  lay.pages.forEach((p, i) => {
    let o = 0;
    for (let s = 0; s < p.offs.length && o < page; s++) {
      const len = Math.min(p.counts[s], page - o);
      f.readInto(p.offs[s], len, data, i * page + o);
      o += len;
    }
    if (o < page) throw new ConfigError(`volume: ${source}: page ${i} is truncated (${o} of ${page} bytes)`);
  });
  return data;
}

// ---- PNG decoding (8-bit gray, gray+alpha, RGB, RGBA; not interlaced) to gray ----

const PNG_SIG = [137, 80, 78, 71, 13, 10, 26, 10];
const PNG_CHANNELS: Record<number, number> = { 0: 1, 4: 2, 2: 3, 6: 4 };
/** deflate expands at most about 1032:1, so compressed data this much smaller than the header's image is truncated or forged. */
const DEFLATE_MAX_RATIO = 1032;

interface PngIhdr {
  width: number;
  height: number;
  depth: number;
  ctype: number;
  interlace: number;
}

function pngIhdr(first: Uint8Array, source: string): PngIhdr {
  if (first.length < 8 || !PNG_SIG.every((b, i) => first[i] === b)) throw new ConfigError(`image: ${source}: not a PNG file`);
  const d = new DataView(first.buffer, first.byteOffset, first.byteLength);
  if (first.length < 33 || d.getUint32(8) !== 13 || String.fromCharCode(...first.subarray(12, 16)) !== "IHDR")
    throw new ConfigError(`image: ${source}: truncated or corrupt PNG: no IHDR header chunk after the signature`);
  const h: PngIhdr = { width: d.getUint32(16), height: d.getUint32(20), depth: first[24], ctype: first[25], interlace: first[28] };
  if (h.width < 1 || h.height < 1) throw new ConfigError(`image: ${source}: the PNG header says ${h.width}x${h.height} pixels`);
  if (h.depth !== 8 || !PNG_CHANNELS[h.ctype] || h.interlace !== 0)
    throw new ConfigError(
      `image: ${source}: PNG with bit depth ${h.depth}, colour type ${h.ctype}, interlace ${h.interlace}; only 8-bit non-interlaced gray/RGB(A) is supported`,
    );
  return h;
}

function pngHeader(f: ByteSource, source: string): VolumeHeader {
  const h = pngIhdr(f.read(0, Math.min(33, f.size)), source);
  return { format: "png", shape: [h.height, h.width], bytes: h.width * h.height, phases: {}, meta: {} };
}

export function decodePng(bytes: Uint8Array, source = "png"): { width: number; height: number; gray: Uint8Array } {
  const { width, height, ctype } = pngIhdr(bytes.subarray(0, 33), source);
  const ch = PNG_CHANNELS[ctype];
  const d = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const idat: Uint8Array[] = [];
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
    if (type === "IDAT") {
      idat.push(bytes.subarray(p + 8, p + 8 + len));
      idatBytes += len;
    } else if (type === "IEND") {
      ended = true;
      break;
    }
    p += 12 + len;
  }
  if (idatBytes === 0) throw new ConfigError(`image: ${source}: truncated or corrupt PNG: no image data (IDAT)`);
  const stride = width * ch;
  const rawBytes = height * (stride + 1);
  // refuse before inflating or allocating: the header's size must be reachable from the data there is
  if (width * height > MAX_ARRAY_BYTES || rawBytes > DEFLATE_MAX_RATIO * idatBytes + 1024) {
    throw new ConfigError(
      `image: ${source}: the PNG header says ${width}x${height} pixels (${rawBytes} bytes to decode) but the file holds ${idatBytes} bytes of compressed data: truncated or corrupt${ended ? "" : " (no IEND chunk)"}`,
    );
  }
  let raw: Uint8Array;
  try {
    raw = inflateSync(Buffer.concat(idat), { maxOutputLength: rawBytes });
  } catch (e) {
    throw new ConfigError(`image: ${source}: truncated or corrupt PNG data (zlib: ${(e as Error).message})`);
  }
  if (raw.length !== rawBytes)
    throw new ConfigError(
      `image: ${source}: truncated or corrupt PNG: ${raw.length} bytes of pixel rows, the ${width}x${height} header needs ${rawBytes}`,
    );
  const out = new Uint8Array(stride * height),
    gray = new Uint8Array(width * height);
  const zero = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)],
      src = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    if (f > 4) throw new ConfigError(`image: ${source}: corrupt PNG: row ${y} has filter type ${f} (0-4 exist)`);
    const row = out.subarray(y * stride, (y + 1) * stride),
      prev = y > 0 ? out.subarray((y - 1) * stride, y * stride) : zero;
    for (let x = 0; x < stride; x++) {
      const a = x >= ch ? row[x - ch] : 0,
        b = prev[x],
        c = x >= ch ? prev[x - ch] : 0;
      let v = src[x];
      if (f === 1) v += a;
      else if (f === 2) v += b;
      else if (f === 3) v += (a + b) >> 1;
      else if (f === 4) {
        const pa = Math.abs(b - c),
          pb = Math.abs(a - c),
          pc = Math.abs(a + b - 2 * c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      row[x] = v & 255;
    }
  }
  for (let i = 0; i < width * height; i++)
    gray[i] = ch >= 3 ? Math.round((out[i * ch] + out[i * ch + 1] + out[i * ch + 2]) / 3) : out[i * ch];
  return { width, height, gray };
}
