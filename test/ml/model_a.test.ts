/**
 * Image CNNs on the training backend (initMl: tfjs-node(-gpu) or wasm + kernel pack): a tiny
 * model A learns the gray-pixel fraction of seeded random images through the config route
 * (PNG folder + labels CSV -> train -> saved model + Grad-CAM PNGs), Grad-CAM points at the gray
 * region, `assb predict` on images, model A at the paper's size, model B's blocks.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { initMl } from "../../host/ml/backend.js";
import { Rng } from "../../host/core/rng.js";
import { encodePng } from "../../host/io/png.js";
import { decodePng } from "../../host/transport/volume.js";
import { parseTrainConfig, runTrainConfig } from "../../host/ml/config.js";
import { loadModel, predict, saveModel } from "../../host/ml/save.js";
import { gradCam, heatmapPng, lastConvLayer } from "../../host/ml/gradcam.js";
import { buildModelA, buildModelB, countParams } from "../../host/ml/models.js";
import { train } from "../../host/ml/train.js";
import { ImageScaler, MinMaxScaler } from "../../host/ml/scalers.js";
import { ROOT } from "../helpers.js";

const { tf, info } = await initMl();
const out = mkdtempSync(join(tmpdir(), "assb-mla-"));
const S = 64;

/** 8x8 cells of 8 px, each gray (128) with the image's probability p ~ U(0, 1), else black or white. */
function grayImages(n: number, seed: number): { images: Uint8Array[]; fraction: number[] } {
  const r = new Rng(seed),
    images: Uint8Array[] = [],
    fraction: number[] = [];
  for (let k = 0; k < n; k++) {
    const im = new Uint8Array(S * S),
      p = r.next();
    for (let cy = 0; cy < 8; cy++)
      for (let cx = 0; cx < 8; cx++) {
        const v = r.next() < p ? 128 : r.next() < 0.5 ? 0 : 255;
        for (let y = 0; y < 8; y++) im.fill(v, (cy * 8 + y) * S + cx * 8, (cy * 8 + y) * S + cx * 8 + 8);
      }
    let g = 0;
    for (let i = 0; i < im.length; i++) if (im[i] === 128) g++;
    images.push(im);
    fraction.push(g / im.length);
  }
  return { images, fraction };
}

const imgDir = join(out, "images");
mkdirSync(imgDir);
const data = grayImages(1600, 12);
data.images.forEach((im, k) => writeFileSync(join(imgDir, `img${String(k).padStart(4, "0")}.png`), encodePng(im, S, S, 1)));
writeFileSync(
  join(out, "labels.csv"),
  "file,gray_fraction\n" + data.fraction.map((f, k) => `img${String(k).padStart(4, "0")}.png,${f}`).join("\n") + "\n",
);
const trainDir = join(out, "run");

test(`tiny model A (64x64, filters 8,8,8,16,16) learns the gray-pixel fraction to R² > 0.95 (${info.backend})`, async () => {
  const cfg = parseTrainConfig({
    name: "gray",
    seed: 3,
    model: { kind: "A", filters: [8, 8, 8, 16, 16] },
    data: { type: "images", dir: "images", labels: "labels.csv", outputs: ["gray_fraction"] },
    split: { val: 0.1, test: 0.1 },
    train: { epochs: 15, batchSize: 16, learningRate: 3e-3, minLearningRate: 3e-5, warmupEpochs: 1 },
    gradcam: { count: 2 },
  });
  const t0 = performance.now();
  const { result, files } = await runTrainConfig(cfg, { outDir: trainDir, baseDir: out });
  const s = (performance.now() - t0) / 1000;
  const m = result.metrics.test[0];
  console.log(
    `  model A (tiny): test R² ${m.r2!.toFixed(4)}, MSE ${m.mse.toExponential(2)}, ${result.samples.train} train images x ${result.epochsRun} epochs, ${s.toFixed(1)} s on ${info.backend}`,
  );
  assert.equal(result.samples, { train: 1280, val: 160, test: 160 });
  const mo = result.model as import("../../host/ml/models.js").ModelAOptions;
  assert.equal([mo.kind, mo.filters, mo.inputSize, mo.dense], ["A", [8, 8, 8, 16, 16], 64, [128, 128]]);
  assert.ok(m.r2! > 0.95, `test R² ${m.r2}`);
  assert.ok(s < 240, `took ${s} s`);
  assert.equal(
    (result.config as { model: { filters: number[] } }).model.filters,
    [8, 8, 8, 16, 16],
    "the resolved config is in the result",
  );
  assert.equal(readdirSync(trainDir).sort(), ["gradcam", "history.csv", "model", "result.json", "test_predictions.csv"]);
  const maps = readdirSync(join(trainDir, "gradcam"));
  assert.is(maps.length, 2);
  for (const f of maps) {
    const png = decodePng(readFileSync(join(trainDir, "gradcam", f)));
    assert.equal([png.width, png.height], [S, S], f);
  }
  assert.ok(files.includes(join(trainDir, "result.json")));
});

test("Grad-CAM: a heat map of the input size in [0, 1] that lights up the gray half of an image", async () => {
  const m = await loadModel(join(trainDir, "model"));
  assert.is(lastConvLayer(m.model), "conv5");
  for (const side of [0, 1]) {
    const im = new Uint8Array(S * S);
    for (let y = 0; y < S; y++)
      for (let x = 0; x < S; x++) {
        const gray = x < S / 2 === (side === 0);
        im[y * S + x] = gray ? 128 : ((Math.floor(y / 8) + Math.floor(x / 8)) % 2) * 255;
      }
    const cam = gradCam(m.model, m.scalers.input.transform(im), 0);
    assert.equal([cam.width, cam.height, cam.heat.length], [S, S, S * S]);
    assert.ok(cam.heat.every((v) => v >= 0 && v <= 1 + 1e-6));
    assert.ok(Math.abs(Math.max(...cam.heat) - 1) < 1e-5);
    let grayHeat = 0,
      otherHeat = 0;
    for (let y = 0; y < S; y++)
      for (let x = 0; x < S; x++) {
        if (x < S / 2 === (side === 0)) grayHeat += cam.heat[y * S + x];
        else otherHeat += cam.heat[y * S + x];
      }
    assert.ok(
      grayHeat > 1.5 * otherHeat,
      `gray half on the ${side ? "right" : "left"}: heat ${grayHeat.toFixed(1)} vs ${otherHeat.toFixed(1)} on the other half`,
    );
    const png = heatmapPng(cam, im);
    const back = decodePng(png);
    assert.equal([back.width, back.height], [S, S]);
  }
});

test("saved model A: load gives the same predictions; `assb predict` on a PNG folder writes a CSV", async () => {
  const m = await loadModel(join(trainDir, "model"));
  assert.is(m.meta.model.kind, "A");
  assert.equal(m.meta.inputShape, [S, S, 1]);
  assert.ok(m.scalers.input instanceof ImageScaler && m.scalers.input.divisor === 255);
  const probe = grayImages(6, 77);
  const flat = new Uint8Array(6 * S * S);
  probe.images.forEach((im, k) => flat.set(im, k * S * S));
  const p = predict(m, flat);
  probe.fraction.forEach((f, k) => assert.ok(Math.abs(p[k] - f) < 0.12, `image ${k}: ${p[k]} vs ${f}`));
  const pdir = join(out, "probe");
  mkdirSync(pdir);
  probe.images.forEach((im, k) => writeFileSync(join(pdir, `p${k}.png`), encodePng(im, S, S, 1)));
  const r = spawnSync(
    process.execPath,
    [
      "--import",
      "tsx",
      join(ROOT, "host/cli/main.ts"),
      "predict",
      join(trainDir, "model"),
      pdir,
      "-o",
      join(out, "pred.csv"),
      "--gradcam",
      join(out, "maps"),
    ],
    { encoding: "utf8", cwd: ROOT },
  );
  assert.is(r.status, 0, r.stderr + r.stdout);
  const lines = readFileSync(join(out, "pred.csv"), "utf8").trim().split("\n");
  assert.is(lines[0], "sample,gray_fraction_pred");
  assert.is(lines.length, 7);
  lines.slice(1).forEach((l, k) => {
    const [id, v] = l.split(",");
    assert.is(id, `p${k}.png`);
    assert.ok(Math.abs(Number(v) - p[k]) < 1e-6, `${id}: CLI ${v} vs library ${p[k]}`);
  });
  assert.is(readdirSync(join(out, "maps")).length, 6);
});

test("model A at the paper's size: 224x224x1 -> 5 x [conv3x3 + pool2] (32,32,32,64,64) -> 3136 -> 128 -> 128 -> 9", () => {
  const m = buildModelA({ outputs: 9 }, 1);
  assert.equal(m.inputs[0].shape, [null, 224, 224, 1]);
  assert.equal(
    m.layers.filter((l) => l.getClassName() === "Conv2D").map((l) => (l.outputShape as number[])[3]),
    [32, 32, 32, 64, 64],
  );
  assert.equal(m.getLayer("flatten").outputShape, [null, 3136]);
  assert.equal(m.outputs[0].shape, [null, 9]);
  assert.is(countParams(m), 320 + 9248 + 9248 + 18496 + 36928 + 401536 + 16512 + 1161);
  const y = m.predict(tf.zeros([1, 224, 224, 1])) as import("@tensorflow/tfjs").Tensor;
  assert.equal(y.shape, [1, 9]);
  // seeded initialisation: same seed, same weights; another seed, others
  const a = buildModelA({ outputs: 1, inputSize: 64, filters: [4, 4, 4, 4, 4] }, 5),
    b = buildModelA({ outputs: 1, inputSize: 64, filters: [4, 4, 4, 4, 4] }, 5),
    c = buildModelA({ outputs: 1, inputSize: 64, filters: [4, 4, 4, 4, 4] }, 6);
  const w = (x: typeof a) => Array.from(x.getWeights()[0].dataSync());
  assert.equal(w(a), w(b));
  assert.not.equal(w(a), w(c));
});

test("model B (EfficientNetV2-style, 64x64): Fused-MBConv, MBConv with depthwise conv + squeeze-excite, BN, swish; trains; saves and loads", async () => {
  const m = buildModelB({}, 2);
  const kinds = new Set(m.layers.map((l) => l.getClassName()));
  for (const k of [
    "Conv2D",
    "BatchNormalization",
    "DepthwiseConv2D",
    "GlobalAveragePooling2D",
    "Reshape",
    "Multiply",
    "Add",
    "Dropout",
    "Dense",
  ])
    assert.ok(kinds.has(k), `has ${k}`);
  assert.equal(m.inputs[0].shape, [null, 64, 64, 1]);
  assert.equal(m.outputs[0].shape, [null, 1]);
  assert.ok(m.layers.some((l) => l.getClassName() === "Activation" && (l.getConfig() as { activation: string }).activation === "swish"));
  const n = 32,
    r = new Rng(4),
    x = new Float32Array(n * S * S),
    y = new Float32Array(n);
  for (let k = 0; k < n; k++) {
    let s = 0;
    for (let i = 0; i < S * S; i++) {
      const v = r.next() < 0.75 ? 1 : 0;
      x[k * S * S + i] = v;
      s += v;
    }
    y[k] = s / (S * S);
  }
  const bn = m.layers.find((l) => l.getClassName() === "BatchNormalization")!;
  const bnMean = () => Array.from(bn.getWeights()[2].dataSync());
  const before = bnMean();
  const run = await train(m, { train: { x, y, n } }, { epochs: 2, batchSize: 16, learningRate: 1e-3, seed: 2 });
  assert.is(run.history.length, 2);
  assert.ok(run.history.every((h) => Number.isFinite(h.loss)));
  assert.not.equal(bnMean(), before, "batch-norm moving means were updated in training");
  const dir = join(out, "modelB");
  await saveModel(dir, m, {
    model: { kind: "B", inputSize: 64, channels: 1, outputs: 1, dropout: 0.2, headChannels: 256 },
    scalers: { input: new ImageScaler(1), output: new MinMaxScaler(["f"], [false], [0], [1]) },
    inputNames: ["image"],
    outputNames: ["f"],
  });
  const back = await loadModel(dir);
  const im = Uint8Array.from(x.subarray(0, 2 * S * S));
  assert.equal(Array.from(predict(back, im)), Array.from(predict({ model: m, scalers: back.scalers, meta: back.meta }, im)));
});

test.run();
