// MaxPoolGrad for the kernel pack (see kernels.ts for the conventions of every ML kernel).
import { gI, gP } from "../common/mem";
import { K_X, K_DY, K_OUT, K_B, K_H, K_WD, K_C, K_OH, K_OW, K_KH, K_KW, K_SH, K_SW, K_DH, K_DW, K_PT, K_PL, ML_OK } from "./layout";
import { at } from "./lanes";
import { tapLo, tapHi, checkWindow } from "./window";

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
