/** Experiments as PyBaMM users run them: safety voltage limits, the implicit time cap of `until` steps,
 *  output periods, absolute currents with an electrode area, experiment-level terminations for cycling,
 *  partial results of a failed step, readable numbers in terminations, and the voltage-capacity plot. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { expectConfigError } from "../helpers.js";
import { loadCore } from "../../host/core/wasm.js";
import { NotConvergedError } from "../../host/config/errors.js";
import { loadCellParams, resolveCellParams } from "../../host/cell/params.js";
import { runExperiment, CellSolveError, type CellResult } from "../../host/cell/model.js";
import { UniformParticles, type ParticleStep, type SurfaceResponse } from "../../host/cell/particle.js";
import { voltageCapacitySpec } from "../../host/cell/output.js";
import { renderPng } from "../../host/plot/render.js";

const k = await loadCore();
const rp = resolveCellParams(loadCellParams("Asheri2023"));
const throwsConfig = expectConfigError;

test("safety limits: 'Discharge at 2 C for 1 hour' ends at the set's 3.0 V lower cut-off (it ran to -0.585 V), recorded as termination and warning", () => {
  const r = runExperiment(k, rp, "Discharge at 2 C for 1 hour; Rest for 5 minutes");
  assert.is(r.steps[0].termination, "lower voltage cut-off 3 V");
  assert.ok(Math.abs(r.steps[0].end_V - 3.0) <= 1e-9, `ends at ${r.steps[0].end_V} V`);
  assert.ok(Math.min(...r.voltage_V) >= 3.0 - 1e-9);
  assert.ok(r.steps[0].end_s < 3600);
  assert.is(r.steps[1].termination, "duration", "the experiment goes on with the next step");
  assert.is(r.warnings.length, 1);
  assert.match(
    r.warnings[0],
    /^step 1 "Discharge at 2 C for 1 hour": ended at the lower voltage cut-off 3 V of the parameter set at t = \d/,
  );
  // the step's own cut-off wins when it coincides with the safety limit: no warning
  const own = runExperiment(k, rp, "Discharge at 2C until 3.0 V");
  assert.is(own.steps[0].termination, "cut-off 3 V");
  assert.is(own.warnings.length, 0);
});

test("safety limits: an over-long charge ends at the 4.3 V upper cut-off (it ended in a Newton failure); cut-offs beyond the limits are refused before any work", () => {
  const r = runExperiment(k, rp, "Discharge at 1C for 10 minutes; Charge at 1C for 3 hours; Rest for 1 minute");
  assert.is(r.steps[1].termination, "upper voltage cut-off 4.3 V");
  assert.ok(Math.abs(r.steps[1].end_V - 4.3) <= 1e-9);
  assert.is(r.steps[2].termination, "duration");
  throwsConfig(
    () => runExperiment(k, rp, "Discharge at 1C until 2.5 V"),
    /^experiment step 1 "Discharge at 1C until 2\.5 V": until 2\.5 V: expected a cut-off within the parameter set's safety limits \[3, 4\.3\] V \(to go beyond them, move 'Lower voltage cut-off \[V\]'/,
  );
  throwsConfig(
    () => runExperiment(k, rp, "Rest for 1 s; Hold at 4.5 V for 1 minute"),
    /^experiment step 2 "Hold at 4\.5 V for 1 minute": hold at 4\.5 V: expected a voltage within the parameter set's cut-offs \[3, 4\.3\] V/,
  );
  // moving the limit lets the step go there
  const low = resolveCellParams(loadCellParams("Asheri2023", { "Lower voltage cut-off [V]": 2.8 }));
  assert.is(runExperiment(k, low, "Discharge at 2C until 2.9 V").steps[0].termination, "cut-off 2.9 V");
  throwsConfig(
    () => loadCellParams("Asheri2023", { "Lower voltage cut-off [V]": 4.4 }),
    /Lower voltage cut-off \[V\] = 4\.4: expected below the Upper voltage cut-off \[V\] 4\.3 V/,
  );
});

test("implicit time cap: a step with only 'until' ends after 2 h / C-rate (PyBaMM's C-rate default duration) with that termination", () => {
  // from stoichiometry 0.1 a 1C discharge holds 3.3 h above 3.0 V: the cap (2 h) ends it first
  const p = resolveCellParams(loadCellParams("Asheri2023", { "Initial stoichiometry in AM": 0.1 }));
  const r = runExperiment(k, p, "Discharge at 1C until 3.0 V");
  assert.is(r.steps[0].termination, "time cap 2 h (no duration given: 2 h / C-rate)");
  assert.ok(Math.abs(r.steps[0].end_s - 7200) <= 1e-9, `${r.steps[0].end_s}`);
  assert.ok(r.steps[0].end_V > 3.0);
  assert.match(r.warnings[0], /reached its implicit time cap 2 h/);
  // a current density is capped like the same C-rate: 23.4 A/m2 = 2C -> 1 h
  const q = runExperiment(k, p, "Discharge at 23.4 A/m2 until 3.0 V");
  assert.is(q.steps[0].termination, "time cap 60 min (no duration given: 2 h / C-rate)");
  assert.ok(Math.abs(q.steps[0].end_s - 3600) <= 1e-9);
  // a given duration is never capped
  assert.is(runExperiment(k, p, "Discharge at 2C for 70 minutes or until 3.0 V").steps[0].termination, "duration");
});

test("output period: '(1 minute period)' puts the step's output points at its start + k minutes and at its end", () => {
  const r = runExperiment(
    k,
    rp,
    "Rest for 30 s; Discharge at 1C for 1 hour (1 minute period); Discharge at 2C for 1 hour (5 minute period)",
  );
  const t2 = r.time_s.filter((_, i) => r.step[i] === 2);
  assert.is(t2.length, 61);
  t2.forEach((t, i) => assert.ok(Math.abs(t - (30 + 60 * i)) <= 1e-9, `point ${i} at ${t}`));
  // a step that ends on a cut-off: grid points, then the cut-off point
  const t3 = r.time_s.filter((_, i) => r.step[i] === 3),
    v3 = r.voltage_V.filter((_, i) => r.step[i] === 3);
  t3.slice(0, -1).forEach((t, i) => assert.ok(Math.abs(t - (3630 + 300 * i)) <= 1e-9, `point ${i} at ${t}`));
  assert.is(r.steps[2].termination, "lower voltage cut-off 3 V");
  assert.ok(Math.abs(v3.at(-1)! - 3.0) <= 1e-9);
  // the same voltage at 1 h as without the period (landing on the grid changes the steps, not the answer)
  const plain = runExperiment(k, rp, "Rest for 30 s; Discharge at 1C for 1 hour");
  assert.ok(Math.abs(plain.steps[1].end_V - r.steps[1].end_V) <= 1e-4, `${plain.steps[1].end_V} vs ${r.steps[1].end_V}`);
});

test("absolute currents: with 'Electrode area [m2]' 1 cm2, '1.17 mA' is 11.7 A/m2 (1C); without an area the step is refused with the hint", () => {
  const withArea = resolveCellParams(loadCellParams("Asheri2023", { "Electrode area [m2]": 1e-4 }));
  const a = runExperiment(k, withArea, "Discharge at 1.17 mA for 10 minutes; Charge at 1.17 mA until 3.6 V; Hold at 3.6 V until 0.1 mA");
  const b = runExperiment(k, rp, "Discharge at 1C for 10 minutes; Charge at 1C until 3.6 V; Hold at 3.6 V until 1 A/m2");
  assert.ok(Math.abs(a.current_A_m2[1] - 11.7) <= 1e-12);
  assert.ok(Math.abs(a.steps[1].end_s - b.steps[1].end_s) <= 1e-6 * b.steps[1].end_s);
  assert.is(a.steps[2].termination, "current limit 1 A/m2");
  throwsConfig(
    () => runExperiment(k, rp, "Rest for 1 s; Charge at 1 A until 4.1 V"),
    /^experiment step 2 "Charge at 1 A until 4\.1 V": absolute currents need an electrode area \(--area or 'Electrode area \[m2\]'\)$/,
  );
  throwsConfig(
    () => runExperiment(k, rp, "Hold at 4.1 V until 50 mA"),
    /absolute currents need an electrode area \(--area or 'Electrode area \[m2\]'\)/,
  );
  throwsConfig(
    () => loadCellParams("Asheri2023", { "Electrode area [m2]": 0 }),
    /Electrode area \[m2\] = 0: electrode area must lie in \(0, inf\) m\^2/,
  );
});

test("experiment termination '80% capacity': cycling stops after the first cycle whose discharge is below 80% of the first cycle's", () => {
  const exp = "(Discharge at 1C until 3.0 V; Charge at 1C for 20 minutes) x 5";
  const r = runExperiment(k, rp, exp, { termination: "80% capacity" });
  assert.is(r.steps.length, 4);
  assert.equal(
    r.steps.map((s) => s.cycle),
    [1, 1, 2, 2],
  );
  assert.equal([r.experimentTermination?.cycle, r.experimentTermination?.condition], [2, "80% capacity"]);
  assert.match(
    r.experimentTermination!.reason,
    /^cycle 2: discharge capacity 3\.9\d* Ah\/m2 is below 80% of the first discharge \(20\.5\d* Ah\/m2\)$/,
  );
  assert.is(r.cycles.length, 2);
  assert.ok(r.cycles[1].discharge_Ah_m2 < 0.8 * r.cycles[0].discharge_Ah_m2);
  assert.is(runExperiment(k, rp, exp).steps.length, 10, "without it all cycles run");
});

test("experiment termination '3.3 V': cycling stops after the first cycle whose minimum voltage is at or below it", () => {
  const exp = "(Discharge at 1C for 10 minutes; Rest for 5 minutes) x 20";
  const all = runExperiment(k, rp, exp);
  const first = all.cycles.findIndex((c) => c.minVoltage_V <= 3.3);
  assert.ok(first > 0);
  const r = runExperiment(k, rp, exp, { termination: "3.3 V" });
  assert.is(r.experimentTermination?.cycle, first + 1);
  assert.is(r.steps.length, 2 * (first + 1));
  assert.is(r.cycles.at(-1)!.minVoltage_V, all.cycles[first].minVoltage_V);
  throwsConfig(() => runExperiment(k, rp, exp, { termination: "fast" }), /termination = "fast": 'fast' is not a termination/);
});

test("a failed step keeps the earlier steps: CellSolveError (exit 3) carries the partial result with the failure recorded", () => {
  // a particle model behind the seam that breaks down mid-charge (NaN surface response once its mean
  // stoichiometry falls below 0.45): Newton's iterate turns non-finite at every step length. (Emptying the
  // particle surfaces no longer fails: that step ends with "particle surface saturated", test/cell/robust.test.ts.)
  const p = resolveCellParams(loadCellParams("Asheri2023", { "Upper voltage cut-off [V]": 20 }));
  class Breaking extends UniformParticles {
    prepare(step: ParticleStep): SurfaceResponse {
      const ab = super.prepare(step);
      return this.meanStoichiometry().some((x) => x < 0.45) ? { alpha: ab.alpha, beta: ab.beta.map(() => NaN) } : ab;
    }
  }
  let err: unknown;
  try {
    runExperiment(k, p, "Discharge at 1C for 10 minutes; Charge at 1C for 3 hours; Rest for 1 minute", {
      particles: (ctx) => new Breaking(ctx),
    });
  } catch (e) {
    err = e;
  }
  assert.instance(err, CellSolveError);
  assert.instance(err, NotConvergedError);
  const e = err as CellSolveError;
  assert.is(e.exitCode, 3);
  assert.not.match(e.message, /\n/);
  const r = e.partial as CellResult;
  assert.ok(r, "partial result attached");
  assert.is(r.steps.length, 2);
  assert.is(r.steps[0].termination, "duration");
  assert.match(r.steps[1].termination, /^failed: /);
  assert.equal([r.failure?.step, r.failure?.text], [2, "Charge at 1C for 3 hours"]);
  assert.is(r.failure?.reason, e.message);
  assert.ok(r.failure!.t_s > 600 && r.time_s.at(-1)! > 600, "the charge's accepted points are kept");
  assert.ok(r.time_s.length === r.voltage_V.length && r.time_s.length === r.overpotentials.ocv_V.length);
  assert.is(r.snapshots.at(-1)!.step, 2);
  assert.ok(Math.abs(r.lithium.imbalance_rel) <= 1e-10, "the kept state is consistent");
});

test("termination texts print numbers sensibly: 'Hold at 4.2 V until C/50' ends at 'current limit 0.234 A/m2' (not 0.23399999999999999)", () => {
  const r = runExperiment(k, rp, "Charge at 1C until 4.2 V; Hold at 4.2 V until C/50");
  assert.is(r.steps[1].termination, "current limit 0.234 A/m2");
});

test("voltage-capacity plot: drawn in time order with the signed capacity, so discharge-rest-charge-hold is a loop", async () => {
  const r = runExperiment(k, rp, "Discharge at 1C until 3.3 V; Rest for 10 minutes; Charge at 1C until 3.6 V; Hold at 3.6 V until C/20");
  const spec = voltageCapacitySpec([{ label: "a", r }], "cycle") as unknown as {
    data: { values: { t: number; c: number; v: number }[] };
    encoding: Record<string, { field: string }>;
  };
  assert.is(spec.encoding.order.field, "t");
  const vals = spec.data.values;
  assert.equal(
    vals.map((x) => x.t),
    r.time_s,
  );
  assert.equal(
    vals.map((x) => x.c),
    r.capacity_Ah_m2,
    "signed net discharge, not |capacity|",
  );
  const peak = vals.reduce((m, x) => Math.max(m, x.c), 0);
  const last = vals.at(-1)!.c;
  assert.ok(last < 0.5 * peak, `capacity goes back down on charge: peak ${peak}, end ${last}`);
  const png = await renderPng(spec as never);
  assert.ok(png.length > 1000);
});

test.run();
