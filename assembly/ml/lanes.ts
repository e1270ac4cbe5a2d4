// Lane helpers shared by the ML kernels (f32 addressing, folding f32x4 partial sums into f64 totals).

/** Address of f32 element i of the array at p. */
@inline export function at(p: usize, i: i32): usize { return p + (<usize>i << 2); }

/** Adds the four lanes of v to the f64 totals at t. */
@inline export function fold4(t: usize, v: v128): void {
  store<f64>(t, load<f64>(t) + <f64>f32x4.extract_lane(v, 0));
  store<f64>(t + 8, load<f64>(t + 8) + <f64>f32x4.extract_lane(v, 1));
  store<f64>(t + 16, load<f64>(t + 16) + <f64>f32x4.extract_lane(v, 2));
  store<f64>(t + 24, load<f64>(t + 24) + <f64>f32x4.extract_lane(v, 3));
}
