/** Volume files: raw + sidecar, TIFF stacks, PNG; round trips and clear errors for bad sidecars. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, writeFileSync, readFileSync, truncateSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deflateSync } from "node:zlib";
import { readVolume, writeVolume, encodeTiff, decodeTiff, decodePng, probeVolume } from "../../host/transport/volume.js";
import { encodePng } from "../../host/io/png.js";
import { ConfigError } from "../../host/config/errors.js";
import { encode } from "fast-png";
import { fixture, ROOT } from "../helpers.js";

const dir = mkdtempSync(join(tmpdir(), "assb-vol-"));
const vol3 = {
  shape: [3, 4, 5],
  data: Uint8Array.from({ length: 60 }, (_, i) => (i * 7) % 3),
  phases: { "0": "pore", "1": "AM", "2": "SE" },
  voxelSize_m: 5e-7,
};

test("raw + JSON sidecar round trip (fixture format)", () => {
  const files = writeVolume(join(dir, "v.raw"), vol3);
  assert.equal(
    files.map((f) => f.slice(dir.length + 1)),
    ["v.raw", "v.json"],
  );
  const back = readVolume(join(dir, "v.json"));
  assert.equal(back.shape, vol3.shape);
  assert.equal(back.data, vol3.data);
  assert.equal(back.phases, vol3.phases);
  assert.is(back.voxelSize_m, 5e-7);
  assert.equal(readVolume(join(dir, "v.raw")).data, vol3.data);
});

test("multi-page TIFF round trip (3D: one page per slice of axis 0; 2D: one page)", () => {
  const back = decodeTiff(encodeTiff(vol3));
  assert.equal(back.shape, [3, 4, 5]);
  assert.equal(back.data, vol3.data);
  assert.equal(back.phases, vol3.phases);
  writeVolume(join(dir, "v.tif"), vol3);
  assert.equal(readVolume(join(dir, "v.tif")).data, vol3.data);
  const img = { shape: [4, 6], data: Uint8Array.from({ length: 24 }, (_, i) => i), phases: {} };
  const b2 = decodeTiff(encodeTiff(img));
  assert.equal(b2.shape, [4, 6]);
  assert.equal(b2.data, img.data);
});

test("PNG decode of the PNG encoder's output", () => {
  const px = Uint8Array.from({ length: 7 * 5 }, (_, i) => (i * 37) & 255);
  const d = decodePng(encodePng(px, 7, 5, 1));
  assert.is(d.width, 7);
  assert.is(d.height, 5);
  assert.equal(d.gray, px);
});

test("bad sidecars get clear errors: wrong shape, dtype, missing data", () => {
  writeFileSync(join(dir, "bad.raw"), new Uint8Array(10));
  writeFileSync(join(dir, "bad.json"), JSON.stringify({ shape: [3, 4], dtype: "uint8", file: "bad.raw" }));
  assert.throws(
    () => readVolume(join(dir, "bad.json")),
    /shape \[3,4\] needs 12 bytes but bad.raw has 10: the sidecar does not describe this file/,
  );
  writeFileSync(join(dir, "bad.json"), JSON.stringify({ shape: [10], file: "bad.raw" }));
  assert.throws(() => readVolume(join(dir, "bad.json")), /shape = \[10\]: expected 2 or 3 positive integers \[voxels\]/);
  writeFileSync(join(dir, "bad.json"), JSON.stringify({ shape: [2, 5], dtype: "float32", file: "bad.raw" }));
  assert.throws(() => readVolume(join(dir, "bad.json")), /dtype = "float32": only "uint8"/);
  writeFileSync(join(dir, "bad.json"), JSON.stringify({ shape: [2, 5], file: "nothere.raw" }));
  assert.throws(() => readVolume(join(dir, "bad.json")), /data file .*nothere.raw not found/);
  assert.throws(() => readVolume(join(dir, "none.json")), /does not exist/);
  assert.ok(readFileSync(join(dir, "v.json"), "utf8").includes("label_fractions"));
});

/** The error `fn` throws (or a failure when it throws none). */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  assert.unreachable("expected an error");
  throw new Error("unreachable");
}

/** A TIFF of `pages` pages of w x h with one strip each at `dataAt + p*w*h` (the pixels are not written). */
function tiffHeaderOnly(pages: number, w: number, h: number, dataAt: number, stripBytes = w * h): Uint8Array {
  const nTags = 8,
    ifd = 2 + nTags * 12 + 4;
  const buf = new Uint8Array(8 + pages * ifd);
  const d = new DataView(buf.buffer);
  buf[0] = 0x49;
  buf[1] = 0x49;
  d.setUint16(2, 42, true);
  d.setUint32(4, 8, true);
  for (let p = 0; p < pages; p++) {
    let q = 8 + p * ifd;
    d.setUint16(q, nTags, true);
    q += 2;
    for (const [id, type, v] of [
      [256, 4, w],
      [257, 4, h],
      [258, 3, 8],
      [259, 3, 1],
      [262, 3, 1],
      [273, 4, dataAt + p * w * h],
      [277, 3, 1],
      [279, 4, stripBytes],
    ]) {
      d.setUint16(q, id, true);
      d.setUint16(q + 2, type, true);
      d.setUint32(q + 4, 1, true);
      if (type === 3) d.setUint16(q + 8, v, true);
      else d.setUint32(q + 8, v, true);
      q += 12;
    }
    d.setUint32(q, p + 1 < pages ? 8 + (p + 1) * ifd : 0, true);
  }
  return buf;
}

test("probeVolume: shape from the sidecar, the TIFF IFDs or the PNG header, without reading the data (sparse 3 GB files)", () => {
  writeFileSync(
    join(dir, "huge.json"),
    JSON.stringify({ shape: [3000, 1000, 1000], phases: { "0": "pore", "2": "SE" }, file: "huge.raw", periodicXY: true }),
  );
  writeFileSync(join(dir, "huge.raw"), "");
  truncateSync(join(dir, "huge.raw"), 3e9);
  const h = probeVolume(join(dir, "huge.json"));
  assert.equal(h.shape, [3000, 1000, 1000]);
  assert.is(h.bytes, 3e9);
  assert.is(h.meta.periodicXY, true);
  // over the limit: refused before the 3 GB are allocated or read
  const e = thrown(() => readVolume(join(dir, "huge.json"), { maxBytes: 2 ** 31 }));
  assert.ok(e instanceof ConfigError);
  assert.match(e.message, /huge.json: shape \[3000,1000,1000\] holds 3000000000 voxels .* refused before reading the data/);
  writeFileSync(join(dir, "huge.tif"), tiffHeaderOnly(3, 30000, 30000, 4096));
  truncateSync(join(dir, "huge.tif"), 4096 + 3 * 30000 * 30000);
  const t = probeVolume(join(dir, "huge.tif"));
  assert.equal(t.shape, [3, 30000, 30000]);
  assert.is(t.format, "tiff");
  writeFileSync(join(dir, "p.png"), encodePng(new Uint8Array(7 * 5), 7, 5, 1));
  assert.equal(probeVolume(join(dir, "p.png")).shape, [5, 7]);
});

test("raw data is read by position in pieces into one buffer (not readFileSync, which stops at 2 GiB)", () => {
  const ref = readFileSync(fixture("transport/img64_batch100.raw"));
  for (const chunkBytes of [65536, 4093, 1 << 30]) {
    const v = readVolume(fixture("transport/img64_batch100.json"), { chunkBytes });
    assert.equal(Buffer.from(v.data).equals(ref), true, `chunk ${chunkBytes}`);
  }
  assert.throws(
    () => readVolume(fixture("transport/img64_batch100.json"), { chunkBytes: 0 }),
    /chunkBytes = 0: expected a positive integer/,
  );
});

test("a truncated PNG (zlib error) and garbage TIFFs are one-line ConfigErrors naming the file", () => {
  const px = Uint8Array.from({ length: 64 * 64 }, (_, i) => (i * 7919) & 255);
  const png = encodePng(px, 64, 64, 1);
  // cut inside the IDAT: the chunk is short and the zlib stream ends early
  writeFileSync(join(dir, "cut.png"), png.subarray(0, png.length - 400));
  let e = thrown(() => readVolume(join(dir, "cut.png")));
  assert.ok(e instanceof ConfigError, String(e));
  assert.match(e.message, /cut\.png: truncated/);
  assert.not.match(e.message, /\n/);
  // the IDAT chunk whole but its zlib stream cut short
  const z = deflateSync(Buffer.concat([Buffer.alloc(1), Buffer.from(px.subarray(0, 64))])).subarray(0, 20);
  const ihdr = png.subarray(0, 33);
  const idat = new Uint8Array(12 + z.length);
  new DataView(idat.buffer).setUint32(0, z.length);
  idat.set([73, 68, 65, 84], 4);
  idat.set(z, 8);
  e = thrown(() => decodePng(Buffer.concat([ihdr, idat]), "z.png"));
  assert.ok(e instanceof ConfigError, String(e));
  assert.match(e.message, /^image: z\.png: truncated or corrupt PNG/);
  // garbage after a TIFF signature: the first IFD lies outside the file
  const junk = Uint8Array.from({ length: 200 }, (_, i) => (i * 37 + 11) & 255);
  junk.set([0x49, 0x49, 42, 0, 0xff, 0xff, 0, 0], 0);
  writeFileSync(join(dir, "junk.tif"), junk);
  e = thrown(() => readVolume(join(dir, "junk.tif")));
  assert.ok(e instanceof ConfigError, String(e));
  assert.match(e.message, /junk\.tif: truncated or corrupt file/);
  // an IFD chain that loops
  const loop = tiffHeaderOnly(1, 2, 2, 4096);
  new DataView(loop.buffer).setUint32(8 + 2 + 8 * 12, 8, true);
  const withPixels = new Uint8Array(4100);
  withPixels.set(loop);
  e = thrown(() => decodeTiff(withPixels, "loop.tif"));
  assert.ok(e instanceof ConfigError, String(e));
  assert.match(e.message, /loop\.tif: not a readable TIFF: page 1: the IFD chain loops back/);
  // a strip table that runs past the end of the file
  e = thrown(() => decodeTiff(tiffHeaderOnly(2, 16, 16, 8), "short.tif"));
  assert.ok(e instanceof ConfigError, String(e));
  assert.match(e.message, /short\.tif: truncated or corrupt file: page 0, strip 0 needs bytes/);
});

test("PNG and TIFF headers that imply a huge image are refused before allocating", () => {
  const px = new Uint8Array(16 * 16);
  const png = Buffer.from(encodePng(px, 16, 16, 1));
  const forged = Buffer.from(png);
  forged.writeUInt32BE(100000, 16);
  forged.writeUInt32BE(100000, 20); // IHDR width, height (CRC not checked)
  let e = thrown(() => decodePng(forged, "forged.png"));
  assert.ok(e instanceof ConfigError, String(e));
  assert.match(
    e.message,
    /forged\.png: the PNG header says 100000x100000 pixels .* holds \d+ bytes of compressed data: truncated or corrupt/,
  );
  e = thrown(() => decodeTiff(tiffHeaderOnly(1, 100000, 100000, 8, 10), "forged.tif"));
  assert.ok(e instanceof ConfigError, String(e));
  assert.match(e.message, /forged\.tif: not a readable TIFF: page 0 is 100000x100000 = 10000000000 pixels but its strips hold 10 bytes/);
});

test("a TIFF carries the volume's axes, periodicXY and transport_axis (as the raw sidecar does)", () => {
  const v = { ...vol3, meta: { axes: ["z", "y", "x"], periodicXY: true, transport_axis: 0, source: "x" } };
  const back = decodeTiff(encodeTiff(v));
  assert.equal(back.meta, { axes: ["z", "y", "x"], periodicXY: true, transport_axis: 0, source: "tiff" });
  writeVolume(join(dir, "m.tif"), v);
  assert.equal(probeVolume(join(dir, "m.tif")).meta, { axes: ["z", "y", "x"], periodicXY: true, transport_axis: 0 });
});

test("compressed and 16-bit label stacks (tifffile, tiffcp: test/io/tiff) read as uint8 phase codes; probeVolume reads only the IFDs", () => {
  const tiffs = join(ROOT, "test/io/tiff");
  const truth = new Uint8Array(readFileSync(join(tiffs, "labels_3x6x7.u8")));
  for (const f of ["u8_lzw.tif", "u8_deflate.tif", "u8_packbits.tif", "u16_labels_lzw_predictor_be.tif", "f32_labels_deflate.tif"]) {
    const v = readVolume(join(tiffs, f));
    assert.equal(v.shape, [3, 6, 7], f);
    assert.equal(v.data, truth, f);
    assert.is(v.meta?.source, join(tiffs, f));
    assert.equal(probeVolume(join(tiffs, f)).shape, [3, 6, 7], f);
  }
  // over the limit: refused from the IFDs, before a page is decoded
  const e = thrown(() => readVolume(join(tiffs, "u8_lzw.tif"), { maxBytes: 100 }));
  assert.match(e.message, /u8_lzw\.tif: shape \[3,6,7\] holds 126 voxels .* refused before reading the data/);
});

test("a 16-bit grey-value stack (a scan, not labels) is a one-line ConfigError: segment it first", () => {
  const e = thrown(() => readVolume(join(ROOT, "test/io/tiff/u16_grey_deflate.tif")));
  assert.ok(e instanceof ConfigError, String(e));
  assert.match(e.message, /^volume: \S+u16_grey_deflate\.tif: a 16-bit integer grey-value stack: segment it first \(/);
  assert.not.match(e.message, /\n/);
});

test("PNG label images: palette indices and 16-bit codes are the phases; a 16-bit grey image is refused", () => {
  const codes = Uint8Array.from({ length: 12 }, (_, i) => i % 3);
  const palette = [
    [0, 0, 0],
    [200, 200, 200],
    [255, 255, 255],
  ];
  writeFileSync(join(dir, "pal.png"), encode({ width: 4, height: 3, data: codes, channels: 1, depth: 8, palette }));
  assert.equal(readVolume(join(dir, "pal.png")).data, codes);
  writeFileSync(join(dir, "l16.png"), encode({ width: 4, height: 3, data: Uint16Array.from(codes), channels: 1, depth: 16 }));
  const v = readVolume(join(dir, "l16.png"));
  assert.equal(v.shape, [3, 4]);
  assert.equal(v.data, codes);
  writeFileSync(
    join(dir, "g16.png"),
    encode({ width: 4, height: 3, data: Uint16Array.from(codes, (c) => 1000 * c), channels: 1, depth: 16 }),
  );
  assert.match(thrown(() => readVolume(join(dir, "g16.png"))).message, /g16\.png: a 16-bit grey-value image: segment it first/);
});

test.run();
