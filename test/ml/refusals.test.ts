/**
 * What the ML engine refuses or reports instead of writing something wrong: file names from configs and
 * model files that would leave the output folder, undefined metrics (null plus a reason, never NaN or
 * -Infinity in result.json), a test split too small to score, a resume with no checkpoint.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { initMl } from "../../host/ml/backend.js";
import { Rng } from "../../host/core/rng.js";
import { encodePng } from "../../host/io/png.js";
import { parseTrainConfig, runTrainConfig } from "../../host/ml/config.js";
import { safeFileName } from "../../host/ml/names.js";
import { tableDataset } from "../../host/ml/data.js";
import { fitDataset, regressionMetrics, train } from "../../host/ml/train.js";
import { buildModelC } from "../../host/ml/models.js";
import { ConfigError } from "../../host/config/errors.js";
import { fromMeta, MODEL_META_FORMAT, type AssbModelMeta } from "../../host/ml/predict.js";
import { ROOT } from "../helpers.js";

await initMl();
const assb = (...args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "host/cli/main.ts"), ...args], { encoding: "utf8", cwd: ROOT });
const root = mkdtempSync(join(tmpdir(), "assb-mlref-"));

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  assert.unreachable("expected a rejection");
  throw new Error("unreachable");
}

// 12 random 32x32 images and a label
const S = 32,
  r = new Rng(5);
const imgDir = join(root, "images");
mkdirSync(imgDir);
const labels = ["file,frac"];
for (let k = 0; k < 12; k++) {
  const im = Uint8Array.from({ length: S * S }, () => (r.next() < 0.5 ? 0 : 255));
  writeFileSync(join(imgDir, `i${k}.png`), encodePng(im, S, S, 1));
  labels.push(`i${k}.png,${im.filter((v) => v > 0).length / im.length}`);
}
writeFileSync(join(root, "labels.csv"), labels.join("\n") + "\n");
const tinyA = (outputs: string[]) =>
  parseTrainConfig({
    seed: 1,
    model: { kind: "A", filters: [2, 2, 2, 2, 2], dense: [4] },
    data: { type: "images", dir: "images", labels: "labels.csv", outputs },
    split: { val: 2, test: 2 },
    train: { epochs: 1, batchSize: 4 },
    gradcam: { count: 2 },
  });

test("safeFileName: plain names pass (unsafe characters become _), names that would leave the folder are refused", () => {
  assert.is(safeFileName("sigma_AM [MPa]", "x"), "sigma_AM__MPa_");
  assert.is(safeFileName("sub/img 1.png", "x"), "sub_img_1.png");
  for (const bad of ["/../../../escaped", "../x", "a/../../b", "..", ".", "", "C:evil", "\\\\server\\share", "a\0b"]) {
    assert.throws(
      () => safeFileName(bad, "data.outputs[0]"),
      (e: Error) => e instanceof ConfigError && /^data\.outputs\[0\] = .*: cannot be used in a file name/.test(e.message),
      JSON.stringify(bad),
    );
  }
});

test("a Grad-CAM output name of /../../../escaped is refused before training; nothing lands outside -o", async () => {
  const outDir = join(root, "a", "b", "run");
  const e = await rejection(runTrainConfig(tinyA(["/../../../escaped"]), { outDir, baseDir: root }));
  assert.ok(e instanceof ConfigError, String(e));
  assert.match(e.message, /^data\.outputs\[0\] = "\/\.\.\/\.\.\/\.\.\/escaped": cannot be used in a file name/);
  assert.not.ok(existsSync(join(root, "a")), "nothing was written, not even the output folder");
  // the same config with a plain name trains and writes its maps inside -o/gradcam
  const { files } = await runTrainConfig(tinyA(["frac"]), { outDir, baseDir: root });
  assert.equal(readdirSync(join(outDir, "gradcam")).length, 2);
  assert.ok(files.filter((f) => f.endsWith(".png")).every((f) => f.startsWith(join(outDir, "gradcam"))));
  assert.equal(readdirSync(join(root, "a", "b")), ["run"]);
});

test("assb predict --gradcam refuses a model whose output name would leave the folder (before predicting)", () => {
  const model = join(root, "a", "b", "run", "model");
  const metaPath = join(model, "assb-model.json");
  const meta = JSON.parse(readFileSync(metaPath, "utf8"));
  writeFileSync(metaPath, JSON.stringify({ ...meta, outputNames: ["../../../esc"] }));
  const cams = join(root, "p", "cams");
  const p = assb("predict", model, imgDir, "-o", join(root, "p", "pred.csv"), "--gradcam", cams);
  assert.is(p.status, 2, p.stderr + p.stdout);
  assert.match(p.stderr, /^assb: error: model .*: output name = "\.\.\/\.\.\/\.\.\/esc": cannot be used in a file name/);
  assert.equal(readdirSync(join(root, "p")), ["cams"]);
  assert.equal(readdirSync(cams), []);
  // weight files named in model.json must lie in the model folder too
  writeFileSync(metaPath, JSON.stringify(meta));
  const mj = JSON.parse(readFileSync(join(model, "model.json"), "utf8"));
  mj.weightsManifest[0].paths = ["../../../../weights.bin"];
  writeFileSync(join(model, "model.json"), JSON.stringify(mj));
  const q = assb("predict", model, imgDir, "-o", join(root, "p", "pred.csv"));
  assert.is(q.status, 2, q.stderr);
  assert.match(q.stderr, /weightsManifest path = "\.\.\/\.\.\/\.\.\/\.\.\/weights\.bin": cannot be used in a file name/);
});

test("metrics: R² of a constant target and MAPE of all-zero targets are null with a reason (not NaN or -Infinity)", () => {
  const m = regressionMetrics([1, 0, 2, 0.5, 3, 0], [2, 0, 2, 0, 2, 0], ["c", "z"]);
  assert.is(m[0].r2, null);
  assert.is(m[0].reason?.r2, "undefined (constant target)");
  assert.ok(Math.abs(m[0].mape_pct! - 100 / 3) < 1e-9);
  assert.is(m[1].mape_pct, null);
  assert.is(m[1].reason?.mape_pct, "undefined (every target is 0)");
  assert.is(m[1].r2, null);
  const ok = regressionMetrics([1, 2.5], [1, 2], ["y"]);
  assert.is(ok[0].reason, undefined);
  assert.ok(ok[0].r2! < 1);
});

test("result.json of a constant target holds r2 null and the reason; no NaN or Infinity strings", async () => {
  writeFileSync(join(root, "const.csv"), "x,y\n" + Array.from({ length: 40 }, (_, i) => `${i / 40},3.5`).join("\n") + "\n");
  const cfg = parseTrainConfig({
    model: { kind: "C", hidden: 4 },
    data: { type: "csv", file: "const.csv", inputs: ["x"], outputs: ["y"] },
    train: { epochs: 2, batchSize: 8 },
  });
  const outDir = join(root, "const");
  await runTrainConfig(cfg, { outDir, baseDir: root });
  const text = readFileSync(join(outDir, "result.json"), "utf8");
  assert.not.match(text, /"-?Infinity"|"NaN"/);
  const res = JSON.parse(text);
  assert.is(res.metrics.test[0].r2, null);
  assert.equal(res.metrics.test[0].reason, { r2: "undefined (constant target)" });
  assert.ok(Number.isFinite(res.metrics.test[0].mape_pct));
});

test("a test split of one sample is refused with its size and the minimum", async () => {
  const ds = tableDataset(
    Array.from({ length: 10 }, (_, i) => [i]),
    Array.from({ length: 10 }, (_, i) => [2 * i]),
  );
  const e = await rejection(
    fitDataset(ds, {
      model: { kind: "C", inputs: 1, outputs: 1, hidden: 4, l2: 0, outputActivation: "linear" },
      split: { val: 0.1, test: 0.1 },
      train: { epochs: 1 },
    }),
  );
  assert.ok(e instanceof ConfigError, String(e));
  assert.is(
    e.message,
    "split.test = 0.1: the test split has 1 sample of 10; at least 2 are needed to score R² and MAPE (or 0 for no test split)",
  );
  // 0 (no test split) and 2 are fine
  for (const test of [0, 0.2])
    await fitDataset(ds, {
      model: { kind: "C", inputs: 1, outputs: 1, hidden: 4, l2: 0, outputActivation: "linear" },
      split: { val: 0.1, test },
      train: { epochs: 1 },
    });
});

test("resume without a checkpoint is refused, naming the folder (library and runTrainConfig, before any data is read)", async () => {
  const s = { x: new Float32Array(8), y: new Float32Array(8), n: 8 };
  const dir = join(root, "nock");
  let e = await rejection(
    train(
      buildModelC({ inputs: 1, outputs: 1, hidden: 2 }, 1),
      { train: s },
      { epochs: 1, checkpointDir: dir, checkpointEvery: 1, resume: true },
    ),
  );
  assert.ok(e instanceof ConfigError);
  assert.match(
    e.message,
    new RegExp(`^--resume: no checkpoint in ${dir.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} \\(checkpoint\\.bin is missing\\)`),
  );
  const cfg = parseTrainConfig({ model: { kind: "C" }, data: { type: "csv", file: "missing.csv", inputs: ["x"], outputs: ["y"] } });
  e = await rejection(runTrainConfig(cfg, { outDir: join(root, "fresh"), baseDir: root, resume: true }));
  assert.match(e.message, /^--resume: no checkpoint in .*fresh[\\/]checkpoint \(checkpoint\.bin is missing\); run without --resume first/);
});

test("assb-model.json carries its format; another one is refused, one without (written before the field) is read", () => {
  const meta = {
    kind: "assbkit.model",
    version: "0.1.0",
    model: {},
    inputShape: [4],
    inputNames: [],
    outputNames: [],
    scalers: { input: [], output: [] },
  } as unknown as AssbModelMeta;
  assert.is(MODEL_META_FORMAT, 1);
  assert.throws(
    () => fromMeta({} as never, { ...meta, format: 2 }),
    /assb-model\.json format = 2 \(assbkit 0\.1\.0\): expected format 1; read it with a newer assbkit/,
  );
  try {
    fromMeta({} as never, meta);
  } catch (e) {
    assert.not.match((e as Error).message, /format/, "a file without a format is the same layout");
  }
});

test.run();
