/** Voxelization of sphere packings and the voxel-face surface statistics (D_SCA, paper 004 eq 1-3). */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { voxelize, voxelizeSpheres as vs, surfaceStats } from "../../host/transport/voxelize.js";
import { generatePacking, parsePackSpec } from "../../host/pack/pack.js";
import { writePacking, readPacking } from "../../host/pack/node.js";
import { DEFAULT_TYPES, type Packing } from "../../host/pack/packing.js";
import { readVolume } from "../../host/transport/volume.js";
import { expectConfigError, relErr, ROOT } from "../helpers.js";

const h = 0.5e-6;
const count = (d: Uint8Array, c: number) => d.reduce((a, x) => a + (x === c ? 1 : 0), 0);

test("one sphere: voxel volume -> 4/3 pi r^3 (r = 12 voxels, within 1 %); shape [nz, ny, nx]", () => {
  const r = 12 * h;
  const v = vs(
    { x_m: [20e-6], y_m: [20e-6], z_m: [20e-6], radius_m: [r], phase: ["AM"] },
    { voxelSize_m: h, lo_m: [0, 0, 0], hi_m: [40e-6, 40e-6, 40e-6] },
  );
  assert.equal(v.shape, [80, 80, 80]);
  assert.ok(relErr(count(v.data, 1) * h ** 3, (4 / 3) * Math.PI * r ** 3) < 0.01);
  // staircase-corrected surface of one sphere: 2/3 of the face count -> 4 pi r^2 within 5 %
  const s = surfaceStats(v);
  const faces = s.specificSurface_per_m.AM * 40e-6 ** 3;
  assert.ok(relErr(faces, 4 * Math.PI * r * r) < 0.05, `${faces} vs ${4 * Math.PI * r * r}`);
});

test("AM wins where AM and SE overlap; periodic wrap in x and y conserves the sphere", () => {
  const box = { voxelSize_m: h, lo_m: [0, 0, 0] as [number, number, number], hi_m: [20e-6, 20e-6, 20e-6] as [number, number, number] };
  const both = vs({ x_m: [10e-6, 13e-6], y_m: [10e-6, 10e-6], z_m: [10e-6, 10e-6], radius_m: [4e-6, 4e-6], phase: ["SE", "AM"] }, box);
  const am = vs({ x_m: [13e-6], y_m: [10e-6], z_m: [10e-6], radius_m: [4e-6], phase: ["AM"] }, box);
  assert.is(count(both.data, 1), count(am.data, 1));
  const wrapped = vs({ x_m: [0.3e-6], y_m: [19.9e-6], z_m: [10e-6], radius_m: [4e-6], phase: ["AM"] }, box);
  const inside = vs({ x_m: [10.3e-6], y_m: [9.9e-6], z_m: [10e-6], radius_m: [4e-6], phase: ["AM"] }, box);
  assert.is(count(wrapped.data, 1), count(inside.data, 1));
});

test("AM-SE area and D_SCA = 6 V_AM / S_AM-SE on a flat interface (2/3 staircase factor stated)", () => {
  // AM slab z < 10 voxels, SE above: AM-SE faces = nx * ny, flat (the 2/3 factor is for random surfaces)
  const n = 16,
    data = new Uint8Array(20 * n * n);
  for (let z = 0; z < 20; z++) data.fill(z < 10 ? 1 : 2, z * n * n, (z + 1) * n * n);
  const s = surfaceStats({ shape: [20, n, n], data, phases: { "1": "AM", "2": "SE" }, voxelSize_m: h });
  assert.is(s.facesAmSe, n * n);
  assert.is(s.staircaseFactor, 2 / 3);
  assert.ok(relErr(s.areaAmSe_m2, n * n * h * h * (2 / 3)) < 1e-12);
  assert.ok(relErr(s.dSca_m, (6 * 10 * n * n * h ** 3) / s.areaAmSe_m2) < 1e-12);
});

test("bad input: voxel size, unknown phase, too many voxels", () => {
  const p = { x_m: [1e-6], y_m: [1e-6], z_m: [1e-6], radius_m: [1e-6], phase: ["AM"] };
  assert.throws(() => vs(p, { voxelSize_m: -1 }), /voxelSize_m = -1: expected a length > 0 \[m\]/);
  assert.throws(() => vs({ ...p, phase: ["CB"] }), /particle phase = "CB": expected AM or SE/);
  assert.throws(() => vs(p, { voxelSize_m: 1e-9, maxVoxels: 1e6 }), /exceeds the limit of 1000000 voxels; use a larger voxel size/);
});

const packing = (o: Partial<Packing> & { particles: Packing["particles"] }): Packing => ({
  kind: "assbkit.packing",
  version: "x",
  dimension: 3,
  materials: { AM: { phase: "AM" }, SE: { phase: "SE" } },
  box: { lo_m: [0, 0, 0], hi_m: [20e-6, 20e-6, 20e-6], periodic: [true, true] },
  ...o,
});
const one = (x: number, y: number, material = "AM") => ({
  id: [1],
  material: [material],
  x_m: [x],
  y_m: [y],
  z_m: [10e-6],
  radius_m: [4e-6],
});

test("voxelize(packing): the box and periodicity come from the packing, not from the particle extents", () => {
  // a sphere across the x seam: wrapped into the periodic box it keeps its volume; without periodicity it is cut
  const wrapped = voxelize(packing({ particles: one(0.3e-6, 10e-6) }), { voxelSize_m: h });
  const inside = voxelize(packing({ particles: one(10.3e-6, 10e-6) }), { voxelSize_m: h });
  const cut = voxelize(
    packing({ particles: one(0.3e-6, 10e-6), box: { lo_m: [0, 0, 0], hi_m: [20e-6, 20e-6, 20e-6], periodic: [false, false] } }),
    { voxelSize_m: h },
  );
  assert.equal(wrapped.shape, [40, 40, 40]);
  assert.is(count(wrapped.data, 1), count(inside.data, 1));
  assert.ok(count(cut.data, 1) < 0.6 * count(inside.data, 1));
  assert.equal(
    [wrapped.meta?.lo_m, wrapped.meta?.hi_m, wrapped.meta?.periodicXY, wrapped.meta?.transport_axis],
    [[0, 0, 0], [20e-6, 20e-6, 20e-6], true, 0],
  );
  // the box is the packing's (e.g. the wall positions of a pressed state), however far the particles reach
  const shifted = voxelize(
    packing({ particles: one(10e-6, 10e-6), box: { lo_m: [0, 0, 2e-6], hi_m: [20e-6, 20e-6, 30e-6], periodic: [true, true] } }),
    { voxelSize_m: h },
  );
  assert.equal(shifted.shape, [56, 40, 40]);
});

test("voxelize(packing): refuses 2D packings, particles outside the box, materials without a phase", () => {
  const thrown = expectConfigError;
  thrown(() => voxelize(packing({ particles: one(10e-6, 10e-6), dimension: 2 })), /dimension = 2: expected a 3D packing of spheres/);
  thrown(() => voxelize(packing({ particles: one(1, 10e-6) })), /particle 1 x_m = 1: expected a centre inside the box \[0, 0\.00002\]/);
  thrown(() => voxelize(packing({ particles: one(10e-6, 10e-6, "CB") })), /material = "CB": expected a material with a phase/);
});

test("assb voxelize takes box and periodicity from the sidecar of assb pack; without a sidecar it asks for the box", () => {
  const dir = mkdtempSync(join(tmpdir(), "assb-vox-"));
  const p = generatePacking(
    parsePackSpec({
      kind: "3d",
      seed: 4,
      particles: 60,
      amMassFraction: 0.7,
      am: { size: { dist: "uniform", min_m: "3 um", max_m: "5 um" }, density_kg_m3: 4750 },
      se: { size: { dist: "fixed", diameter_m: "3 um" }, density_kg_m3: 1990 },
      box: { lx_m: "20 um", ly_m: "20 um" },
    }),
  );
  const [csv] = writePacking(join(dir, "particles.csv"), p, DEFAULT_TYPES);
  const assb = (...a: string[]) =>
    spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "host/cli/main.ts"), ...a], { encoding: "utf8", cwd: ROOT });
  const r = assb("voxelize", csv, "--voxel", "1um", "-o", join(dir, "v.raw"));
  assert.is(r.status, 0, r.stderr);
  const v = readVolume(join(dir, "v.json"));
  assert.equal(v.shape, [Math.round(p.box.hi_m[2] / 1e-6), 20, 20]);
  assert.is(v.meta?.periodicXY, true);
  // the library and the CLI give the same volume
  assert.equal(Array.from(v.data), Array.from(voxelize(readPacking(csv), { voxelSize_m: 1e-6 }).data));
  // a CSV without its sidecar: refused with what to give, and --lxy/--height work
  writeFileSync(join(dir, "bare.csv"), readFileSync(csv, "utf8"));
  const bare = assb("voxelize", join(dir, "bare.csv"), "--voxel", "1um", "-o", join(dir, "b.raw"));
  assert.is(bare.status, 2);
  assert.match(
    bare.stderr,
    /^assb: error: .*bare\.csv: no box: bare\.packing\.json .* give --box x0,y0,z0,x1,y1,z1 \(or --lxy and --height\)\n$/,
  );
  const bad = assb("voxelize", join(dir, "bare.csv"), "--lxy", "20um", "--height", "top", "-o", join(dir, "b.raw"));
  assert.is(bad.status, 2);
  assert.match(bad.stderr, /^assb: error: --height = "top": expected a length > 0 in m or with a unit, e.g\. 95\.66um \[m\]\n$/);
  const ok = assb(
    "voxelize",
    join(dir, "bare.csv"),
    "--voxel",
    "1um",
    "--lxy",
    "20um",
    "--height",
    `${p.box.hi_m[2]}`,
    "-o",
    join(dir, "b.raw"),
  );
  assert.is(ok.status, 0, ok.stderr);
  assert.equal(Array.from(readVolume(join(dir, "b.json")).data), Array.from(v.data));
});

test.run();
