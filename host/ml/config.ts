/**
 * Training configurations (`assb train <config.yaml|json>`): a zod schema with defaults, and the
 * run that reads the data, trains, saves the model and writes the result files (Node).
 */
import { z } from "zod";
import { basename, isAbsolute, join, relative, resolve } from "node:path";
import { mkdirSync } from "node:fs";
import { ConfigError, configErrorFrom } from "../config/errors.js";
import { writeFileAtomic } from "../io/atomic.js";
import { toCsv } from "../io/csv.js";
import { type Dataset, readCsvDataset, readPngDataset, readRawDataset, scaledRows, sampleSize } from "./data.js";
import { MODEL_A_DEFAULTS, MODEL_B_DEFAULTS, MODEL_C_DEFAULTS, type ModelOptions } from "./models.js";
import {
  TRAIN_DEFAULTS,
  fitDataset,
  predictScaled,
  requireCheckpoint,
  type EpochRecord,
  type TrainProgress,
  type TrainResult,
} from "./train.js";
import { ML_BACKENDS, safeFileName } from "./names.js";
import { saveModel } from "./save.js";
import { gradCam, heatmapPng } from "./gradcam.js";

const int = (min: number) => z.number().int().min(min);
const pos = z.number().positive();
const names = z.array(z.string().min(1)).min(1);

const ModelSchema = z.discriminatedUnion(
  "kind",
  [
    z
      .object({
        kind: z.literal("A"),
        /** square input edge [px]; default: the images' size */
        inputSize: int(32).multipleOf(32).optional(),
        filters: z.array(int(1)).length(5).default(MODEL_A_DEFAULTS.filters),
        dense: z.array(int(1)).min(1).default(MODEL_A_DEFAULTS.dense),
      })
      .strict(),
    z
      .object({
        kind: z.literal("B"),
        inputSize: int(16).optional(),
        dropout: z.number().min(0).max(0.9).default(MODEL_B_DEFAULTS.dropout),
        headChannels: int(1).default(MODEL_B_DEFAULTS.headChannels),
        bnMomentum: z.number().gt(0).lt(1).optional(),
      })
      .strict(),
    z
      .object({
        kind: z.literal("C"),
        hidden: int(1).default(MODEL_C_DEFAULTS.hidden),
        l2: z.number().min(0).default(MODEL_C_DEFAULTS.l2),
        outputActivation: z.enum(["relu", "linear"]).default(MODEL_C_DEFAULTS.outputActivation),
      })
      .strict(),
  ],
  {
    error: (iss) =>
      iss.code === "invalid_union" ? "unknown model kind; available: A (paper 000 CNN), B (EfficientNetV2-style CNN), C (MLP)" : undefined,
  },
);

const DataSchema = z.discriminatedUnion(
  "type",
  [
    z
      .object({
        type: z.literal("csv"),
        /** numeric CSV, relative to the config file */
        file: z.string(),
        inputs: names,
        outputs: names,
        /** columns (inputs or outputs) scaled as log10 before min-max */
        log10: z.array(z.string()).default([]),
        /** unit per column name, e.g. {J_s: "mol/(m^2 s)"} */
        units: z.record(z.string(), z.string()).default({}),
      })
      .strict(),
    z
      .object({
        type: z.literal("images"),
        /** folder of PNG images */
        dir: z.string(),
        /** labels CSV: a `file` column (or the PNGs in name order) and the output columns */
        labels: z.string(),
        outputs: names,
        fileColumn: z.string().optional(),
        log10: z.array(z.string()).default([]),
        units: z.record(z.string(), z.string()).default({}),
      })
      .strict(),
    z
      .object({
        type: z.literal("raw"),
        /** JSON sidecar of a uint8 [N, H, W] tensor (fixtures/transport format) */
        volume: z.string(),
        /** labels CSV: one row per image, or an `index` column */
        labels: z.string(),
        outputs: names,
        indexColumn: z.string().optional(),
        log10: z.array(z.string()).default([]),
        units: z.record(z.string(), z.string()).default({}),
      })
      .strict(),
  ],
  {
    error: (iss) =>
      iss.code === "invalid_union"
        ? "unknown data type; available: csv (table), images (PNG folder + labels CSV), raw (uint8 tensor + JSON sidecar + labels CSV)"
        : undefined,
  },
);

export const TrainConfigSchema = z
  .object({
    name: z.string().default("model"),
    seed: z.number().int().min(0).max(0xffffffff).default(1),
    backend: z.enum(ML_BACKENDS).default("auto"),
    model: ModelSchema,
    data: DataSchema,
    /** fractions (each < 1) or counts; train gets the rest when omitted */
    split: z
      .object({ train: z.number().min(0).optional(), val: z.number().min(0).default(0.1), test: z.number().min(0).default(0.1) })
      .strict()
      .prefault({}),
    train: z
      .object({
        epochs: int(1).default(TRAIN_DEFAULTS.epochs),
        batchSize: int(1).default(TRAIN_DEFAULTS.batchSize),
        learningRate: pos.default(TRAIN_DEFAULTS.learningRate),
        minLearningRate: z.number().min(0).default(TRAIN_DEFAULTS.minLearningRate),
        warmupEpochs: z.number().min(0).default(TRAIN_DEFAULTS.warmupEpochs),
        patience: int(0).default(TRAIN_DEFAULTS.patience),
        restoreBest: z.boolean().default(TRAIN_DEFAULTS.restoreBest),
        checkpointEvery: int(0).default(TRAIN_DEFAULTS.checkpointEvery),
        beta1: z.number().min(0).lt(1).default(TRAIN_DEFAULTS.beta1),
        beta2: z.number().min(0).lt(1).default(TRAIN_DEFAULTS.beta2),
        epsilon: pos.default(TRAIN_DEFAULTS.epsilon),
        /** image models: random left-right / up-down mirrors of the training images (labels a mirror leaves unchanged) */
        flips: z.boolean().default(false),
        /**
         * "mse" (scaled outputs: absolute errors count) or "relative" (each squared error over (|y| + floor x the
         * output's range)^2: the loss MAPE scores, e.g. conductances that span a decade)
         */
        loss: z.enum(["mse", "relative"]).default("mse"),
        /** the relative loss's floor, as a fraction of each output's training range (keeps targets at 0 finite) */
        relativeFloor: z.number().gt(0).max(1).default(0.05),
      })
      .strict()
      .prefault({}),
    /** Grad-CAM heat maps of the first `count` test images (image models A only) */
    gradcam: z
      .object({ count: int(0).default(0), output: z.string().optional() })
      .strict()
      .prefault({}),
  })
  .strict();

export type TrainConfig = z.output<typeof TrainConfigSchema>;

export function parseTrainConfig(input: unknown, source = "train config"): TrainConfig {
  const r = TrainConfigSchema.safeParse(input);
  if (!r.success) throw configErrorFrom(r.error, input, source);
  return r.data;
}

/** Reads the dataset a config names; paths are relative to `baseDir` (the config file's folder). */
export function loadConfigData(cfg: TrainConfig, baseDir = "."): Dataset {
  const at = (p: string) => (isAbsolute(p) ? p : join(baseDir, p));
  const d = cfg.data;
  const unit = (ns: string[]) => (ns.some((n) => d.units[n]) ? ns.map((n) => d.units[n] ?? "") : undefined);
  let ds: Dataset;
  if (d.type === "csv") ds = readCsvDataset(at(d.file), d.inputs, d.outputs, { inputs: unit(d.inputs), outputs: unit(d.outputs) });
  else if (d.type === "images")
    ds = readPngDataset(at(d.dir), at(d.labels), d.outputs, { fileColumn: d.fileColumn, outputUnits: unit(d.outputs) });
  else ds = readRawDataset(at(d.volume), at(d.labels), d.outputs, { indexColumn: d.indexColumn, outputUnits: unit(d.outputs) });
  // the source recorded in result.json and the model folder: relative to the working folder, so a model that is
  // shipped or shared does not carry the training machine's paths (outside it: the file name alone)
  if (ds.source === undefined) return ds;
  const rel = relative(process.cwd(), resolve(ds.source));
  return { ...ds, source: rel.startsWith("..") || isAbsolute(rel) ? basename(ds.source) : rel };
}

/** The model options a config resolves to for a dataset. */
export function resolveModel(cfg: TrainConfig, ds: Dataset): ModelOptions {
  const m = cfg.model,
    outputs = ds.outputNames.length;
  if (m.kind === "C") {
    if (ds.kind !== "table") throw new ConfigError(`model.kind = C: the MLP takes tables (data.type csv), not ${ds.kind}`);
    return { ...MODEL_C_DEFAULTS, ...m, inputs: ds.xShape[0], outputs };
  }
  if (ds.kind !== "images") throw new ConfigError(`model.kind = ${m.kind}: a CNN takes images (data.type images or raw), not a table`);
  const [h, w] = ds.xShape;
  if (h !== w) throw new ConfigError(`model.kind = ${m.kind}: images must be square; they are ${w}x${h}`);
  if (m.inputSize !== undefined && m.inputSize !== h)
    throw new ConfigError(`model.inputSize = ${m.inputSize}: the images are ${h}x${h} px`);
  if (m.kind === "A") {
    if (h % 32 !== 0) throw new ConfigError(`model.kind = A: image size ${h} px is not a multiple of 32 (five 2x2 max-pools)`);
    return { ...MODEL_A_DEFAULTS, ...m, inputSize: h, channels: 1, outputs };
  }
  return { ...MODEL_B_DEFAULTS, ...m, inputSize: h, channels: 1, outputs };
}

/** The output Grad-CAM maps explain and its file-name part, or null without maps; refused before any training. */
function checkGradcam(cfg: TrainConfig): { index: number; file: string } | null {
  if (cfg.gradcam.count === 0) return null;
  if (cfg.model.kind !== "A")
    throw new ConfigError(`gradcam.count = ${cfg.gradcam.count}: Grad-CAM maps are made for model A only (model.kind = ${cfg.model.kind})`);
  const outputs = cfg.data.outputs;
  const index = cfg.gradcam.output !== undefined ? outputs.indexOf(cfg.gradcam.output) : 0;
  if (index < 0) throw new ConfigError(`gradcam.output = ${JSON.stringify(cfg.gradcam.output)}: not an output (${outputs.join(", ")})`);
  return { index, file: safeFileName(outputs[index], `data.outputs[${index}]`) };
}

export interface RunOptions {
  outDir: string;
  /** folder the config's relative paths start from */
  baseDir?: string;
  /** continue from outDir/checkpoint/checkpoint.bin; refused (before any work) when there is none */
  resume?: boolean;
  /** progress of the training loop (the CLI draws a bar from it) */
  onProgress?: (p: TrainProgress) => void;
  onEpoch?: (e: EpochRecord) => void;
}

/**
 * Trains what `cfg` describes and writes into outDir: model/ (model.json, weights.bin,
 * assb-model.json), result.json, history.csv, test_predictions.csv, checkpoint/ (when
 * train.checkpointEvery > 0) and gradcam/*.png (when gradcam.count > 0).
 */
export async function runTrainConfig(cfg: TrainConfig, o: RunOptions): Promise<{ result: TrainResult; files: string[] }> {
  const outDir = resolve(o.outDir);
  const checkpointDir = join(outDir, "checkpoint");
  // everything that can be refused is refused before the data is read and the model trained
  if (o.resume) requireCheckpoint(checkpointDir);
  const gradcamOutput = checkGradcam(cfg);
  const ds = loadConfigData(cfg, o.baseDir);
  const model = resolveModel(cfg, ds);
  const lower = [...ds.inputNames, ...ds.outputNames];
  for (const l of cfg.data.log10)
    if (!lower.includes(l)) throw new ConfigError(`data.log10: '${l}' is neither an input nor an output (${lower.join(", ")})`);
  const camName = (r: number) =>
    `${safeFileName(String(ds.ids?.[r] ?? r).replace(/\.png$/i, ""), `${ds.source ?? "data"}: sample id`)}_${gradcamOutput!.file}.png`;
  if (gradcamOutput) for (let r = 0; r < ds.n; r++) camName(r);
  mkdirSync(outDir, { recursive: true });
  const { loss, relativeFloor, ...trainOpts } = cfg.train;
  const fit = await fitDataset(ds, {
    model,
    split: cfg.split,
    log10Inputs: cfg.data.log10.filter((n) => ds.inputNames.includes(n)),
    log10Outputs: cfg.data.log10.filter((n) => ds.outputNames.includes(n)),
    loss: loss === "relative" ? { kind: "relative", floor: relativeFloor } : { kind: "mse" },
    train: {
      ...trainOpts,
      seed: cfg.seed,
      checkpointDir: cfg.train.checkpointEvery > 0 || o.resume ? checkpointDir : undefined,
      resume: !!o.resume,
      onProgress: o.onProgress,
      onEpoch: o.onEpoch,
    },
    config: cfg,
  });
  const { result, scalers, split } = fit;
  const files: string[] = [];
  files.push(
    ...(await saveModel(join(outDir, "model"), fit.model, {
      model,
      scalers,
      inputNames: ds.inputNames,
      inputUnits: ds.inputUnits,
      outputNames: ds.outputNames,
      outputUnits: ds.outputUnits,
      training: {
        name: cfg.name,
        seed: cfg.seed,
        backend: result.backend,
        epochsRun: result.epochsRun,
        bestEpoch: result.bestEpoch,
        samples: result.samples,
        metrics: result.metrics.test,
        source: ds.source,
      },
    })),
  );
  // (metrics are finite or null with a reason; a diverged loss in the history is spelled out)
  const json = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === "number" && !Number.isFinite(x) ? String(x) : x), 1) + "\n";
  writeFileAtomic(join(outDir, "result.json"), json(result));
  files.push(join(outDir, "result.json"));
  writeFileAtomic(
    join(outDir, "history.csv"),
    toCsv({
      columns: ["epoch", "loss", "val_loss", "lr", "seconds"],
      rows: result.history.map((h) => [h.epoch, h.loss, h.valLoss ?? "", h.lr, h.seconds]),
    }),
  );
  files.push(join(outDir, "history.csv"));
  // test predictions next to the truth, in the outputs' units
  if (split.test.length) {
    const s = scaledRows(ds, split.test, scalers);
    const p = scalers.output.inverse(predictScaled(fit.model, s.x, s.n, sampleSize(ds) > 1024 ? 32 : 1024));
    const m = ds.outputNames.length;
    const rows = split.test.map((r, k) => [ds.ids?.[r] ?? r, ...ds.outputNames.flatMap((_, j) => [ds.y[r * m + j], p[k * m + j]])]);
    writeFileAtomic(
      join(outDir, "test_predictions.csv"),
      toCsv({ columns: ["sample", ...ds.outputNames.flatMap((n) => [n, `${n}_pred`])], rows }),
    );
    files.push(join(outDir, "test_predictions.csv"));
  }
  if (gradcamOutput) {
    const k = gradcamOutput.index;
    const d = sampleSize(ds);
    for (const r of split.test.slice(0, cfg.gradcam.count)) {
      const gray = (ds.x as Uint8Array).subarray(r * d, (r + 1) * d);
      const cam = gradCam(fit.model, scalers.input.transform(gray), k);
      const show = Uint8Array.from(gray, (v) => Math.min(255, Math.round((v * 255) / (ds.pixelDivisor ?? 255))));
      const f = join(outDir, "gradcam", camName(r));
      writeFileAtomic(f, heatmapPng(cam, show));
      files.push(f);
    }
  }
  return { result, files };
}
