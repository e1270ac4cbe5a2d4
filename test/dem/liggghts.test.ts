/**
 * The LIGGGHTS 3.8.0 micro-cases (fixtures/dem/LIGGGHTS-REFERENCE.md): collision_equal and
 * wall_slide run from assbkit case files and compared with LIGGGHTS's numbers. Tolerance 1e-9:
 * scalars relative to the reference value, time series relative to the column maximum, at every
 * recorded step. Both backends (wasm core and TS twin).
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { loadDemCase } from "../../host/dem/node.js";
import { runCase, type DemResult } from "../../host/dem/run.js";
import { kernels, fixture, readCsvColumns, relErr, colErr, column } from "../helpers.js";
import { assertRowsClose } from "./close.js";

const TOL = 1e-9;
const summary = new Map<string, number>();
for (const l of (await import("node:fs")).readFileSync(fixture("dem/micro_summary.csv"), "utf8").trim().split("\n").slice(1)) {
  const [c, q, v] = l.split(",");
  summary.set(`${c}/${q}`, Number(v));
}
const ref = (k: string) => {
  const v = summary.get(k);
  if (v === undefined) throw new Error(`no ${k}`);
  return v;
};

async function run(name: string, backend: "wasm" | "ts"): Promise<DemResult> {
  return runCase(await kernels(backend), loadDemCase(fixture(`dem/${name}.yaml`)).resolved);
}

for (const backend of ["wasm", "ts"] as const) {
  test(`collision_equal vs LIGGGHTS: time series at every step (${backend})`, async () => {
    const r = await run("collision_equal", backend);
    const L = readCsvColumns(fixture("dem/collision_equal.csv"));
    const ts = r.timeseries;
    assert.is(ts.rows.length, L.t_s.length);
    assert.ok(colErr(column(ts, "time_s"), L.t_s) < TOL);
    const x1 = column(ts, "p1_x_m"),
      x2 = column(ts, "p2_x_m");
    assert.ok(colErr(x1, L.x1_m) < TOL, `x1 ${colErr(x1, L.x1_m)}`);
    assert.ok(colErr(x2, L.x2_m) < TOL, `x2 ${colErr(x2, L.x2_m)}`);
    assert.ok(colErr(column(ts, "p1_vx_m_s"), L.vx1_m_s) < TOL);
    assert.ok(colErr(column(ts, "p2_vx_m_s"), L.vx2_m_s) < TOL);
    const fn = column(ts, "p1_fx_N").map((f) => -f);
    assert.ok(colErr(fn, L.Fn_N) < TOL, `Fn ${colErr(fn, L.Fn_N)}`);
    const overlap = x1.map((a, k) => 10e-6 - (x2[k] - a));
    // overlap is a small difference of positions: compare in absolute terms against its scale
    assert.ok(colErr(overlap, L.overlap_m) < 1e-6, `overlap ${colErr(overlap, L.overlap_m)}`);
  });

  test(`collision_equal vs LIGGGHTS: peak force, max overlap, contact steps, rebound (${backend})`, async () => {
    const r = await run("collision_equal", backend);
    const ts = r.timeseries;
    const fn = column(ts, "p1_fx_N").map((f) => -f);
    const x1 = column(ts, "p1_x_m"),
      x2 = column(ts, "p2_x_m"),
      t = column(ts, "time_s");
    const v1 = column(ts, "p1_vx_m_s"),
      v2 = column(ts, "p2_vx_m_s");
    const overlap = x1.map((a, k) => 10e-6 - (x2[k] - a));
    let kmax = 0;
    fn.forEach((f, k) => {
      if (f > fn[kmax]) kmax = k;
    });
    assert.ok(relErr(fn[kmax], ref("collision_equal/peak_normal_force")) < TOL, `peak ${fn[kmax]}`);
    assert.ok(relErr(t[kmax], ref("collision_equal/time_of_peak_force")) < TOL);
    assert.ok(relErr(Math.max(...overlap), ref("collision_equal/max_overlap")) < TOL, `max overlap ${Math.max(...overlap)}`);
    assert.is(overlap.filter((o) => o > 0).length, ref("collision_equal/contact_steps(overlap>0)"));
    const inContact = fn.filter((_, k) => overlap[k] > 0);
    assert.ok(relErr(Math.min(...inContact), ref("collision_equal/min_Fn_during_contact(attractive_if_negative)")) < TOL);
    const rebound = -(v1[v1.length - 1] - v2[v2.length - 1]) / 1.0;
    assert.ok(relErr(rebound, ref("collision_equal/rebound_ratio(-vrel_end/vrel_0)")) < TOL, `rebound ${rebound}`);
  });

  test(`wall_slide vs LIGGGHTS: time series every 5th step (${backend})`, async () => {
    const r = await run("wall_slide", backend);
    const L = readCsvColumns(fixture("dem/wall_slide.csv"));
    const ts = r.timeseries;
    assert.is(ts.rows.length, L.t_s.length);
    const checks: [string, number[]][] = [
      ["x_m", column(ts, "p1_x_m")],
      ["vx_m_s", column(ts, "p1_vx_m_s")],
      ["vz_m_s", column(ts, "p1_vz_m_s")],
      ["omegay_rad_s", column(ts, "p1_wy_rad_s")],
      ["Ft_wall_x_N", column(ts, "p1_fx_N")],
      ["torque_y_Nm", column(ts, "p1_ty_N_m")],
      ["Fn_wall_N", column(ts, "p1_fz_N").map((f) => f + 1e-5)],
      ["overlap_m", column(ts, "p1_z_m").map((z) => 5e-6 - z)],
    ];
    for (const [name, mine] of checks) {
      const e = colErr(mine, L[name]);
      assert.ok(e < (name === "overlap_m" ? 1e-6 : TOL), `${name}: ${e}`);
    }
    // the wall's own force record is the particle's wall force with the opposite sign
    assert.ok(
      colErr(
        column(ts, "wall_floor_force_z_N").map((f) => -f),
        L.Fn_wall_N,
      ) < TOL,
    );
  });

  test(`wall_slide vs LIGGGHTS: static overlap, sliding ratio, rolling, final state (${backend})`, async () => {
    const r = await run("wall_slide", backend);
    const ts = r.timeseries;
    const step = column(ts, "step"),
      t = column(ts, "time_s");
    const z = column(ts, "p1_z_m"),
      vx = column(ts, "p1_vx_m_s"),
      wy = column(ts, "p1_wy_rad_s");
    const fx = column(ts, "p1_fx_N"),
      fz = column(ts, "p1_fz_N");
    const k3000 = step.indexOf(3000);
    assert.ok(relErr(5e-6 - z[k3000], ref("wall_slide/static_overlap_end_stage1")) < 1e-6);
    const kSlide = k3000 + 1;
    assert.ok(relErr(Math.abs(fx[kSlide]) / (fz[kSlide] + 1e-5), ref("wall_slide/Ft/Fn_during_sliding(first_step)")) < TOL);
    const slip = vx.map((v, k) => v - wy[k] * (5e-6 - 0.5 * (5e-6 - z[k])));
    const kRoll = slip.findIndex((s, k) => k > k3000 && Math.abs(s) < 1e-3);
    assert.ok(relErr(t[kRoll], ref("wall_slide/first_time_|vslip|<1e-3")) < TOL, `rolling from ${t[kRoll]}`);
    assert.ok(relErr(vx[vx.length - 1], ref("wall_slide/final_vx")) < TOL, `final vx ${vx[vx.length - 1]}`);
    assert.ok(relErr(wy[wy.length - 1], ref("wall_slide/final_omegay")) < TOL);
  });
}

test("wasm core and TS twin agree within 1e-12 of each column's scale on both micro-cases", async () => {
  for (const name of ["collision_equal", "wall_slide"]) {
    const a = await run(name, "wasm"),
      b = await run(name, "ts");
    assertRowsClose(a.timeseries, b.timeseries, 1e-12);
  }
});

test.run();
