/**
 * The training loop (Node): Adam on MSE (+ the model's L2 terms), linear warm-up then cosine decay
 * of the learning rate per step, early stopping that restores the best weights, atomic checkpoints
 * every N epochs and exact resumption from them, and progress reported through a callback (the CLI
 * draws its bar from it).
 *
 * Deterministic for a seed: initial weights come from seeded initializers (models.ts), batches are
 * shuffled with the project PRNG, dropout masks are seeded from the same stream, and Adam is
 * written here (optimizer.ts) so that a checkpoint holds its whole state and a resumed run repeats
 * the uninterrupted one bit for bit.
 */
import type * as TF from "@tensorflow/tfjs";
import { tf } from "./tf.js";
import { Rng } from "../core/rng.js";
import { ConfigError } from "../config/errors.js";
import { VERSION } from "../version.js";
import { Adam, learningRateAt } from "./optimizer.js";
import { checkpointPath, readCheckpoint, requireCheckpoint, writeCheckpoint } from "./checkpoint.js";
import { inputShape, regularization, scaledMse, type Scaled } from "./metrics.js";

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
  /** image models: each training image mirrored left-right and/or up-down at random per step (labels that a mirror leaves unchanged, e.g. paper 000's sections) */
  flips?: boolean;
  /** write a checkpoint after every N epochs (0: never) */
  checkpointEvery: number;
  /** continue from checkpointDir/checkpoint.bin (refused when there is none) */
  resume: boolean;
  /** end this call after N epochs as if the process had been killed (tests, time slicing) */
  stopAfter?: number;
  /** after every optimizer step and at the end of every epoch (a progress display; the CLI draws a bar) */
  onProgress?: (p: TrainProgress) => void;
  onEpoch?: (e: EpochRecord) => void;
}

/** Where a training call stands; steps count from where this call started (a resumed run starts at 0). */
export interface TrainProgress {
  /** optimizer steps done in this call */
  step: number;
  /** steps this call takes when it runs to the end of the schedule */
  totalSteps: number;
  /** 1-based epoch running (or just ended) */
  epoch: number;
  epochs: number;
  /** the epoch's record once it has ended (losses); absent during the epoch */
  ended?: EpochRecord;
}

export const TRAIN_DEFAULTS: Omit<TrainOptions, "onEpoch" | "onProgress" | "checkpointDir" | "stopAfter"> = {
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
};

export interface EpochRecord {
  /** 1-based */
  epoch: number;
  /** training loss: MSE on scaled outputs (weighted per target under the relative loss) + L2, mean over the epoch's batches */
  loss: number;
  /** validation MSE on scaled outputs + L2 at the end of the epoch (null without a validation set) */
  valLoss: number | null;
  /** learning rate of the epoch's last step */
  lr: number;
  seconds: number;
}

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

function gatherRows(src: Float32Array, d: number, rows: ArrayLike<number>, from: number, to: number): Float32Array {
  const out = new Float32Array((to - from) * d);
  for (let k = from; k < to; k++) out.set(src.subarray(rows[k] * d, rows[k] * d + d), (k - from) * d);
  return out;
}

/** Mirrors one [h, w, c] image in place: bit 0 of `how` left-right, bit 1 up-down. */
function flipImage(x: Float32Array, shape: number[], how: number): void {
  const [h, w, c] = shape;
  if (how & 1)
    for (let y = 0; y < h; y++)
      for (let i = 0, j = w - 1; i < j; i++, j--)
        for (let ch = 0; ch < c; ch++) {
          const a = (y * w + i) * c + ch,
            z = (y * w + j) * c + ch;
          const t = x[a];
          x[a] = x[z];
          x[z] = t;
        }
  if (how & 2)
    for (let i = 0, j = h - 1; i < j; i++, j--) {
      const a = x.slice(i * w * c, (i + 1) * w * c);
      x.copyWithin(i * w * c, j * w * c, (j + 1) * w * c);
      x.set(a, j * w * c);
    }
}

// ---- the loop ----

/**
 * Trains `model` in place on scaled data. Returns the history; the model ends with the best
 * weights (lowest validation loss) when opts.restoreBest and a validation set are given.
 */
export async function train(
  model: TF.LayersModel,
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
  const vars = model.trainableWeights.map((w) => w.read() as TF.Variable);
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
    ...(o.flips ? { flips: true } : {}),
    // the relative loss's weights depend on its floor: their sum tells a resume with another floor apart
    ...(tr.w ? { lossWeightSum: tr.w.reduce((a, b) => a + b, 0) } : {}),
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
    const setAll = (targets: TF.Variable[] | null, g: { shape: number[]; data: Float32Array }[]) => {
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
    const snap = (ts: TF.Tensor[]) => ts.map((t) => ({ shape: t.shape.slice(), data: t.dataSync() as Float32Array }));
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

  const step0 = step; // progress (a fraction and an ETA) counts from where this call started
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
      const xr = gatherRows(tr.x, d, perm, from, to);
      if (o.flips && shape.length === 3) for (let k = 0; k < b; k++) flipImage(xr.subarray(k * d, (k + 1) * d), shape, rng.u32() & 3);
      const xb = tf.tensor(xr, [b, ...shape]);
      const yb = tf.tensor(gatherRows(tr.y, m, perm, from, to), [b, m]);
      const wb = tr.w ? tf.tensor(gatherRows(tr.w, m, perm, from, to), [b, m]) : null;
      const { value, grads } = tf.variableGrads(() => {
        const pred = model.apply(xb, { training: true }) as TF.Tensor;
        const mse = (wb ? tf.mean(tf.mul(wb, tf.squaredDifference(pred, yb))) : tf.losses.meanSquaredError(yb, pred)) as TF.Scalar;
        const reg = model.calculateLosses();
        return (reg.length ? tf.addN([mse, ...reg]) : mse) as TF.Scalar;
      }, vars);
      adam.apply(
        vars.map((v) => grads[v.name]),
        lr,
      );
      lossSum += value.dataSync()[0] * b;
      tf.dispose([xb, yb, value, ...Object.values(grads), ...(wb ? [wb] : [])]);
      step++;
      o.onProgress?.({ step: step - step0, totalSteps: totalSteps - step0, epoch: epoch + 1, epochs: o.epochs });
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
    o.onProgress?.({ step: step - step0, totalSteps: totalSteps - step0, epoch, epochs: o.epochs, ended: rec });
    o.onEpoch?.(rec);
    if (o.checkpointEvery > 0 && epoch % o.checkpointEvery === 0) saveCheckpoint();
  }
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
