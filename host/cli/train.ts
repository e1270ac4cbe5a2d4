/** `assb train <config>` and `assb predict <model> <inputs>`: the ML engine from the command line. */
import type { Command } from "commander";
import { readFileSync, existsSync, statSync } from "node:fs";
import { dirname, extname, join, resolve } from "node:path";
import { readConfigFile } from "../config/load.js";
import { ConfigError } from "../config/errors.js";
import { parseCsv, toCsv } from "../io/csv.js";
import { writeFileAtomic, prepareOutDir, prepareOutFile } from "../io/atomic.js";
import { parseBackend, safeFileName } from "../ml/names.js";
import type { TrainProgress } from "../ml/loop.js";
import { progressBar } from "./progress.js";
// TensorFlow.js loads only when an ML command runs (about 0.3 s that every other command would pay)
const ml = () => import("../ml/index.js");

/** A metric for the console: its value, or why it is undefined. */
const metric = (v: number | null, why: string | undefined, fmt: (x: number) => string) => (v === null ? (why ?? "undefined") : fmt(v));

export function register(program: Command): void {
  program
    .command("train")
    .description(
      "train a model (A: paper 000 CNN, B: EfficientNetV2-style CNN, C: MLP) from a config; writes model/, result.json, history.csv, test_predictions.csv",
    )
    .argument("<config>", "training config (YAML or JSON): model, data, split, train, seed")
    .option("-o, --out <dir>", "output folder", "train-out")
    .option("--resume", "continue from <out>/checkpoint/checkpoint.bin (needs train.checkpointEvery > 0 in the run that wrote it)", false)
    .option("--backend <name>", "auto (default: tfjs-node-gpu, tfjs-node, else wasm + kernel pack), tensorflow, wasm or cpu")
    .option("-q, --quiet", "no progress line and no per-epoch log")
    .action(async (file: string, o: { out: string; resume: boolean; backend?: string; quiet?: boolean }) => {
      // options and the output folder are checked before TensorFlow.js loads
      const asked = parseBackend(o.backend);
      prepareOutDir(o.out);
      const { parseTrainConfig, runTrainConfig, initMl, describeBackend } = await ml();
      const cfg = parseTrainConfig(readConfigFile(file), file);
      const backend = asked ?? cfg.backend;
      const { info } = await initMl({ backend });
      if (!o.quiet) console.log(describeBackend(info)[0]);
      const t0 = performance.now();
      const bar = progressBar();
      const onProgress = (p: TrainProgress) =>
        bar.update(
          "train",
          p.step,
          p.totalSteps,
          p.ended
            ? `epoch ${p.epoch}/${p.epochs} loss ${p.ended.loss.toExponential(3)}${p.ended.valLoss !== null ? ` val ${p.ended.valLoss.toExponential(3)}` : ""}`
            : `epoch ${p.epoch}/${p.epochs}`,
        );
      // the bar's line ends when training ends, also on an error (else the error lands on the bar's line)
      const run = runTrainConfig(
        { ...cfg, backend },
        {
          outDir: o.out,
          baseDir: dirname(resolve(file)),
          resume: o.resume,
          onProgress: o.quiet ? undefined : onProgress,
          onEpoch:
            o.quiet || process.stderr.isTTY || process.env.ASSB_PROGRESS === "1"
              ? undefined
              : (e) =>
                  console.log(
                    `epoch ${e.epoch}: loss ${e.loss.toExponential(4)}${e.valLoss !== null ? `, val_loss ${e.valLoss.toExponential(4)}` : ""}, lr ${e.lr.toExponential(2)}, ${e.seconds.toFixed(1)} s`,
                  ),
        },
      ).finally(() => bar.done());
      const { result, files } = await run;
      const s = result.samples;
      console.log(
        `${cfg.name}: model ${result.model.kind} (${result.model.params} parameters) on ${s.train}/${s.val}/${s.test} samples, ${result.epochsRun} epochs${result.stoppedEarly ? " (early stop)" : ""}${result.resumedFromEpoch ? `, resumed after epoch ${result.resumedFromEpoch}` : ""}, best epoch ${result.bestEpoch}, ${((performance.now() - t0) / 1000).toFixed(1)} s`,
      );
      for (const m of result.metrics.test)
        console.log(
          `  test ${m.name}: R² ${metric(m.r2, m.reason?.r2, (x) => x.toFixed(5))}, MSE ${m.mse.toExponential(3)}, MAPE ${metric(m.mape_pct, m.reason?.mape_pct, (x) => `${x.toFixed(2)} %`)}`,
        );
      for (const f of files) console.log(`  wrote ${f}`);
    });

  program
    .command("predict")
    .description(
      "predict with a trained model folder; inputs: a CSV with the model's input columns, or images (a PNG, a folder of PNGs, a .json/.raw batch or .tif stack; for a conductor-image model read as assb transport-images reads them); one CSV row per sample",
    )
    .argument("<model>", "model folder (model.json, weights.bin, assb-model.json)")
    .argument("<inputs>", "inputs CSV, PNG image or folder, .json/.raw batch or .tif stack")
    .option("-o, --out <file>", "predictions CSV", "predictions.csv")
    .option("--gradcam <dir>", "also write a Grad-CAM heat map PNG per image into this folder (model A)")
    .option("--output <name>", "the output the Grad-CAM maps explain (default: the first)")
    .option("--backend <name>", "auto (default), tensorflow, wasm or cpu")
    .action(async (dir: string, inputs: string, o: { out: string; gradcam?: string; output?: string; backend?: string }) => {
      const backend = parseBackend(o.backend) ?? "auto";
      prepareOutFile(o.out);
      if (o.gradcam) prepareOutDir(o.gradcam, "--gradcam");
      if (!existsSync(inputs)) throw new ConfigError(`predict: ${inputs} does not exist`);
      const { initMl, loadModel, predict, readImages, readCodeImages, gradCam, heatmapPng } = await ml();
      await initMl({ backend });
      const m = await loadModel(dir);
      const names = m.meta.outputNames;
      let table: { columns: string[]; rows: (string | number)[][] };
      const isCsv = !statSync(inputs).isDirectory() && extname(inputs).toLowerCase() === ".csv";
      if (m.meta.model.kind === "C") {
        if (!isCsv) throw new ConfigError(`predict: model ${dir} takes a table (${m.meta.inputNames.join(", ")}); give a .csv`);
        const t = parseCsv(readFileSync(inputs, "utf8"), inputs);
        const cols = m.meta.inputNames.map((n) => {
          const c = t.columns.indexOf(n);
          if (c < 0) throw new ConfigError(`${inputs}: column '${n}' is missing; the model takes ${m.meta.inputNames.join(", ")}`);
          return c;
        });
        const rows = t.rows.map((r, k) =>
          cols.map((c, j) => {
            const v = Number(r[c]);
            if (r[c] === "" || !Number.isFinite(v))
              throw new ConfigError(`${inputs}: row ${k + 2}, column '${m.meta.inputNames[j]}' = '${r[c]}' is not a finite number`);
            return v;
          }),
        );
        const p = predict(m, rows);
        table = {
          columns: [...m.meta.inputNames, ...names.map((n) => `${n}_pred`)],
          rows: rows.map((r, k) => [...r, ...names.map((_, j) => p[k * names.length + j])]),
        };
      } else {
        if (isCsv) throw new ConfigError(`predict: model ${dir} takes ${m.meta.inputShape.join("x")} images, not a CSV`);
        const [h, w] = m.meta.inputShape;
        // a model trained on pixel codes (conductor images: 0/1) reads its inputs as assb transport-images
        // does (PNG gray >= 128 conducts); one trained on gray PNGs (divisor 255) takes the gray values
        const divisor = (m.scalers.input as { divisor?: number }).divisor ?? 255;
        const codes = divisor < 255;
        const im = codes ? readCodeImages(inputs, { h, w, maxCode: divisor }) : readImages(inputs);
        if (im.h !== h || im.w !== w)
          throw new ConfigError(`predict: ${inputs}: images are ${im.w}x${im.h} px, the model takes ${w}x${h} px images`);
        // Grad-CAM file names are checked before predicting (output names come from the model's files)
        const k = o.output ? names.indexOf(o.output) : 0;
        if (o.gradcam && k < 0) throw new ConfigError(`--output = ${o.output}: not an output of the model (${names.join(", ")})`);
        const camFile = (i: number) =>
          `${safeFileName(im.ids[i].replace(/\.png$/i, ""), `${inputs}: sample`)}_${safeFileName(names[k], `model ${dir}: output name`)}.png`;
        if (o.gradcam) im.ids.forEach((_, i) => camFile(i));
        const p = predict(m, im.x);
        // conductor images: the conductive fraction beside the prediction (what the current mostly follows)
        const frac = (r: number) => {
          let c = 0;
          for (let i = r * h * w; i < (r + 1) * h * w; i++) c += im.x[i] > 0 ? 1 : 0;
          return c / (h * w);
        };
        const binary = codes && divisor === 1;
        table = {
          columns: ["sample", ...(binary ? ["conductive_fraction"] : []), ...names.map((n) => `${n}_pred`)],
          rows: im.ids.map((id, r) => [id, ...(binary ? [frac(r)] : []), ...names.map((_, j) => p[r * names.length + j])]),
        };
        if (o.gradcam) {
          const div = (m.scalers.input as { divisor?: number }).divisor ?? 255;
          for (let i = 0; i < im.ids.length; i++) {
            const gray = im.x.subarray(i * h * w, (i + 1) * h * w);
            const cam = gradCam(m.model, m.scalers.input.transform(gray), k);
            const f = join(o.gradcam, camFile(i));
            writeFileAtomic(
              f,
              heatmapPng(
                cam,
                Uint8Array.from(gray, (v) => Math.min(255, Math.round((v * 255) / div))),
              ),
            );
          }
          console.log(`  wrote ${im.ids.length} Grad-CAM maps to ${o.gradcam}`);
        }
      }
      writeFileAtomic(o.out, toCsv(table));
      console.log(`predicted ${table.rows.length} samples with ${dir} -> ${o.out}`);
    });
}
