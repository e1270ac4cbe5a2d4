/**
 * The pipeline options paper 004's study needs, on a volume built by hand (no DEM): voxelize.poreAs SE (the
 * two-phase image: pores become SE), cell.radiusFrom d50 (R = D50 / 2 of the set instead of D_SCA / 2, on
 * the same eps and tau), cell.thicknessFrom volume (the cathode is the volume's height), compact.limits;
 * and the refusals that come with them.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { expectConfigError } from "../helpers.js";
import { loadCore } from "../../host/core/wasm.js";
import { parsePipelineConfig } from "../../host/pipeline/config.js";
import { runPipeline } from "../../host/pipeline/run.js";
import { pipelineScalars } from "../../host/pipeline/summary.js";
import type { Volume } from "../../host/transport/volume_type.js";

const h = 0.5e-6;
const n = 12;
/** AM slab x < 4, pore x = 4..5, SE x >= 6, all through z (periodic x: the SE meets the AM across the wrap only) */
function slabs(): Volume {
  const data = new Uint8Array(n * n * n);
  for (let k = 0; k < n; k++) for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) data[(k * n + j) * n + i] = i < 4 ? 1 : i < 6 ? 0 : 2;
  return {
    shape: [n, n, n],
    data,
    phases: { "0": "pore", "1": "AM", "2": "SE" },
    voxelSize_m: h,
    meta: { periodicXY: true, transport_axis: 0 },
  };
}

const cfg = (cell: Record<string, unknown>, poreAs = "SE") =>
  parsePipelineConfig(
    {
      name: "slabs",
      from: { stage: "transport", file: "memory" },
      voxelize: { voxelSize_m: h, poreAs },
      cell: { params: "NCA_LPS_2023", rates: [1], numerics: { nx: 6, nr: 10 }, ...cell },
    },
    "slabs.yaml",
  );

test("poreAs SE: no pore voxels, D_SCA of the two-phase image; radiusFrom d50 keeps eps and tau and takes R = D50 / 2", async () => {
  const core = await loadCore();
  const from = { stage: "transport" as const, volume: slabs() };
  const dsca = runPipeline(core, cfg({ thicknessFrom: "volume" }), { from });
  const d50 = runPipeline(core, cfg({ radiusFrom: "d50", thicknessFrom: "volume" }), { from });
  const a = pipelineScalars(dsca),
    b = pipelineScalars(d50);
  assert.is(a.voxels_pore_fraction, 0);
  assert.is(a.voxels_SE_fraction, 8 / 12);
  // AM-SE faces: the two 12 x 12 planes x = 3|4 (the pores, now SE) and x = 11|0 (across the wrap), times 2/3
  assert.ok(Math.abs(a.dSca_m - (6 * 4 * n * n * h) / (2 * n * n * (2 / 3))) < 1e-18, `${a.dSca_m}`);
  assert.ok(Math.abs(a.cell_radius_m - a.dSca_m / 2) < 1e-18);
  assert.is(b.cell_radius_m, 2.5e-6); // NCA_LPS_2023: AM median diameter 5 um
  assert.is(a.cell_thickness_m, n * h);
  for (const k of ["se_eps", "se_tauFactor", "am_eps", "am_tauFactor", "dSca_m", "cell_kappaEff_S_m", "cell_thickness_m"])
    assert.is(b[k], a[k], k);
  // a 9 um particle holds less of its capacity at 1C than a 5 um one
  assert.ok(b.cell_capacity_mAh_g_at_1C > a.cell_capacity_mAh_g_at_1C, `${b.cell_capacity_mAh_g_at_1C} vs ${a.cell_capacity_mAh_g_at_1C}`);
  const prov = d50.cell?.params["Microstructure provenance"] as Record<string, unknown>;
  assert.is(prov.radiusFrom, "d50");
  assert.is(prov.thickness_m, n * h);
  // the set's thickness without thicknessFrom
  assert.is(pipelineScalars(runPipeline(core, cfg({}), { from })).cell_thickness_m, 43e-6);
  // pores kept: the AM meets the SE across the wrap only, half the area, twice the D_SCA
  const kept = pipelineScalars(runPipeline(core, cfg({}, "pore"), { from }));
  assert.is(kept.voxels_pore_fraction, 2 / 12);
  assert.ok(Math.abs(kept.dSca_m - 2 * a.dSca_m) < 1e-18, `${kept.dSca_m}`);
});

test("refusals: radiusFrom / thicknessFrom without the microstructure, keys they set, a set with no median diameter", async () => {
  const core = await loadCore();
  const from = { stage: "transport" as const, volume: slabs() };
  expectConfigError(
    () => cfg({ microstructure: false, radiusFrom: "d50" }),
    /cell\.radiusFrom = "d50": takes effect with the microstructure only/,
  );
  expectConfigError(() => cfg({ radiusFrom: "median" }), /cell\.radiusFrom = "median": expected dSca .* or d50/);
  expectConfigError(() => cfg({ voxelize: 1 }), /cell\.voxelize = 1: unknown key/);
  expectConfigError(
    () => runPipeline(core, cfg({ thicknessFrom: "volume", set: { "Cathode thickness [m]": 5e-5 } }), { from }),
    /cell\.set\."Cathode thickness \[m\]" = 0\.00005: .*thicknessFrom: volume/,
  );
  expectConfigError(
    () => runPipeline(core, cfg({ set: { "AM median diameter [m]": 6e-6 } }), { from }),
    /cell\.set\."AM median diameter \[m\]"/,
  );
  // with d50 the median diameter may be given
  const r = runPipeline(core, cfg({ radiusFrom: "d50", set: { "AM median diameter [m]": 6e-6 } }), { from });
  assert.is(r.cell?.derived.radius_m, 3e-6);
  expectConfigError(
    () => runPipeline(core, cfg({ params: "Asheri2023", radiusFrom: "d50" }), { from }),
    /cell\.radiusFrom = "d50": .*"AM median diameter \[m\]"/,
  );
  // compact.limits reaches the DEM case (a pack spec is needed for a compact section)
  const p = parsePipelineConfig(
    {
      pack: {
        kind: "3d",
        particles: 10,
        amMassFraction: 0.5,
        am: { size: { dist: "fixed", diameter_m: 4e-6 }, density_kg_m3: 4800 },
        se: { size: { dist: "fixed", diameter_m: 2e-6 }, density_kg_m3: 1900 },
        box: { lx_m: 20e-6, ly_m: 20e-6 },
      },
      compact: { limits: { maxOverlapFraction: 0.9 }, stages: [{ type: "uniaxial", wall: "top", targetPressure_Pa: 1e6 }] },
      voxelize: { voxelSize_m: 1e-6 },
    },
    "p.yaml",
  );
  assert.is(p.compact?.limits?.maxOverlapFraction, 0.9);
  assert.is(p.compact?.limits?.maxStepDisplacementFraction, 0.1);
});

test.run();
