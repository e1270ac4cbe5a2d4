/**
 * sin, cos, exp, log and pow that every JavaScript engine rounds the same way: built only from IEEE-754
 * +, -, *, / (correctly rounded everywhere) and exact bit manipulation, so a host computation that feeds
 * the kernels (a mesh, a step size) gives the same bits in Node and in Chromium.
 *
 * Why not Math: V8 changes its libm between versions. Measured: Node 20 and Chromium 153 disagree in the
 * last bit on 4 of 144 values of Math.pow(4, -z), Math.sin and Math.cos at the micro mesh's angles, which
 * made a micro run differ from step 4 on. Why not @stdlib/math-base-special-*: its fdlibm ports are exactly
 * this kind of code, but sin, cos and pow pull 166 packages (18 MB) into node_modules.
 *
 * Accuracy: within a few ulp of the correctly rounded result over the ranges tested (test/core/portable_math),
 * plenty for geometry and step control; not a libm for |x| beyond ~1e6 in sin/cos.
 */

const buf = new DataView(new ArrayBuffer(8));

/** 2^k for an integer k in [-1022, 1023], exactly. */
function pow2(k: number): number {
  buf.setUint32(0, (k + 1023) << 20);
  buf.setUint32(4, 0);
  return buf.getFloat64(0);
}

/** x * 2^k for any integer k (two exact scalings keep the intermediate normal). */
function ldexp(x: number, k: number): number {
  if (k > 1023) return x * pow2(1023) * pow2(Math.min(k - 1023, 1023));
  if (k < -1022) return x * pow2(-1022) * pow2(Math.max(k + 1022, -1022));
  return x * pow2(k);
}

// ln 2 split so that k * LN2_HI is exact for |k| < 2^11 (fdlibm's constants)
const LN2_HI = 0.6931471803691238;
const LN2_LO = 1.9082149292705877e-10;
const INV_LN2 = Math.LOG2E;

/** e^x. */
export function exp(x: number): number {
  if (Number.isNaN(x)) return x;
  if (x > 709.8) return Infinity;
  if (x < -745.2) return 0;
  const k = Math.round(x * INV_LN2); // Math.round, like +-*/, is exact
  const r = x - k * LN2_HI - k * LN2_LO; // |r| <= ln2 / 2
  // Taylor series to r^14 / 14!: the remainder is below 4e-18 for |r| <= 0.347
  let s = 1;
  for (let n = 14; n >= 1; n--) s = 1 + (r * s) / n;
  return ldexp(s, k);
}

/** Natural logarithm. */
export function log(x: number): number {
  if (Number.isNaN(x) || x < 0) return Number.NaN;
  if (x === 0) return -Infinity;
  if (x === Infinity) return x;
  let e = 0;
  if (x < 2.2250738585072014e-308) {
    x *= pow2(54);
    e = -54;
  }
  buf.setFloat64(0, x);
  const hi = buf.getUint32(0);
  e += (hi >>> 20) - 1023;
  buf.setUint32(0, (hi & 0x000fffff) | 0x3ff00000); // the mantissa m in [1, 2)
  let m = buf.getFloat64(0);
  if (m > Math.SQRT2) {
    m /= 2; // exact
    e += 1;
  }
  // log m = 2 atanh(f), f = (m - 1)/(m + 1), |f| <= 0.1716: the series to f^41 leaves < 1e-18
  const f = (m - 1) / (m + 1);
  const f2 = f * f;
  let s = 0;
  for (let n = 41; n >= 3; n -= 2) s = (s + 1 / n) * f2;
  return e * LN2_HI + (e * LN2_LO + 2 * f * (1 + s));
}

/** x^y: integer powers up to |y| = 64 by repeated squaring (exact while the product is representable), else
 *  exp(y log x) for x > 0. */
export function pow(x: number, y: number): number {
  if (Number.isInteger(y) && Math.abs(y) <= 64) {
    let p = 1,
      b = x,
      n = Math.abs(y);
    while (n > 0) {
      if (n & 1) p *= b;
      b *= b;
      n >>= 1;
    }
    return y < 0 ? 1 / p : p;
  }
  if (x > 0) return exp(y * log(x));
  if (x === 0) return y > 0 ? 0 : Infinity;
  if (Number.isInteger(y)) {
    const p = exp(y * log(-x));
    return y % 2 === 0 ? p : -p;
  }
  return Number.NaN;
}

// pi/2 = PIO2_1 + PIO2_2 + PIO2_3 (fdlibm's pio2_1, pio2_2, pio2_2t): the first two have 33 significant bits,
// so k * PIO2_1 and k * PIO2_2 are exact for |k| < 2^20 (Cody and Waite)
const PIO2_1 = 1.5707963267341256;
const PIO2_2 = 6.077100506303966e-11;
const PIO2_3 = 2.0222662487959506e-21;
const TWO_OVER_PI = 0.6366197723675814;

/** sin and cos of r, |r| <= pi/4 (Taylor series to r^19 and r^18: remainders below 1e-18). */
function kernelSin(r: number): number {
  const r2 = r * r;
  let s = 1;
  for (let n = 19; n >= 3; n -= 2) s = 1 - (r2 * s) / (n * (n - 1));
  return r * s;
}
function kernelCos(r: number): number {
  const r2 = r * r;
  let s = 1;
  for (let n = 18; n >= 2; n -= 2) s = 1 - (r2 * s) / (n * (n - 1));
  return s;
}

/** r = x - k pi/2, |r| <= pi/4, and the quadrant k mod 4. */
function reduce(x: number): [number, number] {
  const k = Math.round(x * TWO_OVER_PI);
  const r = x - k * PIO2_1 - k * PIO2_2 - k * PIO2_3;
  return [r, ((k % 4) + 4) % 4];
}

export function sin(x: number): number {
  if (!Number.isFinite(x)) return Number.NaN;
  const [r, q] = reduce(x);
  return q === 0 ? kernelSin(r) : q === 1 ? kernelCos(r) : q === 2 ? -kernelSin(r) : -kernelCos(r);
}

export function cos(x: number): number {
  if (!Number.isFinite(x)) return Number.NaN;
  const [r, q] = reduce(x);
  return q === 0 ? kernelCos(r) : q === 1 ? -kernelSin(r) : q === 2 ? -kernelCos(r) : kernelSin(r);
}
