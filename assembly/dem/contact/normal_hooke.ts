// Normal sub-model `hooke`: the linear spring-dashpot of LIGGGHTS 3.8.0 `model hooke` (normal_model_hooke.h,
// default settings: tangential_damping on, ktToKnUser off, limitForce off, viscous off). LIGGGHTS computes
//   k_n = 16/15 sqrt(R*) Y* (15 m* V^2 / (16 sqrt(R*) Y*))^(1/5)     V: characteristicVelocity
//   k_t = k_n,  gamma_n = sqrt(4 m* k_n / (1 + (pi / ln e)^2)) = -2 beta sqrt(k_n m*),  gamma_t = gamma_n
// (k_n is chosen so that a head-on impact at V reaches the Hertz maximum overlap). Algebraically
// k_n = (16/15)^(4/5) Y*^(4/5) V^(2/5) (R*^2 m*)^(1/5): the pair table holds KN = (16/15 Y*)^(4/5) V^(2/5)
// (host/dem/materials.ts, entry `hooke`) and the contact scale here is a = (R*^2 m*)^(1/5), so that
// k_n = KN a, k_t = KT a with KT = KN, and the restitution damping (f = 1, S = k_n) gives LIGGGHTS's dashpots.
// The scale does not depend on the overlap: the spring is linear. Scalar and f64x2 forms side by side.

/** Contact scale a = (R*^2 m*)^(1/5) [m^(2/5) kg^(1/5)]. */
@inline export function hookeScale(reff: f64, meff: f64, deltan: f64): f64 {
  return Math.pow(reff * reff * meff, 0.2);
}
/** Contact scale a = (R*^2 m*)^(1/5) of two contacts (no f64x2 pow: lane by lane). */
@inline export function hookeScale2(reff: v128, meff: v128, deltan: v128): v128 {
  const x = f64x2.mul(f64x2.mul(reff, reff), meff);
  return f64x2.replace_lane(f64x2.splat(Math.pow(f64x2.extract_lane(x, 0), 0.2)), 1, Math.pow(f64x2.extract_lane(x, 1), 0.2));
}
