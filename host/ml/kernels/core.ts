/**
 * Kernels of the pack that run in the assbkit core (assembly/ml/kernels.ts): MaxPoolGrad, Tile, the two depthwise-convolution gradients and, where it beats the XNNPACK
 * product (host/ml/kernels/conv.ts), Conv2DBackpropFilter. The tfjs-wasm module and
 * the core are separate wasm instances with separate memories, so each call copies its inputs
 * from the tfjs heap into an arena in the core's memory, runs the kernel there, and copies the
 * result into a tensor allocated with backend.makeOutput (allocated before any heap view is
 * taken: allocation can grow the tfjs heap, which detaches earlier views).
 *
 * `CoreMlKernels` works on plain Float32Arrays (tfjs heap views, or arrays in tests); the
 * kernelFuncs at the bottom adapt it to tfjs.
 */
import type * as TF from "@tensorflow/tfjs";
import type { KernelFunc, TensorInfo, NamedAttrMap } from "@tensorflow/tfjs";
import * as L from "../../../assembly/ml/layout.js";
import { loadCore, type CoreExports } from "../../core/wasm.js";
import type { Heap } from "../../core/heap.js";
import { type Builtins, size, type KernelArgs, type WasmBackend } from "./util.js";

/** Window geometry of a pool or depthwise convolution (NHWC), as the kernels' slots take it. */
export interface Window {
  B: number;
  H: number;
  W: number;
  C: number;
  OH: number;
  OW: number;
  KH: number;
  KW: number;
  SH: number;
  SW: number;
  DH: number;
  DW: number;
  PT: number;
  PL: number;
}

/** From tfjs' Conv2DInfo (computeConv2DInfo / computePool2DInfo / computeDepthwise...). */
export function windowOf(info: TF.backend_util.Conv2DInfo): Window {
  return {
    B: info.batchSize,
    H: info.inHeight,
    W: info.inWidth,
    C: info.inChannels,
    OH: info.outHeight,
    OW: info.outWidth,
    KH: info.filterHeight,
    KW: info.filterWidth,
    SH: info.strideHeight,
    SW: info.strideWidth,
    DH: info.dilationHeight,
    DW: info.dilationWidth,
    PT: info.padInfo.top,
    PL: info.padInfo.left,
  };
}

const STATUS: Record<number, string> = {
  [L.ML_BAD_SHAPE]: "a dimension, stride, dilation or multiplier below 1, or a negative pad",
  [L.ML_BAD_RANK]: "rank outside 1..8",
  [L.ML_BAD_OP]: "unknown operation or operand span",
};

const ALIGN = 16;
const PARAM_BYTES = L.PARAM_SLOTS * 8;

/** The core instance, its exports and one reusable arena in its memory. */
export class CoreMlKernels {
  private arena = 0;
  private arenaBytes = 0;
  private readonly base: number;

  private constructor(
    private readonly ex: CoreExports,
    private readonly heap: Heap,
  ) {
    this.base = heap.used;
  }

  static async load(): Promise<CoreMlKernels> {
    const core = await loadCore();
    for (const f of [
      "mlMaxPoolGrad",
      "mlBiasGrad",
      "mlTile",
      "mlDepthwiseBackpropInput",
      "mlDepthwiseBackpropFilter",
      "mlConvFilterGrad",
      "mlReduceRows",
      "mlBatchNorm",
      "mlBinary",
    ] as const) {
      if (typeof core.exports[f] !== "function")
        throw new Error(`ml pack: build/assbkit.wasm lacks ${f}; rebuild the core with 'npm run asbuild'`);
    }
    return new CoreMlKernels(core.exports, core.heap);
  }

  /**
   * Lays out a parameter block and arrays of the given byte sizes (16-byte aligned) in the arena,
   * growing it when needed (zeroing happens only on growth: every kernel writes all of its output).
   * Returns the parameter block's address and the arrays' addresses.
   */
  private layout(bytes: number[]): { p: number; at: number[] } {
    let off = PARAM_BYTES;
    const rel: number[] = [];
    for (const b of bytes) {
      off = Math.ceil(off / ALIGN) * ALIGN;
      rel.push(off);
      off += b;
    }
    if (off > this.arenaBytes) {
      this.heap.reset(this.base);
      this.arenaBytes = Math.ceil(Math.max(off, this.arenaBytes * 1.25) / 65536) * 65536;
      this.arena = this.heap.alloc(this.arenaBytes, ALIGN);
    }
    new Uint8Array(this.ex.memory.buffer, this.arena, PARAM_BYTES).fill(0);
    return { p: this.arena, at: rel.map((r) => this.arena + r) };
  }

  private f32(ptr: number, n: number): Float32Array {
    return new Float32Array(this.ex.memory.buffer, ptr, n);
  }

  private setWindow(p: number, w: Window, m = 1): void {
    const dv = new DataView(this.ex.memory.buffer, p, PARAM_BYTES);
    const put = (slot: number, v: number) => dv.setInt32(slot * 8, v, true);
    put(L.K_B, w.B);
    put(L.K_H, w.H);
    put(L.K_WD, w.W);
    put(L.K_C, w.C);
    put(L.K_OH, w.OH);
    put(L.K_OW, w.OW);
    put(L.K_KH, w.KH);
    put(L.K_KW, w.KW);
    put(L.K_SH, w.SH);
    put(L.K_SW, w.SW);
    put(L.K_DH, w.DH);
    put(L.K_DW, w.DW);
    put(L.K_PT, w.PT);
    put(L.K_PL, w.PL);
    put(L.K_M, m);
  }

  private setPtr(p: number, slot: number, ptr: number): void {
    new DataView(this.ex.memory.buffer, p, PARAM_BYTES).setUint32(slot * 8, ptr, true);
  }

  private check(kernel: string, st: number): void {
    if (st !== L.ML_OK) throw new Error(`ml pack ${kernel}: the core kernel returned status ${st} (${STATUS[st] ?? "unknown"})`);
  }

  private expect(kernel: string, what: string, a: ArrayLike<number>, n: number): void {
    if (a.length !== n) throw new Error(`ml pack ${kernel}: ${what} has ${a.length} elements, the geometry needs ${n}`);
  }

  /** dx [B,H,W,C] of a max pool from its input x [B,H,W,C] and dy [B,OH,OW,C]. */
  maxPoolGrad(x: Float32Array, dy: Float32Array, w: Window, out?: Float32Array): Float32Array {
    const nx = w.B * w.H * w.W * w.C,
      ny = w.B * w.OH * w.OW * w.C;
    this.expect("MaxPoolGrad", "x", x, nx);
    this.expect("MaxPoolGrad", "dy", dy, ny);
    const { p, at } = this.layout([nx * 4, ny * 4, nx * 4]);
    this.setWindow(p, w);
    this.setPtr(p, L.K_X, at[0]);
    this.setPtr(p, L.K_DY, at[1]);
    this.setPtr(p, L.K_OUT, at[2]);
    this.f32(at[0], nx).set(x);
    this.f32(at[1], ny).set(dy);
    this.check("MaxPoolGrad", this.ex.mlMaxPoolGrad(p));
    const res = out ?? new Float32Array(nx);
    res.set(this.f32(at[2], nx));
    return res;
  }

  /** out[c] = sum over rows of x viewed as [rows, C]. */
  biasGrad(x: Float32Array, C: number, out?: Float32Array): Float32Array {
    const rows = x.length / C;
    if (!Number.isInteger(rows)) throw new Error(`ml pack Sum: ${x.length} elements are not a whole number of rows of ${C}`);
    const { p, at } = this.layout([x.length * 4, C * 4, C * 8]);
    const dv = new DataView(this.ex.memory.buffer, p, PARAM_BYTES);
    dv.setInt32(L.K_ROWS * 8, rows, true);
    dv.setInt32(L.K_C * 8, C, true);
    this.setPtr(p, L.K_X, at[0]);
    this.setPtr(p, L.K_OUT, at[1]);
    this.setPtr(p, L.K_WORK, at[2]);
    this.f32(at[0], x.length).set(x);
    this.check("Sum", this.ex.mlBiasGrad(p));
    const res = out ?? new Float32Array(C);
    res.set(this.f32(at[1], C));
    return res;
  }

  /** x (4-byte elements) repeated reps[k] times along each axis k. */
  tile<T extends Float32Array | Int32Array>(x: T, shape: readonly number[], reps: readonly number[], out: T): T {
    const rank = shape.length;
    if (reps.length !== rank) throw new Error(`ml pack Tile: reps [${reps}] do not match the rank of shape [${shape}]`);
    const nOut = size(shape.map((s, k) => s * reps[k]));
    this.expect("Tile", "x", x, size(shape));
    this.expect("Tile", "out", out, nOut);
    const { p, at } = this.layout([x.length * 4, nOut * 4, rank * 4, rank * 4, rank * 8]);
    const dv = new DataView(this.ex.memory.buffer, p, PARAM_BYTES);
    dv.setInt32(L.K_RANK * 8, rank, true);
    this.setPtr(p, L.K_X, at[0]);
    this.setPtr(p, L.K_OUT, at[1]);
    this.setPtr(p, L.K_SHAPE, at[2]);
    this.setPtr(p, L.K_REPS, at[3]);
    this.setPtr(p, L.K_WORK, at[4]);
    new Uint8Array(this.ex.memory.buffer, at[0], x.length * 4).set(new Uint8Array(x.buffer, x.byteOffset, x.length * 4));
    new Int32Array(this.ex.memory.buffer, at[2], rank).set(shape);
    new Int32Array(this.ex.memory.buffer, at[3], rank).set(reps);
    this.check("Tile", this.ex.mlTile(p));
    new Uint8Array(out.buffer, out.byteOffset, nOut * 4).set(new Uint8Array(this.ex.memory.buffer, at[1], nOut * 4));
    return out;
  }

  /** dx [B,H,W,C] of a depthwise convolution from dy [B,OH,OW,C*M] and the filter [KH,KW,C,M]. */
  depthwiseBackpropInput(dy: Float32Array, filter: Float32Array, w: Window, M: number, out?: Float32Array): Float32Array {
    const nx = w.B * w.H * w.W * w.C,
      ny = w.B * w.OH * w.OW * w.C * M,
      nw = w.KH * w.KW * w.C * M;
    this.expect("DepthwiseConv2dNativeBackpropInput", "dy", dy, ny);
    this.expect("DepthwiseConv2dNativeBackpropInput", "filter", filter, nw);
    const { p, at } = this.layout([ny * 4, nw * 4, nx * 4]);
    this.setWindow(p, w, M);
    this.setPtr(p, L.K_DY, at[0]);
    this.setPtr(p, L.K_W, at[1]);
    this.setPtr(p, L.K_OUT, at[2]);
    this.f32(at[0], ny).set(dy);
    this.f32(at[1], nw).set(filter);
    this.check("DepthwiseConv2dNativeBackpropInput", this.ex.mlDepthwiseBackpropInput(p));
    const res = out ?? new Float32Array(nx);
    res.set(this.f32(at[2], nx));
    return res;
  }

  /** dw [KH,KW,C,M] of a depthwise convolution from x [B,H,W,C] and dy [B,OH,OW,C*M]. */
  depthwiseBackpropFilter(x: Float32Array, dy: Float32Array, w: Window, M: number, out?: Float32Array): Float32Array {
    const nx = w.B * w.H * w.W * w.C,
      ny = w.B * w.OH * w.OW * w.C * M,
      nw = w.KH * w.KW * w.C * M;
    this.expect("DepthwiseConv2dNativeBackpropFilter", "x", x, nx);
    this.expect("DepthwiseConv2dNativeBackpropFilter", "dy", dy, ny);
    const { p, at } = this.layout([nx * 4, ny * 4, nw * 4, nw * 12]);
    this.setWindow(p, w, M);
    this.setPtr(p, L.K_X, at[0]);
    this.setPtr(p, L.K_DY, at[1]);
    this.setPtr(p, L.K_OUT, at[2]);
    this.setPtr(p, L.K_WORK, at[3]);
    this.f32(at[0], nx).set(x);
    this.f32(at[1], ny).set(dy);
    this.check("DepthwiseConv2dNativeBackpropFilter", this.ex.mlDepthwiseBackpropFilter(p));
    const res = out ?? new Float32Array(nw);
    res.set(this.f32(at[2], nw));
    return res;
  }

  /**
   * dw [KH,KW,C,O] of a convolution (dilation 1) from x [B,H,W,C] and dy [B,OH,OW,O]; O must be a
   * multiple of 4. x is copied into a zero-padded buffer, so the kernel needs no bounds checks.
   */
  convFilterGrad(x: Float32Array, dy: Float32Array, w: Window, O: number, out?: Float32Array): Float32Array {
    const name = "Conv2DBackpropFilter";
    if (w.DH !== 1 || w.DW !== 1) throw new Error(`ml pack ${name}: dilations ${w.DH}x${w.DW} not supported by the core kernel`);
    const nx = w.B * w.H * w.W * w.C,
      ny = w.B * w.OH * w.OW * O,
      nw = w.KH * w.KW * w.C * O;
    this.expect(name, "x", x, nx);
    this.expect(name, "dy", dy, ny);
    const Hp = Math.max(w.PT + w.H, (w.OH - 1) * w.SH + w.KH),
      Wp = Math.max(w.PL + w.W, (w.OW - 1) * w.SW + w.KW);
    const np = w.B * Hp * Wp * w.C;
    const { p, at } = this.layout([np * 4, ny * 4, nw * 4, nw * 8]);
    this.setWindow(p, { ...w, H: Hp, W: Wp, PT: 0, PL: 0 });
    new DataView(this.ex.memory.buffer, p, PARAM_BYTES).setInt32(L.K_O * 8, O, true);
    this.setPtr(p, L.K_X, at[0]);
    this.setPtr(p, L.K_DY, at[1]);
    this.setPtr(p, L.K_OUT, at[2]);
    this.setPtr(p, L.K_WORK, at[3]);
    const xp = this.f32(at[0], np);
    xp.fill(0);
    const row = w.W * w.C;
    for (let b = 0; b < w.B; b++) {
      for (let iy = 0; iy < w.H; iy++) {
        const s = (b * w.H + iy) * row;
        xp.set(x.subarray(s, s + row), ((b * Hp + iy + w.PT) * Wp + w.PL) * w.C);
      }
    }
    this.f32(at[1], ny).set(dy);
    this.check(name, this.ex.mlConvFilterGrad(p));
    const res = out ?? new Float32Array(nw);
    res.set(this.f32(at[2], nw));
    return res;
  }

  // The kernels below run in place on the tfjs heap in the pack (inplace.ts); these copying
  // versions over plain arrays exist for the tests against the TS references.

  /** out [A, C] = scale * sum over the middle axis of x viewed as [A, R, C]. */
  reduceRows(x: Float32Array, A: number, R: number, C: number, scale: number): Float32Array {
    this.expect("reduceRows", "x", x, A * R * C);
    const { p, at } = this.layout([x.length * 4, A * C * 4, C * 8]);
    const dv = new DataView(this.ex.memory.buffer, p, PARAM_BYTES);
    dv.setInt32(L.K_A * 8, A, true);
    dv.setInt32(L.K_ROWS * 8, R, true);
    dv.setInt32(L.K_C * 8, C, true);
    dv.setFloat64(L.K_SCALE * 8, scale, true);
    this.setPtr(p, L.K_X, at[0]);
    this.setPtr(p, L.K_OUT, at[1]);
    this.setPtr(p, L.K_WORK, at[2]);
    this.f32(at[0], x.length).set(x);
    this.check("reduceRows", this.ex.mlReduceRows(p));
    return this.f32(at[1], A * C).slice();
  }

  /** (x - mean) * gamma / sqrt(variance + eps) + beta over x viewed as [R, C]. */
  batchNorm(
    x: Float32Array,
    C: number,
    v: { mean: Float32Array; variance: Float32Array; gamma: Float32Array; beta: Float32Array },
    eps: number,
  ): Float32Array {
    const R = x.length / C;
    const { p, at } = this.layout([x.length * 4, x.length * 4, C * 4, C * 4, C * 4, C * 4, C * 4]);
    const dv = new DataView(this.ex.memory.buffer, p, PARAM_BYTES);
    dv.setInt32(L.K_ROWS * 8, R, true);
    dv.setInt32(L.K_C * 8, C, true);
    dv.setFloat64(L.K_EPS * 8, eps, true);
    const slots = [L.K_X, L.K_OUT, L.K_MEAN, L.K_VAR, L.K_GAMMA, L.K_BETA, L.K_WORK];
    slots.forEach((k, i) => this.setPtr(p, k, at[i]));
    this.f32(at[0], x.length).set(x);
    this.f32(at[2], C).set(v.mean);
    this.f32(at[3], C).set(v.variance);
    this.f32(at[4], C).set(v.gamma);
    this.f32(at[5], C).set(v.beta);
    this.check("FusedBatchNorm", this.ex.mlBatchNorm(p));
    return this.f32(at[1], x.length).slice();
  }

  /** op(x, y) over an output viewed as [A, R, C], the operands spanning it as the modes say. */
  binary(op: number, x: Float32Array, mx: number, y: Float32Array, my: number, A: number, R: number, C: number): Float32Array {
    const n = A * R * C;
    const { p, at } = this.layout([x.length * 4, y.length * 4, n * 4]);
    const dv = new DataView(this.ex.memory.buffer, p, PARAM_BYTES);
    dv.setInt32(L.K_A * 8, A, true);
    dv.setInt32(L.K_ROWS * 8, R, true);
    dv.setInt32(L.K_C * 8, C, true);
    dv.setInt32(L.K_OP * 8, op, true);
    dv.setInt32(L.K_MODE_X * 8, mx, true);
    dv.setInt32(L.K_MODE_Y * 8, my, true);
    this.setPtr(p, L.K_X, at[0]);
    this.setPtr(p, L.K_Y, at[1]);
    this.setPtr(p, L.K_OUT, at[2]);
    this.f32(at[0], x.length).set(x);
    this.f32(at[1], y.length).set(y);
    this.check("binary", this.ex.mlBinary(p));
    return this.f32(at[2], n).slice();
  }
}

type Pad = "valid" | "same" | number | TF.backend_util.ExplicitPadding;

export function coreKernels(
  tf: typeof TF,
  b: Builtins,
  backend: WasmBackend,
  k: CoreMlKernels,
): { name: string; kernelFunc: KernelFunc; impl: string }[] {
  const bu = tf.backend_util;

  const maxPoolGrad = (args: KernelArgs): TensorInfo => {
    const { dy, input } = args.inputs;
    const a = args.attrs as NamedAttrMap;
    if (input.dtype !== "float32" || input.shape.length !== 4) return b.call("MaxPoolGrad", args.inputs, a);
    const info = bu.computePool2DInfo(
      input.shape as [number, number, number, number],
      a.filterSize as [number, number] | number,
      a.strides as [number, number] | number,
      1,
      a.pad as Pad,
      a.dimRoundingMode as "floor" | "round" | "ceil" | undefined,
    );
    const out = backend.makeOutput(input.shape, "float32");
    k.maxPoolGrad(backend.typedArrayFromHeap(input), backend.typedArrayFromHeap(dy), windowOf(info), backend.typedArrayFromHeap(out));
    return out;
  };

  const tile = (args: KernelArgs): TensorInfo => {
    const { x } = args.inputs;
    const reps = (args.attrs as NamedAttrMap).reps as number[];
    if (
      (x.dtype !== "float32" && x.dtype !== "int32") ||
      x.shape.length < 1 ||
      x.shape.length > 8 ||
      reps.length !== x.shape.length ||
      size(x.shape) === 0 ||
      reps.some((r) => r < 1)
    ) {
      return b.call("Tile", args.inputs, args.attrs);
    }
    const out = backend.makeOutput(
      x.shape.map((s, i) => s * reps[i]),
      x.dtype,
    );
    const xv = backend.typedArrayFromHeap(x) as Float32Array | Int32Array,
      ov = backend.typedArrayFromHeap(out) as Float32Array | Int32Array;
    k.tile(xv, x.shape, reps, ov);
    return out;
  };

  const dwInfo = (xShape: number[], fShape: number[], a: NamedAttrMap) =>
    bu.computeConv2DInfo(
      xShape as [number, number, number, number],
      fShape as [number, number, number, number],
      a.strides as [number, number] | number,
      (a.dilations as [number, number] | number) ?? 1,
      a.pad as Pad,
      a.dimRoundingMode as "floor" | "round" | "ceil" | undefined,
      true,
    );

  const dwInput = (args: KernelArgs): TensorInfo => {
    const { dy, filter } = args.inputs;
    const a = args.attrs as NamedAttrMap;
    const inputShape = a.inputShape as number[];
    const info = dwInfo(inputShape, filter.shape, a);
    const out = backend.makeOutput(inputShape, "float32");
    k.depthwiseBackpropInput(
      backend.typedArrayFromHeap(dy),
      backend.typedArrayFromHeap(filter),
      windowOf(info),
      filter.shape[3],
      backend.typedArrayFromHeap(out),
    );
    return out;
  };

  const dwFilter = (args: KernelArgs): TensorInfo => {
    const { x, dy } = args.inputs;
    const a = args.attrs as NamedAttrMap;
    const filterShape = a.filterShape as number[];
    const info = dwInfo(x.shape, filterShape, a);
    const out = backend.makeOutput(filterShape, "float32");
    k.depthwiseBackpropFilter(
      backend.typedArrayFromHeap(x),
      backend.typedArrayFromHeap(dy),
      windowOf(info),
      filterShape[3],
      backend.typedArrayFromHeap(out),
    );
    return out;
  };

  const kf = (f: (a: KernelArgs) => TensorInfo) => f as unknown as KernelFunc;
  return [
    { name: "MaxPoolGrad", kernelFunc: kf(maxPoolGrad), impl: "assbkit core mlMaxPoolGrad (f32x4 over channels)" },
    { name: "Tile", kernelFunc: kf(tile), impl: "assbkit core mlTile (bulk memory.copy of repeated blocks)" },
    {
      name: "DepthwiseConv2dNativeBackpropInput",
      kernelFunc: kf(dwInput),
      impl: "assbkit core mlDepthwiseBackpropInput (f32x4 over channels)",
    },
    {
      name: "DepthwiseConv2dNativeBackpropFilter",
      kernelFunc: kf(dwFilter),
      impl: "assbkit core mlDepthwiseBackpropFilter (f32x4, f64 row totals)",
    },
  ];
}
