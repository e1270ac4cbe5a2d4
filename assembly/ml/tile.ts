// Tile for the kernel pack (see kernels.ts).
import { gI, gP } from "../common/mem";
import { K_X, K_OUT, K_WORK, K_RANK, K_SHAPE, K_REPS, ML_OK, ML_BAD_SHAPE, ML_BAD_RANK } from "./layout";

/** Tile, axis k: writes the output block of x's sub-tensor at src (strides in WORK: in, then out). */
function tileAxis(p: usize, k: i32, rank: i32, src: usize, dst: usize): void {
  const s = load<i32>(gP(p, K_SHAPE) + (<usize>k << 2)), r = load<i32>(gP(p, K_REPS) + (<usize>k << 2));
  const work = gP(p, K_WORK);
  if (k == rank - 1) {
    const bytes = <usize>s << 2;
    for (let j = 0; j < r; j++) memory.copy(dst + <usize>j * bytes, src, bytes);
    return;
  }
  const inStride = <usize>load<i32>(work + (<usize>k << 2)) << 2;
  const outStride = <usize>load<i32>(work + (<usize>(rank + k) << 2)) << 2;
  for (let i = 0; i < s; i++) tileAxis(p, k + 1, rank, src + <usize>i * inStride, dst + <usize>i * outStride);
  // the first repetition is complete: copy it r-1 times (memory.copy: bulk copy, no per-element work)
  const block = <usize>s * outStride;
  for (let j = 1; j < r; j++) memory.copy(dst + <usize>j * block, dst, block);
}

/**
 * Tile: out = x repeated reps[k] times along each axis k (4-byte elements: float32 or int32).
 * Slots: X, OUT, SHAPE i32[RANK], REPS i32[RANK], WORK i32[2*RANK] (strides, filled here); RANK 1..8.
 */
export function mlTile(p: usize): i32 {
  const rank = gI(p, K_RANK);
  if (rank < 1 || rank > 8) return ML_BAD_RANK;
  const shape = gP(p, K_SHAPE), reps = gP(p, K_REPS), work = gP(p, K_WORK);
  let inS = 1, outS = 1;
  for (let k = rank - 1; k >= 0; k--) {
    const s = load<i32>(shape + (<usize>k << 2)), r = load<i32>(reps + (<usize>k << 2));
    if (s < 1 || r < 1) return ML_BAD_SHAPE;
    store<i32>(work + (<usize>k << 2), inS);
    store<i32>(work + (<usize>(rank + k) << 2), outS);
    inS *= s;
    outS *= s * r;
  }
  tileAxis(p, 0, rank, gP(p, K_X), gP(p, K_OUT));
  return ML_OK;
}
