/**
 * Grey-value histograms and multi-level Otsu thresholds (Otsu 1979, IEEE Trans. SMC 9:62; the
 * multi-level form of Liao, Chen & Chung 2001, J. Inf. Sci. Eng. 17:713): the thresholds that split the
 * histogram into K classes of maximal between-class variance sum_k w_k (mu_k - mu)^2, found by an
 * exhaustive search over every split of the bins (K = 2: L - 1 splits; K = 3: (L - 1)(L - 2)/2), with
 * prefix sums of the bin counts and moments, so the answer is exact for the histogram. Integer data gets
 * one bin per grey value when its range fits the bins, else bins of a whole number of grey values;
 * float data `bins` equal bins over [min, max]. A threshold t splits at a bin edge: voxels v >= t go
 * to the upper class. Where the best split lies in a run of empty bins, the threshold is put in the
 * middle of the run (every split there gives the same classes).
 */
import { ConfigError, inputError } from "../config/errors.js";
import { GREY_DTYPES, type GreyArray, type GreyDtype } from "../io/grey.js";

export interface GreyHistogram {
  /** voxels per bin; bin k spans [lo + k * width, lo + (k + 1) * width) (the last one includes max) */
  counts: Float64Array;
  lo: number;
  width: number;
  min: number;
  max: number;
  /** voxels counted */
  n: number;
  /** integer grey values (thresholds are then whole grey values) */
  integer: boolean;
}

/** Where voxel `i` of a volume of `shape` is, for messages. */
export function voxelWhere(i: number, shape: number[]): string {
  const names = shape.length === 3 ? ["z", "y", "x"] : ["y", "x"];
  const idx: number[] = [];
  for (let k = shape.length - 1; k >= 0; k--) {
    idx.unshift(i % shape[k]);
    i = Math.floor(i / shape[k]);
  }
  return idx.map((v, k) => `${names[k]} = ${v}`).join(", ");
}

/**
 * The histogram of a grey volume in `bins` bins (default 256 for 8-bit data, 4096 otherwise). NaN or
 * infinite voxels are refused (naming the first), as is a volume of one grey value.
 */
export function greyHistogram(
  data: GreyArray,
  dtype: GreyDtype,
  o: { bins?: number; shape?: number[]; source?: string } = {},
): GreyHistogram {
  const source = o.source ?? "grey volume";
  const bins = o.bins ?? (dtype === "uint8" || dtype === "int8" ? 256 : 4096);
  if (!(Number.isInteger(bins) && bins >= 2 && bins <= 65536)) throw inputError("bins", bins, "an integer 2-65536");
  if (data.length === 0) throw new ConfigError(`${source}: no voxels to segment`);
  let min = Infinity,
    max = -Infinity,
    nan = false;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v < min) min = v;
    if (v > max) max = v;
    else if (Number.isNaN(v)) nan = true;
  }
  if (nan || !(Number.isFinite(min) && Number.isFinite(max))) {
    const bad = (data as Float32Array).findIndex((v) => !Number.isFinite(v));
    throw new ConfigError(
      `${source}: voxel ${bad}${o.shape ? ` (${voxelWhere(bad, o.shape)})` : ""} is ${data[bad]}; grey values must be finite numbers`,
    );
  }
  if (min === max) throw new ConfigError(`${source}: every voxel holds grey value ${min}: there is nothing to segment`);
  const integer = GREY_DTYPES[dtype].integer;
  let width: number, nb: number;
  if (integer) {
    const range = max - min + 1;
    width = Math.ceil(range / bins);
    nb = Math.ceil(range / width);
  } else {
    width = (max - min) / bins;
    nb = bins;
  }
  const counts = new Float64Array(nb);
  if (integer && width === 1) for (let i = 0; i < data.length; i++) counts[data[i] - min]++;
  else if (integer) for (let i = 0; i < data.length; i++) counts[Math.floor((data[i] - min) / width)]++;
  else for (let i = 0; i < data.length; i++) counts[Math.min(nb - 1, Math.floor((data[i] - min) / width))]++;
  return { counts, lo: min, width, min, max, n: data.length, integer };
}

/** The grey value of bin edge k (the threshold that splits before bin k). */
export const binEdge = (h: GreyHistogram, k: number) => h.lo + k * h.width;

export interface OtsuResult {
  /** thresholds in grey units, ascending: class c holds t[c - 1] <= v < t[c] */
  thresholds: number[];
  /** the same as bin edges (the first bin of each upper class) */
  edges: number[];
  /** between-class over total variance of the histogram (bin centres), in [0, 1] */
  separability: number;
}

/** Multi-level Otsu thresholds for 2 or 3 classes (exhaustive search; see the module comment). */
export function multiOtsu(h: GreyHistogram, classes: number): OtsuResult {
  if (classes !== 2 && classes !== 3) throw inputError("Otsu classes", classes, "2 or 3 (for more phases give --thresholds)");
  const L = h.counts.length;
  // prefix sums of counts, of counts x bin centre and of counts x centre^2 (centre = bin index + 0.5)
  const P = new Float64Array(L + 1),
    S = new Float64Array(L + 1);
  let s2 = 0;
  for (let i = 0; i < L; i++) {
    const x = i + 0.5;
    P[i + 1] = P[i] + h.counts[i];
    S[i + 1] = S[i] + h.counts[i] * x;
    s2 += h.counts[i] * x * x;
  }
  const N = P[L],
    ST = S[L];
  const term = (a: number, b: number) => {
    const w = P[b] - P[a];
    if (w <= 0) return Number.NaN;
    const s = S[b] - S[a];
    return (s * s) / w;
  };
  let best = -Infinity;
  let cut: number[] = [];
  if (classes === 2) {
    for (let j = 1; j < L; j++) {
      const v = term(0, j) + term(j, L);
      if (v > best) {
        best = v;
        cut = [j];
      }
    }
  } else {
    for (let j1 = 1; j1 < L - 1; j1++) {
      const t0 = term(0, j1);
      if (Number.isNaN(t0)) continue;
      for (let j2 = j1 + 1; j2 < L; j2++) {
        const v = t0 + term(j1, j2) + term(j2, L);
        if (v > best) {
          best = v;
          cut = [j1, j2];
        }
      }
    }
  }
  if (cut.length !== classes - 1)
    throw new ConfigError(
      `Otsu: the grey values fill fewer than ${classes} bins of the histogram (${h.min} to ${h.max}): no ${classes} classes to split; give --thresholds`,
    );
  // centre each cut in its run of empty bins (the classes, and so the variance, are the same along it)
  const edges = cut.map((j) => {
    let a = j,
      b = j;
    while (a > 1 && h.counts[a - 1] === 0) a--;
    while (b < L - 1 && h.counts[b] === 0) b++;
    return Math.round((a + b) / 2);
  });
  const mean = ST / N;
  const varT = s2 / N - mean * mean;
  const varB = best / N - mean * mean;
  return { thresholds: edges.map((k) => binEdge(h, k)), edges, separability: varT > 0 ? Math.min(1, Math.max(0, varB / varT)) : 0 };
}
