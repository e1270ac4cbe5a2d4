/** `assb train` and `assb predict` end to end on a small MLP (model C), resume, and config errors. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Rng } from "../../host/core/rng.js";
import { VERSION } from "../../host/version.js";
import { ROOT } from "../helpers.js";

const assb = (...args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "host/cli/main.ts"), ...args], { encoding: "utf8", cwd: ROOT });
const out = mkdtempSync(join(tmpdir(), "assb-mlcli-"));

// y = sin(x1) + 0.1 log10(J)^2, J log-uniform over five decades
const r = new Rng(1);
const rows = ["x1,J_s,y"];
for (let i = 0; i < 1500; i++) {
  const a = r.uniform(-2, 2),
    j = 10 ** r.uniform(-3, 2);
  rows.push(`${a},${j},${Math.sin(a) + 0.1 * Math.log10(j) ** 2}`);
}
writeFileSync(join(out, "data.csv"), rows.join("\n") + "\n");
writeFileSync(
  join(out, "c.yaml"),
  [
    "name: mlp-demo",
    "seed: 4",
    "model: {kind: C, hidden: 128, l2: 1.0e-7}",
    'data: {type: csv, file: data.csv, inputs: [x1, J_s], outputs: [y], log10: [J_s], units: {J_s: "mol/(m^2 s)", y: "1"}}',
    "train: {epochs: 30, batchSize: 32, learningRate: 0.005, checkpointEvery: 10}",
  ].join("\n") + "\n",
);

test("assb train <config.yaml>: model folder, result.json with the resolved config, history, test predictions, checkpoint", () => {
  const t = assb("train", join(out, "c.yaml"), "-o", join(out, "run"));
  assert.is(t.status, 0, t.stderr + t.stdout);
  assert.match(t.stdout, /backend: /);
  assert.match(t.stdout, /mlp-demo: model C \(513 parameters\) on 1200\/150\/150 samples, 30 epochs/);
  assert.match(t.stdout, /epoch 30: loss /);
  assert.equal(readdirSync(join(out, "run")).sort(), ["checkpoint", "history.csv", "model", "result.json", "test_predictions.csv"]);
  const res = JSON.parse(readFileSync(join(out, "run", "result.json"), "utf8"));
  assert.is(res.version, VERSION);
  assert.is(res.seed, 4);
  assert.is(res.config.train.batchSize, 32);
  assert.is(res.config.train.beta2, 0.999, "defaults are filled in the resolved config");
  assert.equal(res.config.data.log10, ["J_s"]);
  assert.is(res.source, "data.csv", "the data source without the machine's path (the file lies outside the working folder)");
  assert.equal(res.scalers.input.log10, [false, true]);
  assert.ok(res.metrics.test[0].r2 > 0.98, `R² ${res.metrics.test[0].r2}`);
  const meta = JSON.parse(readFileSync(join(out, "run", "model", "assb-model.json"), "utf8"));
  assert.equal(meta.inputUnits, ["", "mol/(m^2 s)"]);
  assert.equal(meta.outputUnits, ["1"]);
  assert.is(
    readFileSync(join(out, "run", "history.csv"), "utf8")
      .trim()
      .split("\n").length,
    31,
  );
  assert.is(readFileSync(join(out, "run", "test_predictions.csv"), "utf8").split("\n")[0], "sample,y,y_pred");
});

test("assb train --resume continues from the checkpoint; assb predict <model> <inputs.csv>", () => {
  const t = assb("train", join(out, "c.yaml"), "-o", join(out, "run"), "--resume", "-q");
  assert.is(t.status, 0, t.stderr + t.stdout);
  assert.match(t.stdout, /resumed after epoch 30/);
  writeFileSync(join(out, "in.csv"), "J_s,x1\n1,0.5\n0.01,-1\n");
  const p = assb("predict", join(out, "run", "model"), join(out, "in.csv"), "-o", join(out, "pred.csv"));
  assert.is(p.status, 0, p.stderr + p.stdout);
  const lines = readFileSync(join(out, "pred.csv"), "utf8").trim().split("\n");
  assert.is(lines[0], "x1,J_s,y_pred");
  const truth = [Math.sin(0.5), Math.sin(-1) + 0.4];
  lines.slice(1).forEach((l, k) => assert.ok(Math.abs(Number(l.split(",")[2]) - truth[k]) < 0.1, `${l} vs ${truth[k]}`));
});

test("config and input errors exit with status 2 and name the field", () => {
  writeFileSync(
    join(out, "bad.yaml"),
    "model: {kind: C}\ndata: {type: csv, file: data.csv, inputs: [x1], outputs: [y]}\ntrain: {learningRate: -1}\n",
  );
  const b = assb("train", join(out, "bad.yaml"), "-o", join(out, "bad"));
  assert.is(b.status, 2, b.stderr);
  assert.match(b.stderr, /train.learningRate = -1/);
  writeFileSync(join(out, "nocol.csv"), "x1\n1\n");
  const p = assb("predict", join(out, "run", "model"), join(out, "nocol.csv"));
  assert.is(p.status, 2, p.stderr);
  assert.match(p.stderr, /column 'J_s' is missing; the model takes x1, J_s/);
});

test("assb train --resume with no checkpoint in -o refuses in one line naming the folder (like compact --resume)", () => {
  const fresh = join(out, "fresh");
  const t = assb("train", join(out, "c.yaml"), "-o", fresh, "--resume", "-q");
  assert.is(t.status, 2, t.stderr + t.stdout);
  assert.is(t.stderr.trim().split("\n").length, 1);
  assert.ok(
    t.stderr.startsWith(`assb: error: --resume: no checkpoint in ${join(fresh, "checkpoint")} (checkpoint.bin is missing)`),
    t.stderr,
  );
  assert.equal(readdirSync(fresh), [], "nothing trained, nothing written");
});

test("--backend typos in train, predict and ml info: exit 2 listing the valid backends", () => {
  const want = /^assb: error: --backend = "wsam": expected one of auto, tensorflow, wasm, cpu\n$/;
  for (const args of [
    ["train", join(out, "c.yaml"), "-o", join(out, "typo"), "--backend", "wsam"],
    ["predict", join(out, "run", "model"), join(out, "in.csv"), "-o", join(out, "typo.csv"), "--backend", "wsam"],
    ["ml", "info", "--backend", "wsam"],
  ]) {
    const r = assb(...args);
    assert.is(r.status, 2, `${args[0]}: ${r.stderr}`);
    assert.match(r.stderr, want, args[0]);
  }
});

test.run();
