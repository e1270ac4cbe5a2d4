/**
 * The `hooke` normal model (LIGGGHTS 3.8.0 `model hooke`, normal_model_hooke.h) against the closed form of a
 * linear spring-dashpot: with LIGGGHTS's
 *   k = 16/15 sqrt(R*) Y* (15 m* V^2 / (16 sqrt(R*) Y*))^(1/5),  gamma = sqrt(4 m* k / (1 + (pi/ln e)^2)),
 * a head-on collision lasts t_c = pi / sqrt(k/m* - (gamma/(2 m*))^2) and rebounds with
 * e = exp(-gamma t_c / (2 m*)), exactly the input coefficient of restitution (the force is not clipped at
 * the end of the contact, so the contact ends at zero overlap, as in the closed form). The formulas are
 * written here in LIGGGHTS's form, independently of the factored form the registry and kernels use.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parseDemCase, type DemCaseInput } from "../../host/dem/case.js";
import { resolveCase, runCase } from "../../host/dem/run.js";
import { DemSystem } from "../../host/dem/system.js";
import { ConfigError } from "../../host/config/errors.js";
import { sphereMass, yEff } from "../../host/dem/materials.js";
import * as L from "../../assembly/dem/layout.js";
import { kernels, relErr, column } from "../helpers.js";

const LCO = { youngsModulus_Pa: 264e9, poissonRatio: 0.32, density_kg_m3: 4720 };
const R = 5e-6;
const V = 1.0; // characteristic velocity = the impact (relative) velocity

/** Two LCO spheres touching at t = 0, approaching at 1 m/s; every step recorded. */
function collision(e: number, dt: number, steps: number): DemCaseInput {
  return {
    materials: { LCO },
    pairDefaults: { restitution: e, friction: 0.3 },
    contact: { normal: "hooke", characteristicVelocity_m_s: V },
    particles: [
      { id: 1, material: "LCO", radius_m: R, position_m: [-R, 0, 0], velocity_m_s: [0.5, 0, 0] },
      { id: 2, material: "LCO", radius_m: R, position_m: [R, 0, 0], velocity_m_s: [-0.5, 0, 0] },
    ],
    box: { lo_m: [-4e-5, -2e-5, -2e-5], hi_m: [4e-5, 2e-5, 2e-5] },
    timestep: { dt_s: dt },
    neighbor: { skin_m: 1e-6 },
    stages: [{ steps }],
    record: { every: 1, particles: [1, 2], fields: ["x_m", "vx_m_s"], walls: false, global: [] },
  };
}

/** LIGGGHTS's stiffness and dashpot of a pair of equal spheres, in its own form. */
function liggghts(e: number) {
  const Ystar = yEff({ name: "a", ...LCO }, { name: "b", ...LCO });
  const m = sphereMass(R, LCO.density_kg_m3);
  const mEff = m / 2,
    rEff = R / 2;
  const sq = Math.sqrt(rEff);
  const k = (16 / 15) * sq * Ystar * Math.pow((15 * mEff * V * V) / (16 * sq * Ystar), 0.2);
  const lnE = Math.log(e);
  const gamma = e === 1 ? 0 : Math.sqrt((4 * mEff * k) / (1 + (Math.PI / lnE) * (Math.PI / lnE)));
  const tc = Math.PI / Math.sqrt(k / mEff - (gamma / (2 * mEff)) ** 2);
  return { k, gamma, mEff, tc, e: Math.exp((-gamma * tc) / (2 * mEff)) };
}

/** Contact time (overlap back to zero, interpolated between steps) and rebound ratio of a run. */
function measure(r: ReturnType<typeof runCase>) {
  const t = column(r.timeseries, "time_s");
  const x1 = column(r.timeseries, "p1_x_m"),
    x2 = column(r.timeseries, "p2_x_m");
  const v1 = column(r.timeseries, "p1_vx_m_s"),
    v2 = column(r.timeseries, "p2_vx_m_s");
  const ov = x1.map((a, k) => 2 * R - (x2[k] - a));
  const end = ov.findIndex((o, k) => k > 0 && o <= 0);
  assert.ok(end > 0 && end < ov.length - 1, "the spheres separate within the run");
  const tc = t[end - 1] + ((t[end] - t[end - 1]) * ov[end - 1]) / (ov[end - 1] - ov[end]);
  return { tc, e: (v2[v2.length - 1] - v1[v1.length - 1]) / 1.0, steps: end };
}

for (const e of [0.5, 0.9]) {
  test(`hooke head-on collision, e = ${e}: contact time and restitution of the closed form, first order in dt`, async () => {
    const ref = liggghts(e);
    assert.ok(relErr(ref.e, e) < 1e-12, "the closed form returns the input restitution");
    const run = async (n: number) => measure(runCase(await kernels("wasm"), resolveCase(parseDemCase(collision(e, ref.tc / n, 1.2 * n)))));
    const a = await run(2000),
      b = await run(4000);
    // at t_c/dt = 2000: t_c within 2.5e-4, e within 5e-4 (observed 1.7e-4 and 3.4e-4 for e = 0.5, less for 0.9): velocity
    // Verlet with the dashpot on half-step velocities (LIGGGHTS nve/sphere) is first order in dt when damped
    assert.ok(relErr(a.tc, ref.tc) < 2.5e-4, `t_c ${a.tc} vs ${ref.tc} (${relErr(a.tc, ref.tc)})`);
    assert.ok(relErr(a.e, e) < 5e-4, `e ${a.e} vs ${e} (${relErr(a.e, e)})`);
    // so the limit dt -> 0, extrapolated from t_c/2000 and t_c/4000 (Richardson, 2 b - a), is the closed form to 2e-6
    assert.ok(relErr(2 * b.tc - a.tc, ref.tc) < 2e-6, `extrapolated t_c ${2 * b.tc - a.tc} vs ${ref.tc}`);
    assert.ok(relErr(2 * b.e - a.e, e) < 2e-6, `extrapolated e ${2 * b.e - a.e} vs ${e}`);
  });
}

test("hooke with e = 1: elastic, contact time pi sqrt(m*/k) within 1e-6, rebound within 1e-6 (second order in dt)", async () => {
  const ref = liggghts(1);
  assert.ok(relErr(ref.tc, Math.PI * Math.sqrt(ref.mEff / ref.k)) < 1e-15);
  const r = runCase(await kernels("wasm"), resolveCase(parseDemCase(collision(1, ref.tc / 2000, 2400))));
  const got = measure(r);
  assert.ok(relErr(got.tc, ref.tc) < 1e-6, `t_c ${got.tc} vs ${ref.tc}`);
  assert.ok(relErr(got.e, 1) < 1e-6, `e ${got.e}`);
});

test("hooke's normal force is linear in the overlap, F = k dn with LIGGGHTS's k (1e-12), and the dashpot is -gamma v_n", async () => {
  const ref = liggghts(0.5);
  for (const dn of [1e-10, 1e-9, 1e-8]) {
    const cfg = collision(0.5, 1e-11, 1);
    (cfg.particles as { position_m: number[]; velocity_m_s: number[] }[]).forEach((p, k) => {
      p.position_m = [k === 0 ? -R + dn / 2 : R - dn / 2, 0, 0];
      p.velocity_m_s = [0, 0, 0];
    });
    const s = new DemSystem(await kernels("wasm"), resolveCase(parseDemCase(cfg)).init);
    s.setup();
    const x = s.f64(L.P_X);
    const overlap = 2 * R - (x[1] - x[0]);
    assert.ok(relErr(-s.f64(L.P_FX)[0], ref.k * overlap) < 1e-12, `dn ${dn}: ${-s.f64(L.P_FX)[0]} vs ${ref.k * overlap}`);
  }
  // approaching at 1 m/s at an overlap of 1 nm: F = k dn + gamma |v_n|
  const cfg = collision(0.5, 1e-11, 1);
  (cfg.particles as { position_m: number[] }[]).forEach((p, k) => {
    p.position_m = [k === 0 ? -R + 0.5e-9 : R - 0.5e-9, 0, 0];
  });
  const s = new DemSystem(await kernels("wasm"), resolveCase(parseDemCase(cfg)).init);
  s.setup();
  const x = s.f64(L.P_X);
  const F = ref.k * (2 * R - (x[1] - x[0])) + ref.gamma * 1.0;
  assert.ok(relErr(-s.f64(L.P_FX)[0], F) < 1e-12, `${-s.f64(L.P_FX)[0]} vs ${F}`);
});

test("hooke: wasm core and TS twin agree within 1e-12 over the collision (pow may differ in the last bit)", async () => {
  const cfg = parseDemCase(collision(0.5, 1.2e-11, 2400));
  const a = runCase(await kernels("wasm"), resolveCase(cfg));
  const b = runCase(await kernels("ts"), resolveCase(cfg));
  for (const name of ["p1_x_m", "p1_vx_m_s", "p2_vx_m_s"]) {
    const ca = column(a.timeseries, name),
      cb = column(b.timeseries, name);
    const scale = Math.max(...cb.map(Math.abs));
    ca.forEach((v, k) => assert.ok(Math.abs(v - cb[k]) <= 1e-12 * scale, `${name} row ${k}: ${v} vs ${cb[k]}`));
  }
});

test("hooke is chosen by name and needs its characteristic velocity; unknown names list the registry", () => {
  const cfg = collision(0.5, 1e-11, 1);
  const refuse = (contact: unknown, re: RegExp) => {
    try {
      parseDemCase({ ...cfg, contact });
    } catch (e) {
      assert.instance(e, ConfigError);
      assert.match((e as Error).message, re);
      return;
    }
    assert.unreachable(`accepted ${JSON.stringify(contact)}`);
  };
  refuse(
    { normal: "hooke" },
    /contact\.characteristicVelocity_m_s = missing: required by the hooke model: characteristic impact velocity \[m\/s\]/,
  );
  refuse({ normal: "hooke", characteristicVelocity_m_s: -1 }, /characteristic impact velocity must lie in \(0, inf\) m\/s/);
  refuse(
    { normal: "hertz", characteristicVelocity_m_s: 1 },
    /contact\.characteristicVelocity_m_s = 1: not a coefficient of the chosen contact models/,
  );
  refuse({ normal: "jkr" }, /contact\.normal = "jkr": unknown normal contact model; available: hertz, hooke/);
  assert.is(
    parseDemCase({ ...cfg, contact: { normal: "hooke", characteristicVelocity_m_s: "0.5 m/s" } }).contact.characteristicVelocity_m_s,
    0.5,
  );
});

test.run();
