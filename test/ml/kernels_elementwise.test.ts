/**
 * The pack's elementwise kernels (in place on the tfjs heap) on 'wasm' against the 'cpu' backend:
 * Mean/Sum over runs of axes, FusedBatchNorm, broadcast arithmetic, shared-data Identity/Cast, the
 * Mean gradient.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { initMl } from "../../host/ml/backend.js";
import { tf, randn, both, close, t4 } from "./kernels_helpers.js";

test("Mean and Sum over runs of axes before the last = cpu (keepDims, rank 2 and 4; other axes through the built-in)", async () => {
  const x = randn(4 * 9 * 8 * 12, 700);
  const r = await both(() => {
    const t = tf.tensor4d(x, [4, 9, 8, 12]);
    return [
      t.mean([0, 1, 2]),
      t.mean([1, 2], true),
      t.mean(1),
      t.sum([1, 2]),
      t.sum([0, 1], true),
      t.reshape([288, 12]).mean(0),
      t.mean([2, 3]),
      t.mean(),
      t.mean([0, 2]),
      t.sum(-1),
      tf.moments(t, [0, 1, 2]).variance,
    ];
  });
  for (let i = 0; i < r.cpu.length; i++) close(`reduction case ${i}`, r.wasm[i], r.cpu[i]);
  const k = tf.tensor4d(x, [4, 9, 8, 12]).mean([1, 2], true);
  assert.equal(k.shape, [4, 1, 1, 12]);
  k.dispose();
});

test("FusedBatchNorm = cpu ([C], [1,1,1,C] and scalar parameters, without scale/offset, C with a tail, C large enough to regrow the scratch)", async () => {
  for (const C of [12, 6, 1000, 12]) {
    const xs = [3, 7, 6, C],
      n = 3 * 7 * 6 * C;
    const x = randn(n, 710 + C),
      m = randn(C, 711),
      v = randn(C, 712).map((a) => Math.abs(a) + 0.2),
      g = randn(C, 713),
      o = randn(C, 714);
    const r = await both(() => {
      const xt = t4(x, xs),
        c = (a: Float32Array) => tf.tensor1d(a),
        c4 = (a: Float32Array) => tf.tensor4d(a, [1, 1, 1, C]);
      return [
        tf.batchNorm(xt, c(m), c(v), c(o), c(g), 1e-3),
        tf.batchNorm(xt, c(m), c(v)),
        tf.batchNorm(xt, c4(m), c4(v), c4(o), c4(g), 1e-5),
        tf.batchNorm(xt, tf.scalar(0.3), tf.scalar(2), tf.scalar(-1), tf.scalar(0.5), 1e-3),
        tf.batchNorm(tf.tensor2d(x, [n / C, C]), c(m), c(v), c(o), c(g), 1e-3),
      ];
    });
    for (let i = 0; i < r.cpu.length; i++) close(`batchNorm C${C} case ${i}`, r.wasm[i], r.cpu[i]);
  }
});

test("Multiply/Add/Sub/RealDiv with [C], [1,1,1,C], [N,1,1,C] broadcasts = cpu, exactly (both operand orders, C 12/6/3)", async () => {
  for (const C of [12, 6, 3]) {
    const N = 3,
      n = N * 5 * 4 * C;
    const f = randn(n, 730 + C),
      fp = f.map((v) => Math.abs(v) + 0.5),
      ch = randn(C, 731),
      chp = ch.map((v) => Math.abs(v) + 0.5),
      rw = randn(N * C, 732),
      rwp = rw.map((v) => Math.abs(v) + 0.5);
    const r = await both(() => {
      const F = t4(f, [N, 5, 4, C]),
        FP = t4(fp, [N, 5, 4, C]),
        CH = tf.tensor1d(ch),
        CH4 = tf.tensor4d(ch, [1, 1, 1, C]),
        CHP = tf.tensor1d(chp);
      const RW = tf.tensor4d(rw, [N, 1, 1, C]),
        _RWP = tf.tensor4d(rwp, [N, 1, 1, C]);
      return [
        tf.mul(F, CH),
        tf.mul(CH4, F),
        tf.mul(F, RW),
        tf.add(RW, F),
        tf.add(F, CH4),
        tf.sub(F, CH4),
        tf.sub(CH, F),
        tf.sub(RW, F),
        tf.div(F, CHP),
        tf.div(RW, FP),
        tf.div(CH4, FP),
        tf.add(tf.reshape(F, [N * 20, C]), CH),
        tf.mul(F, 2),
        tf.sub(F, FP),
      ];
    });
    for (let i = 0; i < r.cpu.length; i++) close(`binary C${C} case ${i}`, r.wasm[i], r.cpu[i], 0);
  }
});

test("Identity and same-dtype Cast share the data on 'wasm', which outlives the source tensor", async () => {
  await initMl();
  const before = tf.memory().numTensors;
  const a = tf.tensor1d([1, 2, 3, 4.5]);
  const c = tf.clone(a),
    d = tf.cast(a, "float32"),
    e = tf.cast(a, "int32");
  a.dispose();
  assert.equal(Array.from(c.dataSync()), [1, 2, 3, 4.5]);
  assert.equal(Array.from(d.dataSync()), [1, 2, 3, 4.5]);
  assert.equal(Array.from(e.dataSync()), [1, 2, 3, 4]);
  assert.is(e.dtype, "int32");
  tf.dispose([c, d, e]);
  assert.is(tf.memory().numTensors, before);
});

test("Mean gradient (dy / n broadcast, registered by the pack) = tfjs' dy * ones / n bit for bit on cpu, and wasm = cpu", async () => {
  const x = randn(3 * 5 * 4 * 6, 750);
  for (const [axes, keep] of [
    [[1, 2], false],
    [[0, 1, 2], true],
    [[3], false],
  ] as const) {
    await initMl({ backend: "cpu" });
    const xt = t4(x, [3, 5, 4, 6]);
    const out = tf.mean(xt, axes as unknown as number[], keep);
    const dy = tf.tensor(randn(out.size, 751), out.shape);
    const g = tf.grad((a) =>
      tf
        .mean(a, axes as unknown as number[], keep)
        .mul(dy)
        .sum(),
    )(xt);
    const kept = [3, 5, 4, 6].map((d, i) => ((axes as readonly number[]).includes(i) ? 1 : d));
    const n = (axes as readonly number[]).reduce((a, i) => a * [3, 5, 4, 6][i], 1);
    const stock = tf.div(tf.mul(tf.reshape(dy, kept), tf.ones([3, 5, 4, 6])), n);
    assert.equal(Array.from(g.dataSync()), Array.from(stock.dataSync()), `axes [${axes}]`);
    tf.dispose([xt, out, dy, g, stock]);
    const r = await both(() =>
      tf.grad((a) =>
        tf
          .mean(a, axes as unknown as number[], keep)
          .square()
          .sum(),
      )(t4(x, [3, 5, 4, 6])),
    );
    close(`mean grad wasm axes [${axes}]`, r.wasm[0], r.cpu[0]);
  }
  await initMl();
});

test.run();
