// One contact's forces from its sub-models, in LIGGGHTS's order (normal model -> damping -> tangential
// model; as LAMMPS GranularModel::calculate_forces composes its sub-models), and the switch per slot on the
// model ids of the pair table (P_T_MODEL; ids in layout.ts, one per entry of CONTACT_MODELS in
// host/dem/materials.ts). Called by the scalar pair loop (contact_pairs.ts), its f64x2 form
// (contact_pairs_simd.ts) and the wall loop (contact_walls.ts); the formulas live in the sub-model files:
//   a   = normalScale(...)             normal model: the contact scale (hertz: sqrt(R* dn))
//   k_n = KN a, k_t = KT a             pair tables (host/dem/materials.ts)
//   q   = dampingRoot(a, m*);  gamma_n = DN q, gamma_t = DT q
//   F_n = -gamma_n v_n + k_n dn        dashpot + spring, not clipped: the end of a damped collision is
//                                      slightly attractive, as in LIGGGHTS (limitForce off)
//   F_t from tangentialUpdate / tangentialForce (history in place, Coulomb limit mu |F_n|)
import { restitutionRoot, restitutionRoot2 } from "./damping_restitution";
import { historyUpdate, historyUpdate2, historyForce, historyForce2 } from "./tangential_history";

// ---- normal slot: the contact scale of the pair's model is normalScale / normalScale2 (dispatch.ts, generated
// from the normal_<name>.ts files by scripts/gen-twin.mjs); the force: ----

/** Normal force F_n = -gamma_n v_n + k_n dn [N] (+ repulsive): LIGGGHTS Fn_damping + Fn_contact. */
@inline export function normalForce(gamman: f64, vn: f64, kn: f64, deltan: f64): f64 {
  return -gamman * vn + kn * deltan;
}
/** Normal force of two contacts. */
@inline export function normalForce2(gamman: v128, vn: v128, kn: v128, deltan: v128): v128 {
  return f64x2.add(f64x2.mul(f64x2.neg(gamman), vn), f64x2.mul(kn, deltan));
}

// ---- damping slot (one model registered: DAMPING_RESTITUTION) ----

/** q with gamma_n = DN q, gamma_t = DT q. */
@inline export function dampingRoot(model: i32, a: f64, meff: f64): f64 {
  return restitutionRoot(a, meff);
}
/** q of two contacts. */
@inline export function dampingRoot2(ma: i32, mb: i32, a: v128, meff: v128): v128 {
  return restitutionRoot2(a, meff);
}

// ---- tangential slot (one model registered: TANGENTIAL_HISTORY) ----

/** Advances and limits the stored tangential state of contact k; returns the tangential dashpot in effect. */
@inline export function tangentialUpdate(
  model: i32, hx: usize, hy: usize, hz: usize, k: i32, vtr1: f64, vtr2: f64, vtr3: f64, enx: f64, eny: f64, enz: f64,
  dt: f64, advance: i32, kt: f64, gammat: f64, mu: f64, Fn: f64,
): f64 {
  return historyUpdate(hx, hy, hz, k, vtr1, vtr2, vtr3, enx, eny, enz, dt, advance, kt, gammat, mu, Fn);
}
/** tangentialUpdate of two contacts ka, kb. */
@inline export function tangentialUpdate2(
  ma: i32, mb: i32, hx: usize, hy: usize, hz: usize, ka: i32, kb: i32, vtr1: v128, vtr2: v128, vtr3: v128,
  enx: v128, eny: v128, enz: v128, dt: v128, advance: i32, kt: v128, gammat: v128, mu: v128, Fn: v128,
): v128 {
  return historyUpdate2(hx, hy, hz, ka, kb, vtr1, vtr2, vtr3, enx, eny, enz, dt, advance, kt, gammat, mu, Fn);
}
/** One component of the tangential force from the stored state h and the dashpot g tangentialUpdate returned. */
@inline export function tangentialForce(model: i32, kt: f64, h: f64, g: f64, vtr: f64): f64 {
  return historyForce(kt, h, g, vtr);
}
/** One component of the tangential force of two contacts. */
@inline export function tangentialForce2(ma: i32, mb: i32, kt: v128, h: v128, g: v128, vtr: v128): v128 {
  return historyForce2(kt, h, g, vtr);
}
