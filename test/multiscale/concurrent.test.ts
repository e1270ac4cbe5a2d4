/**
 * The concurrent chemo-mechanical reference (host/multiscale/concurrent.ts: the micro FE model at every macro
 * node): first-order convergence of the voltage and <d> in the macro step, the lithium balance to round-off
 * without damage (the specific area is the micro mesh's own P_h / A_h), and damage starting at the separator.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { loadCore } from "../../host/core/wasm.js";
import { loadCellParams, resolveCellParams } from "../../host/cell/params.js";
import { parseExperiment } from "../../host/cell/experiment.js";
import { DEFAULT_NUMERICS } from "../../host/cell/model.js";
import { microConfigForCell, runConcurrentCell } from "../../host/multiscale/cell.js";

const core = await loadCore();
const rp = resolveCellParams(loadCellParams("Asheri2023_multiscale"));
const exp = parseExperiment("Discharge at 2C for 10 minutes");
const micro = microConfigForCell(rp);
const run = (h: number, damage = true) =>
  runConcurrentCell(core, rp, exp, micro, {
    damage,
    numerics: { ...DEFAULT_NUMERICS, nx: 3, hMaxFraction: h, tolV: 1e-3, tolTheta: 1e-3 },
  });

test("first order in the macro step: the differences of V and <d> at the end halve with the step", () => {
  const rs = [0.02, 0.01, 0.005].map((h) => run(h));
  const v = rs.map((r) => r.voltage_V.at(-1)!),
    d = rs.map((r) => r.fields.damage_avg.at(-1)![0]);
  const rv = Math.abs(v[2] - v[1]) / Math.abs(v[1] - v[0]),
    rd = Math.abs(d[2] - d[1]) / Math.abs(d[1] - d[0]);
  assert.ok(rv > 0.3 && rv < 0.75, `voltage differences ${v[1] - v[0]}, ${v[2] - v[1]} (ratio ${rv})`);
  assert.ok(rd > 0.3 && rd < 0.75, `<d> differences ${d[1] - d[0]}, ${d[2] - d[1]} (ratio ${rd})`);
  assert.ok(Math.abs(v[2] - v[1]) < 1e-3, "V converged to < 1 mV");
  // the interface starts to delaminate at the separator (most flux), not yet at the back (paper 001 Fig 9)
  const last = rs[2].fields.damage_avg.at(-1)!;
  assert.ok(last[0] > 1e-3 && last[2] === 0, `<d> along the cathode ${last.join(", ")}`);
  assert.is(rs[2].particleModel, "micro-fe:r1");
  assert.ok(rs[2].concurrent.microSteps >= 3 * 3 * rs[2].stats.steps, "three micro solves per node and trial");
});

test("without damage the lithium the micro models take up is the charge passed (to round-off)", () => {
  const r = run(0.02, false);
  assert.ok(Math.abs(r.lithium.imbalance_rel) < 1e-12, `imbalance ${r.lithium.imbalance_rel}`);
  assert.ok(r.fields.damage_avg.at(-1)![0] > 0, "<d> is still computed (it only does not lower the area)");
});

test.run();
