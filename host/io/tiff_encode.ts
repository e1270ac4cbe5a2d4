/**
 * A multi-page TIFF writer for uint8 stacks: baseline, little endian, uncompressed, 8-bit gray, one
 * strip per page, every page pointing at one ImageDescription (and, when given, one XResolution /
 * YResolution pair with ResolutionUnit none, ImageJ's pixels per unit). Layout: header, description,
 * resolution, all IFDs, then the pixels of all pages back to back, as ImageJ writes stacks: ImageJ opens
 * a stack whose description says `images=N` by reading N pages from the first strip on, in one run.
 * Neither `tiff` nor `utif2` writes multi-page gray stacks, and an uncompressed baseline stack is what
 * every reader (ImageJ, tifffile, libtiff, ParaView) takes.
 */

export interface TiffStackOptions {
  /** pixels per unit in x and y (XResolution, YResolution as RATIONALs; ResolutionUnit 1, none: the unit is the description's) */
  pixelsPerUnit?: number;
}

/** A positive number as a TIFF RATIONAL: the largest denominator that keeps both parts in 32 bits. */
export function rational(v: number): [number, number] {
  const den = Math.max(1, Math.floor(0xffffffff / Math.max(1, v)));
  return [Math.max(1, Math.min(0xffffffff, Math.round(v * den))), den];
}

/** `pages` pages of h x w bytes from `data` (page after page, rows from the top), with `description` (tag 270). */
export function encodeTiffStack(
  data: Uint8Array,
  pages: number,
  h: number,
  w: number,
  description: string,
  o: TiffStackOptions = {},
): Uint8Array {
  const desc = new TextEncoder().encode(description + "\0");
  const res = o.pixelsPerUnit !== undefined ? rational(o.pixelsPerUnit) : undefined;
  const nTags = res ? 13 : 10;
  const ifdBytes = 2 + nTags * 12 + 4;
  const pageBytes = h * w;
  // layout: header 8 | description | resolution (2 RATIONALs) | IFDs | pixels of all pages, contiguous
  const descOff = 8;
  const resOff = descOff + desc.length + (desc.length & 1);
  const ifd0 = resOff + (res ? 8 : 0);
  const ifdOffs = Array.from({ length: pages }, (_, p) => ifd0 + p * ifdBytes);
  const data0 = ifd0 + pages * ifdBytes;
  const buf = new Uint8Array(data0 + pages * pageBytes);
  const d = new DataView(buf.buffer);
  buf[0] = 0x49;
  buf[1] = 0x49;
  d.setUint16(2, 42, true);
  d.setUint32(4, ifdOffs[0], true);
  buf.set(desc, descOff);
  if (res) {
    d.setUint32(resOff, res[0], true);
    d.setUint32(resOff + 4, res[1], true);
  }
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
    tag(273, 4, 1, data0 + p * pageBytes);
    tag(277, 3, 1, 1);
    tag(278, 4, 1, h);
    tag(279, 4, 1, pageBytes);
    if (res) {
      // x and y share one RATIONAL
      tag(282, 5, 1, resOff);
      tag(283, 5, 1, resOff);
      tag(296, 3, 1, 1);
    }
    d.setUint32(q, p + 1 < pages ? ifdOffs[p + 1] : 0, true);
  }
  buf.set(data.subarray(0, pages * pageBytes), data0);
  return buf;
}
