// Inner kernels of the supernodal LU (lu.ts): dot products of panel rows and row updates. Scalar reference of
// lu_kern_simd.ts, which the wasm core runs: there the f64x2 lanes hold the even and odd terms of a dot product
// (summed apart, then added) and two neighbouring elements of an update; here the same operations in the same
// order, so wasm and the twin (host/micro/twin.ts, generated from this file) agree bit for bit.
import { ldF, stF, ldS } from "../common/mem";

// results of dot2 / dot4
export let kd0: f64 = 0.0;
export let kd1: f64 = 0.0;
export let kd2: f64 = 0.0;
export let kd3: f64 = 0.0;

/** sum a[t] b[t], t < n: even and odd terms summed apart, then added. */
export function dot(a: usize, b: usize, n: i32): f64 {
  let s0 = 0.0, s1 = 0.0, t = 0;
  for (; t + 1 < n; t += 2) {
    s0 += ldF(a, t) * ldF(b, t);
    s1 += ldF(a, t + 1) * ldF(b, t + 1);
  }
  if (t < n) s0 += ldF(a, t) * ldF(b, t);
  return s0 + s1;
}

/** kd0 = dot(a0, b), kd1 = dot(a1, b). */
export function dot2(a0: usize, a1: usize, b: usize, n: i32): void {
  kd0 = dot(a0, b, n);
  kd1 = dot(a1, b, n);
}

/** kd0 = dot(a0, b), kd1 = dot(a1, b), kd2 = dot(c0, e), kd3 = dot(c1, e). */
export function dot4(a0: usize, a1: usize, b: usize, c0: usize, c1: usize, e: usize, n: i32): void {
  kd0 = dot(a0, b, n);
  kd1 = dot(a1, b, n);
  kd2 = dot(c0, e, n);
  kd3 = dot(c1, e, n);
}

/** y[t] -= a x[t], t < n. */
export function axpy(y: usize, a: f64, x: usize, n: i32): void {
  for (let t = 0; t < n; t++) stF(y, t, ldF(y, t) - a * ldF(x, t));
}

/** sum a[t] b[t], t < n, a in f32: as dot. */
export function dotS(a: usize, b: usize, n: i32): f64 {
  let s0 = 0.0, s1 = 0.0, t = 0;
  for (; t + 1 < n; t += 2) {
    s0 += ldS(a, t) * ldF(b, t);
    s1 += ldS(a, t + 1) * ldF(b, t + 1);
  }
  if (t < n) s0 += ldS(a, t) * ldF(b, t);
  return s0 + s1;
}

/** y[t] -= a x[t], t < n, x in f32. */
export function axpyS(y: usize, a: f64, x: usize, n: i32): void {
  for (let t = 0; t < n; t++) stF(y, t, ldF(y, t) - a * ldS(x, t));
}
