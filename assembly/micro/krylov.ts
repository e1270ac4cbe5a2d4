// The Newton update: J dx = -r solved by restarted GMRES (Saad & Schultz 1986), right-preconditioned by the LU
// of microFactor, which the host keeps across Newton iterations and time steps while it stays a good
// preconditioner (a fresh one solves in one iteration). Residuals are weighted by W = 1/|J_ii| of the
// factorisation, so the unknowns' different units weigh alike: GMRES minimises |W (b - J dx)| over the
// Krylov space of W J M^-1 W^-1 (the identity when the factor is current).
import { gI, sI, gF, sF, gP, ldF, stF, ldI } from "../common/mem";
import {
  M_NDOF, M_RP, M_CI, M_AJ, M_RES, M_DX, M_WROW, M_GMV, M_GMH, M_GMW, M_GMM, M_GMMAX, M_GMTOL, M_GMIT, M_GMRES, M_NVB, M_VBLK,
} from "./layout";
import { luSolve } from "./lu";

/**
 * y = A x with the CSR Jacobian AJ. The rows of a mesh vertex share their columns (every unknown of the vertex
 * and of its neighbours), so the rows are taken in the vertex's groups (VBLK): each x entry is gathered once
 * per group; a row's sum is still over its entries in order.
 */
function spmv(sys: usize, xv: usize, y: usize): void {
  const nvb = gI(sys, M_NVB), vb = gP(sys, M_VBLK), rp = gP(sys, M_RP), ci = gP(sys, M_CI), a = gP(sys, M_AJ);
  for (let b = 0; b < nvb; b++) {
    const r0 = ldI(vb, b), nr = ldI(vb, b + 1) - r0;
    const q0 = ldI(rp, r0), len = ldI(rp, r0 + 1) - q0;
    if (nr == 4) {
      let s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
      for (let q = 0; q < len; q++) {
        const xq = ldF(xv, ldI(ci, q0 + q));
        s0 += ldF(a, q0 + q) * xq;
        s1 += ldF(a, q0 + len + q) * xq;
        s2 += ldF(a, q0 + 2 * len + q) * xq;
        s3 += ldF(a, q0 + 3 * len + q) * xq;
      }
      stF(y, r0, s0); stF(y, r0 + 1, s1); stF(y, r0 + 2, s2); stF(y, r0 + 3, s3);
    } else if (nr == 2) {
      let s0 = 0.0, s1 = 0.0;
      for (let q = 0; q < len; q++) {
        const xq = ldF(xv, ldI(ci, q0 + q));
        s0 += ldF(a, q0 + q) * xq;
        s1 += ldF(a, q0 + len + q) * xq;
      }
      stF(y, r0, s0); stF(y, r0 + 1, s1);
    } else {
      for (let i = r0; i < r0 + nr; i++) {
        let s = 0.0;
        const qe = ldI(rp, i + 1);
        for (let q = ldI(rp, i); q < qe; q++) s += ldF(a, q) * ldF(xv, ldI(ci, q));
        stF(y, i, s);
      }
    }
  }
}

/** Solves J dx = -RES into DX. Returns 0 when |W r| <= GMTOL |W RES|, 1 at the iteration limit. */
export function microGmres(sys: usize): i32 {
  const n = gI(sys, M_NDOF), m = gI(sys, M_GMM), maxit = gI(sys, M_GMMAX), tol = gF(sys, M_GMTOL);
  const V = gP(sys, M_GMV), H = gP(sys, M_GMH), wk = gP(sys, M_GMW), z = wk + (<usize>n << 3);
  const res = gP(sys, M_RES), dx = gP(sys, M_DX), W = gP(sys, M_WROW);
  const hs = m + 4; // Hessenberg row stride; columns m, m+1, m+2: cos, sin, rhs g
  for (let i = 0; i < n; i++) stF(dx, i, 0.0);
  let beta0 = 0.0;
  for (let i = 0; i < n; i++) { const v = -ldF(res, i) * ldF(W, i); stF(V, i, v); beta0 += v * v; }
  beta0 = Math.sqrt(beta0);
  sI(sys, M_GMIT, 0);
  sF(sys, M_GMRES, 0.0);
  if (beta0 == 0.0) return 0;
  let its = 0, beta = beta0;
  while (true) {
    for (let i = 0; i < n; i++) stF(V, i, ldF(V, i) / beta);
    for (let k = 0; k <= m; k++) stF(H, k * hs + m + 2, 0.0);
    stF(H, m + 2, beta);
    let k = 0, conv = false;
    for (; k < m && its < maxit; k++) {
      its++;
      const vk = V + (<usize>(k * n) << 3), vn = V + (<usize>((k + 1) * n) << 3);
      for (let i = 0; i < n; i++) stF(z, i, ldF(vk, i) / ldF(W, i));
      luSolve(sys, z);
      spmv(sys, z, vn);
      for (let i = 0; i < n; i++) stF(vn, i, ldF(vn, i) * ldF(W, i));
      // modified Gram-Schmidt
      for (let j = 0; j <= k; j++) {
        const vj = V + (<usize>(j * n) << 3);
        let h = 0.0;
        for (let i = 0; i < n; i++) h += ldF(vj, i) * ldF(vn, i);
        stF(H, j * hs + k, h);
        for (let i = 0; i < n; i++) stF(vn, i, ldF(vn, i) - h * ldF(vj, i));
      }
      let hn = 0.0;
      for (let i = 0; i < n; i++) hn += ldF(vn, i) * ldF(vn, i);
      hn = Math.sqrt(hn);
      stF(H, (k + 1) * hs + k, hn);
      if (hn > 0.0) for (let i = 0; i < n; i++) stF(vn, i, ldF(vn, i) / hn);
      // previous rotations, then a new one zeroing H[k+1][k]
      for (let j = 0; j < k; j++) {
        const c = ldF(H, j * hs + m), s = ldF(H, j * hs + m + 1);
        const a = ldF(H, j * hs + k), b = ldF(H, (j + 1) * hs + k);
        stF(H, j * hs + k, c * a + s * b);
        stF(H, (j + 1) * hs + k, -s * a + c * b);
      }
      const a = ldF(H, k * hs + k), b = ldF(H, (k + 1) * hs + k);
      const rr = Math.sqrt(a * a + b * b);
      const c = rr > 0.0 ? a / rr : 1.0, s = rr > 0.0 ? b / rr : 0.0;
      stF(H, k * hs + m, c);
      stF(H, k * hs + m + 1, s);
      stF(H, k * hs + k, rr);
      stF(H, (k + 1) * hs + k, 0.0);
      const g = ldF(H, k * hs + m + 2);
      stF(H, k * hs + m + 2, c * g);
      stF(H, (k + 1) * hs + m + 2, -s * g);
      if (abs<f64>(-s * g) <= tol * beta0 || hn == 0.0) { k++; conv = true; break; }
    }
    // y = H^-1 g (upper triangular k x k), dx += M^-1 W^-1 V y
    for (let j = k - 1; j >= 0; j--) {
      let yj = ldF(H, j * hs + m + 2);
      for (let t = j + 1; t < k; t++) yj -= ldF(H, j * hs + t) * ldF(H, t * hs + m + 3);
      stF(H, j * hs + m + 3, yj / ldF(H, j * hs + j));
    }
    for (let i = 0; i < n; i++) stF(z, i, 0.0);
    for (let j = 0; j < k; j++) {
      const yj = ldF(H, j * hs + m + 3), vj = V + (<usize>(j * n) << 3);
      for (let i = 0; i < n; i++) stF(z, i, ldF(z, i) + yj * ldF(vj, i));
    }
    for (let i = 0; i < n; i++) stF(z, i, ldF(z, i) / ldF(W, i));
    luSolve(sys, z);
    for (let i = 0; i < n; i++) stF(dx, i, ldF(dx, i) + ldF(z, i));
    sI(sys, M_GMIT, its);
    if (conv) {
      // converged by the rotations' estimate of |W r| (exact in exact arithmetic)
      sF(sys, M_GMRES, abs<f64>(ldF(H, k * hs + m + 2)) / beta0);
      return 0;
    }
    // the true weighted residual of this dx (restart vector)
    spmv(sys, dx, wk);
    beta = 0.0;
    for (let i = 0; i < n; i++) {
      const v = (-ldF(res, i) - ldF(wk, i)) * ldF(W, i);
      stF(V, i, v);
      beta += v * v;
    }
    beta = Math.sqrt(beta);
    sI(sys, M_GMIT, its);
    sF(sys, M_GMRES, beta / beta0);
    if (beta <= tol * beta0) return 0;
    if (its >= maxit) return 1;
  }
}
