/** Analytics against closed forms: von Mises, Hertz contact area (paper 000 eq 15-17), bins, heat map. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { binned, contactAreas, heatMapXY, meanSd, vonMisesAndPressure } from "../../host/dem/analysis.js";
import { yEff } from "../../host/dem/materials.js";
import { relErr } from "../helpers.js";

test("von Mises of uniaxial, hydrostatic and pure-shear stress", () => {
  const z = [0, 0, 0];
  const r = vonMisesAndPressure({ sxx_Pa: [0, -5, 0], syy_Pa: [0, -5, 0], szz_Pa: [-7, -5, 0], sxy_Pa: [0, 0, 2], sxz_Pa: z, syz_Pa: z });
  assert.ok(relErr(r.vonMises_Pa[0], 7) < 1e-15);
  assert.is(r.vonMises_Pa[1], 0);
  assert.ok(relErr(r.vonMises_Pa[2], Math.sqrt(3) * 2) < 1e-15);
  assert.ok(relErr(r.pressure_Pa[0], 7 / 3) < 1e-15);
  assert.ok(relErr(r.pressure_Pa[1], 5) < 1e-15);
});

test("Hertz contact radius a = (3 F R*/(4 Y*))^(1/3), reaction area and SE coverage (eq 15-17)", () => {
  const AM = { name: "AM", youngsModulus_Pa: 199e9, poissonRatio: 0.3, density_kg_m3: 4750 };
  const SE = { name: "SE", youngsModulus_Pa: 26.7e9, poissonRatio: 0.37, density_kg_m3: 1990 };
  const Y = [yEff(AM, AM), yEff(AM, SE), yEff(SE, AM), yEff(SE, SE)];
  // particles: 0 AM (5 um), 1 SE (2 um), 2 SE (3 um); contacts 0-1 (AM-SE) and 1-2 (SE-SE)
  const radius = [5e-6, 2e-6, 3e-6],
    material = [0, 1, 1];
  const r = contactAreas({ i: [0, 1], j: [1, 2], fn_N: [0.01, 0.002] }, radius, material, ["AM", "SE"], Y);
  const a0 = Math.cbrt((3 * 0.01 * ((5e-6 * 2e-6) / 7e-6)) / (4 * Y[1]));
  assert.ok(relErr(r.radius_m[0], a0) < 1e-14);
  assert.ok(relErr(r.area_m2[0], Math.PI * a0 * a0) < 1e-14);
  assert.ok(relErr(r.reactionArea_m2, Math.PI * a0 * a0) < 1e-14, "only the AM-SE contact counts");
  assert.ok(relErr(r.seCoverage, (Math.PI * a0 * a0) / (4 * Math.PI * 25e-12)) < 1e-14);
  assert.ok(relErr(r.areaByPair_m2["SE-SE"], r.area_m2[1]) < 1e-15);
});

test("bins, heat map and mean/SD", () => {
  const b = binned([0.5, 1.5, 1.6, 3.9], [1, 2, 4, 8], ["a", "a", "a", "b"], 0, 4, 4);
  assert.equal(b.groups.a.count, [1, 2, 0, 0]);
  assert.equal(b.groups.a.mean.slice(0, 2), [1, 3]);
  assert.is(b.groups.b.mean[3], 8);
  const h = heatMapXY([0.25, 0.75], [0.25, 0.25], [1, 2], [1, 10], [0, 0], [1, 1], 2, 2);
  assert.equal(h[0], [1, 10]);
  assert.ok(Number.isNaN(h[1][0]));
  const m = meanSd([1, 2, 3, 4]);
  assert.is(m.mean, 2.5);
  assert.ok(relErr(m.sd, Math.sqrt(5 / 3)) < 1e-15);
});

test.run();
