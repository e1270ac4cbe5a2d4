// The two depthwise-convolution gradients for the kernel pack (see kernels.ts).
import { gI, gP } from "../common/mem";
import {
  K_X, K_DY, K_OUT, K_W, K_WORK, K_B, K_H, K_WD, K_C, K_OH, K_OW, K_KH, K_KW, K_SH, K_SW, K_DH, K_DW, K_PT,
  K_PL, K_M, ML_OK, ML_BAD_SHAPE,
} from "./layout";
import { at } from "./lanes";
import { tapLo, tapHi, checkWindow } from "./window";

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
