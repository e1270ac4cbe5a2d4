/** The nonlinear solve where the plain Newton fails: a pressed-sphere-packing parameter set (measured eps/tau,
 *  R = D_SCA / 2 = 60.6 um, fixtures/cell/README.md) whose particle surfaces saturate at the start of a C/2
 *  discharge; the safeguarded Newton (assembly/cell/p2d.ts cellNewtonSafe) against the plain one; steps
 *  that cannot start end at their cut-off instead of failing. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { loadCore } from "../../host/core/wasm.js";
import { ArrayHeap } from "../../host/core/heap.js";
import { createCellTwin } from "../../host/cell/twin.js";
import { loadCellParams, resolveCellParams, FARADAY, type ResolvedCellParams } from "../../host/cell/params.js";
import { runExperiment, CellSim, DEFAULT_NUMERICS, type CellResult } from "../../host/cell/model.js";
import { P_ALPHA, P_BETA, CST_OK, CST_SATURATED } from "../../assembly/cell/layout.js";
import { fixture } from "../helpers.js";

const k = await loadCore();
// fromMicrostructure unsets the other radius keys; JSON cannot carry undefined
const pressed = {
  ...JSON.parse(readFileSync(fixture("cell/pressed_sphere_packing_overrides.json"), "utf8")),
  "Particle radius [m]": undefined,
};
const rpP = resolveCellParams(loadCellParams("Asheri2023", pressed));
const rates = ["C/10", "C/2", "1C", "5C"];
const run = (rp: ResolvedCellParams, exp: string, nx = 20, nr = 10, safeguardedOnly = false): CellResult => {
  const sim = new CellSim(k, rp, { ...DEFAULT_NUMERICS, nx, nr });
  sim.safeguardedOnly = safeguardedOnly;
  return runExperiment(k, rp, exp, { sim });
};

test("pressed sphere packing, 20 x 10: discharges at C/10, C/2, 1C, 5C end at the 3.0 V cut-off (C/2 and up at the start: the surfaces saturate), no CellSolveError", () => {
  assert.ok(Math.abs(rpP.radius_m - 60.6e-6) < 0.1e-6 && Math.abs(rpP.a_m - 12183) < 1, `R ${rpP.radius_m}, a ${rpP.a_m}`);
  const caps: number[] = [];
  for (const rate of rates) {
    const r = run(rpP, `Discharge at ${rate} until 3.0 V`);
    const term = r.steps[0].termination,
      cap = r.capacity_Ah_m2.at(-1)!;
    caps.push(cap);
    assert.is(r.failure, null);
    assert.ok(Math.abs(r.lithium.imbalance_rel) <= 1e-12, `${rate}: Li balance ${r.lithium.imbalance_rel}`);
    if (rate === "C/10") {
      assert.is(term, "cut-off 3 V");
      assert.ok(Math.abs(r.voltage_V.at(-1)! - 3.0) <= 1e-9 && cap > 1.5, `C/10: ${r.voltage_V.at(-1)} V, ${cap} Ah/m2`);
    } else {
      // no current of this size has a solution: the step ends at once, recording the state at 3 V
      assert.match(
        term,
        /^cut-off 3 V reached at the start of the step \(the cell cannot carry \d[\d.]*C here: the particle surfaces cannot take [\d.]+ A\/m2 at any overpotential; at 3 V it carries 2\.99 A\/m2 = 0\.255C; 10 shells of 6\.06 um do not resolve the surface layer/,
      );
      assert.equal([r.time_s, r.voltage_V, r.capacity_Ah_m2], [[0], [3], [0]]);
      assert.ok(Math.abs(r.current_A_m2[0] - 2.985) < 1e-3 && r.overpotentials.ocv_V.length === 1);
      assert.equal(r.warnings, []);
    }
    console.log(
      `  ${rate}: ${cap.toFixed(5)} Ah/m2, ${r.stats.steps} steps, ${r.stats.newton} Newton iterations (${r.stats.safeguarded} safeguarded trials), ${r.stats.wall_ms.toFixed(1)} ms; ${term.slice(0, 60)}`,
    );
  }
  for (let i = 1; i < caps.length; i++) assert.ok(caps[i] <= caps[i - 1], `capacity ${caps} not decreasing with rate`);
});

test("pressed sphere packing, 160 shells: the surface layer resolved, capacity falls strictly with rate; 40 shells: 1C starts only with the safeguarded Newton, under the cut-off", () => {
  const caps = rates.map((rate) => {
    const r = run(rpP, `Discharge at ${rate} until 3.0 V`, 20, 160);
    assert.match(r.steps[0].termination, /^cut-off 3 V/);
    assert.ok(Math.abs(r.lithium.imbalance_rel) <= 1e-12);
    return r.capacity_Ah_m2.at(-1)!;
  });
  console.log(`  20 x 160: ${caps.map((c) => c.toFixed(4)).join(", ")} Ah/m2 at ${rates.join(", ")}`);
  assert.ok(caps[0] > caps[1] && caps[1] > caps[2] && caps[2] > 0 && caps[3] === 0, `${caps}`);
  // 20 x 40, 1C: a solution exists (2.93 V under load) but the plain Newton stalls on a clamped surface
  const r = run(rpP, "Discharge at 1C until 3.0 V", 20, 40);
  assert.match(
    r.steps[0].termination,
    /^cut-off 3 V reached at the start of the step \(the cell cannot carry 1C here: 2\.92\d+ V under load, 3\.54\d+ V at zero current\)$/,
  );
  assert.ok(r.stats.safeguarded >= 1 && r.voltage_V[0] < 3 && Math.abs(r.current_A_m2[0] - 11.7) < 1e-9);
});

test("the safeguarded Newton alone gives the plain Newton's solutions (1e-10 V), and the default runs never need it", () => {
  const cases: [string, Record<string, unknown>, string, number, number][] = [
    ["Asheri2023", {}, "Discharge at 1C until 3.0 V", 20, 10],
    ["Asheri2023", { "Butler-Volmer form": "asheri2023" }, "Discharge at 5C until 3.0 V", 80, 40],
    ["NCA_LPS_2023", {}, "Discharge at 5C until 3.1 V", 20, 10],
    [
      "Asheri2023",
      { "Li metal exchange current density [A.m-2]": 5 },
      "Discharge at 1C until 3.3 V; Charge at 1C until 3.6 V; Hold at 3.6 V until C/20",
      20,
      10,
    ],
  ];
  for (const [set, ov, exp, nx, nr] of cases) {
    const rp = resolveCellParams(loadCellParams(set, ov));
    const a = run(rp, exp, nx, nr),
      b = run(rp, exp, nx, nr, true);
    assert.is(a.stats.safeguarded, 0, `${set} ${exp}: the plain Newton solves every trial`);
    assert.is(b.time_s.length, a.time_s.length, `${set} ${exp}: same steps`);
    let dv = 0;
    a.voltage_V.forEach((v, i) => {
      dv = Math.max(dv, Math.abs(v - b.voltage_V[i]), Math.abs(a.current_A_m2[i] - b.current_A_m2[i]) / rp.oneC_A_m2);
    });
    assert.ok(dv <= 1e-10, `${set} ${JSON.stringify(ov)} ${exp}: max |dV| ${dv}`);
    assert.equal(
      b.steps.map((s) => s.termination),
      a.steps.map((s) => s.termination),
    );
  }
});

test("start of a step at any current up to the particle-surface limit: converged or saturated, never a Newton failure; beyond it saturated at once (wasm and TS twin)", () => {
  const sets = [
    rpP,
    resolveCellParams(
      loadCellParams("Asheri2023", { ...pressed, "Butler-Volmer form": "asheri2023", "Li metal exchange current density [A.m-2]": 2 }),
    ),
    resolveCellParams(loadCellParams("NCA_LPS_2023", { "AM median diameter [m]": 60e-6 })),
  ];
  let n = 0;
  for (const kern of [k, createCellTwin(new ArrayHeap())])
    for (const rp of sets)
      for (const nr of [10, 40]) {
        const sim = new CellSim(kern, rp, { ...DEFAULT_NUMERICS, nx: 20, nr });
        for (const h of [3.6e-6, 36])
          for (const sign of [1, -1]) {
            sim.trial(h, 0, 0, false);
            const al = sim.arr(P_ALPHA, 20),
              be = sim.arr(P_BETA, 20);
            // largest current the surfaces take: every node's flux at its full (discharge) or empty (charge) limit
            let lim = 0;
            for (let j = 0; j < 20; j++) lim += (FARADAY * rp.a_m * (rp.Lc / 20) * (sign > 0 ? 1 - al[j] : al[j])) / -be[j];
            for (const f of [1e-3, 0.1, 0.5, 0.9, 0.99, 0.999, 1.001, 2]) {
              const r = sim.trial(h, 0, sign * f * lim, false);
              n++;
              if (f > 1) {
                assert.is(r.st, CST_SATURATED);
                continue;
              }
              assert.ok(
                r.st === CST_OK || (f >= 0.9 && r.st === CST_SATURATED),
                `${kern.name} ${rp.params.name} nr ${nr} h ${h} I = ${f} x ${lim.toPrecision(4)} A/m2: status ${r.st}`,
              );
            }
          }
      }
  console.log(`  ${n} start trials`);
});

test("potentiostatic from rest far from the OCV, and a charge that empties the particle surfaces: clean ends", () => {
  const hold = run(rpP, "Hold at 3.0 V for 1 minute");
  assert.is(hold.steps[0].termination, "duration");
  assert.ok(hold.stats.safeguarded >= 1 && hold.current_A_m2[0] > 0 && Math.abs(hold.lithium.imbalance_rel) <= 1e-12);
  // with the upper cut-off moved out of the way a 3 h charge at 1C empties the surfaces (it failed in Newton before)
  const p = resolveCellParams(loadCellParams("Asheri2023", { "Upper voltage cut-off [V]": 20 }));
  const r = runExperiment(k, p, "Discharge at 1C for 10 minutes; Charge at 1C for 3 hours; Rest for 1 minute");
  assert.equal(
    r.steps.map((s) => s.termination),
    ["duration", "particle surface saturated (stoichiometry reached its limit)", "duration"],
  );
  assert.ok(r.steps[1].end_s > 7000 && Math.abs(r.lithium.imbalance_rel) <= 1e-10);
  // a later step that cannot start: ends at its start, the next one runs
  const c = run(rpP, "Discharge at C/10 for 10 minutes; Discharge at 1C for 10 minutes; Rest for 1 minute");
  assert.match(
    c.steps[1].termination,
    /^lower voltage cut-off 3 V reached at the start of the step \(the cell cannot carry 1C here: the particle surfaces cannot take/,
  );
  assert.equal(
    c.steps.map((s) => s.end_s - s.start_s),
    [600, 0, 60],
  );
  assert.is(c.warnings.length, 1);
});

test.run();
