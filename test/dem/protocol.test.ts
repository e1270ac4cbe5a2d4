/**
 * The uniaxial protocol (press at constant speed to a target pressure, hold, release, relax) on a small
 * AM/SE packing; the full pack2k comparison with LIGGGHTS is `npm run bench -- compaction`.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parseDemCase } from "../../host/dem/case.js";
import { demoCase } from "../../host/dem/demo.js";
import { resolveCase } from "../../host/dem/run.js";
import { DemSystem } from "../../host/dem/system.js";
import { runUniaxial, UNIAXIAL_DEFAULTS } from "../../host/dem/protocol.js";
import { kernels } from "../helpers.js";

async function small() {
  const input = demoCase({ seed: 3, nx: 5, layers: 5 });
  input.walls![1].motion = { type: "fixed" };
  const cfg = parseDemCase(input);
  const rc = resolveCase(cfg);
  const s = new DemSystem(await kernels("wasm"), rc.init);
  const L = cfg.box.hi_m[0] - cfg.box.lo_m[0];
  return { s, rc, area: L * L };
}

test("uniaxial: reaches the target pressure, holds, releases below the release pressure and relaxes", async () => {
  const { s, rc, area } = await small();
  const target = 50e6;
  const r = runUniaxial(s, rc.materialNames, { ...UNIAXIAL_DEFAULTS, wall: 1, area_m2: area, targetPressure_Pa: target, speed_m_s: 10, releaseSpeed_m_s: 10, checkEvery: 200, holdSteps: 3000, relaxSteps: 2000, releasePressure_Pa: 0.1e6 });
  const compressed = r.curve.filter((p) => p.pressure_Pa >= target);
  assert.ok(compressed.length >= 1, "target reached");
  // the wall went down, then back up
  const zmin = Math.min(...r.curve.map((p) => p.wallPosition_m));
  assert.ok(zmin < r.curve[0].wallPosition_m);
  assert.ok(r.released.height_m > r.loaded.height_m);
  // loaded: dense, compressive, vertical stress above lateral (uniaxial), pressure held near target
  assert.ok(r.loaded.solidFraction > 0.5 && r.loaded.solidFraction < 0.8, `phi ${r.loaded.solidFraction}`);
  for (const ph of ["AM", "SE"]) {
    const st = r.loaded.phases[ph].volWeightedStress_Pa;
    assert.ok(st[2] < 0 && st[0] < 0 && st[1] < 0, `${ph} compressive`);
    assert.ok(Math.abs(st[2]) > Math.abs(st[0]), `${ph}: |szz| > |sxx|`);
  }
  assert.ok(r.loaded.pressure_Pa > 0.5 * target && r.loaded.pressure_Pa < 1.5 * target, `held at ${r.loaded.pressure_Pa}`);
  // released: the bed springs back, contacts open
  assert.ok(r.released.solidFraction < r.loaded.solidFraction);
  assert.ok(r.released.meanCoordination < r.loaded.meanCoordination);
  assert.ok(r.released.pressure_Pa <= 0.1e6 + 1e-9, `released at ${r.released.pressure_Pa}`);
  // the vertical stress balances the wall pressure: sum of s_zz V over the bed = -P A h (walls excluded, so ~)
  const szzBed = Object.values(r.loaded.phases).reduce((a, p) => a + p.volWeightedStress_Pa[2] * p.volume_m3, 0);
  const boxStress = szzBed / (area * r.loaded.height_m);
  assert.ok(boxStress < 0 && Math.abs(boxStress) < r.loaded.pressure_Pa * 1.1, `box szz ${boxStress} vs P ${r.loaded.pressure_Pa}`);
});

test("uniaxial: an unreachable target stops with a clear error", async () => {
  const { s, rc, area } = await small();
  assert.throws(() => runUniaxial(s, rc.materialNames, { ...UNIAXIAL_DEFAULTS, wall: 1, area_m2: area, targetPressure_Pa: 1e12, maxCompressionSteps: 400, checkEvery: 200 }), /reached only .* MPa of targetPressure_Pa = 1000000000000 Pa within 400 steps/);
});

test.run();
