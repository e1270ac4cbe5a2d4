/** Volume files: raw + sidecar, TIFF stacks, PNG; round trips and clear errors for bad sidecars. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readVolume, writeVolume, encodeTiff, decodeTiff, decodePng } from "../../host/transport/volume.js";
import { encodePng } from "../../host/io/png.js";

const dir = mkdtempSync(join(tmpdir(), "assb-vol-"));
const vol3 = { shape: [3, 4, 5], data: Uint8Array.from({ length: 60 }, (_, i) => (i * 7) % 3), phases: { "0": "pore", "1": "AM", "2": "SE" }, voxelSize_m: 5e-7 };

test("raw + JSON sidecar round trip (fixture format)", () => {
  const files = writeVolume(join(dir, "v.raw"), vol3);
  assert.equal(files.map((f) => f.slice(dir.length + 1)), ["v.raw", "v.json"]);
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
  assert.is(d.width, 7); assert.is(d.height, 5);
  assert.equal(d.gray, px);
});

test("bad sidecars get clear errors: wrong shape, dtype, missing data", () => {
  writeFileSync(join(dir, "bad.raw"), new Uint8Array(10));
  writeFileSync(join(dir, "bad.json"), JSON.stringify({ shape: [3, 4], dtype: "uint8", file: "bad.raw" }));
  assert.throws(() => readVolume(join(dir, "bad.json")), /shape \[3,4\] needs 12 bytes but bad.raw has 10: the sidecar does not describe this file/);
  writeFileSync(join(dir, "bad.json"), JSON.stringify({ shape: [10], file: "bad.raw" }));
  assert.throws(() => readVolume(join(dir, "bad.json")), /shape = \[10\]: expected 2 or 3 positive integers \[voxels\]/);
  writeFileSync(join(dir, "bad.json"), JSON.stringify({ shape: [2, 5], dtype: "float32", file: "bad.raw" }));
  assert.throws(() => readVolume(join(dir, "bad.json")), /dtype = "float32": only "uint8"/);
  writeFileSync(join(dir, "bad.json"), JSON.stringify({ shape: [2, 5], file: "nothere.raw" }));
  assert.throws(() => readVolume(join(dir, "bad.json")), /data file .*nothere.raw not found/);
  assert.throws(() => readVolume(join(dir, "none.json")), /does not exist/);
  assert.ok(readFileSync(join(dir, "v.json"), "utf8").includes("label_fractions"));
});

test.run();
