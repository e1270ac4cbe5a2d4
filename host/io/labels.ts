/**
 * Phase-code images from stored sample values: a label image holds integer codes 0-255 (uint8 in
 * memory); anything else (grey values of a 16-bit or float scan, negatives, fractions) is refused,
 * since turning grey values into phases is a segmentation, not a file conversion.
 */
import { ConfigError } from "../config/errors.js";

/**
 * Copies `n` samples of `values` (every `stride`-th, from `from`) into `into` at `at` as uint8 codes;
 * the first sample that is not an integer 0-255 is refused as `<source>: <what>: segment it first`.
 */
export function toLabels(
  values: ArrayLike<number>,
  source: string,
  what: string,
  o: { n?: number; stride?: number; from?: number; into?: Uint8Array; at?: number; where?: (i: number) => string } = {},
): Uint8Array {
  const stride = o.stride ?? 1,
    from = o.from ?? 0;
  const n = o.n ?? Math.floor((values.length - from + stride - 1) / stride);
  const out = o.into ?? new Uint8Array(n),
    at = o.at ?? 0;
  // bytes are codes as they stand
  if (values instanceof Uint8Array && stride === 1) {
    out.set(values.subarray(from, from + n), at);
    return out;
  }
  for (let i = 0; i < n; i++) {
    const v = values[from + i * stride];
    // v === (v & 255) is false for fractions, negatives, NaN and codes over 255
    if (v !== (v & 255))
      throw new ConfigError(
        `${source}: ${what}: segment it first (a label image holds integer phase codes 0-255; ${o.where ? o.where(i) : `sample ${i}`} is ${v})`,
      );
    out[at + i] = v;
  }
  return out;
}
