// Two-contact gathers and scatters for the f64x2 forms: lane 0 holds one contact, lane 1 the next.
// SIMD only (not translated into the TS twin).

/** Gathers p[a] into lane 0 and p[b] into lane 1 (f64 arrays). */
@inline export function g2(p: usize, a: i32, b: i32): v128 {
  return v128.load64_lane(p + (<usize>b << 3), v128.load64_zero(p + (<usize>a << 3)), 1);
}
/** Stores lane 0 to p[a] and lane 1 to p[b] (f64 arrays). */
@inline export function s2(p: usize, a: i32, b: i32, v: v128): void {
  v128.store64_lane(p + (<usize>a << 3), v, 0);
  v128.store64_lane(p + (<usize>b << 3), v, 1);
}
