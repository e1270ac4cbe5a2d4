// Radial Fickian diffusion in the AM particles of all macro nodes (paper 001 eq 44-46), one implicit
// (backward-Euler form of BDF) step, finite volumes in r with exact shell volumes. Scalar reference of
// particle_simd.ts (which the wasm core runs; f64x2 lanes = two neighbouring nodes, the same
// operations in the same order). The twin (host/cell/twin.ts) is generated from this file.
//
// Per node the shell system is tridiagonal and linear in the surface flux J (D lagged at the old
// state), so it is solved once for two right-hand sides: u (old state, J = 0) and w (unit J). Then
// theta_new = u + w J and theta_surf = alpha + beta J, the surface value extrapolated half a shell
// with the flux boundary condition D dc/dr = -J (eq 45; dc/dr = 0 at r = 0, eq 46).
import { gI, gF, sF, gP, ldF, stF } from "../common/mem";
import {
  P_NX, P_NR, P_NXP, P_TH, P_THPREV, P_THNEW, P_DF, P_U, P_W, P_CP, P_VOL, P_GF, P_J, P_ALPHA, P_BETA,
  P_HEFF, P_BDFA, P_BDFB, P_RAD, P_C1MAX,
} from "./layout";

/** Solves every node's shell system for the responses u, w; writes alpha, beta (surface theta = alpha + beta J). */
export function cellParticles(sys: usize): void {
  const nx = gI(sys, P_NX), nr = gI(sys, P_NR), nxp = gI(sys, P_NXP);
  const th = gP(sys, P_TH), thp = gP(sys, P_THPREV), df = gP(sys, P_DF);
  const u = gP(sys, P_U), w = gP(sys, P_W), cp = gP(sys, P_CP), vol = gP(sys, P_VOL), gf = gP(sys, P_GF);
  const ih = 1.0 / gF(sys, P_HEFF), A = gF(sys, P_BDFA), B = gF(sys, P_BDFB);
  const R = gF(sys, P_RAD), c1max = gF(sys, P_C1MAX);
  const jcoef = -3.0 / (R * c1max); // eq 45 in shell-volume units: v dtheta/dt gains -3 J/(R c1max)
  for (let s = 0; s < nr; s++) {
    const vs = ldF(vol, s) * ih;
    const gl = s > 0 ? ldF(gf, s - 1) : 0.0;
    const gr = s < nr - 1 ? ldF(gf, s) : 0.0;
    const e = s == nr - 1 ? jcoef : 0.0;
    const o = s * nxp, ol = (s - 1) * nxp;
    for (let j = 0; j < nxp; j++) {
      const kl = s > 0 ? gl * ldF(df, ol + j) : 0.0;
      const kr = gr * ldF(df, o + j);
      const rhs = vs * (A * ldF(th, o + j) - B * ldF(thp, o + j));
      if (s == 0) {
        const m = vs + kr;
        stF(cp, o + j, -kr / m);
        stF(u, o + j, rhs / m);
        stF(w, o + j, 0.0);
      } else {
        const m = vs + kl + kr + kl * ldF(cp, ol + j);
        stF(cp, o + j, -kr / m);
        stF(u, o + j, (rhs + kl * ldF(u, ol + j)) / m);
        stF(w, o + j, (e + kl * ldF(w, ol + j)) / m);
      }
    }
  }
  for (let s = nr - 2; s >= 0; s--) {
    const o = s * nxp, on = (s + 1) * nxp;
    for (let j = 0; j < nxp; j++) {
      const c = ldF(cp, o + j);
      stF(u, o + j, ldF(u, o + j) - c * ldF(u, on + j));
      stF(w, o + j, ldF(w, o + j) - c * ldF(w, on + j));
    }
  }
  const ol = (nr - 1) * nxp;
  const half = 0.5 / <f64>nr * R / c1max; // drho/2 * R / c1max
  const alpha = gP(sys, P_ALPHA), beta = gP(sys, P_BETA);
  for (let j = 0; j < nx; j++) {
    stF(alpha, j, ldF(u, ol + j));
    stF(beta, j, ldF(w, ol + j) - half / ldF(df, ol + j));
  }
}

/** theta_new = u + w J for every shell of every node. */
export function cellUpdate(sys: usize): void {
  const nr = gI(sys, P_NR), nxp = gI(sys, P_NXP);
  const u = gP(sys, P_U), w = gP(sys, P_W), tn = gP(sys, P_THNEW), J = gP(sys, P_J);
  for (let s = 0; s < nr; s++) {
    const o = s * nxp;
    for (let j = 0; j < nxp; j++) stF(tn, o + j, ldF(u, o + j) + ldF(w, o + j) * ldF(J, j));
  }
}
