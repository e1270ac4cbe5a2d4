/**
 * The multiscale cell's machinery (host/multiscale/particles.ts, cell.ts) with networks whose answer is known:
 * a net that returns the uniform particle's law (dc~/dt = 3 J_s / (R c_max) for surface and bulk, as rates per
 * unit flux) must reproduce the P2D with UniformParticles; a constant damage rate per unit flux must give
 * <d> = k (c~_b - c~_0) R c_max / 3 at every node (the same linear scheme integrates both), lower the reaction
 * area and the capacity; damage off keeps the uniform-area cell; bad inputs are refused or reported in one line.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { loadCore } from "../../host/core/wasm.js";
import { loadCellParams, resolveCellParams } from "../../host/cell/params.js";
import { parseExperiment } from "../../host/cell/experiment.js";
import { runExperiment } from "../../host/cell/model.js";
import { UniformParticles } from "../../host/cell/particle.js";
import { mlpFromLayers } from "../../host/multiscale/mlp.js";
import { runMultiscaleCell } from "../../host/multiscale/cell.js";
import type { SurrogateSetLike } from "../../host/multiscale/particles.js";
import { expectConfigError } from "../helpers.js";

const core = await loadCore();

/** A net whose outputs are constants c_o (hidden weights zero, output bias 1, y = 0 + 1 * c_o). */
function constantNet(inputs: string[], outputs: string[], values: number[]) {
  const nin = inputs.length,
    nh = 2,
    nout = outputs.length;
  return mlpFromLayers(
    [
      { kernel: new Array(nin * nh).fill(0), bias: new Array(nh).fill(0) },
      { kernel: new Array(nh * nout).fill(0), bias: new Array(nout).fill(1) },
    ],
    {
      inputs,
      outputs,
      outputRelu: true,
      inputLog10: inputs.map((n) => n === "flux_mol_m2_s"),
      xMin: inputs.map((n) => (n === "flux_mol_m2_s" ? -13 : 0)),
      xMax: inputs.map((n) => (n === "flux_mol_m2_s" ? -3 : 20)),
      yMin: outputs.map(() => 0),
      yMax: values,
    },
  );
}

const R = 1e-6,
  cmax = 38320,
  k3 = 3 / (R * cmax);

function uniformSet(damagePerFlux = 0): SurrogateSetLike {
  const inputs = ["fractureEnergy_J_m2", "flux_mol_m2_s", "c_surf_norm_old", "c_bulk_norm_old"];
  const outputs = ["dc_surf_norm_dt_per_s", "dc_bulk_norm_dt_per_s", "ddamage_avg_dt_per_s"];
  const net = (v: number[]) => constantNet(inputs, outputs, v);
  return {
    manifest: {
      kind: "assbkit.multiscale.surrogate",
      format: 1,
      name: "uniform-test",
      inputs,
      outputs,
      outputsPerFlux: true,
      particle: { geometry: "sphere", radius_m: R, maxConcentration_mol_m3: cmax, initialConcentrationNorm: 0.5 },
      trainedOn: { fractureEnergy_J_m2: [4, 14], flux_mol_m2_s: [1e-13, 1e-3] },
    },
    // two ranges with the same law: the range selection must not matter
    nets: [
      { lo: 1e-13, hi: 1e-7, weights: net([k3, k3, damagePerFlux]) },
      { lo: 1e-7, hi: 1e-3, weights: net([k3, k3, damagePerFlux]) },
    ],
  };
}

const rp = resolveCellParams(loadCellParams("Asheri2023_multiscale"));
const discharge = parseExperiment("Discharge at 2C until 3.0 V");

test("a net returning the uniform particle's law = the P2D with UniformParticles (voltage, capacity, lithium)", () => {
  // the P2D's step tolerances (the multiscale cell's default ones are looser)
  const ms = runMultiscaleCell(core, rp, discharge, uniformSet(0), { damage: false, numerics: { tolV: 1e-5, tolTheta: 5e-6 } });
  const ref = runExperiment(core, rp, discharge, { particles: (ctx) => new UniformParticles(ctx) });
  const qa = ms.capacity_Ah_m2.at(-1)!,
    qb = ref.capacity_Ah_m2.at(-1)!;
  assert.ok(Math.abs(qa / qb - 1) < 1e-6, `capacity ${qa} vs ${qb}`);
  assert.is(ms.time_s.length, ref.time_s.length, "the same steps");
  let dv = 0;
  for (let i = 0; i < ms.time_s.length; i++) dv = Math.max(dv, Math.abs(ms.voltage_V[i] - ref.voltage_V[i]));
  assert.ok(dv < 1e-6, `max |dV| ${dv} V`);
  assert.ok(Math.abs(ms.lithium.imbalance_rel) < 1e-10, `lithium imbalance ${ms.lithium.imbalance_rel}`);
  assert.is(ms.particleModel, "surrogate:uniform-test");
  assert.equal(Object.keys(ms.fields).sort(), ["c_bulk_norm", "c_surf_norm", "damage_avg"]);
  assert.ok(
    ms.fields.damage_avg.every((row) => row.every((d) => d === 0)),
    "damage off: <d> = 0",
  );
  assert.is(ms.multiscale.damage, false);
});

test("a constant damage rate per unit flux: <d> = k (c~_b - c~_0) R c_max / 3 at every node, and it lowers the capacity", () => {
  const kd = 40; // <d> per (mol/m^2 of lithium taken up through the surface): <d> ~ 0.25 where a particle fills
  const on = runMultiscaleCell(core, rp, discharge, uniformSet(kd), { damage: true });
  const off = runMultiscaleCell(core, rp, discharge, uniformSet(kd), { damage: false });
  const last = on.fields.damage_avg.length - 1;
  let err = 0,
    dmax = 0;
  for (let j = 0; j < on.x_m.length; j++) {
    const b = on.fields.c_bulk_norm[last][j],
      d = on.fields.damage_avg[last][j];
    err = Math.max(err, Math.abs(d - (kd * (b - 0.5) * R * cmax) / 3));
    dmax = Math.max(dmax, d);
  }
  assert.ok(dmax > 0.05 && dmax < 1, `damage reached ${dmax}`);
  assert.ok(err < 1e-9, `max |<d> - closed form| ${err}`);
  // damage near the separator first (more flux there)
  const d0 = on.fields.damage_avg[last];
  assert.ok(d0[0] > d0[d0.length - 1], `<d> at the separator ${d0[0]} > at the collector ${d0.at(-1)}`);
  const qOn = on.capacity_Ah_m2.at(-1)!,
    qOff = off.capacity_Ah_m2.at(-1)!;
  assert.ok(qOn < qOff, `capacity with damage ${qOn} < without ${qOff}`);
  // paper 001's coupling: the particle takes up J_s over its whole surface while (1 - <d>) of it passes current
  assert.ok(on.lithium.imbalance_rel > 1e-3, `reacting-area flux: lithium gained beyond the charge, ${on.lithium.imbalance_rel}`);
  assert.ok(Math.abs(off.lithium.imbalance_rel) < 1e-10, `no damage: balanced, ${off.lithium.imbalance_rel}`);
  const avg = runMultiscaleCell(core, rp, discharge, uniformSet(kd), { damage: true, microFlux: "particle-average" });
  assert.ok(
    Math.abs(avg.lithium.imbalance_rel) < 0.05 * on.lithium.imbalance_rel,
    `particle-average flux: lithium balance ${avg.lithium.imbalance_rel} (reacting-area ${on.lithium.imbalance_rel})`,
  );
  assert.is(avg.multiscale.microFlux, "particle-average");
});

test("bad input: surrogate radius or c0 different from the cell's, a charge step, Gc missing; J_s and Gc outside the trained range warn once", () => {
  const set = uniformSet(0);
  const other = (k: string, v: unknown) => resolveCellParams(loadCellParams("Asheri2023_multiscale", { [k]: v }));
  expectConfigError(
    () => runMultiscaleCell(core, other("Particle radius [m]", 2e-6), discharge, set),
    /Particle radius \[m\] = 0\.000002: expected 0\.000001 m, the value surrogate uniform-test was trained with/,
  );
  expectConfigError(
    () => runMultiscaleCell(core, other("Initial stoichiometry in AM", 0.4), discharge, set),
    /Initial stoichiometry in AM = 0\.4: expected 0\.5/,
  );
  expectConfigError(
    () => runMultiscaleCell(core, rp, parseExperiment("Charge at 1C until 4.2 V"), set),
    /a charge step: expected discharge steps only/,
  );
  const noGc = resolveCellParams(loadCellParams("Asheri2023"));
  expectConfigError(() => runMultiscaleCell(core, noGc, discharge, set), /"Fracture energy \[J\.m-2\]" is missing/);
  const narrow = uniformSet(0);
  narrow.nets[1].hi = 2e-6; // 2C needs ~3e-6 mol/(m^2 s) near the separator
  narrow.manifest.trainedOn.flux_mol_m2_s = [1e-13, 2e-6];
  const r = runMultiscaleCell(core, other("Fracture energy [J.m-2]", 20), discharge, narrow);
  const flux = r.warnings.filter((w) => /outside the training range/.test(w));
  // once per direction (above the range near the separator, below it at the back of the cathode), not per step
  assert.ok(flux.length >= 1 && flux.length <= 2, r.warnings.join("\n"));
  assert.ok(
    flux.some((w) => /the rates per unit flux at 2\.000e-6 are used \(times the actual J_s\), not extrapolated/.test(w)),
    r.warnings.join("\n"),
  );
  assert.match(flux[0], /pore-wall flux J_s = [\d.e-]+ mol\/\(m\^2 s\) at node \d+ \(x = [\d.]+ um\), t = [\d.e+-]+ s is outside/);
  assert.ok(r.warnings.some((w) => /Fracture energy 20 J\/m\^2 is outside the trained range \[4, 14\]/.test(w)));
});

test.run();
