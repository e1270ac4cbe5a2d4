/**
 * The wasm training-kernel pack (host/ml/kernels): the core's AssemblyScript kernels against
 * their plain-TS references, every registered kernel on 'wasm' + pack against the 'cpu' backend
 * (<= 1e-5 relative to the largest reference value), and the gradients of a small conv net.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import type * as TF from "@tensorflow/tfjs";
import { initMl, describeBackend } from "../../host/ml/backend.js";
import { CoreMlKernels, type Window } from "../../host/ml/kernels/core.js";
import { setIm2rowChunkFloats } from "../../host/ml/kernels/conv.js";
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
import { Rng } from "../../host/core/rng.js";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { colErr, ROOT } from "../helpers.js";

const { tf, info } = await initMl();
const core = await CoreMlKernels.load();
const TOL = 1e-5;

function randn(n: number, seed: number): Float32Array {
  const r = new Rng(seed);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = 2 * r.next() - 1 + (i % 7 === 0 ? 0.5 : 0);
  return a;
}

/** Runs f on 'cpu' and on 'wasm' + pack with the same input data; returns both results' values. */
async function both(f: () => TF.Tensor | TF.Tensor[]): Promise<{ cpu: Float32Array[]; wasm: Float32Array[] }> {
  const run = async (backend: "cpu" | "wasm") => {
    await initMl({ backend: backend === "cpu" ? "cpu" : "auto" });
    assert.is(tf.getBackend(), backend);
    const out = tf.tidy(f);
    const list = Array.isArray(out) ? out : [out];
    const vals = await Promise.all(list.map(async (t) => (await t.data()) as Float32Array));
    list.forEach((t) => t.dispose());
    return vals;
  };
  const cpu = await run("cpu");
  const wasm = await run("wasm");
  await initMl();
  return { cpu, wasm };
}

function close(what: string, got: ArrayLike<number>, want: ArrayLike<number>, tol = TOL): void {
  assert.is(got.length, want.length, `${what}: length`);
  const e = colErr(got, want);
  assert.ok(e <= tol, `${what}: relative error ${e.toExponential(2)} > ${tol}`);
}

const t4 = (a: Float32Array, s: number[]) => tf.tensor4d(a, s as [number, number, number, number]);

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

// ---- core kernels vs plain-TS references ----

const win = (
  o: Partial<Window> & { B: number; H: number; W: number; C: number; KH: number; KW: number; SH: number; SW: number },
  pad: "same" | "valid",
  d = 1,
): Window => {
  const eff = (k: number) => (k - 1) * d + 1;
  const out = (n: number, k: number, s: number) => (pad === "same" ? Math.ceil(n / s) : Math.floor((n - eff(k)) / s) + 1);
  const OH = out(o.H, o.KH, o.SH),
    OW = out(o.W, o.KW, o.SW);
  const padAll = (n: number, on: number, k: number, s: number) => (pad === "same" ? Math.max((on - 1) * s + eff(k) - n, 0) : 0);
  return {
    ...o,
    OH,
    OW,
    DH: d,
    DW: d,
    PT: Math.floor(padAll(o.H, OH, o.KH, o.SH) / 2),
    PL: Math.floor(padAll(o.W, OW, o.KW, o.SW) / 2),
  } as Window;
};

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

// ---- registered kernels vs the 'cpu' backend ----

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

// ---- elementwise kernels (run in place on the tfjs heap in the pack) ----

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

test("build/assbkit-ml.wasm (run on the tfjs heap) has no data segments or globals and imports only memory", () => {
  const wat = readFileSync(join(ROOT, "build", "assbkit-ml.wat"), "utf8");
  assert.not.match(wat, /\(data |\(global /);
  const imports = wat.split("\n").filter((l) => l.includes("(import "));
  assert.equal(
    imports.map((l) => l.trim()),
    ['(import "env" "memory" (memory $0 0))'],
  );
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
