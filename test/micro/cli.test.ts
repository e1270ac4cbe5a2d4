/**
 * The micro-scale run's configuration and command line: paper 001's defaults, (Y0, H) from Table 2 by Gc,
 * every bad input refused in one line naming the field, the files a run writes.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readConfigFile } from "../../host/config/load.js";
import { applyOverrides, parseMicroConfig, TABLE2_COHESIVE } from "../../host/micro/config.js";
import { expectConfigError, fixture } from "../helpers.js";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeMicroResult } from "../../host/micro/output.js";
import { rasterize } from "../../host/micro/plots.js";
import type { MicroResult } from "../../host/micro/types.js";

test("the shipped configs resolve: Fig 7's case takes (Y0, H) = (1.47, 7.33) J/m^2 from Table 2; bonded and diffusion-only need none", () => {
  const gc = parseMicroConfig(readConfigFile(fixture("micro/damage_gc5.97.yaml")));
  assert.equal([gc.cohesive.initiationEnergy_J_m2, gc.cohesive.hardening_J_m2, gc.cohesive.fractureEnergy_J_m2], [1.47, 7.33, 5.97]);
  assert.equal([gc.radius_m, gc.flux_mol_m2_s, gc.interface, gc.mechanics], [1e-6, 7.83e-4, "cohesive", true]);
  assert.ok(Math.abs(gc.boxSide_m - 2.5e-6) < 1e-20, "box 2.5 R");
  assert.equal(
    [gc.am.youngsModulus_Pa, gc.am.poissonRatio, gc.am.partialMolarVolume_m3_mol, gc.am.diffusivity_m2_s, gc.am.maxConcentration_mol_m3],
    [140e9, 0.3, 4.566e-6, 7e-15, 38320],
  );
  assert.equal(
    [gc.se.youngsModulus_Pa, gc.se.poissonRatio, gc.cohesive.stiffness_Pa_m, gc.spring_N_m, gc.stop.maxConcentrationNorm],
    [150e9, 0.2, 3.26e16, 8.15e4, 0.99],
  );
  const bonded = parseMicroConfig(readConfigFile(fixture("micro/perfect_bonding.yaml")));
  assert.is(bonded.interface, "bonded");
  const diff = parseMicroConfig(readConfigFile(fixture("micro/diffusion_only.yaml")));
  assert.is(diff.mechanics, false);
  for (const [gc, yh] of Object.entries(TABLE2_COHESIVE)) {
    const c = parseMicroConfig({ flux_mol_m2_s: 1e-4, fractureEnergy_J_m2: Number(gc) });
    assert.equal([c.cohesive.initiationEnergy_J_m2, c.cohesive.hardening_J_m2], [yh.initiationEnergy_J_m2, yh.hardening_J_m2]);
  }
});

test("bad input is one line naming the field, the value, what was expected and the unit", () => {
  const ok = { flux_mol_m2_s: 7.83e-4, fractureEnergy_J_m2: 5.97 };
  expectConfigError(
    () => parseMicroConfig({ ...ok, am: { poissonRatio: 0.5 } }, "m.yaml"),
    /^m\.yaml: am\.poissonRatio = 0\.5: AM Poisson's ratio must lie in \(-1, 0\.5\) -/,
  );
  expectConfigError(
    () => parseMicroConfig({ ...ok, flux_mol_m2_s: -1e-4 }, "m.yaml"),
    /^m\.yaml: flux_mol_m2_s = -0\.0001: pore-wall flux J_s .* must lie in \(0, inf\)/,
  );
  expectConfigError(
    () => parseMicroConfig({ flux_mol_m2_s: 1e-4, fractureEnergy_J_m2: 5 }, "m.yaml"),
    /^m\.yaml: fractureEnergy_J_m2 = 5: expected one of paper 001 Table 2's 4\.21, 5\.97, 13\.92 J\/m\^2, or cohesive\.initiationEnergy_J_m2 and cohesive\.hardening_J_m2 given directly/,
  );
  expectConfigError(
    () => parseMicroConfig({ flux_mol_m2_s: 1e-4 }, "m.yaml"),
    /^m\.yaml: fractureEnergy_J_m2 = missing: a cohesive interface needs its damage law/,
  );
  expectConfigError(
    () => parseMicroConfig({ ...ok, cohesive: { initiationEnergy_J_m2: 1 } }, "m.yaml"),
    /cohesive\.hardening_J_m2 = missing: expected both Y0 and H/,
  );
  expectConfigError(
    () => parseMicroConfig({ ...ok, boxSide_m: "1.5 um" }, "m.yaml"),
    /boxSide_m = 0\.0000015: expected a box side larger than the particle diameter/,
  );
  expectConfigError(() => parseMicroConfig({ ...ok, interface: "glued" }, "m.yaml"), /interface = "glued": expected cohesive .* or bonded/);
  expectConfigError(() => parseMicroConfig({ ...ok, resolution: 0 }, "m.yaml"), /resolution = 0:/);
  expectConfigError(
    () => parseMicroConfig({ ...ok, stop: { maxConcentrationNorm: 0.4 } }, "m.yaml"),
    /stop\.maxConcentrationNorm = 0\.4: expected a value above the initial c0 \/ c_max = 0\.5/,
  );
  expectConfigError(() => parseMicroConfig({ ...ok, flux: 1 }, "m.yaml"), /Unrecognized key/);
  // a Gc outside Table 2 is fine with (Y0, H) given directly
  const direct = parseMicroConfig({
    flux_mol_m2_s: 1e-4,
    fractureEnergy_J_m2: 5,
    cohesive: { initiationEnergy_J_m2: 1.2, hardening_J_m2: 6 },
  });
  assert.equal([direct.cohesive.initiationEnergy_J_m2, direct.cohesive.hardening_J_m2], [1.2, 6]);
});

test("--set overrides reach nested keys; a malformed one is refused", () => {
  const c = applyOverrides({ flux_mol_m2_s: 1 }, ["flux_mol_m2_s=2.61e-4", "am.poissonRatio=0.25", "interface=bonded"]);
  assert.equal(c, { flux_mol_m2_s: 2.61e-4, am: { poissonRatio: 0.25 }, interface: "bonded" });
  expectConfigError(() => applyOverrides({}, ["flux"]), /--set = "flux": expected key=value/);
  expectConfigError(() => applyOverrides({ flux_mol_m2_s: 1 }, ["flux_mol_m2_s.x=2"]), /a path through mappings/);
});

/** A two-quad "run" (AM quad 0, SE quad 1) to check the writers without the solver. */
function tinyResult(cfg = parseMicroConfig({ flux_mol_m2_s: 7.83e-4, fractureEnergy_J_m2: 5.97 })): MicroResult {
  const series = {
    t_s: [0, 1, 2],
    c_surf_norm: [0.5, 0.7, 0.99],
    c_bulk_norm: [0.5, 0.6, 0.7],
    c_max_norm: [0.5, 0.7, 0.99],
    damage_avg: [0, 0, 0.1],
  };
  const c = (v: number[]) => v.map((x) => x * 38320);
  return {
    kind: "assbkit.micro.result",
    format: 1,
    version: "test",
    config: cfg,
    mesh: { nodes: 6, elements: 2, interfaceElements: 2, unknowns: 14 },
    series: {
      ...series,
      c_surf_avg_mol_m3: c(series.c_surf_norm),
      c_bulk_avg_mol_m3: c(series.c_bulk_norm),
      damage_max: [0, 0, 0.3],
      vm_max_AM_Pa: [0, 1e8, 2e8],
      vm_max_SE_Pa: [0, 5e7, 9e7],
      dt_s: [0, 1, 1],
      newton_iterations: [0, 3, 3],
    },
    final: {
      x_m: Float64Array.from([0, 1e-6, 2e-6, 0, 1e-6, 2e-6]),
      y_m: Float64Array.from([0, 0, 0, 1e-6, 1e-6, 1e-6]),
      ux_m: new Float64Array(6),
      uy_m: new Float64Array(6),
      c_mol_m3: Float64Array.from([0.9, 0.95, Number.NaN, 0.9, 0.95, Number.NaN].map((x) => x * 38320)),
      quads: Int32Array.from([0, 1, 4, 3, 1, 2, 5, 4]),
      phase: Uint8Array.from([1, 2]),
      vonMises_Pa: Float64Array.from([2e8, 9e7]),
      interface: {
        x_m: Float64Array.from([1e-6, 1e-6]),
        y_m: Float64Array.from([0.25e-6, 0.75e-6]),
        d: Float64Array.from([0, 0.3]),
        gn_m: Float64Array.from([0, 2e-9]),
        gt_m: Float64Array.from([1e-9, 0]),
      },
    },
    damageOnset_s: 2,
    stop: { reason: "maxConcentrationNorm", t_s: 2 },
    steps: 2,
    rejectedSteps: 0,
    wallClock_s: 0.01,
  };
}

test("outputs: timeseries.csv with the documented columns, summary.json with format and values at the stop, VTK of the mesh and the interface, PNG plots", async () => {
  const dir = mkdtempSync(join(tmpdir(), "assb-micro-out-"));
  const r = tinyResult();
  const files = await writeMicroResult(dir, r);
  assert.equal(readdirSync(dir).sort(), ["averages.png", "fields.png", "fields.vtk", "interface.vtk", "summary.json", "timeseries.csv"]);
  assert.is(files.length, 6);
  const csv = readFileSync(join(dir, "timeseries.csv"), "utf8").split("\n");
  assert.is(
    csv[0],
    "t_s,c_surf_avg_mol_m3,c_bulk_avg_mol_m3,c_surf_norm,c_bulk_norm,c_max_norm,damage_avg,damage_max,vm_max_AM_Pa,vm_max_SE_Pa,dt_s,newton_iterations",
  );
  assert.is(csv.filter(Boolean).length, 4);
  const sum = JSON.parse(readFileSync(join(dir, "summary.json"), "utf8"));
  assert.equal(
    [sum.kind, sum.format, sum.damageOnset_s, sum.atStop.c_surf_norm, sum.atStop.damage_avg],
    ["assbkit.micro.summary", 1, 2, 0.99, 0.1],
  );
  const vtk = readFileSync(join(dir, "fields.vtk"), "utf8");
  assert.match(vtk, /DATASET UNSTRUCTURED_GRID\nPOINTS 6 double/);
  assert.match(vtk, /CELLS 2 10\n4 0 1 4 3\n4 1 2 5 4\nCELL_TYPES 2\n9\n9/);
  assert.match(vtk, /SCALARS c_mol_m3 double 1\nLOOKUP_TABLE default\n34488\n36404\nnan/);
  assert.match(vtk, /VECTORS u_m double/);
  assert.match(readFileSync(join(dir, "interface.vtk"), "utf8"), /POINTS 2 double[^]*SCALARS d double 1\nLOOKUP_TABLE default\n0\n0\.3/);
  for (const png of ["averages.png", "fields.png"])
    assert.equal(Array.from(readFileSync(join(dir, png)).subarray(0, 4)), [137, 80, 78, 71]);
});

test("the concentration raster fills the AM quads with their mean c / c_max and leaves the SE empty", () => {
  const { grid } = rasterize(tinyResult(), 20);
  const left = grid[10][3],
    right = grid[10][15];
  assert.ok(Math.abs(left - 0.925) < 1e-12, `AM pixel ${left}`);
  assert.ok(Number.isNaN(right), "SE pixel empty");
});

test.run();
