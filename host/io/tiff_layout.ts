/**
 * The layout of a multi-page TIFF stack from its IFDs alone: page size, sample type, compression and
 * strips, every offset checked against the file, before any pixel is read (so a stack's size can be
 * refused from its header, and a 3 GB file is probed without reading it). One sample per pixel,
 * strips (not tiles), the same size and sample type on every page.
 */
import { ConfigError } from "../config/errors.js";
import { truncated, type ByteSource } from "./byte_source.js";

/** Compression codes this reader decodes (TIFF 6.0, and Adobe's code for Deflate). */
export const TIFF_COMPRESSIONS: Record<number, string> = { 1: "none", 5: "LZW", 8: "Deflate", 32946: "Deflate", 32773: "PackBits" };
const OTHER_COMPRESSIONS: Record<number, string> = {
  2: "CCITT RLE",
  3: "CCITT G3",
  4: "CCITT G4",
  6: "old JPEG",
  7: "JPEG",
  34712: "JPEG 2000",
};

export interface TiffPage {
  /** strip offsets and byte counts (checked to lie inside the file) */
  offs: number[];
  counts: number[];
  compression: number;
  /** 1 none, 2 horizontal differencing */
  predictor: number;
  rowsPerStrip: number;
}

export interface TiffLayout {
  littleEndian: boolean;
  w: number;
  h: number;
  bitsPerSample: number;
  /** 1 unsigned integer, 2 signed integer, 3 IEEE float */
  sampleFormat: number;
  pages: TiffPage[];
  /** the first ImageDescription (tag 270) of up to 1 MiB, NULs trimmed */
  description?: string;
  /** the first page's XResolution, YResolution (pixels per ResolutionUnit) and ResolutionUnit (1 none, 2 inch, 3 cm), where present */
  resolution: { x?: number; y?: number; unit?: number };
}

/** Field type -> bytes per value (TIFF 6.0). */
const TYPE_BYTES: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8 };

/** What a page's samples are, in words (error messages). */
export function sampleKind(bits: number, format: number): string {
  return `${bits}-bit ${format === 3 ? "float" : format === 2 ? "signed integer" : "integer"}`;
}

/** Walks the IFDs: page sizes, sample types and strips, every offset checked against the file, before any pixel is read. */
export function tiffLayout(f: ByteSource, source: string): TiffLayout {
  const bad = (why: string) => new ConfigError(`volume: ${source}: not a readable TIFF: ${why}`);
  if (f.size < 8) throw bad(`${f.size} bytes, shorter than the 8-byte header`);
  const hdr = f.read(0, 8);
  const le = hdr[0] === 0x49 && hdr[1] === 0x49;
  const hv = new DataView(hdr.buffer, hdr.byteOffset, 8);
  if (!(le || (hdr[0] === 0x4d && hdr[1] === 0x4d)) || hv.getUint16(2, le) !== 42)
    throw new ConfigError(`volume: ${source}: not a TIFF file (BigTIFF is not supported)`);
  const pages: TiffPage[] = [];
  let w = 0,
    h = 0,
    bits = 0,
    format = 0;
  let description: string | undefined;
  const resolution: TiffLayout["resolution"] = {};
  const seen = new Set<number>();
  let ifd = hv.getUint32(4, le);
  while (ifd !== 0) {
    const p = pages.length;
    if (seen.has(ifd)) throw bad(`page ${p}: the IFD chain loops back to offset ${ifd}`);
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
      const size = (TYPE_BYTES[type] ?? 1) * count;
      tags.set(id, { type, count, at: size > 4 ? d.getUint32(q + 8, le) : ifd + q + 8 });
    }
    const ints = (id: number): number[] => {
      const t = tags.get(id);
      if (!t) return [];
      if (t.type !== 3 && t.type !== 4) throw bad(`page ${p}: tag ${id} has field type ${t.type}; expected SHORT or LONG`);
      const sz = t.type === 3 ? 2 : 4;
      const b = f.read(t.at, t.count * sz);
      const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
      return Array.from({ length: t.count }, (_, c) => (sz === 2 ? v.getUint16(2 * c, le) : v.getUint32(4 * c, le)));
    };
    // RATIONAL (two LONGs); another field type or a zero denominator is left out
    const rational = (id: number): number | undefined => {
      const t = tags.get(id);
      if (t?.type !== 5 || t.count < 1) return undefined;
      const b = f.read(t.at, 8);
      const v = new DataView(b.buffer, b.byteOffset, 8);
      const num = v.getUint32(0, le),
        den = v.getUint32(4, le);
      return den > 0 && num > 0 ? num / den : undefined;
    };
    const pw = ints(256)[0] ?? 0,
      ph = ints(257)[0] ?? 0;
    const bps = ints(258)[0] ?? 1,
      comp = ints(259)[0] ?? 1,
      spp = ints(277)[0] ?? 1,
      fmt = ints(339)[0] ?? 1,
      predictor = ints(317)[0] ?? 1;
    if (spp !== 1)
      throw new ConfigError(
        `volume: ${source}: page ${p} has ${spp} samples per pixel (colour); a label stack has one (gray) sample per pixel`,
      );
    if (!TIFF_COMPRESSIONS[comp])
      throw new ConfigError(
        `volume: ${source}: page ${p} is compressed with ${OTHER_COMPRESSIONS[comp] ?? `code ${comp}`}; readable: uncompressed, LZW, Deflate, PackBits`,
      );
    const intBits = fmt !== 3 && (bps === 8 || bps === 16);
    const floatBits = fmt === 3 && (bps === 32 || bps === 64);
    if (!(intBits || floatBits) || fmt > 3)
      throw new ConfigError(
        `volume: ${source}: page ${p} holds ${sampleKind(bps, fmt)} samples (SampleFormat ${fmt}); readable: 8- or 16-bit integers, 32- or 64-bit floats`,
      );
    if (predictor !== 1 && !(predictor === 2 && intBits))
      throw new ConfigError(
        `volume: ${source}: page ${p} uses predictor ${predictor}${predictor === 3 ? " (floating point)" : ""}; readable: none, or horizontal differencing of integers`,
      );
    if (tags.has(322) || tags.has(324))
      throw new ConfigError(
        `volume: ${source}: page ${p} is tiled; save the stack in strips (what ImageJ, tifffile and libtiff write by default)`,
      );
    if (!(pw >= 1 && ph >= 1)) throw bad(`page ${p} is ${pw}x${ph} pixels`);
    if (p === 0) {
      resolution.x = rational(282);
      resolution.y = rational(283);
      if (tags.has(296)) resolution.unit = ints(296)[0];
      w = pw;
      h = ph;
      bits = bps;
      format = fmt;
    } else if (pw !== w || ph !== h)
      throw new ConfigError(`volume: ${source}: page ${p} is ${pw}x${ph}, the first page ${w}x${h}; all pages must have the same size`);
    else if (bps !== bits || fmt !== format)
      throw new ConfigError(
        `volume: ${source}: page ${p} holds ${sampleKind(bps, fmt)} samples, the first page ${sampleKind(bits, format)}; all pages must have the same sample type`,
      );
    const offs = ints(273),
      counts = ints(279);
    if (offs.length === 0 || offs.length !== counts.length)
      throw bad(`page ${p} has ${offs.length} strip offsets and ${counts.length} strip byte counts`);
    let have = 0;
    offs.forEach((o, s) => {
      if (o + counts[s] > f.size) throw truncated(source, `page ${p}, strip ${s}`, o, counts[s], f.size);
      have += counts[s];
    });
    const need = w * h * (bps / 8);
    if (comp === 1 && have < need)
      throw bad(
        `page ${p} is ${w}x${h} = ${w * h} pixels${bps !== 8 ? ` of ${bps} bits (${need} bytes)` : ""} but its strips hold ${have} bytes (truncated?)`,
      );
    pages.push({ offs, counts, compression: comp, predictor, rowsPerStrip: Math.min(ints(278)[0] ?? h, h) });
    const dt = tags.get(270);
    if (dt && description === undefined && dt.count <= 1 << 20)
      description = new TextDecoder().decode(f.read(dt.at, dt.count)).replace(/\0+$/, "");
    ifd = d.getUint32(2 + n * 12, le);
  }
  if (pages.length === 0) throw new ConfigError(`volume: ${source}: the TIFF has no pages`);
  return { littleEndian: le, w, h, bitsPerSample: bits, sampleFormat: format, pages, description, resolution };
}
