/** ML datasets: PNG folder + labels CSV, raw uint8 tensor + sidecar (the transport fixture), CSV tables, config errors. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodePng } from "../../host/io/png.js";
import {
  readPngDataset,
  readRawDataset,
  readCsvDataset,
  readImages,
  imageDataset,
  fitScalers,
  scaledRows,
  splitIndices,
} from "../../host/ml/data.js";
import { parseTrainConfig, resolveModel } from "../../host/ml/config.js";
import { ImageScaler } from "../../host/ml/scalers.js";
import { ConfigError } from "../../host/config/errors.js";
import { fixture } from "../helpers.js";

const out = mkdtempSync(join(tmpdir(), "assb-mld-"));

test("PNG folder + labels CSV: pixels, labels and file names; rows paired by the file column", () => {
  const dir = join(out, "png");
  mkdirSync(dir);
  const ims = [0, 1, 2].map((k) => Uint8Array.from({ length: 12 }, (_, i) => (i * 20 + k * 7) % 256));
  ims.forEach((im, k) => writeFileSync(join(dir, `i${k}.png`), encodePng(im, 4, 3, 1)));
  // RGB is read as gray
  writeFileSync(
    join(dir, "rgb.png"),
    encodePng(
      Uint8Array.from({ length: 36 }, () => 90),
      4,
      3,
      3,
    ),
  );
  writeFileSync(join(out, "labels.csv"), "file,a,b\ni2.png,2,20\ni0.png,0,0\nrgb.png,9,90\n");
  const ds = readPngDataset(dir, join(out, "labels.csv"), ["b", "a"]);
  assert.is(ds.n, 3);
  assert.equal(ds.xShape, [3, 4, 1]);
  assert.equal(ds.ids, ["i2.png", "i0.png", "rgb.png"]);
  assert.equal(Array.from(ds.x.subarray(0, 12)), Array.from(ims[2]));
  assert.equal(Array.from(ds.x.subarray(12, 24)), Array.from(ims[0]));
  assert.equal(Array.from(ds.x.subarray(24, 36)), new Array(12).fill(90));
  assert.equal(Array.from(ds.y), [20, 2, 0, 0, 90, 9]);
  assert.is(ds.pixelDivisor, 255);
  // scaled rows: pixels / 255, outputs min-max over the chosen rows
  const s = fitScalers(ds, [0, 1, 2]);
  assert.ok(s.input instanceof ImageScaler);
  const r = scaledRows(ds, [1], s);
  assert.ok(Math.abs(r.x[1] - ims[0][1] / 255) < 1e-7);
  assert.equal(Array.from(r.y), [0, 0]);
  // a size mismatch and a missing image are reported with the file names
  writeFileSync(join(dir, "big.png"), encodePng(new Uint8Array(16), 4, 4, 1));
  writeFileSync(join(out, "bad.csv"), "file,a\ni0.png,1\nbig.png,2\n");
  assert.throws(() => readPngDataset(dir, join(out, "bad.csv"), ["a"]), /big\.png is 4x4 but i0\.png is 4x3/);
  writeFileSync(join(out, "missing.csv"), "file,a\nnope.png,1\n");
  assert.throws(() => readPngDataset(dir, join(out, "missing.csv"), ["a"]), /row 2: image .*nope\.png does not exist/);
  assert.throws(() => readPngDataset(dir, join(out, "labels.csv"), ["c"]), /column 'c' is missing/);
  const imgs = readImages(join(dir, "i1.png"));
  assert.equal([imgs.ids, imgs.h, imgs.w], [["i1.png"], 3, 4]);
});

test("raw uint8 tensor + sidecar (fixtures/transport/img64_batch100) with labels paired by the index column", () => {
  const ds = readRawDataset(fixture("transport/img64_batch100.json"), fixture("transport/img64_batch100_reference.csv"), [
    "Deff_rel",
    "conductive_fraction",
  ]);
  assert.is(ds.n, 100);
  assert.equal(ds.xShape, [64, 64, 1]);
  assert.is(ds.pixelDivisor, 1, "phase codes 0/1 scale by the largest code");
  assert.ok(Math.abs(ds.y[0] - 0.524702013401) < 1e-12);
  // the conductive fraction label equals the fraction of 1-pixels of each image
  for (let k = 0; k < 100; k += 17) {
    let ones = 0;
    for (let i = 0; i < 4096; i++) ones += ds.x[k * 4096 + i];
    assert.ok(Math.abs(ones / 4096 - ds.y[2 * k + 1]) < 1e-9, `image ${k}`);
  }
  writeFileSync(join(out, "sub.csv"), "index,Deff_rel\n5,0.5\n3,0.3\n");
  const sub = readRawDataset(fixture("transport/img64_batch100.json"), join(out, "sub.csv"), ["Deff_rel"]);
  const full = readRawDataset(fixture("transport/img64_batch100.json"), fixture("transport/img64_batch100_reference.csv"), ["Deff_rel"]);
  assert.equal(sub.ids, ["5", "3"]);
  assert.equal(Array.from(sub.x.subarray(0, 4096)), Array.from(full.x.subarray(5 * 4096, 6 * 4096)));
  writeFileSync(join(out, "badidx.csv"), "index,Deff_rel\n100,0.5\n");
  assert.throws(
    () => readRawDataset(fixture("transport/img64_batch100.json"), join(out, "badidx.csv"), ["Deff_rel"]),
    /index 100 is not an image index 0-99/,
  );
});

test("CSV tables and in-memory images", () => {
  writeFileSync(join(out, "t.csv"), "J,c,y\n1e-3,1,5\n10,2,6\n");
  const t = readCsvDataset(join(out, "t.csv"), ["J", "c"], ["y"]);
  assert.equal([t.n, Array.from(t.x), Array.from(t.y)], [2, [1e-3, 1, 10, 2], [5, 6]]);
  const s = fitScalers(t, [0, 1], { log10Inputs: ["J"] });
  assert.equal(Array.from(scaledRows(t, [0, 1], s).x), [0, 0, 1, 1]);
  writeFileSync(join(out, "t2.csv"), "J,c,y\n1e-3,x,5\n");
  assert.throws(() => readCsvDataset(join(out, "t2.csv"), ["J", "c"], ["y"]), /row 2, column 'c' = 'x' is not a finite number/);
  const im = imageDataset(new Uint8Array(2 * 16), 4, 4, [[1], [2]], { outputNames: ["q"] });
  assert.equal([im.n, im.xShape, im.outputNames], [2, [4, 4, 1], ["q"]]);
  assert.throws(() => imageDataset(new Uint8Array(10), 4, 4, [[1]]), /10 pixels for 1 images of 4x4/);
  assert.equal(splitIndices(10, { train: 1, val: 0, test: 0 }, 1).train.length, 10);
});

test("train config: defaults filled, errors name the field, model and data must fit each other", () => {
  const cfg = parseTrainConfig({ model: { kind: "C" }, data: { type: "csv", file: "d.csv", inputs: ["a"], outputs: ["y"] } });
  assert.is(cfg.train.epochs, 100);
  assert.is(cfg.train.learningRate, 1e-3);
  assert.equal(cfg.split, { val: 0.1, test: 0.1 });
  assert.is(cfg.seed, 1);
  assert.equal(cfg.model, { kind: "C", hidden: 128, l2: 1e-6, outputActivation: "relu" });
  const err = (v: unknown) => {
    try {
      parseTrainConfig(v, "x.yaml");
      return "";
    } catch (e) {
      assert.instance(e, ConfigError);
      return (e as Error).message;
    }
  };
  assert.match(
    err({ model: { kind: "D" }, data: { type: "csv", file: "d", inputs: ["a"], outputs: ["y"] } }),
    /model.kind = "D": unknown model kind; available: A/,
  );
  assert.match(
    err({ model: { kind: "A", filters: [1, 2] }, data: { type: "raw", volume: "v.json", labels: "l.csv", outputs: ["y"] } }),
    /model.filters = \[1,2\]/,
  );
  assert.match(
    err({ model: { kind: "C" }, data: { type: "csv", file: "d", inputs: ["a"], outputs: ["y"] }, train: { epochs: 0 } }),
    /train.epochs = 0/,
  );
  assert.match(err({ model: { kind: "C", hiden: 3 }, data: { type: "csv", file: "d", inputs: ["a"], outputs: ["y"] } }), /hiden/);
  const raw = readRawDataset(fixture("transport/img64_batch100.json"), fixture("transport/img64_batch100_reference.csv"), ["Deff_rel"]);
  assert.equal(
    resolveModel(parseTrainConfig({ model: { kind: "B" }, data: { type: "raw", volume: "v", labels: "l", outputs: ["Deff_rel"] } }), raw),
    { kind: "B", inputSize: 64, channels: 1, dropout: 0.2, headChannels: 256, outputs: 1 },
  );
  assert.throws(
    () =>
      resolveModel(parseTrainConfig({ model: { kind: "C" }, data: { type: "raw", volume: "v", labels: "l", outputs: ["Deff_rel"] } }), raw),
    /the MLP takes tables/,
  );
  assert.throws(
    () =>
      resolveModel(
        parseTrainConfig({ model: { kind: "A", inputSize: 224 }, data: { type: "raw", volume: "v", labels: "l", outputs: ["Deff_rel"] } }),
        raw,
      ),
    /model.inputSize = 224: the images are 64x64/,
  );
});

test.run();
