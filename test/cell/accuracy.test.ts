/** Time-discretisation accuracy of the default step control: the capacity of a discharge to 3.0 V
 *  with the default tolerances against the same grid at tolerances 1e-8 (self-convergence reference),
 *  0.1C-5C, both Butler-Volmer forms, AM volume fraction 0.4 and the set's 0.7, 80 x 40 and 20 x 10. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { loadCore } from "../../host/core/wasm.js";
import { loadCellParams, resolveCellParams } from "../../host/cell/params.js";
import { runExperiment, DEFAULT_NUMERICS } from "../../host/cell/model.js";

const k = await loadCore();

for (const [nx, nr] of [
  [80, 40],
  [20, 10],
]) {
  test(`default tolerances: capacity within 1e-4 of the tolerance-1e-8 solution up to 5C (${nx} x ${nr}, both BV forms, AM fraction 0.4 and 0.7)`, () => {
    let worst = 0,
      where = "",
      steps = 0;
    for (const am of [0.4, 0.7])
      for (const bv of ["symmetric", "asheri2023"] as const) {
        const rp = resolveCellParams(loadCellParams("Asheri2023", { "Butler-Volmer form": bv, "Active material volume fraction": am }));
        for (const c of [0.1, 1, 2, 5]) {
          const exp = `Discharge at ${c}C until 3.0 V`;
          const ref = runExperiment(k, rp, exp, {
            numerics: { nx, nr, tolV: 1e-8, tolTheta: 1e-8, overpotentials: false },
          }).capacity_Ah_m2.at(-1)!;
          const r = runExperiment(k, rp, exp, { numerics: { nx, nr, overpotentials: false } });
          const rel = Math.abs(r.capacity_Ah_m2.at(-1)! - ref) / ref;
          steps += r.stats.steps;
          if (rel > worst) {
            worst = rel;
            where = `${c}C ${bv} AM ${am}`;
          }
          assert.ok(
            rel <= 1e-4,
            `${exp}, ${bv}, AM ${am}: capacity rel error ${rel.toExponential(2)} (tolV ${DEFAULT_NUMERICS.tolV}, tolTheta ${DEFAULT_NUMERICS.tolTheta})`,
          );
        }
      }
    console.log(`  ${nx}x${nr}: worst capacity error ${worst.toExponential(2)} (${where}), ${steps} steps for the 16 discharges`);
  });
}

test.run();
