/**
 * The paper-004 study files (fixtures/paper004, run by bench/paper004.ts) validate and expand as their
 * comments say: 3 LPS sizes (1, 2, 6 um) x seeds, every case a valid pipeline with the paper's numbers
 * (85:15 wt %, 555 MPa, 325 nm voxels, R = D_SCA / 2, 1C = 179 mAh/g of NCA at the loading), and the quick
 * variant the same study at a smaller scale.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ROOT } from "../helpers.js";
import { loadStudy } from "../../host/study/schema.js";
import { expandCases } from "../../host/study/expand.js";
import { parsePipelineConfig, type PipelineConfig } from "../../host/pipeline/config.js";

async function cases(file: string): Promise<PipelineConfig[]> {
  const study = await loadStudy(`${ROOT}fixtures/paper004/${file}`);
  assert.is(study.kind, "pipeline");
  return expandCases(study).map((c) => parsePipelineConfig(c.config, c.source));
}

const lps = (c: PipelineConfig) => {
  const se = c.pack?.kind === "3d" ? c.pack.se.size : undefined;
  return se?.dist === "lognormal" ? se.median_m : Number.NaN;
};

for (const [file, n, loading] of [
  ["study.yaml", 9, 0.1342],
  ["study_quick.yaml", 3, 0.0671],
] as const)
  test(`${file}: ${n} cases, LPS 1/2/6 um, the paper's composite, pressure, voxel and 1C`, async () => {
    const cs = await cases(file);
    assert.is(cs.length, n);
    assert.equal([...new Set(cs.map(lps))].sort(), [1e-6, 2e-6, 6e-6]);
    for (const c of cs) {
      assert.ok(c.pack?.kind === "3d");
      if (c.pack?.kind !== "3d") continue;
      assert.is(c.pack.amMassFraction, 0.85);
      assert.is(c.pack.amLoading_kg_m2, loading);
      assert.equal(c.pack.am.size, { dist: "lognormal", median_m: 5e-6, sigma: 0.2, min_m: 3.75e-6, max_m: 6.75e-6 });
      const stages = c.compact!.stages;
      assert.is(stages.at(-1)?.type, "uniaxial");
      assert.is((stages.at(-1) as { targetPressure_Pa: number }).targetPressure_Pa, 555e6);
      assert.is(c.voxelize.voxelSize_m, 325e-9);
      assert.is(c.voxelize.poreAs, "SE");
      assert.is(c.cell?.params, "NCA_LPS_2023");
      assert.is(c.cell?.radiusFrom, "dSca");
      assert.is(c.cell?.thicknessFrom, "volume");
      assert.equal(c.cell?.rates, [0.1, 0.2, 0.5, 1, 2, 4]);
      // the paper's 1C per gram of NCA: 1.89 mA for 0.85 x 12.4 mg
      const perGram = (c.cell!.set["1C current density [A.m-2]"] as number) / loading;
      assert.ok(Math.abs(perGram - 1.89e-3 / (0.85 * 12.4e-6)) < 0.1, `${perGram} A/kg`);
    }
  });

test.run();
