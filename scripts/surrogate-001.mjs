// Regenerates the trained ANN surrogates of paper 001 (§2.2, §3.1, §3.2.2) from scratch: both datasets, every
// net, the models/ folders and a numbers report. Minutes on two cores; not part of `npm test`.
//
//   node --import tsx scripts/surrogate-001.mjs [--work DIR] [--only diffusion|damage] [--skip-data]
//
// 1. datasets (eq 37-39), the 87 fluxes J_s = m 10^n, 3e-13 ... 8e-4 mol/(m^2 s) of fixtures/study/micro_dataset.yaml:
//    - diffusion (paper §3.1): the sphere of host/multiscale/sphere.ts (R 1 um, D 7e-15 m^2/s, c0 0.5 c_max),
//      to c~_surf = 0.99 or 72,000 s, step tolerance 2.5e-4;
//    - damage (paper §3.2): `assb study run fixtures/study/micro_dataset.yaml` (x Gc 4.21, 5.97, 13.92) and
//      `assb dataset`;
//    both written as recorded (one row per adaptive step: <work>/ds_<set>.csv).
// 2. rows the nets train on (<work>/<set>-<range>.csv): every run resampled on RESAMPLE uniform output times
//    over its own duration (linear interpolation of c~_surf, c~_bulk, <d> between the recorded steps; the rates
//    are forward differences over the uniform interval), and the rates divided by the run's J_s (manifest
//    outputsPerFlux: true: a caller multiplies the nets' outputs by J_s). Why (measured, see
//    bench/results/2026-12-07-surrogate.md): the adaptive steps put many rows in the t^-1/2 start-up layer whose
//    forward-difference rates depend on the first step sizes, not on the state, and the raw rates span ten
//    decades of J_s; both wreck min-max scaling and the MSE.
// 3. one net per flux range (fixtures/surrogate/001-<set>-<range>.yaml; model C: one hidden ReLU layer, ReLU
//    output; inputs (Gc,) log10 J_s, c~_surf, c~_bulk min-max scaled); the runs at a shared range end train both
//    neighbours. Test-split R^2 and MSE are computed on the rates as the caller gets them (x J_s), and in the
//    nets' own per-flux units.
// 4. models/surrogate-001-<set>/: surrogate.json (host/multiscale/surrogate.ts loadSurrogateSet) and each
//    net's model folder; <work>/report.md and <work>/summary.json with the numbers.
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";
import { parseCsv } from "../host/io/csv.ts";
import { runSphere } from "../host/multiscale/sphere.ts";
import { DATASET_COLUMNS } from "../host/multiscale/dataset.ts";
import { loadCore } from "../host/core/wasm.ts";
import { MicroSim } from "../host/micro/sim.ts";
import { parseMicroConfig } from "../host/micro/config.ts";

/** P_h / A_h [1/m] of the micro mesh at `resolution` (the dataset study's). */
async function microSurfacePerVolume(resolution) {
  const core = await loadCore();
  return new MicroSim(core, parseMicroConfig({ flux_mol_m2_s: 1e-6, fractureEnergy_J_m2: 5.97, resolution })).surfacePerVolume_1_m;
}

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : dflt;
};
const WORK = resolve(opt("--work", join(ROOT, "out", "surrogate-001")));
const ONLY = opt("--only", undefined);
const SKIP_DATA = argv.includes("--skip-data");

/** uniform output times per run (rows per run); ~ the paper's 6,000 (diffusion) and 12,304 (damage) rows */
const RESAMPLE = { diffusion: 70, damage: 48 };
const SPHERE_TOLERANCE = 2.5e-4;
const CMAX = 38320,
  R = 1e-6,
  D = 7e-15;

/** the nets of each set: flux range [lo, hi] (contiguous) and the training config */
const SETS = {
  diffusion: {
    inputs: ["flux_mol_m2_s", "c_surf_norm_old", "c_bulk_norm_old"],
    outputs: ["dc_surf_norm_dt_per_s", "dc_bulk_norm_dt_per_s"],
    geometry: "sphere",
    nets: [
      { id: "range-1", flux: [3e-13, 1e-8] },
      { id: "range-2", flux: [1e-8, 1e-5] },
      { id: "range-3", flux: [1e-5, 8e-4] },
    ],
  },
  damage: {
    inputs: ["fractureEnergy_J_m2", "flux_mol_m2_s", "c_surf_norm_old", "c_bulk_norm_old"],
    outputs: ["dc_surf_norm_dt_per_s", "dc_bulk_norm_dt_per_s", "ddamage_avg_dt_per_s"],
    geometry: "cylinder",
    nets: [
      { id: "range-1", flux: [3e-13, 1e-8] },
      { id: "range-2", flux: [1e-8, 1e-5] },
      { id: "range-3", flux: [1e-5, 8e-4] },
    ],
  },
};

const COLUMNS = DATASET_COLUMNS;

const assb = (...args) => {
  const r = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "host/cli/main.ts"), ...args], {
    encoding: "utf8",
    cwd: ROOT,
    maxBuffer: 1 << 28,
  });
  if (r.status !== 0) throw new Error(`assb ${args.join(" ")}: exit ${r.status}\n${r.stderr}${r.stdout.slice(-2000)}`);
  return r.stdout;
};
const seconds = (t0) => (performance.now() - t0) / 1000;
const writeCsv = (file, rows) => writeFileSync(file, [COLUMNS.join(","), ...rows.map((r) => r.join(","))].join("\n") + "\n");

function readCsvRows(file) {
  const t = parseCsv(readFileSync(file, "utf8"), file);
  const idx = COLUMNS.map((c) => t.columns.indexOf(c));
  return t.rows.map((r) => idx.map((i) => (i < 0 ? Number.NaN : Number(r[i]))));
}

/** runs of a dataset as {gc, flux, t[], cs[], cb[], d[]} (the recorded series rebuilt from the rows) */
function runsOf(rows) {
  const runs = [];
  let cur = null;
  for (const r of rows) {
    const [gc, J, cs, cb, rs, rb, rd, t, dt] = r;
    // every run starts at t = 0 (one row per accepted step, in order)
    if (!cur || t === 0) {
      cur = { gc, flux: J, t: [t], cs: [cs], cb: [cb], d: [0] };
      runs.push(cur);
    }
    // the row's end state
    cur.t.push(t + dt);
    cur.cs.push(cs + rs * dt);
    cur.cb.push(cb + rb * dt);
    cur.d.push(cur.d.at(-1) + rd * dt);
  }
  return runs;
}

function interp(x, xs, ys) {
  let lo = 0,
    hi = xs.length - 1;
  if (x <= xs[0]) return ys[0];
  if (x >= xs[hi]) return ys[hi];
  while (hi - lo > 1) {
    const m = (lo + hi) >> 1;
    if (xs[m] <= x) lo = m;
    else hi = m;
  }
  return ys[lo] + ((ys[hi] - ys[lo]) * (x - xs[lo])) / (xs[hi] - xs[lo]);
}

/** rows of one run on n uniform output times; rates divided by J_s when perFlux */
function resampled(run, n, perFlux) {
  const tEnd = run.t.at(-1),
    h = tEnd / n,
    s = perFlux ? run.flux : 1;
  const at = (k) => {
    const t = k === n ? tEnd : k * h;
    return [interp(t, run.t, run.cs), interp(t, run.t, run.cb), interp(t, run.t, run.d)];
  };
  const out = [];
  let a = at(0);
  for (let k = 0; k < n; k++) {
    const b = at(k + 1);
    out.push([run.gc, run.flux, a[0], a[1], (b[0] - a[0]) / h / s, (b[1] - a[1]) / h / s, (b[2] - a[2]) / h / s, k * h, h]);
    a = b;
  }
  return out;
}

const inRange = (J, [lo, hi]) => J >= lo * (1 - 1e-9) && J <= hi * (1 + 1e-9);

function r2mse(y, p) {
  const n = y.length;
  let m = 0;
  for (const v of y) m += v / n;
  let ss = 0,
    sr = 0;
  for (let i = 0; i < n; i++) {
    ss += (y[i] - m) ** 2;
    sr += (y[i] - p[i]) ** 2;
  }
  return { r2: ss > 0 ? 1 - sr / ss : null, mse: sr / n };
}

/** test-split metrics of a run folder: in the nets' units and x J_s (the caller's rates) */
function metrics(runDir, rows, outputs, perFlux) {
  const t = parseCsv(readFileSync(join(runDir, "test_predictions.csv"), "utf8"));
  const col = (name) => t.columns.indexOf(name);
  const sample = t.rows.map((r) => Number(r[col("sample")]));
  const own = [],
    rates = [];
  for (const o of outputs) {
    const y = t.rows.map((r) => Number(r[col(o)])),
      p = t.rows.map((r) => Number(r[col(`${o}_pred`)]));
    own.push(r2mse(y, p));
    const J = sample.map((k) => rows[k][1]);
    rates.push(
      perFlux
        ? r2mse(
            y.map((v, i) => v * J[i]),
            p.map((v, i) => v * J[i]),
          )
        : r2mse(y, p),
    );
  }
  return { n: sample.length, own, rates };
}

const fluxes = parseYaml(readFileSync(join(ROOT, "fixtures/study/micro_dataset.yaml"), "utf8")).axes.find(
  (a) => a.path === "flux_mol_m2_s",
).list;

mkdirSync(WORK, { recursive: true });
const summary = existsSync(join(WORK, "summary.json")) ? JSON.parse(readFileSync(join(WORK, "summary.json"), "utf8")) : {};

for (const [set, spec] of Object.entries(SETS)) {
  if (ONLY && ONLY !== set) continue;
  const dsFile = join(WORK, `ds_${set}.csv`);
  summary[set] ??= {};
  const info = summary[set];
  if (!SKIP_DATA || !existsSync(dsFile)) {
    const t0 = performance.now();
    if (set === "diffusion") {
      const rows = [];
      for (const J of fluxes) {
        const r = runSphere({ flux_mol_m2_s: J, tolerance: SPHERE_TOLERANCE });
        const s = r.series;
        for (let k = 1; k < s.t_s.length; k++) {
          const dt = s.t_s[k] - s.t_s[k - 1];
          rows.push([
            Number.NaN,
            J,
            s.c_surf_norm[k - 1],
            s.c_bulk_norm[k - 1],
            (s.c_surf_norm[k] - s.c_surf_norm[k - 1]) / dt,
            (s.c_bulk_norm[k] - s.c_bulk_norm[k - 1]) / dt,
            0,
            s.t_s[k - 1],
            dt,
          ]);
        }
      }
      writeCsv(dsFile, rows);
      info.generation = { runs: fluxes.length, rows: rows.length, wall_s: seconds(t0), how: `runSphere, tolerance ${SPHERE_TOLERANCE}` };
    } else {
      const study = join(WORK, "ds_damage_study");
      rmSync(study, { recursive: true, force: true });
      assb("study", "run", join(ROOT, "fixtures/study/micro_dataset.yaml"), "-o", study, "--workers", "1");
      const studyWall = seconds(t0);
      assb("dataset", study, "-o", dsFile);
      const n = readCsvRows(dsFile).length;
      info.generation = {
        runs: fluxes.length * 3,
        rows: n,
        wall_s: seconds(t0),
        study_wall_s: studyWall,
        how: "assb study run fixtures/study/micro_dataset.yaml --workers 1; assb dataset",
      };
    }
    console.log(`${set}: ${info.generation.rows} rows from ${info.generation.runs} runs in ${info.generation.wall_s.toFixed(1)} s`);
  }
  const recorded = readCsvRows(dsFile);
  const runs = runsOf(recorded);
  const prepared = runs.flatMap((r) => resampled(r, RESAMPLE[set], true));
  info.prepared = { rows: prepared.length, perRun: RESAMPLE[set] };
  const range = (i) => [Math.min(...prepared.map((r) => r[i])), Math.max(...prepared.map((r) => r[i]))];
  const modelDir = join(ROOT, "models", `surrogate-001-${set}`);
  rmSync(modelDir, { recursive: true, force: true });
  mkdirSync(modelDir, { recursive: true });
  const nets = [];
  for (const net of spec.nets) {
    const rows = prepared.filter((r) => inRange(r[1], net.flux));
    const name = `${set}-${net.id}`;
    writeCsv(join(WORK, `${name}.csv`), rows);
    const cfgSrc = join(ROOT, "fixtures/surrogate", `001-${name}.yaml`);
    const cfg = parseYaml(readFileSync(cfgSrc, "utf8"));
    if (cfg.data.file !== `${name}.csv`) throw new Error(`${cfgSrc}: data.file = ${cfg.data.file}: expected ${name}.csv`);
    copyFileSync(cfgSrc, join(WORK, `${name}.yaml`));
    const runDir = join(WORK, "runs", name);
    rmSync(runDir, { recursive: true, force: true });
    const t0 = performance.now();
    assb("train", join(WORK, `${name}.yaml`), "-o", runDir, "-q");
    const wall = seconds(t0);
    const m = metrics(runDir, rows, spec.outputs, true);
    const dst = join(modelDir, net.id);
    mkdirSync(dst, { recursive: true });
    for (const f of ["model.json", "weights.bin", "assb-model.json"]) copyFileSync(join(runDir, "model", f), join(dst, f));
    const entry = {
      dir: net.id,
      flux_mol_m2_s: net.flux,
      hidden: cfg.model.hidden,
      rows: rows.length,
      config: `fixtures/surrogate/001-${name}.yaml`,
      train_wall_s: Number(wall.toFixed(1)),
      test: {
        n: m.n,
        r2: m.rates.map((x) => x.r2),
        mse: m.rates.map((x) => x.mse),
        r2PerFlux: m.own.map((x) => x.r2),
        msePerFlux: m.own.map((x) => x.mse),
      },
    };
    nets.push(entry);
    console.log(
      `${name}: ${rows.length} rows, hidden ${cfg.model.hidden}, ${wall.toFixed(1)} s; test R2 ${entry.test.r2.map((v) => v?.toFixed(5)).join(", ")}`,
    );
  }
  const manifest = {
    kind: "assbkit.multiscale.surrogate",
    format: 1,
    name: `surrogate-001-${set}`,
    inputs: spec.inputs,
    outputs: spec.outputs,
    outputsPerFlux: true,
    particle: {
      geometry: spec.geometry,
      radius_m: R,
      maxConcentration_mol_m3: CMAX,
      initialConcentrationNorm: 0.5,
      diffusivity_m2_s: D,
      // the micro model's own S/V: the mesh of the dataset (resolution 2) is a polygon, P_h / A_h = (2/R) / cos(pi/n_k),
      // so its mean concentration gains J_s P_h / A_h (0.48 % above 2/R); the cell takes its specific area from this
      ...(set === "damage" ? { surfacePerVolume_1_m: await microSurfacePerVolume(2) } : {}),
    },
    trainedOn: {
      ...(set === "damage" ? { fractureEnergy_J_m2: [4.21, 13.92] } : {}),
      flux_mol_m2_s: [Math.min(...fluxes), Math.max(...fluxes)],
      c_surf_norm: range(2),
      c_bulk_norm: range(3),
      rows: prepared.length,
      dataset:
        (set === "damage"
          ? "micro FE runs (fixtures/study/micro_dataset.yaml: 87 J_s x Gc 4.21/5.97/13.92, to max c~ 0.99 or 72,000 s)"
          : `sphere runs (host/multiscale/sphere.ts, 87 J_s of fixtures/study/micro_dataset.yaml, to c~_surf 0.99 or 72,000 s, tolerance ${SPHERE_TOLERANCE})`) +
        `; each run resampled on ${RESAMPLE[set]} uniform output times, rates = forward differences over them (eq 37-39) divided by J_s; scripts/surrogate-001.mjs`,
    },
    note: "outputsPerFlux: each net returns the rates divided by J_s [m^2/mol]; multiply by J_s [mol/(m^2 s)] for 1/s. test.r2/mse: test split, on the rates x J_s [1/s, 1/s^2]; r2PerFlux/msePerFlux: in the nets' own units (a constant output has r2 null or meaningless).",
    nets,
  };
  writeFileSync(join(modelDir, "surrogate.json"), JSON.stringify(manifest, null, 2) + "\n");
  info.nets = nets;
  info.trainedOn = manifest.trainedOn;
  writeFileSync(join(WORK, "summary.json"), JSON.stringify(summary, null, 2) + "\n");
}

// the numbers report
const lines = ["# surrogate-001: numbers (scripts/surrogate-001.mjs)", ""];
for (const [set, info] of Object.entries(summary)) {
  const outs = SETS[set].outputs;
  lines.push(`## ${set}`, "");
  if (info.generation)
    lines.push(
      `dataset: ${info.generation.rows} recorded rows from ${info.generation.runs} runs in ${info.generation.wall_s.toFixed(1)} s (${info.generation.how}); trained on ${info.prepared.rows} resampled rows`,
      "",
    );
  lines.push(
    `| net | J_s range | hidden | rows | train s | ${outs.map((o) => `R² ${o}`).join(" | ")} | ${outs.map((o) => `MSE ${o}`).join(" | ")} |`,
    `|${"---|".repeat(5 + 2 * outs.length)}`,
  );
  for (const n of info.nets ?? [])
    lines.push(
      `| ${n.dir} | ${n.flux_mol_m2_s.join(" – ")} | ${n.hidden} | ${n.rows} | ${n.train_wall_s} | ${n.test.r2.map((v) => (v === null ? "n/a" : v.toFixed(5))).join(" | ")} | ${n.test.mse.map((v) => v.toExponential(2)).join(" | ")} |`,
    );
  lines.push("");
}
writeFileSync(join(WORK, "report.md"), lines.join("\n"));
console.log(`wrote ${join(WORK, "report.md")}`);
