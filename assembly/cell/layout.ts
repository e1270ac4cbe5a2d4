// Memory layout of a P2D cell solve (assembly/cell), shared by the AssemblyScript kernels and the
// TypeScript host (host/cell). One header block of 8-byte slots (P_*). The cathode has nx finite
// volumes in x; every volume holds one spherical particle with nr shells of equal width (exact
// shell volumes). Particle arrays are interleaved node-fastest: shell s of node j is at s*nxp + j
// (nxp = nx rounded up to even, so f64x2 lanes hold two neighbouring nodes). Stoichiometries
// theta = c/c1max are stored, not concentrations. Plain numeric constants only.

// ---- header: sizes and pointers ----
export const P_NX = 0; //        i32  cathode finite volumes
export const P_NR = 1; //        i32  shells per particle
export const P_NXP = 2; //       i32  nx rounded up to even (interleave stride)
export const P_TH = 3; //        ptr  f64[nr*nxp] theta at t_n (accepted state)
export const P_THPREV = 4; //    ptr  f64[nr*nxp] theta at t_{n-1} (BDF2 history)
export const P_THNEW = 5; //     ptr  f64[nr*nxp] theta at t_{n+1} (written by cellStep on success)
export const P_RHS = 6; //       ptr  f64[nr*nxp] particle right-hand side v_i theta*_i / h_eff
export const P_DF = 7; //        ptr  f64[nr*nxp] D at the shell faces (lagged, old state); index nr-1: surface
export const P_U = 8; //         ptr  f64[nr*nxp] particle response to the old state (J = 0)
export const P_W = 9; //         ptr  f64[nr*nxp] particle response to a unit pore-wall flux J
export const P_CP = 10; //       ptr  f64[nr*nxp] Thomas work (modified super-diagonal)
export const P_VOL = 11; //      ptr  f64[nr] shell volume / particle volume (rho_{i+1}^3 - rho_i^3)
export const P_GF = 12; //       ptr  f64[nr] face factor 3 rho_f^2 / (drho R^2) (face i: between shells i and i+1)
export const P_J = 13; //        ptr  f64[nx] pore-wall flux out of the particle J_s [mol m^-2 s^-1]
export const P_PHI1 = 14; //     ptr  f64[nx] solid potential [V]
export const P_PHI2 = 15; //     ptr  f64[nx] electrolyte (SE) potential [V]
export const P_ALPHA = 16; //    ptr  f64[nx] surface theta at J = 0
export const P_BETA = 17; //     ptr  f64[nx] d theta_surf / d J
export const P_THS = 18; //      ptr  f64[nx] surface theta (after the step)
export const P_ETA = 19; //      ptr  f64[nx] overpotential (after the step) [V]
export const P_WK = 20; //       ptr  f64[14*nx] Newton work (block Thomas, initial guess, safeguarded residuals)
export const P_OCVX = 21; //     ptr  f64[nocv] OCV table stoichiometries (increasing)
export const P_OCVU = 22; //     ptr  f64[nocv] OCV table potentials [V]
export const P_OCVM = 23; //     ptr  f64[nocv] OCV table monotone Hermite slopes [V]
export const P_NOCV = 24; //     i32  OCV table points (0: formula, paper 001 eq 30)
export const P_DX_TAB = 25; //   ptr  f64[nd] D(theta) table stoichiometries (increasing)
export const P_DV_TAB = 26; //   ptr  f64[nd] D(theta) table values [m^2 s^-1]
export const P_ND = 27; //       i32  D table points (0: constant D0)
// ---- scalars ----
export const P_D0 = 30; //       f64  particle diffusivity [m^2 s^-1] (when ND = 0)
export const P_RAD = 31; //      f64  particle radius [m]
export const P_C1MAX = 32; //    f64  maximum AM concentration [mol m^-3]
export const P_K0 = 33; //       f64  BV rate k2 sqrt((c2max - c2) c2) c1max [mol m^-2 s^-1]
export const P_FRT = 34; //      f64  F / (R T) [V^-1]
export const P_BV = 35; //       i32  0: symmetric, 1: asheri2023 (literal eq 26 with the unit correction)
export const P_FADX = 36; //     f64  F a dx [C mol^-1 m^-1 m]: pore-wall flux to current per volume
export const P_SDX = 37; //      f64  sigma_eff / dx [S m^-2]
export const P_KDX = 38; //      f64  kappa_eff / dx [S m^-2]
export const P_GSEP = 39; //     f64  anode-to-first-node conductance 1/(Ls/kappa + dx/(2 kappa_eff)) [S m^-2]
export const P_MODE = 40; //     i32  0: galvanostatic (P_I given), 1: potentiostatic (P_VSET given)
export const P_I = 41; //        f64  current density, discharge positive [A m^-2] (output in mode 1)
export const P_VSET = 42; //     f64  set voltage [V] (mode 1)
export const P_HEFF = 43; //     f64  h / gamma: step of the equivalent backward-Euler solve [s]
export const P_BDFA = 44; //     f64  BDF weight of theta_n   ((1+w)/gamma; BE: 1)
export const P_BDFB = 45; //     f64  BDF weight of theta_n-1 (w^2/((1+w) gamma); BE: 0)
export const P_TOL = 46; //      f64  Newton: stop when max |d phi| <= tol [V]
export const P_MAXIT = 47; //    i32  Newton iteration limit
export const P_V = 48; //        f64  output: terminal voltage [V]
export const P_ITERS = 49; //    i32  output: Newton iterations
export const P_RES = 50; //      f64  output: last max |d phi| [V]
export const P_WORST = 51; //    i32  output: node of the largest update / the failure
export const P_STATUS = 52; //   i32  output: CST_*
export const P_SDXC = 53; //     f64  collector half-cell conductance 2 sigma_eff / dx [S m^-2]
export const P_I0LI = 54; //      f64  Li-metal anode exchange current density [A m^-2] (0: no anode kinetics)
export const P_STAGES = 55; //   i32  stages cellStep runs (STAGE_* bits); 0: all three, the update only on success
export const P_SITERS = 56; //   i32  output: iterations of the safeguarded Newton (0: the plain one converged)
export const P_SAFEONLY = 57; // i32  1: skip the plain Newton, safeguarded only (tests compare the two); 0: default
export const P_AFAC = 58; //     ptr  f64[nx] reaction-area factor per node, a_j = a f_j (paper 001 eq 32: f = 1 - <d>); 0: f = 1
export const HEADER_SLOTS = 64;

// ---- status codes ----
export const CST_OK = 0;
export const CST_NOT_CONVERGED = 1; // Newton iteration limit reached
export const CST_NONFINITE = 2; //     NaN / Inf in the Newton iterate (overpotential blow-up)
export const CST_SATURATED = 3; //     a surface stoichiometry left (0, 1): particle full or empty, or the
//                                     galvanostatic current exceeds what the particle surfaces can take

// ---- cellStep stages (P_STAGES bits): the particle seam (host/cell/particle.ts) runs them one by one ----
export const STAGE_PARTICLES = 1; // lagged D at the faces, then alpha, beta of every node (theta_s = alpha + beta J)
export const STAGE_NEWTON = 2; //    Newton on (phi1, phi2, J) given alpha, beta
export const STAGE_UPDATE = 4; //    theta_new = u + w J (the finite-volume particle state for the converged J)
