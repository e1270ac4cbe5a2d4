/**
 * The training engine on model C (MLP): learning a known smooth function, save/load, scalers,
 * seeded splits, determinism, early stopping with best-weight restore, exact resume from a checkpoint.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, readFileSync, existsSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { initMl } from "../../host/ml/backend.js";
import { Rng } from "../../host/core/rng.js";
import { tableDataset, splitIndices, fitScalers, scaledRows } from "../../host/ml/data.js";
import { MinMaxScaler, ImageScaler, scalersFromJSON, scalersToJSON } from "../../host/ml/scalers.js";
import { buildModelC } from "../../host/ml/models.js";
import {
  fitDataset,
  train,
  learningRateAt,
  regressionMetrics,
  checkpointPath,
  type Scaled,
  type TrainProgress,
} from "../../host/ml/train.js";
import { saveModel, loadModel, predict } from "../../host/ml/save.js";
import { VERSION } from "../../host/version.js";

const { tf, info } = await initMl();
const out = mkdtempSync(join(tmpdir(), "assb-ml-"));

/** y = sin(x1) + x2^2 on [-2, 2] x [-1, 1] */
function smooth(n: number, seed: number) {
  const r = new Rng(seed),
    X: number[][] = [],
    Y: number[][] = [];
  for (let i = 0; i < n; i++) {
    const a = r.uniform(-2, 2),
      b = r.uniform(-1, 1);
    X.push([a, b]);
    Y.push([Math.sin(a) + b * b]);
  }
  return tableDataset(X, Y, { inputNames: ["x1", "x2"], outputNames: ["y"], inputUnits: ["1", "1"], outputUnits: ["1"] });
}
const weightsOf = (m: import("@tensorflow/tfjs").LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));

let trained: Awaited<ReturnType<typeof fitDataset>>;
const ds = smooth(5000, 7);

test(`model C learns y = sin(x1) + x2^2 to R² > 0.999 on the test split (${info.backend})`, async () => {
  const t0 = performance.now();
  trained = await fitDataset(ds, {
    model: { kind: "C", inputs: 2, outputs: 1, hidden: 256, l2: 1e-7, outputActivation: "relu" },
    split: { val: 0.1, test: 0.1 },
    train: {
      epochs: 60,
      batchSize: 64,
      learningRate: 1e-2,
      minLearningRate: 1e-5,
      warmupEpochs: 1,
      seed: 3,
      patience: 15,
    },
  });
  const r = trained.result;
  const s = (performance.now() - t0) / 1000;
  console.log(
    `  model C: test R² ${r.metrics.test[0].r2!.toFixed(6)}, MSE ${r.metrics.test[0].mse.toExponential(2)}, MAPE ${r.metrics.test[0].mape_pct!.toFixed(2)} %, ${r.epochsRun} epochs, best ${r.bestEpoch}, ${s.toFixed(1)} s`,
  );
  assert.equal(r.samples, { train: 4000, val: 500, test: 500 });
  assert.ok(r.metrics.test[0].r2! > 0.999, `test R² ${r.metrics.test[0].r2}`);
  assert.ok(r.metrics.val[0].r2! > 0.999, `val R² ${r.metrics.val[0].r2}`);
  assert.ok(s < 30, `took ${s} s`);
  // the result is a plain serialisable object with the version, seed and history
  const j = JSON.parse(JSON.stringify(r));
  assert.is(j.version, VERSION);
  assert.is(j.seed, 3);
  assert.is(j.kind, "assbkit.train");
  assert.is(j.history.length, r.epochsRun);
  assert.ok(j.history[j.history.length - 1].loss < j.history[0].loss / 10);
  assert.is(j.model.hidden, 256);
  assert.is(j.model.params, 2 * 256 + 256 + 256 + 1);
});

test("save -> load -> identical predictions; predict() applies the scalers both ways", async () => {
  const dir = join(out, "mlp");
  const files = await saveModel(dir, trained.model, {
    model: trained.result.model,
    scalers: trained.scalers,
    inputNames: ds.inputNames,
    inputUnits: ds.inputUnits,
    outputNames: ds.outputNames,
    outputUnits: ds.outputUnits,
    training: { seed: 3, metrics: trained.result.metrics.test },
  });
  assert.equal(readdirSync(dir).sort(), ["assb-model.json", "model.json", "weights.bin"]);
  assert.is(files.length, 3);
  const mj = JSON.parse(readFileSync(join(dir, "model.json"), "utf8"));
  assert.is(mj.format, "layers-model");
  assert.equal(mj.weightsManifest[0].paths, ["weights.bin"]);
  const meta = JSON.parse(readFileSync(join(dir, "assb-model.json"), "utf8"));
  assert.equal(meta.inputNames, ["x1", "x2"]);
  assert.equal(meta.outputNames, ["y"]);
  assert.is(meta.scalers.input.kind, "minmax");

  const loaded = await loadModel(dir);
  const rows = [
    [0.3, -0.5],
    [-1.7, 0.9],
    [1.2, 0.1],
    [0, 0],
  ];
  const a = predict({ model: trained.model, scalers: trained.scalers, meta: loaded.meta }, rows);
  const b = predict(loaded, rows);
  assert.equal(Array.from(b), Array.from(a), "loaded model predicts the same numbers");
  rows.forEach(([x1, x2], k) =>
    assert.ok(Math.abs(b[k] - (Math.sin(x1) + x2 * x2)) < 0.03, `row ${k}: ${b[k]} vs ${Math.sin(x1) + x2 * x2}`),
  );
  // saving again replaces the folder atomically (no temp folders left behind)
  await saveModel(dir, loaded.model, { model: loaded.meta.model, scalers: loaded.scalers, inputNames: ["x1", "x2"], outputNames: ["y"] });
  assert.equal(
    readdirSync(out).filter((f) => f.includes("tmp")),
    [],
  );
  assert.equal(Array.from(predict(await loadModel(dir), rows)), Array.from(a));
});

test("scalers: min-max with log10, fitted on chosen rows, JSON round trip, inverse", () => {
  const data = [1e-3, 5, 10, 2, 1e2, 3, 1e-1, 9]; // 4 rows x (J, c)
  const s = MinMaxScaler.fit(data, ["J", "c"], ["J"], [0, 1, 2]);
  assert.equal(s.min, [-3, 2]);
  assert.equal(s.max, [2, 5]);
  const t = s.transform(data);
  assert.ok(
    Math.abs(t[0]) < 1e-7 &&
      Math.abs(t[1] - 1) < 1e-7 &&
      Math.abs(t[3]) < 1e-7 &&
      Math.abs(t[4] - 1) < 1e-7 &&
      Math.abs(t[6] - 2 / 5) < 1e-7,
    Array.from(t).join(","),
  );
  assert.ok(Math.abs(t[7] - 7 / 3) < 1e-6, "a row outside the fit rows is not clipped");
  const back = MinMaxScaler.fromJSON(JSON.parse(JSON.stringify(s.toJSON())));
  assert.equal(back.toJSON(), s.toJSON());
  const inv = back.inverse(t);
  data.forEach((v, i) => assert.ok(Math.abs(inv[i] - v) <= 1e-6 * Math.abs(v), `${i}: ${inv[i]} vs ${v}`));
  assert.throws(() => MinMaxScaler.fit([0, 1], ["J"], ["J"]), /log10-scaled/);
  const both = { input: new ImageScaler(255), output: s };
  assert.equal(scalersToJSON(scalersFromJSON(JSON.parse(JSON.stringify(scalersToJSON(both))))), scalersToJSON(both));
  // the training pipeline fits on the training split only
  const sp = splitIndices(ds.n, { val: 0.1, test: 0.1 }, 3);
  const fitted = fitScalers(ds, sp.train);
  let lo = Infinity;
  for (const r of sp.train) lo = Math.min(lo, ds.x[r * 2]);
  assert.is(fitted.input instanceof MinMaxScaler && fitted.input.min[0], lo);
});

test("splits: seeded, disjoint, complete; fractions or counts", () => {
  const a = splitIndices(100, { val: 0.2, test: 0.1 }, 5),
    b = splitIndices(100, { val: 0.2, test: 0.1 }, 5),
    c = splitIndices(100, { val: 0.2, test: 0.1 }, 6);
  assert.equal(a, b);
  assert.not.equal(a.train, c.train);
  assert.equal([a.train.length, a.val.length, a.test.length], [70, 20, 10]);
  assert.equal(
    [...a.train, ...a.val, ...a.test].sort((x, y) => x - y),
    Array.from({ length: 100 }, (_, i) => i),
  );
  const n = splitIndices(500, { train: 320, val: 80, test: 100 }, 1);
  assert.equal([n.train.length, n.val.length, n.test.length], [320, 80, 100]);
  assert.throws(() => splitIndices(10, { val: 8, test: 8 }, 1), /do not fit/);
});

test("learning rate: linear warm-up, then cosine down to the minimum", () => {
  assert.is(learningRateAt(0, 100, 10, 1, 0), 0.1);
  assert.is(learningRateAt(9, 100, 10, 1, 0), 1);
  assert.ok(Math.abs(learningRateAt(10, 100, 10, 1, 0.1) - 1) < 1e-12);
  assert.ok(Math.abs(learningRateAt(55, 100, 10, 1, 0.1) - 0.55) < 1e-12);
  assert.ok(Math.abs(learningRateAt(100, 100, 10, 1, 0.1) - 0.1) < 1e-12);
});

test("metrics: R², MSE, MAPE per output", () => {
  const m = regressionMetrics([1, 10, 2, 20, 3, 33], [1, 10, 2, 20, 3, 30], ["a", "b"]);
  assert.is(m[0].r2, 1);
  assert.is(m[0].mse, 0);
  assert.ok(Math.abs(m[1].mse - 3) < 1e-12);
  assert.ok(Math.abs(m[1].r2! - (1 - 9 / 200)) < 1e-12);
  assert.ok(Math.abs(m[1].mape_pct! - (100 * 0.1) / 3) < 1e-9);
});

const small = smooth(600, 11);
const smallSpec = (seed: number) => ({
  model: { kind: "C" as const, inputs: 2, outputs: 1, hidden: 32, l2: 1e-4, outputActivation: "relu" as const },
  split: { val: 0.2, test: 0.1 },
  train: { epochs: 5, batchSize: 16, learningRate: 5e-3, seed },
});

test("seeded determinism: the same seed gives the same weights and history; another seed does not", async () => {
  const a = await fitDataset(small, smallSpec(42)),
    b = await fitDataset(small, smallSpec(42)),
    c = await fitDataset(small, smallSpec(43));
  assert.equal(weightsOf(a.model), weightsOf(b.model));
  assert.equal(
    a.result.history.map((h) => [h.loss, h.valLoss]),
    b.result.history.map((h) => [h.loss, h.valLoss]),
  );
  assert.not.equal(weightsOf(a.model)[0], weightsOf(c.model)[0]);
});

test("progress goes to a callback, not a bar: every step and every epoch's end, counted from this call's start", async () => {
  const seen: TrainProgress[] = [];
  const model = buildModelC({ inputs: 2, outputs: 1, hidden: 8, l2: 0, outputActivation: "linear" }, 4);
  const data = { train: scaledRows(small, [...Array(50).keys()], fitScalers(small, [...Array(50).keys()])) };
  const run = await train(model, data, { epochs: 3, batchSize: 16, seed: 4, onProgress: (p) => seen.push(p) });
  const steps = seen.filter((p) => !p.ended),
    ends = seen.filter((p) => p.ended);
  assert.is(steps.length, run.steps, "one call per optimizer step");
  assert.equal(
    steps.map((p) => p.step),
    Array.from({ length: run.steps }, (_, k) => k + 1),
  );
  assert.ok(seen.every((p) => p.totalSteps === 12 && p.epochs === 3));
  assert.equal(
    ends.map((p) => [p.epoch, p.step, p.ended!.loss]),
    run.history.map((h, k) => [h.epoch, 4 * (k + 1), h.loss]),
  );
});

/** train/val sets of pure noise: the net overfits, so the validation loss turns up and stays up */
function noise(n: number, seed: number): Scaled {
  const r = new Rng(seed),
    x = new Float32Array(n * 2),
    y = new Float32Array(n);
  for (let i = 0; i < x.length; i++) x[i] = r.next();
  for (let i = 0; i < n; i++) y[i] = r.next();
  return { x, y, n };
}

test("early stopping (patience) restores the weights of the best validation epoch", async () => {
  const tr = noise(48, 1),
    va = noise(200, 2);
  const model = buildModelC({ inputs: 2, outputs: 1, hidden: 256, l2: 0, outputActivation: "linear" }, 9);
  const run = await train(
    model,
    { train: tr, val: va },
    { epochs: 200, batchSize: 8, learningRate: 2e-2, minLearningRate: 2e-2, warmupEpochs: 0, patience: 4, seed: 9 },
  );
  const vl = run.history.map((h) => h.valLoss!);
  const bestIdx = vl.indexOf(Math.min(...vl));
  assert.ok(run.stoppedEarly, "stopped early");
  assert.is(run.history.length, bestIdx + 1 + 4, `stopped ${4} epochs after the best one (${vl.map((v) => v.toFixed(4)).join(" ")})`);
  assert.is(run.bestEpoch, bestIdx + 1);
  const p = model.predict(tf.tensor(va.x, [va.n, 2])) as import("@tensorflow/tfjs").Tensor;
  const mse = tf.losses.meanSquaredError(tf.tensor(va.y, [va.n, 1]), p).dataSync()[0];
  assert.ok(Math.abs(mse - vl[bestIdx]) <= 1e-6 * vl[bestIdx], `val loss now ${mse}, best ${vl[bestIdx]}, last ${vl[vl.length - 1]}`);
  assert.ok(Math.abs(mse - vl[vl.length - 1]) > 1e-4 * vl[bestIdx], "the last epoch's weights were replaced");
});

test("resume from a checkpoint gives exactly the uninterrupted run (weights, Adam state, RNG, history, best)", async () => {
  const ds2 = smooth(800, 5);
  const sp = splitIndices(ds2.n, { val: 0.2, test: 0 }, 1);
  const sc = fitScalers(ds2, sp.train);
  const tr = scaledRows(ds2, sp.train, sc),
    va = scaledRows(ds2, sp.val, sc);
  const opts = {
    epochs: 7,
    batchSize: 20,
    learningRate: 1e-2,
    minLearningRate: 1e-4,
    warmupEpochs: 1.5,
    patience: 3,
    seed: 21,
  };
  const full = buildModelC({ inputs: 2, outputs: 1, hidden: 64, l2: 1e-4 }, 21);
  const runFull = await train(full, { train: tr, val: va }, opts);

  const ck = join(out, "ck");
  const part = buildModelC({ inputs: 2, outputs: 1, hidden: 64, l2: 1e-4 }, 21);
  const r1 = await train(part, { train: tr, val: va }, { ...opts, checkpointDir: ck, checkpointEvery: 1, stopAfter: 4 });
  assert.ok(r1.interrupted);
  assert.is(r1.history.length, 4);
  assert.ok(existsSync(checkpointPath(ck)));
  assert.equal(readdirSync(ck), ["checkpoint.bin"], "no temp files left");
  // a fresh process would rebuild the model (another seed here, to prove the checkpoint sets every weight)
  const again = buildModelC({ inputs: 2, outputs: 1, hidden: 64, l2: 1e-4 }, 999);
  const r2 = await train(again, { train: tr, val: va }, { ...opts, checkpointDir: ck, checkpointEvery: 1, resume: true });
  assert.is(r2.resumedFromEpoch, 4);
  assert.equal(
    r2.history.map((h) => [h.epoch, h.loss, h.valLoss, h.lr]),
    runFull.history.map((h) => [h.epoch, h.loss, h.valLoss, h.lr]),
  );
  assert.is(r2.bestEpoch, runFull.bestEpoch);
  assert.equal(weightsOf(again), weightsOf(full));
  // a checkpoint from other settings is refused
  let err = "";
  try {
    await train(
      buildModelC({ inputs: 2, outputs: 1, hidden: 64, l2: 1e-4 }, 21),
      { train: tr, val: va },
      { ...opts, batchSize: 10, checkpointDir: ck, resume: true },
    );
  } catch (e) {
    err = (e as Error).message;
  }
  assert.match(err, /different run \(batchSize: 20 there, 10 here\)/);
});

test.run();
