/**
 * Scalers for model inputs and outputs (browser-safe: no Node imports). Min-max to [0, 1] per column,
 * with log10 first for chosen columns (paper 001: log10 J_s), fitted on the training split only and
 * serialised to JSON next to the saved model. Images are divided by one constant (255 for PNG,
 * the largest phase code for raw label volumes).
 */
import { ConfigError } from "../config/errors.js";

export interface MinMaxScalerJson {
  kind: "minmax";
  names: string[];
  /** log10 is applied to these columns before the min-max map */
  log10: boolean[];
  /** min and max of the (log10-transformed where asked) training values */
  min: number[];
  max: number[];
}

export interface ImageScalerJson {
  kind: "image";
  /** pixel value v maps to v / divisor */
  divisor: number;
}

export type ScalerJson = MinMaxScalerJson | ImageScalerJson;

export class MinMaxScaler {
  constructor(
    readonly names: string[],
    readonly log10: boolean[],
    readonly min: number[],
    readonly max: number[],
  ) {
    const d = names.length;
    if (log10.length !== d || min.length !== d || max.length !== d)
      throw new ConfigError(`scaler: ${d} names but ${log10.length} log10 flags, ${min.length} min, ${max.length} max`);
  }
  get dim(): number {
    return this.names.length;
  }

  /**
   * Fits on `n` rows of `names.length` columns (row-major). Columns named in `log10Names` must be
   * positive. A constant column maps to 0 (its range is taken as 1).
   */
  static fit(data: ArrayLike<number>, names: string[], log10Names: string[] = [], rows?: ArrayLike<number>): MinMaxScaler {
    const d = names.length;
    for (const l of log10Names)
      if (!names.includes(l)) throw new ConfigError(`scaler: log10 column '${l}' is not one of ${names.join(", ")}`);
    const log = names.map((n) => log10Names.includes(n));
    const min = new Array<number>(d).fill(Infinity),
      max = new Array<number>(d).fill(-Infinity);
    const n = rows ? rows.length : data.length / d;
    if (n < 1) throw new ConfigError("scaler: no rows to fit on");
    for (let k = 0; k < n; k++) {
      const r = rows ? rows[k] : k;
      for (let j = 0; j < d; j++) {
        let v = data[r * d + j];
        if (log[j]) {
          if (!(v > 0)) throw new ConfigError(`scaler: column '${names[j]}' is log10-scaled but row ${r} has ${v} (must be > 0)`);
          v = Math.log10(v);
        }
        if (!Number.isFinite(v)) throw new ConfigError(`scaler: column '${names[j]}', row ${r}: ${v} is not finite`);
        if (v < min[j]) min[j] = v;
        if (v > max[j]) max[j] = v;
      }
    }
    return new MinMaxScaler(names.slice(), log, min, max);
  }

  /** raw -> scaled, row-major, returns a new Float32Array */
  transform(data: ArrayLike<number>): Float32Array {
    const d = this.dim,
      out = new Float32Array(data.length);
    for (let i = 0; i < data.length; i++) {
      const j = i % d;
      const v = this.log10[j] ? Math.log10(data[i]) : data[i];
      const span = this.max[j] - this.min[j];
      out[i] = (v - this.min[j]) / (span > 0 ? span : 1);
    }
    return out;
  }

  /** scaled -> raw, row-major (float64 so that the log10 round trip keeps its digits) */
  inverse(data: ArrayLike<number>): Float64Array {
    const d = this.dim,
      out = new Float64Array(data.length);
    for (let i = 0; i < data.length; i++) {
      const j = i % d;
      const span = this.max[j] - this.min[j];
      const v = data[i] * (span > 0 ? span : 1) + this.min[j];
      out[i] = this.log10[j] ? Math.pow(10, v) : v;
    }
    return out;
  }

  toJSON(): MinMaxScalerJson {
    return { kind: "minmax", names: this.names.slice(), log10: this.log10.slice(), min: this.min.slice(), max: this.max.slice() };
  }
  static fromJSON(j: MinMaxScalerJson): MinMaxScaler {
    if (j?.kind !== "minmax") throw new ConfigError(`scaler: expected kind "minmax", got ${JSON.stringify(j?.kind)}`);
    return new MinMaxScaler(j.names, j.log10, j.min, j.max);
  }
}

export class ImageScaler {
  constructor(readonly divisor: number) {
    if (!(divisor > 0)) throw new ConfigError(`image scaler: divisor ${divisor} must be > 0`);
  }
  transform(data: ArrayLike<number>): Float32Array {
    const out = new Float32Array(data.length),
      s = 1 / this.divisor;
    for (let i = 0; i < data.length; i++) out[i] = data[i] * s;
    return out;
  }
  toJSON(): ImageScalerJson {
    return { kind: "image", divisor: this.divisor };
  }
  static fromJSON(j: ImageScalerJson): ImageScaler {
    if (j?.kind !== "image") throw new ConfigError(`scaler: expected kind "image", got ${JSON.stringify(j?.kind)}`);
    return new ImageScaler(j.divisor);
  }
}

export type InputScaler = MinMaxScaler | ImageScaler;

export interface ScalersJson {
  input: ScalerJson;
  output: MinMaxScalerJson;
}
export interface Scalers {
  input: InputScaler;
  output: MinMaxScaler;
}

export function scalersToJSON(s: Scalers): ScalersJson {
  return { input: s.input.toJSON(), output: s.output.toJSON() };
}
export function scalersFromJSON(j: ScalersJson): Scalers {
  return {
    input: j.input.kind === "image" ? ImageScaler.fromJSON(j.input) : MinMaxScaler.fromJSON(j.input),
    output: MinMaxScaler.fromJSON(j.output),
  };
}
