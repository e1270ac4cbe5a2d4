/**
 * The core's AssemblyScript ML kernels (assembly/ml) against their plain-TS references
 * (host/ml/kernels/reference.ts), their refusals, and the patterns the elementwise plans take.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  maxPoolGradRef,
  biasGradRef,
  tileRef,
  depthwiseBackpropInputRef,
  depthwiseBackpropFilterRef,
  convFilterGradRef,
  reduceRowsRef,
  batchNormRef,
  binaryRef,
} from "../../host/ml/kernels/reference.js";
import { binaryPlan, reducePlan } from "../../host/ml/kernels/elementwise.js";
import { core, TOL, randn, close, win } from "./kernels_helpers.js";

test("core mlMaxPoolGrad = TS reference (2x2, 3x3, strides 1-2, same/valid, C with a scalar tail)", () => {
  let seed = 1;
  for (const [K, S, pad, C] of [
    [2, 2, "valid", 8],
    [2, 2, "same", 5],
    [3, 2, "same", 6],
    [3, 2, "valid", 4],
    [3, 1, "same", 3],
  ] as const) {
    const w = win({ B: 2, H: 9, W: 7, C, KH: K, KW: K, SH: S, SW: S }, pad);
    const x = randn(w.B * w.H * w.W * C, seed++),
      dy = randn(w.B * w.OH * w.OW * C, seed++);
    close(`maxPoolGrad ${K}x${K} s${S} ${pad} C${C}`, core.maxPoolGrad(x, dy, w), maxPoolGradRef(x, dy, w));
  }
  // ties: the first maximum in scan order takes the gradient
  const w = win({ B: 1, H: 2, W: 2, C: 4, KH: 2, KW: 2, SH: 2, SW: 2 }, "valid");
  const got = core.maxPoolGrad(new Float32Array(16).fill(1), Float32Array.from([1, 2, 3, 4]), w);
  assert.equal(Array.from(got), [1, 2, 3, 4, ...new Array(12).fill(0)]);
});

test("core mlBiasGrad = TS reference (C = 1, 3, 32, 130; long reductions stay accurate)", () => {
  for (const [R, C] of [
    [7, 1],
    [33, 3],
    [1000, 32],
    [50, 130],
    [16 * 56 * 56, 32],
  ]) {
    const x = randn(R * C, R + C);
    close(`bias sum ${R}x${C}`, core.biasGrad(x, C), biasGradRef(x, C), R > 10000 ? 1e-6 * Math.sqrt(R) : TOL);
  }
});

test("core mlTile = TS reference (ranks 1-4, float32 and int32)", () => {
  for (const [shape, reps] of [
    [[5], [3]],
    [
      [2, 3],
      [2, 1],
    ],
    [
      [1, 1, 1, 6],
      [2, 3, 4, 1],
    ],
    [
      [2, 1, 3, 2],
      [1, 4, 2, 3],
    ],
  ] as const) {
    const n = shape.reduce((a: number, b) => a * b, 1),
      nOut = shape.reduce((a: number, s, k) => a * s * reps[k], 1);
    const x = randn(n, n);
    close(`tile [${shape}] x [${reps}]`, core.tile(x, shape, reps, new Float32Array(nOut)), tileRef(x, shape, reps), 0);
    const xi = Int32Array.from(x, (v) => Math.round(v * 1000));
    assert.equal(Array.from(core.tile(xi, shape, reps, new Int32Array(nOut))), tileRef(xi, shape, reps));
  }
});

test("core depthwise gradients = TS reference (M 1, 2, 3; strides 1-2; same/valid; 1x1, 3x3; dilation 2)", () => {
  let seed = 100;
  for (const [K, S, pad, C, M, d] of [
    [3, 1, "same", 4, 1, 1],
    [3, 2, "same", 6, 1, 1],
    [3, 2, "valid", 8, 2, 1],
    [1, 1, "valid", 5, 2, 1],
    [3, 1, "same", 4, 3, 1],
    [3, 1, "same", 4, 1, 2],
  ] as const) {
    const w = win({ B: 2, H: 8, W: 7, C, KH: K, KW: K, SH: S, SW: S }, pad, d);
    const x = randn(w.B * w.H * w.W * C, seed++),
      dy = randn(w.B * w.OH * w.OW * C * M, seed++),
      f = randn(K * K * C * M, seed++);
    const tag = `${K}x${K} s${S} ${pad} C${C} M${M} d${d}`;
    close(`dw input ${tag}`, core.depthwiseBackpropInput(dy, f, w, M), depthwiseBackpropInputRef(dy, f, w, M));
    close(`dw filter ${tag}`, core.depthwiseBackpropFilter(x, dy, w, M), depthwiseBackpropFilterRef(x, dy, w, M));
  }
});

test("core mlConvFilterGrad = TS reference (C 1-4, 1x1 to 3x3, strides 1-2, same/valid, O = 4, 20, 32)", () => {
  let seed = 150;
  for (const [K, S, pad, C, O] of [
    [3, 1, "same", 1, 32],
    [3, 2, "same", 1, 20],
    [3, 2, "valid", 3, 4],
    [2, 1, "valid", 1, 8],
    [1, 1, "same", 4, 16],
    [3, 1, "valid", 4, 20],
  ] as const) {
    const w = win({ B: 2, H: 9, W: 8, C, KH: K, KW: K, SH: S, SW: S }, pad);
    const x = randn(w.B * w.H * w.W * C, seed++),
      dy = randn(w.B * w.OH * w.OW * O, seed++);
    close(`conv dw ${K}x${K} s${S} ${pad} C${C} O${O}`, core.convFilterGrad(x, dy, w, O), convFilterGradRef(x, dy, w, O));
  }
});

test("core kernels refuse bad geometry with a status, and the host says which kernel and why", () => {
  const w = win({ B: 1, H: 4, W: 4, C: 4, KH: 2, KW: 2, SH: 2, SW: 2 }, "valid");
  assert.throws(
    () => core.maxPoolGrad(new Float32Array(64), new Float32Array(16), { ...w, SH: 0 }),
    /MaxPoolGrad: the core kernel returned status 1 \(a dimension, stride/,
  );
  assert.throws(
    () => core.depthwiseBackpropInput(new Float32Array(16), new Float32Array(16), w, 0),
    /has 16 elements, the geometry needs 0/,
  );
  assert.throws(
    () => core.tile(new Float32Array(1), new Array(9).fill(1), new Array(9).fill(1), new Float32Array(1)),
    /status 2 \(rank outside 1..8\)/,
  );
  assert.throws(() => core.maxPoolGrad(new Float32Array(63), new Float32Array(16), w), /x has 63 elements, the geometry needs 64/);
});

test("core mlReduceRows, mlBatchNorm, mlBinary = TS reference (C with a scalar tail; every operand span)", () => {
  for (const [A, R, C] of [
    [1, 1000, 32],
    [16, 16, 6],
    [3, 50, 130],
    [2, 7, 1],
  ]) {
    const x = randn(A * R * C, A + R + C);
    close(`reduceRows ${A}x${R}x${C}`, core.reduceRows(x, A, R, C, 1 / R), reduceRowsRef(x, A, R, C, 1 / R));
  }
  for (const C of [8, 6, 3]) {
    const x = randn(37 * C, C),
      v = { mean: randn(C, C + 1), variance: randn(C, C + 2).map((a) => Math.abs(a) + 0.1), gamma: randn(C, C + 3), beta: randn(C, C + 4) };
    close(`batchNorm C${C}`, core.batchNorm(x, C, v, 1e-3), batchNormRef(x, C, v, 1e-3));
  }
  const [A, R, C] = [3, 5, 6];
  const len = (m: number) => [A * R * C, A * C, C, 1][m];
  let seed = 720;
  for (let op = 0; op < 4; op++) {
    for (const [mx, my] of [
      [0, 0],
      [0, 3],
      [3, 0],
      [0, 2],
      [2, 0],
      [0, 1],
      [1, 0],
    ]) {
      const x = randn(len(mx), seed++).map((v) => v + 3),
        y = randn(len(my), seed++).map((v) => v + 3);
      // add/sub/mul/div of f32 operands: the f64 reference rounds to the same f32, exactly
      close(`binary op${op} spans ${mx},${my}`, core.binary(op, x, mx, y, my, A, R, C), binaryRef(op, x, mx, y, my, A, R, C), 0);
    }
  }
  assert.throws(() => core.binary(4, new Float32Array(6), 0, new Float32Array(6), 0, 1, 1, 6), /status 3 \(unknown operation/);
  assert.throws(() => core.binary(0, new Float32Array(6), 1, new Float32Array(6), 3, 1, 1, 6), /status 3/);
});

test("reducePlan and binaryPlan take the patterns they should and refuse the rest", () => {
  assert.equal(reducePlan([16, 8, 8, 32], [0, 1, 2]), { A: 1, R: 1024, C: 32 });
  assert.equal(reducePlan([16, 8, 8, 32], [2, 1]), { A: 16, R: 64, C: 32 });
  assert.equal(reducePlan([5, 6], [0]), { A: 1, R: 5, C: 6 });
  for (const axes of [[3], [1, 2, 3], [0, 2], []]) assert.is(reducePlan([16, 8, 8, 32], axes), null, `axes [${axes}]`);
  const p = binaryPlan([16, 8, 8, 32], [16, 1, 1, 32])!;
  assert.equal([p.A, p.R, p.C, p.x, p.y], [16, 64, 32, 0, 1]);
  const q = binaryPlan([32], [16, 8, 8, 32])!;
  assert.equal([q.A, q.R, q.C, q.x, q.y, q.shape], [16, 64, 32, 2, 0, [16, 8, 8, 32]]);
  assert.equal(binaryPlan([16, 8, 8, 32], [])!.y, 3);
  for (const [a, b] of [
    [
      [16, 1],
      [1, 32],
    ],
    [[16, 8, 8, 3], [3]],
    [
      [16, 8, 8, 32],
      [8, 1, 32],
    ],
    [[0, 4], [4]],
    [
      [16, 8, 8, 32],
      [2, 32],
    ],
  ]) {
    assert.is(binaryPlan(a, b), null, `[${a}] by [${b}]`);
  }
});

test.run();
