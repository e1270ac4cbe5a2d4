/** Physical checks of the P2D cell: rest holds the OCV, a tiny current gives OCV minus the ohmic (and
 *  linear interfacial) drop of Newman-Tobias theory, charge after discharge returns the lithium, wasm
 *  and the TS twin agree, the OCV table interpolates monotonically. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { loadCore } from "../../host/core/wasm.js";
import { ArrayHeap } from "../../host/core/heap.js";
import { createCellTwin } from "../../host/cell/twin.js";
import { loadCellParams, resolveCellParams, FARADAY } from "../../host/cell/params.js";
import { runExperiment, CellSim, DEFAULT_NUMERICS } from "../../host/cell/model.js";

const k = await loadCore();
const rp = resolveCellParams(loadCellParams("Asheri2023"));

test("zero current: a 2 h rest holds the OCV of the initial stoichiometry (symmetric BV) to 1e-12 V", () => {
  const r = runExperiment(k, rp, "Rest for 2 hours");
  const U0 = new CellSim(k, rp, DEFAULT_NUMERICS).ocv(rp.theta0);
  for (const v of r.voltage_V) assert.ok(Math.abs(v - U0) <= 1e-12, `V ${v} vs OCV ${U0}`);
  assert.is(r.steps[0].termination, "duration");
  assert.ok(Math.abs(r.time_s.at(-1)! - 7200) < 1e-9);
  assert.ok(Math.abs(r.lithium.final_mol_m2 - r.lithium.initial_mol_m2) <= 1e-12 * r.lithium.initial_mol_m2);
});

test("tiny current (1e-3 C): voltage = OCV - I (Ls/kappa + Newman-Tobias electrode resistance) within 0.5 % of the drop", () => {
  const nx = 400,
    nr = 10;
  const r = runExperiment(k, rp, "Discharge at 0.001C for 1 s", { numerics: { nx, nr } });
  const sim = new CellSim(k, rp, { ...DEFAULT_NUMERICS, nx, nr });
  const x = rp.theta0,
    U0 = sim.ocv(x),
    dU = (sim.ocv(x + 1e-6) - sim.ocv(x - 1e-6)) / 2e-6;
  const I = 1e-3 * rp.oneC_A_m2;
  // linear kinetics dJ/deta, with the discrete half-shell surface extrapolation theta_s = theta - s J
  const G = rp.k0 * Math.sqrt(x * (1 - x)) * rp.FRT;
  const s = ((0.5 / nr) * rp.radius_m) / (rp.D0 * rp.c1max);
  const Geff = G / (1 - G * dU * s);
  const kap = rp.kappaEff,
    sig = rp.sigmaEff,
    L = rp.Lc;
  const nu = L * Math.sqrt(rp.a_m * FARADAY * Geff * (1 / kap + 1 / sig));
  const Rel = (L / (kap + sig)) * (1 + (2 + (sig / kap + kap / sig) * Math.cosh(nu)) / (nu * Math.sinh(nu)));
  const Rtot = rp.Ls / rp.kappaSep + Rel;
  const drop = U0 - r.steps[0].start_V;
  const rel = Math.abs(drop - I * Rtot) / (I * Rtot);
  console.log(
    `  drop ${(drop * 1e6).toFixed(4)} uV vs I R ${(I * Rtot * 1e6).toFixed(4)} uV (nu ${nu.toFixed(1)}, rel ${rel.toExponential(2)})`,
  );
  assert.ok(rel <= 5e-3, `drop ${drop} vs ${I * Rtot}`);
});

test("discharge 30 min then charge 30 min at 1C: lithium and charge return to the start (1e-10)", () => {
  const r = runExperiment(k, rp, "Discharge at 1C for 30 minutes; Charge at 1C for 30 minutes");
  const li = r.lithium;
  assert.ok(Math.abs(r.capacity_Ah_m2.at(-1)!) <= 1e-10 * r.capacity_Ah_m2[r.step.indexOf(2)], `net charge ${r.capacity_Ah_m2.at(-1)}`);
  assert.ok(Math.abs(li.final_mol_m2 - li.initial_mol_m2) <= 1e-10 * li.initial_mol_m2, `Li ${li.final_mol_m2} vs ${li.initial_mol_m2}`);
  assert.ok(Math.abs(li.imbalance_rel) <= 1e-10, `Li balance ${li.imbalance_rel}`);
  assert.ok(Math.abs(r.steps[0].capacity_Ah_m2 - 0.5 * rp.oneC_A_m2) <= 1e-9);
  // and a full cycle with a CV hold: discharge to 3.3 V, charge to 3.6 V, hold until C/20
  const c = runExperiment(k, rp, "Discharge at 1C until 3.3 V; Charge at 1C until 3.6 V; Hold at 3.6 V until C/20; Rest for 10 min");
  assert.equal(
    c.steps.map((s) => s.termination),
    ["cut-off 3.3 V", "cut-off 3.6 V", `current limit ${0.05 * rp.oneC_A_m2} A/m2`, "duration"],
  );
  assert.ok(Math.abs(Math.abs(c.current_A_m2[c.step.lastIndexOf(3)]) - 0.05 * rp.oneC_A_m2) <= 1e-6 * rp.oneC_A_m2);
  assert.ok(Math.abs(c.lithium.imbalance_rel) <= 1e-10, `Li balance ${c.lithium.imbalance_rel}`);
});

test("wasm (SIMD particles) and the TS twin (scalar) agree: 1C discharge, both BV forms, odd nx", () => {
  const ts = createCellTwin(new ArrayHeap());
  for (const bv of ["symmetric", "asheri2023"] as const) {
    const p = resolveCellParams(loadCellParams("Asheri2023", { "Butler-Volmer form": bv }));
    const numerics = { nx: 21, nr: 10 };
    const a = runExperiment(k, p, "Discharge at 2C until 3.0 V", { numerics });
    const b = runExperiment(ts, p, "Discharge at 2C until 3.0 V", { numerics });
    assert.is(a.time_s.length, b.time_s.length);
    let dv = 0,
      dt = 0;
    a.voltage_V.forEach((v, i) => {
      dv = Math.max(dv, Math.abs(v - b.voltage_V[i]));
      dt = Math.max(dt, Math.abs(a.time_s[i] - b.time_s[i]));
    });
    assert.ok(dv <= 1e-10 && dt <= 1e-6, `${bv}: max |dV| ${dv}, |dt| ${dt}`);
    const ta = a.snapshots.at(-1)!.theta.flat(),
      tb = b.snapshots.at(-1)!.theta.flat();
    assert.ok(ta.every((x, i) => Math.abs(x - tb[i]) <= 1e-10));
  }
});

test("NCA/LPS set: OCV table interpolation is monotone; 0.1C and 1C discharges run to the 3.1 V cut-off", () => {
  const nca = resolveCellParams(loadCellParams("NCA_LPS_2023"));
  const sim = new CellSim(k, nca, DEFAULT_NUMERICS);
  let prev = Infinity;
  for (let x = 0.36; x <= 1.0; x += 1e-4) {
    const u = sim.ocv(x);
    assert.ok(u < prev, `U not decreasing at ${x}`);
    prev = u;
  }
  // the table points are reproduced
  assert.ok(Math.abs(sim.ocv(nca.ocv!.x[10]) - nca.ocv!.u[10]) <= 1e-12);
  for (const c of [0.1, 1]) {
    const r = runExperiment(k, nca, `Discharge at ${c}C until 3.1 V`);
    assert.match(r.steps[0].termination, /cut-off 3.1 V/);
    assert.ok(r.capacity_mAh_g.at(-1)! > 50 && r.capacity_mAh_g.at(-1)! < 250, `capacity ${r.capacity_mAh_g.at(-1)} mAh/g`);
  }
});

test.run();
