// Normal sub-model `hertz`, as LIGGGHTS 3.8.0 normal_model_hertz.h (paper 000 eq 6, 10, 11;
// fixtures/dem/LIGGGHTS-REFERENCE.md). Per contact it gives the contact scale a = sqrt(R* dn) [m], the
// Hertz contact radius; the pair tables (host/dem/materials.ts, entry `hertz`) turn it into
//   k_n = (4/3 Y*) a        elastic force k_n dn = 4/3 Y* sqrt(R*) dn^1.5 (secant stiffness)
//   k_t = (8 G*) a          tangential spring (LIGGGHTS kt = S_t)
//   S_n = (2 Y*) a, S_t = (8 G*) a   tangent stiffnesses for the restitution dashpots (damping_restitution.ts)
// Scalar and f64x2 forms side by side (the normal slot's signature: reff, meff, deltan; meff unused here);
// the TS twin is generated from the scalar one.

/** Contact scale a = sqrt(R* dn) [m]. */
@inline export function hertzScale(reff: f64, meff: f64, deltan: f64): f64 {
  return sqrt<f64>(reff * deltan);
}
/** Contact scale a = sqrt(R* dn) [m] of two contacts. */
@inline export function hertzScale2(reff: v128, meff: v128, deltan: v128): v128 {
  return f64x2.sqrt(f64x2.mul(reff, deltan));
}
