// Training kernels for the tfjs 'wasm' backend's kernel pack (host/ml/kernels): the gradients that
// do not map onto an XNNPACK convolution. Stateless functions of one parameter block (layout.ts)
// over f32 NHWC tensors the host copies into this module's memory; no allocation, status codes.
// Channels are contiguous in NHWC and independent in every kernel here, so the inner loops run
// f32x4 over four channels at a time, with a scalar tail for C % 4 channels.
// Plain-TypeScript references of the same loops: host/ml/kernels/reference.ts.
// This file is also built on its own as build/assbkit-ml.wasm (asconfig target "ml": imported
// memory), an instance that runs on the tfjs-wasm heap in place (host/ml/kernels/inplace.ts). So:
// no globals, no static data (strings, constant arrays), no allocation; only the memory the
// parameter block points at is touched.
import { gI, gP, gF } from "../common/mem";
import {
  K_X, K_DY, K_OUT, K_W, K_WORK, K_B, K_H, K_WD, K_C, K_OH, K_OW, K_KH, K_KW, K_SH, K_SW, K_DH, K_DW,
  K_PT, K_PL, K_M, K_ROWS, K_RANK, K_SHAPE, K_REPS, K_O, ML_OK, ML_BAD_SHAPE, ML_BAD_RANK,
  K_A, K_SCALE, K_OP, K_MODE_X, K_MODE_Y, K_Y, K_EPS, K_MEAN, K_VAR, K_GAMMA, K_BETA,
  ML_ADD, ML_SUB, ML_MUL, ML_DIV, ML_FULL, ML_ROW, ML_CHAN, ML_SCALAR, ML_BAD_OP,
} from "./layout";

/** Address of f32 element i of the array at p. */
@inline function at(p: usize, i: i32): usize { return p + (<usize>i << 2); }

/** First window tap k with o0 + k*d >= 0 (o0: window origin, may be negative from padding). */
@inline function tapLo(o0: i32, d: i32): i32 { return o0 >= 0 ? 0 : (d - 1 - o0) / d; }

/** One past the last window tap k < K with o0 + k*d < n. */
@inline function tapHi(o0: i32, d: i32, n: i32, K: i32): i32 {
  if (o0 >= n) return 0;
  const h = (n - o0 + d - 1) / d;
  return h < K ? h : K;
}

/** The geometry slots every windowed kernel uses; ML_BAD_SHAPE when any is out of range. */
function checkWindow(p: usize): i32 {
  if (gI(p, K_B) < 1 || gI(p, K_H) < 1 || gI(p, K_WD) < 1 || gI(p, K_C) < 1) return ML_BAD_SHAPE;
  if (gI(p, K_OH) < 1 || gI(p, K_OW) < 1 || gI(p, K_KH) < 1 || gI(p, K_KW) < 1) return ML_BAD_SHAPE;
  if (gI(p, K_SH) < 1 || gI(p, K_SW) < 1 || gI(p, K_DH) < 1 || gI(p, K_DW) < 1) return ML_BAD_SHAPE;
  if (gI(p, K_PT) < 0 || gI(p, K_PL) < 0) return ML_BAD_SHAPE;
  return ML_OK;
}

/**
 * MaxPoolGrad: dx[b,iy,ix,c] = sum of dy[b,oy,ox,c] over the windows whose maximum is x[b,iy,ix,c];
 * within a window the first maximum in (kh, kw) scan order wins, as in the tfjs 'cpu' backend.
 * Two passes per window and 4 channels: the maximum, then the first tap equal to it gets dy.
 * Slots: X [B,H,W,C], DY [B,OH,OW,C], OUT dx [B,H,W,C]; B H WD C OH OW KH KW SH SW DH DW PT PL.
 */
export function mlMaxPoolGrad(p: usize): i32 {
  const st = checkWindow(p);
  if (st != ML_OK) return st;
  const B = gI(p, K_B), H = gI(p, K_H), W = gI(p, K_WD), C = gI(p, K_C), OH = gI(p, K_OH), OW = gI(p, K_OW);
  const KH = gI(p, K_KH), KW = gI(p, K_KW), SH = gI(p, K_SH), SW = gI(p, K_SW), DH = gI(p, K_DH), DW = gI(p, K_DW);
  const PT = gI(p, K_PT), PL = gI(p, K_PL);
  const x = gP(p, K_X), dy = gP(p, K_DY), dx = gP(p, K_OUT);
  memory.fill(dx, 0, <usize>B * <usize>H * <usize>W * <usize>C * 4);
  const C4 = C & ~3;
  const ninf = f32x4.splat(-Infinity);
  for (let b = 0; b < B; b++) {
    for (let oy = 0; oy < OH; oy++) {
      const y0 = oy * SH - PT;
      const khLo = tapLo(y0, DH), khHi = tapHi(y0, DH, H, KH);
      for (let ox = 0; ox < OW; ox++) {
        const x0 = ox * SW - PL;
        const kwLo = tapLo(x0, DW), kwHi = tapHi(x0, DW, W, KW);
        if (khLo >= khHi || kwLo >= kwHi) continue; // a window entirely in the padding
        const g = at(dy, ((b * OH + oy) * OW + ox) * C);
        for (let c = 0; c < C4; c += 4) {
          let mx = ninf;
          for (let kh = khLo; kh < khHi; kh++) {
            const row = ((b * H + y0 + kh * DH) * W + x0) * C + c;
            for (let kw = kwLo; kw < kwHi; kw++) mx = f32x4.max(mx, v128.load(at(x, row + kw * DW * C)));
          }
          const gv = v128.load(at(g, c));
          let taken = i32x4.splat(0);
          for (let kh = khLo; kh < khHi; kh++) {
            const row = ((b * H + y0 + kh * DH) * W + x0) * C + c;
            for (let kw = kwLo; kw < kwHi; kw++) {
              const i = row + kw * DW * C;
              const hit = v128.andnot(f32x4.eq(v128.load(at(x, i)), mx), taken);
              taken = v128.or(taken, hit);
              const d = at(dx, i);
              v128.store(d, f32x4.add(v128.load(d), v128.and(gv, hit)));
            }
          }
        }
        for (let c = C4; c < C; c++) {
          let mx: f32 = -Infinity;
          let best = -1;
          for (let kh = khLo; kh < khHi; kh++) {
            const row = ((b * H + y0 + kh * DH) * W + x0) * C + c;
            for (let kw = kwLo; kw < kwHi; kw++) {
              const i = row + kw * DW * C;
              const v = load<f32>(at(x, i));
              if (best < 0 || v > mx) { mx = v; best = i; }
            }
          }
          const d = at(dx, best);
          store<f32>(d, load<f32>(d) + load<f32>(at(g, c)));
        }
      }
    }
  }
  return ML_OK;
}

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

/**
 * DepthwiseConv2dNativeBackpropInput: dx[b,iy,ix,c] = sum over kh, kw, m of
 * dy[b,oy,ox,c*M+m] w[kh,kw,c,m], with iy = oy*SH - PT + kh*DH (ix likewise), scattered from each
 * dy pixel into its window. dy and w share the channel layout c*M+m, so the products are lane-wise;
 * M = 2 folds lane pairs with two shuffles, other M > 1 run scalar.
 * Slots: DY [B,OH,OW,C*M], W [KH,KW,C,M], OUT dx [B,H,W,C]; B H WD C OH OW KH KW SH SW DH DW PT PL M.
 */
export function mlDepthwiseBackpropInput(p: usize): i32 {
  const st = checkWindow(p);
  if (st != ML_OK) return st;
  const M = gI(p, K_M);
  if (M < 1) return ML_BAD_SHAPE;
  const B = gI(p, K_B), H = gI(p, K_H), W = gI(p, K_WD), C = gI(p, K_C), OH = gI(p, K_OH), OW = gI(p, K_OW);
  const KH = gI(p, K_KH), KW = gI(p, K_KW), SH = gI(p, K_SH), SW = gI(p, K_SW), DH = gI(p, K_DH), DW = gI(p, K_DW);
  const PT = gI(p, K_PT), PL = gI(p, K_PL);
  const dy = gP(p, K_DY), w = gP(p, K_W), dx = gP(p, K_OUT);
  const CM = C * M, C4 = C & ~3;
  memory.fill(dx, 0, <usize>B * <usize>H * <usize>W * <usize>C * 4);
  for (let b = 0; b < B; b++) {
    for (let oy = 0; oy < OH; oy++) {
      const y0 = oy * SH - PT;
      const khLo = tapLo(y0, DH), khHi = tapHi(y0, DH, H, KH);
      for (let ox = 0; ox < OW; ox++) {
        const x0 = ox * SW - PL;
        const kwLo = tapLo(x0, DW), kwHi = tapHi(x0, DW, W, KW);
        const g = at(dy, ((b * OH + oy) * OW + ox) * CM);
        for (let kh = khLo; kh < khHi; kh++) {
          for (let kw = kwLo; kw < kwHi; kw++) {
            const wp = at(w, (kh * KW + kw) * CM);
            const d = at(dx, ((b * H + y0 + kh * DH) * W + x0 + kw * DW) * C);
            let c = 0;
            if (M == 1) {
              for (; c < C4; c += 4) {
                const a = at(d, c);
                v128.store(a, f32x4.add(v128.load(a), f32x4.mul(v128.load(at(g, c)), v128.load(at(wp, c)))));
              }
            } else if (M == 2) {
              for (; c < C4; c += 4) {
                const p0 = f32x4.mul(v128.load(at(g, 2 * c)), v128.load(at(wp, 2 * c)));
                const p1 = f32x4.mul(v128.load(at(g, 2 * c + 4)), v128.load(at(wp, 2 * c + 4)));
                const s = f32x4.add(v128.shuffle<f32>(p0, p1, 0, 2, 4, 6), v128.shuffle<f32>(p0, p1, 1, 3, 5, 7));
                const a = at(d, c);
                v128.store(a, f32x4.add(v128.load(a), s));
              }
            }
            for (; c < C; c++) {
              let s: f32 = 0;
              for (let m = 0; m < M; m++) s += load<f32>(at(g, c * M + m)) * load<f32>(at(wp, c * M + m));
              store<f32>(at(d, c), load<f32>(at(d, c)) + s);
            }
          }
        }
      }
    }
  }
  return ML_OK;
}

/**
 * DepthwiseConv2dNativeBackpropFilter: dw[kh,kw,c,m] = sum over b, oy, ox of
 * x[b,iy,ix,c] dy[b,oy,ox,c*M+m]. Each output row (b, oy) is summed in f32 into a partial, which
 * is added to f64 totals, so reductions over many pixels stay accurate to f32 rounding.
 * M = 2 duplicates each x lane with two shuffles; other M > 1 run scalar.
 * Slots: X [B,H,W,C], DY [B,OH,OW,C*M], OUT dw [KH,KW,C,M], WORK f64[KH*KW*C*M] + f32[KH*KW*C*M];
 * B H WD C OH OW KH KW SH SW DH DW PT PL M.
 */
export function mlDepthwiseBackpropFilter(p: usize): i32 {
  const st = checkWindow(p);
  if (st != ML_OK) return st;
  const M = gI(p, K_M);
  if (M < 1) return ML_BAD_SHAPE;
  const B = gI(p, K_B), H = gI(p, K_H), W = gI(p, K_WD), C = gI(p, K_C), OH = gI(p, K_OH), OW = gI(p, K_OW);
  const KH = gI(p, K_KH), KW = gI(p, K_KW), SH = gI(p, K_SH), SW = gI(p, K_SW), DH = gI(p, K_DH), DW = gI(p, K_DW);
  const PT = gI(p, K_PT), PL = gI(p, K_PL);
  const x = gP(p, K_X), dy = gP(p, K_DY), out = gP(p, K_OUT);
  const CM = C * M, C4 = C & ~3, NW = KH * KW * CM;
  const tot = gP(p, K_WORK), part = tot + (<usize>NW << 3);
  memory.fill(tot, 0, <usize>NW * 8);
  for (let b = 0; b < B; b++) {
    for (let oy = 0; oy < OH; oy++) {
      memory.fill(part, 0, <usize>NW * 4);
      const y0 = oy * SH - PT;
      const khLo = tapLo(y0, DH), khHi = tapHi(y0, DH, H, KH);
      for (let ox = 0; ox < OW; ox++) {
        const x0 = ox * SW - PL;
        const kwLo = tapLo(x0, DW), kwHi = tapHi(x0, DW, W, KW);
        const g = at(dy, ((b * OH + oy) * OW + ox) * CM);
        for (let kh = khLo; kh < khHi; kh++) {
          for (let kw = kwLo; kw < kwHi; kw++) {
            const xp = at(x, ((b * H + y0 + kh * DH) * W + x0 + kw * DW) * C);
            const pp = at(part, (kh * KW + kw) * CM);
            let c = 0;
            if (M == 1) {
              for (; c < C4; c += 4) {
                const a = at(pp, c);
                v128.store(a, f32x4.add(v128.load(a), f32x4.mul(v128.load(at(xp, c)), v128.load(at(g, c)))));
              }
            } else if (M == 2) {
              for (; c < C4; c += 4) {
                const xv = v128.load(at(xp, c));
                const a0 = at(pp, 2 * c), a1 = at(pp, 2 * c + 4);
                v128.store(a0, f32x4.add(v128.load(a0), f32x4.mul(v128.shuffle<f32>(xv, xv, 0, 0, 1, 1), v128.load(at(g, 2 * c)))));
                v128.store(a1, f32x4.add(v128.load(a1), f32x4.mul(v128.shuffle<f32>(xv, xv, 2, 2, 3, 3), v128.load(at(g, 2 * c + 4)))));
              }
            }
            for (; c < C; c++) {
              const xv = load<f32>(at(xp, c));
              for (let m = 0; m < M; m++) {
                const a = at(pp, c * M + m);
                store<f32>(a, load<f32>(a) + xv * load<f32>(at(g, c * M + m)));
              }
            }
          }
        }
      }
      for (let i = 0; i < NW; i++) {
        const t = tot + (<usize>i << 3);
        store<f64>(t, load<f64>(t) + <f64>load<f32>(at(part, i)));
      }
    }
  }
  for (let i = 0; i < NW; i++) store<f32>(at(out, i), <f32>load<f64>(tot + (<usize>i << 3)));
  return ML_OK;
}

/** Adds the four lanes of v to the f64 totals at t. */
@inline function fold4(t: usize, v: v128): void {
  store<f64>(t, load<f64>(t) + <f64>f32x4.extract_lane(v, 0));
  store<f64>(t + 8, load<f64>(t + 8) + <f64>f32x4.extract_lane(v, 1));
  store<f64>(t + 16, load<f64>(t + 16) + <f64>f32x4.extract_lane(v, 2));
  store<f64>(t + 24, load<f64>(t + 24) + <f64>f32x4.extract_lane(v, 3));
}

/**
 * Conv2DBackpropFilter (dilation 1): dw[kh,kw,c,o] = sum over b, oy, ox of
 * xp[b, oy*SH + kh, ox*SW + kw, c] dy[b,oy,ox,o], xp being x already zero-padded by the host (so
 * every tap is in range). For one filter row kh the taps (kw, c) are contiguous in xp; a block of
 * 3 taps x 16 channels is held in 12 f32x4 accumulators over a block of rows (~1024 pixels), then
 * added to f64 totals. The host uses it where the XNNPACK matrix product loses: that product is
 * faster per flop but first packs all of dy, which dominates for few taps or few output channels
 * (host/ml/kernels/conv.ts has the measured cases). O must be a multiple of 4.
 * Slots: X xp [B,H,WD,C] (padded sizes), DY [B,OH,OW,O], OUT dw [KH,KW,C,O], WORK f64[KH*KW*C*O];
 * B H WD C OH OW KH KW SH SW O.
 */
export function mlConvFilterGrad(p: usize): i32 {
  const B = gI(p, K_B), H = gI(p, K_H), W = gI(p, K_WD), C = gI(p, K_C), OH = gI(p, K_OH), OW = gI(p, K_OW);
  const KH = gI(p, K_KH), KW = gI(p, K_KW), SH = gI(p, K_SH), SW = gI(p, K_SW), O = gI(p, K_O);
  if (B < 1 || H < 1 || W < 1 || C < 1 || OH < 1 || OW < 1 || KH < 1 || KW < 1 || SH < 1 || SW < 1 || O < 4 || (O & 3) != 0) return ML_BAD_SHAPE;
  if ((OH - 1) * SH + KH > H || (OW - 1) * SW + KW > W) return ML_BAD_SHAPE; // the host pads x so taps stay inside
  const x = gP(p, K_X), dy = gP(p, K_DY), out = gP(p, K_OUT), tot = gP(p, K_WORK);
  const KC = KW * C, taps = KH * KC, SWC = SW * C, O16 = O & ~15;
  // rows summed in registers before a fold into the f64 totals: about 1024 pixels, so the folds
  // (48 scalar adds per block) stay cheap on small images and the dy rows stay in L2
  let RB = 1024 / OW;
  if (RB < 1) RB = 1;
  memory.fill(tot, 0, <usize>taps * <usize>O * 8);
  for (let b = 0; b < B; b++) {
    for (let oy0 = 0; oy0 < OH; oy0 += RB) {
      const oy1 = oy0 + RB < OH ? oy0 + RB : OH;
      for (let kh = 0; kh < KH; kh++) {
        let t = 0;
        for (; t + 3 <= KC; t += 3) {
          const T = tot + (<usize>((kh * KC + t) * O) << 3);
          let o = 0;
          for (; o < O16; o += 16) {
            let a00 = f32x4.splat(0), a01 = a00, a02 = a00, a03 = a00;
            let a10 = a00, a11 = a00, a12 = a00, a13 = a00;
            let a20 = a00, a21 = a00, a22 = a00, a23 = a00;
            for (let oy = oy0; oy < oy1; oy++) {
              const g = at(dy, (b * OH + oy) * OW * O + o), xr = at(x, (b * H + oy * SH + kh) * W * C + t);
              for (let ox = 0; ox < OW; ox++) {
                const xp = at(xr, ox * SWC), gp = at(g, ox * O);
                const g0 = v128.load(gp), g1 = v128.load(gp, 16), g2 = v128.load(gp, 32), g3 = v128.load(gp, 48);
                const x0 = f32x4.splat(load<f32>(xp)), x1 = f32x4.splat(load<f32>(xp, 4)), x2 = f32x4.splat(load<f32>(xp, 8));
                a00 = f32x4.add(a00, f32x4.mul(x0, g0)); a01 = f32x4.add(a01, f32x4.mul(x0, g1));
                a02 = f32x4.add(a02, f32x4.mul(x0, g2)); a03 = f32x4.add(a03, f32x4.mul(x0, g3));
                a10 = f32x4.add(a10, f32x4.mul(x1, g0)); a11 = f32x4.add(a11, f32x4.mul(x1, g1));
                a12 = f32x4.add(a12, f32x4.mul(x1, g2)); a13 = f32x4.add(a13, f32x4.mul(x1, g3));
                a20 = f32x4.add(a20, f32x4.mul(x2, g0)); a21 = f32x4.add(a21, f32x4.mul(x2, g1));
                a22 = f32x4.add(a22, f32x4.mul(x2, g2)); a23 = f32x4.add(a23, f32x4.mul(x2, g3));
              }
            }
            const t0 = T + (<usize>o << 3), t1 = t0 + (<usize>O << 3), t2 = t1 + (<usize>O << 3);
            fold4(t0, a00); fold4(t0 + 32, a01); fold4(t0 + 64, a02); fold4(t0 + 96, a03);
            fold4(t1, a10); fold4(t1 + 32, a11); fold4(t1 + 64, a12); fold4(t1 + 96, a13);
            fold4(t2, a20); fold4(t2 + 32, a21); fold4(t2 + 64, a22); fold4(t2 + 96, a23);
          }
          for (; o < O; o += 4) {
            let a0 = f32x4.splat(0), a1 = a0, a2 = a0;
            for (let oy = oy0; oy < oy1; oy++) {
              const g = at(dy, (b * OH + oy) * OW * O + o), xr = at(x, (b * H + oy * SH + kh) * W * C + t);
              for (let ox = 0; ox < OW; ox++) {
                const xp = at(xr, ox * SWC), gv = v128.load(at(g, ox * O));
                a0 = f32x4.add(a0, f32x4.mul(f32x4.splat(load<f32>(xp)), gv));
                a1 = f32x4.add(a1, f32x4.mul(f32x4.splat(load<f32>(xp, 4)), gv));
                a2 = f32x4.add(a2, f32x4.mul(f32x4.splat(load<f32>(xp, 8)), gv));
              }
            }
            const t0 = T + (<usize>o << 3);
            fold4(t0, a0); fold4(t0 + (<usize>O << 3), a1); fold4(t0 + (<usize>O << 4), a2);
          }
        }
        for (; t < KC; t++) {
          const T = tot + (<usize>((kh * KC + t) * O) << 3);
          for (let o = 0; o < O; o += 4) {
            let a0 = f32x4.splat(0);
            for (let oy = oy0; oy < oy1; oy++) {
              const g = at(dy, (b * OH + oy) * OW * O + o), xr = at(x, (b * H + oy * SH + kh) * W * C + t);
              for (let ox = 0; ox < OW; ox++) {
                a0 = f32x4.add(a0, f32x4.mul(f32x4.splat(load<f32>(at(xr, ox * SWC))), v128.load(at(g, ox * O))));
              }
            }
            fold4(T + (<usize>o << 3), a0);
          }
        }
      }
    }
  }
  const n = taps * O;
  for (let i = 0; i < n; i++) store<f32>(at(out, i), <f32>load<f64>(tot + (<usize>i << 3)));
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

/**
 * FusedBatchNorm over x viewed as [ROWS, C]: out = (x - mean) * inv + beta with
 * inv[c] = gamma[c] / sqrt(var[c] + EPS) computed in f64 (the host expands scalars and absent
 * scale/offset to C-vectors).
 * Slots: X, OUT, MEAN, VAR, GAMMA, BETA f32[C], WORK f32[C]; ROWS, C, EPS (f64).
 */
export function mlBatchNorm(p: usize): i32 {
  const R = gI(p, K_ROWS), C = gI(p, K_C);
  if (R < 1 || C < 1) return ML_BAD_SHAPE;
  const eps = gF(p, K_EPS);
  const x = gP(p, K_X), out = gP(p, K_OUT), mean = gP(p, K_MEAN), vr = gP(p, K_VAR), gamma = gP(p, K_GAMMA), beta = gP(p, K_BETA);
  const inv = gP(p, K_WORK);
  for (let c = 0; c < C; c++) {
    store<f32>(at(inv, c), <f32>(<f64>load<f32>(at(gamma, c)) / Math.sqrt(<f64>load<f32>(at(vr, c)) + eps)));
  }
  const C4 = C & ~3;
  for (let r = 0; r < R; r++) {
    const xr = at(x, r * C), or = at(out, r * C);
    for (let c = 0; c < C4; c += 4) {
      const d = f32x4.sub(v128.load(at(xr, c)), v128.load(at(mean, c)));
      v128.store(at(or, c), f32x4.add(f32x4.mul(d, v128.load(at(inv, c))), v128.load(at(beta, c))));
    }
    for (let c = C4; c < C; c++) {
      store<f32>(at(or, c), (load<f32>(at(xr, c)) - load<f32>(at(mean, c))) * load<f32>(at(inv, c)) + load<f32>(at(beta, c)));
    }
  }
  return ML_OK;
}

/** out[0..n) = op(x[0..n), y[0..n)) with f32x4 and a scalar tail; op is checked by the caller. */
@inline function binaryRow(op: i32, x: usize, y: usize, o: usize, n: i32): void {
  const n4 = n & ~3;
  let c = 0;
  if (op == ML_ADD) {
    for (; c < n4; c += 4) v128.store(at(o, c), f32x4.add(v128.load(at(x, c)), v128.load(at(y, c))));
    for (; c < n; c++) store<f32>(at(o, c), load<f32>(at(x, c)) + load<f32>(at(y, c)));
  } else if (op == ML_SUB) {
    for (; c < n4; c += 4) v128.store(at(o, c), f32x4.sub(v128.load(at(x, c)), v128.load(at(y, c))));
    for (; c < n; c++) store<f32>(at(o, c), load<f32>(at(x, c)) - load<f32>(at(y, c)));
  } else if (op == ML_MUL) {
    for (; c < n4; c += 4) v128.store(at(o, c), f32x4.mul(v128.load(at(x, c)), v128.load(at(y, c))));
    for (; c < n; c++) store<f32>(at(o, c), load<f32>(at(x, c)) * load<f32>(at(y, c)));
  } else {
    for (; c < n4; c += 4) v128.store(at(o, c), f32x4.div(v128.load(at(x, c)), v128.load(at(y, c))));
    for (; c < n; c++) store<f32>(at(o, c), load<f32>(at(x, c)) / load<f32>(at(y, c)));
  }
}

/** out[0..n) = op(x[0..n), s) (sx false) or op(s, x[0..n)) (sx true). */
@inline function binaryScalar(op: i32, x: usize, s: f32, sx: bool, o: usize, n: i32): void {
  const n4 = n & ~3;
  const v = f32x4.splat(s);
  let c = 0;
  if (op == ML_ADD) {
    for (; c < n4; c += 4) v128.store(at(o, c), f32x4.add(v128.load(at(x, c)), v));
    for (; c < n; c++) store<f32>(at(o, c), load<f32>(at(x, c)) + s);
  } else if (op == ML_MUL) {
    for (; c < n4; c += 4) v128.store(at(o, c), f32x4.mul(v128.load(at(x, c)), v));
    for (; c < n; c++) store<f32>(at(o, c), load<f32>(at(x, c)) * s);
  } else if (op == ML_SUB) {
    if (sx) {
      for (; c < n4; c += 4) v128.store(at(o, c), f32x4.sub(v, v128.load(at(x, c))));
      for (; c < n; c++) store<f32>(at(o, c), s - load<f32>(at(x, c)));
    } else {
      for (; c < n4; c += 4) v128.store(at(o, c), f32x4.sub(v128.load(at(x, c)), v));
      for (; c < n; c++) store<f32>(at(o, c), load<f32>(at(x, c)) - s);
    }
  } else {
    if (sx) {
      for (; c < n4; c += 4) v128.store(at(o, c), f32x4.div(v, v128.load(at(x, c))));
      for (; c < n; c++) store<f32>(at(o, c), s / load<f32>(at(x, c)));
    } else {
      for (; c < n4; c += 4) v128.store(at(o, c), f32x4.div(v128.load(at(x, c)), v));
      for (; c < n; c++) store<f32>(at(o, c), load<f32>(at(x, c)) / s);
    }
  }
}

/**
 * Binary operation with broadcasting over an output viewed as [A, ROWS, C]: out = op(x, y), each
 * operand spanning it as ML_FULL (the whole tensor), ML_ROW (a C-vector per a: [N,1,1,C] against
 * [N,H,W,C], the squeeze-excite scale), ML_CHAN (one C-vector: [C] or [1,1,1,C], the BatchNorm
 * gradient's per-channel factors) or ML_SCALAR. FULL with FULL or SCALAR runs flat; otherwise each
 * output row of C is one f32x4 pass. (The built-in wasm kernels index element by element for
 * these broadcasts, and pay tens of microseconds per call even for small same-shape operands.)
 * Slots: X, Y, OUT [A, ROWS, C]; A, ROWS, C, OP, MODE_X, MODE_Y.
 */
export function mlBinary(p: usize): i32 {
  const A = gI(p, K_A), R = gI(p, K_ROWS), C = gI(p, K_C);
  if (A < 1 || R < 1 || C < 1) return ML_BAD_SHAPE;
  const op = gI(p, K_OP), mx = gI(p, K_MODE_X), my = gI(p, K_MODE_Y);
  if (op < ML_ADD || op > ML_DIV || mx < ML_FULL || mx > ML_SCALAR || my < ML_FULL || my > ML_SCALAR) return ML_BAD_OP;
  const x = gP(p, K_X), y = gP(p, K_Y), out = gP(p, K_OUT);
  const n = A * R * C;
  if (mx == ML_FULL && my == ML_FULL) {
    binaryRow(op, x, y, out, n);
    return ML_OK;
  }
  if (my == ML_SCALAR) {
    if (mx == ML_SCALAR) { binaryScalar(op, x, load<f32>(y), false, out, 1); return ML_OK; }
    if (mx != ML_FULL) return ML_BAD_OP;
    binaryScalar(op, x, load<f32>(y), false, out, n);
    return ML_OK;
  }
  if (mx == ML_SCALAR) {
    if (my != ML_FULL) return ML_BAD_OP;
    binaryScalar(op, y, load<f32>(x), true, out, n);
    return ML_OK;
  }
  for (let a = 0; a < A; a++) {
    for (let r = 0; r < R; r++) {
      const i = (a * R + r) * C;
      const xr = mx == ML_FULL ? at(x, i) : mx == ML_ROW ? at(x, a * C) : x;
      const yr = my == ML_FULL ? at(y, i) : my == ML_ROW ? at(y, a * C) : y;
      binaryRow(op, xr, yr, at(out, i), C);
    }
  }
  return ML_OK;
}
