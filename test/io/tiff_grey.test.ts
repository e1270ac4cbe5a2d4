/**
 * Grey-value scans read as grey values (host/segment/grey_volume.ts and host/io/tiff_region.ts) from
 * files of independent writers, made by test/io/tiff/make_fixtures.sh and committed: tifffile (Deflate,
 * float, signed, ImageJ hyperstacks, resolution tags, TIFF slices), libtiff's tiffcp (16-bit LZW with
 * predictor in big endian, 16-bit PackBits), Pillow (16-bit PNG slices with pHYs) and numpy (raw
 * volumes). The truth is computed here from labels_3x6x7.u8. Voxel sizes and their sources, crops and
 * one-line refusals of bad inputs.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encode } from "fast-png";
import { readGreyVolume, probeGreyVolume } from "../../host/segment/grey_volume.js";
import { naturalCompare } from "../../host/segment/slices.js";
import { decodeTiff, probeVolume, readVolume } from "../../host/transport/volume.js";
import { encodeTiffStack } from "../../host/io/tiff_encode.js";
import { ROOT, refusal } from "../helpers.js";

const DIR = join(ROOT, "test/io/tiff");
const labels = new Uint8Array(readFileSync(join(DIR, "labels_3x6x7.u8")));
const SHAPE = [3, 6, 7];
/** grey(z, y, x) from the label at that voxel, as make_fixtures.sh computes it */
const truth = (f: (lab: number, x: number) => number) => Array.from(labels, (lab, i) => f(lab, i % 7));
const U16 = truth((lab, x) => 20000 + 1000 * lab + 7 * x);
const tmp = mkdtempSync(join(tmpdir(), "assb-grey-"));

/** The values of `a` in the crop [[z0, z1], [y0, y1], [x0, x1]] of a [3, 6, 7] volume. */
function cropOf(a: ArrayLike<number>, c: [number, number][]): number[] {
  const out: number[] = [];
  for (let z = c[0][0]; z < c[0][1]; z++)
    for (let y = c[1][0]; y < c[1][1]; y++) for (let x = c[2][0]; x < c[2][1]; x++) out.push(a[(z * 6 + y) * 7 + x]);
  return out;
}

const U16_STACKS: [string, string][] = [
  ["u16_grey_deflate.tif", "tifffile, Deflate"],
  ["u16_grey_lzw_predictor_be.tif", "tiffcp, LZW + horizontal predictor, big endian, 2 rows per strip"],
  ["u16_grey_packbits.tif", "tiffcp, PackBits, 4 rows per strip"],
  ["ij_u16_grey_325nm.tif", "tifffile imagej=True hyperstack"],
];

for (const [file, what] of U16_STACKS) {
  test(`16-bit grey stack (${what}): the grey values, as uint16, and a crop of them`, () => {
    const g = readGreyVolume(join(DIR, file));
    assert.is(g.dtype, "uint16");
    assert.ok(g.data instanceof Uint16Array);
    assert.equal(g.shape, SHAPE);
    assert.equal(Array.from(g.data), U16);
    // rows 1-4 of pages 1-2: a strip range of each page, decoded alone
    const c = readGreyVolume(join(DIR, file), { crop: "1:3,1:5,2:6" });
    assert.equal(c.shape, [2, 4, 4]);
    assert.equal(
      Array.from(c.data),
      cropOf(U16, [
        [1, 3],
        [1, 5],
        [2, 6],
      ]),
    );
    assert.equal(c.crop, [
      [1, 3],
      [1, 5],
      [2, 6],
    ]);
    assert.equal(c.fullShape, SHAPE);
  });
}

test("float32, float64 and signed 16-bit stacks keep their type and values (negative grey values too)", () => {
  const f32 = readGreyVolume(join(DIR, "f32_grey.tif"));
  assert.ok(f32.data instanceof Float32Array);
  assert.equal(
    Array.from(f32.data),
    truth((lab) => lab + 0.25),
  );
  const f64 = readGreyVolume(join(DIR, "f64_grey_deflate.tif"));
  assert.is(f64.dtype, "float64");
  assert.equal(
    Array.from(f64.data),
    truth((lab, x) => lab + 0.5 + 0.01 * x),
  );
  const i16 = readGreyVolume(join(DIR, "i16_grey.tif"));
  assert.is(i16.dtype, "int16");
  assert.ok(i16.data instanceof Int16Array);
  assert.equal(
    Array.from(i16.data),
    truth((lab, x) => -1000 + 1000 * lab + 7 * x),
  );
  assert.match(probeGreyVolume(join(DIR, "i16_grey.tif")).what, /16-bit signed integer TIFF stack of 3 pages, uncompressed/);
});

test("voxel size: ImageJ description + resolution, resolution tags in pixels per cm, --voxel-size, none (each source said)", () => {
  const ij = readGreyVolume(join(DIR, "ij_u16_grey_325nm.tif"));
  assert.ok(Math.abs(ij.voxelSize_m! / 3.25e-7 - 1) < 1e-7, String(ij.voxelSize_m));
  assert.match(
    ij.voxelSizeSource,
    /^the ImageJ description \(unit=um, spacing=0\.325\) and XResolution\/YResolution \(3\.0769231 pixels per um\)$/,
  );
  assert.is(ij.fileVoxelSize_zyx_m!.length, 3);
  const cm = readGreyVolume(join(DIR, "u8_grey_res_cm.tif"));
  assert.is(cm.dtype, "uint8");
  assert.equal(
    Array.from(cm.data),
    truth((lab, x) => 50 + 60 * lab + x),
  );
  // tifffile stores 30769.23 pixels/cm as a rational of 8 digits
  assert.ok(Math.abs(cm.voxelSize_m! / 3.25e-7 - 1) < 1e-5, String(cm.voxelSize_m));
  assert.match(
    cm.voxelSizeSource,
    /^the XResolution\/YResolution tags \(30769\.\d+ pixels per cm\); the file gives no slice spacing: z taken equal/,
  );
  const given = readGreyVolume(join(DIR, "ij_u16_grey_325nm.tif"), { voxelSize_m: 5e-7 });
  assert.is(given.voxelSize_m, 5e-7);
  assert.match(given.voxelSizeSource, /^--voxel-size \(the file says 0\.325 µm, from the ImageJ description/);
  const none = readGreyVolume(join(DIR, "u16_grey_deflate.tif"));
  assert.is(none.voxelSize_m, undefined);
  assert.match(none.voxelSizeSource, /^none: .*u16_grey_deflate\.tif gives no voxel size and none was given \(--voxel-size\)$/);
  // non-cubic voxels (0.325 x 0.325 x 0.65 um): refused unless a size is given
  const aniso = join(DIR, "ij_u16_grey_aniso.tif");
  assert.match(
    refusal(() => readGreyVolume(aniso)),
    /ij_u16_grey_aniso\.tif: the voxels are 0\.325 x 0\.325 x 0\.65 µm \(x, y, z\).*not cubic/,
  );
  assert.is(readGreyVolume(aniso, { voxelSize_m: 3.25e-7 }).voxelSize_m, 3.25e-7);
});

test("natural order of slice names: digit runs by value", () => {
  assert.equal(["s10.tif", "s9.tif", "s1.tif", "s010.tif", "a.tif", "s2b.tif", "s2a.tif"].sort(naturalCompare), [
    "a.tif",
    "s1.tif",
    "s2a.tif",
    "s2b.tif",
    "s9.tif",
    "s10.tif",
    "s010.tif",
  ]);
});

test("folders of slices (tifffile TIFFs, Pillow 16-bit PNGs named img_8, img_9, img_10): natural order, pixel size of the first slice", () => {
  for (const d of ["slices_tif", "slices_png"]) {
    const g = readGreyVolume(join(DIR, d));
    assert.is(g.format, "slices");
    assert.is(g.dtype, "uint16");
    assert.equal(g.shape, SHAPE);
    assert.equal(Array.from(g.data), U16, d);
    assert.ok(Math.abs(g.voxelSize_m! / 3.25e-7 - 1) < 1e-6, `${d}: ${g.voxelSize_m}`);
    assert.match(g.voxelSizeSource, /^slice img_8\.(tif|png): .*; the file gives no slice spacing: z taken equal to the pixel size$/);
    assert.match(g.what, /^3 16-bit .* slices \(img_8\.\w+ \.\.\. img_10\.\w+, natural order\)$/);
    const c = readGreyVolume(join(DIR, d), { crop: "2:3,3:6,0:2" });
    assert.equal(
      Array.from(c.data),
      cropOf(U16, [
        [2, 3],
        [3, 6],
        [0, 2],
      ]),
      d,
    );
  }
  assert.match(readGreyVolume(join(DIR, "slices_png")).voxelSizeSource, /pHYs chunk .* \(3076923 pixels per metre\)/);
});

test("raw + JSON sidecar: big-endian uint16, numpy's <f4, crops read plane by plane", () => {
  const be = readGreyVolume(join(DIR, "raw_u16_be.json"));
  assert.equal(Array.from(be.data), U16);
  assert.is(be.voxelSize_m, 3.25e-7);
  assert.match(be.voxelSizeSource, /raw_u16_be\.json \(voxelSize_m\)/);
  assert.equal(
    Array.from(readGreyVolume(join(DIR, "raw_u16_be.raw"), { crop: "0:2,4:6,1:3" }).data),
    cropOf(U16, [
      [0, 2],
      [4, 6],
      [1, 3],
    ]),
  );
  const f = readGreyVolume(join(DIR, "raw_f32.json"));
  assert.is(f.dtype, "float32");
  assert.equal(
    Array.from(f.data),
    truth((lab) => lab + 0.25),
  );
  assert.match(probeGreyVolume(join(DIR, "raw_u16_be.json")).what, /^raw uint16, big endian \(raw_u16_be\.raw\)$/);
});

test("label volumes crop while reading too (readVolume: TIFF stack, raw + sidecar)", () => {
  const c: [number, number][] = [
    [1, 3],
    [2, 5],
    [0, 4],
  ];
  const t = readVolume(join(DIR, "u8_lzw.tif"), { crop: c });
  assert.equal(t.shape, [2, 3, 4]);
  assert.equal(Array.from(t.data), cropOf(labels, c));
  assert.is(t.meta?.crop, "1:3,2:5,0:4");
  copyFileSync(join(DIR, "labels_3x6x7.u8"), join(tmp, "lab.raw"));
  writeFileSync(join(tmp, "lab.json"), JSON.stringify({ shape: SHAPE, file: "lab.raw" }));
  assert.equal(Array.from(readVolume(join(tmp, "lab.json"), { crop: c }).data), cropOf(labels, c));
  assert.equal(Array.from(readVolume(join(DIR, "u16_labels_lzw_predictor_be.tif"), { crop: c }).data), cropOf(labels, c));
  assert.match(
    refusal(() =>
      readVolume(join(DIR, "u8_lzw.tif"), {
        crop: [
          [0, 3],
          [0, 7],
          [0, 7],
        ],
      }),
    ),
    /u8_lzw\.tif: crop \(y\) = "0:7": expected a range within 0:6/,
  );
});

test("label stacks: a Fiji-saved one (tifffile imagej=True) takes its calibration; assbkit's old JSON description still reads", () => {
  const ij = readVolume(join(DIR, "ij_u8_labels_325nm.tif"));
  assert.equal(ij.data, labels);
  assert.is(ij.voxelSize_m, 3.25e-7);
  assert.match(String(ij.meta?.voxelSizeSource), /^the ImageJ description \(unit=um, spacing=0\.325\)/);
  // non-cubic calibration (the header alone): no voxel size; the file's sizes and the reason kept
  const an = probeVolume(join(DIR, "ij_u16_grey_aniso.tif"));
  assert.is(an.voxelSize_m, undefined);
  assert.equal(an.meta.voxelSize_zyx_m, [6.5e-7, 3.25e-7, 3.25e-7]);
  assert.match(String(an.meta.voxelSizeSource), /not cubic/);
  const old = encodeTiffStack(
    labels,
    3,
    6,
    7,
    JSON.stringify({ assbkit: 1, shape: SHAPE, phases: { "1": "AM" }, voxelSize_m: 5e-7, transport_axis: 2 }),
  );
  const back = decodeTiff(old, "old.tif");
  assert.equal(back.phases, { "1": "AM" });
  assert.is(back.voxelSize_m, 5e-7);
  assert.is(back.meta?.transport_axis, 2);
});

test("bad inputs are one-line refusals: crop out of range, wrong slice size or type, unknown dtype, truncated raw", () => {
  const f = join(DIR, "u16_grey_deflate.tif");
  assert.match(
    refusal(() => readGreyVolume(f, { crop: "0:4,:,:" })),
    /^--crop \(z\) = "0:4": expected a range within 0:3, the volume's z axis \(shape \[3,6,7\]\)/,
  );
  assert.match(
    refusal(() => readGreyVolume(f, { crop: "0:2,1:1,:" })),
    /^--crop \(y\) = "1:1": expected a range within 0:6/,
  );
  assert.match(
    refusal(() => readGreyVolume(f, { crop: "0:2,:" })),
    /^--crop = "0:2,:": expected 3 ranges z0:z1,y0:y1,x0:x1/,
  );
  assert.match(
    refusal(() => readGreyVolume(f, { crop: "a:2,:,:" })),
    /^--crop \(z\) = "a:2": expected a range start:end/,
  );
  assert.match(
    refusal(() => readGreyVolume(f, { maxBytes: 100 })),
    /3 x 6 x 7 voxels of uint16 need .* refused before reading the data/,
  );
  // slices: one of another size, one of another depth, a multi-page TIFF, a mix of kinds
  const png = join(tmp, "png");
  cpSync(join(DIR, "slices_png"), png, { recursive: true });
  writeFileSync(join(png, "img_9.png"), encode({ width: 7, height: 5, data: new Uint16Array(35), depth: 16, channels: 1 }));
  assert.match(
    refusal(() => readGreyVolume(png)),
    /^grey volume: slice .*img_9\.png is 7x5 16-bit grey, the first slice img_8\.png is 7x6 16-bit grey; all slices must have the same size/,
  );
  writeFileSync(join(png, "img_9.png"), encode({ width: 7, height: 6, data: new Uint8Array(42), depth: 8, channels: 1 }));
  assert.match(
    refusal(() => readGreyVolume(png)),
    /img_9\.png is 7x6 8-bit grey, the first slice img_8\.png is 7x6 16-bit grey/,
  );
  writeFileSync(join(png, "img_9.png"), encode({ width: 7, height: 6, data: new Uint8Array(126), depth: 8, channels: 3 }));
  assert.match(
    refusal(() => readGreyVolume(png)),
    /slice .*img_9\.png is a colour PNG; slices are single-channel grey/,
  );
  copyFileSync(join(DIR, "u8_lzw.tif"), join(png, "img_11.tif"));
  assert.match(
    refusal(() => readGreyVolume(png)),
    /holds 1 TIFF and 3 PNG files; a folder of slices holds one kind/,
  );
  const tif = join(tmp, "tif");
  cpSync(join(DIR, "slices_tif"), tif, { recursive: true });
  copyFileSync(join(DIR, "u8_lzw.tif"), join(tif, "img_11.tif"));
  assert.match(
    refusal(() => readGreyVolume(tif)),
    /slice .*img_11\.tif has 3 pages; each file of a folder of slices holds one image/,
  );
  mkdirSync(join(tmp, "empty"));
  assert.match(
    refusal(() => readGreyVolume(join(tmp, "empty"))),
    /holds no \.tif\/\.tiff or \.png slices/,
  );
  // raw: unknown dtype, byte order that contradicts it, truncated data
  copyFileSync(join(DIR, "raw_u16_be.raw"), join(tmp, "g.raw"));
  const side = (m: object) => writeFileSync(join(tmp, "g.json"), JSON.stringify({ shape: SHAPE, file: "g.raw", ...m }));
  side({ dtype: "uint32" });
  assert.match(
    refusal(() => readGreyVolume(join(tmp, "g.json"))),
    /g\.json: dtype = "uint32": expected uint8, int8, uint16, int16, float32 or float64/,
  );
  side({ dtype: "<u2", byteOrder: "big" });
  assert.match(
    refusal(() => readGreyVolume(join(tmp, "g.json"))),
    /byteOrder = "big": expected the byte order of dtype "<u2" \(little\)/,
  );
  side({ dtype: "uint16", byteOrder: "big" });
  assert.equal(Array.from(readGreyVolume(join(tmp, "g.json")).data), U16);
  truncateSync(join(tmp, "g.raw"), 200);
  assert.match(
    refusal(() => readGreyVolume(join(tmp, "g.json"))),
    /shape \[3,6,7\] of uint16 needs 252 bytes but g\.raw has 200: truncated$/,
  );
  // ImageJ stacks this reader must not take page by page: several channels; over 4 GiB (one page, data after it)
  writeFileSync(join(tmp, "ch.tif"), encodeTiffStack(labels, 3, 6, 7, "ImageJ=1.11a\nimages=3\nchannels=3\nhyperstack=true\n"));
  assert.match(
    refusal(() => readGreyVolume(join(tmp, "ch.tif"))),
    /an ImageJ hyperstack of 3 channels; a scan has one grey channel/,
  );
  writeFileSync(join(tmp, "big.tif"), encodeTiffStack(labels, 1, 6, 7, "ImageJ=1.11a\nimages=3\nslices=3\n"));
  assert.match(
    refusal(() => readGreyVolume(join(tmp, "big.tif"))),
    /says images=3 but the file has 1 page .*save the stack as a folder of slices/,
  );
  assert.match(
    refusal(() => readGreyVolume(join(tmp, "scan.nrrd"))),
    /does not exist/,
  );
  writeFileSync(join(tmp, "scan.nrrd"), "x");
  assert.match(
    refusal(() => readGreyVolume(join(tmp, "scan.nrrd"))),
    /unknown extension '\.nrrd'/,
  );
  rmSync(tmp, { recursive: true, force: true });
});

test.run();
