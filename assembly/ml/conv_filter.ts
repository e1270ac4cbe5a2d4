// Conv2DBackpropFilter where it beats the XNNPACK matrix product (see kernels.ts, host/ml/kernels/conv.ts).
import { gI, gP } from "../common/mem";
import { K_X, K_DY, K_OUT, K_WORK, K_B, K_H, K_WD, K_C, K_OH, K_OW, K_KH, K_KW, K_SH, K_SW, K_O, ML_OK, ML_BAD_SHAPE } from "./layout";
import { at, fold4 } from "./lanes";

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
  if (B < 1 || H < 1 || W < 1 || C < 1 || OH < 1 || OW < 1 || KH < 1 || KW < 1 || SH < 1 || SW < 1) return ML_BAD_SHAPE;
  if (O < 4 || (O & 3) != 0) return ML_BAD_SHAPE;
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
