/**
 * Paper 002 conductivity CNN, tiny: model B learns from a few GRF images (R² floor on the conductive
 * fraction), the 2500/175/175 split never overlaps, label files with missing or extra rows are refused,
 * and a constant target reports R² as undefined, not NaN.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { initMl } from "../../host/ml/backend.js";
import { fitDataset } from "../../host/ml/fit.js";
import { imageDataset, readPngDataset, readRawDataset, splitIndices } from "../../host/ml/data.js";
import { regressionMetrics } from "../../host/ml/metrics.js";
import { MODEL_B_DEFAULTS } from "../../host/ml/models.js";
import { grfBatch, GRF_DEFAULTS } from "../../host/image/grf.js";
import { encodePng } from "../../host/io/png.js";
import { expectConfigError, fixture } from "../helpers.js";

const out = mkdtempSync(join(tmpdir(), "assb-cnn002-"));
await initMl();

const S = 16,
  N = 160;
const { data, fractions } = grfBatch({ ...GRF_DEFAULTS, size: S, corrPx: 1.5, seed: 5 }, N);

test("model B learns the conductive fraction from 16x16 GRF images in 64 steps (test R² > 0.5)", async () => {
  const ds = imageDataset(
    data,
    S,
    S,
    Array.from(fractions, (f) => [f]),
    { outputNames: ["conductive_fraction"], pixelDivisor: 1 },
  );
  const fit = await fitDataset(ds, {
    // batch-norm momentum 0.9: the moving statistics settle within the few steps of a test (0.99 needs hundreds)
    model: { ...MODEL_B_DEFAULTS, inputSize: S, outputs: 1, headChannels: 64, dropout: 0, bnMomentum: 0.9 },
    split: { train: 128, val: 16, test: 16 },
    train: { epochs: 8, batchSize: 16, learningRate: 5e-3, warmupEpochs: 1, seed: 3 },
  });
  const r2 = fit.result.metrics.test[0].r2!;
  assert.ok(r2 > 0.5, `test R² ${r2}`);
  assert.ok(fit.result.history[7].valLoss! < 0.5 * fit.result.history[0].valLoss!, "validation loss falls");
});

test("the paper's 2500/175/175 split: disjoint, covers all, same for the same seed", () => {
  const s = splitIndices(2850, { train: 2500, val: 175, test: 175 }, 2026);
  assert.equal([s.train.length, s.val.length, s.test.length], [2500, 175, 175]);
  const all = new Set([...s.train, ...s.val, ...s.test]);
  assert.is(all.size, 2850);
  const tr = new Set(s.train);
  assert.ok(s.test.every((i) => !tr.has(i)) && s.val.every((i) => !tr.has(i)));
  assert.equal(splitIndices(2850, { train: 2500, val: 175, test: 175 }, 2026).test, s.test);
});

test("labels: an image without a label row and a label row without an image are refused; a constant target has no R²", () => {
  const dir = join(out, "lab");
  mkdirSync(dir);
  for (let i = 0; i < 3; i++) writeFileSync(join(dir, `i${i}.png`), encodePng(new Uint8Array(16), 4, 4));
  writeFileSync(join(out, "two.csv"), "current_A\n0.1\n0.2\n");
  expectConfigError(() => readPngDataset(dir, join(out, "two.csv"), ["current_A"]), /2 label rows but .* has 3 PNG files/);
  writeFileSync(join(out, "ghost.csv"), "file,current_A\ni0.png,0.1\ni9.png,0.2\n");
  expectConfigError(() => readPngDataset(dir, join(out, "ghost.csv"), ["current_A"]), /row 3: image .*i9\.png does not exist/);
  writeFileSync(join(out, "raw99.csv"), "current_A\n" + "0.5\n".repeat(99));
  expectConfigError(
    () => readRawDataset(fixture("transport/img64_batch100.json"), join(out, "raw99.csv"), ["current_A"]),
    /99 label rows but .* holds 100 images/,
  );
  const [m] = regressionMetrics([0.4, 0.6], [0.5, 0.5], ["current_A"]);
  assert.is(m.r2, null);
  assert.is(m.reason?.r2, "undefined (constant target)");
});

test.run();
