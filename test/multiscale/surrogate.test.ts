/**
 * A surrogate trained by `assb train` (model kind C) on micro dataset rows, read into the compute core once:
 * the wasm network's outputs equal TensorFlow.js's `predict` on the saved folder within 1e-6 relative (tfjs
 * scales the inputs in f32, the kernel in f64), log10 J_s included; a folder with other columns is refused.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, expectConfigError } from "../helpers.js";
import { loadCore } from "../../host/core/wasm.js";
import { runMicro } from "../../host/micro/model.js";
import { parseMicroConfig } from "../../host/micro/config.js";
import { datasetRows, DATASET_COLUMNS, type Dataset } from "../../host/multiscale/dataset.js";
import { MlpKernel } from "../../host/multiscale/mlp.js";
import { loadSurrogate, loadSurrogateSet, surrogateNetFor } from "../../host/multiscale/surrogate.js";
import { columnsToTable, toCsv } from "../../host/io/csv.js";

const INPUTS = ["flux_mol_m2_s", "c_surf_norm_old", "c_bulk_norm_old"];
const OUTPUTS = ["dc_surf_norm_dt_per_s", "dc_bulk_norm_dt_per_s"];
/** the model folder the first test trains (the surrogate-set tests reuse it) */
let trained = "";

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
  trained = folder;
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

test("loadSurrogateSet: a manifest with contiguous ranges loads sorted; wrong names, gaps, kind, missing dirs refused in one line", async () => {
  assert.ok(trained, "the first test trained a net");
  const dir = mkdtempSync(join(tmpdir(), "assb-surrogate-set-"));
  cpSync(trained, join(dir, "hi"), { recursive: true });
  cpSync(trained, join(dir, "lo"), { recursive: true });
  const manifest = (over: Record<string, unknown> = {}, nets?: unknown[]) => {
    writeFileSync(
      join(dir, "surrogate.json"),
      JSON.stringify({
        kind: "assbkit.multiscale.surrogate",
        format: 1,
        name: "t",
        inputs: INPUTS,
        outputs: OUTPUTS,
        outputsPerFlux: false,
        nets: nets ?? [
          { dir: "hi", flux_mol_m2_s: [1e-6, 1e-3], hidden: 64 },
          { dir: "lo", flux_mol_m2_s: [1e-9, 1e-6] },
        ],
        ...over,
      }),
    );
  };
  manifest();
  const set = await loadSurrogateSet(dir);
  assert.equal(
    set.nets.map((n) => [n.lo, n.hi]),
    [
      [1e-9, 1e-6],
      [1e-6, 1e-3],
    ],
  );
  assert.is(set.nets[1].weights.hidden, 64);
  assert.is(surrogateNetFor(set, 1e-12), set.nets[0]);
  assert.is(surrogateNetFor(set, 1e-6), set.nets[0]);
  assert.is(surrogateNetFor(set, 2e-6), set.nets[1]);
  assert.is(surrogateNetFor(set, 1), set.nets[1]);
  const file = join(dir, "surrogate.json");
  const refused = async (re: RegExp) => {
    let msg = "";
    try {
      await loadSurrogateSet(dir);
    } catch (e) {
      msg = (e as Error).message;
      assert.is(msg.split("\n").length, 1, msg);
    }
    assert.ok(msg.startsWith(file), msg || "not refused");
    assert.match(msg, re);
  };
  manifest({ inputs: ["fractureEnergy_J_m2", ...INPUTS] });
  await refused(
    /nets\[(0|1)\]\.dir = "(lo|hi)": surrogate .*: inputs flux_mol_m2_s, c_surf_norm_old, c_bulk_norm_old: expected fractureEnergy_J_m2/,
  );
  manifest({}, [
    { dir: "lo", flux_mol_m2_s: [1e-9, 1e-6] },
    { dir: "hi", flux_mol_m2_s: [2e-6, 1e-3] },
  ]);
  await refused(
    /nets\[1\]\.flux_mol_m2_s = \[0.000002,0.001\]: expected lo = 0.000001, the hi of nets\[0\] \(ranges must tile the flux range: a gap\)/,
  );
  manifest({}, [
    { dir: "lo", flux_mol_m2_s: [1e-9, 1e-5] },
    { dir: "hi", flux_mol_m2_s: [1e-6, 1e-3] },
  ]);
  await refused(/an overlap/);
  manifest({ kind: "assbkit.micro.result" });
  await refused(/: kind = "assbkit.micro.result": expected "assbkit.multiscale.surrogate"/);
  manifest({ format: 2 });
  await refused(/: format = 2: expected 1/);
  manifest({}, [{ dir: "nowhere", flux_mol_m2_s: [1e-9, 1e-6] }]);
  await refused(/nets\[0\]\.dir = "nowhere": expected a model folder/);
  manifest({}, [{ dir: "lo", flux_mol_m2_s: [1e-6, 1e-9] }]);
  await refused(/nets\[0\]\.flux_mol_m2_s = \[0.000001,1e-9\]: expected \[lo, hi\] with 0 < lo < hi/);
  manifest({}, [{ dir: "lo", flux_mol_m2_s: [1e-9, 1e-6], hidden: 128 }]);
  await refused(/nets\[0\]\.hidden = 128: expected 64/);
});

test("the shipped surrogates (models/surrogate-001-*) load: contiguous ranges over the trained fluxes", async () => {
  for (const [name, nin] of [
    ["surrogate-001-diffusion", 3],
    ["surrogate-001-damage", 4],
  ] as const) {
    const set = await loadSurrogateSet(join(ROOT, "models", name));
    assert.is(set.manifest.inputs.length, nin);
    assert.is(set.nets[0].lo, 3e-13);
    assert.is(set.nets.at(-1)?.hi, 8e-4);
  }
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
