/**
 * Saving and loading trained models (Node). A model folder holds
 *   model.json    the tfjs layers-model JSON (topology + weights manifest), loadable with
 *                 tf.loadLayersModel(url) in browsers;
 *   weights.bin   the weights, float32 little endian, in the manifest's order;
 *   assb-model.json  scalers, input/output names and units, model options, training metadata.
 * The folder is written under a temporary name and renamed into place, so a reader never sees a
 * half-written model; an existing model folder is replaced.
 */
import type * as TF from "@tensorflow/tfjs";
import { tf } from "./tf.js";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync, openSync, fsyncSync, closeSync } from "node:fs";
import { dirname, basename, join, resolve } from "node:path";
import { ConfigError, fsError } from "../config/errors.js";
import { safeFileName } from "./names.js";
import { VERSION } from "../version.js";
import { scalersToJSON, type Scalers } from "./scalers.js";
import type { ModelOptions } from "./models.js";
import { fromMeta, MODEL_META_FORMAT, type AssbModelMeta, type LoadedModel } from "./predict.js";

export { predict, type LoadedModel, type AssbModelMeta } from "./predict.js";

export const MODEL_FILES = { topology: "model.json", weights: "weights.bin", meta: "assb-model.json" } as const;

function writeSynced(path: string, data: string | Uint8Array): void {
  writeFileSync(path, data);
  const fd = openSync(path, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export interface SaveInfo {
  model: ModelOptions;
  scalers: Scalers;
  inputNames: string[];
  inputUnits?: string[];
  outputNames: string[];
  outputUnits?: string[];
  training?: Record<string, unknown>;
}

/** Writes model.json + weights.bin + assb-model.json into `dir` (atomically replaced). */
export async function saveModel(dir: string, model: TF.LayersModel, info: SaveInfo): Promise<string[]> {
  let artifacts: TF.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
    }),
  );
  if (!artifacts?.weightData || !artifacts.weightSpecs) throw new Error("saveModel: tfjs produced no weights");
  const weights = new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData));
  const modelJson = {
    modelTopology: artifacts.modelTopology,
    format: artifacts.format ?? "layers-model",
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy ?? null,
    weightsManifest: [{ paths: [MODEL_FILES.weights], weights: artifacts.weightSpecs }],
  };
  const inputShape = (model.inputs[0].shape as (number | null)[]).slice(1).map((v) => v ?? 1);
  const meta: AssbModelMeta = {
    kind: "assbkit.model",
    format: MODEL_META_FORMAT,
    version: VERSION,
    model: info.model,
    inputShape,
    inputNames: info.inputNames,
    inputUnits: info.inputUnits,
    outputNames: info.outputNames,
    outputUnits: info.outputUnits,
    scalers: scalersToJSON(info.scalers),
    training: info.training,
  };
  const target = resolve(dir);
  mkdirSync(dirname(target), { recursive: true });
  const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.${Math.random().toString(36).slice(2, 8)}.tmp`);
  const old = `${tmp}.old`;
  try {
    mkdirSync(tmp);
    writeSynced(join(tmp, MODEL_FILES.weights), weights);
    writeSynced(join(tmp, MODEL_FILES.topology), JSON.stringify(modelJson));
    writeSynced(join(tmp, MODEL_FILES.meta), JSON.stringify(meta, null, 1) + "\n");
    if (existsSync(target)) renameSync(target, old);
    renameSync(tmp, target);
    rmSync(old, { recursive: true, force: true });
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    if (existsSync(old) && !existsSync(target)) renameSync(old, target);
    throw e;
  }
  return [MODEL_FILES.topology, MODEL_FILES.weights, MODEL_FILES.meta].map((f) => join(dir, f));
}

/** Loads a model folder written by saveModel: the tfjs model, its scalers and its metadata. */
export async function loadModel(dir: string): Promise<LoadedModel> {
  const p = (f: string) => join(dir, f);
  for (const f of Object.values(MODEL_FILES))
    if (!existsSync(p(f)))
      throw new ConfigError(`model ${dir}: ${f} is missing (a model folder holds ${Object.values(MODEL_FILES).join(", ")})`);
  let mj: TF.io.ModelJSON, meta: AssbModelMeta;
  try {
    mj = JSON.parse(readFileSync(p(MODEL_FILES.topology), "utf8"));
  } catch (e) {
    throw new ConfigError(`model ${dir}: ${MODEL_FILES.topology} is not valid JSON (${(e as Error).message})`);
  }
  try {
    meta = JSON.parse(readFileSync(p(MODEL_FILES.meta), "utf8"));
  } catch (e) {
    throw new ConfigError(`model ${dir}: ${MODEL_FILES.meta} is not valid JSON (${(e as Error).message})`);
  }
  const manifest = mj?.weightsManifest;
  if (!Array.isArray(manifest) || !manifest.every((g) => Array.isArray(g?.paths) && Array.isArray(g?.weights)))
    throw new ConfigError(`model ${dir}: ${MODEL_FILES.topology} has no weightsManifest (paths and weights)`);
  const specs = manifest.flatMap((g) => g.weights);
  const buffers = manifest.flatMap((g) =>
    g.paths.map((f) => {
      // weight files lie in the model folder: a manifest path must not lead out of it
      if (safeFileName(f, `model ${dir}: ${MODEL_FILES.topology} weightsManifest path`) !== f)
        throw new ConfigError(`model ${dir}: weightsManifest path ${JSON.stringify(f)}: expected a file name in the model folder`);
      let b: Buffer;
      try {
        b = readFileSync(p(f));
      } catch (e) {
        throw fsError(e, p(f), "read");
      }
      return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
    }),
  );
  let model: TF.LayersModel;
  try {
    model = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: mj.modelTopology,
        weightSpecs: specs,
        weightData: tf.io.CompositeArrayBuffer.join(buffers),
        format: mj.format,
        generatedBy: mj.generatedBy,
        convertedBy: mj.convertedBy,
      }),
    );
  } catch (e) {
    throw new ConfigError(
      `model ${dir}: tfjs cannot build the model from ${MODEL_FILES.topology} and its weights (${((e as Error)?.message ?? String(e)).split("\n")[0]})`,
    );
  }
  return fromMeta(model, meta);
}
