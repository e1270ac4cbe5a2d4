// The coarsest sparse level, when it is small (at most DENSE_MAX nodes), is solved exactly: a dense
// Cholesky factor built once per solve, then a forward and a backward substitution per cycle.
import { gI, gP, ldF, stF, ldI } from "../common/mem";
import { L_N, L_RP, L_COL, L_VAL, L_DIAG, L_DENSE } from "./layout";

/**
 * Lower Cholesky factor of a sparse level's matrix (diag, -val) into the n x n array at f (row-major, lower
 * triangle used). Returns false when a pivot is not positive (then the level is smoothed instead).
 */
export function denseFactor(lv: usize, f: usize): bool {
  const n = gI(lv, L_N);
  const rp = gP(lv, L_RP), col = gP(lv, L_COL), val = gP(lv, L_VAL), dg = gP(lv, L_DIAG);
  memory.fill(f, 0, <usize>(n * n) << 3);
  for (let a = 0; a < n; a++) {
    stF(f, a * n + a, ldF(dg, a));
    const pe = ldI(rp, a + 1);
    for (let p = ldI(rp, a); p < pe; p++) { const c = ldI(col, p); if (c < a) stF(f, a * n + c, -ldF(val, p)); }
  }
  for (let j = 0; j < n; j++) {
    let d = ldF(f, j * n + j);
    for (let t = 0; t < j; t++) { const v = ldF(f, j * n + t); d -= v * v; }
    if (!(d > 0.0)) return false;
    const ljj = sqrt<f64>(d);
    stF(f, j * n + j, ljj);
    for (let i = j + 1; i < n; i++) {
      let s = ldF(f, i * n + j);
      for (let t = 0; t < j; t++) s -= ldF(f, i * n + t) * ldF(f, j * n + t);
      stF(f, i * n + j, s / ljj);
    }
  }
  return true;
}

/** x = A^-1 b with the dense factor L of level lv (L y = b, L^T x = y). */
export function denseSolve(lv: usize, x: usize, b: usize): void {
  const n = gI(lv, L_N), f = gP(lv, L_DENSE);
  for (let i = 0; i < n; i++) {
    let s = ldF(b, i);
    for (let t = 0; t < i; t++) s -= ldF(f, i * n + t) * ldF(x, t);
    stF(x, i, s / ldF(f, i * n + i));
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = ldF(x, i);
    for (let t = i + 1; t < n; t++) s -= ldF(f, t * n + i) * ldF(x, t);
    stF(x, i, s / ldF(f, i * n + i));
  }
}
