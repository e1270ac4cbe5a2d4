/**
 * Seeded binary images from thresholded Gaussian random fields (paper 002 §III, the conductor /
 * insulator images of the conductivity CNN): white Gaussian noise smoothed with a Gaussian kernel of
 * standard deviation `corrPx` pixels (covariance exp(-r^2 / (4 corrPx^2))), then the `fraction`
 * highest pixels conduct (exactly round(fraction * H * W) of them, ties broken by pixel index).
 *
 * The fixture images (fixtures/transport/img64_batch100, corr_px 2, periodic) have autocorrelation
 * 0.77, 0.56, 0.38, 0.24 at lags 1-4 px along a row; these at corrPx = 2: 0.76, 0.54, 0.35, 0.21
 * (300 images, fractions 0.6-0.9), at 2.2: 0.78, 0.58, 0.40, 0.26. The default keeps the fixture's 2.
 *
 * Deterministic: image i of a batch depends on (seed, i) only, through the project PRNG
 * (host/core/rng.ts) and the portable log/sin/cos (host/core/portable_math.ts); every sum runs in a
 * fixed order, so Node and browsers give the same bits and a batch's first k images are the first k
 * images of any larger batch with the same seed.
 */
import { Rng } from "../core/rng.js";
import { exp, log, sin, cos } from "../core/portable_math.js";
import { ConfigError, inputError } from "../config/errors.js";

export interface GrfOptions {
  /** image edge [px] (square images) */
  size: number;
  /** standard deviation of the smoothing kernel [px] (the fixture images: 2) */
  corrPx: number;
  /** conductive fraction of each image, drawn uniformly in [min, max] (paper 002: 0.6-1.0) */
  fractionMin: number;
  fractionMax: number;
  seed: number;
}

export const GRF_DEFAULTS: GrfOptions = { size: 64, corrPx: 2, fractionMin: 0.6, fractionMax: 1, seed: 1 };

export function checkGrfOptions(o: GrfOptions): void {
  if (!(Number.isInteger(o.size) && o.size >= 2 && o.size <= 8192)) throw inputError("grf: size", o.size, "an integer 2-8192", "px");
  if (!(o.corrPx > 0 && o.corrPx <= 1000)) throw inputError("grf: corrPx", o.corrPx, "a correlation length > 0", "px");
  if (!(o.fractionMin >= 0 && o.fractionMax <= 1 && o.fractionMin <= o.fractionMax))
    throw new ConfigError(`grf: fraction range ${o.fractionMin}-${o.fractionMax}: expected 0 <= min <= max <= 1`);
  if (!(Number.isInteger(o.seed) && o.seed >= 0 && o.seed <= 0xffffffff)) throw inputError("grf: seed", o.seed, "an integer 0-4294967295");
}

/** The PRNG of image `index` of a batch with `seed` (independent streams per image). */
function imageRng(seed: number, index: number): Rng {
  return new Rng((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
}

/** Normalised 1D Gaussian kernel of standard deviation s, radius ceil(4 s). */
function kernel(s: number): Float64Array {
  const r = Math.ceil(4 * s);
  const k = new Float64Array(2 * r + 1);
  let sum = 0;
  for (let i = -r; i <= r; i++) sum += k[i + r] = exp(-(i * i) / (2 * s * s));
  for (let i = 0; i < k.length; i++) k[i] /= sum;
  return k;
}

/**
 * The smoothed field (size x size, row-major) of one image: periodic (circular) convolution of white
 * noise, so the images tile like the fixture's (its first and last rows agree as often as neighbours).
 */
export function grfField(size: number, corrPx: number, rng: Rng): Float64Array {
  const k = kernel(corrPx),
    r = (k.length - 1) / 2,
    n = size * size;
  const noise = new Float64Array(n);
  // Box-Muller pairs
  for (let i = 0; i < n; i += 2) {
    const u = 1 - rng.next(),
      v = rng.next();
    const rad = Math.sqrt(-2 * log(u)),
      a = 2 * Math.PI * v;
    noise[i] = rad * cos(a);
    if (i + 1 < n) noise[i + 1] = rad * sin(a);
  }
  const wrap = new Int32Array(k.length * size);
  for (let x = 0; x < size; x++) for (let j = 0; j < k.length; j++) wrap[x * k.length + j] = ((((x + j - r) % size) + size) % size) | 0;
  // rows, then columns
  const tmp = new Float64Array(n);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      let s = 0;
      for (let j = 0; j < k.length; j++) s += k[j] * noise[y * size + wrap[x * k.length + j]];
      tmp[y * size + x] = s;
    }
  const out = new Float64Array(n);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      let s = 0;
      for (let j = 0; j < k.length; j++) s += k[j] * tmp[wrap[y * k.length + j] * size + x];
      out[y * size + x] = s;
    }
  return out;
}

/** Marks (1) exactly `count` pixels with the highest field values; ties go to the lower index. */
export function thresholdTop(field: Float64Array, count: number, out: Uint8Array): void {
  out.fill(0);
  if (count <= 0) return;
  const idx = new Uint32Array(field.length);
  for (let i = 0; i < idx.length; i++) idx[i] = i;
  idx.sort((a, b) => field[b] - field[a] || a - b);
  for (let i = 0; i < Math.min(count, idx.length); i++) out[idx[i]] = 1;
}

/** One image: its pixels (1 conducts, 0 insulates) and the target fraction drawn for it. */
export function grfImage(o: GrfOptions, index: number, out = new Uint8Array(o.size * o.size)): { pixels: Uint8Array; fraction: number } {
  const rng = imageRng(o.seed, index);
  const target = o.fractionMin + (o.fractionMax - o.fractionMin) * rng.next();
  const np = o.size * o.size;
  const count = Math.round(target * np);
  if (count >= np) out.fill(1);
  else thresholdTop(grfField(o.size, o.corrPx, rng), count, out);
  return { pixels: out, fraction: count / np };
}

/** Images [first, first + count) of the batch `o` describes, as one uint8 tensor [count, size, size]. */
export function grfBatch(
  o: GrfOptions,
  count: number,
  first = 0,
  onProgress?: (done: number, total: number) => void,
): { data: Uint8Array; fractions: Float64Array } {
  checkGrfOptions(o);
  if (!(Number.isInteger(count) && count >= 0)) throw inputError("grf: count", count, "a non-negative integer", "images");
  const np = o.size * o.size;
  const data = new Uint8Array(count * np),
    fractions = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    fractions[i] = grfImage(o, first + i, data.subarray(i * np, (i + 1) * np)).fraction;
    onProgress?.(i + 1, count);
  }
  return { data, fractions };
}

/** The JSON sidecar fields of a generated batch (fixtures/transport format: transport along the rows). */
export function grfSidecarMeta(o: GrfOptions): Record<string, unknown> {
  return {
    kind: "grf2d",
    corr_px: o.corrPx,
    fraction_range: [o.fractionMin, o.fractionMax],
    seed: o.seed,
    transport_axis: 1,
    note: "assb grf-images: thresholded Gaussian random fields; 1 = conductor, 0 = insulator; transport along axis 1 (rows of each image)",
  };
}
