/**
 * PNG (host/io/png.ts, fast-png): every standard image type decodes, to gray intensities (decodePng:
 * CNN images, conductor masks) or to phase codes (decodePngLabels: 2D label images). The images are
 * made here with fast-png's encoder: palette, 16-bit, gray+alpha, 1-bit, RGB(A), Adam7 interlaced.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { encode } from "fast-png";
import { decodePng, decodePngLabels, encodePng, pngHeader } from "../../host/io/png.js";
import { refusal } from "../helpers.js";

const W = 5,
  H = 3;
const codes = Uint8Array.from({ length: W * H }, (_, i) => (i * 7) % 3);

test("8-bit gray: the encoder's pixels back, as intensities and as codes; the header alone gives the size", () => {
  const png = encodePng(codes, W, H, 1);
  assert.equal(decodePng(png).gray, codes);
  assert.equal(decodePngLabels(png).labels, codes);
  assert.equal(pngHeader(png.subarray(0, 33)), { width: W, height: H, depth: 8, colorType: 0, interlace: 0 });
});

test("palette: decodePng gives the colours' gray, decodePngLabels the indices (indexed label masks)", () => {
  const palette = [
    [0, 0, 0],
    [255, 0, 0],
    [30, 60, 90],
  ];
  const png = encode({ width: W, height: H, data: codes, channels: 1, depth: 8, palette });
  assert.is(pngHeader(png.subarray(0, 33)).colorType, 3);
  assert.equal(
    Array.from(decodePng(png, "pal.png").gray),
    Array.from(codes, (c) => Math.round((palette[c][0] + palette[c][1] + palette[c][2]) / 3)),
  );
  assert.equal(decodePngLabels(png, "pal.png").labels, codes);
  // a 2-bit palette: indices packed four to a byte
  const packed = encode({ width: W, height: H, data: pack(codes, 2), channels: 1, depth: 2, palette });
  assert.equal(decodePngLabels(packed, "pal2.png").labels, codes);
});

/** Samples of `depth` bits packed MSB first, each row starting on a byte. */
function pack(v: Uint8Array, depth: number): Uint8Array {
  const rowBytes = Math.ceil((W * depth) / 8),
    out = new Uint8Array(rowBytes * H);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) out[y * rowBytes + ((x * depth) >> 3)] |= v[y * W + x] << (8 - depth - ((x * depth) & 7));
  return out;
}

test("16-bit gray: intensities scaled to 0-255; codes kept when they are 0-255, else refused (segment it first)", () => {
  const grey = Uint16Array.from({ length: W * H }, (_, i) => i * 4000);
  const png = encode({ width: W, height: H, data: grey, channels: 1, depth: 16 });
  assert.equal(
    Array.from(decodePng(png, "g16.png").gray),
    Array.from(grey, (v) => Math.round(v / 257)),
  );
  assert.match(
    refusal(() => decodePngLabels(png, "g16.png")),
    /^image: g16\.png: a 16-bit grey-value image: segment it first \(.*the pixel at row 0, column 1 is 4000\)/,
  );
  const labels16 = encode({ width: W, height: H, data: Uint16Array.from(codes), channels: 1, depth: 16 });
  assert.equal(decodePngLabels(labels16, "l16.png").labels, codes);
});

test("gray+alpha and RGBA: alpha dropped; RGB(A) as the mean of R, G, B (8- and 16-bit)", () => {
  const ga = new Uint8Array(W * H * 2);
  codes.forEach((c, i) => ga.set([c, 255 - 10 * i], 2 * i));
  const pga = encode({ width: W, height: H, data: ga, channels: 2, depth: 8 });
  assert.equal(decodePng(pga).gray, codes);
  assert.equal(decodePngLabels(pga).labels, codes);
  const rgba = new Uint8Array(W * H * 4);
  codes.forEach((c, i) => rgba.set([c * 100, c * 10, 7, 128], 4 * i));
  const want = Array.from(codes, (c) => Math.round((c * 110 + 7) / 3));
  assert.equal(Array.from(decodePng(encode({ width: W, height: H, data: rgba, channels: 4, depth: 8 })).gray), want);
  const rgb16 = Uint16Array.from({ length: W * H * 3 }, (_, k) => 257 * rgba[4 * Math.floor(k / 3) + (k % 3)]);
  assert.equal(Array.from(decodePng(encode({ width: W, height: H, data: rgb16, channels: 3, depth: 16 })).gray), want);
});

test("1-bit gray (a binary mask): intensities 0/255, codes 0/1; Adam7 interlaced images decode the same", () => {
  const mask = Uint8Array.from(codes, (c) => (c === 1 ? 1 : 0));
  const png = encode({ width: W, height: H, data: pack(mask, 1), channels: 1, depth: 1 });
  assert.equal(
    Array.from(decodePng(png).gray),
    Array.from(mask, (m) => 255 * m),
  );
  assert.equal(decodePngLabels(png).labels, mask);
  const inter = encode({ width: W, height: H, data: codes, channels: 1, depth: 8 }, { interlace: "Adam7" });
  assert.is(pngHeader(inter.subarray(0, 33)).interlace, 1);
  assert.equal(decodePng(inter).gray, codes);
});

test("corrupt headers and data are one-line ConfigErrors naming the file", () => {
  assert.match(
    refusal(() => decodePng(Uint8Array.from([1, 2, 3]), "x.png")),
    /^image: x\.png: not a PNG file/,
  );
  const png = encodePng(codes, W, H, 1);
  const badType = png.slice();
  badType[25] = 5; // colour type 5 does not exist
  assert.match(
    refusal(() => decodePng(badType, "t.png")),
    /^image: t\.png: corrupt PNG header: colour type 5, bit depth 8/,
  );
  // the IDAT's zlib stream garbled (CRCs are not checked, so the inflater finds it)
  const idat = png.findIndex((_, i) => String.fromCharCode(...png.subarray(i, i + 4)) === "IDAT");
  const garbled = png.slice();
  garbled.fill(0xff, idat + 4, idat + 12);
  assert.match(
    refusal(() => decodePng(garbled, "z.png")),
    /^image: z\.png: truncated or corrupt PNG/,
  );
});

test.run();
