// Sums over rows: the bias gradient and Sum/Mean over runs of axes before the last (see kernels.ts).
import { gI, gP, gF } from "../common/mem";
import { K_X, K_OUT, K_WORK, K_C, K_ROWS, ML_OK, ML_BAD_SHAPE, K_A, K_SCALE } from "./layout";
import { at, fold4 } from "./lanes";

/**
 * Bias gradient: out[c] = sum over r of x[r, c] for x viewed as [ROWS, C] (a Sum over every axis
 * but the last). Blocks of rows that fit in L1 are summed in f32x4 (two accumulators to hide the
 * add latency), each block's sum is added to f64 totals, so long reductions (16 x 224 x 224 rows)
 * stay accurate to f32 rounding.
 * Slots: X, OUT f32[C], WORK f64[C]; ROWS, C.
 */
export function mlBiasGrad(p: usize): i32 {
  const R = gI(p, K_ROWS), C = gI(p, K_C);
  if (R < 1 || C < 1) return ML_BAD_SHAPE;
  const x = gP(p, K_X), out = gP(p, K_OUT), tot = gP(p, K_WORK);
  memory.fill(tot, 0, <usize>C * 8);
  let blk = 4096 / C;
  if (blk < 2) blk = 2;
  if (blk > 64) blk = 64;
  const C4 = C & ~3;
  for (let r0 = 0; r0 < R; r0 += blk) {
    const r1 = r0 + blk < R ? r0 + blk : R;
    for (let c = 0; c < C4; c += 4) {
      let a0 = f32x4.splat(0), a1 = f32x4.splat(0);
      let r = r0;
      for (; r + 1 < r1; r += 2) {
        a0 = f32x4.add(a0, v128.load(at(x, r * C + c)));
        a1 = f32x4.add(a1, v128.load(at(x, (r + 1) * C + c)));
      }
      if (r < r1) a0 = f32x4.add(a0, v128.load(at(x, r * C + c)));
      a0 = f32x4.add(a0, a1);
      const t = tot + (<usize>c << 3);
      store<f64>(t, load<f64>(t) + <f64>f32x4.extract_lane(a0, 0));
      store<f64>(t + 8, load<f64>(t + 8) + <f64>f32x4.extract_lane(a0, 1));
      store<f64>(t + 16, load<f64>(t + 16) + <f64>f32x4.extract_lane(a0, 2));
      store<f64>(t + 24, load<f64>(t + 24) + <f64>f32x4.extract_lane(a0, 3));
    }
    for (let c = C4; c < C; c++) {
      let s: f32 = 0;
      for (let r = r0; r < r1; r++) s += load<f32>(at(x, r * C + c));
      const t = tot + (<usize>c << 3);
      store<f64>(t, load<f64>(t) + <f64>s);
    }
  }
  for (let c = 0; c < C; c++) store<f32>(at(out, c), <f32>load<f64>(tot + (<usize>c << 3)));
  return ML_OK;
}

/**
 * Sum over the middle axis of x viewed as [A, ROWS, C]: out[a, c] = SCALE * sum over r of
 * x[a, r, c]. Covers Sum and Mean over any run of adjacent axes that leaves the last one: the
 * BatchNorm moments and bias gradients ([N,H,W,C] over 0..2, A = 1) and global average pooling
 * and its gradients (over 1..2, A = N). Summed like mlBiasGrad: blocks of rows in f32x4 (two
 * accumulators), block sums into f64 totals.
 * Slots: X, OUT f32[A*C], WORK f64[C]; A, ROWS, C, SCALE (f64).
 */
export function mlReduceRows(p: usize): i32 {
  const A = gI(p, K_A), R = gI(p, K_ROWS), C = gI(p, K_C);
  if (A < 1 || R < 1 || C < 1) return ML_BAD_SHAPE;
  const scale = gF(p, K_SCALE);
  const x0 = gP(p, K_X), out = gP(p, K_OUT), tot = gP(p, K_WORK);
  let blk = 4096 / C;
  if (blk < 2) blk = 2;
  if (blk > 64) blk = 64;
  const C4 = C & ~3;
  for (let a = 0; a < A; a++) {
    const x = at(x0, a * R * C);
    memory.fill(tot, 0, <usize>C * 8);
    for (let r0 = 0; r0 < R; r0 += blk) {
      const r1 = r0 + blk < R ? r0 + blk : R;
      for (let c = 0; c < C4; c += 4) {
        let a0 = f32x4.splat(0), a1 = f32x4.splat(0);
        let r = r0;
        for (; r + 1 < r1; r += 2) {
          a0 = f32x4.add(a0, v128.load(at(x, r * C + c)));
          a1 = f32x4.add(a1, v128.load(at(x, (r + 1) * C + c)));
        }
        if (r < r1) a0 = f32x4.add(a0, v128.load(at(x, r * C + c)));
        fold4(tot + (<usize>c << 3), f32x4.add(a0, a1));
      }
      for (let c = C4; c < C; c++) {
        let s: f32 = 0;
        for (let r = r0; r < r1; r++) s += load<f32>(at(x, r * C + c));
        const t = tot + (<usize>c << 3);
        store<f64>(t, load<f64>(t) + <f64>s);
      }
    }
    const o = at(out, a * C);
    for (let c = 0; c < C; c++) store<f32>(at(o, c), <f32>(load<f64>(tot + (<usize>c << 3)) * scale));
  }
  return ML_OK;
}
