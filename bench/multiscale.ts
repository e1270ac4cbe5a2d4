/**
 * The data-driven multiscale cell (paper 001 §3; host/multiscale): the figures and the speed.
 *  1. Speed: the surrogate cell, one 1C discharge to 3.0 V (median and spread of repeated runs, one core).
 *  2. Fig 5 (pure diffusion): the cell with the diffusion surrogate against the concurrent P2D (finite-volume
 *     spheres at every node, nr 40) — voltage, capacity, c~_s(t) at the separator and the collector.
 *  3. Fig 9 (1C, Gc 5.97, damage on/off), Fig 10 (1C, 2C, 5C), Fig 11 (Gc 13.92, 9, 5.97, 5, 4.21 at 1C):
 *     voltage vs capacity and <d> along the cathode, PNG + CSV, and the paper's trends checked.
 *  4. Step-size convergence of the surrogate cell (the stepper's tolerances) and of the concurrent reference.
 *  5. The concurrent chemo-mechanical reference (the micro FE model at every node, host/multiscale/concurrent.ts)
 *     against the surrogate cell at the same macro grid in the same run: speed ratio and the accuracy lost.
 * Outputs: bench/results/multiscale/*.png, *.csv.
 *   npm run bench -- multiscale [--runs 20] [--models models] [--nx-concurrent 5]
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { TopLevelSpec } from "vega-lite";
import { loadCore } from "../host/core/wasm.js";
import { loadCellParams, resolveCellParams } from "../host/cell/params.js";
import { DEFAULT_NUMERICS, runExperiment, type CellNumerics, type CellResult } from "../host/cell/model.js";
import { parseExperiment } from "../host/cell/experiment.js";
import { MULTISCALE_NUMERICS, cellSurrogate, microConfigForCell, runConcurrentCell, runMultiscaleCell } from "../host/multiscale/cell.js";
import { loadSurrogateSet } from "../host/multiscale/surrogate.js";
import { renderPng } from "../host/plot/render.js";
import { writeFileAtomic } from "../host/io/atomic.js";
import { toCsv, columnsToTable } from "../host/io/csv.js";

const OUT = "bench/results/multiscale";

function arg(args: string[], name: string, def: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
}
const median = (a: number[]) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
};
const f = (x: number, d = 4) => (Math.abs(x) >= 1e4 || (Math.abs(x) < 1e-3 && x !== 0) ? x.toExponential(3) : x.toFixed(d));

/** V(t) of b interpolated at a's times: max |difference| over the first `frac` of the common time range [V]
 *  (the last few percent, where V falls steeply to the cut-off, turn a small shift in capacity into a large dV) */
function maxVoltageDiff(a: CellResult, b: CellResult, frac = 1): number {
  const tEnd = frac * Math.min(a.time_s.at(-1)!, b.time_s.at(-1)!);
  let m = 0,
    k = 0;
  for (let i = 0; i < a.time_s.length; i++) {
    const t = a.time_s[i];
    if (t > tEnd) break;
    while (k < b.time_s.length - 2 && b.time_s[k + 1] < t) k++;
    const t0 = b.time_s[k],
      t1 = b.time_s[k + 1];
    const w = t1 > t0 ? (t - t0) / (t1 - t0) : 0;
    const v = b.voltage_V[k] + w * (b.voltage_V[k + 1] - b.voltage_V[k]);
    m = Math.max(m, Math.abs(a.voltage_V[i] - v));
  }
  return m;
}
const cap = (r: CellResult) => r.capacity_Ah_m2.at(-1)!;
const dEnd = (r: CellResult) => r.fields.damage_avg?.at(-1) ?? [];
/** field `name` of node j interpolated at time t */
function fieldAt(r: CellResult, name: string, j: number, t: number): number {
  const T = r.time_s,
    F = r.fields[name];
  if (t <= T[0]) return F[0][j];
  for (let i = 1; i < T.length; i++)
    if (T[i] >= t) {
      const w = (t - T[i - 1]) / (T[i] - T[i - 1]);
      return F[i - 1][j] + w * (F[i][j] - F[i - 1][j]);
    }
  return F[T.length - 1][j];
}

function lineSpec(
  values: Record<string, unknown>[],
  x: string,
  y: string,
  color: string,
  title: string,
  xt: string,
  yt: string,
  dash?: string,
): TopLevelSpec {
  return {
    width: 520,
    height: 340,
    title,
    data: { values },
    mark: { type: "line" },
    encoding: {
      x: { field: x, type: "quantitative", title: xt },
      y: { field: y, type: "quantitative", title: yt, scale: { zero: false } },
      color: { field: color, type: "nominal", title: "", sort: null, legend: { labelLimit: 320 } },
      ...(dash ? { strokeDash: { field: dash, type: "nominal", title: "", sort: null } } : {}),
    },
  } as TopLevelSpec;
}

async function figure(name: string, runs: { label: string; r: CellResult }[], title: string): Promise<void> {
  const vc = runs.flatMap(({ label, r }) =>
    r.time_s.map((t, i) => ({ run: label, kind: "voltage", t_s: t, capacity_Ah_m2: r.capacity_Ah_m2[i], voltage_V: r.voltage_V[i] })),
  );
  // <d> along the cathode at the cut-off and at half the run's time (where the front is still moving)
  const dd = runs.flatMap(({ label, r }) => [
    ...dEnd(r).map((d, j) => ({ run: label, kind: "at the cut-off", x_um: r.x_m[j] * 1e6, damage: d })),
    ...(r.fields.damage_avg
      ? r.x_m.map((x, j) => ({
          run: label,
          kind: "at half the time",
          x_um: x * 1e6,
          damage: fieldAt(r, "damage_avg", j, 0.5 * r.time_s.at(-1)!),
        }))
      : []),
  ]);
  writeFileAtomic(
    join(OUT, `${name}_voltage.csv`),
    toCsv(
      columnsToTable({
        run: vc.map((v) => runs.findIndex((q) => q.label === v.run)),
        t_s: vc.map((v) => v.t_s),
        capacity_Ah_m2: vc.map((v) => v.capacity_Ah_m2),
        voltage_V: vc.map((v) => v.voltage_V),
      }),
    ) + `# runs: ${runs.map((q, i) => `${i} = ${q.label}`).join("; ")}\n`,
  );
  writeFileAtomic(
    join(OUT, `${name}_voltage.png`),
    await renderPng(lineSpec(vc, "capacity_Ah_m2", "voltage_V", "run", `${title}: voltage`, "capacity [Ah/m^2]", "voltage [V]")),
  );
  if (dd.length) {
    writeFileAtomic(
      join(OUT, `${name}_damage.csv`),
      toCsv(
        columnsToTable({
          run: dd.map((v) => runs.findIndex((q) => q.label === v.run)),
          at_half_time: dd.map((v) => (v.kind === "at half the time" ? 1 : 0)),
          x_um: dd.map((v) => v.x_um),
          damage_avg: dd.map((v) => v.damage),
        }),
      ) + `# runs: ${runs.map((q, i) => `${i} = ${q.label}`).join("; ")}\n`,
    );
    writeFileAtomic(
      join(OUT, `${name}_damage.png`),
      await renderPng(
        lineSpec(
          dd,
          "x_um",
          "damage",
          "run",
          `${title}: <d> along the cathode`,
          "distance from the separator [um]",
          "interface damage <d>",
          "kind",
        ),
      ),
    );
  }
}

/** first time the node's damage exceeds `level` (Infinity: never) */
function onset(r: CellResult, j: number, level = 1e-3): number {
  const d = r.fields.damage_avg;
  for (let i = 0; i < d.length; i++) if (d[i][j] > level) return r.time_s[i];
  return Infinity;
}

export async function main(args: string[]): Promise<void> {
  const runs = Number(arg(args, "runs", "20"));
  const models = arg(args, "models", "models");
  const nxc = Number(arg(args, "nx-concurrent", "5"));
  mkdirSync(OUT, { recursive: true });
  const core = await loadCore();
  const rp = resolveCellParams(loadCellParams("Asheri2023_multiscale"));
  const withGc = (gc: number) => resolveCellParams(loadCellParams("Asheri2023_multiscale", { "Fracture energy [J.m-2]": gc }));
  const dmgDir = join(models, "surrogate-001-damage"),
    difDir = join(models, "surrogate-001-diffusion");
  const dmg = cellSurrogate(await loadSurrogateSet(dmgDir), dmgDir);
  const dif = cellSurrogate(await loadSurrogateSet(difDir), difDir);
  const exp = (c: number) => parseExperiment(`Discharge at ${c}C until 3.0 V`);
  const num: CellNumerics = { ...DEFAULT_NUMERICS, ...MULTISCALE_NUMERICS };
  console.log(
    `multiscale bench: Asheri2023_multiscale (paper 001 §3), surrogates ${dmg.manifest.name} (${dmg.nets.map((n) => n.weights.hidden).join("/")} hidden) and ${dif.manifest.name} (${dif.nets.map((n) => n.weights.hidden).join("/")}), nx ${num.nx}, tolV ${num.tolV} V, tolTheta ${num.tolTheta}`,
  );

  // ---- 1. speed
  console.log("\n## 1. Speed: one 1C discharge to 3.0 V, Gc 5.97, damage on, one core");
  const times: number[] = [];
  let r1 = runMultiscaleCell(core, rp, exp(1), dmg, { numerics: num });
  for (let i = 0; i < 3; i++) runMultiscaleCell(core, rp, exp(1), dmg, { numerics: num });
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    r1 = runMultiscaleCell(core, rp, exp(1), dmg, { numerics: num });
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  console.log(
    `surrogate cell: ${f(median(times), 2)} ms median (min ${f(times[0], 2)}, max ${f(times.at(-1)!, 2)}, ${runs} runs), ${r1.stats.steps} steps, ${r1.stats.rejected} rejected; capacity ${f(cap(r1))} Ah/m^2, <d> max ${f(Math.max(...dEnd(r1)))}`,
  );
  const tp: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    runExperiment(core, rp, exp(1), { numerics: num });
    tp.push(performance.now() - t0);
  }
  console.log(`plain P2D (finite-volume spheres, same grid and tolerances), same run: ${f(median(tp), 2)} ms median`);
  const t5: number[] = [];
  const num5 = { ...num, tolV: DEFAULT_NUMERICS.tolV, tolTheta: DEFAULT_NUMERICS.tolTheta };
  let r5 = runMultiscaleCell(core, rp, exp(1), dmg, { numerics: num5 });
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    r5 = runMultiscaleCell(core, rp, exp(1), dmg, { numerics: num5 });
    t5.push(performance.now() - t0);
  }
  console.log(`surrogate cell at the P2D's tolerances (tolV 1e-5, tolTheta 5e-6): ${f(median(t5), 2)} ms median, ${r5.stats.steps} steps`);

  // ---- 2. Fig 5: pure diffusion
  console.log("\n## 2. Fig 5: diffusion surrogate cell vs the concurrent P2D (finite-volume spheres, nr 40)");
  for (const c of [1, 2]) {
    const s = runMultiscaleCell(core, rp, exp(c), dif, { numerics: num });
    const p = runExperiment(core, rp, exp(c), { numerics: { ...num, nr: 40, snapshotEvery_s: 0 } });
    console.log(
      `${c}C: capacity surrogate ${f(cap(s))} vs P2D ${f(cap(p))} Ah/m^2 (${f((100 * (cap(s) - cap(p))) / cap(p), 2)} %), max |dV| ${f(maxVoltageDiff(s, p, 0.95) * 1000, 1)} mV over the first 95 % of the common time (${f(maxVoltageDiff(s, p) * 1000, 1)} mV with the drop to the cut-off); ${s.stats.steps} vs ${p.stats.steps} steps`,
    );
    if (c === 1)
      await figure(
        "fig5_diffusion_1C",
        [
          { label: "surrogate (diffusion)", r: s },
          { label: "concurrent P2D", r: p },
        ],
        "Fig 5: pure diffusion, 1C",
      );
  }

  // ---- 3. Figs 9-11
  console.log("\n## 3. Fig 9: 1C, Gc 5.97, with and without damage");
  const on = runMultiscaleCell(core, rp, exp(1), dmg, { numerics: num });
  const off = runMultiscaleCell(core, rp, exp(1), dmg, { numerics: num, damage: false });
  const avg = runMultiscaleCell(core, rp, exp(1), dmg, { numerics: num, microFlux: "particle-average" });
  await figure(
    "fig9",
    [
      { label: "with damage (paper: micro flux J_s)", r: on },
      { label: "with damage, micro flux (1 - <d>) J_s", r: avg },
      { label: "without damage (<d> = 0)", r: off },
    ],
    "Fig 9: 1C, Gc 5.97 J/m^2",
  );
  const d9 = dEnd(on);
  console.log(
    `capacity with damage ${f(cap(on))}, without ${f(cap(off))} Ah/m^2 (${f((100 * (cap(on) - cap(off))) / cap(off), 2)} %); <d> at the cut-off: separator ${f(d9[0])}, middle ${f(d9[d9.length >> 1])}, collector ${f(d9.at(-1)!)}; onset (<d> > 1e-3) separator ${f(onset(on, 0), 1)} s, collector ${f(onset(on, d9.length - 1), 1)} s`,
  );
  console.log(
    `lithium in the particles beyond the charge passed (result.lithium.imbalance_rel): with damage ${f(on.lithium.imbalance_rel)} (paper's coupling: the particle takes up J_s over its whole surface), without ${f(off.lithium.imbalance_rel)}; with the particle-average micro flux (1 - <d>) J_s: ${f(avg.lithium.imbalance_rel)}, capacity ${f(cap(avg))} Ah/m^2 (${f((100 * (cap(avg) - cap(off))) / cap(off), 2)} % against no damage), <d> max ${f(Math.max(...dEnd(avg)))}`,
  );
  console.log("\n## Fig 10: 1C, 2C, 5C (Gc 5.97)");
  const rates = [1, 2, 5].map((c) => ({ c, r: runMultiscaleCell(core, rp, exp(c), dmg, { numerics: num }) }));
  await figure(
    "fig10",
    rates.map(({ c, r }) => ({ label: `${c}C`, r })),
    "Fig 10: C-rates, Gc 5.97 J/m^2",
  );
  for (const { c, r } of rates)
    console.log(
      `${c}C: capacity ${f(cap(r))} Ah/m^2, <d> max ${f(Math.max(...dEnd(r)))} mean ${f(dEnd(r).reduce((a, b) => a + b, 0) / dEnd(r).length)}, onset at the separator ${f(onset(r, 0), 1)} s = ${f(r.capacity_Ah_m2[r.time_s.findIndex((t) => t >= onset(r, 0))] ?? Number.NaN)} Ah/m^2${r.warnings.length ? `; ${r.warnings.length} warning(s): ${r.warnings[0]}` : ""}`,
    );
  console.log("\n## Fig 11: Gc 13.92, 9, 5.97, 5, 4.21 at 1C");
  const gcs = [13.92, 9, 5.97, 5, 4.21].map((gc) => ({ gc, r: runMultiscaleCell(core, withGc(gc), exp(1), dmg, { numerics: num }) }));
  await figure(
    "fig11",
    gcs.map(({ gc, r }) => ({ label: `Gc ${gc}`, r })),
    "Fig 11: fracture energy, 1C",
  );
  for (const { gc, r } of gcs)
    console.log(
      `Gc ${gc}: capacity ${f(cap(r))} Ah/m^2, <d> max ${f(Math.max(...dEnd(r)))} mean ${f(dEnd(r).reduce((a, b) => a + b, 0) / dEnd(r).length)}, onset at the separator ${f(onset(r, 0), 1)} s`,
    );

  // ---- 4. step-size convergence (surrogate cell)
  console.log("\n## 4. Step-size convergence of the surrogate cell (1C, Gc 5.97): local-error tolerances");
  const ref = runMultiscaleCell(core, rp, exp(1), dmg, { numerics: { ...num, tolV: 1e-7, tolTheta: 1e-7 } });
  for (const tol of [1e-3, 1e-4, 1e-5, 1e-6]) {
    const r = runMultiscaleCell(core, rp, exp(1), dmg, { numerics: { ...num, tolV: tol, tolTheta: tol / 2 } });
    console.log(
      `tolV ${tol}: ${r.stats.steps} steps, capacity ${f(cap(r), 6)} (vs tol 1e-7: ${f(cap(r) - cap(ref))} Ah/m^2), max |dV| ${f(maxVoltageDiff(r, ref, 0.95) * 1000, 3)} mV (first 95 %; ${f(maxVoltageDiff(r, ref) * 1000, 3)} mV with the drop), <d> end max diff ${f(Math.max(...dEnd(r).map((d, j) => Math.abs(d - dEnd(ref)[j]))))}`,
    );
  }

  // ---- 5. concurrent reference
  console.log(`\n## 5. Concurrent chemo-mechanical reference: micro FE (r 2, the training data's mesh) at ${nxc} macro nodes, 1C, Gc 5.97`);
  // the micro mesh of the damage surrogate's training runs (fixtures/study/micro_dataset.yaml: resolution 2)
  const micro = microConfigForCell(rp, { resolution: 2 });
  const cnum = (h: number): CellNumerics => ({ ...num, nx: nxc, hMaxFraction: h, tolV: 1e-3, tolTheta: 1e-3 });
  const conc: { h: number; r: CellResult; ms: number }[] = [];
  for (const h of [0.02, 0.01, 0.005, 0.0025]) {
    const t0 = performance.now();
    const r = runConcurrentCell(core, rp, exp(1), micro, { numerics: cnum(h) });
    conc.push({ h, r, ms: performance.now() - t0 });
    console.log(
      `reference, largest step ${f(h * 3600, 1)} s: ${r.stats.steps} steps, ${r.concurrent.microSteps} micro solves, capacity ${f(cap(r), 5)} Ah/m^2, <d> at the cut-off ${dEnd(
        r,
      )
        .map((d) => f(d))
        .join(" ")}, ${f(performance.now() - t0, 0)} ms`,
    );
  }
  const best = conc.at(-1)!;
  const sn = { ...num, nx: nxc };
  const st: number[] = [];
  let s5 = runMultiscaleCell(core, rp, exp(1), dmg, { numerics: sn });
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    s5 = runMultiscaleCell(core, rp, exp(1), dmg, { numerics: sn });
    st.push(performance.now() - t0);
  }
  const sMs = median(st);
  const dErr = Math.max(...dEnd(s5).map((d, j) => Math.abs(d - dEnd(best.r)[j])));
  let dxt = 0; // <d>(x, t) over the common time
  const tEnd = Math.min(s5.time_s.at(-1)!, best.r.time_s.at(-1)!);
  for (let i = 0; i <= 50; i++)
    for (let j = 0; j < nxc; j++)
      dxt = Math.max(dxt, Math.abs(fieldAt(s5, "damage_avg", j, (i / 50) * tEnd) - fieldAt(best.r, "damage_avg", j, (i / 50) * tEnd)));
  console.log(
    `surrogate cell at nx ${nxc}: ${f(sMs, 2)} ms median; reference (largest step ${f(best.h * 3600, 1)} s) ${f(best.ms, 0)} ms: ratio ${f(best.ms / sMs, 0)}x`,
  );
  console.log(
    `accuracy lost: capacity ${f(cap(s5), 4)} vs ${f(cap(best.r), 4)} Ah/m^2 (${f((100 * (cap(s5) - cap(best.r))) / cap(best.r), 2)} %), max |dV| ${f(maxVoltageDiff(s5, best.r, 0.95) * 1000, 1)} mV over the first 95 % of the common time (${f(maxVoltageDiff(s5, best.r) * 1000, 1)} mV with the drop to the cut-off), <d> at the cut-off max |diff| ${f(dErr)}, <d>(x, t) max |diff| ${f(dxt)}`,
  );
  await figure(
    "concurrent",
    [
      { label: "surrogate cell", r: s5 },
      { label: `concurrent micro FE (step ${f(best.h * 3600, 1)} s)`, r: best.r },
    ],
    `Surrogate vs concurrent micro FE, 1C, nx ${nxc}`,
  );
  console.log(`\nfigures and CSVs: ${OUT}/`);
}
