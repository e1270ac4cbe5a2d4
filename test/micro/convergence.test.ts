/**
 * Convergence of the three outputs the surrogate learns from (c~_surf, c~_bulk, <d>) for Fig 7's case (cohesive,
 * Gc 5.97, J_s 7.83e-4 SI), under mesh refinement (resolution 1, 2, 3, 4) and step halving, with the tables printed
 * for the closing note:
 *
 *   - at a fixed time, t = 5 s (damage under way since ~2.9 s), with fixed steps (time.maxStep_s, the error control
 *     switched off by a loose tolerance) so that the step is the only thing halved: the differences between
 *     successive meshes and between successive steps shrink (ratios stated below); c~_bulk at a fixed time does not
 *     depend on the step at all (the discrete mass balance is exact), so its step differences are round-off;
 *   - at the stop rule (max c~ = 0.99, where the issue's acceptance figures are taken) with the default adaptive
 *     step: the mesh differences shrink; halving time.tolerance moves the outputs by the step control's and the
 *     event location's noise only, ~1e-4, far below the mesh differences (a bound, not a ratio: the adaptive step
 *     sequences are not nested, so the differences do not fall monotonically).
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { loadCore } from "../../host/core/wasm.js";
import { runMicro } from "../../host/micro/model.js";
import type { MicroConfig } from "../../host/micro/types.js";
import { paperConfig } from "./setup.js";

const k = await loadCore();
const NAMES = ["c~_surf", "c~_bulk", "<d>"] as const;

function outputs(over: Partial<MicroConfig>): { v: number[]; t: number; steps: number } {
  const r = runMicro(k, paperConfig(over));
  const s = r.series,
    n = s.t_s.length - 1;
  return { v: [s.c_surf_norm[n], s.c_bulk_norm[n], s.damage_avg[n]], t: s.t_s[n], steps: r.steps };
}

/** A markdown table of the runs and of the differences to the previous run. */
function table(title: string, knob: string, rows: { label: string; v: number[]; t: number; steps: number }[]): string {
  const out = [
    `${title}`,
    `| ${knob} | steps | t [s] | ${NAMES.join(" | ")} | ${NAMES.map((n) => `Δ${n}`).join(" | ")} |`,
    `|---|---|---|${NAMES.map(() => "---|").join("")}${NAMES.map(() => "---|").join("")}`,
  ];
  rows.forEach((r, i) => {
    const d = i > 0 ? r.v.map((x, j) => (x - rows[i - 1].v[j]).toExponential(2)) : NAMES.map(() => "");
    out.push(`| ${r.label} | ${r.steps} | ${r.t.toFixed(4)} | ${r.v.map((x) => x.toFixed(6)).join(" | ")} | ${d.join(" | ")} |`);
  });
  return out.join("\n");
}

/** |differences| between successive rows, per output. */
const diffs = (rows: { v: number[] }[]) => rows.slice(1).map((r, i) => r.v.map((x, j) => Math.abs(x - rows[i].v[j])));

test("at t = 5 s with fixed steps: mesh refinement and step halving shrink the differences of c~_surf, c~_bulk, <d>", () => {
  const stop = { maxConcentrationNorm: 0.999, time_s: 5, maxSteps: 2000 };
  const fixed = (maxStep_s: number) => ({ tolerance: 1, maxStep_s });
  const mesh = [1, 2, 3, 4].map((resolution) => ({
    label: `r = ${resolution}`,
    ...outputs({ resolution, time: fixed(0.1), stop }),
  }));
  const step = [0.4, 0.2, 0.1, 0.05].map((h) => ({ label: `${h} s`, ...outputs({ resolution: 2, time: fixed(h), stop }) }));
  console.log(table("mesh refinement at t = 5 s (fixed step 0.1 s)", "resolution", mesh));
  console.log(table("step halving at t = 5 s (resolution 2)", "step", step));
  for (const r of [...mesh, ...step]) assert.ok(Math.abs(r.t - 5) < 1e-12, "ran to t = 5 s");
  const dm = diffs(mesh),
    ds = diffs(step);
  // the mesh: each difference smaller than the one before (ratios measured ~1.3-3 for c~_surf, 3-5 for c~_bulk, 1.5-3 for <d>)
  for (let i = 1; i < dm.length; i++)
    for (let j = 0; j < 3; j++) assert.ok(dm[i][j] < dm[i - 1][j], `mesh ${i}: ${NAMES[j]} difference ${dm[i][j]} !< ${dm[i - 1][j]}`);
  // the step: backward Euler, first order: c~_surf and <d> differences fall by >= 1.5 per halving (measured ~1.7-2.5);
  // c~_bulk does not move (the exact discrete balance c0 + J_s P_h t / A_h)
  for (let i = 1; i < ds.length; i++)
    for (const j of [0, 2]) assert.ok(ds[i][j] * 1.5 < ds[i - 1][j], `step ${i}: ${NAMES[j]} difference ${ds[i][j]} vs ${ds[i - 1][j]}`);
  for (const d of ds) assert.ok(d[1] < 1e-13, `c~_bulk moved with the step by ${d[1]}`);
  // and the step error at the adaptive default's typical step (0.1 s) is far below the mesh error of r = 2 -> 3
  assert.ok(ds[2][0] < 0.5 * dm[1][0] && ds[2][2] < 0.5 * dm[1][2], "step error below the mesh error");
});

test("at the stop rule (max c~ = 0.99), adaptive steps: mesh differences shrink; halving time.tolerance moves the outputs < 5e-4", () => {
  const mesh = [1, 2, 3].map((resolution) => ({ label: `r = ${resolution}`, ...outputs({ resolution }) }));
  const tol = [1e-3, 5e-4, 2.5e-4].map((tolerance) => ({
    label: `tol ${tolerance}`,
    ...outputs({ resolution: 2, time: { tolerance } }),
  }));
  console.log(table("mesh refinement at max c~ = 0.99 (time.tolerance 1e-3)", "resolution", mesh));
  console.log(table("time.tolerance halving at max c~ = 0.99 (resolution 2)", "tolerance", tol));
  const dm = diffs(mesh),
    dt = diffs(tol);
  // mesh: the second difference at most half the first (measured ratios ~3, ~4, ~7)
  for (let j = 0; j < 3; j++) assert.ok(dm[1][j] < 0.5 * dm[0][j], `${NAMES[j]}: ${dm[1][j]} vs ${dm[0][j]}`);
  // tolerance halving: below 5e-4 (measured <= 1.1e-4), an order below the r = 2 -> 3 mesh differences
  for (const d of dt) for (let j = 0; j < 3; j++) assert.ok(d[j] < 5e-4, `${NAMES[j]} moved by ${d[j]} when halving the tolerance`);
});

test.run();
