/** Voxelization of sphere packings and the voxel-face surface statistics (D_SCA, paper 004 eq 1-3). */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { voxelize, surfaceStats } from "../../host/transport/voxelize.js";
import { relErr } from "../helpers.js";

const h = 0.5e-6;
const count = (d: Uint8Array, c: number) => d.reduce((a, x) => a + (x === c ? 1 : 0), 0);

test("one sphere: voxel volume -> 4/3 pi r^3 (r = 12 voxels, within 1 %); shape [nz, ny, nx]", () => {
  const r = 12 * h;
  const v = voxelize({ x_m: [20e-6], y_m: [20e-6], z_m: [20e-6], radius_m: [r], phase: ["AM"] }, { voxelSize_m: h, lo_m: [0, 0, 0], hi_m: [40e-6, 40e-6, 40e-6] });
  assert.equal(v.shape, [80, 80, 80]);
  assert.ok(relErr(count(v.data, 1) * h ** 3, (4 / 3) * Math.PI * r ** 3) < 0.01);
  // staircase-corrected surface of one sphere: 2/3 of the face count -> 4 pi r^2 within 5 %
  const s = surfaceStats(v);
  const faces = s.specificSurface_per_m.AM * 40e-6 ** 3;
  assert.ok(relErr(faces, 4 * Math.PI * r * r) < 0.05, `${faces} vs ${4 * Math.PI * r * r}`);
});

test("AM wins where AM and SE overlap; periodic wrap in x and y conserves the sphere", () => {
  const box = { voxelSize_m: h, lo_m: [0, 0, 0] as [number, number, number], hi_m: [20e-6, 20e-6, 20e-6] as [number, number, number] };
  const both = voxelize({ x_m: [10e-6, 13e-6], y_m: [10e-6, 10e-6], z_m: [10e-6, 10e-6], radius_m: [4e-6, 4e-6], phase: ["SE", "AM"] }, box);
  const am = voxelize({ x_m: [13e-6], y_m: [10e-6], z_m: [10e-6], radius_m: [4e-6], phase: ["AM"] }, box);
  assert.is(count(both.data, 1), count(am.data, 1));
  const wrapped = voxelize({ x_m: [0.3e-6], y_m: [19.9e-6], z_m: [10e-6], radius_m: [4e-6], phase: ["AM"] }, box);
  const inside = voxelize({ x_m: [10.3e-6], y_m: [9.9e-6], z_m: [10e-6], radius_m: [4e-6], phase: ["AM"] }, box);
  assert.is(count(wrapped.data, 1), count(inside.data, 1));
});

test("AM-SE area and D_SCA = 6 V_AM / S_AM-SE on a flat interface (2/3 staircase factor stated)", () => {
  // AM slab z < 10 voxels, SE above: AM-SE faces = nx * ny, flat (the 2/3 factor is for random surfaces)
  const n = 16, data = new Uint8Array(20 * n * n);
  for (let z = 0; z < 20; z++) data.fill(z < 10 ? 1 : 2, z * n * n, (z + 1) * n * n);
  const s = surfaceStats({ shape: [20, n, n], data, phases: { "1": "AM", "2": "SE" }, voxelSize_m: h });
  assert.is(s.facesAmSe, n * n);
  assert.is(s.staircaseFactor, 2 / 3);
  assert.ok(relErr(s.areaAmSe_m2, n * n * h * h * (2 / 3)) < 1e-12);
  assert.ok(relErr(s.dSca_m, (6 * 10 * n * n * h ** 3) / s.areaAmSe_m2) < 1e-12);
});

test("bad input: voxel size, unknown phase, too many voxels", () => {
  const p = { x_m: [1e-6], y_m: [1e-6], z_m: [1e-6], radius_m: [1e-6], phase: ["AM"] };
  assert.throws(() => voxelize(p, { voxelSize_m: -1 }), /voxelSize_m = -1: expected a length > 0 \[m\]/);
  assert.throws(() => voxelize({ ...p, phase: ["CB"] }), /particle phase = "CB": expected AM or SE/);
  assert.throws(() => voxelize(p, { voxelSize_m: 1e-9, maxVoxels: 1e6 }), /exceeds the limit of 1000000 voxels; use a larger voxel size/);
});

test.run();
