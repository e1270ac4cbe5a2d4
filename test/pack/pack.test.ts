/** Packing generation: pack2k-like 3D spheres and paper-000 2D discs; no overlaps, bounds, ratios, determinism. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { generatePacking, parsePackSpec } from "../../host/pack/pack.js";
import {
  checkPacking,
  checkSidecar,
  packingSidecar,
  PACKING_SIDECAR_FORMAT,
  packingCsv,
  parseParticleTable,
  packingFromTable,
  DEFAULT_TYPES,
  MAX_PARTICLES,
  type Packing,
} from "../../host/pack/packing.js";
import { ConfigError } from "../../host/config/errors.js";

function maxOverlap(p: Packing, periodic: [number, number] | null): number {
  const P = p.particles;
  let worst = 0;
  for (let i = 0; i < P.id.length; i++)
    for (let j = i + 1; j < P.id.length; j++) {
      let dx = P.x_m[i] - P.x_m[j],
        dy = P.y_m[i] - P.y_m[j];
      const dz = P.z_m[i] - P.z_m[j];
      if (periodic) {
        dx -= periodic[0] * Math.round(dx / periodic[0]);
        dy -= periodic[1] * Math.round(dy / periodic[1]);
      }
      worst = Math.max(worst, P.radius_m[i] + P.radius_m[j] - Math.hypot(dx, dy, dz));
    }
  return worst;
}

// the recipe behind fixtures/dem/pack2k_init.csv: AM 3-10 um, SE 6-13 um diameters, 73.5:26.5 wt %, 90 um box
const pack2kLike = {
  kind: "3d",
  seed: 5,
  particles: 2000,
  amMassFraction: 0.735,
  am: { size: { dist: "uniform", min_m: "3 um", max_m: "10 um" }, density_kg_m3: 4750 },
  se: { size: { dist: "uniform", min_m: "6 um", max_m: "13 um" }, density_kg_m3: 1990 },
  box: { lx_m: "90 um", ly_m: "90 um" },
  initialSolidFraction: 0.3,
};

test("3D: pack2k-like packing: counts near the reference (1514 AM / 486 SE), mass ratio, no overlap, inside the box", () => {
  const p = generatePacking(parsePackSpec(pack2kLike));
  const s = p.summary;
  assert.is(s.particles, 2000);
  assert.ok(Math.abs(s.am - 1514) < 60, `AM count ${s.am}`);
  assert.ok(Math.abs(s.amMassFraction - 0.735) < 0.03, `mass fraction ${s.amMassFraction}`);
  assert.ok(maxOverlap(p, [90e-6, 90e-6]) <= 0, "no overlaps (periodic in x, y)");
  const P = p.particles;
  for (let k = 0; k < P.id.length; k++) {
    assert.ok(P.x_m[k] >= 0 && P.x_m[k] < 90e-6 && P.y_m[k] >= 0 && P.y_m[k] < 90e-6);
    assert.ok(P.z_m[k] - P.radius_m[k] >= 0 && P.z_m[k] + P.radius_m[k] <= p.box.hi_m[2] + 1e-18);
  }
  assert.ok(Math.abs(s.solidFraction - 0.3) < 1e-12);
});

test("3D: AM mass loading mode reaches the loading and the mass ratio", () => {
  const spec = { ...pack2kLike, particles: undefined, amLoading_kg_m2: 0.02, box: { lx_m: "60 um", ly_m: "60 um" } };
  const p = generatePacking(parsePackSpec(spec));
  const s = p.summary;
  assert.ok(s.amLoading_kg_m2 >= 0.02 && s.amLoading_kg_m2 < 0.02 * 1.05, `loading ${s.amLoading_kg_m2}`);
  assert.ok(Math.abs(s.amMassFraction - 0.735) < 0.01, `mass fraction ${s.amMassFraction}`);
});

test("3D: the same seed gives the same packing; another seed another", () => {
  const a = generatePacking(parsePackSpec({ ...pack2kLike, particles: 300 }));
  const b = generatePacking(parsePackSpec({ ...pack2kLike, particles: 300 }));
  const c = generatePacking(parsePackSpec({ ...pack2kLike, particles: 300, seed: 6 }));
  assert.equal(a.particles, b.particles);
  assert.not.equal(a.particles.x_m, c.particles.x_m);
});

test("3D: an unreachable initial solid fraction is refused", () => {
  try {
    generatePacking(parsePackSpec({ ...pack2kLike, particles: 400, height_m: "22 um", maxAttempts: 2000 }));
    assert.unreachable();
  } catch (e) {
    assert.instance(e, ConfigError);
    assert.match((e as Error).message, /random insertion cannot reach this solid fraction/);
  }
  assert.throws(() => parsePackSpec({ ...pack2kLike, initialSolidFraction: 0.6 }), /initialSolidFraction = 0.6/);
});

test("2D (paper 000): AM discs reach the area fraction, SE fill exhaustively, nothing overlaps or leaves the frame", () => {
  const p = generatePacking(parsePackSpec({ kind: "2d", seed: 2, amAreaFraction: 0.63, se: { scanStep: 0.25 } }));
  const s = p.summary;
  assert.ok(s.width_m >= 46e-6 && s.width_m <= 55e-6);
  assert.ok(s.amMeanDiameter_m >= 9e-6 && s.amMeanDiameter_m <= 12e-6 && s.amSd_m <= 2e-6);
  assert.ok(s.amAreaFraction >= 0.63 && s.amAreaFraction < 0.7, `AM fraction ${s.amAreaFraction}`);
  assert.ok(s.se > 100);
  assert.ok(maxOverlap(p, null) <= 0, "no overlaps");
  const P = p.particles;
  for (let k = 0; k < P.id.length; k++) {
    assert.ok(P.x_m[k] - P.radius_m[k] >= -1e-18 && P.x_m[k] + P.radius_m[k] <= s.width_m + 1e-18);
    assert.ok(P.y_m[k] - P.radius_m[k] >= -1e-18 && P.y_m[k] + P.radius_m[k] <= s.height_m + 1e-18);
    assert.is(P.z_m[k], 0);
  }
  // exhaustive: a 1 um disc fits almost nowhere any more (probe on a fine lattice)
  let free = 0,
    probes = 0;
  for (let x = 0.5e-6; x < s.width_m - 0.5e-6; x += 0.37e-6)
    for (let y = 0.5e-6; y < s.height_m - 0.5e-6; y += 0.37e-6) {
      probes++;
      let ok = true;
      for (let k = 0; k < P.id.length && ok; k++) if (Math.hypot(x - P.x_m[k], y - P.y_m[k]) < P.radius_m[k] + 0.5e-6) ok = false;
      if (ok) free++;
    }
  assert.ok(free / probes < 0.01, `free spots ${free}/${probes}`);
});

test("2D: an unreachable AM area fraction is refused with what was reached", () => {
  assert.throws(
    () => generatePacking(parsePackSpec({ kind: "2d", amAreaFraction: 0.73, fractionOf: "initial", maxAttempts: 20000 })),
    /amAreaFraction = 0.73: reached only 0\.\d+ of the initial frame/,
  );
});

test("sizes are refused before anything is drawn or allocated: 1e12 particles, a loading of 1e6 kg/m2, a 1 nm SE fill", () => {
  const t0 = performance.now();
  const refuse = (spec: Record<string, unknown>, re: RegExp) => {
    try {
      generatePacking(parsePackSpec(spec));
    } catch (e) {
      assert.instance(e, ConfigError);
      assert.match((e as Error).message, re);
      return;
    }
    assert.unreachable("accepted");
  };
  refuse({ ...pack2kLike, particles: 1e12 }, new RegExp(`particles = 1000000000000: expected at most ${MAX_PARTICLES} particles`));
  refuse(
    { ...pack2kLike, particles: undefined, amLoading_kg_m2: 1e6 },
    new RegExp(`amLoading_kg_m2 = 1000000: about .* particles .*; expected at most ${MAX_PARTICLES}`),
  );
  refuse(
    { kind: "2d", seed: 1, amAreaFraction: 0.5, se: { diameter_m: "1 nm" } },
    /se\.diameter_m = 1e-9: the SE fill .* expected at most/,
  );
  assert.ok(performance.now() - t0 < 2000, `refusals took ${performance.now() - t0} ms`);
});

test("a packing round-trips through CSV (type codes or names) with its geometry; bad rows are refused by one validator", () => {
  const p = generatePacking(parsePackSpec({ ...pack2kLike, particles: 50, box: { lx_m: "30 um", ly_m: "30 um" } }));
  for (const types of [DEFAULT_TYPES, undefined]) {
    const t = parseParticleTable(packingCsv(p, types), "p.csv", DEFAULT_TYPES);
    const q = packingFromTable(t, { dimension: 3, box: p.box, materials: p.materials });
    assert.equal(q.particles.material, p.particles.material);
    assert.equal(q.particles.x_m, p.particles.x_m);
    assert.equal(q.particles.density_kg_m3, p.particles.density_kg_m3);
  }
  const outside: Packing = { ...p, particles: { ...p.particles, z_m: p.particles.z_m.map((z, k) => (k === 3 ? 1 : z)) } };
  assert.throws(() => checkPacking(outside, "moved.csv"), /moved\.csv: particle 4 z_m = 1: expected a centre inside the box/);
  assert.throws(
    () => parseParticleTable("id,type,x_m,y_m,z_m,radius_m\n1,1,0,0,0,1e-6\n1,2,0,0,0,1e-6\n", "dup.csv"),
    /dup\.csv row 3, id = 1: expected a unique particle id/,
  );
  assert.throws(
    () => parseParticleTable("id,x_m,y_m,z_m,radius_m\n1,0,0,0,1e-6\n", "nomat.csv"),
    /nomat\.csv: no 'material' or 'type' column/,
  );
});

test("the packing sidecar carries its format; another format is refused naming the file", () => {
  const p = generatePacking(parsePackSpec({ ...pack2kLike, particles: 20, box: { lx_m: "30 um", ly_m: "30 um" } }));
  const sc = packingSidecar(p, "particles.csv", DEFAULT_TYPES);
  assert.is(sc.format, PACKING_SIDECAR_FORMAT);
  assert.equal(checkSidecar(JSON.parse(JSON.stringify(sc)), "p.packing.json").box, p.box);
  assert.throws(
    () => checkSidecar({ ...sc, format: 99 }, "p.packing.json"),
    /^p\.packing\.json: format = 99: expected packing sidecar format 1/,
  );
  assert.throws(() => checkSidecar({ ...sc, format: undefined }, "old.packing.json"), /old\.packing\.json: format = missing/);
});

test.run();
