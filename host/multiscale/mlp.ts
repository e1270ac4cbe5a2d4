/**
 * The surrogate network of paper 001 §2.2.2 (eq 40-42) as a plain object, and its evaluation in the compute
 * core: inside the multiscale cell every macro node asks the network for its micro rates at every step, so
 * the forward pass runs in wasm (assembly/multiscale, f64x2 over the hidden units) on weights copied once,
 * not through TensorFlow.js per call.
 *
 * `MlpWeights` is what a trained model folder's weights become: one hidden ReLU layer, a linear or ReLU
 * output layer, min-max scalers of the inputs and outputs. `mlpFromLayers` reads it from two tfjs dense
 * layers (kernel [in, out], bias [out]); `MlpKernel` lays it out in kernel memory and evaluates batches.
 */
import { ConfigError } from "../config/errors.js";
import { log } from "../core/portable_math.js";
import { HeaderSlots } from "../core/slots.js";
import type { MultiscaleKernels } from "../core/wasm.js";
import * as Q from "../../assembly/multiscale/layout.js";

export const MLP_FORMAT = 1;
/** predictGradCached rebuilds a row's affine map from its pattern after this many incremental calls: the
 *  rank-one updates add and subtract the same terms, so rounding drifts like a random walk; 64 keeps it far
 *  below 1e-13 relative (test/multiscale/mlp.test.ts) for 1/64 of a full gradient per call. */
export const MLP_CACHE_REFRESH = 64;

export interface MlpWeights {
  kind: "assbkit.multiscale.mlp";
  format: number;
  /** input and output names, in order (e.g. fractureEnergy_J_m2, log10_flux, c_surf_norm_old, c_bulk_norm_old) */
  inputs: string[];
  outputs: string[];
  hidden: number;
  /** first layer, input-major (tfjs's kernel layout [inputs, hidden]) */
  w1: number[];
  b1: number[];
  /** output layer, hidden-major (tfjs's kernel layout [hidden, outputs]) */
  w2: number[];
  b2: number[];
  outputRelu: boolean;
  /** inputs taken as log10 before scaling (paper 001: log10 J_s); xMin/xMax are then of log10 x */
  inputLog10?: boolean[];
  /** min-max scalers: xs = (x - xMin) / (xMax - xMin), y = yMin + ys (yMax - yMin) */
  xMin: number[];
  xMax: number[];
  yMin: number[];
  yMax: number[];
}

/** Refuses weights whose shapes or scalers do not fit together (one line naming the field). */
export function checkMlp(w: MlpWeights, source = "surrogate"): void {
  const nin = w.inputs.length,
    nout = w.outputs.length,
    nh = w.hidden;
  const want: [string, number, number][] = [
    ["w1", w.w1?.length, nin * nh],
    ["b1", w.b1?.length, nh],
    ["w2", w.w2?.length, nh * nout],
    ["b2", w.b2?.length, nout],
    ["xMin", w.xMin?.length, nin],
    ["xMax", w.xMax?.length, nin],
    ["yMin", w.yMin?.length, nout],
    ["yMax", w.yMax?.length, nout],
  ];
  if (!(Number.isInteger(nh) && nh >= 1)) throw new ConfigError(`${source}: hidden = ${nh}: expected an integer >= 1 (hidden units)`);
  if (nin < 1 || nout < 1) throw new ConfigError(`${source}: inputs/outputs: expected at least one of each, got ${nin} and ${nout}`);
  for (const [f, got, n] of want)
    if (got !== n)
      throw new ConfigError(
        `${source}: ${f} has ${got ?? "no"} values: expected ${n} for ${nin} inputs, ${nh} hidden units, ${nout} outputs`,
      );
  for (const f of ["w1", "b1", "w2", "b2", "xMin", "xMax", "yMin", "yMax"] as const) {
    const i = w[f].findIndex((v) => !Number.isFinite(v));
    if (i >= 0) throw new ConfigError(`${source}: ${f}[${i}] = ${w[f][i]}: expected a finite number`);
  }
  if (w.inputLog10 !== undefined && w.inputLog10.length !== nin)
    throw new ConfigError(`${source}: inputLog10 has ${w.inputLog10.length} flags: expected ${nin}, one per input`);
  const j = w.xMin.findIndex((v, i) => !(w.xMax[i] > v));
  if (j >= 0)
    throw new ConfigError(`${source}: xMax[${j}] = ${w.xMax[j]}: expected above xMin[${j}] = ${w.xMin[j]} (input ${w.inputs[j]})`);
}

/** Weights from two tfjs dense layers' tensors (kernel [in, out] and bias [out] of each), already read to arrays. */
export function mlpFromLayers(
  layers: { kernel: Float32Array | number[]; bias: Float32Array | number[] }[],
  meta: Pick<MlpWeights, "inputs" | "outputs" | "outputRelu" | "xMin" | "xMax" | "yMin" | "yMax" | "inputLog10">,
): MlpWeights {
  if (layers.length !== 2)
    throw new ConfigError(`surrogate: ${layers.length} dense layers: expected 2 (one hidden layer and the output layer)`);
  const hidden = layers[0].bias.length;
  const w: MlpWeights = {
    kind: "assbkit.multiscale.mlp",
    format: MLP_FORMAT,
    ...meta,
    hidden,
    w1: Array.from(layers[0].kernel),
    b1: Array.from(layers[0].bias),
    w2: Array.from(layers[1].kernel),
    b2: Array.from(layers[1].bias),
  };
  checkMlp(w);
  return w;
}

/** A network laid out in kernel memory for batches of up to `maxBatch` rows. */
export class MlpKernel extends HeaderSlots {
  readonly nin: number;
  readonly nout: number;
  readonly nh: number;
  readonly maxBatch: number;

  constructor(
    readonly k: MultiscaleKernels,
    readonly weights: MlpWeights,
    maxBatch = 1,
  ) {
    super(k.heap);
    checkMlp(weights);
    const nin = weights.inputs.length,
      nout = weights.outputs.length,
      nh = weights.hidden + (weights.hidden & 1); // even: a padded unit has zero weights and bias, so it adds exact zeros
    this.nin = nin;
    this.nout = nout;
    this.nh = nh;
    this.maxBatch = maxBatch;
    const h = k.heap;
    this.sys = h.alloc(Q.HEADER_SLOTS * 8, 16);
    const f64 = (n: number) => h.alloc(Math.max(1, n) * 8, 16);
    const ptrs: [number, number][] = [
      [Q.Q_W1T, f64(nin * nh)],
      [Q.Q_B1, f64(nh)],
      [Q.Q_W2, f64(nout * nh)],
      [Q.Q_B2, f64(nout)],
      [Q.Q_XLO, f64(nin)],
      [Q.Q_XINV, f64(nin)],
      [Q.Q_YLO, f64(nout)],
      [Q.Q_YSPAN, f64(nout)],
      [Q.Q_X, f64(maxBatch * nin)],
      [Q.Q_Y, f64(maxBatch * nout)],
      [Q.Q_H, f64(nh)],
      [Q.Q_G, f64(maxBatch * nout * nin)],
      [Q.Q_ACT, f64(maxBatch)],
      [Q.Q_MASK, f64(maxBatch * nh)],
      [Q.Q_AC, f64(maxBatch * nout * (nin + 1))],
      [Q.Q_RST, f64(2 * maxBatch)],
      [Q.Q_Z, f64(maxBatch * nh)],
      [Q.Q_XR, f64(maxBatch * nin)],
    ];
    for (const [slot, p] of ptrs) this.setPtr(slot, p);
    this.sI(Q.Q_NIN, nin);
    this.sI(Q.Q_NH, nh);
    this.sI(Q.Q_NOUT, nout);
    this.sI(Q.Q_OUTRELU, weights.outputRelu ? 1 : 0);
    this.sI(Q.Q_REFRESH, MLP_CACHE_REFRESH);
    const w = weights,
      H = w.hidden;
    const w1 = this.arr(Q.Q_W1T, nin * nh).fill(0);
    for (let i = 0; i < nin; i++) for (let j = 0; j < H; j++) w1[i * nh + j] = w.w1[i * H + j];
    const b1 = this.arr(Q.Q_B1, nh).fill(0);
    b1.set(w.b1);
    const w2 = this.arr(Q.Q_W2, nout * nh).fill(0);
    for (let j = 0; j < H; j++) for (let o = 0; o < nout; o++) w2[o * nh + j] = w.w2[j * nout + o];
    this.arr(Q.Q_B2, nout).set(w.b2);
    this.arr(Q.Q_XLO, nin).set(w.xMin);
    this.arr(Q.Q_XINV, nin).set(w.xMin.map((lo, i) => 1 / (w.xMax[i] - lo)));
    this.arr(Q.Q_YLO, nout).set(w.yMin);
    this.arr(Q.Q_YSPAN, nout).set(w.yMin.map((lo, i) => w.yMax[i] - lo));
  }

  /** The outputs of `rows` input rows (row-major, nin values each); returns a view valid until the next call. */
  predict(x: ArrayLike<number>, rows = x.length / this.nin): Float64Array {
    this.load(x, rows, "predict");
    this.k.mlpForward(this.sys);
    return this.arr(Q.Q_Y, rows * this.nout);
  }

  /**
   * The outputs and their gradient with respect to the inputs as the network sees them (after log10 where
   * `inputLog10` is set: d y / d log10 x), row-major [row][output][input]; views valid until the next call.
   */
  predictGrad(x: ArrayLike<number>, rows = x.length / this.nin): { y: Float64Array; dy: Float64Array } {
    this.load(x, rows, "predictGrad");
    this.k.mlpForwardGrad(this.sys);
    return { y: this.arr(Q.Q_Y, rows * this.nout), dy: this.arr(Q.Q_G, rows * this.nout * this.nin) };
  }

  /**
   * predictGrad for a batch whose row r is the same caller's point from call to call (a macro node), using each
   * row's activation pattern kept from its last call (assembly/multiscale/layout.ts Q_ACT..): where few hidden
   * units change sign between calls this costs about nin/(nin + nout + nout nin) of predictGrad. Rows with
   * `active[r]` false are skipped (their outputs are not written) and rebuilt when next active. Equal to
   * predictGrad up to rounding (the sums are ordered differently).
   */
  predictGradCached(
    x: ArrayLike<number>,
    active: ArrayLike<boolean | number>,
    rows = x.length / this.nin,
  ): { y: Float64Array; dy: Float64Array } {
    this.load(x, rows, "predictGradCached");
    const a = this.arr(Q.Q_ACT, rows);
    for (let r = 0; r < rows; r++) a[r] = active[r] ? 1 : 0;
    this.k.mlpForwardGradCached(this.sys);
    return { y: this.arr(Q.Q_Y, rows * this.nout), dy: this.arr(Q.Q_G, rows * this.nout * this.nin) };
  }

  /** Forgets every row's cached pattern (the next cached call rebuilds them). */
  resetCache(): void {
    this.arr(Q.Q_RST, 2 * this.maxBatch).fill(0);
  }

  private load(x: ArrayLike<number>, rows: number, what: string): void {
    if (!(Number.isInteger(rows) && rows >= 1 && rows <= this.maxBatch && x.length >= rows * this.nin))
      throw new RangeError(
        `MlpKernel.${what}: ${rows} rows of ${this.nin} inputs (${x.length} values); the kernel takes 1 to ${this.maxBatch}`,
      );
    const X = this.arr(Q.Q_X, rows * this.nin);
    const lg = this.weights.inputLog10;
    for (let i = 0; i < X.length; i++) X[i] = lg?.[i % this.nin] ? log(x[i]) / Math.LN10 : x[i];
    this.sI(Q.Q_NB, rows);
  }
}
