// Tangential sub-model `history`, as LIGGGHTS 3.8.0 tangential_model_history.h (paper 000 eq 11;
// fixtures/dem/LIGGGHTS-REFERENCE.md): a spring k_t on the accumulated tangential displacement xi with
// the Coulomb limit mu |F_n|.
//   xi += v_tr dt, then xi -= (xi . n) n     (projection only; not advanced in the set-up force call)
//   F_t = -k_t xi - gamma_t v_tr             sticking
//   |k_t xi| > mu |F_n|: xi *= mu |F_n| / |k_t xi|, F_t = -k_t xi   sliding (no dashpot)
// The history lives in memory (one slot per listed pair, or per particle for a wall): historyUpdate advances,
// limits and stores it in place and returns the dashpot in effect; historyForce gives F_t from the stored xi.
// The Coulomb limit is decided on squares; the root and division run only when a contact slides. Scalar and f64x2 forms
// side by side; the TS twin is generated from the scalar ones.
import { ldF, stF } from "../../common/mem";
import { g2, s2 } from "./lanes";

/** Advances, projects and Coulomb-limits the history xi of contact k (arrays hx, hy, hz), stores it, and returns
 *  the tangential dashpot in effect: gamma_t when sticking, 0 when sliding. advance = 0 in the set-up call. */
@inline export function historyUpdate(
  hx: usize, hy: usize, hz: usize, k: i32, vtr1: f64, vtr2: f64, vtr3: f64, enx: f64, eny: f64, enz: f64,
  dt: f64, advance: i32, kt: f64, gammat: f64, mu: f64, Fn: f64,
): f64 {
  let h1 = ldF(hx, k), h2 = ldF(hy, k), h3 = ldF(hz, k);
  if (advance) {
    h1 += vtr1 * dt; h2 += vtr2 * dt; h3 += vtr3 * dt;
    const rsht = h1 * enx + h2 * eny + h3 * enz;
    h1 -= rsht * enx; h2 -= rsht * eny; h3 -= rsht * enz;
  }
  const shr2 = h1 * h1 + h2 * h2 + h3 * h3;
  const FtFriction = mu * abs<f64>(Fn);
  // |kt xi| > mu|Fn| decided on squares: the root and the division only for a sliding contact
  const slide = kt * kt * shr2 > FtFriction * FtFriction; // implies shr2 > 0
  // sliding: xi scaled to the limit mu|Fn|/|kt xi|; sticking: rr = 1 exactly
  let rr = 1.0;
  if (slide) rr = FtFriction / (kt * sqrt<f64>(shr2));
  stF(hx, k, h1 * rr); stF(hy, k, h2 * rr); stF(hz, k, h3 * rr);
  return select<f64>(0.0, gammat, slide);
}
/** historyUpdate for two contacts ka (lane 0) and kb (lane 1); kb = ka repeats a contact harmlessly. */
@inline export function historyUpdate2(
  hx: usize, hy: usize, hz: usize, ka: i32, kb: i32, vtr1: v128, vtr2: v128, vtr3: v128, enx: v128, eny: v128, enz: v128,
  dt: v128, advance: i32, kt: v128, gammat: v128, mu: v128, Fn: v128,
): v128 {
  let h1 = g2(hx, ka, kb), h2 = g2(hy, ka, kb), h3 = g2(hz, ka, kb);
  if (advance) {
    h1 = f64x2.add(h1, f64x2.mul(vtr1, dt)); h2 = f64x2.add(h2, f64x2.mul(vtr2, dt)); h3 = f64x2.add(h3, f64x2.mul(vtr3, dt));
    const rsht = f64x2.add(f64x2.add(f64x2.mul(h1, enx), f64x2.mul(h2, eny)), f64x2.mul(h3, enz));
    h1 = f64x2.sub(h1, f64x2.mul(rsht, enx)); h2 = f64x2.sub(h2, f64x2.mul(rsht, eny)); h3 = f64x2.sub(h3, f64x2.mul(rsht, enz));
  }
  const shr2 = f64x2.add(f64x2.add(f64x2.mul(h1, h1), f64x2.mul(h2, h2)), f64x2.mul(h3, h3));
  const FtFriction = f64x2.mul(mu, f64x2.abs(Fn));
  const slide = f64x2.gt(f64x2.mul(f64x2.mul(kt, kt), shr2), f64x2.mul(FtFriction, FtFriction));
  let rr = f64x2.splat(1.0);
  if (v128.any_true(slide)) rr = v128.bitselect(f64x2.div(FtFriction, f64x2.mul(kt, f64x2.sqrt(shr2))), rr, slide);
  s2(hx, ka, kb, f64x2.mul(h1, rr)); s2(hy, ka, kb, f64x2.mul(h2, rr)); s2(hz, ka, kb, f64x2.mul(h3, rr));
  return v128.andnot(gammat, slide);
}

/** One component of F_t = -k_t xi - g v_tr [N] (xi as stored by historyUpdate, g the dashpot it returned). */
@inline export function historyForce(kt: f64, h: f64, g: f64, vtr: f64): f64 {
  return -(kt * h) - g * vtr;
}
/** One component of F_t of two contacts. */
@inline export function historyForce2(kt: v128, h: v128, g: v128, vtr: v128): v128 {
  return f64x2.sub(f64x2.neg(f64x2.mul(kt, h)), f64x2.mul(g, vtr));
}
