/**
 * The training loop (Node): Adam on MSE (+ the model's L2 terms), linear warm-up then cosine decay
 * of the learning rate per step, early stopping that restores the best weights, atomic checkpoints
 * every N epochs and exact resumption from them, a progress line, and R² / MSE / MAPE per output.
 *
 * Deterministic for a seed: initial weights come from seeded initializers (models.ts), batches are
 * shuffled with the project PRNG, dropout masks are seeded from the same stream, and Adam is
 * written here (its bias corrections computed in float64 from the step count) so that a checkpoint
 * holds its whole state and a resumed run repeats the uninterrupted one bit for bit.
 */
import * as tf from "@tensorflow/tfjs";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Rng } from "../core/rng.js";
import { writeFileAtomic } from "../io/atomic.js";
import { progressBar } from "../cli/progress.js";
import { ConfigError, fsError } from "../config/errors.js";
import { VERSION } from "../version.js";
import type { MinMaxScaler, Scalers } from "./scalers.js";
import { scalersToJSON } from "./scalers.js";
import { type Dataset, type Split, splitIndices, fitScalers, scaledRows, sampleSize } from "./data.js";
import { buildModel, countParams, type ModelOptions } from "./models.js";

export interface TrainOptions {
  epochs: number;
  batchSize: number;
  /** peak learning rate (after warm-up) */
  learningRate: number;
  /** learning rate at the end of the cosine decay */
  minLearningRate: number;
  /** epochs of linear warm-up from 0 to learningRate (fractions allowed) */
  warmupEpochs: number;
  /** stop after this many epochs without a lower validation loss (0: never) */
  patience: number;
  /** at the end, put back the weights of the epoch with the lowest validation loss */
  restoreBest: boolean;
  beta1: number;
  beta2: number;
  epsilon: number;
  seed: number;
  /** folder for checkpoint.bin (none: no checkpoints) */
  checkpointDir?: string;
  /** write a checkpoint after every N epochs (0: never) */
  checkpointEvery: number;
  /** continue from checkpointDir/checkpoint.bin (refused when there is none) */
  resume: boolean;
  /** end this call after N epochs as if the process had been killed (tests, time slicing) */
  stopAfter?: number;
  /** progress line on stderr (when it is a terminal or ASSB_PROGRESS=1) */
  progress: boolean;
  onEpoch?: (e: EpochRecord) => void;
}

export const TRAIN_DEFAULTS: Omit<TrainOptions, "onEpoch" | "checkpointDir" | "stopAfter"> = {
  epochs: 100,
  batchSize: 32,
  learningRate: 1e-3,
  minLearningRate: 1e-5,
  warmupEpochs: 1,
  patience: 0,
  restoreBest: true,
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-7,
  seed: 1,
  checkpointEvery: 0,
  resume: false,
  progress: true,
};

export interface EpochRecord {
  /** 1-based */
  epoch: number;
  /** training loss: MSE on scaled outputs + L2, mean over the epoch's batches */
  loss: number;
  /** validation MSE on scaled outputs + L2 at the end of the epoch (null without a validation set) */
  valLoss: number | null;
  /** learning rate of the epoch's last step */
  lr: number;
  seconds: number;
}

/**
 * Scores of one output. A metric that is undefined on the data is null, never NaN or -Infinity, and
 * `reason` says why: R² on a constant target (SS_tot = 0) and MAPE when every target is 0.
 */
export interface OutputMetrics {
  name: string;
  /** 1 - SS_res/SS_tot; null on a constant target */
  r2: number | null;
  mse: number;
  /** mean |error / target| in % over the targets that are not 0; null when all are 0 */
  mape_pct: number | null;
  n: number;
  /** why r2 or mape_pct is null, e.g. { r2: "undefined (constant target)" } */
  reason?: { r2?: string; mape_pct?: string };
}

/** Fewest samples a test split may have: R² needs a spread of targets. */
export const MIN_TEST_SAMPLES = 2;

export interface TrainRun {
  history: EpochRecord[];
  /** 1-based epoch whose weights the model holds at the end (0 without a validation set) */
  bestEpoch: number;
  bestValLoss: number | null;
  stoppedEarly: boolean;
  /** true when stopAfter ended the call before the schedule's end */
  interrupted: boolean;
  /** epoch count of the checkpoint this call resumed from (0: fresh start) */
  resumedFromEpoch: number;
  steps: number;
  seconds: number;
}

/** Scaled rows: x [n, ...shape], y [n, m] row-major. */
export interface Scaled {
  x: Float32Array;
  y: Float32Array;
  n: number;
}

/** Linear warm-up over `warmup` steps, then cosine from lr to lrMin at `total` steps. */
export function learningRateAt(step: number, total: number, warmup: number, lr: number, lrMin: number): number {
  if (warmup > 0 && step < warmup) return (lr * (step + 1)) / warmup;
  const span = Math.max(1, total - warmup);
  const p = Math.min(1, Math.max(0, (step - warmup) / span));
  return lrMin + 0.5 * (lr - lrMin) * (1 + Math.cos(Math.PI * p));
}

/** Adam as in tf.train.adam, with its state in plain view for checkpoints. */
class Adam {
  readonly m: tf.Variable[];
  readonly v: tf.Variable[];
  t = 0;
  constructor(
    readonly vars: tf.Variable[],
    readonly beta1: number,
    readonly beta2: number,
    readonly epsilon: number,
  ) {
    this.m = vars.map((w) => tf.tidy(() => tf.variable(tf.zerosLike(w), false)));
    this.v = vars.map((w) => tf.tidy(() => tf.variable(tf.zerosLike(w), false)));
  }
  apply(grads: tf.Tensor[], lr: number): void {
    this.t += 1;
    const { beta1: b1, beta2: b2, epsilon } = this;
    const c1 = 1 - Math.pow(b1, this.t),
      c2 = 1 - Math.pow(b2, this.t);
    tf.tidy(() => {
      this.vars.forEach((w, i) => {
        const g = grads[i];
        const m = tf.add(tf.mul(this.m[i], b1), tf.mul(g, 1 - b1));
        const v = tf.add(tf.mul(this.v[i], b2), tf.mul(tf.square(g), 1 - b2));
        this.m[i].assign(m);
        this.v[i].assign(v);
        w.assign(tf.add(w, tf.mul(tf.div(tf.div(m, c1), tf.add(tf.sqrt(tf.div(v, c2)), epsilon)), -lr)));
      });
    });
  }
  dispose(): void {
    for (const x of [...this.m, ...this.v]) x.dispose();
  }
}

// ---- checkpoints: one file, [magic 8][u32 header bytes][JSON header][pad to 4][float32 blobs] ----

interface CheckpointHeader {
  kind: "assbkit.checkpoint";
  version: string;
  fingerprint: Record<string, unknown>;
  epoch: number;
  step: number;
  adamT: number;
  rng: number[];
  history: EpochRecord[];
  best: { epoch: number; valLoss: number | null; wait: number };
  blobs: { group: "weights" | "m" | "v" | "best"; shape: number[]; offset: number; length: number }[];
}
const MAGIC = "ASSBCKP1";

function writeCheckpoint(
  path: string,
  h: Omit<CheckpointHeader, "blobs">,
  groups: Record<CheckpointHeader["blobs"][number]["group"], { shape: number[]; data: Float32Array }[]>,
): void {
  const blobs: CheckpointHeader["blobs"] = [];
  let off = 0;
  const parts: Float32Array[] = [];
  for (const g of ["weights", "m", "v", "best"] as const)
    for (const b of groups[g]) {
      blobs.push({ group: g, shape: b.shape, offset: off, length: b.data.length });
      parts.push(b.data);
      off += b.data.length;
    }
  const head = new TextEncoder().encode(JSON.stringify({ ...h, blobs }));
  const start = 12 + head.length + ((4 - ((12 + head.length) % 4)) % 4);
  const buf = new Uint8Array(start + off * 4);
  buf.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(buf.buffer).setUint32(8, head.length, true);
  buf.set(head, 12);
  const f = new Float32Array(buf.buffer, start, off);
  let o = 0;
  for (const p of parts) {
    f.set(p, o);
    o += p.length;
  }
  writeFileAtomic(path, buf);
}

function readCheckpoint(path: string): { h: CheckpointHeader; group: (g: string) => { shape: number[]; data: Float32Array }[] } {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch (e) {
    throw fsError(e, path, "read");
  }
  if (bytes.length < 12 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC)
    throw new ConfigError(`checkpoint ${path}: not an assbkit checkpoint`);
  const corrupt = (why: string) => new ConfigError(`checkpoint ${path}: truncated or corrupt (${why}); delete it and run without --resume`);
  const len = new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true);
  if (12 + len > bytes.length) throw corrupt(`a ${len}-byte header in a ${bytes.length}-byte file`);
  let h: CheckpointHeader;
  try {
    h = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + len))) as CheckpointHeader;
  } catch (e) {
    throw corrupt((e as Error).message);
  }
  if (
    !Array.isArray(h?.blobs) ||
    !h.blobs.every((b) => Number.isInteger(b?.offset) && Number.isInteger(b?.length) && b.offset >= 0 && b.length >= 0)
  )
    throw corrupt("no blob table");
  const start = 12 + len + ((4 - ((12 + len) % 4)) % 4);
  const total = h.blobs.reduce((a, b) => a + b.length, 0);
  if (start + total * 4 > bytes.length || h.blobs.some((b) => b.offset + b.length > total))
    throw corrupt(`${total} weights need ${start + total * 4} bytes, the file has ${bytes.length}`);
  const f = new Float32Array(bytes.buffer.slice(bytes.byteOffset + start, bytes.byteOffset + start + total * 4));
  return {
    h,
    group: (g) => h.blobs.filter((b) => b.group === g).map((b) => ({ shape: b.shape, data: f.subarray(b.offset, b.offset + b.length) })),
  };
}

export function checkpointPath(dir: string): string {
  return join(dir, "checkpoint.bin");
}

/** Refuses a resume with nothing to resume from (instead of silently starting over). */
export function requireCheckpoint(dir: string | undefined): string {
  if (!dir) throw new ConfigError("resume: no checkpoint folder (checkpointDir) is set, so there is nothing to resume from");
  const p = checkpointPath(dir);
  if (!existsSync(p))
    throw new ConfigError(
      `--resume: no checkpoint in ${dir} (checkpoint.bin is missing); run without --resume first, with train.checkpointEvery > 0 so that it writes checkpoints`,
    );
  return p;
}

// ---- batches and evaluation ----

function gatherRows(src: Float32Array, d: number, rows: ArrayLike<number>, from: number, to: number): Float32Array {
  const out = new Float32Array((to - from) * d);
  for (let k = from; k < to; k++) out.set(src.subarray(rows[k] * d, rows[k] * d + d), (k - from) * d);
  return out;
}

function inputShape(model: tf.LayersModel): number[] {
  return (model.inputs[0].shape as (number | null)[]).slice(1).map((v) => v ?? 1);
}

/** Model outputs (scaled) for n rows of scaled inputs, in batches. */
export function predictScaled(model: tf.LayersModel, x: Float32Array, n: number, batch = 256): Float32Array {
  const shape = inputShape(model),
    d = shape.reduce((a, b) => a * b, 1);
  const m = (model.outputs[0].shape as number[])[1];
  const out = new Float32Array(n * m);
  for (let i = 0; i < n; i += batch) {
    const b = Math.min(batch, n - i);
    const y = tf.tidy(() => (model.predict(tf.tensor(x.subarray(i * d, (i + b) * d), [b, ...shape])) as tf.Tensor).dataSync());
    out.set(y as Float32Array, i * m);
  }
  return out;
}

function regularization(model: tf.LayersModel): number {
  return tf.tidy(() => {
    const r = model.calculateLosses();
    return r.length ? tf.addN(r).dataSync()[0] : 0;
  });
}

function scaledMse(model: tf.LayersModel, s: Scaled, batch: number): number {
  const p = predictScaled(model, s.x, s.n, batch);
  let e = 0;
  for (let i = 0; i < p.length; i++) {
    const d = p[i] - s.y[i];
    e += d * d;
  }
  return e / p.length;
}

/** R², MSE and MAPE (%) per output, in the outputs' own units. MAPE skips targets equal to 0; see OutputMetrics for null. */
export function regressionMetrics(pred: ArrayLike<number>, truth: ArrayLike<number>, names: string[]): OutputMetrics[] {
  const m = names.length,
    n = truth.length / m;
  if (!(n >= 1)) throw new ConfigError(`metrics: ${n} samples: expected at least 1 to score`);
  return names.map((name, j) => {
    let mean = 0;
    for (let k = 0; k < n; k++) mean += truth[k * m + j];
    mean /= n;
    let ssr = 0,
      sst = 0,
      ape = 0,
      na = 0;
    for (let k = 0; k < n; k++) {
      const t = truth[k * m + j],
        e = pred[k * m + j] - t;
      ssr += e * e;
      sst += (t - mean) * (t - mean);
      if (t !== 0) {
        ape += Math.abs(e / t);
        na++;
      }
    }
    const reason: NonNullable<OutputMetrics["reason"]> = {};
    if (!(sst > 0)) reason.r2 = "undefined (constant target)";
    if (na === 0) reason.mape_pct = "undefined (every target is 0)";
    return {
      name,
      r2: sst > 0 ? 1 - ssr / sst : null,
      mse: ssr / n,
      mape_pct: na ? (100 * ape) / na : null,
      n,
      ...(reason.r2 || reason.mape_pct ? { reason } : {}),
    };
  });
}

/** Metrics of the model on scaled rows, in original units via the output scaler. */
export function evaluate(model: tf.LayersModel, s: Scaled, out: MinMaxScaler, batch = 256): OutputMetrics[] {
  const p = out.inverse(predictScaled(model, s.x, s.n, batch));
  return regressionMetrics(p, out.inverse(s.y), out.names);
}

// ---- the loop ----

/**
 * Trains `model` in place on scaled data. Returns the history; the model ends with the best
 * weights (lowest validation loss) when opts.restoreBest and a validation set are given.
 */
export async function train(
  model: tf.LayersModel,
  data: { train: Scaled; val?: Scaled },
  options: Partial<TrainOptions> = {},
): Promise<TrainRun> {
  const o: TrainOptions = { ...TRAIN_DEFAULTS, ...options };
  if (!(o.epochs >= 1 && Number.isInteger(o.epochs))) throw new ConfigError(`train: epochs = ${o.epochs}: expected a positive integer`);
  if (!(o.batchSize >= 1 && Number.isInteger(o.batchSize)))
    throw new ConfigError(`train: batchSize = ${o.batchSize}: expected a positive integer`);
  const t0 = performance.now();
  const { train: tr, val } = data;
  const hasVal = !!val && val.n > 0;
  const shape = inputShape(model),
    d = shape.reduce((a, b) => a * b, 1);
  const m = tr.y.length / tr.n;
  const evalBatch = d > 1024 ? 32 : 1024;
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const adam = new Adam(vars, o.beta1, o.beta2, o.epsilon);
  const rng = new Rng((o.seed ^ 0x5eed5eed) >>> 0);
  const stepsPerEpoch = Math.ceil(tr.n / o.batchSize);
  const totalSteps = stepsPerEpoch * o.epochs;
  const warmSteps = Math.round(o.warmupEpochs * stepsPerEpoch);
  const dropouts = model.layers.filter((l) => l.getClassName() === "Dropout") as unknown as { seed?: number }[];
  const dropoutSeeds = dropouts.map((l) => l.seed);
  const fingerprint = {
    epochs: o.epochs,
    batchSize: o.batchSize,
    learningRate: o.learningRate,
    minLearningRate: o.minLearningRate,
    warmupEpochs: o.warmupEpochs,
    patience: o.patience,
    beta1: o.beta1,
    beta2: o.beta2,
    epsilon: o.epsilon,
    seed: o.seed,
    nTrain: tr.n,
    nVal: val?.n ?? 0,
    weights: model
      .getWeights()
      .map((w) => w.shape.join("x"))
      .join(","),
  };

  let history: EpochRecord[] = [];
  let epoch = 0,
    step = 0;
  let best = { epoch: 0, valLoss: null as number | null, wait: 0 };
  let bestWeights: Float32Array[] | null = null;
  let resumedFromEpoch = 0;
  const ckpt = o.checkpointDir ? checkpointPath(o.checkpointDir) : undefined;

  if (o.resume) {
    const { h, group } = readCheckpoint(requireCheckpoint(o.checkpointDir));
    const diff = Object.keys(fingerprint).filter(
      (k) => JSON.stringify((fingerprint as Record<string, unknown>)[k]) !== JSON.stringify(h.fingerprint[k]),
    );
    if (diff.length)
      throw new ConfigError(
        `checkpoint ${ckpt}: written for a different run (${diff.map((k) => `${k}: ${JSON.stringify(h.fingerprint[k])} there, ${JSON.stringify((fingerprint as Record<string, unknown>)[k])} here`).join("; ")}); delete it or resume with the same settings`,
      );
    const setAll = (targets: tf.Variable[] | null, g: { shape: number[]; data: Float32Array }[]) => {
      if (targets) targets.forEach((t, i) => tf.tidy(() => t.assign(tf.tensor(g[i].data, g[i].shape))));
      else {
        const ts = g.map((b) => tf.tensor(b.data, b.shape));
        model.setWeights(ts);
        tf.dispose(ts);
      }
    };
    setAll(null, group("weights"));
    setAll(adam.m, group("m"));
    setAll(adam.v, group("v"));
    const b = group("best");
    bestWeights = b.length ? b.map((x) => x.data.slice()) : null;
    adam.t = h.adamT;
    epoch = h.epoch;
    step = h.step;
    history = h.history;
    best = h.best;
    rng.setState(h.rng);
    resumedFromEpoch = h.epoch;
  }

  const saveCheckpoint = () => {
    if (!ckpt) return;
    const snap = (ts: tf.Tensor[]) => ts.map((t) => ({ shape: t.shape.slice(), data: t.dataSync() as Float32Array }));
    const ws = model.getWeights();
    const shapes = ws.map((w) => w.shape.slice());
    writeCheckpoint(
      ckpt,
      { kind: "assbkit.checkpoint", version: VERSION, fingerprint, epoch, step, adamT: adam.t, rng: rng.getState(), history, best },
      {
        weights: snap(ws),
        m: snap(adam.m),
        v: snap(adam.v),
        best: bestWeights ? bestWeights.map((data, i) => ({ shape: shapes[i], data })) : [],
      },
    );
  };

  const bar = progressBar();
  const showBar = o.progress;
  const step0 = step; // the bar's fraction and ETA count from where this call started
  let stoppedEarly = false,
    interrupted = false,
    epochsThisCall = 0;
  const perm = new Int32Array(tr.n);
  while (epoch < o.epochs) {
    if (best.wait >= o.patience && o.patience > 0 && hasVal) {
      stoppedEarly = true;
      break;
    }
    if (o.stopAfter !== undefined && epochsThisCall >= o.stopAfter) {
      interrupted = true;
      break;
    }
    const te = performance.now();
    for (let i = 0; i < tr.n; i++) perm[i] = i;
    for (let i = tr.n - 1; i > 0; i--) {
      const j = rng.u32() % (i + 1);
      const t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
    }
    let lossSum = 0,
      lr = 0;
    for (let s = 0; s < stepsPerEpoch; s++) {
      const from = s * o.batchSize,
        to = Math.min(tr.n, from + o.batchSize),
        b = to - from;
      lr = learningRateAt(step, totalSteps, warmSteps, o.learningRate, o.minLearningRate);
      dropouts.forEach((l) => (l.seed = rng.u32()));
      const xb = tf.tensor(gatherRows(tr.x, d, perm, from, to), [b, ...shape]);
      const yb = tf.tensor(gatherRows(tr.y, m, perm, from, to), [b, m]);
      const { value, grads } = tf.variableGrads(() => {
        const pred = model.apply(xb, { training: true }) as tf.Tensor;
        const mse = tf.losses.meanSquaredError(yb, pred) as tf.Scalar;
        const reg = model.calculateLosses();
        return (reg.length ? tf.addN([mse, ...reg]) : mse) as tf.Scalar;
      }, vars);
      adam.apply(
        vars.map((v) => grads[v.name]),
        lr,
      );
      lossSum += value.dataSync()[0] * b;
      tf.dispose([xb, yb, value, ...Object.values(grads)]);
      step++;
      if (showBar && d > 1024) bar.update("train", step - step0, totalSteps - step0, `epoch ${epoch + 1}/${o.epochs}`);
    }
    dropouts.forEach((l, i) => (l.seed = dropoutSeeds[i]));
    epoch++;
    epochsThisCall++;
    const reg = regularization(model);
    const valLoss = hasVal ? scaledMse(model, val!, evalBatch) + reg : null;
    const rec: EpochRecord = { epoch, loss: lossSum / tr.n, valLoss, lr, seconds: (performance.now() - te) / 1000 };
    history.push(rec);
    if (valLoss !== null) {
      if (best.valLoss === null || valLoss < best.valLoss) {
        best = { epoch, valLoss, wait: 0 };
        if (o.restoreBest) bestWeights = model.getWeights().map((w) => (w.dataSync() as Float32Array).slice());
      } else best.wait++;
    }
    if (showBar)
      bar.update(
        "train",
        step - step0,
        totalSteps - step0,
        `epoch ${epoch}/${o.epochs} loss ${rec.loss.toExponential(3)}${valLoss !== null ? ` val ${valLoss.toExponential(3)}` : ""}`,
      );
    o.onEpoch?.(rec);
    if (o.checkpointEvery > 0 && epoch % o.checkpointEvery === 0) saveCheckpoint();
  }
  if (showBar) bar.done();
  if (!interrupted && o.restoreBest && hasVal && bestWeights && best.epoch !== epoch) {
    const ts = bestWeights.map((data, i) => tf.tensor(data, model.weights[i].shape as number[]));
    model.setWeights(ts);
    tf.dispose(ts);
  }
  adam.dispose();
  return {
    history,
    bestEpoch: hasVal ? best.epoch : 0,
    bestValLoss: best.valLoss,
    stoppedEarly,
    interrupted,
    resumedFromEpoch,
    steps: step,
    seconds: (performance.now() - t0) / 1000,
  };
}

// ---- dataset -> fitted model + result ----

export interface FitSpec {
  model: ModelOptions;
  split: { train?: number; val: number; test: number };
  log10Inputs?: string[];
  log10Outputs?: string[];
  train: Partial<TrainOptions>;
  /** the resolved configuration, echoed into the result */
  config?: unknown;
}

export interface TrainResult {
  kind: "assbkit.train";
  version: string;
  seed: number;
  backend: string;
  config: unknown;
  model: ModelOptions & { params: number };
  samples: { train: number; val: number; test: number };
  source?: string;
  history: EpochRecord[];
  bestEpoch: number;
  epochsRun: number;
  stoppedEarly: boolean;
  interrupted: boolean;
  resumedFromEpoch: number;
  seconds: number;
  metrics: { test: OutputMetrics[]; val: OutputMetrics[]; train: OutputMetrics[] };
  scalers: ReturnType<typeof scalersToJSON>;
}

/** Splits the dataset (seeded), fits the scalers on the training rows, builds and trains the model. */
export async function fitDataset(
  ds: Dataset,
  spec: FitSpec,
): Promise<{ model: tf.LayersModel; scalers: Scalers; split: Split; result: TrainResult }> {
  const opts: TrainOptions = { ...TRAIN_DEFAULTS, ...spec.train };
  const split = splitIndices(ds.n, spec.split, opts.seed);
  if (split.test.length > 0 && split.test.length < MIN_TEST_SAMPLES) {
    throw new ConfigError(
      `split.test = ${JSON.stringify(spec.split.test)}: the test split has ${split.test.length} sample of ${ds.n}; at least ${MIN_TEST_SAMPLES} are needed to score R² and MAPE (or 0 for no test split)`,
    );
  }
  const scalers = fitScalers(ds, split.train, { log10Inputs: spec.log10Inputs, log10Outputs: spec.log10Outputs });
  const [tr, va, te] = [split.train, split.val, split.test].map((rows) => scaledRows(ds, rows, scalers));
  const want = spec.model.kind === "C" ? [spec.model.inputs] : [spec.model.inputSize, spec.model.inputSize, spec.model.channels];
  if (want.join("x") !== ds.xShape.join("x"))
    throw new ConfigError(`model ${spec.model.kind}: input shape ${want.join("x")} but the dataset's samples are ${ds.xShape.join("x")}`);
  if (spec.model.outputs !== ds.outputNames.length)
    throw new ConfigError(
      `model ${spec.model.kind}: ${spec.model.outputs} outputs but the dataset has ${ds.outputNames.length} (${ds.outputNames.join(", ")})`,
    );
  const model = buildModel(spec.model, opts.seed);
  const run = await train(model, { train: tr, val: va }, opts);
  const batch = sampleSize(ds) > 1024 ? 32 : 1024;
  const metric = (s: Scaled) => (s.n > 0 ? evaluate(model, s, scalers.output, batch) : []);
  const result: TrainResult = {
    kind: "assbkit.train",
    version: VERSION,
    seed: opts.seed,
    backend: tf.getBackend(),
    config: spec.config ?? { model: spec.model, split: spec.split, train: { ...opts, onEpoch: undefined } },
    model: { ...spec.model, params: countParams(model) },
    samples: { train: tr.n, val: va.n, test: te.n },
    source: ds.source,
    history: run.history,
    bestEpoch: run.bestEpoch,
    epochsRun: run.history.length,
    stoppedEarly: run.stoppedEarly,
    interrupted: run.interrupted,
    resumedFromEpoch: run.resumedFromEpoch,
    seconds: run.seconds,
    metrics: { test: metric(te), val: metric(va), train: metric(tr) },
    scalers: scalersToJSON(scalers),
  };
  return { model, scalers, split, result };
}
