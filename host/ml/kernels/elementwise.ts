/**
 * Elementwise and reduction kernels of the pack, run in place on the tfjs heap (inplace.ts):
 * the ones a model B training step (BatchNorm, swish, squeeze-excite) spends its non-conv time in
 * on stock tfjs-wasm 4.22.0 (built-in times per call at batch 16, one core):
 *  - Mean and Sum over [0,1,2] or [1,2] of NHWC: the built-in transposes the reduced axes
 *    innermost first (1.4-1.8 ms for [16,16,16,192]);
 *  - FusedBatchNorm: the built-in is a generic broadcast loop (3-6 ms for [16,16,16,192]);
 *  - Multiply/Add/Sub/RealDiv of NHWC by [C], [1,1,1,C] or [N,1,1,C] (BatchNorm gradient,
 *    squeeze-excite): the built-in broadcast path indexes element by element (0.4 ms for
 *    [16,32,32,24] by [C], 4x a same-shape product);
 *  - Identity and same-dtype Cast: the built-ins copy the tensor; here they share its data
 *    (reference-counted, as Reshape on 'wasm' and Identity on 'cpu' do).
 * Every kernel falls back to the built-in for dtypes and shapes outside its pattern.
 */
import type * as TF from "@tensorflow/tfjs";
import type { KernelFunc, TensorInfo, NamedAttrMap } from "@tensorflow/tfjs";
import * as L from "../../../assembly/ml/layout.js";
import { type Builtins, size, type KernelArgs, type WasmBackend } from "./util.js";
import type { InPlaceMl, BinaryOp, Span } from "./inplace.js";

/** Below this many elements the built-in kernels are as fast (per-call overhead dominates). */
export const MIN_ELEMENTS = 256;

/**
 * [A, R, C] view of a reduction of `shape` over `axes` when the axes are one run of adjacent axes
 * that stops before the last (A: product of the axes before the run, R: of the run, C: after it);
 * null otherwise.
 */
export function reducePlan(shape: readonly number[], axes: readonly number[]): { A: number; R: number; C: number } | null {
  const rank = shape.length;
  if (rank < 2 || axes.length === 0) return null;
  const s = [...new Set(axes)].sort((a, b) => a - b);
  const lo = s[0],
    hi = s[s.length - 1];
  if (lo < 0 || hi - lo + 1 !== s.length || hi >= rank - 1) return null;
  return { A: size(shape.slice(0, lo)), R: size(shape.slice(lo, hi + 1)), C: size(shape.slice(hi + 1)) };
}

export interface BinaryPlan {
  A: number;
  R: number;
  C: number;
  x: Span;
  y: Span;
  shape: number[];
}

/**
 * How a binary operation with broadcasting maps onto mlBinary, or null for patterns it does not
 * take (both operands broadcast, e.g. [N,1] by [1,C]; C-vectors shorter than 4; empty tensors).
 * Same shapes and tensor-by-scalar run flat (A = R = 1, C = size); one operand the whole output and
 * the other a C-vector ([C], [1,..,1,C]: ML_CHAN) or a C-vector per first index ([N,1,..,1,C]:
 * ML_ROW) view the output as [A, R, C] (A: first axis, C: last, R: the rest).
 */
export function binaryPlan(xShape: readonly number[], yShape: readonly number[]): BinaryPlan | null {
  const k = Math.max(xShape.length, yShape.length);
  const pad = (s: readonly number[]) => [...new Array(k - s.length).fill(1), ...s];
  const xs = pad(xShape),
    ys = pad(yShape);
  const out = xs.map((d, i) => Math.max(d, ys[i]));
  const n = size(out);
  if (n === 0 || xs.some((d, i) => d !== out[i] && d !== 1) || ys.some((d, i) => d !== out[i] && d !== 1)) return null;
  const C = out[k - 1];
  const span = (s: number[]): Span | null => {
    if (s.every((d, i) => d === out[i])) return L.ML_FULL;
    if (s.every((d) => d === 1)) return L.ML_SCALAR;
    if (s[k - 1] !== C) return null;
    if (s.slice(0, -1).every((d) => d === 1)) return L.ML_CHAN;
    if (k >= 3 && s[0] === out[0] && s.slice(1, -1).every((d) => d === 1)) return L.ML_ROW;
    return null;
  };
  const x = span(xs),
    y = span(ys);
  if (x === null || y === null || (x !== L.ML_FULL && y !== L.ML_FULL)) return null;
  if ((x === L.ML_FULL && y === L.ML_FULL) || x === L.ML_SCALAR || y === L.ML_SCALAR) return { A: 1, R: 1, C: n, x, y, shape: out };
  if (C < 4) return null;
  return { A: out[0], R: size(out.slice(1, -1)), C, x, y, shape: out };
}

const sameShape = (p: readonly number[], q: readonly number[]) => p.length === q.length && p.every((d, i) => d === q[i]);

type Pack = { name: string; kernelFunc: KernelFunc; impl: string }[];

export function elementwiseKernels(tf: typeof TF, b: Builtins, backend: WasmBackend, ip: InPlaceMl): Pack {
  const reduce =
    (name: "Mean" | "Sum") =>
    (args: KernelArgs): TensorInfo => {
      const { x } = args.inputs;
      const a = args.attrs as NamedAttrMap;
      if (x.dtype !== "float32" || size(x.shape) < MIN_ELEMENTS) return b.call(name, args.inputs, a);
      const axes = tf.util.parseAxisParam(a.axis as number | number[], x.shape);
      const plan = reducePlan(x.shape, axes);
      if (!plan) return b.call(name, args.inputs, a);
      const outShape = a.keepDims ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !axes.includes(i));
      const out = backend.makeOutput(outShape, "float32");
      ip.reduceRows(name, x, plan.A, plan.R, plan.C, name === "Mean" ? 1 / plan.R : 1, out);
      return out;
    };

  const batchNorm = (args: KernelArgs): TensorInfo => {
    const { x, mean, variance, offset, scale } = args.inputs;
    const eps = (args.attrs as NamedAttrMap).varianceEpsilon as number;
    const C = x.shape[x.shape.length - 1];
    // per-channel vectors as copies (C floats): the views die at makeOutput
    const vec = (t: TensorInfo | undefined, dflt: number): Float32Array | null => {
      if (t == null) return new Float32Array(C).fill(dflt);
      if (t.dtype !== "float32") return null;
      const n = size(t.shape);
      if (n === 1) return new Float32Array(C).fill(backend.typedArrayFromHeap(t)[0]);
      if (n === C && t.shape[t.shape.length - 1] === C) return backend.typedArrayFromHeap(t).slice();
      return null;
    };
    const ok = x.dtype === "float32" && x.shape.length >= 1 && size(x.shape) >= MIN_ELEMENTS && C >= 1;
    const v = ok ? { mean: vec(mean, 0), variance: vec(variance, 1), scale: vec(scale, 1), offset: vec(offset, 0) } : null;
    if (!v?.mean || !v.variance || !v.scale || !v.offset) return b.call("FusedBatchNorm", args.inputs, args.attrs);
    const out = backend.makeOutput(x.shape, "float32");
    ip.batchNorm(
      x,
      size(x.shape) / C,
      C,
      v as { mean: Float32Array; variance: Float32Array; scale: Float32Array; offset: Float32Array },
      eps,
      out,
    );
    return out;
  };

  const binary =
    (name: string, op: BinaryOp) =>
    (args: KernelArgs): TensorInfo => {
      const { a, b: y } = args.inputs;
      // cheap exits first: small MLPs and Adam run thousands of tiny or same-shape products a second
      const na = size(a.shape),
        ny = size(y.shape);
      if (
        a.dtype !== "float32" ||
        y.dtype !== "float32" ||
        na <= 1 ||
        ny <= 1 ||
        Math.max(na, ny) < MIN_ELEMENTS ||
        sameShape(a.shape, y.shape)
      ) {
        return b.call(name, args.inputs, args.attrs);
      }
      const plan = binaryPlan(a.shape, y.shape);
      // same shapes and by-scalar: the built-in (XNNPACK) is as fast, measured; keep it
      if (!plan || plan.x === plan.y || plan.x === L.ML_SCALAR || plan.y === L.ML_SCALAR) return b.call(name, args.inputs, args.attrs);
      const out = backend.makeOutput(plan.shape, "float32");
      ip.binary(name, op, a, plan.x, y, plan.y, plan.A, plan.R, plan.C, out);
      return out;
    };

  const alias = (x: TensorInfo): TensorInfo => {
    backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
  const identity = (args: KernelArgs): TensorInfo =>
    args.inputs.x.dtype === "string" ? b.call("Identity", args.inputs) : alias(args.inputs.x);
  const cast = (args: KernelArgs): TensorInfo => {
    const { x } = args.inputs;
    return x.dtype !== "string" && (args.attrs as NamedAttrMap).dtype === x.dtype ? alias(x) : b.call("Cast", args.inputs, args.attrs);
  };

  const kf = (f: (a: KernelArgs) => TensorInfo) => f as unknown as KernelFunc;
  const bin = "assbkit-ml mlBinary in place (f32x4 rows) for NHWC by [C], [1,1,1,C] or [N,1,1,C]; built-in otherwise";
  return [
    {
      name: "Mean",
      kernelFunc: kf(reduce("Mean")),
      impl: "assbkit-ml mlReduceRows in place over a run of axes before the last ([0,1,2], [1,2]); built-in otherwise",
    },
    {
      name: "Sum",
      kernelFunc: kf(reduce("Sum")),
      impl: "assbkit-ml mlReduceRows in place over a run of axes before the last (f32x4, f64 block totals); built-in otherwise",
    },
    { name: "FusedBatchNorm", kernelFunc: kf(batchNorm), impl: "assbkit-ml mlBatchNorm in place (f32x4 over channels)" },
    { name: "Multiply", kernelFunc: kf(binary("Multiply", L.ML_MUL)), impl: bin },
    { name: "Add", kernelFunc: kf(binary("Add", L.ML_ADD)), impl: bin },
    { name: "Sub", kernelFunc: kf(binary("Sub", L.ML_SUB)), impl: bin },
    { name: "RealDiv", kernelFunc: kf(binary("RealDiv", L.ML_DIV)), impl: bin },
    { name: "Identity", kernelFunc: kf(identity), impl: "shares the input's data (reference count), no copy" },
    { name: "Cast", kernelFunc: kf(cast), impl: "same dtype: shares the input's data; built-in otherwise" },
  ];
}

/**
 * Mean's gradient without `ones(x.shape)`. tfjs-core's (Mean_grad.js) is
 * div(mul(reshape(dy, kept), ones(x.shape)), reduceSize): the ones are a JS array of the full
 * input size uploaded to the heap, then a full broadcast product, for every Mean of a BatchNorm
 * (moments: two per layer) and global pooling - about 35 ms of a 350 ms model B step. This one
 * divides the small dy first and broadcasts it with Tile: the same values bit for bit
 * (x * 1 is exact, so fl(fl(dy * 1) / n) = fl(dy / n)), on every backend. Gradients are global
 * in tfjs, not per backend: the pack registers it once, and it serves 'cpu' the same.
 */
export function meanGradConfig(tf: typeof TF): TF.GradConfig {
  return {
    kernelName: "Mean",
    inputsToSave: ["x"],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved;
      const axes = tf.util.parseAxisParam((attrs as NamedAttrMap).axis as number | number[], x.shape);
      const kept = x.shape.slice();
      let n = 1;
      for (const a of axes) {
        n *= x.shape[a];
        kept[a] = 1;
      }
      return { x: () => tf.broadcastTo(tf.div(tf.reshape(dy as TF.Tensor, kept), n), x.shape) };
    },
  };
}

/** The built-ins elementwiseKernels replaces (captured before they are unregistered). */
export const ELEMENTWISE_OVERRIDES = ["Mean", "Sum", "FusedBatchNorm", "Multiply", "Add", "Sub", "RealDiv", "Identity", "Cast"];
