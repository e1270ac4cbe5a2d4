/** Cell model options: Li-metal anode kinetics, the overpotential breakdown, measured (epsilon, tau)
 *  effective properties and the AM radius from the median diameter or from D_SCA (paper 004). */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { loadCore } from "../../host/core/wasm.js";
import { ConfigError } from "../../host/config/errors.js";
import { loadCellParams, resolveCellParams, FARADAY, GAS_CONSTANT } from "../../host/cell/params.js";
import { runExperiment, CellSim, DEFAULT_NUMERICS, OVERPOTENTIAL_KEYS, type CellResult } from "../../host/cell/model.js";

const k = await loadCore();
const rp = resolveCellParams(loadCellParams("Asheri2023"));
const withLi = (i0: number) => resolveCellParams(loadCellParams("Asheri2023", { "Li metal exchange current density [A.m-2]": i0 }));
const maxDiff = (a: number[], b: number[], shift = 0) => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i] - shift)), 0);

test("Li-metal kinetics: i0 -> large matches no kinetics; finite i0 shifts V by (2RT/F) asinh(I / 2 i0) at constant current", () => {
  const exp = "Discharge at 1C for 30 minutes";
  const a = runExperiment(k, rp, exp);
  const big = runExperiment(k, withLi(1e12), exp);
  assert.is(big.time_s.length, a.time_s.length);
  assert.ok(maxDiff(big.voltage_V, a.voltage_V) <= 1e-11, `i0 = 1e12: max |dV| ${maxDiff(big.voltage_V, a.voltage_V)}`);
  const I = rp.oneC_A_m2,
    RT_F = (GAS_CONSTANT * 298.15) / FARADAY;
  for (const i0 of [20, 1, 0.05]) {
    const b = runExperiment(k, withLi(i0), exp);
    const eta = 2 * RT_F * Math.asinh(I / (2 * i0));
    assert.is(b.time_s.length, a.time_s.length);
    assert.ok(maxDiff(b.time_s, a.time_s) <= 1e-6, "same steps: the anode shifts every potential by a constant");
    const d = maxDiff(a.voltage_V, b.voltage_V, eta);
    assert.ok(d <= 1e-10, `i0 = ${i0}: V shift vs asinh value ${eta}: off by ${d}`);
    assert.ok(
      maxDiff(
        b.overpotentials.li_metal_V,
        b.voltage_V.map(() => eta),
      ) <= 1e-15,
    );
  }
  // charging: the shift changes sign; a CV hold (potentiostatic, anode current implicit) still converges
  const c = runExperiment(k, withLi(10), "Discharge at 1C until 3.3 V; Charge at 1C until 3.6 V; Hold at 3.6 V until C/20");
  assert.equal(
    c.steps.map((s) => s.termination),
    ["cut-off 3.3 V", "cut-off 3.6 V", `current limit ${0.05 * rp.oneC_A_m2} A/m2`],
  );
  assert.ok(Math.abs(c.lithium.imbalance_rel) <= 1e-10);
  assert.throws(
    () => loadCellParams("Asheri2023", { "Li metal exchange current density [A.m-2]": -1 }),
    (e: Error) =>
      e instanceof ConfigError &&
      /Li metal exchange current density \[A\.m-2\] = -1: Li metal exchange current density must lie in \(0, inf\) A\/m\^2/.test(e.message),
  );
});

const sumCheck = (r: CellResult) => {
  let worst = 0;
  r.time_s.forEach((_, i) => {
    const parts = OVERPOTENTIAL_KEYS.slice(1).reduce((s, key) => s + r.overpotentials[key][i], 0);
    worst = Math.max(worst, Math.abs(r.overpotentials.ocv_V[i] - r.voltage_V[i] - parts));
  });
  return worst;
};

test("overpotential breakdown: at a tiny current the parts sum to OCV - V; separator = I Ls / kappa; Li term = asinh", () => {
  const p = withLi(5);
  const r = runExperiment(k, p, "Discharge at 0.001C for 1 s", { numerics: { nx: 40, nr: 10 } });
  const I = 1e-3 * p.oneC_A_m2;
  const ov = r.overpotentials;
  assert.is(ov.ocv_V.length, r.time_s.length);
  const U0 = new CellSim(k, p, DEFAULT_NUMERICS).ocv(p.theta0);
  assert.ok(Math.abs(ov.ocv_V[0] - U0) <= 1e-12, "OCV at the mean stoichiometry = U(theta0) at the start");
  const drop = ov.ocv_V[0] - r.voltage_V[0];
  assert.ok(sumCheck(r) <= 1e-12 + 1e-9 * drop, `parts sum to OCV - V: worst ${sumCheck(r)} V of ${drop} V`);
  assert.ok(Math.abs(ov.separator_ohmic_V[0] - (I * p.Ls) / p.kappaSep) <= 1e-15);
  assert.ok(Math.abs(ov.li_metal_V[0] - (2 / p.FRT) * Math.asinh(I / 10)) <= 1e-15);
  // every part is a drop (positive) on discharge; all are linear in I here, so they are tiny
  for (const key of OVERPOTENTIAL_KEYS.slice(1)) assert.ok(ov[key][0] > 0 && ov[key][0] < 1e-3, `${key} = ${ov[key][0]}`);
  // 1C discharge then charge: identity at every point; signs follow the current
  const c = runExperiment(k, rp, "Discharge at 1C for 20 minutes; Rest for 5 minutes; Charge at 1C for 10 minutes");
  assert.ok(sumCheck(c) <= 1e-12, `1C: worst ${sumCheck(c)}`);
  const last = c.time_s.length - 1,
    mid = c.step.indexOf(1) + 5;
  assert.ok(c.overpotentials.reaction_V[mid] > 0 && c.overpotentials.reaction_V[last] < 0);
  assert.ok(c.overpotentials.separator_ohmic_V[mid] > 0 && c.overpotentials.separator_ohmic_V[last] < 0);
  // switched off: empty series
  const off = runExperiment(k, rp, "Rest for 1 s", { numerics: { overpotentials: false } });
  assert.is(off.overpotentials.ocv_V.length, 0);
});

test("measured effective properties: kappa_eff = kappa eps / tau reproduces Bruggeman when tau = eps^-0.5", () => {
  const base = { "Electronic conduction volume fraction": undefined };
  const brug = resolveCellParams(loadCellParams("Asheri2023", base));
  const eSE = brug.epsSE,
    eAM = brug.epsAM;
  const meas = resolveCellParams(
    loadCellParams("Asheri2023", {
      ...base,
      "Effective property method": "measured",
      "SE tortuosity factor (measured)": eSE ** -0.5,
      "AM tortuosity factor (measured)": eAM ** -0.5,
    }),
  );
  // eps / tau = eps^1.5 (tau = eps^-0.5 >= 1 for eps < 1, a valid measured tortuosity factor)
  assert.ok(
    Math.abs(meas.kappaEff - 0.0244 * eSE ** 1.5) <= 1e-15 && Math.abs(meas.kappaEff - brug.kappaEff) <= 1e-15,
    `${meas.kappaEff} vs ${brug.kappaEff}`,
  );
  assert.ok(Math.abs(meas.sigmaEff - brug.sigmaEff) <= 1e-12 * brug.sigmaEff);
  const a = runExperiment(k, brug, "Discharge at 1C until 3.2 V"),
    b = runExperiment(k, meas, "Discharge at 1C until 3.2 V");
  assert.ok(Math.abs(a.capacity_Ah_m2.at(-1)! - b.capacity_Ah_m2.at(-1)!) <= 1e-9 * a.capacity_Ah_m2.at(-1)!);
  // a larger measured tortuosity lowers kappa_eff and the rate capability
  const tort = resolveCellParams(
    loadCellParams("Asheri2023", {
      "Effective property method": "measured",
      "SE tortuosity factor (measured)": 6,
      "AM tortuosity factor (measured)": 1,
    }),
  );
  assert.ok(Math.abs(tort.kappaEff - (0.0244 * 0.3) / 6) <= 1e-15);
  assert.is(tort.sigmaEff, 10 * 0.3, "sigma eps_el / tau_AM with the set's electronic conduction fraction 0.3");
  assert.ok(runExperiment(k, tort, "Discharge at 1C until 3.2 V").capacity_Ah_m2.at(-1)! < a.capacity_Ah_m2.at(-1)!);
  assert.throws(
    () => loadCellParams("Asheri2023", { "Effective property method": "measured", "AM tortuosity factor (measured)": 2 }),
    /needs "SE tortuosity factor \(measured\)"/,
  );
  assert.throws(
    () =>
      loadCellParams("Asheri2023", {
        "Effective property method": "measured",
        "SE tortuosity factor (measured)": 0.5,
        "AM tortuosity factor (measured)": 2,
      }),
    /SE tortuosity factor \(measured\) = 0\.5: SE tortuosity factor must lie in \[1, inf\)/,
  );
});

test("measured properties: tau_AM is required (no silent tau_AM = 1); tau keys with the Bruggeman method are refused", () => {
  const refused = (ov: Record<string, unknown>, re: RegExp) =>
    assert.throws(
      () => loadCellParams("Asheri2023", ov),
      (e: Error) => e instanceof ConfigError && re.test(e.message),
    );
  refused(
    { "Effective property method": "measured", "SE tortuosity factor (measured)": 2 },
    /^cell parameters: Effective property method = "measured" needs "AM tortuosity factor \(measured\)"/,
  );
  refused(
    { "SE tortuosity factor (measured)": 2 },
    /"SE tortuosity factor \(measured\)" = 2 is given but Effective property method = "bruggeman" ignores it/,
  );
  refused(
    { "AM tortuosity factor (measured)": 3 },
    /"AM tortuosity factor \(measured\)" = 3 is given but Effective property method = "bruggeman" ignores it/,
  );
  // both given: sigma_eff = sigma eps_el / tau_AM (here eps_el = the AM fraction: the set's conduction fraction unset)
  const p = resolveCellParams(
    loadCellParams("Asheri2023", {
      "Effective property method": "measured",
      "SE tortuosity factor (measured)": 2,
      "AM tortuosity factor (measured)": 4,
      "Electronic conduction volume fraction": undefined,
    }),
  );
  assert.ok(Math.abs(p.sigmaEff - (10 * 0.7) / 4) <= 1e-15 && Math.abs(p.kappaEff - (0.0244 * 0.3) / 2) <= 1e-15);
});

test("AM radius from the median diameter and from D_SCA = 6 V_AM / S_AM-SE (paper 004): R = D / 2, same discharge", () => {
  const R = 1e-6;
  // a packing of spheres of radius R: D_SCA = 6 (4/3 pi R^3 N) / (4 pi R^2 N) = 2R
  const N = 1000,
    V = ((N * 4) / 3) * Math.PI * R ** 3,
    S = N * 4 * Math.PI * R ** 2,
    dsca = (6 * V) / S;
  const byR = resolveCellParams(loadCellParams("Asheri2023"));
  const byMedian = resolveCellParams(loadCellParams("Asheri2023", { "Particle radius [m]": undefined, "AM median diameter [m]": 2 * R }));
  const bySca = resolveCellParams(loadCellParams("Asheri2023", { "Particle radius [m]": undefined, "AM D_SCA [m]": dsca }));
  assert.is(byMedian.radius_m, R);
  assert.ok(Math.abs(bySca.radius_m - R) <= 1e-15 * R);
  assert.ok(Math.abs(bySca.a_m - (3 * 0.7) / R) <= 1e-9 * bySca.a_m, "specific area a = 3 eps_AM / R");
  const c = (p: typeof byR) => runExperiment(k, p, "Discharge at 2C until 3.2 V").capacity_Ah_m2.at(-1)!;
  assert.ok(Math.abs(c(byMedian) - c(byR)) <= 1e-9 * c(byR) && Math.abs(c(bySca) - c(byR)) <= 1e-9 * c(byR));
  // a larger D_SCA (coarser AM) lowers the 2C capacity
  const coarse = resolveCellParams(loadCellParams("Asheri2023", { "Particle radius [m]": undefined, "AM D_SCA [m]": 4 * R }));
  assert.ok(c(coarse) < c(byR));
  assert.throws(
    () => loadCellParams("Asheri2023", { "AM D_SCA [m]": 2e-6 }),
    /give exactly one of Particle radius \[m\], AM median diameter \[m\], AM D_SCA \[m\] \(got Particle radius \[m\], AM D_SCA \[m\]\)/,
  );
  assert.throws(
    () => loadCellParams("Asheri2023", { "Particle radius [m]": undefined, "AM D_SCA [m]": 0 }),
    /AM D_SCA \[m\] = 0: AM D_SCA must lie in \(0, inf\) m/,
  );
});

test.run();
