/** Cross-section images: pixel fractions against disc areas, AM over SE, PNG encoding; the 2D paper-000 pipeline. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { inflateSync } from "node:zlib";
import { sectionImage, GRAY } from "../../host/image/section.js";
import { encodePng } from "../../host/io/png.js";
import { generatePacking, parsePackSpec } from "../../host/pack/pack.js";
import { caseFromPacking } from "../../host/pack/to_case.js";
import { parseCompact, runCompact } from "../../host/dem/compact.js";
import { kernels } from "../helpers.js";

test("pixel fractions match disc areas; AM wins where AM and SE overlap; 3D spheres are cut at z0", () => {
  const s = sectionImage({ x_m: [10e-6, 30e-6, 30e-6], y_m: [20e-6, 20e-6, 24e-6], z_m: [0, 0, 0], radius_m: [6e-6, 3e-6, 3e-6], type: [1, 2, 1] }, { lo: [0, 0], hi: [40e-6, 40e-6], crop_m: 0, size: 800 });
  const A = 40e-6 * 40e-6;
  const am = (Math.PI * 36e-12 + Math.PI * 9e-12) / A;
  // the two r = 3 um discs 4 um apart overlap: lens area 2 r^2 acos(d/2r) - (d/2) sqrt(4 r^2 - d^2)
  const d = 4e-6, r = 3e-6;
  const lens = 2 * r * r * Math.acos(d / (2 * r)) - (d / 2) * Math.sqrt(4 * r * r - d * d);
  assert.ok(Math.abs(s.amFraction - am) < 0.002, `AM ${s.amFraction} vs ${am}`);
  assert.ok(Math.abs(s.seFraction - (Math.PI * 9e-12 - lens) / A) < 0.002, `SE ${s.seFraction}`);
  // a sphere of r = 5 um centred 3 um below the plane leaves a 4 um circle
  const t = sectionImage({ x_m: [20e-6], y_m: [20e-6], z_m: [-3e-6], radius_m: [5e-6], type: [2] }, { lo: [0, 0], hi: [40e-6, 40e-6], crop_m: 0, size: 800, z0_m: 0 });
  assert.ok(Math.abs(t.seFraction - Math.PI * 16e-12 / A) < 0.002);
  assert.throws(() => sectionImage({ x_m: [0], y_m: [0], z_m: [0], radius_m: [1e-6], type: [1] }, { lo: [0, 0], hi: [4e-6, 4e-6], crop_m: 2e-6, size: 8 }), /leaves no region/);
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
  const p = generatePacking(parsePackSpec({ kind: "2d", seed: 3, amAreaFraction: 0.58, frame: { height_m: "20 um", widthRange_m: ["24 um", "26 um"], finalWidth_m: "20 um" }, am: { meanDiameterRange_m: ["9 um", "10 um"], sdRange_m: [0, "1 um"] } }));
  const r = runCompact(await kernels("wasm"), parseCompact({ case: caseFromPacking(p), stages: [{ type: "compress2d", wall: "right", finalWidth_m: "20 um", speed_m_s: 4, holdSteps: 2000 }] }));
  const st = r.stages[0];
  assert.is(st.type, "compress2d");
  const rep = st.reports.compressed;
  const x = rep.particles.x_m as number[], rad = rep.particles.radius_m as number[];
  assert.ok(Math.max(...x.map((v, k) => v + rad[k])) < 20e-6 * 1.05, "particles within the compressed frame (up to wall overlap)");
  assert.ok(rep.areas.reactionArea_m2 > 0, "AM-SE contacts");
  const s = sectionImage({ x_m: x, y_m: rep.particles.y_m as number[], z_m: rep.particles.z_m as number[], radius_m: rad, type: (rep.particles.material as string[]).map((m) => (m === "AM" ? 1 : 2)) }, { lo: [0, 0], hi: [20e-6, 20e-6], crop_m: 2e-6, size: 224 });
  assert.ok(s.amFraction > 0.3 && s.seFraction > 0.05 && s.voidFraction < 0.4, `AM ${s.amFraction}, SE ${s.seFraction}, void ${s.voidFraction}`);
  assert.ok([...s.pixels].every((v) => v === GRAY.void || v === GRAY.am || v === GRAY.se));
});

test.run();
