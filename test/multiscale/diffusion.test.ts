/**
 * Paper 001 §3.1 (Fig 5): the cell with the shipped pure-diffusion surrogate (models/surrogate-001-diffusion,
 * trained on constant-flux runs of a sphere) against the concurrent solution of the same problem, the P2D with
 * a finite-volume sphere at every node. Tolerances: voltage within 5 mV and the surface concentration within
 * 0.01 at every node over a 30-minute 1C discharge (measured: 2.9 mV, the start-up transient, and 7.8e-4 at
 * 30 min; the surrogate's c~_s lags its sphere runs by ~0.01 at the start, Fig 8), the same charge, and the
 * lithium balance (the bulk rate the net learned is 3 J_s / (R c_max); measured 1.4e-12).
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { loadCore } from "../../host/core/wasm.js";
import { loadCellParams, resolveCellParams } from "../../host/cell/params.js";
import { parseExperiment } from "../../host/cell/experiment.js";
import { runExperiment } from "../../host/cell/model.js";
import { cellSurrogate, runMultiscaleCell } from "../../host/multiscale/cell.js";
import { loadSurrogateSet } from "../../host/multiscale/surrogate.js";
import { ROOT } from "../helpers.js";
import { P_THS } from "../../assembly/cell/layout.js";
import { CellSim } from "../../host/cell/sim.js";

const core = await loadCore();
const rp = resolveCellParams(loadCellParams("Asheri2023_multiscale"));
const dir = `${ROOT}models/surrogate-001-diffusion`;
const set = cellSurrogate(await loadSurrogateSet(dir), dir);
const exp = parseExperiment("Discharge at 1C for 30 minutes");

test("diffusion surrogate cell = concurrent P2D (finite-volume spheres, nr 40) within 5 mV and 0.01 in c~_s", () => {
  const num = { nx: 10, snapshotEvery_s: 300 };
  const s = runMultiscaleCell(core, rp, exp, set, { numerics: num });
  const p = runExperiment(core, rp, exp, { numerics: { ...num, nr: 40 } });
  assert.is(s.multiscale.geometry, "sphere");
  assert.ok(Math.abs(s.capacity_Ah_m2.at(-1)! - p.capacity_Ah_m2.at(-1)!) < 1e-9, "the same charge");
  // voltage at the surrogate's output times, the P2D interpolated
  let dv = 0,
    k = 0;
  for (let i = 0; i < s.time_s.length; i++) {
    const t = s.time_s[i];
    while (k < p.time_s.length - 2 && p.time_s[k + 1] < t) k++;
    const w = (t - p.time_s[k]) / (p.time_s[k + 1] - p.time_s[k]);
    dv = Math.max(dv, Math.abs(s.voltage_V[i] - (p.voltage_V[k] + w * (p.voltage_V[k + 1] - p.voltage_V[k]))));
  }
  assert.ok(dv < 5e-3, `max |dV| ${(dv * 1e3).toFixed(2)} mV`);
  // surface concentration at the end: the surrogate's c~_s against the P2D's surface stoichiometry
  const sim = new CellSim(core, rp, { ...p.numerics });
  runExperiment(core, rp, exp, { numerics: p.numerics, sim });
  const ths = sim.arr(P_THS, sim.nx);
  const cs = s.fields.c_surf_norm.at(-1)!;
  let dc = 0;
  for (let j = 0; j < cs.length; j++) dc = Math.max(dc, Math.abs(cs[j] - ths[j]));
  assert.ok(dc < 0.01, `max |c~_s - theta_s| at 30 min ${dc}`);
  // and the means (lithium) agree to the balance
  assert.ok(Math.abs(s.lithium.imbalance_rel) < 1e-6, `surrogate lithium balance ${s.lithium.imbalance_rel}`);
});

test.run();
