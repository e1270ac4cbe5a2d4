/**
 * The pack's convolution, pooling, tile and reduction kernels on 'wasm' against the 'cpu' backend
 * (<= 1e-5 relative to the largest reference value), and the gradients of a small conv net end to end.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import type * as TF from "@tensorflow/tfjs";
import { setIm2rowChunkFloats } from "../../host/ml/kernels/conv.js";
import { tf, randn, both, close, t4 } from "./kernels_helpers.js";

const CONV_CASES = [
  [3, 1, "same"],
  [3, 1, "valid"],
  [3, 2, "same"],
  [3, 2, "valid"],
  [1, 1, "same"],
  [1, 2, "valid"],
  [1, 2, "same"],
] as const;

test("Conv2DBackpropInput and Conv2DBackpropFilter = cpu (1x1, 3x3; strides 1, 2; same, valid; even and odd sizes; both dw paths)", async () => {
  let seed = 200;
  for (const [K, S, pad] of CONV_CASES) {
    // O 8: core mlConvFilterGrad; O 6 (not a multiple of 4): im2row + XNNPACK product
    for (const [H, W, C, O] of [
      [8, 8, 3, 8],
      [9, 7, 5, 6],
    ]) {
      const xs = [2, H, W, C],
        ws = [K, K, C, O];
      const x = randn(2 * H * W * C, seed++),
        f = randn(K * K * C * O, seed++);
      const r = await both(() => {
        const xt = t4(x, xs),
          ft = t4(f, ws);
        const g = tf.grads((a, b) =>
          tf
            .conv2d(a as TF.Tensor4D, b as TF.Tensor4D, S, pad)
            .square()
            .sum(),
        );
        return g([xt, ft]);
      });
      close(`dx ${K}x${K} s${S} ${pad} ${H}x${W} C${C} O${O}`, r.wasm[0], r.cpu[0]);
      close(`dw ${K}x${K} s${S} ${pad} ${H}x${W} C${C} O${O}`, r.wasm[1], r.cpu[1]);
    }
  }
});

test("conv gradients with explicit pads wider than the filter (dx through col2im at stride 1) = cpu", async () => {
  const xs = [2, 6, 5, 3],
    ws = [3, 3, 3, 4];
  const x = randn(2 * 6 * 5 * 3, 260),
    f = randn(3 * 3 * 12, 261);
  for (const S of [1, 2]) {
    const pad = [
      [0, 0],
      [3, 1],
      [0, 4],
      [0, 0],
    ] as TF.backend_util.ExplicitPadding;
    const r = await both(() =>
      tf.grads((a, b) =>
        tf
          .conv2d(a as TF.Tensor4D, b as TF.Tensor4D, S, pad)
          .square()
          .sum(),
      )([t4(x, xs), t4(f, ws)]),
    );
    close(`dx explicit pads s${S}`, r.wasm[0], r.cpu[0]);
    close(`dw explicit pads s${S}`, r.wasm[1], r.cpu[1]);
  }
});

test("Conv2DBackpropFilter (im2row) and strided Conv2DBackpropInput (col2im) in chunks of 1, 2 and 3 images = cpu", async () => {
  // O 6 (not a multiple of 4): dw takes the im2row path, whose chunks this test is about
  const xs = [5, 9, 8, 5],
    ws = [3, 3, 5, 6];
  const x = randn(5 * 9 * 8 * 5, 250),
    f = randn(3 * 3 * 5 * 6, 251);
  for (const [perChunk, S, pad, pix] of [
    [1, 1, "same", 9 * 8],
    [2, 2, "same", 5 * 4],
    [3, 2, "valid", 4 * 3],
  ] as const) {
    const old = setIm2rowChunkFloats(45 * pix * perChunk); // taps x OH*OW x images
    try {
      const r = await both(() =>
        tf.grads((a, b) =>
          tf
            .conv2d(a as TF.Tensor4D, b as TF.Tensor4D, S, pad)
            .square()
            .sum(),
        )([t4(x, xs), t4(f, ws)]),
      );
      close(`dx chunked by ${perChunk} s${S} ${pad}`, r.wasm[0], r.cpu[0]); // strided dx: col2im chunks
      close(`dw chunked by ${perChunk} s${S} ${pad}`, r.wasm[1], r.cpu[1]);
    } finally {
      setIm2rowChunkFloats(old);
    }
  }
});

test("DepthwiseConv2dNativeBackpropInput/Filter = cpu (M 1, 2; strides 1, 2; same, valid; 1x1, 3x3)", async () => {
  let seed = 300;
  for (const [K, S, pad, M] of [
    [3, 1, "same", 1],
    [3, 2, "same", 1],
    [3, 2, "valid", 2],
    [3, 1, "valid", 2],
    [1, 1, "same", 1],
    [1, 2, "same", 2],
  ] as const) {
    const C = 6,
      xs = [2, 9, 8, C],
      ws = [K, K, C, M];
    const x = randn(2 * 9 * 8 * C, seed++),
      f = randn(K * K * C * M, seed++);
    const r = await both(() => {
      const g = tf.grads((a, b) =>
        tf
          .depthwiseConv2d(a as TF.Tensor4D, b as TF.Tensor4D, S, pad)
          .square()
          .sum(),
      );
      return g([t4(x, xs), t4(f, ws)]);
    });
    close(`dw-conv dx ${K}x${K} s${S} ${pad} M${M}`, r.wasm[0], r.cpu[0]);
    close(`dw-conv dw ${K}x${K} s${S} ${pad} M${M}`, r.wasm[1], r.cpu[1]);
  }
});

test("MaxPoolGrad = cpu (2x2 and 3x3, stride 2, same and valid; 3x3 stride 1)", async () => {
  let seed = 400;
  for (const [K, S, pad] of [
    [2, 2, "valid"],
    [2, 2, "same"],
    [3, 2, "same"],
    [3, 2, "valid"],
    [3, 1, "same"],
  ] as const) {
    const xs = [2, 11, 10, 6];
    const x = randn(2 * 11 * 10 * 6, seed++);
    const r = await both(() =>
      tf.grad((a) =>
        tf
          .maxPool(a as TF.Tensor4D, K, S, pad)
          .mul(tf.range(1, 1 + 6, 1))
          .sum(),
      )(t4(x, xs)),
    );
    close(`maxpool ${K}x${K} s${S} ${pad}`, r.wasm[0], r.cpu[0]);
  }
});

test("Tile = cpu (BatchNorm pattern, ranks 1-4, int32)", async () => {
  for (const [shape, reps] of [
    [
      [1, 1, 1, 6],
      [2, 5, 4, 1],
    ],
    [[3], [4]],
    [
      [2, 3],
      [3, 2],
    ],
    [
      [2, 1, 3, 1],
      [1, 3, 1, 5],
    ],
  ] as const) {
    const n = shape.reduce((a: number, b) => a * b, 1);
    const x = randn(n, n + 7);
    const r = await both(() => [
      tf.tile(tf.tensor(x, shape as unknown as number[]), reps as unknown as number[]),
      tf.tile(tf.tensor(x, shape as unknown as number[], "int32"), reps as unknown as number[]).toFloat(),
    ]);
    close(`tile [${shape}] x [${reps}]`, r.wasm[0], r.cpu[0], 0);
    close(`tile int32 [${shape}] x [${reps}]`, r.wasm[1], r.cpu[1], 0);
  }
});

test("Sum over all axes but the last = cpu (rank 2, 4, keepDims); other axis patterns still right", async () => {
  const x = randn(3 * 7 * 5 * 6, 500);
  const r = await both(() => {
    const t = tf.tensor4d(x, [3, 7, 5, 6]);
    return [t.sum([0, 1, 2]), t.sum([2, 0, 1], true), t.reshape([105, 6]).sum(0), t.sum([1, 2]), t.sum(-1), t.sum()];
  });
  for (let i = 0; i < r.cpu.length; i++) close(`sum case ${i}`, r.wasm[i], r.cpu[i]);
  // the bias pattern really goes through the core kernel: its result has the [1,1,1,C] keepDims shape
  const k = tf.tensor4d(x, [3, 7, 5, 6]).sum([0, 1, 2], true);
  assert.equal(k.shape, [1, 1, 1, 6]);
  k.dispose();
});

test("end to end: gradients of conv 3x3 + depthwise s2 + maxpool + BN + dense, wasm + pack = cpu (1e-4)", async () => {
  const sx = [4, 16, 16, 3];
  const xv = randn(4 * 16 * 16 * 3, 600),
    yv = randn(4 * 3, 601);
  const init = {
    w1: randn(3 * 3 * 3 * 8, 602).map((v) => v * 0.4),
    b1: randn(8, 603).map((v) => v * 0.1),
    dw: randn(3 * 3 * 8 * 2, 604).map((v) => v * 0.4),
    gamma: randn(16, 605).map((v) => 1 + 0.1 * v),
    beta: randn(16, 606).map((v) => 0.1 * v),
    wd: randn(4 * 4 * 16 * 3, 607).map((v) => v * 0.1),
    bd: randn(3, 608).map((v) => 0.1 * v),
  };
  const shapes: Record<keyof typeof init, number[]> = {
    w1: [3, 3, 3, 8],
    b1: [8],
    dw: [3, 3, 8, 2],
    gamma: [16],
    beta: [16],
    wd: [256, 3],
    bd: [3],
  };
  const r = await both(() => {
    const v = Object.fromEntries(
      Object.entries(init).map(([k, a]) => [k, tf.variable(tf.tensor(a, shapes[k as keyof typeof init]))]),
    ) as Record<keyof typeof init, TF.Variable>;
    const x = t4(xv, sx),
      y = tf.tensor2d(yv, [4, 3]);
    const { value, grads } = tf.variableGrads(() => {
      let h = tf.relu(tf.conv2d(x, v.w1 as TF.Tensor4D, 1, "same").add(v.b1)) as TF.Tensor4D;
      h = tf.depthwiseConv2d(h, v.dw as TF.Tensor4D, 2, "same"); // [4,8,8,16]
      h = tf.maxPool(h, 2, 2, "valid"); // [4,4,4,16]
      const { mean, variance } = tf.moments(h, [0, 1, 2]);
      h = tf.batchNorm(h, mean, variance, v.beta, v.gamma, 1e-3) as TF.Tensor4D;
      const out = tf.matMul(h.reshape([4, 256]), v.wd).add(v.bd);
      return tf.losses.meanSquaredError(y, out) as TF.Scalar;
    }, Object.values(v));
    const names = Object.keys(init).map((k) => v[k as keyof typeof init].name);
    const res = [value, ...names.map((n) => grads[n])];
    Object.values(v).forEach((t) => t.dispose());
    return res;
  });
  close("loss", r.wasm[0], r.cpu[0], 1e-5);
  const keys = Object.keys(init);
  for (let i = 1; i < r.cpu.length; i++) close(`grad ${keys[i - 1]}`, r.wasm[i], r.cpu[i], 1e-4);
});

test.run();
