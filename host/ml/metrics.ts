/**
 * Scores of a trained model on scaled rows: predictions in batches, the scaled MSE the loop stops on,
 * and R², MSE and MAPE per output in the outputs' own units.
 */
import type * as TF from "@tensorflow/tfjs";
import { tf } from "./tf.js";
import { ConfigError } from "../config/errors.js";
import type { MinMaxScaler } from "./scalers.js";

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

/** Scaled rows: x [n, ...shape], y [n, m] row-major. */
export interface Scaled {
  x: Float32Array;
  y: Float32Array;
  n: number;
  /** per-target loss weights [n, m] (the relative loss); absent: every target weighs 1 */
  w?: Float32Array;
}

/** The per-sample input shape of a model (batch axis dropped). */
export function inputShape(model: TF.LayersModel): number[] {
  return (model.inputs[0].shape as (number | null)[]).slice(1).map((v) => v ?? 1);
}

/** Model outputs (scaled) for n rows of scaled inputs, in batches. */
export function predictScaled(model: TF.LayersModel, x: Float32Array, n: number, batch = 256): Float32Array {
  const shape = inputShape(model),
    d = shape.reduce((a, b) => a * b, 1);
  const m = (model.outputs[0].shape as number[])[1];
  const out = new Float32Array(n * m);
  for (let i = 0; i < n; i += batch) {
    const b = Math.min(batch, n - i);
    const y = tf.tidy(() => (model.predict(tf.tensor(x.subarray(i * d, (i + b) * d), [b, ...shape])) as TF.Tensor).dataSync());
    out.set(y as Float32Array, i * m);
  }
  return out;
}

/** The model's L2 terms (0 without any). */
export function regularization(model: TF.LayersModel): number {
  return tf.tidy(() => {
    const r = model.calculateLosses();
    return r.length ? tf.addN(r).dataSync()[0] : 0;
  });
}

/** MSE on scaled outputs over the rows of `s`. */
export function scaledMse(model: TF.LayersModel, s: Scaled, batch: number): number {
  const p = predictScaled(model, s.x, s.n, batch);
  let e = 0;
  for (let i = 0; i < p.length; i++) {
    const d = p[i] - s.y[i];
    e += (s.w ? s.w[i] : 1) * d * d;
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
export function evaluate(model: TF.LayersModel, s: Scaled, out: MinMaxScaler, batch = 256): OutputMetrics[] {
  const p = out.inverse(predictScaled(model, s.x, s.n, batch));
  return regressionMetrics(p, out.inverse(s.y), out.names);
}
