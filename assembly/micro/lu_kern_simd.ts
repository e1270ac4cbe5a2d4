// Inner kernels of the supernodal LU (lu.ts), f64x2: the forms the wasm core runs. lu_kern.ts is their scalar
// reference (the twin translates it): a dot product's lanes hold its even and odd terms, summed apart and
// added at the end (an odd last term joins the even lane first); an update's lanes hold two neighbouring
// elements. The same operations in the same order as the scalar forms.
import { ldF, stF, ldS } from "../common/mem";

export let kd0: f64 = 0.0;
export let kd1: f64 = 0.0;
export let kd2: f64 = 0.0;
export let kd3: f64 = 0.0;

@inline function ld2(p: usize, t: i32): v128 { return v128.load(p + (<usize>t << 3)); }

/** sum a[t] b[t], t < n (lanes: even, odd terms). */
export function dot(a: usize, b: usize, n: i32): f64 {
  let acc = f64x2.splat(0.0);
  let t = 0;
  for (; t + 1 < n; t += 2) acc = f64x2.add(acc, f64x2.mul(ld2(a, t), ld2(b, t)));
  let s0 = f64x2.extract_lane(acc, 0);
  const s1 = f64x2.extract_lane(acc, 1);
  if (t < n) s0 += ldF(a, t) * ldF(b, t);
  return s0 + s1;
}

/** kd0 = dot(a0, b), kd1 = dot(a1, b). */
export function dot2(a0: usize, a1: usize, b: usize, n: i32): void {
  let x0 = f64x2.splat(0.0), x1 = f64x2.splat(0.0);
  let t = 0;
  for (; t + 1 < n; t += 2) {
    const bv = ld2(b, t);
    x0 = f64x2.add(x0, f64x2.mul(ld2(a0, t), bv));
    x1 = f64x2.add(x1, f64x2.mul(ld2(a1, t), bv));
  }
  let s0 = f64x2.extract_lane(x0, 0), s1 = f64x2.extract_lane(x1, 0);
  if (t < n) {
    const bt = ldF(b, t);
    s0 += ldF(a0, t) * bt;
    s1 += ldF(a1, t) * bt;
  }
  kd0 = s0 + f64x2.extract_lane(x0, 1);
  kd1 = s1 + f64x2.extract_lane(x1, 1);
}

/** kd0 = dot(a0, b), kd1 = dot(a1, b), kd2 = dot(c0, e), kd3 = dot(c1, e). */
export function dot4(a0: usize, a1: usize, b: usize, c0: usize, c1: usize, e: usize, n: i32): void {
  let x0 = f64x2.splat(0.0), x1 = f64x2.splat(0.0), x2 = f64x2.splat(0.0), x3 = f64x2.splat(0.0);
  let t = 0;
  for (; t + 1 < n; t += 2) {
    const bv = ld2(b, t), ev = ld2(e, t);
    x0 = f64x2.add(x0, f64x2.mul(ld2(a0, t), bv));
    x1 = f64x2.add(x1, f64x2.mul(ld2(a1, t), bv));
    x2 = f64x2.add(x2, f64x2.mul(ld2(c0, t), ev));
    x3 = f64x2.add(x3, f64x2.mul(ld2(c1, t), ev));
  }
  let s0 = f64x2.extract_lane(x0, 0), s1 = f64x2.extract_lane(x1, 0);
  let s2 = f64x2.extract_lane(x2, 0), s3 = f64x2.extract_lane(x3, 0);
  if (t < n) {
    const bt = ldF(b, t), et = ldF(e, t);
    s0 += ldF(a0, t) * bt;
    s1 += ldF(a1, t) * bt;
    s2 += ldF(c0, t) * et;
    s3 += ldF(c1, t) * et;
  }
  kd0 = s0 + f64x2.extract_lane(x0, 1);
  kd1 = s1 + f64x2.extract_lane(x1, 1);
  kd2 = s2 + f64x2.extract_lane(x2, 1);
  kd3 = s3 + f64x2.extract_lane(x3, 1);
}

/** y[t] -= a x[t], t < n (lanes: two neighbouring t). */
export function axpy(y: usize, a: f64, x: usize, n: i32): void {
  const av = f64x2.splat(a);
  let t = 0;
  for (; t + 1 < n; t += 2) v128.store(y + (<usize>t << 3), f64x2.sub(ld2(y, t), f64x2.mul(av, ld2(x, t))));
  if (t < n) stF(y, t, ldF(y, t) - a * ldF(x, t));
}

@inline function ld2s(p: usize, t: i32): v128 { return f64x2.promote_low_f32x4(v128.load64_zero(p + (<usize>t << 2))); }

/** sum a[t] b[t], t < n, a in f32 (promoted exactly): as dot. */
export function dotS(a: usize, b: usize, n: i32): f64 {
  let acc = f64x2.splat(0.0);
  let t = 0;
  for (; t + 1 < n; t += 2) acc = f64x2.add(acc, f64x2.mul(ld2s(a, t), ld2(b, t)));
  let s0 = f64x2.extract_lane(acc, 0);
  const s1 = f64x2.extract_lane(acc, 1);
  if (t < n) s0 += ldS(a, t) * ldF(b, t);
  return s0 + s1;
}

/** y[t] -= a x[t], t < n, x in f32. */
export function axpyS(y: usize, a: f64, x: usize, n: i32): void {
  const av = f64x2.splat(a);
  let t = 0;
  for (; t + 1 < n; t += 2) v128.store(y + (<usize>t << 3), f64x2.sub(ld2(y, t), f64x2.mul(av, ld2s(x, t))));
  if (t < n) stF(y, t, ldF(y, t) - a * ldS(x, t));
}
