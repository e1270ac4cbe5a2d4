/**
 * The segmentation's files: labels.tif round-trips through readVolume with its phases, voxel size and
 * transport axis, and is laid out as ImageJ reads a stack (pages back to back); `assb
 * segment` end to end on CT-like inputs (an ImageJ hyperstack of 325 nm voxels, a folder of slices),
 * then `assb transport` straight on its labels.tif (with --crop and --voxel-size); CLI refusals.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readGreyVolume } from "../../host/segment/grey_volume.js";
import { segmentGrey } from "../../host/segment/segment.js";
import { labelsVolume } from "../../host/segment/output.js";
import { decodeTiff, encodeTiff, readVolume } from "../../host/transport/volume.js";
import { memorySource } from "../../host/io/byte_source.js";
import { tiffLayout } from "../../host/io/tiff_layout.js";
import { parseImageJ, tiffVoxelSize } from "../../host/io/imagej.js";
import { ROOT } from "../helpers.js";

const DIR = join(ROOT, "test/io/tiff");
const truth = new Uint8Array(readFileSync(join(DIR, "labels_3x6x7.u8")));
const out = mkdtempSync(join(tmpdir(), "assb-seg-"));
const assb = (...args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "host/cli/main.ts"), ...args], { encoding: "utf8", cwd: ROOT });

test("labels.tif: phases, voxel size and transport axis back through readVolume; ImageJ's description and resolution tags", () => {
  const grey = readGreyVolume(join(DIR, "ij_u16_grey_325nm.tif"));
  const seg = segmentGrey(grey.data, grey.dtype, { phases: ["pore", "SE", "AM"] });
  assert.equal(seg.labels, truth);
  const bytes = encodeTiff(labelsVolume(grey, seg, 0));
  const back = decodeTiff(bytes, "labels.tif");
  assert.equal(back.shape, [3, 6, 7]);
  assert.equal(back.data, truth);
  assert.equal(back.phases, { "0": "pore", "1": "SE", "2": "AM" });
  assert.is(back.voxelSize_m, grey.voxelSize_m);
  assert.is(back.meta?.transport_axis, 0);
  assert.equal(back.meta?.axes, ["z", "y", "x"]);
  // what ImageJ reads: the description's first lines and pixels per micron, ResolutionUnit none
  const lay = tiffLayout(memorySource(bytes, "labels.tif"), "labels.tif");
  const ij = parseImageJ(lay.description)!;
  assert.is(ij.images, "3");
  assert.is(ij.slices, "3");
  assert.is(ij.unit, "micron");
  assert.is(ij.spacing, "0.325");
  assert.is(ij.max, "2.0");
  assert.is(lay.resolution.unit, 1);
  assert.ok(Math.abs(tiffVoxelSize(lay)!.zyx_m[2] / 3.25e-7 - 1) < 1e-9);
  // ImageJ reads a stack with images=N as N pages back to back from the first strip
  assert.equal(
    lay.pages.map((p) => p.offs[0] - lay.pages[0].offs[0]),
    [0, 42, 84],
  );
});

test("assb segment on an ImageJ hyperstack (Otsu): labels, histogram, report; then assb transport on labels.tif", () => {
  const dir = join(out, "ij");
  const r = assb("segment", join(DIR, "ij_u16_grey_325nm.tif"), "-o", dir);
  assert.is(r.status, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /16-bit integer TIFF stack of 3 pages, uncompressed, shape 3 x 6 x 7/);
  assert.match(r.stdout, /voxel size: 0\.325 µm \(the ImageJ description \(unit=um, spacing=0\.325\)/);
  assert.match(r.stdout, /Otsu \(3 classes, \d+ bins\) thresholds/);
  assert.equal(readdirSync(dir).sort(), ["histogram.png", "labels.tif", "segment.json"]);
  const rep = JSON.parse(readFileSync(join(dir, "segment.json"), "utf8"));
  assert.is(rep.kind, "assbkit.segment");
  assert.is(rep.method, "otsu");
  assert.equal(rep.shape, [3, 6, 7]);
  assert.is(rep.crop, null);
  assert.ok(Math.abs(rep.voxelSize_m / 3.25e-7 - 1) < 1e-7);
  assert.match(rep.voxelSizeSource, /^the ImageJ description/);
  // grey = 20000 + 1000 label + 7 x (x < 7): the thresholds fall between the levels
  assert.ok(
    rep.thresholds[0] > 20042 && rep.thresholds[0] <= 21000 && rep.thresholds[1] > 21042 && rep.thresholds[1] <= 22000,
    String(rep.thresholds),
  );
  const f = [0, 1, 2].map((c) => truth.filter((v) => v === c).length / truth.length);
  assert.equal(rep.fractions, { pore: f[0], SE: f[1], AM: f[2] });
  assert.is(rep.transport_axis, 0);
  const png = readFileSync(join(dir, "histogram.png"));
  assert.equal(Array.from(png.subarray(0, 4)), [0x89, 0x50, 0x4e, 0x47]);
  const lab = readVolume(join(dir, "labels.tif"));
  assert.equal(lab.data, truth);
  assert.is(lab.voxelSize_m, rep.voxelSize_m);
  // transport straight on the labels: the phase by name, the axis from the file, the voxel size recorded
  const t = assb("transport", join(dir, "labels.tif"), "--phase", "SE", "-o", join(dir, "se.json"));
  assert.is(t.status, 0, t.stderr + t.stdout);
  const tr = JSON.parse(readFileSync(join(dir, "se.json"), "utf8"));
  assert.is(tr.phase, "SE");
  assert.is(tr.axisSource, "the volume's transport_axis");
  assert.is(tr.voxelSize_m, rep.voxelSize_m);
  assert.is(tr.eps, f[1]);
  // and on a crop of them, with another voxel size
  const c = assb(
    "transport",
    join(dir, "labels.tif"),
    "--phase",
    "AM",
    "--crop",
    "0:3,1:5,:",
    "--voxel-size",
    "0.5um",
    "-o",
    join(dir, "am.json"),
  );
  assert.is(c.status, 0, c.stderr + c.stdout);
  assert.match(c.stdout, /crop 0:3,1:5,0:7: 3 x 4 x 7 voxels of 3 x 6 x 7; voxel size 0\.5 µm \(--voxel-size\)/);
  const ca = JSON.parse(readFileSync(join(dir, "am.json"), "utf8"));
  assert.is(ca.crop, "0:3,1:5,0:7");
  assert.is(ca.voxelSize_m, 5e-7);
  let am = 0;
  for (let z = 0; z < 3; z++) for (let y = 1; y < 5; y++) for (let x = 0; x < 7; x++) am += truth[(z * 6 + y) * 7 + x] === 2 ? 1 : 0;
  assert.is(ca.eps, am / 84);
});

test("assb segment on a folder of PNG slices with given thresholds, a crop and --voxel-size (said in the output and report)", () => {
  const dir = join(out, "png");
  const r = assb(
    "segment",
    join(DIR, "slices_png"),
    "-o",
    dir,
    "--phases",
    "pore,SE,AM",
    "--thresholds",
    "20500,21500",
    "--crop",
    "1:3,0:6,2:7",
    "--voxel-size",
    "325nm",
    "--no-histogram",
  );
  assert.is(r.status, 0, r.stderr + r.stdout);
  assert.match(
    r.stdout,
    /3 16-bit grey PNG slices \(img_8\.png \.\.\. img_10\.png, natural order\), shape 3 x 6 x 7, crop 1:3,0:6,2:7 -> 2 x 6 x 5/,
  );
  assert.match(r.stdout, /voxel size: 0\.325 µm \(--voxel-size \(the file says 0\.325 µm, from slice img_8\.png: the pHYs chunk/);
  assert.equal(readdirSync(dir).sort(), ["labels.tif", "segment.json"]);
  const rep = JSON.parse(readFileSync(join(dir, "segment.json"), "utf8"));
  assert.is(rep.method, "thresholds");
  assert.equal(rep.thresholds, [20500, 21500]);
  assert.is(rep.crop, "1:3,0:6,2:7");
  assert.equal(rep.fullShape, [3, 6, 7]);
  assert.is(rep.voxelSize_m, 3.25e-7);
  const lab = readVolume(join(dir, "labels.tif"));
  assert.equal(lab.shape, [2, 6, 5]);
  const want: number[] = [];
  for (let z = 1; z < 3; z++) for (let y = 0; y < 6; y++) for (let x = 2; x < 7; x++) want.push(truth[(z * 6 + y) * 7 + x]);
  assert.equal(Array.from(lab.data), want);
});

test("assb segment refusals: one line, exit 2 (crop out of range, --thresholds with --otsu, bad voxel size, anisotropic voxels)", () => {
  const f = join(DIR, "u16_grey_deflate.tif");
  const cases: [string[], RegExp][] = [
    [["--crop", "0:9,:,:"], /--crop \(z\) = "0:9": expected a range within 0:3/],
    [["--thresholds", "1,2", "--otsu"], /--thresholds and --otsu exclude each other/],
    [["--voxel-size", "3 parsecs"], /--voxel-size = "3 parsecs": expected a length > 0 in m or with a unit, e.g. 325nm/],
    [["--thresholds", "21000", "--phases", "pore,SE,AM"], /--thresholds = "21000": expected 2 grey values for the 3 phases pore, SE, AM/],
  ];
  for (const [args, re] of cases) {
    const r = assb("segment", f, "-o", join(out, "bad"), "--no-histogram", ...args);
    assert.is(r.status, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.is(r.stderr.trim().split("\n").length, 1, r.stderr);
  }
  const a = assb("segment", join(DIR, "ij_u16_grey_aniso.tif"), "-o", join(out, "bad"), "--no-histogram");
  assert.is(a.status, 2);
  assert.match(a.stderr, /not cubic: transport takes one voxel edge; resample the stack to cubic voxels, or give --voxel-size/);
});

test.run();
