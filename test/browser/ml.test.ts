/**
 * A saved model loads and predicts in headless Chromium (tfjs 'wasm' backend there) through the
 * assbkit/ml/browser bundle (host/ml/browser.ts) with the same numbers as in Node (wasm backend +
 * training-kernel pack): models A (tiny, 64x64 images), B (EfficientNet-style, 64x64) and C (MLP with
 * log10 input scaling), and the two shipped CNNs (models/cnn000-stress, models/cnn002-conductivity),
 * relative difference <= 1e-5. Chromium: see harness.ts (Debian's when
 * installed, else the one inside @sparticuz/chromium).
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { initMl } from "../../host/ml/backend.js";
import { buildModelA, buildModelB, buildModelC } from "../../host/ml/models.js";
import { MinMaxScaler, ImageScaler } from "../../host/ml/scalers.js";
import { saveModel, loadModel, predict } from "../../host/ml/save.js";
import { Rng } from "../../host/core/rng.js";
import { ROOT } from "../helpers.js";
import { grfBatch, GRF_DEFAULTS } from "../../host/image/grf.js";
import { sectionImage } from "../../host/image/section.js";
import { harness, closeHarness, ML_BUNDLE } from "./harness.js";

const OUT = join(ROOT, "test-results", "browser-ml");
test.after(closeHarness);

/** Predictions of a model folder (served under /test-results/browser-ml/<name>, or a path from the repository root) in Chromium. */
async function inChromium(name: string, inputs: number[]): Promise<{ y: number[]; backend: string }> {
  const h = await harness();
  const { page, errors } = await h.open();
  const out = await page.evaluate(
    async ({ bundle, url, wasm, x }) => {
      // the ML entry is its own bundle: the core bundle on the page carries no TensorFlow.js
      const A = (await import(bundle)) as typeof import("../../host/ml/browser.js");
      const backend = await A.initMlBrowser({ backend: "wasm", wasmPaths: wasm });
      const m = await A.loadModelFromUrl(url);
      return { y: Array.from(A.predict(m, x)), backend };
    },
    {
      bundle: ML_BUNDLE,
      url: name.includes("/") ? `${h.base}/${name}/` : `${h.base}/test-results/browser-ml/${name}/`,
      wasm: `${h.base}/node_modules/@tensorflow/tfjs-backend-wasm/dist/`,
      x: inputs,
    },
  );
  await page.close();
  assert.equal(errors, []);
  return out;
}

function close(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  assert.is(a.length, b.length, `${what}: lengths`);
  // a comparison of constants would prove little: the predictions must differ between samples
  assert.ok(new Set(Array.from(b, (v) => v.toPrecision(6))).size > 1, `${what}: Node predictions are all equal`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(Math.abs(b[i]), 1e-3));
  assert.ok(worst <= 1e-5, `${what}: Chromium vs Node max relative difference ${worst.toExponential(2)} > 1e-5`);
}

test("model C (MLP, log10-scaled input): Chromium predictions equal Node's to 1e-5", async () => {
  const { info } = await initMl();
  const rng = new Rng(11);
  const model = buildModelC({ kind: "C", inputs: 3, outputs: 2, hidden: 64 }, 5);
  const rows = Array.from({ length: 20 }, () => [rng.next() * 2, 1e-6 * 10 ** (6 * rng.next()), 300 + 50 * rng.next()]);
  const input = MinMaxScaler.fit(rows.flat(), ["Gc_J_m2", "Js_mol_m2_s", "T_K"], ["Js_mol_m2_s"]);
  const output = MinMaxScaler.fit([0, 0, 1, 2], ["a", "b"]);
  const dir = join(OUT, "c");
  mkdirSync(OUT, { recursive: true });
  await saveModel(dir, model, {
    model: { kind: "C", inputs: 3, outputs: 2, hidden: 64, l2: 1e-6, outputActivation: "relu" },
    scalers: { input, output },
    inputNames: input.names,
    outputNames: output.names,
  });
  const node = predict(await loadModel(dir), rows);
  const web = await inChromium("c", rows.flat());
  assert.is(web.backend, "wasm");
  assert.ok(info.backend === "wasm" || info.backend === "tensorflow");
  close(web.y, node, "model C");
});

for (const kind of ["A", "B"] as const) {
  test(`model ${kind} (64x64 images): Chromium predictions equal Node's to 1e-5`, async () => {
    await initMl();
    const rng = new Rng(kind === "A" ? 21 : 22);
    const n = 4,
      px = 64 * 64;
    const imgs = new Uint8Array(n * px);
    for (let i = 0; i < imgs.length; i++) imgs[i] = Math.floor(rng.next() * 3) * 127;
    const model =
      kind === "A"
        ? buildModelA({ inputSize: 64, filters: [8, 8, 8, 16, 16], dense: [32, 32], outputs: 3 }, 7)
        : buildModelB({ outputs: 1 }, 7);
    const outs = kind === "A" ? ["s1", "s2", "s3"] : ["R_ohm"];
    // two rows (all 0, all 1): outputs map back to their own range
    const output = MinMaxScaler.fit([...outs.map(() => 0), ...outs.map(() => 1)], outs);
    const dir = join(OUT, kind.toLowerCase());
    mkdirSync(OUT, { recursive: true });
    const opts =
      kind === "A"
        ? { kind: "A" as const, inputSize: 64, channels: 1, filters: [8, 8, 8, 16, 16], dense: [32, 32], outputs: 3 }
        : { kind: "B" as const, inputSize: 64, channels: 1, dropout: 0.2, headChannels: 256, outputs: 1 };
    await saveModel(dir, model, {
      model: opts,
      scalers: { input: new ImageScaler(255), output },
      inputNames: ["pixel"],
      outputNames: outs,
    });
    const node = predict(await loadModel(dir), imgs);
    const web = await inChromium(kind.toLowerCase(), Array.from(imgs));
    close(web.y, node, `model ${kind}`);
  });
}

// the two CNNs shipped in the package, on inputs of the kind they were trained on
test("shipped models/cnn002-conductivity (model B) on 64x64 GRF images: Chromium equals Node to 1e-5", async () => {
  await initMl();
  const { data } = grfBatch({ ...GRF_DEFAULTS, size: 64, corrPx: 2, fractionMin: 0.6, fractionMax: 1, seed: 77 }, 3);
  const node = predict(await loadModel(join(ROOT, "models/cnn002-conductivity")), data);
  const web = await inChromium("models/cnn002-conductivity", Array.from(data));
  close(web.y, node, "cnn002-conductivity");
});

test("shipped models/cnn000-stress (model A) on 224x224 sections of random discs: Chromium equals Node to 1e-5", async () => {
  await initMl();
  const rng = new Rng(31);
  const imgs = new Uint8Array(2 * 224 * 224);
  for (let k = 0; k < 2; k++) {
    const n = 120;
    const p = {
      x_m: Array.from({ length: n }, () => 40e-6 * rng.next()),
      y_m: Array.from({ length: n }, () => 40e-6 * rng.next()),
      z_m: new Array<number>(n).fill(0),
      radius_m: Array.from({ length: n }, (_, i) => (i < 12 ? 5e-6 : 0.5e-6)),
      phase: Array.from({ length: n }, (_, i) => (i < 12 ? "AM" : "SE")),
    };
    imgs.set(sectionImage(p, { lo: [0, 0], hi: [40e-6, 40e-6], crop_m: 2e-6, size: 224 }).pixels, k * 224 * 224);
  }
  const node = predict(await loadModel(join(ROOT, "models/cnn000-stress")), imgs);
  const web = await inChromium("models/cnn000-stress", Array.from(imgs));
  close(web.y, node, "cnn000-stress");
});

test.run();
