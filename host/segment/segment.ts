/**
 * Grey values to phase codes: a voxel of grey value v gets code c = the number of thresholds t with
 * v >= t, so phase c holds t[c - 1] <= v < t[c] (numpy.digitize; phases named darkest first). The
 * thresholds are given (grey units of the file) or found by multi-level Otsu on the histogram
 * (otsu.ts). The result says the thresholds, each phase's volume fraction, voxel count and mean grey
 * value, and the separability eta = between-class / total variance of the voxels (1: phases of one grey
 * value each; Otsu 1979), so a poor split shows.
 */
import { ConfigError, inputError } from "../config/errors.js";
import type { GreyArray, GreyDtype } from "../io/grey.js";
import { greyHistogram, multiOtsu, type GreyHistogram } from "./otsu.js";

/** Phase names by number of phases when none are given: CT grey rises with density (paper 004: pore < SE < NCM). */
export const DEFAULT_PHASE_NAMES: Record<number, string[]> = { 2: ["pore", "solid"], 3: ["pore", "SE", "AM"] };

export interface SegmentOptions {
  /** phase names, darkest first (default: pore, SE, AM for three phases; pore, solid for two) */
  phases?: string[];
  /** grey thresholds, ascending, one fewer than the phases; without them, multi-level Otsu */
  thresholds?: number[];
  /** Otsu classes when neither phases nor thresholds say (default 3) */
  classes?: number;
  /** histogram bins (default 256 for 8-bit data, 4096 otherwise) */
  bins?: number;
  /** the volume's shape and name, for messages */
  shape?: number[];
  source?: string;
}

export interface Segmentation {
  /** phase codes 0..K-1, one per voxel */
  labels: Uint8Array;
  /** code -> phase name */
  phases: Record<string, string>;
  method: "otsu" | "thresholds";
  /** grey thresholds, ascending: phase c holds thresholds[c - 1] <= v < thresholds[c] */
  thresholds: number[];
  /** phase name -> volume fraction */
  fractions: Record<string, number>;
  /** voxels and mean grey value per phase (code order; null: an empty phase) */
  counts: number[];
  means: (number | null)[];
  /** between-class over total variance of the grey values, in [0, 1] */
  separability: number;
  histogram: GreyHistogram;
  /** e.g. a phase that holds no voxel */
  warnings: string[];
}

/** The phase names to use: given ones checked (unique, non-empty), else the defaults for `k` phases. */
export function phaseNames(given: string[] | undefined, k: number, where = "--phases"): string[] {
  if (!given) {
    const d = DEFAULT_PHASE_NAMES[k];
    if (!d) throw inputError(where, given, `${k} phase names for ${k - 1} thresholds, darkest first`);
    return d;
  }
  const seen = new Set<string>();
  for (const nm of given) {
    if (!/^[A-Za-z][\w-]*$/.test(nm))
      throw inputError(where, given.join(","), `phase names of letters, digits, _ or - (${JSON.stringify(nm)} is not one)`);
    if (seen.has(nm.toLowerCase())) throw inputError(where, given.join(","), `each phase once (${nm} is given twice)`);
    seen.add(nm.toLowerCase());
  }
  if (given.length < 2 || given.length > 16) throw inputError(where, given.join(","), "2 to 16 phase names, darkest first");
  return given;
}

/** Segments grey values into phases (see the module comment). */
export function segmentGrey(data: GreyArray, dtype: GreyDtype, o: SegmentOptions = {}): Segmentation {
  const source = o.source ?? "grey volume";
  const k = o.phases?.length ?? (o.thresholds ? o.thresholds.length + 1 : (o.classes ?? 3));
  const names = phaseNames(o.phases, k);
  const hist = greyHistogram(data, dtype, { bins: o.bins, shape: o.shape, source });
  let thresholds: number[];
  let method: Segmentation["method"];
  if (o.thresholds) {
    thresholds = o.thresholds;
    if (thresholds.length !== names.length - 1)
      throw inputError(
        "--thresholds",
        thresholds.join(","),
        `${names.length - 1} grey values for the ${names.length} phases ${names.join(", ")} (one fewer than the phases)`,
      );
    thresholds.forEach((t, i) => {
      if (!Number.isFinite(t)) throw inputError("--thresholds", thresholds.join(","), "finite grey values");
      if (i > 0 && !(t > thresholds[i - 1])) throw inputError("--thresholds", thresholds.join(","), "grey values in increasing order");
    });
    method = "thresholds";
  } else {
    if (names.length !== 2 && names.length !== 3)
      throw new ConfigError(`Otsu splits into 2 or 3 phases, not ${names.length} (${names.join(", ")}): give --thresholds for more`);
    thresholds = multiOtsu(hist, names.length).thresholds;
    method = "otsu";
  }
  const { labels, counts, sums, sumsq } = label(data, thresholds, hist.min);
  const n = data.length;
  const warnings: string[] = [];
  const fractions: Record<string, number> = {};
  names.forEach((nm, c) => {
    fractions[nm] = counts[c] / n;
    if (counts[c] === 0)
      warnings.push(
        `phase ${nm} holds no voxel (grey ${c > 0 ? `>= ${thresholds[c - 1]}` : ""}${c > 0 && c < thresholds.length ? " and " : ""}${c < thresholds.length ? `< ${thresholds[c]}` : ""}; the volume spans ${hist.min} to ${hist.max})`,
      );
  });
  // variances about the minimum (smaller numbers, less cancellation)
  const s = sums.reduce((a, b) => a + b, 0),
    mean = s / n;
  const varT = sumsq.reduce((a, b) => a + b, 0) / n - mean * mean;
  let varB = 0;
  counts.forEach((c, i) => {
    if (c > 0) varB += (c / n) * (sums[i] / c - mean) ** 2;
  });
  return {
    labels,
    phases: Object.fromEntries(names.map((nm, c) => [String(c), nm])),
    method,
    thresholds,
    fractions,
    counts,
    means: counts.map((c, i) => (c > 0 ? hist.min + sums[i] / c : null)),
    separability: varT > 0 ? Math.min(1, Math.max(0, varB / varT)) : 0,
    histogram: hist,
    warnings,
  };
}

/** Codes, and per code the count, sum and sum of squares of (v - shift). */
function label(data: GreyArray, t: number[], shift: number) {
  const K = t.length + 1;
  const labels = new Uint8Array(data.length);
  const counts = new Array<number>(K).fill(0),
    sums = new Array<number>(K).fill(0),
    sumsq = new Array<number>(K).fill(0);
  const t0 = t[0],
    t1 = t.length > 1 ? t[1] : Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    let c: number;
    if (K <= 3) c = v >= t0 ? (v >= t1 ? 2 : 1) : 0;
    else {
      c = 0;
      while (c < t.length && v >= t[c]) c++;
    }
    labels[i] = c;
    const d = v - shift;
    counts[c]++;
    sums[c] += d;
    sumsq[c] += d * d;
  }
  return { labels, counts, sums, sumsq };
}
