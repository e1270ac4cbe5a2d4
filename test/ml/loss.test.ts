/**
 * The relative loss (train.loss: relative): its weights follow 1 / (|y| / range + floor)^2 with mean 1 over the
 * training rows (log10 outputs weigh 1), and on targets that span two decades it trains to a lower MAPE than
 * the plain MSE of the same net, seed and schedule.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { initMl } from "../../host/ml/backend.js";
import { fitDataset, relativeLossWeights } from "../../host/ml/fit.js";
import { fitScalers, tableDataset } from "../../host/ml/data.js";
import { parseTrainConfig } from "../../host/ml/config.js";
import { expectConfigError } from "../helpers.js";

test("weights: mean 1 over the training rows, ratio (|y2|/range + f)^2 / (|y1|/range + f)^2, log10 outputs 1", () => {
  const ys = [0, 0.1, 0.5, 1, 2];
  const ds = tableDataset(
    ys.map((_, i) => [i]),
    ys.map((y) => [y, 10 ** y]),
    { outputNames: ["a", "b"] },
  );
  const sc = fitScalers(ds, [0, 1, 2, 3, 4], { log10Outputs: ["b"] });
  const [tr, va] = relativeLossWeights(ds, sc, 0.05, [
    [0, 1, 2, 3, 4],
    [1, 3],
  ]);
  const a = [0, 1, 2, 3, 4].map((k) => tr[2 * k]);
  assert.ok(Math.abs(a.reduce((s, v) => s + v, 0) / 5 - 1) < 1e-6, `mean weight ${a}`);
  const raw = (y: number) => 1 / (y / 2 + 0.05) ** 2;
  assert.ok(Math.abs(a[0] / a[3] - raw(0) / raw(1)) < 1e-4 * (raw(0) / raw(1)));
  // the validation rows use the training rows' normalisation
  assert.ok(Math.abs(va[0] - a[1]) < 1e-6 && Math.abs(va[2] - a[3]) < 1e-6);
  assert.equal(
    [0, 1, 2, 3, 4].map((k) => tr[2 * k + 1]),
    [1, 1, 1, 1, 1],
  );
});

test("train config: loss is mse or relative, the floor a fraction in (0, 1]", () => {
  const base = { model: { kind: "C" }, data: { type: "csv", file: "t.csv", inputs: ["x"], outputs: ["y"] } };
  const c = parseTrainConfig(base);
  assert.equal([c.train.loss, c.train.relativeFloor], ["mse", 0.05]);
  expectConfigError(() => parseTrainConfig({ ...base, train: { loss: "mape" } }), /train\.loss/);
  expectConfigError(() => parseTrainConfig({ ...base, train: { loss: "relative", relativeFloor: 0 } }), /train\.relativeFloor/);
});

test("y = 10^(2x) (two decades): the relative loss reaches a lower test MAPE than MSE (same net, seed, epochs)", async () => {
  await initMl();
  const n = 240;
  const xs = Array.from({ length: n }, (_, i) => [(i * 0.618034) % 1]);
  const ds = tableDataset(
    xs,
    xs.map(([x]) => [10 ** (2 * x)]),
    { inputNames: ["x"], outputNames: ["y"] },
  );
  const run = (loss: "mse" | "relative") =>
    fitDataset(ds, {
      model: { kind: "C", inputs: 1, outputs: 1, hidden: 32, l2: 0, outputActivation: "linear" },
      split: { val: 0.1, test: 0.2 },
      loss: loss === "relative" ? { kind: "relative", floor: 0.005 } : { kind: "mse" },
      train: { epochs: 60, batchSize: 16, learningRate: 0.01, seed: 3 },
    });
  const mse = (await run("mse")).result.metrics.test[0].mape_pct!;
  const rel = (await run("relative")).result.metrics.test[0].mape_pct!;
  assert.ok(rel < 0.7 * mse, `test MAPE: relative ${rel.toFixed(2)} %, mse ${mse.toFixed(2)} %`);
});

test.run();
