/**
 * Paper 002 (Le et al.): the conductivity CNN end to end, and its speed against our solver.
 *   1. dataset: the grf studies fixtures/cnn002/dataset.yaml (2850 binary 64x64 GRF images, fraction 0.6-1.0,
 *      series seed 2026, labelled by the transport solver: current at sigma = 1 S/m, V = 1 V across the rows) and
 *      dataset400.yaml (200 images 400x400) on 2 workers into studies/cnn002/img64 and img400 (resumable),
 *      joined into images.json + labels.csv there (grfStudyDataset);
 *   2. model B (EfficientNetV2-style, from scratch, warm-up + cosine) trained on 2500/175/175 with
 *      fixtures/cnn002/train.yaml, exactly as `assb train` does (runTrainConfig);
 *   3. test MAPE and R² next to the paper's 4.0 %, Fig 3/4 equivalents as PNGs;
 *   4. speed: CNN inference per image (with and without model load) vs the solver per image, at
 *      64x64 and 400x400, solver on 1 and 2 worker threads.
 *   npm run bench -- cnn002 [--trained <dir>] [--epochs N] [--ship]
 *     --trained: an `assb train fixtures/cnn002/train.yaml -o <dir>` output to evaluate instead of training
 *     --ship: copy the trained model to models/cnn002-conductivity
 */
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { execFileSync } from "node:child_process";
import { loadavg } from "node:os";
import type { TopLevelSpec } from "vega-lite";
import { readConfigFile } from "../host/config/load.js";
import { parseCsv } from "../host/io/csv.js";
import { loadCore } from "../host/core/wasm.js";
import { loadStudy } from "../host/study/schema.js";
import { runStudy } from "../host/study/run.js";
import { grfStudyDataset } from "../host/study/grf_kind.js";
import { readCaseRecord } from "../host/study/case.js";
import { readVolume } from "../host/transport/volume.js";
import { solveImagesParallel } from "../host/transport/images_pool.js";
import { initMl } from "../host/ml/backend.js";
import { parseTrainConfig, runTrainConfig } from "../host/ml/config.js";
import { loadModel, predict } from "../host/ml/save.js";
import { buildModelB } from "../host/ml/models.js";
import { regressionMetrics } from "../host/ml/metrics.js";
import { renderPng } from "../host/plot/render.js";
import { tf } from "../host/ml/tf.js";

const CACHE = "bench/.cache/cnn002";
const CONFIG = "fixtures/cnn002/train.yaml";
const SHIP = "models/cnn002-conductivity";
const PAPER = { mape_pct: 4.0, cnn_s_2500: 9.7, fdm_s_2000_64: 600, fdm_s_2000_400: 39 * 3600, speedup: 72 };
const DATA64 = "studies/cnn002/img64";
const DATA400 = "studies/cnn002/img400";

const ms = (s: number) => `${(1000 * s).toFixed(3)} ms`;
const now = () => performance.now() / 1000;

function column(csv: string, name: string): number[] {
  const t = parseCsv(readFileSync(csv, "utf8"), csv);
  const c = t.columns.indexOf(name);
  return t.rows.map((r) => Number(r[c]));
}

async function png(file: string, spec: TopLevelSpec): Promise<void> {
  writeFileSync(file, await renderPng(spec));
  console.log(`  wrote ${file}`);
}

export async function main(args: string[]): Promise<void> {
  const arg = (k: string) => (args.includes(k) ? args[args.indexOf(k) + 1] : undefined);
  mkdirSync(CACHE, { recursive: true });

  // ---- 1. datasets ----
  const dataset = async (file: string, dir: string) => {
    const t0 = now();
    const sum = await runStudy(await loadStudy(file), dir, { workers: 2 });
    const wall = now() - t0;
    const joined = grfStudyDataset(dir);
    // generation + labelling time per block from the case records (also blocks run by earlier calls)
    const caseSeconds = readdirSync(join(dir, "cases"))
      .filter((d) => !d.endsWith(".tmp"))
      .reduce((a, d) => a + (readCaseRecord(join(dir, "cases", d))?.wall_s ?? 0), 0);
    return { ...joined, ran: sum.ran, wall, caseSeconds };
  };
  const d64 = await dataset("fixtures/cnn002/dataset.yaml", DATA64);
  const np64 = column(d64.labels, "percolates").filter((p) => p === 0).length;
  console.log(
    `dataset 64x64 (fixtures/cnn002/dataset.yaml -> ${DATA64}): ${d64.count} images (corr 2 px, fraction 0.6-1.0, seed 2026) in 19 blocks, generated and labelled (pcg + V-cycle, rtol 1e-8) in ${d64.caseSeconds.toFixed(1)} s of worker time (${ms(d64.caseSeconds / d64.count)} per image; ${d64.ran} blocks run now in ${d64.wall.toFixed(1)} s on 2 workers); ${np64} do not percolate (I = 0)`,
  );
  const d400 = await dataset("fixtures/cnn002/dataset400.yaml", DATA400);
  const n400 = d400.count;
  console.log(
    `dataset 400x400 (fixtures/cnn002/dataset400.yaml -> ${DATA400}): ${n400} images generated and labelled in ${d400.caseSeconds.toFixed(1)} s of worker time: ${ms(d400.caseSeconds / n400)} per image (paper: 39 h for 2000, ${(PAPER.fdm_s_2000_400 / 2000).toFixed(0)} s per image)`,
  );

  // ---- 2. training ----
  const cfgRaw = readConfigFile(CONFIG) as Record<string, unknown>;
  const epochs = arg("--epochs");
  if (epochs) (cfgRaw.train as Record<string, unknown>).epochs = Number(epochs);
  const cfg = parseTrainConfig(cfgRaw, CONFIG);
  let trainDir = arg("--trained");
  const { info } = await initMl({ backend: cfg.backend });
  let trainSeconds: number;
  if (trainDir) {
    const r = JSON.parse(readFileSync(join(trainDir, "result.json"), "utf8"));
    trainSeconds = r.seconds;
    console.log(
      `training: evaluated ${trainDir} (assb train ${CONFIG}, the same dataset): backend ${r.backend}, ${r.epochsRun} epochs in ${(r.seconds / 60).toFixed(1)} min (${(r.seconds / r.epochsRun).toFixed(0)} s per epoch), best epoch ${r.bestEpoch}`,
    );
  } else {
    trainDir = join(CACHE, "train");
    const t0 = now();
    const { result } = await runTrainConfig(cfg, { outDir: trainDir, baseDir: resolve("fixtures/cnn002") });
    trainSeconds = now() - t0;
    console.log(
      `training: backend ${result.backend} (${info.package}, threads ${info.threads ?? "-"}), ${result.epochsRun} epochs in ${(trainSeconds / 60).toFixed(1)} min (${(trainSeconds / result.epochsRun).toFixed(0)} s per epoch), best epoch ${result.bestEpoch}`,
    );
  }

  // ---- 3. accuracy ----
  const tp = join(trainDir, "test_predictions.csv");
  const truth = column(tp, "current_A"),
    pred = column(tp, "current_A_pred");
  const [m] = regressionMetrics(pred, truth, ["current_A"]);
  const perc = truth.map((t, i) => [t, pred[i]]).filter(([t]) => t > 0);
  const maxAbsZero = Math.max(0, ...truth.map((t, i) => (t === 0 ? Math.abs(pred[i]) : 0)));
  console.log(
    `test (175 images): MAPE ${m.mape_pct!.toFixed(2)} % over the ${perc.length} percolating images (paper 4.0 %, target <= 4.0 %, goal <= 2 %), R² ${m.r2!.toFixed(4)}, RMSE ${Math.sqrt(m.mse).toExponential(3)} A${truth.length > perc.length ? `; ${truth.length - perc.length} non-percolating (I = 0, left out of MAPE) predicted within ${maxAbsZero.toFixed(4)} A` : "; no non-percolating image in the test split"}`,
  );
  const frac = (() => {
    const all = column(d64.labels, "conductive_fraction");
    const ids = column(tp, "sample");
    return ids.map((i) => all[i]);
  })();
  for (const [lo, hi] of [
    [0.6, 0.7],
    [0.7, 0.8],
    [0.8, 0.9],
    [0.9, 1.0001],
  ]) {
    const k = truth.map((_, i) => i).filter((i) => frac[i] >= lo && frac[i] < hi && truth[i] > 0);
    const mape = (100 * k.reduce((a, i) => a + Math.abs(pred[i] / truth[i] - 1), 0)) / Math.max(1, k.length);
    console.log(`  fraction ${lo.toFixed(1)}-${Math.min(1, hi).toFixed(1)}: ${k.length} images, MAPE ${mape.toFixed(2)} %`);
  }
  // the same test images through a model (this one, or --compare <model dir>: e.g. one trained on other images),
  // plain and averaged over the 4 mirrors (each keeps the current: test-time augmentation)
  const vol64 = readVolume(d64.images);
  const testIds = column(tp, "sample");
  const testX = new Uint8Array(testIds.length * 4096);
  testIds.forEach((id, k) => testX.set(vol64.data.subarray(id * 4096, (id + 1) * 4096), k * 4096));
  const mirrored = (how: number) => {
    const out = new Uint8Array(testX.length);
    for (let k = 0; k < testIds.length; k++)
      for (let y = 0; y < 64; y++)
        for (let x = 0; x < 64; x++) out[k * 4096 + y * 64 + x] = testX[k * 4096 + (how & 2 ? 63 - y : y) * 64 + (how & 1 ? 63 - x : x)];
    return out;
  };
  const mape = (p: ArrayLike<number>) => {
    const k = truth.map((_, i) => i).filter((i) => truth[i] > 0);
    return (100 * k.reduce((a, i) => a + Math.abs(p[i] / truth[i] - 1), 0)) / k.length;
  };
  for (const dir of [join(trainDir, "model"), ...args.flatMap((a, i) => (a === "--compare" ? [args[i + 1]] : []))]) {
    const mdl = await loadModel(dir);
    const plain = predict(mdl, testX, 32);
    const avg = new Float64Array(testIds.length);
    for (let how = 0; how < 4; how++) predict(mdl, how ? mirrored(how) : testX, 32).forEach((v, i) => (avg[i] += v / 4));
    const t = mdl.meta.training as { samples?: { train: number }; source?: string } | undefined;
    console.log(
      `  ${dir} (trained on ${t?.samples?.train ?? "?"} images of ${t?.source ?? "?"}): test MAPE ${mape(plain).toFixed(2)} %, averaged over the 4 mirrors ${mape(avg).toFixed(2)} %`,
    );
  }
  const hist = parseCsv(readFileSync(join(trainDir, "history.csv"), "utf8"), "history");
  const lc = hist.rows.flatMap((r) => [
    { epoch: Number(r[0]), loss: Number(r[1]), set: "train" },
    { epoch: Number(r[0]), loss: Number(r[2]), set: "validation" },
  ]);
  const lim = [0, Math.max(...truth, ...pred) * 1.05];
  await png("bench/results/cnn002-fig4-scatter.png", {
    width: 360,
    height: 360,
    title: `Test split: CNN vs solver current (MAPE ${m.mape_pct!.toFixed(2)} %, R² ${m.r2!.toFixed(4)})`,
    layer: [
      {
        data: { values: lim.map((v) => ({ a: v, b: v })) },
        mark: { type: "line", color: "gray" },
        encoding: { x: { field: "a", type: "quantitative" }, y: { field: "b", type: "quantitative" } },
      },
      {
        data: { values: truth.map((t, i) => ({ solver: t, cnn: pred[i], fraction: frac[i] })) },
        mark: { type: "point", filled: true, size: 18 },
        encoding: {
          x: { field: "solver", type: "quantitative", title: "solver current I [A] (sigma 1 S/m, V 1 V)", scale: { domain: lim } },
          y: { field: "cnn", type: "quantitative", title: "CNN current [A]", scale: { domain: lim } },
          color: { field: "fraction", type: "quantitative", title: "conductive fraction", scale: { scheme: "viridis" } },
        },
      },
    ],
  } as TopLevelSpec);
  await png("bench/results/cnn002-error-hist.png", {
    width: 420,
    height: 260,
    title: "Test split: relative error of the CNN current (percolating images)",
    data: { values: perc.map(([t, p]) => ({ err: (100 * (p - t)) / t })) },
    mark: "bar",
    encoding: {
      x: { field: "err", type: "quantitative", bin: { maxbins: 40 }, title: "(I_cnn - I_solver) / I_solver [%]" },
      y: { aggregate: "count", type: "quantitative", title: "images" },
    },
  });
  await png("bench/results/cnn002-fig3-labels.png", {
    width: 420,
    height: 280,
    title: "Dataset: solver current of the 2850 images vs conductive fraction",
    data: {
      values: (() => {
        const f = column(d64.labels, "conductive_fraction");
        return column(d64.labels, "current_A").map((I, i) => ({ I, f: f[i] }));
      })(),
    },
    mark: { type: "point", filled: true, size: 8, opacity: 0.5 },
    encoding: {
      x: { field: "f", type: "quantitative", title: "conductive fraction", scale: { zero: false } },
      y: { field: "I", type: "quantitative", title: "current I [A]" },
    },
  });
  await png("bench/results/cnn002-learning-curve.png", {
    width: 420,
    height: 260,
    title: cfg.train.loss === "relative" ? "Learning curve (relative loss)" : "Learning curve (scaled MSE)",
    data: { values: lc },
    mark: { type: "line", point: true },
    encoding: {
      x: { field: "epoch", type: "quantitative" },
      y: {
        field: "loss",
        type: "quantitative",
        scale: { type: "log" },
        title: cfg.train.loss === "relative" ? "weighted squared relative error (mean 1 weight)" : "MSE (min-max scaled current)",
      },
      color: { field: "set", type: "nominal" },
    },
  });

  // ---- 4. speed ----
  console.log(
    `speed (this machine, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")} at the start; CNN: tfjs ${info.backend}, ${info.threads ?? 1} thread; solver: pcg + V-cycle, rtol 1e-8)`,
  );
  const k = await loadCore();
  const b64 = readVolume(d64.images);
  // fastest correct settings: rtol 1e-8 labels vs a looser stop
  const solveT = async (batch: typeof b64, workers: number, rtol: number) => {
    const t0 = now();
    const r = await solveImagesParallel(k, batch, { axis: 0, conductorCodes: [1], solver: { rtol } }, { workers });
    return { s: now() - t0, I: r.map((x) => x.current_A) };
  };
  const s1 = await solveT(b64, 1, 1e-8),
    s2 = await solveT(b64, 2, 1e-8),
    s2l = await solveT(b64, 2, 1e-5);
  const dev = Math.max(...s2l.I.map((I, i) => (s2.I[i] > 0 ? Math.abs(I / s2.I[i] - 1) : Math.abs(I))));
  console.log(
    `  solver 64x64, 2850 images: 1 thread ${ms(s1.s / 2850)}/image, 2 worker threads ${ms(s2.s / 2850)}/image; rtol 1e-5: ${ms(s2l.s / 2850)}/image (currents within ${dev.toExponential(1)} of rtol 1e-8)`,
  );
  const l0 = now();
  const lm = await loadModel(join(trainDir, "model"));
  const x175 = b64.data.subarray(0, 175 * 4096);
  predict(lm, x175.subarray(0, 4096), 1);
  const load = now() - l0;
  const inf = (x: Uint8Array, n: number, batch: number, model = lm) => {
    predict(model, x.subarray(0, (x.length / n) * Math.min(n, batch)), batch); // warm-up of this batch shape
    const t0 = now();
    predict(model, x, batch);
    return (now() - t0) / n;
  };
  const c64b32 = inf(b64.data.subarray(0, 2500 * 4096), 2500, 32),
    c64b1 = inf(x175, 175, 1);
  console.log(
    `  CNN 64x64 (${lm.model.countParams()} weights): batch 32 ${ms(c64b32)}/image (2500 images: ${(2500 * c64b32).toFixed(1)} s; paper 9.7 s), batch 1 ${ms(c64b1)}/image; model load + first prediction ${load.toFixed(2)} s -> incl. load, 175 images at batch 32: ${ms((load + 175 * c64b32) / 175)}/image`,
  );
  // whole CLI process: Node start, tfjs, model load, read, predict, CSV
  const cliT0 = now();
  execFileSync(
    process.execPath,
    ["--import", "tsx", "host/cli/main.ts", "predict", join(trainDir, "model"), d64.images, "-o", join(CACHE, "cli_pred.csv")],
    {
      stdio: "ignore",
    },
  );
  const cliS = now() - cliT0;
  console.log(
    `  assb predict (whole process incl. Node + tfjs start, model load) on the 2850-image batch: ${cliS.toFixed(1)} s, ${ms(cliS / 2850)}/image`,
  );
  // 400x400: the same architecture at 400x400 input (speed does not depend on the weights)
  const b400 = readVolume(d400.images);
  const n40 = Math.min(n400, 40);
  const b40 = { ...b400, shape: [n40, 400, 400], data: b400.data.subarray(0, n40 * 160000) };
  const per400_1 = (await solveT(b40, 1, 1e-8)).s / n40;
  const per400_2 = (await solveT(b40, 2, 1e-8)).s / n40;
  const m400 = buildModelB({ inputSize: 400, outputs: 1 }, 1);
  const big = { model: m400, scalers: lm.scalers, meta: { ...lm.meta, inputShape: [400, 400, 1] } };
  const n400c = Math.min(n400, 32);
  const c400 = inf(b400.data.subarray(0, n400c * 160000), n400c, 8, big);
  m400.dispose();
  console.log(
    `  solver 400x400: 1 thread ${ms(per400_1)}/image, 2 worker threads ${ms(per400_2)}/image; CNN 400x400 (same architecture, batch 8): ${ms(c400)}/image`,
  );
  console.log("");
  console.log("| image | CNN per image (batch) | CNN incl. model load | solver 1 thread | solver 2 threads | faster |");
  console.log("|---|---|---|---|---|---|");
  const row = (size: string, c: number, cb: string, withLoad: string, a: number, b: number) =>
    console.log(
      `| ${size} | ${ms(c)} (${cb}) | ${withLoad} | ${ms(a)} | ${ms(b)} | ${c < Math.min(a, b) ? `CNN ${(Math.min(a, b) / c).toFixed(1)}x` : `solver ${(c / Math.min(a, b)).toFixed(1)}x`} (vs the faster solver column) |`,
    );
  row("64x64", c64b32, "batch 32", `${ms((load + 175 * c64b32) / 175)} (175 images)`, s1.s / 2850, s2.s / 2850);
  row("64x64", c64b1, "batch 1", "-", s1.s / 2850, s2.s / 2850);
  row("400x400", c400, "batch 8", `${ms((load + n400c * c400) / n400c)} (${n400c} images)`, per400_1, per400_2);
  console.log(
    `paper: CNN ${ms(PAPER.cnn_s_2500 / 2500)}/image vs its FDM ${ms(PAPER.fdm_s_2000_64 / 2000)}/image at 64x64 (72x claimed), FDM ${(PAPER.fdm_s_2000_400 / 2000).toFixed(0)} s/image at 400x400`,
  );

  if (args.includes("--ship")) {
    if (existsSync(SHIP)) rmSync(SHIP, { recursive: true });
    cpSync(join(trainDir, "model"), SHIP, { recursive: true });
    console.log(`shipped ${join(trainDir, "model")} -> ${SHIP}`);
  }
  void tf;
  void trainSeconds;
}
