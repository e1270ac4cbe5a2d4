/** Cross-section images: pixel fractions against disc areas, AM over SE, PNG encoding; the 2D paper-000 pipeline. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { inflateSync } from "node:zlib";
import { sectionImage, GRAY } from "../../host/image/section.js";
import { encodePng } from "../../host/io/png.js";
import { generatePacking, parsePackSpec } from "../../host/pack/pack.js";
import { caseFromPacking } from "../../host/pack/to_case.js";
import { parseCompact, runCompact } from "../../host/dem/compact.js";
import { kernels, ROOT } from "../helpers.js";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync, existsSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writePacking } from "../../host/pack/node.js";
import { DEFAULT_TYPES } from "../../host/pack/packing.js";

test("pixel fractions match disc areas; AM wins where AM and SE overlap; 3D spheres are cut at z0", () => {
  const s = sectionImage(
    { x_m: [10e-6, 30e-6, 30e-6], y_m: [20e-6, 20e-6, 24e-6], z_m: [0, 0, 0], radius_m: [6e-6, 3e-6, 3e-6], phase: ["AM", "SE", "AM"] },
    { lo: [0, 0], hi: [40e-6, 40e-6], crop_m: 0, size: 800 },
  );
  const A = 40e-6 * 40e-6;
  const am = (Math.PI * 36e-12 + Math.PI * 9e-12) / A;
  // the two r = 3 um discs 4 um apart overlap: lens area 2 r^2 acos(d/2r) - (d/2) sqrt(4 r^2 - d^2)
  const d = 4e-6,
    r = 3e-6;
  const lens = 2 * r * r * Math.acos(d / (2 * r)) - (d / 2) * Math.sqrt(4 * r * r - d * d);
  assert.ok(Math.abs(s.amFraction - am) < 0.002, `AM ${s.amFraction} vs ${am}`);
  assert.ok(Math.abs(s.seFraction - (Math.PI * 9e-12 - lens) / A) < 0.002, `SE ${s.seFraction}`);
  // a sphere of r = 5 um centred 3 um below the plane leaves a 4 um circle
  const t = sectionImage(
    { x_m: [20e-6], y_m: [20e-6], z_m: [-3e-6], radius_m: [5e-6], phase: ["SE"] },
    { lo: [0, 0], hi: [40e-6, 40e-6], crop_m: 0, size: 800, z0_m: 0 },
  );
  assert.ok(Math.abs(t.seFraction - (Math.PI * 16e-12) / A) < 0.002);
  assert.throws(
    () =>
      sectionImage(
        { x_m: [0], y_m: [0], z_m: [0], radius_m: [1e-6], phase: ["AM"] },
        { lo: [0, 0], hi: [4e-6, 4e-6], crop_m: 2e-6, size: 8 },
      ),
    /leaves no region/,
  );
});

test("PNG: signature, IHDR and the pixel rows survive a decode", () => {
  const px = Uint8Array.from({ length: 12 }, (_, k) => k * 20);
  const png = encodePng(px, 4, 3);
  assert.equal(Array.from(png.subarray(0, 8)), [137, 80, 78, 71, 13, 10, 26, 10]);
  const dv = new DataView(png.buffer, png.byteOffset);
  assert.is(dv.getUint32(16), 4);
  assert.is(dv.getUint32(20), 3);
  const idatLen = dv.getUint32(33);
  const raw = inflateSync(png.subarray(41, 41 + idatLen));
  assert.equal(Array.from(raw), [0, 0, 20, 40, 60, 0, 80, 100, 120, 140, 0, 160, 180, 200, 220]);
});

test("paper 000 pipeline: 2D packing -> compression to 40 um -> 224 x 224 section", async () => {
  const p = generatePacking(
    parsePackSpec({
      kind: "2d",
      seed: 3,
      amAreaFraction: 0.58,
      frame: { height_m: "20 um", widthRange_m: ["24 um", "26 um"], finalWidth_m: "20 um" },
      am: { meanDiameterRange_m: ["9 um", "10 um"], sdRange_m: [0, "1 um"] },
    }),
  );
  const r = runCompact(
    await kernels("wasm"),
    parseCompact({
      case: caseFromPacking(p),
      stages: [{ type: "compress2d", wall: "right", finalWidth_m: "20 um", speed_m_s: 4, holdSteps: 2000 }],
    }),
  );
  const st = r.stages[0];
  assert.is(st.type, "compress2d");
  const rep = st.reports.compressed;
  const x = rep.particles.x_m as number[],
    rad = rep.particles.radius_m as number[];
  assert.ok(Math.max(...x.map((v, k) => v + rad[k])) < 20e-6 * 1.05, "particles within the compressed frame (up to wall overlap)");
  assert.ok(rep.areas.reactionArea_m2 > 0, "AM-SE contacts");
  const s = sectionImage(
    {
      x_m: x,
      y_m: rep.particles.y_m as number[],
      z_m: rep.particles.z_m as number[],
      radius_m: rad,
      phase: rep.particles.material as string[],
    },
    { lo: [0, 0], hi: [20e-6, 20e-6], crop_m: 2e-6, size: 224 },
  );
  assert.ok(
    s.amFraction > 0.3 && s.seFraction > 0.05 && s.voidFraction < 0.4,
    `AM ${s.amFraction}, SE ${s.seFraction}, void ${s.voidFraction}`,
  );
  assert.ok([...s.pixels].every((v) => v === GRAY.void || v === GRAY.am || v === GRAY.se));
});

test("a section that misses the packing, or an unknown phase, is refused instead of drawn", () => {
  const p = { x_m: [20e-6], y_m: [20e-6], z_m: [10e-6], radius_m: [5e-6], phase: ["AM"] };
  assert.throws(
    () => sectionImage(p, { lo: [0, 0], hi: [40e-6, 40e-6], crop_m: 0, size: 64, z0_m: 30e-6 }),
    /section height z0_m = 0\.00003: expected a height inside the packing, \[5\.00000e-6, 0\.0000150000\] \[m\]|section height z0_m = 0\.00003: expected a height inside the packing/,
  );
  assert.throws(() => sectionImage(p, { lo: [100e-6, 100e-6], hi: [140e-6, 140e-6], crop_m: 0, size: 64 }), /cuts no particle/);
  assert.throws(
    () => sectionImage({ ...p, phase: ["CB"] }, { lo: [0, 0], hi: [40e-6, 40e-6], crop_m: 0, size: 64 }),
    /particle 1 phase = "CB": expected AM or SE/,
  );
});

test("assb image: every bad particle file or option is a one-line error with exit 2 and no image written", () => {
  const dir = mkdtempSync(join(tmpdir(), "assb-img-"));
  const p = generatePacking(
    parsePackSpec({
      kind: "2d",
      seed: 3,
      amAreaFraction: 0.4,
      frame: { height_m: "20 um", widthRange_m: ["24 um", "26 um"], finalWidth_m: "20 um" },
      am: { meanDiameterRange_m: ["9 um", "10 um"], sdRange_m: [0, "1 um"] },
    }),
  );
  const [good] = writePacking(join(dir, "good.csv"), p, DEFAULT_TYPES);
  const assb = (...a: string[]) =>
    spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "host/cli/main.ts"), ...a], { encoding: "utf8", cwd: ROOT });
  const ok = assb("image", good, "--size", "64", "-o", join(dir, "ok.png"));
  assert.is(ok.status, 0, ok.stderr);
  assert.ok(existsSync(join(dir, "ok.png")), "frame taken from the sidecar");
  const header = "id,type,x_m,y_m,z_m,radius_m\n";
  const cases: [string, string, string[], RegExp][] = [
    ["empty.csv", "", [], /empty\.csv: empty file; expected a header row/],
    ["header.csv", header, [], /header\.csv: no particles \(a header row only\)/],
    ["nan.csv", header + "1,1,NaN,1e-5,0,5e-6\n", [], /nan\.csv: row 2, column 'x_m' = 'NaN': expected a finite number/],
    ["neg.csv", header + "1,1,1e-5,1e-5,0,-5e-6\n", [], /neg\.csv row 2, radius_m = -0\.000005: expected a radius > 0 \[m\]/],
    ["code.csv", header + "1,7,1e-5,1e-5,0,5e-6\n", [], /code\.csv row 2, type = 7: expected a known type code \(1 = AM, 2 = SE\)/],
    [
      "trunc.csv",
      header + "1,1,1e-5,1e-5,0,5e-6\n2,2,1e-5",
      [],
      /trunc\.csv: row 3 has 3 fields, the header has 6 \(the last row: truncated file\?\)/,
    ],
    ["nobox.csv", header + "1,1,1e-5,1e-5,0,5e-6\n", [], /nobox\.csv: no frame: nobox\.packing\.json .* give --frame/],
    [
      "zword.csv",
      header + "1,1,1e-5,1e-5,0,5e-6\n",
      ["--frame", "0,0,20um,20um", "--z", "middle"],
      /--z = "middle": expected a length in m or with a unit, e\.g\. 20um \[m\]/,
    ],
    [
      "zout.csv",
      header + "1,1,1e-5,1e-5,0,5e-6\n",
      ["--frame", "0,0,20um,20um", "--z", "1m"],
      /section height z0_m = 1: expected a height inside the packing/,
    ],
    ["frame.csv", header + "1,1,1e-5,1e-5,0,5e-6\n", ["--frame", "0,0,20um"], /--frame = "0,0,20um": expected 4 comma-separated values/],
  ];
  for (const [name, text, extra, re] of cases) {
    writeFileSync(join(dir, name), text);
    const r = assb("image", join(dir, name), ...extra, "-o", join(dir, name + ".png"));
    assert.is(r.status, 2, `${name}: ${r.stderr}`);
    const lines = r.stderr.trim().split("\n");
    assert.is(lines.length, 1, `${name}: ${r.stderr}`);
    assert.match(lines[0], re, name);
    assert.not.match(lines[0], /at .*\.ts:\d+/, "no stack");
  }
  assert.equal(
    readdirSync(dir).filter((f) => f.endsWith(".png")),
    ["ok.png"],
    "nothing drawn for bad input",
  );
});

test.run();
