/**
 * Analytic checks of the DEM engine: energy conservation of an elastic (e = 1) collision, the Hertz
 * force law with the LIGGGHTS mixing rules, and the static overlap of a sphere pressed onto a wall.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parseDemCase, type DemCaseInput } from "../../host/dem/case.js";
import { resolveCase, runCase } from "../../host/dem/run.js";
import { DemSystem } from "../../host/dem/system.js";
import { yEff } from "../../host/dem/materials.js";
import * as L from "../../assembly/dem/layout.js";
import { kernels, relErr, column } from "../helpers.js";

const AM = { youngsModulus_Pa: 199e9, poissonRatio: 0.3, density_kg_m3: 4750 };
const SE = { youngsModulus_Pa: 26.7e9, poissonRatio: 0.37, density_kg_m3: 1990 };

function pairCase(over: Partial<DemCaseInput>): DemCaseInput {
  return {
    materials: { AM, SE },
    pairDefaults: { restitution: 1, friction: 0.3 },
    particles: [
      { id: 1, material: "AM", radius_m: 5e-6, position_m: [-5.01e-6, 0, 0], velocity_m_s: [0.5, 0, 0] },
      { id: 2, material: "SE", radius_m: 3e-6, position_m: [3.01e-6, 0, 0], velocity_m_s: [-0.5, 0, 0] },
    ],
    box: { lo_m: [-3e-5, -3e-5, -3e-5], hi_m: [3e-5, 3e-5, 3e-5] },
    timestep: { dt_s: 2e-11 },
    neighbor: { skin_m: 1e-6 },
    stages: [{ steps: 4000 }],
    record: { every: 4000, global: ["kineticEnergy_J", "rotationalEnergy_J"] },
    ...over,
  };
}

for (const backend of ["wasm", "ts"] as const) {
  test(`elastic head-on collision (e = 1) conserves kinetic energy to 1e-8 (${backend})`, async () => {
    const cfg = parseDemCase(pairCase({}));
    const rc = resolveCase(cfg);
    const m1 = rc.init.mass_kg[0],
      m2 = rc.init.mass_kg[1];
    const ke0 = 0.5 * m1 * 0.25 + 0.5 * m2 * 0.25;
    const r = runCase(await kernels(backend), rc);
    const v1 = r.particles.vx_m_s[0] as number,
      v2 = r.particles.vx_m_s[1] as number;
    assert.ok(v2 > v1, "the spheres separate");
    // elastic 1D collision: v1' = ((m1 - m2) v1 + 2 m2 v2) / (m1 + m2)
    assert.ok(relErr(v1, ((m1 - m2) * 0.5 + 2 * m2 * -0.5) / (m1 + m2)) < 1e-8, `v1' ${v1}`);
    assert.is(r.summary.contacts, 0);
    const ke1 = r.summary.kineticEnergy_J + r.summary.rotationalEnergy_J;
    assert.ok(relErr(ke1, ke0) < 1e-8, `energy error ${relErr(ke1, ke0)}`);
    // momentum is conserved exactly up to rounding
    assert.ok(Math.abs(m1 * v1 + m2 * v2 - (m1 * 0.5 - m2 * 0.5)) < 1e-12 * m1);
  });
}

test("Hertz force vs overlap for an AM-SE pair: F = 4/3 Y* sqrt(R*) dn^1.5 with Y* mixed (paper 000 eq 3, 6)", async () => {
  const Ystar = yEff({ name: "AM", ...AM }, { name: "SE", ...SE });
  const Rstar = (5e-6 * 3e-6) / 8e-6;
  for (const dn of [1e-10, 1e-9, 1e-8, 1e-7, 4e-7]) {
    const cfg = parseDemCase(
      pairCase({
        particles: [
          { id: 1, material: "AM", radius_m: 5e-6, position_m: [0, 0, 0] },
          { id: 2, material: "SE", radius_m: 3e-6, position_m: [8e-6 - dn, 0, 0] },
        ],
      }),
    );
    const s = new DemSystem(await kernels("wasm"), resolveCase(cfg).init);
    s.setI(L.H_RECORD, 1);
    s.setup();
    const F = -s.f64(L.P_FX)[0];
    const expected = (4 / 3) * Ystar * Math.sqrt(Rstar) * Math.pow(dn, 1.5);
    const x2 = 8e-6 - dn;
    const overlap = 5e-6 + 3e-6 - Math.sqrt(x2 * x2); // the overlap the kernel sees (eq 1), rounding included
    const exact = (4 / 3) * Ystar * Math.sqrt(Rstar) * Math.pow(overlap, 1.5);
    assert.ok(relErr(F, exact) < 1e-12, `dn ${dn}: ${F} vs ${exact}`);
    assert.ok(relErr(F, expected) < 1e-6);
    assert.ok(relErr(s.f64(L.P_FX)[1], F) < 1e-15, "Newton's third law");
    assert.is(s.contacts().i.length, 1);
  }
});

test("sphere pressed onto a wall settles at the Hertz static overlap (3F/(4 Y* sqrt R))^(2/3)", async () => {
  const F = 2e-5,
    R = 5e-6;
  const mat = { youngsModulus_Pa: 264e9, poissonRatio: 0.32, density_kg_m3: 4720 };
  const cfg = parseDemCase({
    materials: { LCO: mat },
    pairDefaults: { restitution: 0.3, friction: 0.3 },
    particles: [{ id: 1, material: "LCO", radius_m: R, position_m: [0, 0, R] }],
    box: { lo_m: [-2e-5, -2e-5, -1e-6], hi_m: [2e-5, 2e-5, 2e-5] },
    walls: [{ name: "floor", axis: "z", position_m: 0, side: "+", material: "LCO" }],
    externalForce_N: [0, 0, -F],
    timestep: { dt_s: 1e-10 },
    stages: [{ steps: 20000 }],
    record: { every: 20000, particles: [1], fields: ["z_m", "vz_m_s"], walls: true, global: [] },
  });
  const r = runCase(await kernels("wasm"), resolveCase(cfg));
  const Ystar = yEff({ name: "a", ...mat }, { name: "b", ...mat });
  const expected = Math.pow((3 * F) / (4 * Ystar * Math.sqrt(R)), 2 / 3);
  const z = column(r.timeseries, "p1_z_m")[0];
  assert.ok(relErr(R - z, expected) < 1e-6, `overlap ${R - z} vs ${expected}`);
  assert.ok(relErr(column(r.timeseries, "wall_floor_load_N")[0], F) < 1e-6);
  // at rest the contact force balances the applied force
  assert.ok(relErr(r.particles.contactFz_N[0] as number, F) < 1e-6);
});

test.run();
