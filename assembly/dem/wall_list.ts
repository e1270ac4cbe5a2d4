// Which particles each planar wall can touch before its list is remade, so that the wall pass visits those
// instead of every particle (on the 11k dense state the all-particle wall pass was 6.6 % of a step with two
// walls; an isostatic box has six). A particle is listed when its gap to the plane is below WALL_BAND_SKINS
// skins. Until the list is remade a particle moves at most one skin (half a skin since the last neighbour build,
// after which the lists are remade, plus half a skin if the list was made later), and the wall at most half a
// skin (moveWalls remakes its list then), so no particle outside the band can reach the plane. The lists are
// supersets of the contacts in increasing index, so the forces and their order are those of the all-particle
// pass, bit for bit.
import { gI, gF, gP, ldF, stF, stI } from "../common/mem";
import {
  H_N, H_NWALLS, H_SKIN, P_X, P_Y, P_Z, P_R, P_WALLS, WALL_SLOTS, P_WLIST, P_WLISTN, P_WREF, WALL_BAND_SKINS,
  W_AXIS, W_SIDE, W_POS, W_MODE, W_HX, W_HY, W_HZ,
} from "./layout";

/** Remakes wall w's list and reference position; a particle left out cannot touch the wall, so its history is 0. */
export function wallList(sys: usize, w: i32): void {
  const n = gI(sys, H_N);
  const wb = gP(sys, P_WALLS) + (<usize>(w * WALL_SLOTS) << 3);
  const list = gP(sys, P_WLIST) + (<usize>(w * n) << 2);
  const pos = gF(wb, W_POS);
  stF(gP(sys, P_WREF), w, pos);
  if (gI(wb, W_MODE) == 3) { stI(gP(sys, P_WLISTN), w, 0); return; } // off
  const axis = gI(wb, W_AXIS);
  const side = gF(wb, W_SIDE);
  const band = WALL_BAND_SKINS * gF(sys, H_SKIN);
  const pc = axis == 0 ? gP(sys, P_X) : axis == 1 ? gP(sys, P_Y) : gP(sys, P_Z);
  const pr = gP(sys, P_R);
  const phx = gP(wb, W_HX), phy = gP(wb, W_HY), phz = gP(wb, W_HZ);
  let m = 0;
  for (let i = 0; i < n; i++) {
    if (side * (ldF(pc, i) - pos) - ldF(pr, i) < band) { stI(list, m, i); m++; }
    else if (ldF(phx, i) != 0.0 || ldF(phy, i) != 0.0 || ldF(phz, i) != 0.0) { stF(phx, i, 0.0); stF(phy, i, 0.0); stF(phz, i, 0.0); }
  }
  stI(gP(sys, P_WLISTN), w, m);
}

/** Remakes every wall's list (after a neighbour build, a restart, or the host moving or switching a wall). */
export function demWallLists(sys: usize): void {
  const nw = gI(sys, H_NWALLS);
  for (let w = 0; w < nw; w++) wallList(sys, w);
}
