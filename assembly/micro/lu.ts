// Sparse LU of the micro model's Jacobian without pivoting (the order is the host's nested dissection, fixed
// per mesh; the pivots are those of the coupled system's diagonal blocks: elasticity, mass + diffusion, the
// lumped projection, all positive), supernodal and left-looking: the columns of a supernode share one row
// structure and are held as dense row-major panels (layout.ts M_LU), so the updates are dot products of rows.
// The inner kernels (dot products of panel rows, row updates) are lu_kern_simd.ts in the wasm core and their
// scalar reference lu_kern.ts in the twin (the same operations in the same order).
import { gI, sI, gP, ldF, stF, ldI, stI, ldS, stS } from "../common/mem";
import {
  M_NDOF, M_NSN, M_SNF, M_SNRP, M_SNRI, M_SNVP, M_LU, M_SNOF, M_REL, M_LNK, M_FST, M_RP, M_CI, M_AJ, M_TPOS, M_WROW,
  M_LU32,
} from "./layout";
import { dot, dot2, dot4, axpy, dotS, axpyS, kd0, kd1, kd2, kd3 } from "./lu_kern_simd";

@inline function row(p: usize, r: i32, w: i32): usize { return p + (<usize>(r * w) << 3); }

/** Numeric factorisation of AJ into the panels; residual weights WROW = 1/|J_ii|. Returns 0 or 1 + the column of a bad pivot. */
export function microFactor(sys: usize): i32 {
  const n = gI(sys, M_NDOF), nsn = gI(sys, M_NSN);
  const snf = gP(sys, M_SNF), snrp = gP(sys, M_SNRP), snri = gP(sys, M_SNRI), snvp = gP(sys, M_SNVP), lu = gP(sys, M_LU);
  const snof = gP(sys, M_SNOF), rel = gP(sys, M_REL), lnk = gP(sys, M_LNK);
  const rp = gP(sys, M_RP), ci = gP(sys, M_CI), aj = gP(sys, M_AJ), tpos = gP(sys, M_TPOS), wr = gP(sys, M_WROW);
  const head = lnk, next = lnk + (<usize>nsn << 2), pos = lnk + (<usize>(2 * nsn) << 2);
  for (let s = 0; s < nsn; s++) stI(head, s, -1);
  for (let j = 0; j < n; j++) {
    let dj = 0.0;
    for (let q = ldI(rp, j); q < ldI(rp, j + 1); q++) if (ldI(ci, q) == j) dj = abs<f64>(ldF(aj, q));
    stF(wr, j, dj > 0.0 ? 1.0 / dj : 1.0);
  }
  for (let s = 0; s < nsn; s++) {
    const f = ldI(snf, s), w = ldI(snf, s + 1) - f;
    const r0 = ldI(snrp, s), nr = ldI(snrp, s + 1) - r0, nb = nr - w;
    const rows = snri + (<usize>r0 << 2);
    const D = lu + (<usize>ldI(snvp, s) << 3), LB = D + (<usize>(w * w) << 3), UB = LB + (<usize>(nb * w) << 3);
    for (let r = 0; r < nr; r++) stI(rel, ldI(rows, r), r);
    memory.fill(D, 0, <usize>(w * w + 2 * nb * w) << 3);
    // the matrix: rows f .. f+w-1 from column f on (D's rows, UB), and their transposes below (LB)
    for (let c = 0; c < w; c++) {
      const j = f + c;
      for (let q = ldI(rp, j); q < ldI(rp, j + 1); q++) {
        const k = ldI(ci, q);
        if (k < f) continue;
        const rk = ldI(rel, k);
        if (rk < w) stF(D, c * w + rk, ldF(aj, q));
        else {
          stF(UB, (rk - w) * w + c, ldF(aj, q));
          stF(LB, (rk - w) * w + c, ldF(aj, ldI(tpos, q)));
        }
      }
    }
    // updates from the supernodes below it in the elimination tree whose rows reach its columns
    let d = ldI(head, s);
    while (d >= 0) {
      const dn = ldI(next, d);
      const fd = ldI(snf, d), wd = ldI(snf, d + 1) - fd;
      const rd0 = ldI(snrp, d), nbd = ldI(snrp, d + 1) - rd0 - wd;
      const rowsd = snri + (<usize>(rd0 + wd) << 2);
      const Dd = lu + (<usize>ldI(snvp, d) << 3), LBd = Dd + (<usize>(wd * wd) << 3), UBd = LBd + (<usize>(nbd * wd) << 3);
      const p0 = ldI(pos, d);
      let p1 = p0;
      while (p1 < nbd && ldI(rowsd, p1) < f + w) p1++;
      // rows p0 .. p1-1 of d fall in s's columns: D -= L_d U_d on them; rows below: LB and UB
      for (let jj = p0; jj < p1; jj++) {
        const cj = ldI(rel, ldI(rowsd, jj));
        const lj = row(LBd, jj, wd), uj = row(UBd, jj, wd);
        let ii = p0;
        for (; ii + 1 < p1; ii += 2) {
          dot2(row(LBd, ii, wd), row(LBd, ii + 1, wd), uj, wd);
          const r0 = ldI(rel, ldI(rowsd, ii)), r1 = ldI(rel, ldI(rowsd, ii + 1));
          stF(D, r0 * w + cj, ldF(D, r0 * w + cj) - kd0);
          stF(D, r1 * w + cj, ldF(D, r1 * w + cj) - kd1);
        }
        if (ii < p1) {
          const r0 = ldI(rel, ldI(rowsd, ii));
          stF(D, r0 * w + cj, ldF(D, r0 * w + cj) - dot(row(LBd, ii, wd), uj, wd));
          ii++;
        }
        for (; ii + 1 < nbd; ii += 2) {
          dot4(row(LBd, ii, wd), row(LBd, ii + 1, wd), uj, row(UBd, ii, wd), row(UBd, ii + 1, wd), lj, wd);
          const o0 = (ldI(rel, ldI(rowsd, ii)) - w) * w + cj, o1 = (ldI(rel, ldI(rowsd, ii + 1)) - w) * w + cj;
          stF(LB, o0, ldF(LB, o0) - kd0);
          stF(LB, o1, ldF(LB, o1) - kd1);
          stF(UB, o0, ldF(UB, o0) - kd2);
          stF(UB, o1, ldF(UB, o1) - kd3);
        }
        if (ii < nbd) {
          const o = (ldI(rel, ldI(rowsd, ii)) - w) * w + cj;
          stF(LB, o, ldF(LB, o) - dot(row(LBd, ii, wd), uj, wd));
          stF(UB, o, ldF(UB, o) - dot(row(UBd, ii, wd), lj, wd));
        }
      }
      stI(pos, d, p1);
      if (p1 < nbd) {
        const t = ldI(snof, ldI(rowsd, p1));
        stI(next, d, ldI(head, t));
        stI(head, t, d);
      }
      d = dn;
    }
    // dense LU of the diagonal block (row updates), then LB <- LB U^-1 (row updates with U's rows) and
    // UB <- (L^-1 U_B)^T (dot products with L's rows)
    for (let k = 0; k < w; k++) {
      const piv = ldF(D, k * w + k);
      if (!(abs<f64>(piv) > 1e-300) || !isFinite(piv)) {
        sI(sys, M_FST, 1 + f + k);
        return 1 + f + k;
      }
      const dk = row(D, k, w) + (<usize>(k + 1) << 3);
      for (let i = k + 1; i < w; i++) {
        const l = ldF(D, i * w + k) / piv;
        stF(D, i * w + k, l);
        axpy(row(D, i, w) + (<usize>(k + 1) << 3), l, dk, w - k - 1);
      }
    }
    for (let r = 0; r < nb; r++) {
      const lr = row(LB, r, w), ur = row(UB, r, w);
      for (let t = 0; t < w; t++) {
        const xt = ldF(lr, t) / ldF(D, t * w + t);
        stF(lr, t, xt);
        axpy(lr + (<usize>(t + 1) << 3), xt, row(D, t, w) + (<usize>(t + 1) << 3), w - t - 1);
      }
      for (let k = 1; k < w; k++) stF(ur, k, ldF(ur, k) - dot(row(D, k, w), ur, k));
    }
    if (nb > 0) {
      stI(pos, s, 0);
      const t = ldI(snof, ldI(rows, w));
      stI(next, s, ldI(head, t));
      stI(head, t, s);
    }
  }
  // the f32 copy the solves read
  const l32 = gP(sys, M_LU32), nv = ldI(snvp, nsn);
  for (let q = 0; q < nv; q++) stS(l32, q, ldF(lu, q));
  sI(sys, M_FST, 0);
  return 0;
}

/** Solves L U x = b in place (b: f64[ndof]) with the f32 panels of the last factorisation. */
export function luSolve(sys: usize, b: usize): void {
  const nsn = gI(sys, M_NSN);
  const snf = gP(sys, M_SNF), snrp = gP(sys, M_SNRP), snri = gP(sys, M_SNRI), snvp = gP(sys, M_SNVP), lu = gP(sys, M_LU32);
  for (let s = 0; s < nsn; s++) {
    const f = ldI(snf, s), w = ldI(snf, s + 1) - f;
    const r0 = ldI(snrp, s), nb = ldI(snrp, s + 1) - r0 - w;
    const rows = snri + (<usize>(r0 + w) << 2);
    const D = lu + (<usize>ldI(snvp, s) << 2), LB = D + (<usize>(w * w) << 2);
    const bf = b + (<usize>f << 3);
    for (let k = 1; k < w; k++) stF(bf, k, ldF(bf, k) - dotS(D + (<usize>(k * w) << 2), bf, k));
    for (let r = 0; r < nb; r++) {
      const i = ldI(rows, r);
      stF(b, i, ldF(b, i) - dotS(LB + (<usize>(r * w) << 2), bf, w));
    }
  }
  for (let s = nsn - 1; s >= 0; s--) {
    const f = ldI(snf, s), w = ldI(snf, s + 1) - f;
    const r0 = ldI(snrp, s), nb = ldI(snrp, s + 1) - r0 - w;
    const rows = snri + (<usize>(r0 + w) << 2);
    const D = lu + (<usize>ldI(snvp, s) << 2), UB = D + (<usize>(w * w + nb * w) << 2);
    const bf = b + (<usize>f << 3);
    for (let r = 0; r < nb; r++) axpyS(bf, ldF(b, ldI(rows, r)), UB + (<usize>(r * w) << 2), w);
    for (let k = w - 1; k >= 0; k--) {
      const dk = D + (<usize>(k * w + k + 1) << 2);
      stF(bf, k, (ldF(bf, k) - dotS(dk, bf + (<usize>(k + 1) << 3), w - k - 1)) / ldS(D, k * w + k));
    }
  }
}

/** luSolve as an entry point (tests). */
export function microSolve(sys: usize, b: usize): void {
  luSolve(sys, b);
}
