/** 1C discharge of the paper 001 half cell vs the reference curves (fixtures/cell), both Butler-Volmer
 *  forms, and second-order grid convergence. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { loadCore } from "../../host/core/wasm.js";
import { loadCellParams, resolveCellParams } from "../../host/cell/params.js";
import { runExperiment, type CellResult } from "../../host/cell/model.js";
import { fixture } from "../helpers.js";

const k = await loadCore();
const refOf = (name: string) =>
  readFileSync(fixture(`cell/assb_ref_${name}_1C.csv`), "utf8")
    .trim()
    .split("\n")
    .slice(1)
    .map((l) => l.split(",").map(Number));

/** voltage of the run at time t (linear between accepted steps) */
function vAt(r: CellResult, t: number): number {
  let i = r.time_s.findIndex((x) => x >= t);
  if (i <= 0) i = Math.max(1, i < 0 ? r.time_s.length - 1 : 1);
  const w = (t - r.time_s[i - 1]) / (r.time_s[i] - r.time_s[i - 1]);
  return r.voltage_V[i - 1] + w * (r.voltage_V[i] - r.voltage_V[i - 1]);
}

// 80 x 40: the t = 0 reference point carries the reference grid's own half-shell surface extrapolation
// (a 1/nr artifact of every finite-volume particle: 20 x 10 is 4.0 mV low there and within 0.6 mV
// everywhere else), so the 2 mV check at every point is made on 80 x 40.
for (const [bv, file] of [
  ["asheri2023", "literal"],
  ["symmetric", "symmetric"],
] as const) {
  test(`1C discharge to 3.0 V, BV ${bv}, 80 x 40: capacity within 1e-4, voltage within 2 mV down to 3.3 V`, () => {
    const ref = refOf(file);
    const rp = resolveCellParams(loadCellParams("Asheri2023", { "Butler-Volmer form": bv }));
    const r = runExperiment(k, rp, "Discharge at 1C until 3.0 V", { numerics: { nx: 80, nr: 40 } });
    const cap = r.capacity_Ah_m2.at(-1)!,
      refCap = ref.at(-1)![1];
    const rel = Math.abs(cap - refCap) / refCap;
    assert.ok(rel <= 1e-4, `capacity ${cap} vs ${refCap} (rel ${rel})`);
    assert.ok(Math.abs(r.voltage_V.at(-1)! - 3.0) <= 1e-9, "cut-off located to 1e-9 V");
    assert.match(r.steps[0].termination, /cut-off 3 V/);
    let worst = 0,
      at = 0;
    for (const row of ref) {
      if (row[2] < 3.3) continue;
      const e = Math.abs(vAt(r, row[0]) - row[2]);
      if (e > worst) {
        worst = e;
        at = row[0];
      }
    }
    assert.ok(worst <= 2e-3, `max |dV| ${worst} V at t = ${at} s`);
    console.log(
      `  ${bv} 80x40: capacity ${cap.toFixed(6)} vs ${refCap} Ah/m2 (rel ${rel.toExponential(2)}), max |dV| ${(worst * 1e3).toFixed(3)} mV (t = ${at.toFixed(0)} s), ${r.stats.steps} steps`,
    );
    // and the 20 x 10 grid: capacity within 1e-4 too
    const r20 = runExperiment(k, rp, "Discharge at 1C until 3.0 V", { numerics: { nx: 20, nr: 10 } });
    const rel20 = Math.abs(r20.capacity_Ah_m2.at(-1)! - refCap) / refCap;
    let w20 = 0;
    for (const row of ref) if (row[2] >= 3.3 && row[0] > 0) w20 = Math.max(w20, Math.abs(vAt(r20, row[0]) - row[2]));
    assert.ok(rel20 <= 1e-4, `20x10 capacity rel ${rel20}`);
    assert.ok(w20 <= 2e-3, `20x10 max |dV| for t > 0: ${w20}`);
    console.log(
      `  ${bv} 20x10: capacity rel ${rel20.toExponential(2)}, max |dV| for t > 0 ${(w20 * 1e3).toFixed(3)} mV, at t = 0 ${((r20.voltage_V[0] - ref[0][2]) * 1e3).toFixed(3)} mV`,
    );
  });
}

test("grid convergence is second order (10x5 -> 80x40, symmetric BV): voltage at 3000 s and capacity to 3.0 V", () => {
  const rp = resolveCellParams(loadCellParams("Asheri2023"));
  const V: number[] = [],
    Q: number[] = [];
  for (const [nx, nr] of [
    [10, 5],
    [20, 10],
    [40, 20],
    [80, 40],
  ]) {
    const numerics = { nx, nr, tolV: 1e-7, tolTheta: 1e-7 };
    V.push(runExperiment(k, rp, "Discharge at 1C for 3000 s", { numerics }).voltage_V.at(-1)!);
    Q.push(runExperiment(k, rp, "Discharge at 1C until 3.0 V", { numerics }).capacity_Ah_m2.at(-1)!);
  }
  const orders: number[] = [];
  for (let i = 0; i + 2 < V.length; i++) {
    const pv = Math.log2(Math.abs(V[i] - V[i + 1]) / Math.abs(V[i + 1] - V[i + 2]));
    const pq = Math.log2(Math.abs(Q[i] - Q[i + 1]) / Math.abs(Q[i + 1] - Q[i + 2]));
    orders.push(pv, pq);
    assert.ok(pv > 1.8 && pv < 2.2, `voltage order ${pv}`);
    assert.ok(pq > 1.8 && pq < 2.2, `capacity order ${pq}`);
  }
  console.log(`  observed orders (V, Q per refinement): ${orders.map((p) => p.toFixed(3)).join(", ")}`);
});

test.run();
