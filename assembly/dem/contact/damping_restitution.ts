// Damping sub-model `restitution`: the dashpots LIGGGHTS 3.8.0 derives from the coefficient of
// restitution e inside its normal models (normal_model_hertz.h, normal_model_hooke.h):
//   gamma = -2 beta sqrt(f S m*),  beta = ln e / sqrt(ln^2 e + pi^2)  (<= 0)
// with S the normal model's stiffness (hertz: tangent S_n = 2Y* a, S_t = 8G* a, f = 5/6, Tsuji's
// correction for the nonlinear spring; a linear spring: S = k_n = k_t, f = 1, the exact result). As S is
// a table constant times the contact scale a, the host folds -2 beta sqrt(f S / a) into the tables DN, DT
// (host/dem/materials.ts) and per contact gamma_n = DN q, gamma_t = DT q with q = sqrt(a m*): one square
// root serves both dashpots (law.ts composes them into the forces).

/** q = sqrt(a m*): gamma_n = DN q, gamma_t = DT q. */
@inline export function restitutionRoot(a: f64, meff: f64): f64 {
  return sqrt<f64>(a * meff);
}
/** q = sqrt(a m*) of two contacts. */
@inline export function restitutionRoot2(a: v128, meff: v128): v128 {
  return f64x2.sqrt(f64x2.mul(a, meff));
}
