// The particle-particle force pass (called by step.ts), as LIGGGHTS's pair gran with the contact law of
// the pair tables (contact/law.ts; formulas in fixtures/dem/LIGGGHTS-REFERENCE.md). Papers: 000 eq 1-11
// (overlap, R_eff, E_eff, M_eff, k_N, k_S), 003 §2.1.
import { gI, sI } from "../common/mem";
import { H_N, H_NCONTACTS } from "./layout";
// both passes run in f64x2 forms (touching_simd.ts, contact_pairs_simd.ts: two pairs at a time); the twin is
// generated from their scalar references touching.ts and contact_pairs.ts (the same operations in the same order)
import { pairTouching } from "./touching_simd";
import { pairContacts } from "./contact_pairs_simd";

/** Particle-particle forces over the half neighbour list. computeFlag = 0 in the set-up call
 *  (history not advanced), record = 1 stores per-contact data, virial and coordination.
 *  Two passes: a cheap distance pass collects the touching pairs (and resets the history of pairs
 *  that came apart), then the contact pass (contact_pairs_simd.ts, two contacts per f64x2) runs
 *  without the unpredictable touch/apart branch. Measured on
 *  the 11k dense packing: 62 ns/contact scalar single pass -> ~45 ns (bench/dem.ts). */
export function pairForces(sys: usize, computeFlag: i32, record: i32): i32 {
  // pass 1: which listed pairs touch; pass 2: the contact law of every touching pair (contact_pairs_simd.ts;
  // scalar reference contact_pairs.ts)
  const nc = pairTouching(sys, 0, gI(sys, H_N), 0, record);
  const status = pairContacts(sys, 0, nc, computeFlag, record, 0);
  if (record) sI(sys, H_NCONTACTS, nc);
  return status;
}
