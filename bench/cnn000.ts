/**
 * Paper 000 (Komori et al. 2022) end to end: the 2D DEM dataset, model A, the figures.
 *  1. Dataset: the section2d study (fixtures/cnn000/dataset.yaml: 5 AM fractions x 10 initial widths x 10
 *     seeds = 500 structures pressed to 40 um; --quick: dataset_quick.yaml, the first 4 seeds = 200) on one
 *     worker, resumable (finished cases are skipped), then labels.csv (section2dLabels).
 *  2. Model A (fixtures/cnn000/train.yaml; split 64/16/20 % = 320/80/100 at 500), checkpointed every epoch:
 *     a rerun resumes an unfinished training and reuses a finished one (--retrain starts over).
 *  3. R² and MAPE per output on the test split next to the paper's numbers (R² 0.921 for the reaction area,
 *     "positive for all" the others), the backend and the times.
 *  4. Figures in bench/results/cnn000/: fig4a_5b_pred_vs_dem.png (one panel per output), fig4b_se_stress.png
 *     (one test structure's SE stress histogram vs the predicted Gaussian), fig4c_gradcam_*.png (+ the share
 *     of heat on AM-SE interface pixels), fig5c_reaction_area_vs_am_size.png (DEM, fixed compression).
 *  5. The paper's findings checked on the DEM labels: smaller AM -> larger reaction area at equal AM fraction,
 *     larger AM fraction -> larger reaction area (a linear fit with both, and the compression ratio).
 *   npm run bench -- cnn000 [--quick] [--out studies/cnn000/dataset] [--epochs N] [--retrain] [--ship models/cnn000-stress]
 */
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import type { TopLevelSpec } from "vega-lite";
import { loadStudy } from "../host/study/schema.js";
import { runStudy } from "../host/study/run.js";
import { section2dLabels } from "../host/study/section2d_kind.js";
import { readConfigFile } from "../host/config/load.js";
import { parseCsv } from "../host/io/csv.js";
import { decodePng } from "../host/io/png.js";
import { writeFileAtomic } from "../host/io/atomic.js";
import { renderPng } from "../host/plot/render.js";
import { progressBar } from "../host/cli/progress.js";

const OUT = "bench/results/cnn000";
/** the paper's test-split R² where it gives a number (§3.3); the others: "positive for all items" (§3.1) */
const PAPER_R2: Record<string, number> = { reactionArea_m2: 0.921 };

function arg(args: string[], name: string, def: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
}
const flag = (args: string[], name: string) => args.includes(`--${name}`);
const f = (x: number | null | undefined, d = 3) =>
  x === null || x === undefined || !Number.isFinite(x)
    ? "-"
    : Math.abs(x) >= 1e4 || (Math.abs(x) < 1e-3 && x !== 0)
      ? x.toExponential(d)
      : x.toFixed(d);

/** numeric columns of a CSV by name */
function readTable(path: string): { columns: string[]; rows: string[][]; col: (n: string) => number[]; str: (n: string) => string[] } {
  const t = parseCsv(readFileSync(path, "utf8"), path);
  const idx = (n: string) => {
    const c = t.columns.indexOf(n);
    if (c < 0) throw new Error(`${path}: no column ${n}`);
    return c;
  };
  return { ...t, col: (n) => t.rows.map((r) => Number(r[idx(n)])), str: (n) => t.rows.map((r) => r[idx(n)]) };
}

/** least squares y ~ 1 + X (normal equations, Gauss-Jordan); X standardised so the coefficients compare */
function linfit(y: number[], X: number[][]): { coef: number[]; r2: number } {
  const n = y.length,
    p = X.length + 1;
  const cols = [y.map(() => 1), ...X.map((c) => c)];
  const A = Array.from({ length: p }, () => new Array<number>(p + 1).fill(0));
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < p; j++) for (let k = 0; k < n; k++) A[i][j] += cols[i][k] * cols[j][k];
    for (let k = 0; k < n; k++) A[i][p] += cols[i][k] * y[k];
  }
  for (let c = 0; c < p; c++) {
    let piv = c;
    for (let r = c + 1; r < p; r++) if (Math.abs(A[r][c]) > Math.abs(A[piv][c])) piv = r;
    [A[c], A[piv]] = [A[piv], A[c]];
    for (let r = 0; r < p; r++) {
      if (r === c) continue;
      const m = A[r][c] / A[c][c];
      for (let j = c; j <= p; j++) A[r][j] -= m * A[c][j];
    }
  }
  const coef = A.map((row, i) => row[p] / row[i]);
  const mean = y.reduce((a, b) => a + b, 0) / n;
  let ssr = 0,
    sst = 0;
  for (let k = 0; k < n; k++) {
    const yh = cols.reduce((s, c, i) => s + coef[i] * c[k], 0);
    ssr += (y[k] - yh) ** 2;
    sst += (y[k] - mean) ** 2;
  }
  return { coef, r2: 1 - ssr / sst };
}
const standardise = (v: number[]) => {
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  const s = Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1)) || 1;
  return v.map((x) => (x - m) / s);
};
/** Spearman rank correlation */
function spearman(a: number[], b: number[]): number {
  const rank = (v: number[]) => {
    const o = v.map((x, i) => [x, i]).sort((p, q) => p[0] - q[0]);
    const r = new Array(v.length);
    o.forEach(([, i], k) => (r[i] = k));
    return r as number[];
  };
  const ra = rank(a),
    rb = rank(b),
    n = a.length;
  const d2 = ra.reduce((s, x, i) => s + (x - rb[i]) ** 2, 0);
  return 1 - (6 * d2) / (n * (n * n - 1));
}

const UNIT_SCALE: Record<string, [number, string]> = {
  AM_stress_mean_Pa: [1e-6, "AM stress mean [MPa]"],
  AM_stress_sd_Pa: [1e-6, "AM stress SD [MPa]"],
  SE_stress_mean_Pa: [1e-6, "SE stress mean [MPa]"],
  SE_stress_sd_Pa: [1e-6, "SE stress SD [MPa]"],
  reactionArea_m2: [1e12, "reaction area [um^2]"],
  amAreaFraction: [1, "AM area fraction [-]"],
  amMeanDiameter_m: [1e6, "AM mean diameter [um]"],
  amSd_m: [1e6, "AM diameter SD [um]"],
  compressionRatio: [1, "compression ratio [-]"],
};

export async function main(args: string[]): Promise<void> {
  const quick = flag(args, "quick");
  const studyFile = arg(args, "study", quick ? "fixtures/cnn000/dataset_quick.yaml" : "fixtures/cnn000/dataset.yaml");
  const dir = resolve(arg(args, "out", quick ? "studies/cnn000/dataset" : "studies/cnn000/paper"));
  const trainFile = arg(args, "train", "fixtures/cnn000/train.yaml");
  const ship = arg(args, "ship", "");
  mkdirSync(OUT, { recursive: true });

  // 1. dataset
  const study = await loadStudy(studyFile);
  const bar = progressBar();
  const tD = performance.now();
  let ranCases = 0;
  const sum = await runStudy(study, dir, {
    workers: 1,
    onProgress: (p) => {
      ranCases = p.ran;
      bar.update("dataset", p.done + p.failed, p.total, `${p.failed} failed`);
    },
  });
  bar.done();
  const datasetWall = (performance.now() - tD) / 1000;
  const lab = section2dLabels(dir);
  const labels = readTable(lab.file);
  console.log(`cnn000: paper 000 (Komori et al. 2022) 2D DEM -> section images -> model A`);
  console.log(`dataset: ${studyFile} -> ${relative(process.cwd(), dir)}`);
  console.log(
    `  ${sum.total} cases: ${lab.rows} structures with labels, ${lab.failed.length} failed (left out); ${ranCases} run now in ${datasetWall.toFixed(0)} s on 1 worker`,
  );
  if (labels.columns.includes("reachedWidth_m")) {
    const reached = labels.col("reachedWidth_m");
    const short = reached.filter((w) => w > 40.001e-6);
    if (short.length)
      console.log(
        `  ${short.length} jammed past the overlap limit (SE disc squeezed past 0.75 R) before 40 um and were held there (onLimit: stop): reached ${f(Math.min(...short) * 1e6, 2)}-${f(Math.max(...short) * 1e6, 2)} um`,
      );
  }
  // per-case wall time from the case records (the whole study, also cases run by earlier calls)
  const walls = readdirSync(join(dir, "cases"))
    .filter((d) => !d.endsWith(".tmp"))
    .map((d) => JSON.parse(readFileSync(join(dir, "cases", d, "case.json"), "utf8")).wall_s as number);
  const tot = walls.reduce((a, b) => a + b, 0);
  console.log(
    `  time per structure (pack + compress2d + report + section image): mean ${(tot / walls.length).toFixed(2)} s, max ${Math.max(...walls).toFixed(2)} s; all ${walls.length}: ${(tot / 60).toFixed(1)} min of one core`,
  );

  // 2. model A
  const { parseTrainConfig, runTrainConfig } = await import("../host/ml/config.js");
  const { initMl } = await import("../host/ml/backend.js");
  const raw = readConfigFile(trainFile) as Record<string, unknown>;
  const cfg = parseTrainConfig(raw, trainFile);
  cfg.data = { ...cfg.data, dir, labels: lab.file } as typeof cfg.data;
  const epochs = arg(args, "epochs", "");
  if (epochs) cfg.train.epochs = Number(epochs);
  const trainDir = join(dir, "train");
  const resultFile = join(trainDir, "result.json");
  if (flag(args, "retrain")) rmSync(trainDir, { recursive: true, force: true });
  const { info } = await initMl({ backend: cfg.backend });
  let result: import("../host/ml/train.js").TrainResult;
  let trainWall: number;
  const hist = () => (existsSync(join(trainDir, "history.csv")) ? readTable(join(trainDir, "history.csv")) : null);
  if (existsSync(resultFile) && existsSync(join(trainDir, "model", "model.json"))) {
    result = JSON.parse(readFileSync(resultFile, "utf8"));
    trainWall =
      hist()
        ?.col("seconds")
        .reduce((a, b) => a + b, 0) ?? Number.NaN;
    console.log(`model A: reusing ${relative(process.cwd(), trainDir)} (--retrain to train again)`);
  } else {
    const resume = existsSync(join(trainDir, "checkpoint", "checkpoint.bin"));
    const tb = progressBar();
    const t0 = performance.now();
    const r = await runTrainConfig(cfg, {
      outDir: trainDir,
      resume,
      onProgress: (p) =>
        tb.update(
          "train",
          p.step,
          p.totalSteps,
          p.ended
            ? `epoch ${p.epoch}/${p.epochs} loss ${p.ended.loss.toExponential(3)} val ${p.ended.valLoss?.toExponential(3)}`
            : `epoch ${p.epoch}/${p.epochs}`,
        ),
    }).finally(() => tb.done());
    result = r.result;
    trainWall = (performance.now() - t0) / 1000;
    if (resume) console.log(`model A: resumed from the checkpoint in ${relative(process.cwd(), trainDir)}`);
  }
  const s = result.samples;
  const epochSeconds = hist()?.col("seconds") ?? [];
  console.log(
    `model A (Table 2, ${result.model.params} parameters): ${s.train}/${s.val}/${s.test} train/val/test images, ${result.epochsRun} epochs (best ${result.bestEpoch}), batch ${cfg.train.batchSize}, Adam lr ${cfg.train.learningRate} -> ${cfg.train.minLearningRate}`,
  );
  console.log(
    `  backend ${result.backend} (${info.backend}, 1 thread); training ${f(trainWall / 60, 1)} min, ${f(epochSeconds.reduce((a, b) => a + b, 0) / Math.max(1, epochSeconds.length), 1)} s per epoch`,
  );

  // 3. metrics vs the paper
  console.log("\ntest split (DEM vs CNN)          R²        MAPE      paper R²");
  for (const m of result.metrics.test) {
    const paper = PAPER_R2[m.name];
    const r2 = m.r2 === null ? `undefined (${m.reason?.r2 ?? "constant"})` : m.r2.toFixed(3);
    const beat =
      paper !== undefined
        ? m.r2 !== null && m.r2 >= paper
          ? "  (>= paper)"
          : "  (below paper)"
        : m.r2 !== null && m.r2 > 0
          ? "  (> 0 as the paper)"
          : "  (not > 0)";
    console.log(
      `  ${m.name.padEnd(30)} ${r2.padStart(7)}  ${m.mape_pct === null ? "-" : `${m.mape_pct.toFixed(2)} %`.padStart(8)}   ${paper !== undefined ? paper.toFixed(3) : "> 0"}${beat}`,
    );
  }

  // 4. figures
  const pred = readTable(join(trainDir, "test_predictions.csv"));
  const outNames = cfg.data.outputs;
  const sc = Object.fromEntries(outNames.map((n) => [n, UNIT_SCALE[n] ?? [1, n]])) as Record<string, [number, string]>;
  const r2Of = Object.fromEntries(result.metrics.test.map((m) => [m.name, m.r2]));
  const panels = outNames.map((n) => {
    const t = pred.col(n).map((v) => v * sc[n][0]),
      p = pred.col(`${n}_pred`).map((v) => v * sc[n][0]);
    const lo = Math.min(...t, ...p),
      hi = Math.max(...t, ...p);
    // labels spanning decades (unloaded vs jammed frames) on log axes
    const type = lo > 0 && hi / lo > 100 ? "log" : "linear";
    return {
      width: 200,
      height: 200,
      title: `${sc[n][1]}  R² ${f(r2Of[n])}`,
      layer: [
        {
          data: { values: t.map((x, k) => ({ dem: x, cnn: p[k] })) },
          mark: { type: "point", filled: true, size: 18, opacity: 0.7 },
          encoding: {
            x: { field: "dem", type: "quantitative", title: `DEM${type === "log" ? " (log)" : ""}`, scale: { type, domain: [lo, hi] } },
            y: { field: "cnn", type: "quantitative", title: `CNN${type === "log" ? " (log)" : ""}`, scale: { type, domain: [lo, hi] } },
          },
        },
        {
          data: {
            values: [
              { dem: lo, cnn: lo },
              { dem: hi, cnn: hi },
            ],
          },
          mark: { type: "line", color: "gray", strokeDash: [4, 3] },
          encoding: { x: { field: "dem", type: "quantitative" }, y: { field: "cnn", type: "quantitative" } },
        },
      ],
    };
  });
  const rows: unknown[] = [];
  for (let i = 0; i < panels.length; i += 3) rows.push({ hconcat: panels.slice(i, i + 3) });
  writeFileAtomic(
    join(OUT, "fig4a_5b_pred_vs_dem.png"),
    await renderPng({ title: `Model A on the ${s.test} test images: CNN vs DEM (Fig 4A, 5B)`, vconcat: rows } as unknown as TopLevelSpec),
  );

  // Fig 4B: the test structure with the median SE stress: DEM histogram vs the predicted Gaussian
  const ids = pred.str("sample");
  const seMean = pred.col("SE_stress_mean_Pa");
  const order = seMean.map((v, k) => [v, k]).sort((a, b) => a[0] - b[0]);
  const k4b = order[Math.floor(order.length / 2)][1];
  const caseDir = join(dir, dirname(ids[k4b]));
  const st = readTable(join(caseDir, "stress.csv"));
  const se = st.str("material").flatMap((m, i) => (m === "SE" ? [st.col("stress_Pa")[i] / 1e6] : []));
  const pm = pred.col("SE_stress_mean_Pa_pred")[k4b] / 1e6,
    ps = pred.col("SE_stress_sd_Pa_pred")[k4b] / 1e6;
  const dm = seMean[k4b] / 1e6,
    ds = pred.col("SE_stress_sd_Pa")[k4b] / 1e6;
  const hiX = Math.max(pm + 3 * ps, dm + 3 * ds);
  const loX = Math.min(0, pm - 3 * ps);
  const nb = 40,
    w = (hiX - loX) / nb;
  const counts = new Array(nb).fill(0);
  let outside = 0;
  for (const v of se) {
    const b = Math.floor((v - loX) / w);
    if (b >= 0 && b < nb) counts[b]++;
    else outside++;
  }
  const dens = counts.map((c, b) => ({ x0: loX + b * w, x1: loX + (b + 1) * w, density: c / (se.length * w) }));
  const gauss = (m: number, sd: number) =>
    Array.from({ length: 200 }, (_, i) => {
      const x = loX + ((hiX - loX) * i) / 199;
      return { x, density: Math.exp(-0.5 * ((x - m) / sd) ** 2) / (sd * Math.sqrt(2 * Math.PI)) };
    });
  writeFileAtomic(
    join(OUT, "fig4b_se_stress.png"),
    await renderPng({
      width: 520,
      height: 320,
      title: `SE stress of test structure ${ids[k4b].split("/")[1]} (Fig 4B): DEM histogram vs CNN Gaussian`,
      layer: [
        {
          data: { values: dens },
          mark: { type: "rect", color: "#7fc7e8" },
          encoding: {
            x: { field: "x0", type: "quantitative", title: "SE particle stress [MPa]" },
            x2: { field: "x1" },
            y: { field: "density", type: "quantitative", title: "probability density [1/MPa]" },
          },
        },
        {
          data: {
            values: [
              ...gauss(pm, ps).map((g) => ({ ...g, curve: "CNN prediction" })),
              ...gauss(dm, ds).map((g) => ({ ...g, curve: "DEM mean/SD" })),
            ],
          },
          mark: { type: "line" },
          encoding: {
            x: { field: "x", type: "quantitative" },
            y: { field: "density", type: "quantitative" },
            color: { field: "curve", type: "nominal", scale: { range: ["red", "gray"] }, title: "" },
          },
        },
      ],
    } as unknown as TopLevelSpec),
  );
  const zeroSe = se.filter((v) => Math.abs(v) < 1e-6).length;
  console.log(
    `\nFig 4B: structure ${ids[k4b]}: ${se.length} SE particles (${outside} beyond ${f(hiX, 0)} MPa, ${zeroSe} without load); DEM ${f(dm, 0)} ± ${f(ds, 0)} MPa, CNN ${f(pm, 0)} ± ${f(ps, 0)} MPa`,
  );

  // Fig 4C: Grad-CAM maps of test images (written by the training), and how much heat sits on AM-SE interfaces
  const camDir = join(trainDir, "gradcam");
  const cams = existsSync(camDir)
    ? readdirSync(camDir)
        .filter((x) => x.endsWith(".png"))
        .sort()
    : [];
  const { loadModel } = await import("../host/ml/save.js");
  const { gradCam } = await import("../host/ml/gradcam.js");
  const lm = await loadModel(join(trainDir, "model"));
  const raIdx = outNames.indexOf("reactionArea_m2");
  const ratios: number[] = [];
  for (const [i, c] of cams.entries()) copyFileSync(join(camDir, c), join(OUT, `fig4c_gradcam_${i + 1}.png`));
  for (const id of ids.slice(0, Math.max(4, Math.min(20, ids.length)))) {
    const im = decodePng(readFileSync(join(dir, id)), id);
    const cam = gradCam(lm.model, lm.scalers.input.transform(im.gray), raIdx);
    const W = im.width;
    // interface pixels: AM (gray) with an SE (white) pixel within 2 px
    let hI = 0,
      nI = 0,
      hA = 0;
    for (let y = 0; y < im.height; y++)
      for (let x = 0; x < W; x++) {
        const g = im.gray[y * W + x];
        hA += cam.heat[y * W + x];
        if (g < 64 || g > 192) continue;
        let near = false;
        for (let dy = -2; dy <= 2 && !near; dy++)
          for (let dx = -2; dx <= 2; dx++) {
            const yy = y + dy,
              xx = x + dx;
            if (yy >= 0 && yy < im.height && xx >= 0 && xx < W && im.gray[yy * W + xx] > 192) {
              near = true;
              break;
            }
          }
        if (near) {
          hI += cam.heat[y * W + x];
          nI++;
        }
      }
    if (nI && hA > 0) ratios.push(hI / nI / (hA / (W * im.height)));
  }
  const mr = ratios.reduce((a, b) => a + b, 0) / Math.max(1, ratios.length);
  console.log(
    `Fig 4C: Grad-CAM of reactionArea_m2 (last conv layer, upsampled to the image) on ${cams.length} test images; mean heat on AM-SE interface pixels / mean heat overall = ${f(mr, 2)} (over ${ratios.length} test images; > 1: the map favours the contacts)`,
  );

  // Fig 5C + findings on the DEM labels of every structure
  const ra = labels.col("reactionArea_m2"),
    dia = labels.col("amMeanDiameter_m"),
    fr = labels.col("amAreaFraction"),
    cr = labels.col("compressionRatio"),
    wid = labels.col("initialWidth_m");
  const fit = linfit(standardise(ra), [standardise(dia), standardise(fr), standardise(cr)]);
  console.log(`\nfindings (DEM labels, ${ra.length} structures; standardised linear fit of the reaction area, R² ${f(fit.r2)}):`);
  console.log(
    `  AM mean diameter: ${f(fit.coef[1])} per SD -> ${fit.coef[1] < 0 ? "smaller AM particles give a larger reaction area (as the paper)" : "NOT as the paper (larger AM -> larger area)"}`,
  );
  console.log(
    `  AM area fraction: ${f(fit.coef[2])} per SD -> ${fit.coef[2] > 0 ? "a larger AM fraction gives a larger reaction area (as the paper)" : "NOT as the paper (larger fraction -> smaller area)"}`,
  );
  console.log(`  compression ratio: ${f(fit.coef[3])} per SD`);
  const pos = ra.map((v, i) => (v > 0 ? i : -1)).filter((i) => i >= 0);
  const lfit = linfit(
    standardise(pos.map((i) => Math.log10(ra[i]))),
    [dia, fr, cr].map((c) => standardise(pos.map((i) => c[i]))),
  );
  console.log(
    `  the same for log10(reaction area) (R² ${f(lfit.r2)}): diameter ${f(lfit.coef[1])}, AM fraction ${f(lfit.coef[2])}, compression ratio ${f(lfit.coef[3])} per SD`,
  );
  const widths = [...new Set(wid)].sort((a, b) => a - b);
  const byW = widths.map((w0) => {
    const k = wid.flatMap((w1, i) => (w1 === w0 ? [i] : []));
    const g = linfit(
      k.map((i) => ra[i]),
      [k.map((i) => dia[i]), k.map((i) => fr[i])],
    );
    return {
      w0,
      n: k.length,
      slope: g.coef[1] * 1e12 * 1e-6,
      rho: spearman(
        k.map((i) => dia[i]),
        k.map((i) => ra[i]),
      ),
    };
  });
  console.log("  per initial width: d(reaction area)/d(AM diameter) at fixed AM fraction [um^2/um], Spearman(diameter, area):");
  for (const b of byW) console.log(`    ${f(b.w0 * 1e6, 0)} um (n ${b.n}): ${f(b.slope, 3)}, rho ${f(b.rho, 2)}`);
  const sel = [widths[0], widths[Math.floor(widths.length / 2)], widths.at(-1)!];
  writeFileAtomic(
    join(OUT, "fig5c_reaction_area_vs_am_size.png"),
    await renderPng({
      title: "Reaction area vs AM particle size at fixed compression (Fig 5C; DEM, colour = AM area fraction)",
      hconcat: sel.map((w0) => ({
        width: 260,
        height: 240,
        title: `initial width ${f(w0 * 1e6, 0)} um -> 40 um`,
        data: {
          values: ra.flatMap((v, i) => (wid[i] === w0 ? [{ d: dia[i] * 1e6, area: v * 1e12, fraction: fr[i] }] : [])),
        },
        mark: { type: "point", filled: true, size: 40 },
        encoding: {
          x: { field: "d", type: "quantitative", title: "AM mean diameter [um]", scale: { zero: false } },
          y: { field: "area", type: "quantitative", title: "AM-SE reaction area [um^2] (log)", scale: { type: "log" } },
          color: { field: "fraction", type: "quantitative", title: "AM fraction", scale: { scheme: "viridis" } },
        },
      })),
    } as unknown as TopLevelSpec),
  );
  console.log(`\nfigures: ${readdirSync(OUT).sort().join(", ")} in ${OUT}/`);

  if (ship) {
    rmSync(ship, { recursive: true, force: true });
    cpSync(join(trainDir, "model"), ship, { recursive: true });
    console.log(`shipped the model to ${ship}/`);
  }
}
