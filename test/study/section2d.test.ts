/**
 * The paper-000 dataset path at a tiny scale (12 um frames, 3-4 um AM discs, 64 px sections): the section2d
 * study kind is deterministic by seed (same labels and images twice, in another study holding the same
 * cases), its labels.csv trains model A (the AM fraction is learnt: test R² above a floor), the test split
 * never overlaps the training images, bad label/image input is refused with one clear line, and a frame that
 * jams past the overlap limit fails or (onLimit: stop) is held where it jammed.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseStudy } from "../../host/study/schema.js";
import { runStudy } from "../../host/study/run.js";
import { section2dLabels, SECTION2D_LABELS } from "../../host/study/section2d_kind.js";
import { parseCsv } from "../../host/io/csv.js";
import { encodePng } from "../../host/io/png.js";
import { initMl } from "../../host/ml/backend.js";
import { parseTrainConfig, runTrainConfig } from "../../host/ml/config.js";
import { readPngDataset, splitIndices } from "../../host/ml/data.js";
import { regressionMetrics } from "../../host/ml/metrics.js";
import { expectConfigError } from "../helpers.js";
import { tmp } from "./util.js";

const base = {
  pack: {
    amAreaFraction: 0.4,
    onJam: "stop",
    frame: { height_m: 12e-6 },
    am: { meanDiameterRange_m: [3e-6, 4e-6], sdRange_m: [0, 0.3e-6] },
    maxAttempts: 20000,
  },
  initialWidth_m: 14e-6,
  compress: { finalWidth_m: 12e-6, speed_m_s: 1, holdSteps: 2000 },
  image: { size: 64, crop_m: 0.5e-6 },
};
const study = (name: string, fractions: number[], widths: number[], repeat: number) =>
  parseStudy(
    {
      name,
      seed: 7,
      base: { kind: "section2d", config: base },
      axes: [
        { path: "pack.amAreaFraction", list: fractions },
        { path: "initialWidth_m", list: widths },
      ],
      repeat,
    },
    name,
  );

const big = tmp("s2d-big");
const small = tmp("s2d-small");
const t0 = performance.now();
const sumBig = await runStudy(await study("tiny", [0.2, 0.3, 0.4, 0.5, 0.6], [13e-6, 14e-6, 15e-6], 4), big, { workers: 1 });
const sumSmall = await runStudy(await study("tiny-subset", [0.4], [14e-6], 2), small, { workers: 1 });
console.log(`  ${sumBig.total + sumSmall.total} tiny section2d cases in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
const labBig = section2dLabels(big);
const labSmall = section2dLabels(small);
const rowsOf = (f: string) => {
  const t = parseCsv(readFileSync(f, "utf8"), f);
  return t.rows.map((r) => Object.fromEntries(t.columns.map((c, k) => [c, r[k]])));
};

test("a frame jammed past the overlap limit: onLimit fail stops the case, onLimit stop holds it where it jammed", async () => {
  const { loadCore } = await import("../../host/core/wasm.js");
  const { section2dKind } = await import("../../host/study/section2d_kind.js");
  const core = await loadCore();
  const dir = tmp("section2d-limit");
  const cfg = (onLimit: string) =>
    section2dKind.parse(
      { ...base, pack: { ...base.pack, amAreaFraction: 0.6, seed: 5 }, initialWidth_m: 18e-6, compress: { ...base.compress, onLimit } },
      "limit",
      dir,
    );
  const failed = await section2dKind.run(core as never, await cfg("fail"), dir, 5).then(
    () => "no error",
    (e: Error) => e.message,
  );
  assert.match(failed, /overlaps .* of the smaller radius \(limit 0\.75\)/);
  const r = await section2dKind.run(core as never, await cfg("stop"), dir, 5);
  const w = r.scalars.reachedWidth_m as number;
  assert.ok(w > 12e-6 && w < 18e-6, `reached width ${w}`);
  assert.ok(Math.abs((r.scalars.compressionRatio as number) - 18e-6 / w) < 1e-12);
  assert.ok(r.files.includes("section.png"));
});

test("section2d: deterministic by seed — the same case in two studies gives the same labels and the same image bytes", () => {
  assert.is(sumBig.failed, 0);
  assert.is(labBig.rows, 60);
  assert.is(labSmall.rows, 2);
  const b = new Map(rowsOf(labBig.file).map((r) => [r.case_id, r]));
  for (const r of rowsOf(labSmall.file)) {
    const o = b.get(r.case_id);
    assert.ok(o, `case ${r.case_id} is in both studies`);
    assert.equal(r, o);
    assert.ok(readFileSync(join(small, r.file)).equals(readFileSync(join(big, r.file))), `${r.file}: same PNG bytes`);
  }
  for (const r of rowsOf(labBig.file)) {
    for (const c of SECTION2D_LABELS) assert.ok(Number.isFinite(Number(r[c])), `${c} = ${r[c]}`);
    assert.ok(Number(r.reactionArea_m2) >= 0 && Number(r.AM_stress_sd_Pa) >= 0 && Number(r.SE_stress_sd_Pa) >= 0);
    assert.ok(Math.abs(Number(r.compressionRatio) * 12e-6 - Number(r.initialWidth_m)) < 1e-12);
  }
});

const { info } = await initMl();
const trainDir = join(big, "train");
const cfg = parseTrainConfig({
  name: "tiny-cnn000",
  seed: 5,
  model: { kind: "A", filters: [8, 8, 8, 16, 16], dense: [32, 32] },
  // the tiny frames barely load their SE (stresses of a few kPa, often no AM-SE contact): a structure label
  data: { type: "images", dir: big, labels: labBig.file, outputs: ["amAreaFraction"] },
  split: { train: 0.64, val: 0.16, test: 0.2 },
  train: { epochs: 60, batchSize: 8, learningRate: 3e-3, minLearningRate: 1e-4, warmupEpochs: 1, flips: true },
});
const t1 = performance.now();
const { result } = await runTrainConfig(cfg, { outDir: trainDir });
const r2 = Object.fromEntries(result.metrics.test.map((m) => [m.name, m.r2]));
console.log(
  `  tiny model A on ${result.samples.train}/${result.samples.val}/${result.samples.test} images (${info.backend}, ${((performance.now() - t1) / 1000).toFixed(1)} s): test R² amAreaFraction ${r2.amAreaFraction?.toFixed(3)}`,
);

test("section2d -> labels.csv -> model A learns the AM area fraction (test R² > 0.6)", () => {
  assert.equal(result.samples, { train: 38, val: 10, test: 12 });
  assert.ok(r2.amAreaFraction! > 0.6, `AM fraction test R² ${r2.amAreaFraction}`);
});

test("the test split never overlaps the training (or validation) images", () => {
  const ids = rowsOf(labBig.file).map((r) => r.file);
  assert.is(new Set(ids).size, ids.length);
  const sp = splitIndices(ids.length, cfg.split, cfg.seed);
  const train = new Set(sp.train.map((k) => ids[k]));
  const val = new Set(sp.val.map((k) => ids[k]));
  const tested = rowsOf(join(trainDir, "test_predictions.csv")).map((r) => r.sample);
  assert.is(tested.length, 12);
  for (const s of tested) assert.ok(!train.has(s) && !val.has(s), `${s} is a test image and a training image`);
  // and at the paper's size: 320/80/100 of 500, disjoint, all used
  const p = splitIndices(500, cfg.split, 2022);
  assert.equal([p.train.length, p.val.length, p.test.length], [320, 80, 100]);
  assert.is(new Set([...p.train, ...p.val, ...p.test]).size, 500);
});

test("bad input: a repeated or missing image, a wrong image size, a constant label column", () => {
  const d = tmp("s2d-bad");
  const im = join(big, rowsOf(labBig.file)[0].file);
  copyFileSync(im, join(d, "a.png"));
  copyFileSync(im, join(d, "b.png"));
  const labels = (name: string, body: string) => {
    writeFileSync(join(d, name), body);
    return join(d, name);
  };
  // the same image labelled twice would be in two splits at once
  expectConfigError(
    () => readPngDataset(d, labels("dup.csv", "file,y\na.png,1\nb.png,2\na.png,3\n"), ["y"]),
    /rows 2 and 4 both label image 'a\.png'/,
  );
  // a label row without its image; a label column missing; a non-number label
  expectConfigError(
    () => readPngDataset(d, labels("ghost.csv", "file,y\na.png,1\nc.png,2\n"), ["y"]),
    /row 3: image .*c\.png does not exist/,
  );
  expectConfigError(() => readPngDataset(d, labels("nocol.csv", "file,z\na.png,1\n"), ["y"]), /column 'y' is missing/);
  expectConfigError(
    () => readPngDataset(d, labels("nan.csv", "file,y\na.png,1\nb.png,\n"), ["y"]),
    /row 3, column 'y' = '' is not a finite number/,
  );
  // a 32 px image among 64 px ones; 48 px images for model A (five 2x2 pools need a multiple of 32)
  mkdirSync(join(d, "sizes"));
  copyFileSync(im, join(d, "sizes", "a.png"));
  writeFileSync(join(d, "sizes", "s.png"), encodePng(new Uint8Array(32 * 32), 32, 32, 1));
  expectConfigError(
    () => readPngDataset(join(d, "sizes"), labels("sz.csv", "file,y\na.png,1\ns.png,2\n"), ["y"]),
    /s\.png is 32x32 but a\.png is 64x64/,
  );
  mkdirSync(join(d, "p48"));
  for (const n of ["a", "b", "c", "e"]) writeFileSync(join(d, "p48", `${n}.png`), encodePng(new Uint8Array(48 * 48), 48, 48, 1));
  const c48 = parseTrainConfig({
    model: { kind: "A" },
    data: {
      type: "images",
      dir: join(d, "p48"),
      labels: labels("p48.csv", "file,y\na.png,1\nb.png,2\nc.png,3\ne.png,4\n"),
      outputs: ["y"],
    },
  });
  return runTrainConfig(c48, { outDir: join(d, "o48") }).then(
    () => assert.unreachable("48 px accepted"),
    (e: Error) => {
      assert.match(e.message, /image size 48 px is not a multiple of 32/);
      // a constant label column: R² is undefined — null with its reason, never NaN
      const m = regressionMetrics([1, 2, 3, 3.1, 3, 2.9], [1, 3, 2, 3, 3, 3], ["varies", "constant"]);
      assert.ok(m[0].r2 !== null && Number.isFinite(m[0].r2));
      assert.is(m[1].r2, null);
      assert.is(m[1].reason?.r2, "undefined (constant target)");
    },
  );
});

test("a constant label column trains, and its test R² is null with a reason (the others are numbers)", async () => {
  const d = join(big, "const");
  const rows = rowsOf(labBig.file);
  writeFileSync(
    join(big, "labels_const.csv"),
    "file,amAreaFraction,flat\n" + rows.map((r) => `${r.file},${r.amAreaFraction},0.5`).join("\n") + "\n",
  );
  const c = parseTrainConfig({
    seed: 5,
    model: { kind: "A", filters: [4, 4, 4, 4, 4], dense: [8] },
    data: { type: "images", dir: big, labels: join(big, "labels_const.csv"), outputs: ["amAreaFraction", "flat"] },
    split: { train: 0.64, val: 0.16, test: 0.2 },
    train: { epochs: 1, batchSize: 16 },
  });
  const { result: r } = await runTrainConfig(c, { outDir: d });
  const flat = r.metrics.test.find((m) => m.name === "flat")!;
  assert.is(flat.r2, null);
  assert.is(flat.reason?.r2, "undefined (constant target)");
  assert.ok(Number.isFinite(r.metrics.test[0].r2!));
  assert.not.match(readFileSync(join(d, "result.json"), "utf8"), /NaN/);
});

test.run();
