/**
 * TIFF stacks (host/io/tiff_*.ts) against files of independent writers: tifffile (Deflate, 16-bit,
 * float, big endian) and libtiff's tiffcp (LZW, PackBits, horizontal predictor), made by
 * test/io/tiff/make_fixtures.sh and committed. Every label stack decodes to the same phase codes;
 * grey-value stacks, corrupt compressed data and unsupported layouts are one-line ConfigErrors.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { deflateSync } from "node:zlib";
import { memorySource } from "../../host/io/byte_source.js";
import { tiffLayout } from "../../host/io/tiff_layout.js";
import { readTiffLabels, unpackBits } from "../../host/io/tiff_decode.js";
import { encodeTiffStack } from "../../host/io/tiff_encode.js";
import { ConfigError } from "../../host/config/errors.js";
import { Rng } from "../../host/core/rng.js";
import { ROOT, refusal } from "../helpers.js";

const DIR = join(ROOT, "test/io/tiff");
const truth = new Uint8Array(readFileSync(join(DIR, "labels_3x6x7.u8")));

/** The stack in `bytes` as phase codes, and its layout. */
function labels(bytes: Uint8Array, name: string) {
  const f = memorySource(bytes, name);
  const lay = tiffLayout(f, name);
  return { lay, data: readTiffLabels(f, lay, name) };
}

const LABEL_STACKS: [string, string][] = [
  ["u8_none.tif", "uncompressed 8-bit, 2 rows per strip"],
  ["u8_deflate.tif", "Deflate 8-bit"],
  ["u8_lzw.tif", "LZW 8-bit"],
  ["u8_packbits.tif", "PackBits 8-bit"],
  ["u16_labels_be.tif", "uncompressed 16-bit, big endian"],
  ["u16_labels_deflate_predictor.tif", "Deflate 16-bit, horizontal predictor"],
  ["u16_labels_lzw_predictor_be.tif", "LZW 16-bit, horizontal predictor, big endian, 3 rows per strip"],
  ["f32_labels_deflate.tif", "Deflate 32-bit float holding integer codes"],
];

for (const [file, what] of LABEL_STACKS) {
  test(`${what} (${file}): the phase codes of the stack`, () => {
    const { lay, data } = labels(new Uint8Array(readFileSync(join(DIR, file))), file);
    assert.equal([lay.pages.length, lay.h, lay.w], [3, 6, 7]);
    assert.equal(data, truth);
  });
}

test("a 16-bit or float grey-value stack is refused: segment it first (naming the file, the page and the pixel)", () => {
  let m = refusal(() => labels(new Uint8Array(readFileSync(join(DIR, "u16_grey_deflate.tif"))), "u16_grey_deflate.tif"));
  assert.match(
    m,
    /^volume: u16_grey_deflate\.tif: a 16-bit integer grey-value stack: segment it first \(.*page 0, row 0, column 0 is 20000\)/,
  );
  m = refusal(() => labels(new Uint8Array(readFileSync(join(DIR, "f32_grey.tif"))), "f32_grey.tif"));
  assert.match(m, /^volume: f32_grey\.tif: a 32-bit float grey-value stack: segment it first \(.* is 0\.25\)/);
});

test("corrupt or truncated compressed strips are one-line ConfigErrors naming the file and the page", () => {
  const good = new Uint8Array(readFileSync(join(DIR, "u8_deflate.tif")));
  const f = memorySource(good, "x");
  const lay = tiffLayout(f, "x");
  // garble the zlib stream of the first strip of page 1
  const bad = good.slice();
  const at = lay.pages[1].offs[0];
  bad.fill(0xff, at, at + lay.pages[1].counts[0]);
  assert.match(
    refusal(() => labels(bad, "bad.tif")),
    /^volume: bad\.tif: page 1: corrupt Deflate-compressed data/,
  );
  // a file cut inside the last strip: refused from the layout, before decoding
  const last = lay.pages[2];
  const cut = good.subarray(0, last.offs[last.offs.length - 1] + 2);
  assert.match(
    refusal(() => labels(cut, "cut.tif")),
    /^volume: cut\.tif: truncated or corrupt file: page 2, strip 2 needs bytes/,
  );
  // PackBits data that runs out
  assert.match(
    refusal(() => unpackBits(Uint8Array.from([2, 1, 2]), 3, "p")),
    /^p: corrupt PackBits-compressed data \(0 of 3 bytes/,
  );
});

test("garbled compressed strips (LZW, Deflate, PackBits; 8- and 16-bit) never hang: phase codes or a one-line ConfigError", () => {
  for (const file of [
    "u8_lzw.tif",
    "u8_packbits.tif",
    "u8_deflate.tif",
    "u16_labels_lzw_predictor_be.tif",
    "u16_labels_deflate_predictor.tif",
  ]) {
    const good = new Uint8Array(readFileSync(join(DIR, file)));
    const lay = tiffLayout(memorySource(good, file), file);
    const r = new Rng(7);
    const t0 = performance.now();
    for (let k = 0; k < 60; k++) {
      const bad = good.slice();
      const p = lay.pages[k % 3],
        s = k % p.offs.length;
      for (let j = 0; j <= k % 5; j++) bad[p.offs[s] + (r.u32() % p.counts[s])] = r.u32() & 255;
      try {
        assert.is(readTiffLabels(memorySource(bad, file), lay, file).length, truth.length);
      } catch (e) {
        assert.ok(e instanceof ConfigError, `${file} #${k}: ${String(e)}`);
        assert.not.match((e as Error).message, /\n/);
      }
    }
    // (utif2's LZW decoder, measured faster, loops forever on some of these: one reason `tiff` reads them)
    assert.ok(performance.now() - t0 < 5000, `${file}: ${(performance.now() - t0).toFixed(0)} ms for 60 garbled stacks`);
  }
});

test("PackBits: literal runs, repeats and the no-op code (TIFF 6.0 section 9 example)", () => {
  const packed = Uint8Array.from([0xfe, 0xaa, 0x02, 0x80, 0x00, 0x2a, 0xfd, 0xaa, 0x03, 0x80, 0x00, 0x2a, 0x22, 0xf7, 0xaa]);
  const want = [0xaa, 0xaa, 0xaa, 0x80, 0x00, 0x2a, 0xaa, 0xaa, 0xaa, 0xaa, 0x80, 0x00, 0x2a, 0x22, ...Array(10).fill(0xaa)];
  assert.equal(Array.from(unpackBits(packed, want.length, "spec")), want);
  assert.equal(Array.from(unpackBits(Uint8Array.from([0x80, 0x00, 7]), 1, "noop")), [7]);
});

test("what is not a label stack is refused from the header: colour, tiles, JPEG, floating-point predictor, 32-bit integers", () => {
  /** A one-page 2x2 TIFF with the given extra tags (id, type, value), little endian. */
  const tiffWith = (tags: [number, number, number][]) => {
    // 8-bit gray by default; a tag given replaces the default of the same id
    const base: [number, number, number][] = [
      [256, 3, 2],
      [257, 3, 2],
      [258, 3, 8],
      [273, 4, 200],
      [279, 4, 4],
    ];
    const byId = new Map([...base, ...tags].map((t) => [t[0], t]));
    const all = [...byId.values()].sort((a, b) => a[0] - b[0]);
    const buf = new Uint8Array(256);
    const d = new DataView(buf.buffer);
    buf.set([0x49, 0x49, 42, 0, 8, 0, 0, 0]);
    d.setUint16(8, all.length, true);
    all.forEach(([id, type, v], k) => {
      const q = 10 + 12 * k;
      d.setUint16(q, id, true);
      d.setUint16(q + 2, type, true);
      d.setUint32(q + 4, 1, true);
      if (type === 3) d.setUint16(q + 8, v, true);
      else d.setUint32(q + 8, v, true);
    });
    return buf;
  };
  const head = (tags: [number, number, number][]) => refusal(() => tiffLayout(memorySource(tiffWith(tags), "t.tif"), "t.tif"));
  assert.match(head([[277, 3, 3]]), /t\.tif: page 0 has 3 samples per pixel \(colour\)/);
  assert.match(head([[259, 3, 7]]), /t\.tif: page 0 is compressed with JPEG; readable: uncompressed, LZW, Deflate, PackBits/);
  assert.match(
    head([
      [258, 3, 32],
      [339, 3, 1],
    ]),
    /t\.tif: page 0 holds 32-bit integer samples \(SampleFormat 1\); readable: 8- or 16-bit integers, 32- or 64-bit floats/,
  );
  assert.match(
    head([
      [258, 3, 32],
      [317, 3, 3],
      [339, 3, 3],
    ]),
    /t\.tif: page 0 uses predictor 3 \(floating point\)/,
  );
  assert.match(head([[322, 3, 16]]), /t\.tif: page 0 is tiled; save the stack in strips/);
  // a strip table that does not cover an uncompressed 16-bit page
  assert.match(
    head([[258, 3, 16]]),
    /t\.tif: not a readable TIFF: page 0 is 2x2 = 4 pixels of 16 bits \(8 bytes\) but its strips hold 4 bytes/,
  );
});

test("the writer's stacks read back; a Deflate page made here (node:zlib) decodes too", () => {
  const data = Uint8Array.from({ length: 2 * 3 * 4 }, (_, i) => i % 5);
  const back = labels(encodeTiffStack(data, 2, 3, 4, '{"assbkit":1}'), "w.tif");
  assert.equal(back.data, data);
  assert.is(back.lay.description, '{"assbkit":1}');
  // the writer's file with its pages' strips replaced by zlib streams and Compression = 8
  const plain = encodeTiffStack(data, 2, 3, 4, "");
  const lay = tiffLayout(memorySource(plain, "p"), "p");
  const z = lay.pages.map((p) => deflateSync(plain.subarray(p.offs[0], p.offs[0] + 12)));
  const out = new Uint8Array(plain.length + z[0].length + z[1].length);
  out.set(plain);
  const dv = new DataView(out.buffer);
  let end = plain.length;
  z.forEach((zk, k) => {
    out.set(zk, end);
    // page 0's IFD is at the header's offset, page 1's at page 0's next-IFD field; patch tags 259, 273, 279
    const ifd = k === 0 ? dv.getUint32(4, true) : dv.getUint32(dv.getUint32(4, true) + 2 + 10 * 12, true);
    for (let t = 0; t < 10; t++) {
      const q = ifd + 2 + 12 * t,
        id = dv.getUint16(q, true);
      if (id === 259) dv.setUint16(q + 8, 8, true);
      if (id === 273) dv.setUint32(q + 8, end, true);
      if (id === 279) dv.setUint32(q + 8, zk.length, true);
    }
    end += zk.length;
  });
  assert.equal(labels(out, "z.tif").data, data);
});

test.run();
