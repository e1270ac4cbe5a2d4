// The micro model's finite elements (paper 001 eq 14-19, 45; SPEC §6), in the scaled units of layout.ts:
// bilinear quads (2 x 2 Gauss), plane strain. Per AM node the unknowns c^ = (c - c0)/c_max and p' = sigma:Omega_t
// (the lumped L2 projection of the element stresses: Q1 displacements have no usable second derivatives, so the
// stress gradient of the flux, eq 19, is the gradient of this nodal field). Residuals, per node a:
//   u:  int B_a^T sigma'  (+ the cohesive and spring forces)       sigma' = C'(eps' - c^ W), sigma_zz' included
//   c^: m_a (c^_a - c^_a,old)/dt + int grad N_a . grad c^ - LAM int c~(1 - c~) grad N_a . grad p' - JS int_S N_a
//   p': m_a p'_a - int N_a (sigma' : W)
// so that the sum of the c^ residuals is m (c^ - c^_old)/dt - JS P_h for any u, c^, p': the discrete Li balance
// c_bulk = c0 + J_s P_h t / A_h holds to the Newton tolerance (eq 33 with eq 45). The linear parts (all but the
// mobility term, the mass over dt and the interface) are assembled once (microSetup) into AC.
import { gI, sI, gF, sF, gP, ldF, stF, ldI, stI } from "../common/mem";
import {
  M_NN, M_NE, M_NEAM, M_NP, M_NDOF, M_MECH, M_COH, M_FIXC, M_X, M_Y, M_DOF, M_QUAD, M_GP, M_ESC, M_MASS, M_FLUX,
  M_VM, M_PAM, M_PSE, M_PNX, M_PNY, M_PW, M_PSC, M_DOLD, M_DNEW, M_GN, M_GT, M_RP, M_CI, M_AC, M_AJ, M_TPOS, M_XV,
  M_XOLD, M_RES, M_DX, M_WROW, M_DT, M_C0, M_LAM, M_JS, M_LAM1, M_MU1, M_LAM2, M_MU2, M_WX, M_WY, M_WZ, M_KSP,
  M_RIGHT, M_RIGHTW, M_NRIGHT, M_DUMAX, M_DCMAX, M_DPMAX, M_WORST, M_RMAX, M_CSURF, M_CBULK, M_CMAXN, M_DAVG,
  M_DMAX, M_VMAM, M_VMSE, M_PLEN, M_AREA, M_NONFIN, M_NNZ, GPW,
} from "./layout";
import { cohesiveLaw, cohTn, cohTt, cohKnn, cohKnt, cohKtn, cohKtt, cohD } from "./cohesive";

const GQ: f64 = 0.5773502691896257; // 1/sqrt(3)

/** Reference shape function a (nodes (-1,-1), (1,-1), (1,1), (-1,1)) at Gauss point g (the same order). */
@inline function shapeN(a: i32, g: i32): f64 {
  const xa: f64 = a == 1 || a == 2 ? 1.0 : -1.0, ya: f64 = a >= 2 ? 1.0 : -1.0;
  const xg: f64 = g == 1 || g == 2 ? GQ : -GQ, yg: f64 = g >= 2 ? GQ : -GQ;
  return 0.25 * (1.0 + xa * xg) * (1.0 + ya * yg);
}

/** CSR position of (i, j), or -1 (columns sorted within a row). */
export function csrPos(rp: usize, ci: usize, i: i32, j: i32): i32 {
  if (i < 0 || j < 0) return -1;
  let lo = ldI(rp, i), hi = ldI(rp, i + 1) - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1, c = ldI(ci, mid);
    if (c == j) return mid;
    if (c < j) lo = mid + 1; else hi = mid - 1;
  }
  return -1;
}

@inline function addAt(v: usize, pos: i32, x: f64): void {
  if (pos >= 0) stF(v, pos, ldF(v, pos) + x);
}

/** Gauss-point data, lumped masses, flux loads, the constant matrix AC, the scatter positions (once per mesh). */
export function microSetup(sys: usize): void {
  const ne = gI(sys, M_NE), neam = gI(sys, M_NEAM), np = gI(sys, M_NP), ndof = gI(sys, M_NDOF);
  const mech = gI(sys, M_MECH) != 0;
  const X = gP(sys, M_X), Y = gP(sys, M_Y), dof = gP(sys, M_DOF), quad = gP(sys, M_QUAD), gp = gP(sys, M_GP);
  const mass = gP(sys, M_MASS), flux = gP(sys, M_FLUX), rp = gP(sys, M_RP), ci = gP(sys, M_CI), ac = gP(sys, M_AC);
  const nnz = gI(sys, M_NNZ);
  for (let q = 0; q < nnz; q++) stF(ac, q, 0.0);
  for (let i = 0; i < ndof; i++) { stF(mass, i, 0.0); stF(flux, i, 0.0); }
  // Gauss-point derivatives and weights
  for (let e = 0; e < ne; e++) {
    for (let g = 0; g < 4; g++) {
      const xg: f64 = g == 1 || g == 2 ? GQ : -GQ, yg: f64 = g >= 2 ? GQ : -GQ;
      let j11 = 0.0, j12 = 0.0, j21 = 0.0, j22 = 0.0;
      for (let a = 0; a < 4; a++) {
        const xa: f64 = a == 1 || a == 2 ? 1.0 : -1.0, ya: f64 = a >= 2 ? 1.0 : -1.0;
        const n = ldI(quad, 4 * e + a);
        const dxi = 0.25 * xa * (1.0 + ya * yg), deta = 0.25 * ya * (1.0 + xa * xg);
        j11 += dxi * ldF(X, n); j12 += dxi * ldF(Y, n); j21 += deta * ldF(X, n); j22 += deta * ldF(Y, n);
      }
      const det = j11 * j22 - j12 * j21;
      const o = (e * 4 + g) * GPW;
      for (let a = 0; a < 4; a++) {
        const xa: f64 = a == 1 || a == 2 ? 1.0 : -1.0, ya: f64 = a >= 2 ? 1.0 : -1.0;
        const dxi = 0.25 * xa * (1.0 + ya * yg), deta = 0.25 * ya * (1.0 + xa * xg);
        stF(gp, o + a, (j22 * dxi - j12 * deta) / det);
        stF(gp, o + 4 + a, (-j21 * dxi + j11 * deta) / det);
      }
      stF(gp, o + 8, det);
    }
  }
  // lumped AM masses (int N_a over the AM quads) and the p' projection's diagonal
  for (let e = 0; e < neam; e++) {
    for (let a = 0; a < 4; a++) {
      const n = ldI(quad, 4 * e + a);
      let m = 0.0;
      for (let g = 0; g < 4; g++) m += shapeN(a, g) * ldF(gp, (e * 4 + g) * GPW + 8);
      const c = ldI(dof, 4 * n + 2);
      if (c >= 0) stF(mass, c, ldF(mass, c) + m);
      const p = ldI(dof, 4 * n + 3);
      if (p >= 0) addAt(ac, csrPos(rp, ci, p, p), m);
    }
  }
  // the flux load int_S N_a ds: the pair's length weight on its AM node
  const pam = gP(sys, M_PAM), pw = gP(sys, M_PW);
  for (let k = 0; k < np; k++) {
    const c = ldI(dof, 4 * ldI(pam, k) + 2);
    if (c >= 0) stF(flux, c, ldF(flux, c) + ldF(pw, k));
  }
  // element matrices
  const wx = gF(sys, M_WX), wy = gF(sys, M_WY), wz = gF(sys, M_WZ);
  for (let e = 0; e < ne; e++) {
    const amE = e < neam;
    const lam = amE ? gF(sys, M_LAM1) : gF(sys, M_LAM2), mu = amE ? gF(sys, M_MU1) : gF(sys, M_MU2);
    const tr = wx + wy + wz;
    const bx = lam * tr + 2.0 * mu * wx, by = lam * tr + 2.0 * mu * wy, bz = lam * tr + 2.0 * mu * wz;
    const acc = wx * bx + wy * by + wz * bz;
    for (let g = 0; g < 4; g++) {
      const o = (e * 4 + g) * GPW;
      const w = ldF(gp, o + 8);
      for (let a = 0; a < 4; a++) {
        const na = ldI(quad, 4 * e + a);
        const dxa = ldF(gp, o + a), dya = ldF(gp, o + 4 + a), Na = shapeN(a, g);
        const uxa = ldI(dof, 4 * na), uya = ldI(dof, 4 * na + 1), ca = ldI(dof, 4 * na + 2), pa = ldI(dof, 4 * na + 3);
        for (let b = 0; b < 4; b++) {
          const nb = ldI(quad, 4 * e + b);
          const dxb = ldF(gp, o + b), dyb = ldF(gp, o + 4 + b), Nb = shapeN(b, g);
          const uxb = ldI(dof, 4 * nb), uyb = ldI(dof, 4 * nb + 1), cb = ldI(dof, 4 * nb + 2), pb = ldI(dof, 4 * nb + 3);
          if (mech) {
            // B_a^T D B_b, plane strain, engineering shear strain
            addAt(ac, csrPos(rp, ci, uxa, uxb), w * ((lam + 2.0 * mu) * dxa * dxb + mu * dya * dyb));
            addAt(ac, csrPos(rp, ci, uxa, uyb), w * (lam * dxa * dyb + mu * dya * dxb));
            addAt(ac, csrPos(rp, ci, uya, uxb), w * (lam * dya * dxb + mu * dxa * dyb));
            addAt(ac, csrPos(rp, ci, uya, uyb), w * ((lam + 2.0 * mu) * dya * dyb + mu * dxa * dxb));
          }
          if (!amE) continue;
          if (mech) {
            // eigenstrain force -int B_a^T (bx, by, 0) N_b and the projection -int N_a (bx eps_xx + by eps_yy - acc c^)
            addAt(ac, csrPos(rp, ci, uxa, cb), -w * dxa * bx * Nb);
            addAt(ac, csrPos(rp, ci, uya, cb), -w * dya * by * Nb);
            addAt(ac, csrPos(rp, ci, pa, uxb), -w * Na * bx * dxb);
            addAt(ac, csrPos(rp, ci, pa, uyb), -w * Na * by * dyb);
            addAt(ac, csrPos(rp, ci, pa, cb), w * Na * acc * Nb);
          }
          addAt(ac, csrPos(rp, ci, ca, cb), w * (dxa * dxb + dya * dyb));
        }
      }
    }
  }
  // right side: the distributed spring -K/L u_x (eq 49), lumped
  if (mech) {
    const rn = gP(sys, M_RIGHT), rw = gP(sys, M_RIGHTW), ks = gF(sys, M_KSP);
    for (let k = 0; k < gI(sys, M_NRIGHT); k++) {
      const u = ldI(dof, 4 * ldI(rn, k));
      addAt(ac, csrPos(rp, ci, u, u), ks * ldF(rw, k));
    }
  }
  // scatter positions of the per-iterate terms
  const esc = gP(sys, M_ESC);
  for (let e = 0; e < neam; e++) {
    for (let a = 0; a < 4; a++) {
      const ca = ldI(dof, 4 * ldI(quad, 4 * e + a) + 2);
      for (let b = 0; b < 4; b++) {
        const nb = ldI(quad, 4 * e + b);
        stI(esc, e * 32 + a * 4 + b, csrPos(rp, ci, ca, ldI(dof, 4 * nb + 2)));
        stI(esc, e * 32 + 16 + a * 4 + b, csrPos(rp, ci, ca, ldI(dof, 4 * nb + 3)));
      }
    }
  }
  const pse = gP(sys, M_PSE), psc = gP(sys, M_PSC);
  for (let k = 0; k < np; k++) {
    const a = ldI(pam, k), s = ldI(pse, k);
    for (let r = 0; r < 4; r++) {
      const dr = ldI(dof, 4 * (r < 2 ? a : s) + (r & 1));
      for (let c = 0; c < 4; c++) stI(psc, k * 16 + r * 4 + c, csrPos(rp, ci, dr, ldI(dof, 4 * (c < 2 ? a : s) + (c & 1))));
    }
  }
  const tpos = gP(sys, M_TPOS);
  for (let i = 0; i < ndof; i++)
    for (let q = ldI(rp, i); q < ldI(rp, i + 1); q++) stI(tpos, q, csrPos(rp, ci, ldI(ci, q), i));
  let plen = 0.0, area = 0.0;
  for (let k = 0; k < np; k++) plen += ldF(pw, k);
  for (let i = 0; i < ndof; i++) area += ldF(mass, i);
  sF(sys, M_PLEN, plen);
  sF(sys, M_AREA, area);
  sI(sys, M_NONFIN, 0);
}

/**
 * Residual (RES) of the iterate XV, and with jac != 0 its Jacobian (AJ). The interface's return mapping
 * (cohesive.ts) runs here from the accepted damage DOLD: DNEW, GN, GT are the iterate's. Writes RMAX (max
 * |r_i| / |J_ii| with the weights of the last factorisation) and NONFIN.
 */
export function microAssemble(sys: usize, jac: i32): void {
  const ndof = gI(sys, M_NDOF), neam = gI(sys, M_NEAM), np = gI(sys, M_NP);
  const mech = gI(sys, M_MECH) != 0, coh = gI(sys, M_COH) != 0, fixc = gI(sys, M_FIXC) != 0;
  const rp = gP(sys, M_RP), ci = gP(sys, M_CI), ac = gP(sys, M_AC), aj = gP(sys, M_AJ);
  const x = gP(sys, M_XV), xo = gP(sys, M_XOLD), r = gP(sys, M_RES), mass = gP(sys, M_MASS), flux = gP(sys, M_FLUX);
  const dt = gF(sys, M_DT), js = gF(sys, M_JS);
  // the linear part
  for (let i = 0; i < ndof; i++) {
    let s = 0.0;
    const qe = ldI(rp, i + 1);
    for (let q = ldI(rp, i); q < qe; q++) s += ldF(ac, q) * ldF(x, ldI(ci, q));
    const m = ldF(mass, i);
    if (m > 0.0) s += m * (ldF(x, i) - ldF(xo, i)) / dt - js * ldF(flux, i);
    stF(r, i, s);
  }
  const nnz = ldI(rp, ndof);
  if (jac != 0) {
    memory.copy(aj, ac, <usize>nnz << 3);
    for (let i = 0; i < ndof; i++) {
      const m = ldF(mass, i);
      if (m > 0.0) {
        const q = csrPos(rp, ci, i, i);
        stF(aj, q, ldF(aj, q) + m / dt);
      }
    }
  }
  const dof = gP(sys, M_DOF), quad = gP(sys, M_QUAD), gp = gP(sys, M_GP), esc = gP(sys, M_ESC);
  if (mech && !fixc) {
    // the stress-driven flux: -LAM int c~(1 - c~) grad N_a . grad p'
    const lamc = gF(sys, M_LAM), c0 = gF(sys, M_C0);
    for (let e = 0; e < neam; e++) {
      let c0e = 0.0, c1e = 0.0, c2e = 0.0, c3e = 0.0, p0 = 0.0, p1 = 0.0, p2 = 0.0, p3 = 0.0;
      const n0 = ldI(quad, 4 * e), n1 = ldI(quad, 4 * e + 1), n2 = ldI(quad, 4 * e + 2), n3 = ldI(quad, 4 * e + 3);
      c0e = ldF(x, ldI(dof, 4 * n0 + 2)); c1e = ldF(x, ldI(dof, 4 * n1 + 2));
      c2e = ldF(x, ldI(dof, 4 * n2 + 2)); c3e = ldF(x, ldI(dof, 4 * n3 + 2));
      p0 = ldF(x, ldI(dof, 4 * n0 + 3)); p1 = ldF(x, ldI(dof, 4 * n1 + 3));
      p2 = ldF(x, ldI(dof, 4 * n2 + 3)); p3 = ldF(x, ldI(dof, 4 * n3 + 3));
      for (let g = 0; g < 4; g++) {
        const o = (e * 4 + g) * GPW;
        const w = ldF(gp, o + 8);
        const ct = c0 + shapeN(0, g) * c0e + shapeN(1, g) * c1e + shapeN(2, g) * c2e + shapeN(3, g) * c3e;
        const gx = ldF(gp, o) * p0 + ldF(gp, o + 1) * p1 + ldF(gp, o + 2) * p2 + ldF(gp, o + 3) * p3;
        const gy = ldF(gp, o + 4) * p0 + ldF(gp, o + 5) * p1 + ldF(gp, o + 6) * p2 + ldF(gp, o + 7) * p3;
        const mob = lamc * ct * (1.0 - ct), dmob = lamc * (1.0 - 2.0 * ct);
        for (let a = 0; a < 4; a++) {
          const dxa = ldF(gp, o + a), dya = ldF(gp, o + 4 + a);
          const ca = ldI(dof, 4 * ldI(quad, 4 * e + a) + 2);
          const fa = dxa * gx + dya * gy;
          stF(r, ca, ldF(r, ca) - w * mob * fa);
          if (jac != 0) {
            for (let b = 0; b < 4; b++) {
              const dxb = ldF(gp, o + b), dyb = ldF(gp, o + 4 + b);
              addAt(aj, ldI(esc, e * 32 + 16 + a * 4 + b), -w * mob * (dxa * dxb + dya * dyb));
              addAt(aj, ldI(esc, e * 32 + a * 4 + b), -w * dmob * shapeN(b, g) * fa);
            }
          }
        }
      }
    }
  }
  if (mech && coh) {
    const pam = gP(sys, M_PAM), pse = gP(sys, M_PSE), pnx = gP(sys, M_PNX), pny = gP(sys, M_PNY), pw = gP(sys, M_PW);
    const psc = gP(sys, M_PSC), dold = gP(sys, M_DOLD), dnew = gP(sys, M_DNEW), gnv = gP(sys, M_GN), gtv = gP(sys, M_GT);
    for (let k = 0; k < np; k++) {
      const a = ldI(pam, k), s = ldI(pse, k);
      const axd = ldI(dof, 4 * a), ayd = ldI(dof, 4 * a + 1), sxd = ldI(dof, 4 * s), syd = ldI(dof, 4 * s + 1);
      const ux = (sxd >= 0 ? ldF(x, sxd) : 0.0) - (axd >= 0 ? ldF(x, axd) : 0.0);
      const uy = (syd >= 0 ? ldF(x, syd) : 0.0) - (ayd >= 0 ? ldF(x, ayd) : 0.0);
      const nx = ldF(pnx, k), ny = ldF(pny, k), w = ldF(pw, k);
      const gn = nx * ux + ny * uy, gt = -ny * ux + nx * uy;
      cohesiveLaw(sys, gn, gt, ldF(dold, k));
      stF(dnew, k, cohD);
      stF(gnv, k, gn);
      stF(gtv, k, gt);
      // global traction on the SE side; the AM side gets its opposite
      const tx = cohTn * nx - cohTt * ny, ty = cohTn * ny + cohTt * nx;
      if (sxd >= 0) stF(r, sxd, ldF(r, sxd) + w * tx);
      if (syd >= 0) stF(r, syd, ldF(r, syd) + w * ty);
      if (axd >= 0) stF(r, axd, ldF(r, axd) - w * tx);
      if (ayd >= 0) stF(r, ayd, ldF(r, ayd) - w * ty);
      if (jac != 0) {
        // K = Q^T k Q, rows of Q: n, t
        const kxx = w * (cohKnn * nx * nx - (cohKnt + cohKtn) * nx * ny + cohKtt * ny * ny);
        const kxy = w * (cohKnn * nx * ny + cohKnt * nx * nx - cohKtn * ny * ny - cohKtt * nx * ny);
        const kyx = w * (cohKnn * nx * ny - cohKnt * ny * ny + cohKtn * nx * nx - cohKtt * nx * ny);
        const kyy = w * (cohKnn * ny * ny + (cohKnt + cohKtn) * nx * ny + cohKtt * nx * nx);
        for (let rr = 0; rr < 4; rr++) {
          for (let cc = 0; cc < 4; cc++) {
            const sgn: f64 = (rr < 2) == (cc < 2) ? 1.0 : -1.0;
            const kv = (rr & 1) == 0 ? ((cc & 1) == 0 ? kxx : kxy) : ((cc & 1) == 0 ? kyx : kyy);
            addAt(aj, ldI(psc, k * 16 + rr * 4 + cc), sgn * kv);
          }
        }
      }
    }
  }
  if (fixc) {
    // frozen concentration: c^ rows are the identity with a zero residual
    for (let i = 0; i < ndof; i++) {
      if (!(ldF(mass, i) > 0.0)) continue;
      stF(r, i, 0.0);
      if (jac != 0) for (let q = ldI(rp, i); q < ldI(rp, i + 1); q++) stF(aj, q, ldI(ci, q) == i ? 1.0 : 0.0);
    }
  }
  const wr = gP(sys, M_WROW);
  let rmax = 0.0, bad = 0;
  for (let i = 0; i < ndof; i++) {
    const v = ldF(r, i);
    if (!isFinite(v) && bad == 0) bad = 1 + i;
    rmax = max<f64>(rmax, abs<f64>(v) * ldF(wr, i));
  }
  sF(sys, M_RMAX, rmax);
  sI(sys, M_NONFIN, bad);
}

/**
 * XV += DX, the largest update per kind (DUMAX, DCMAX, DPMAX) and the node of the largest (WORST). The c^
 * part of DX is first shifted uniformly so that the sum of the c^ residuals, which is linear (the flux terms
 * sum to zero: sum_a grad N_a = 0), vanishes after the update exactly: the Li balance holds to round-off
 * whatever the tolerance of the linear solve.
 */
export function microUpdate(sys: usize): void {
  const nn = gI(sys, M_NN), ndof = gI(sys, M_NDOF);
  const x = gP(sys, M_XV), dx = gP(sys, M_DX), dof = gP(sys, M_DOF), mass = gP(sys, M_MASS), r = gP(sys, M_RES);
  if (gI(sys, M_FIXC) == 0) {
    const dt = gF(sys, M_DT);
    let sr = 0.0, sm = 0.0, sd = 0.0;
    for (let i = 0; i < ndof; i++) {
      const m = ldF(mass, i);
      if (m > 0.0) { sr += ldF(r, i); sm += m; sd += m * ldF(dx, i); }
    }
    const kap = -(sr * dt + sd) / sm;
    for (let i = 0; i < ndof; i++) if (ldF(mass, i) > 0.0) stF(dx, i, ldF(dx, i) + kap);
  }
  for (let i = 0; i < ndof; i++) stF(x, i, ldF(x, i) + ldF(dx, i));
  let du = 0.0, dc = 0.0, dp = 0.0, worst = 0, wv = -1.0;
  for (let n = 0; n < nn; n++) {
    for (let k = 0; k < 4; k++) {
      const i = ldI(dof, 4 * n + k);
      if (i < 0) continue;
      const v = abs<f64>(ldF(dx, i));
      if (k < 2) du = max<f64>(du, v); else if (k == 2) dc = max<f64>(dc, v); else dp = max<f64>(dp, v);
      if (k == 2 && v > wv) { wv = v; worst = n; }
    }
  }
  sF(sys, M_DUMAX, du);
  sF(sys, M_DCMAX, dc);
  sF(sys, M_DPMAX, dp);
  sI(sys, M_WORST, worst);
}

/** Averages and extremes of the iterate XV (eq 29, 33; <d> and max d from DNEW; von Mises into VM). */
export function microStats(sys: usize): void {
  const ne = gI(sys, M_NE), neam = gI(sys, M_NEAM), np = gI(sys, M_NP), ndof = gI(sys, M_NDOF);
  const mech = gI(sys, M_MECH) != 0;
  const x = gP(sys, M_XV), dof = gP(sys, M_DOF), mass = gP(sys, M_MASS), c0 = gF(sys, M_C0);
  const pam = gP(sys, M_PAM), pw = gP(sys, M_PW), dnew = gP(sys, M_DNEW);
  let sw = 0.0, sc = 0.0, sd = 0.0, dm = 0.0;
  for (let k = 0; k < np; k++) {
    const w = ldF(pw, k);
    sw += w;
    sc += w * ldF(x, ldI(dof, 4 * ldI(pam, k) + 2));
    if (gI(sys, M_COH) != 0) {
      const d = ldF(dnew, k);
      sd += w * d;
      dm = max<f64>(dm, d);
    }
  }
  let sm = 0.0, sb = 0.0, cm = -1.0e300;
  for (let i = 0; i < ndof; i++) {
    const m = ldF(mass, i);
    if (m > 0.0) {
      sm += m;
      sb += m * ldF(x, i);
      cm = max<f64>(cm, ldF(x, i));
    }
  }
  sF(sys, M_CSURF, c0 + sc / sw);
  sF(sys, M_CBULK, c0 + sb / sm);
  sF(sys, M_CMAXN, c0 + cm);
  sF(sys, M_DAVG, sd / sw);
  sF(sys, M_DMAX, dm);
  // von Mises of each element's mean stress (sigma_zz included: plane strain)
  const quad = gP(sys, M_QUAD), gp = gP(sys, M_GP), vm = gP(sys, M_VM);
  const wx = gF(sys, M_WX), wy = gF(sys, M_WY), wz = gF(sys, M_WZ);
  let vam = 0.0, vse = 0.0;
  for (let e = 0; e < ne; e++) {
    if (!mech) { stF(vm, e, 0.0); continue; }
    const amE = e < neam;
    const lam = amE ? gF(sys, M_LAM1) : gF(sys, M_LAM2), mu = amE ? gF(sys, M_MU1) : gF(sys, M_MU2);
    const tr = wx + wy + wz;
    const bx = lam * tr + 2.0 * mu * wx, by = lam * tr + 2.0 * mu * wy, bz = lam * tr + 2.0 * mu * wz;
    let sxx = 0.0, syy = 0.0, szz = 0.0, sxy = 0.0, wsum = 0.0;
    for (let g = 0; g < 4; g++) {
      const o = (e * 4 + g) * GPW;
      const w = ldF(gp, o + 8);
      let exx = 0.0, eyy = 0.0, gxy = 0.0, ch = 0.0;
      for (let a = 0; a < 4; a++) {
        const n = ldI(quad, 4 * e + a);
        const ix = ldI(dof, 4 * n), iy = ldI(dof, 4 * n + 1), ic = ldI(dof, 4 * n + 2);
        const ux = ix >= 0 ? ldF(x, ix) : 0.0, uy = iy >= 0 ? ldF(x, iy) : 0.0;
        exx += ldF(gp, o + a) * ux;
        eyy += ldF(gp, o + 4 + a) * uy;
        gxy += ldF(gp, o + 4 + a) * ux + ldF(gp, o + a) * uy;
        if (amE && ic >= 0) ch += shapeN(a, g) * ldF(x, ic);
      }
      sxx += w * ((lam + 2.0 * mu) * exx + lam * eyy - ch * bx);
      syy += w * (lam * exx + (lam + 2.0 * mu) * eyy - ch * by);
      szz += w * (lam * (exx + eyy) - ch * bz);
      sxy += w * mu * gxy;
      wsum += w;
    }
    sxx /= wsum; syy /= wsum; szz /= wsum; sxy /= wsum;
    const v = Math.sqrt(0.5 * ((sxx - syy) * (sxx - syy) + (syy - szz) * (syy - szz) + (szz - sxx) * (szz - sxx)) + 3.0 * sxy * sxy);
    stF(vm, e, v);
    if (amE) vam = max<f64>(vam, v); else vse = max<f64>(vse, v);
  }
  sF(sys, M_VMAM, vam);
  sF(sys, M_VMSE, vse);
}
