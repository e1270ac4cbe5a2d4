/**
 * Prediction with a trained model and its scalers (browser-safe: no Node imports). Inputs are raw
 * (unscaled) values; outputs come back in the outputs' own units.
 */
import type * as TF from "@tensorflow/tfjs";
import { tf } from "./tf.js";
import { ConfigError } from "../config/errors.js";
import { scalersFromJSON, type Scalers, type ScalersJson } from "./scalers.js";
import type { ModelOptions } from "./models.js";

/** assb-model.json: what a saved model needs besides its tfjs files. */
/** Layout version of assb-model.json; a file without one was written before the field existed (same layout, 1). */
export const MODEL_META_FORMAT = 1;

export interface AssbModelMeta {
  kind: "assbkit.model";
  format?: number;
  version: string;
  model: ModelOptions;
  /** per-sample input shape: [d] for tables, [h, w, 1] for images */
  inputShape: number[];
  inputNames: string[];
  inputUnits?: string[];
  outputNames: string[];
  outputUnits?: string[];
  scalers: ScalersJson;
  /** seed, epochs, best epoch, test metrics, backend, ... (free-form) */
  training?: Record<string, unknown>;
}

export interface LoadedModel {
  model: TF.LayersModel;
  scalers: Scalers;
  meta: AssbModelMeta;
}

export function fromMeta(model: TF.LayersModel, meta: AssbModelMeta): LoadedModel {
  if (meta?.kind !== "assbkit.model")
    throw new ConfigError(`model: assb-model.json has kind ${JSON.stringify(meta?.kind)}, expected "assbkit.model"`);
  if ((meta.format ?? 1) !== MODEL_META_FORMAT)
    throw new ConfigError(
      `model: assb-model.json format = ${JSON.stringify(meta.format)} (assbkit ${meta.version}): expected format ${MODEL_META_FORMAT}; read it with a newer assbkit`,
    );
  return { model, scalers: scalersFromJSON(meta.scalers), meta };
}

/**
 * Predicts for raw inputs: rows (number[][]) for tables, or a flat array of n samples of the
 * input shape (uint8 pixels for image models). Returns n x outputs values, row-major.
 */
export function predict(m: LoadedModel, inputs: number[][] | ArrayLike<number>, batch?: number): Float64Array {
  const d = m.meta.inputShape.reduce((a, b) => a * b, 1);
  let flat: ArrayLike<number>;
  if (Array.isArray(inputs) && Array.isArray(inputs[0])) {
    const rows = inputs as number[][];
    const f = new Float64Array(rows.length * d);
    rows.forEach((r, k) => {
      if (r.length !== d)
        throw new ConfigError(`predict: row ${k} has ${r.length} values, the model takes ${d} (${m.meta.inputNames.join(", ")})`);
      f.set(r, k * d);
    });
    flat = f;
  } else flat = inputs as ArrayLike<number>;
  if (flat.length % d !== 0)
    throw new ConfigError(`predict: ${flat.length} values are not a whole number of samples of ${m.meta.inputShape.join("x")}`);
  const n = flat.length / d,
    outN = m.meta.outputNames.length;
  const x = m.scalers.input.transform(flat);
  const bs = batch ?? (d > 1024 ? 32 : 1024);
  const y = new Float32Array(n * outN);
  for (let i = 0; i < n; i += bs) {
    const b = Math.min(bs, n - i);
    const part = tf.tidy(() =>
      (m.model.predict(tf.tensor(x.subarray(i * d, (i + b) * d), [b, ...m.meta.inputShape])) as TF.Tensor).dataSync(),
    );
    y.set(part as Float32Array, i * outN);
  }
  return m.scalers.output.inverse(y);
}
