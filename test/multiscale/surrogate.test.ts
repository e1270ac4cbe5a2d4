/**
 * A surrogate trained by `assb train` (model kind C) on micro dataset rows, read into the compute core once:
 * the wasm network's outputs equal TensorFlow.js's `predict` on the saved folder within 1e-6 relative (tfjs
 * scales the inputs in f32, the kernel in f64), log10 J_s included; a folder with other columns is refused.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, expectConfigError } from "../helpers.js";
import { loadCore } from "../../host/core/wasm.js";
import { runMicro } from "../../host/micro/model.js";
import { parseMicroConfig } from "../../host/micro/config.js";
import { datasetRows, DATASET_COLUMNS, type Dataset } from "../../host/multiscale/dataset.js";
import { MlpKernel } from "../../host/multiscale/mlp.js";
import { loadSurrogate } from "../../host/multiscale/surrogate.js";
import { columnsToTable, toCsv } from "../../host/io/csv.js";

const INPUTS = ["flux_mol_m2_s", "c_surf_norm_old", "c_bulk_norm_old"];
const OUTPUTS = ["dc_surf_norm_dt_per_s", "dc_bulk_norm_dt_per_s"];

test("assb train on pure-diffusion rows -> loadSurrogate -> MlpKernel = tfjs predict (1e-6 relative)", async () => {
  const core = await loadCore();
  const dir = mkdtempSync(join(tmpdir(), "assb-surrogate-"));
  let d: Dataset | undefined;
  for (const J of [1e-5, 1e-4, 7.83e-4])
    d = datasetRows(runMicro(core, parseMicroConfig({ flux_mol_m2_s: J, mechanics: false, resolution: 1 })), d);
  const rows = d as Dataset;
  writeFileSync(join(dir, "ds.csv"), toCsv(columnsToTable(Object.fromEntries(DATASET_COLUMNS.map((c) => [c, rows[c]])))));
  writeFileSync(
    join(dir, "train.yaml"),
    [
      "name: diffusion-surrogate",
      "seed: 3",
      "model: {kind: C, hidden: 64, l2: 1.0e-7}",
      `data: {type: csv, file: ds.csv, inputs: [${INPUTS.join(", ")}], outputs: [${OUTPUTS.join(", ")}], log10: [flux_mol_m2_s]}`,
      "train: {epochs: 5, batchSize: 16, learningRate: 0.005}",
    ].join("\n"),
  );
  const t = spawnSync(
    process.execPath,
    ["--import", "tsx", join(ROOT, "host/cli/main.ts"), "train", join(dir, "train.yaml"), "-o", join(dir, "run"), "-q"],
    {
      encoding: "utf8",
      cwd: ROOT,
    },
  );
  assert.is(t.status, 0, t.stderr + t.stdout);
  const folder = join(dir, "run", "model");
  const w = await loadSurrogate(folder, { inputs: INPUTS, outputs: OUTPUTS });
  assert.equal(w.inputLog10, [true, false, false]);
  const n = rows.t_s.length;
  const x: number[] = [];
  for (let k = 0; k < n; k++) x.push(rows.flux_mol_m2_s[k], rows.c_surf_norm_old[k], rows.c_bulk_norm_old[k]);
  const got = new MlpKernel(core, w, n).predict(x);
  const { loadModel, predict } = await import("../../host/ml/index.js");
  const ref = predict(await loadModel(folder), x);
  const scale = Math.max(...Array.from(ref, Math.abs));
  let worst = 0;
  for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(got[i] - ref[i]) / scale);
  assert.ok(scale > 0 && worst < 1e-6, `max relative difference ${worst} (scale ${scale})`);
  await expectConfigErrorAsync(
    () => loadSurrogate(folder, { inputs: ["fractureEnergy_J_m2", ...INPUTS], outputs: OUTPUTS }),
    /surrogate .*: inputs flux_mol_m2_s, c_surf_norm_old, c_bulk_norm_old: expected fractureEnergy_J_m2, flux_mol_m2_s/,
  );
});

async function expectConfigErrorAsync(f: () => Promise<unknown>, re: RegExp): Promise<void> {
  let err: unknown;
  try {
    await f();
  } catch (e) {
    err = e;
  }
  expectConfigError(() => {
    if (err) throw err;
  }, re);
}

test.run();
