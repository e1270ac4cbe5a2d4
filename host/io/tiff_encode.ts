/**
 * A multi-page TIFF writer for uint8 stacks: baseline, little endian, uncompressed, 8-bit gray, one
 * strip per page, every page pointing at one ImageDescription. Neither `tiff` nor `utif2` writes
 * multi-page gray stacks, and an uncompressed baseline stack is what every reader (ImageJ, tifffile,
 * libtiff, ParaView) takes.
 */

/** `pages` pages of h x w bytes from `data` (page after page, rows from the top), with `description` (tag 270). */
export function encodeTiffStack(data: Uint8Array, pages: number, h: number, w: number, description: string): Uint8Array {
  const desc = new TextEncoder().encode(description + "\0");
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
    buf.set(data.subarray(p * pageBytes, (p + 1) * pageBytes), dataOffs[p]);
  }
  return buf;
}
