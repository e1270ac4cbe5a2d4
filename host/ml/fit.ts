/**
 * From a dataset to a fitted model (Node): a seeded split, scalers fitted on the training rows, the
 * model built and trained, and the result record (history, metrics per split, scalers, config).
 */
import type * as TF from "@tensorflow/tfjs";
import { tf } from "./tf.js";
import { ConfigError } from "../config/errors.js";
import { VERSION } from "../version.js";
import type { Scalers } from "./scalers.js";
import { scalersToJSON } from "./scalers.js";
import { type Dataset, type Split, splitIndices, fitScalers, scaledRows, sampleSize } from "./data.js";
import { buildModel, countParams, type ModelOptions } from "./models.js";
import { TRAIN_DEFAULTS, train, type EpochRecord, type TrainOptions } from "./loop.js";
import { evaluate, type OutputMetrics, type Scaled } from "./metrics.js";

/** Fewest samples a test split may have: R² needs a spread of targets. */
export const MIN_TEST_SAMPLES = 2;

export interface FitSpec {
  model: ModelOptions;
  split: { train?: number; val: number; test: number };
  log10Inputs?: string[];
  log10Outputs?: string[];
  /**
   * "mse" (default): MSE on the min-max scaled outputs, which weighs absolute errors. "relative": each target's
   * squared error is divided by (|y| + floor x range)^2 (range = the output's training span), i.e. the loss
   * follows the relative error that MAPE scores, with the floor keeping targets at or near 0 finite.
   * Columns trained as log10 are already relative and keep weight 1.
   */
  loss?: { kind: "mse" } | { kind: "relative"; floor: number };
  train: Partial<TrainOptions>;
  /** the resolved configuration, echoed into the result */
  config?: unknown;
}

export interface TrainResult {
  kind: "assbkit.train";
  /** layout version of result.json */
  format: number;
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

/**
 * Per-target weights of the relative loss for each row set: 1 / (|y| / span + floor)^2 (the scaled error times
 * this is the error relative to |y| + floor x span), divided per output by its mean over the first set (the
 * training rows), so the loss keeps the MSE's scale and the learning rate its meaning. log10 outputs: 1.
 */
export function relativeLossWeights(ds: Dataset, scalers: Scalers, floor: number, sets: number[][]): Float32Array[] {
  const sc = scalers.output,
    m = sc.dim;
  const raw = sets.map((rows) => {
    const w = new Float32Array(rows.length * m);
    rows.forEach((r, k) => {
      for (let j = 0; j < m; j++) {
        const span = sc.max[j] - sc.min[j];
        w[k * m + j] = sc.log10[j] || !(span > 0) ? 1 : 1 / (Math.abs(ds.y[r * m + j]) / span + floor) ** 2;
      }
    });
    return w;
  });
  const mean = new Array<number>(m).fill(0);
  raw[0].forEach((v, i) => (mean[i % m] += v / sets[0].length));
  for (const w of raw) for (let i = 0; i < w.length; i++) w[i] /= mean[i % m] || 1;
  return raw;
}

/** Splits the dataset (seeded), fits the scalers on the training rows, builds and trains the model. */
export async function fitDataset(
  ds: Dataset,
  spec: FitSpec,
): Promise<{ model: TF.LayersModel; scalers: Scalers; split: Split; result: TrainResult }> {
  const opts: TrainOptions = { ...TRAIN_DEFAULTS, ...spec.train };
  const split = splitIndices(ds.n, spec.split, opts.seed);
  if (split.test.length > 0 && split.test.length < MIN_TEST_SAMPLES) {
    throw new ConfigError(
      `split.test = ${JSON.stringify(spec.split.test)}: the test split has ${split.test.length} sample of ${ds.n}; at least ${MIN_TEST_SAMPLES} are needed to score R² and MAPE (or 0 for no test split)`,
    );
  }
  const scalers = fitScalers(ds, split.train, { log10Inputs: spec.log10Inputs, log10Outputs: spec.log10Outputs });
  const [tr, va, te]: Scaled[] = [split.train, split.val, split.test].map((rows) => scaledRows(ds, rows, scalers));
  if (spec.loss?.kind === "relative") {
    const w = relativeLossWeights(ds, scalers, spec.loss.floor, [split.train, split.val]);
    tr.w = w[0];
    va.w = w[1];
  }
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
    format: 1,
    version: VERSION,
    seed: opts.seed,
    backend: tf.getBackend(),
    config: spec.config ?? { model: spec.model, split: spec.split, train: { ...opts, onEpoch: undefined, onProgress: undefined } },
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
