// Window geometry of the pooling and convolution gradients: the taps of a window inside the input, and the slot checks.
import { gI } from "../common/mem";
import { K_B, K_H, K_WD, K_C, K_OH, K_OW, K_KH, K_KW, K_SH, K_SW, K_DH, K_DW, K_PT, K_PL, ML_OK, ML_BAD_SHAPE } from "./layout";

/** First window tap k with o0 + k*d >= 0 (o0: window origin, may be negative from padding). */
@inline export function tapLo(o0: i32, d: i32): i32 { return o0 >= 0 ? 0 : (d - 1 - o0) / d; }

/** One past the last window tap k < K with o0 + k*d < n. */
@inline export function tapHi(o0: i32, d: i32, n: i32, K: i32): i32 {
  if (o0 >= n) return 0;
  const h = (n - o0 + d - 1) / d;
  return h < K ? h : K;
}

/** The geometry slots every windowed kernel uses; ML_BAD_SHAPE when any is out of range. */
export function checkWindow(p: usize): i32 {
  if (gI(p, K_B) < 1 || gI(p, K_H) < 1 || gI(p, K_WD) < 1 || gI(p, K_C) < 1) return ML_BAD_SHAPE;
  if (gI(p, K_OH) < 1 || gI(p, K_OW) < 1 || gI(p, K_KH) < 1 || gI(p, K_KW) < 1) return ML_BAD_SHAPE;
  if (gI(p, K_SH) < 1 || gI(p, K_SW) < 1 || gI(p, K_DH) < 1 || gI(p, K_DW) < 1) return ML_BAD_SHAPE;
  if (gI(p, K_PT) < 0 || gI(p, K_PL) < 0) return ML_BAD_SHAPE;
  return ML_OK;
}
