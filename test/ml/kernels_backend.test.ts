/**
 * The wasm training-kernel pack (host/ml/kernels): backend selection (auto picks 'wasm' + pack and
 * says why the native backends were not used), `assb ml info`, and the in-place build/assbkit-ml.wasm.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { initMl, describeBackend } from "../../host/ml/backend.js";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../helpers.js";
import { tf, info } from "./kernels_helpers.js";

test("auto picks 'wasm' with the pack and says why the native backends were not used", () => {
  assert.is(info.backend, "wasm");
  assert.ok(info.simd, "SIMD build");
  assert.is(info.threads, 1);
  const names = info.notUsed.map((c) => c.name);
  assert.ok(names.includes("@tensorflow/tfjs-node-gpu") && names.includes("@tensorflow/tfjs-node"), names.join());
  for (const c of info.notUsed) assert.ok(c.reason.length > 10, `${c.name}: ${c.reason}`);
  const pack = info.packKernels!.map((k) => k.name).sort();
  assert.equal(pack, [
    "Add",
    "Cast",
    "Conv2DBackpropFilter",
    "Conv2DBackpropInput",
    "DepthwiseConv2dNativeBackpropFilter",
    "DepthwiseConv2dNativeBackpropInput",
    "FusedBatchNorm",
    "Identity",
    "MaxPoolGrad",
    "Mean",
    "Multiply",
    "RealDiv",
    "Sub",
    "Sum",
    "Tile",
  ]);
  assert.equal(
    info.packGradients!.map((g) => g.name),
    ["Mean"],
  );
  for (const k of pack) assert.ok(tf.getKernel(k, "wasm"), `${k} registered`);
  assert.ok(describeBackend(info).some((l) => l.includes("tfjs-node-gpu")));
});

test("assb ml info prints the backend, why the others were not used, tfjs version, SIMD, threads and the pack", () => {
  const assb = (...a: string[]) =>
    spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "host/cli/main.ts"), "ml", "info", ...a], { encoding: "utf8", cwd: ROOT });
  const r = assb();
  assert.is(r.status, 0, r.stderr);
  for (const s of [
    "backend: wasm",
    "not used: @tensorflow/tfjs-node:",
    "tfjs: 4.22.0",
    "simd: on",
    "threads: 1",
    "Conv2DBackpropFilter",
    "MaxPoolGrad",
  ]) {
    assert.ok(r.stdout.includes(s), `missing '${s}' in:\n${r.stdout}`);
  }
  // on a machine without a GPU npm drops the optional tfjs-node-gpu after its install script fails; where
  // the files stay (an npm install with scripts off), the addon is missing: either way the reason is printed
  assert.match(r.stdout, /not used: @tensorflow\/tfjs-node-gpu: (not installed|installed but fails to load: .+)/);
  const j = assb("--json");
  assert.is(j.status, 0, j.stderr);
  assert.is(JSON.parse(j.stdout).backend, "wasm");
  const bad = assb("--backend", "gpu");
  assert.is(bad.status, 2);
  assert.match(bad.stderr, /--backend = "gpu": expected one of auto, tensorflow, wasm, cpu/);
});

test("initMl is idempotent", async () => {
  const again = await initMl();
  assert.is(again.info, info);
  assert.is(again.tf, tf);
  assert.is(tf.getBackend(), "wasm");
});

test("build/assbkit-ml.wasm (run on the tfjs heap) has no data segments or globals and imports only memory", () => {
  const wat = readFileSync(join(ROOT, "build", "assbkit-ml.wat"), "utf8");
  assert.not.match(wat, /\(data |\(global /);
  const imports = wat.split("\n").filter((l) => l.includes("(import "));
  assert.equal(
    imports.map((l) => l.trim()),
    ['(import "env" "memory" (memory $0 0))'],
  );
});

test.run();
