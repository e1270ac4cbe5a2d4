/**
 * The surrogate network in the compute core (assembly/multiscale): the SIMD kernel equals its scalar TS twin
 * bit for bit, and equals TensorFlow.js's `predict` of the same two dense layers to 1e-6 relative (tfjs
 * computes in f32, the kernel in f64 on the same f32 weights); weights that do not fit together are refused.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import type * as TF from "@tensorflow/tfjs";
import { ArrayHeap } from "../../host/core/heap.js";
import { Rng } from "../../host/core/rng.js";
import { loadCore } from "../../host/core/wasm.js";
import { checkMlp, MlpKernel, mlpFromLayers, type MlpWeights } from "../../host/multiscale/mlp.js";
import { createMultiscaleTwin } from "../../host/multiscale/twin.js";
import { expectConfigError } from "../helpers.js";

const meta = (nin: number, nout: number, rng: Rng) => ({
  inputs: Array.from({ length: nin }, (_, i) => `x${i}`),
  outputs: Array.from({ length: nout }, (_, i) => `y${i}`),
  outputRelu: true,
  xMin: Array.from({ length: nin }, () => rng.uniform(-2, 0)),
  xMax: Array.from({ length: nin }, () => rng.uniform(1, 3)),
  yMin: Array.from({ length: nout }, () => rng.uniform(-1e-3, 0)),
  yMax: Array.from({ length: nout }, () => rng.uniform(1e-3, 2e-3)),
});

function randomWeights(nin: number, nh: number, nout: number, seed: number): MlpWeights {
  const rng = new Rng(seed);
  const r = (n: number) => Array.from({ length: n }, () => rng.uniform(-0.5, 0.5));
  return mlpFromLayers(
    [
      { kernel: r(nin * nh), bias: r(nh) },
      { kernel: r(nh * nout), bias: r(nout) },
    ],
    meta(nin, nout, rng),
  );
}

test("wasm (f64x2) = the scalar TS twin bit for bit, odd and even hidden widths, batches", async () => {
  const core = await loadCore();
  const twin = createMultiscaleTwin(new ArrayHeap());
  const rng = new Rng(5);
  for (const [nh, nb] of [
    [7, 1],
    [128, 50],
    [2048, 3],
  ]) {
    const w = randomWeights(4, nh, 3, nh);
    const x = Array.from({ length: 4 * nb }, () => rng.uniform(-2, 3));
    const a = Array.from(new MlpKernel(core, w, nb).predict(x));
    const b = Array.from(new MlpKernel(twin, w, nb).predict(x));
    assert.equal(a, b, `nh ${nh}`);
    assert.ok(
      a.some((v, i) => v !== w.yMin[i % 3]),
      "some outputs pass the ReLU",
    );
  }
});

test("predictGrad: the same outputs as predict, wasm = twin bit for bit, gradient = central differences inside the active pattern", async () => {
  const core = await loadCore();
  const twin = createMultiscaleTwin(new ArrayHeap());
  const rng = new Rng(9);
  const w = randomWeights(4, 129, 3, 3);
  const nb = 20;
  const x = Array.from({ length: 4 * nb }, () => rng.uniform(-1, 2));
  const kw = new MlpKernel(core, w, nb),
    kt = new MlpKernel(twin, w, nb);
  const y0 = Array.from(kw.predict(x));
  const a = kw.predictGrad(x),
    b = kt.predictGrad(x);
  assert.equal(Array.from(a.y), y0, "predictGrad's outputs = predict's");
  assert.equal(Array.from(a.dy), Array.from(b.dy), "gradient wasm = twin");
  const dy = Array.from(a.dy);
  let checked = 0;
  for (let r = 0; r < nb; r++)
    for (let i = 0; i < 4; i++) {
      const h = 1e-7;
      const xp = x.slice(r * 4, r * 4 + 4),
        xm = xp.slice();
      xp[i] += h;
      xm[i] -= h;
      const yp = Array.from(kw.predict(xp)),
        ym = Array.from(kw.predict(xm));
      for (let o = 0; o < 3; o++) {
        const fd = (yp[o] - ym[o]) / (2 * h);
        const g = dy[(r * 3 + o) * 4 + i];
        // a ReLU kink inside [x - h, x + h] makes the difference one-sided: skip those (rare)
        if (Math.abs(fd - g) <= 1e-6 * (Math.abs(g) + 1e-3)) checked++;
      }
    }
  assert.ok(checked >= 0.95 * nb * 4 * 3, `${checked} of ${nb * 12} derivatives match central differences`);
});

test("predictGradCached: a random walk of 300 calls per row = predictGrad within 1e-12 (scaled), wasm = twin bit for bit, inactive rows skipped", async () => {
  const core = await loadCore();
  const twin = createMultiscaleTwin(new ArrayHeap());
  const rng = new Rng(11);
  const w = randomWeights(4, 512, 3, 7);
  const nb = 6;
  const kw = new MlpKernel(core, w, nb),
    kt = new MlpKernel(twin, w, nb),
    ref = new MlpKernel(core, w, nb);
  const x = Array.from({ length: 4 * nb }, () => rng.uniform(-1, 2));
  let worst = 0,
    skipped = 0;
  for (let call = 0; call < 300; call++) {
    // small steps (a few units change sign per call), now and then a jump
    for (let i = 0; i < x.length; i++) x[i] += rng.uniform(-1, 1) * (call % 50 === 49 ? 0.5 : 0.01);
    const active = Array.from({ length: nb }, (_, r) => r !== call % 7);
    const a = kw.predictGradCached(x, active),
      b = kt.predictGradCached(x, active);
    assert.equal(Array.from(a.y), Array.from(b.y), `call ${call}: y wasm = twin`);
    assert.equal(Array.from(a.dy), Array.from(b.dy), `call ${call}: dy wasm = twin`);
    const ya = Array.from(a.y),
      ga = Array.from(a.dy);
    const r = ref.predictGrad(x);
    for (let row = 0; row < nb; row++) {
      if (!active[row]) {
        skipped++;
        continue;
      }
      for (let o = 0; o < 3; o++) {
        const span = w.yMax[o] - w.yMin[o];
        worst = Math.max(worst, Math.abs(ya[row * 3 + o] - r.y[row * 3 + o]) / span);
        for (let i = 0; i < 4; i++) {
          const k = (row * 3 + o) * 4 + i;
          worst = Math.max(worst, Math.abs(ga[k] - r.dy[k]) / span);
        }
      }
    }
  }
  assert.ok(worst < 1e-12, `max scaled difference ${worst}`);
  assert.ok(skipped > 0);
});

test("wasm = tfjs predict of the same dense layers (ReLU hidden, ReLU output) within 1e-6 relative, 704 and 3072 hidden units", async () => {
  const tf = (await import("@tensorflow/tfjs")) as typeof TF;
  await tf.setBackend("cpu");
  const core = await loadCore();
  const rng = new Rng(9);
  for (const nh of [704, 3072]) {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ units: nh, activation: "relu", inputShape: [4], kernelInitializer: tf.initializers.glorotUniform({ seed: nh }) }),
        tf.layers.dense({
          units: 3,
          activation: "relu",
          kernelInitializer: tf.initializers.glorotUniform({ seed: nh + 1 }),
          biasInitializer: "ones",
        }),
      ],
    });
    const layers = model.layers.map((l) => {
      const [k, b] = l.getWeights();
      return { kernel: k.dataSync() as Float32Array, bias: b.dataSync() as Float32Array };
    });
    const m = meta(4, 3, rng);
    const w = mlpFromLayers(layers, m);
    const nb = 200;
    const x = Array.from({ length: 4 * nb }, (_, i) => rng.uniform(m.xMin[i % 4], m.xMax[i % 4]));
    const xs = x.map((v, i) => (v - m.xMin[i % 4]) / (m.xMax[i % 4] - m.xMin[i % 4]));
    const ys = (model.predict(tf.tensor2d(xs, [nb, 4])) as TF.Tensor).dataSync();
    const ref = Array.from(ys, (v, i) => m.yMin[i % 3] + v * (m.yMax[i % 3] - m.yMin[i % 3]));
    const got = new MlpKernel(core, w, nb).predict(x);
    const scale = Math.max(...ref.map(Math.abs));
    let worst = 0;
    for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(got[i] - ref[i]) / scale);
    assert.ok(worst < 1e-6, `nh ${nh}: max relative difference ${worst}`);
    model.dispose();
  }
});

test("weights that do not fit together are refused in one line naming the field", () => {
  const w = randomWeights(4, 8, 3, 1);
  expectConfigError(
    () => checkMlp({ ...w, b1: w.b1.slice(1) }, "models/s"),
    /^models\/s: b1 has 7 values: expected 8 for 4 inputs, 8 hidden units, 3 outputs/,
  );
  expectConfigError(
    () => checkMlp({ ...w, outputs: ["a", "b"] }, "models/s"),
    /w2 has 24 values: expected 16 for 4 inputs, 8 hidden units, 2 outputs/,
  );
  expectConfigError(() => checkMlp({ ...w, xMax: [...w.xMin] }, "models/s"), /xMax\[0\] = .*: expected above xMin\[0\]/);
  expectConfigError(
    () => checkMlp({ ...w, w1: w.w1.map((v, i) => (i === 3 ? Number.NaN : v)) }, "models/s"),
    /w1\[3\] = NaN: expected a finite number/,
  );
});

test.run();
