/**
 * The pixels of a TIFF stack as uint8 phase codes, one page at a time (so memory holds the labels
 * and one decoded page, and files past 2 GiB are read by position). Uncompressed 8-bit pages are
 * copied strip by strip straight into the result; every other page (LZW, Deflate, PackBits; 16-bit,
 * 32/64-bit float; horizontal predictor) is decoded by the `tiff` package (image-js) from a one-page
 * TIFF holding just that page's strips. PackBits, which `tiff` does not read, is unpacked here first.
 * 16-bit and float pages must hold integer phase codes 0-255 (io/labels.ts): grey values are refused.
 * Why `tiff` and not utif2, which decodes LZW 3-8x faster: utif2's LZW decoder loops forever on some
 * corrupt code streams (test/io/tiff.test.ts garbles strips), where `tiff` throws.
 */
import { decode as decodeTiffFile } from "tiff";
import { ConfigError } from "../config/errors.js";
import type { ByteSource } from "./byte_source.js";
import { sampleKind, TIFF_COMPRESSIONS, type TiffLayout, type TiffPage } from "./tiff_layout.js";
import { toLabels } from "./labels.js";

/** Every page of the stack as uint8 codes, page after page ([pages, h, w], C order). */
export function readTiffLabels(f: ByteSource, lay: TiffLayout, source: string): Uint8Array {
  const page = lay.w * lay.h;
  const data = new Uint8Array(lay.pages.length * page);
  const what = `a ${sampleKind(lay.bitsPerSample, lay.sampleFormat)} grey-value stack`;
  lay.pages.forEach((p, i) => {
    if (p.compression === 1 && lay.bitsPerSample === 8 && p.predictor === 1) {
      copyStrips(f, p, page, data, i * page, `volume: ${source}: page ${i}`);
      return;
    }
    const values = decodePage(f, lay, p, `volume: ${source}: page ${i}`);
    toLabels(values, `volume: ${source}`, what, {
      n: page,
      into: data,
      at: i * page,
      where: (k) => `page ${i}, row ${Math.floor(k / lay.w)}, column ${k % lay.w}`,
    });
  });
  return data;
}

/** An uncompressed 8-bit page: its strips read into `into` at `at`. */
function copyStrips(f: ByteSource, p: TiffPage, page: number, into: Uint8Array, at: number, where: string): void {
  let o = 0;
  for (let s = 0; s < p.offs.length && o < page; s++) {
    const len = Math.min(p.counts[s], page - o);
    f.readInto(p.offs[s], len, into, at + o);
    o += len;
  }
  if (o < page) throw new ConfigError(`${where} is truncated (${o} of ${page} bytes)`);
}

/** One page's samples, decoded by `tiff` from a one-page TIFF of that page's strips in the file's byte order. */
function decodePage(f: ByteSource, lay: TiffLayout, p: TiffPage, where: string): ArrayLike<number> {
  return decodeStrips(f, lay, p, 0, p.offs.length, where);
}

/**
 * The samples of strips [s0, s1) of a page (rows s0 * rowsPerStrip up to the page's end), decoded by
 * `tiff` from a one-page TIFF of just those strips: the native typed array of the sample type
 * (Uint8Array, Uint16Array, Float32Array, Float64Array; signed integers come as their unsigned bits).
 */
export function decodeStrips(f: ByteSource, lay: TiffLayout, p: TiffPage, s0: number, s1: number, where: string): ArrayLike<number> {
  const rowBytes = lay.w * (lay.bitsPerSample / 8);
  const rows = Math.min(lay.h, s1 * p.rowsPerStrip) - s0 * p.rowsPerStrip;
  let strips = p.offs.slice(s0, s1).map((o, k) => f.read(o, p.counts[s0 + k]));
  let compression = p.compression;
  if (compression === 32773) {
    strips = strips.map((s, k) =>
      unpackBits(s, Math.min(p.rowsPerStrip, lay.h - (s0 + k) * p.rowsPerStrip) * rowBytes, `${where}, strip ${s0 + k}`),
    );
    compression = 1;
  }
  const file = oneIfd(lay, p, compression, strips, rows);
  let pages: ReturnType<typeof decodeTiffFile>;
  try {
    pages = decodeTiffFile(file);
  } catch (e) {
    throw new ConfigError(`${where}: corrupt ${TIFF_COMPRESSIONS[p.compression]}-compressed data (${(e as Error).message.split("\n")[0]})`);
  }
  const data = pages[0]?.data;
  if (!data || data.length < lay.w * rows)
    throw new ConfigError(`${where}: ${data?.length ?? 0} of ${lay.w * rows} pixels decoded: truncated or corrupt data`);
  return data;
}

/** A TIFF of one page of `rows` rows: header, one IFD (sorted tags), the strip tables, then the strips. */
function oneIfd(lay: TiffLayout, p: TiffPage, compression: number, strips: Uint8Array[], rows: number): Uint8Array {
  const le = lay.littleEndian,
    n = strips.length;
  const tags: [number, 3 | 4, number[]][] = [
    [256, 4, [lay.w]],
    [257, 4, [rows]],
    [258, 3, [lay.bitsPerSample]],
    [259, 3, [compression]],
    [262, 3, [1]], // BlackIsZero: the stored values are the codes
    [273, 4, []], // strip offsets, filled in below
    [277, 3, [1]],
    [278, 4, [p.rowsPerStrip]],
    [279, 4, strips.map((s) => s.length)],
    [317, 3, [p.predictor]],
    [339, 3, [lay.sampleFormat]],
  ];
  const ifdBytes = 2 + tags.length * 12 + 4;
  const tablesAt = 8 + ifdBytes;
  const dataAt = tablesAt + (n > 1 ? 8 * n : 0);
  const offsets: number[] = [];
  let end = dataAt;
  for (const s of strips) {
    offsets.push(end);
    end += s.length;
  }
  tags[5][2] = offsets;
  const buf = new Uint8Array(end);
  const d = new DataView(buf.buffer);
  buf.set(le ? [0x49, 0x49] : [0x4d, 0x4d], 0);
  d.setUint16(2, 42, le);
  d.setUint32(4, 8, le);
  d.setUint16(8, tags.length, le);
  let q = 10,
    table = tablesAt;
  for (const [id, type, values] of tags) {
    d.setUint16(q, id, le);
    d.setUint16(q + 2, type, le);
    d.setUint32(q + 4, values.length, le);
    if (values.length === 1) {
      if (type === 3) d.setUint16(q + 8, values[0], le);
      else d.setUint32(q + 8, values[0], le);
    } else {
      // only the two strip tables have more than one value: LONGs stored after the IFD
      d.setUint32(q + 8, table, le);
      values.forEach((v, k) => d.setUint32(table + 4 * k, v, le));
      table += 4 * values.length;
    }
    q += 12;
  }
  d.setUint32(q, 0, le);
  strips.forEach((s, k) => buf.set(s, offsets[k]));
  return buf;
}

/** PackBits (TIFF 6.0 section 9): n >= 0 copies the next n + 1 bytes, n < 0 repeats the next byte 1 - n times, -128 is a no-op. */
export function unpackBits(src: Uint8Array, size: number, where: string): Uint8Array {
  const out = new Uint8Array(size);
  let i = 0,
    o = 0;
  while (o < size && i < src.length) {
    const n = (src[i++] << 24) >> 24;
    if (n >= 0) {
      if (i + n + 1 > src.length || o + n + 1 > size) break;
      out.set(src.subarray(i, i + n + 1), o);
      i += n + 1;
      o += n + 1;
    } else if (n !== -128) {
      if (i >= src.length || o + 1 - n > size) break;
      out.fill(src[i++], o, o + 1 - n);
      o += 1 - n;
    }
  }
  if (o !== size) throw new ConfigError(`${where}: corrupt PackBits-compressed data (${o} of ${size} bytes unpacked)`);
  return out;
}
