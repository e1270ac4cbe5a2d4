/**
 * Plain-TypeScript references for the core's ML kernels (assembly/ml/kernels.ts): the textbook
 * loops, written independently of the SIMD versions (gathers where those scatter, f64 sums), for
 * the kernel tests. Same conventions: f32 NHWC, window geometry as in core.ts.
 */
import type { Window } from "./core.js";

/** Taps of one window along one axis: positions o0 + k*d inside [0, n), in k order. */
function taps(o0: number, d: number, n: number, K: number): number[] {
  const r: number[] = [];
  for (let k = 0; k < K; k++) {
    const i = o0 + k * d;
    if (i >= 0 && i < n) r.push(i);
  }
  return r;
}

export function maxPoolGradRef(x: Float32Array, dy: Float32Array, w: Window): Float32Array {
  const dx = new Float64Array(w.B * w.H * w.W * w.C);
  for (let b = 0; b < w.B; b++)
    for (let oy = 0; oy < w.OH; oy++)
      for (let ox = 0; ox < w.OW; ox++) {
        const ys = taps(oy * w.SH - w.PT, w.DH, w.H, w.KH),
          xs = taps(ox * w.SW - w.PL, w.DW, w.W, w.KW);
        for (let c = 0; c < w.C; c++) {
          let best = -1,
            mx = -Infinity;
          for (const iy of ys)
            for (const ix of xs) {
              const i = ((b * w.H + iy) * w.W + ix) * w.C + c;
              if (best < 0 || x[i] > mx) {
                mx = x[i];
                best = i;
              }
            }
          if (best >= 0) dx[best] += dy[((b * w.OH + oy) * w.OW + ox) * w.C + c];
        }
      }
  return Float32Array.from(dx);
}

export function biasGradRef(x: Float32Array, C: number): Float32Array {
  const s = new Float64Array(C);
  for (let i = 0; i < x.length; i++) s[i % C] += x[i];
  return Float32Array.from(s);
}

export function tileRef(x: ArrayLike<number>, shape: readonly number[], reps: readonly number[]): number[] {
  const outShape = shape.map((s, k) => s * reps[k]);
  const n = outShape.reduce((a, b) => a * b, 1);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    // unravel i in the output, fold each coordinate into the input, ravel again
    let rem = i,
      src = 0,
      stride = 1;
    for (let k = outShape.length - 1; k >= 0; k--) {
      const o = rem % outShape[k];
      rem = Math.floor(rem / outShape[k]);
      src += (o % shape[k]) * stride;
      stride *= shape[k];
    }
    out[i] = x[src];
  }
  return out;
}

/** dx[b,iy,ix,c] gathered: every (oy, kh) with oy*SH - PT + kh*DH = iy (likewise x). */
export function depthwiseBackpropInputRef(dy: Float32Array, f: Float32Array, w: Window, M: number): Float32Array {
  const dx = new Float32Array(w.B * w.H * w.W * w.C);
  const CM = w.C * M;
  for (let b = 0; b < w.B; b++)
    for (let iy = 0; iy < w.H; iy++)
      for (let ix = 0; ix < w.W; ix++)
        for (let c = 0; c < w.C; c++) {
          let s = 0;
          for (let kh = 0; kh < w.KH; kh++) {
            const ty = iy + w.PT - kh * w.DH;
            if (ty < 0 || ty % w.SH !== 0 || ty / w.SH >= w.OH) continue;
            const oy = ty / w.SH;
            for (let kw = 0; kw < w.KW; kw++) {
              const tx = ix + w.PL - kw * w.DW;
              if (tx < 0 || tx % w.SW !== 0 || tx / w.SW >= w.OW) continue;
              const ox = tx / w.SW;
              for (let m = 0; m < M; m++) s += dy[((b * w.OH + oy) * w.OW + ox) * CM + c * M + m] * f[(kh * w.KW + kw) * CM + c * M + m];
            }
          }
          dx[((b * w.H + iy) * w.W + ix) * w.C + c] = s;
        }
  return dx;
}

export function depthwiseBackpropFilterRef(x: Float32Array, dy: Float32Array, w: Window, M: number): Float32Array {
  const CM = w.C * M;
  const dw = new Float64Array(w.KH * w.KW * CM);
  for (let kh = 0; kh < w.KH; kh++)
    for (let kw = 0; kw < w.KW; kw++)
      for (let c = 0; c < w.C; c++)
        for (let m = 0; m < M; m++) {
          let s = 0;
          for (let b = 0; b < w.B; b++)
            for (let oy = 0; oy < w.OH; oy++) {
              const iy = oy * w.SH - w.PT + kh * w.DH;
              if (iy < 0 || iy >= w.H) continue;
              for (let ox = 0; ox < w.OW; ox++) {
                const ix = ox * w.SW - w.PL + kw * w.DW;
                if (ix < 0 || ix >= w.W) continue;
                s += x[((b * w.H + iy) * w.W + ix) * w.C + c] * dy[((b * w.OH + oy) * w.OW + ox) * CM + c * M + m];
              }
            }
          dw[(kh * w.KW + kw) * CM + c * M + m] = s;
        }
  return Float32Array.from(dw);
}

/** dw[kh,kw,c,o] of an ordinary convolution (dilation 1): the sum over b, oy, ox of x dy. */
export function convFilterGradRef(x: Float32Array, dy: Float32Array, w: Window, O: number): Float32Array {
  const dw = new Float64Array(w.KH * w.KW * w.C * O);
  for (let b = 0; b < w.B; b++)
    for (let oy = 0; oy < w.OH; oy++)
      for (let ox = 0; ox < w.OW; ox++) {
        for (let kh = 0; kh < w.KH; kh++) {
          const iy = oy * w.SH - w.PT + kh;
          if (iy < 0 || iy >= w.H) continue;
          for (let kw = 0; kw < w.KW; kw++) {
            const ix = ox * w.SW - w.PL + kw;
            if (ix < 0 || ix >= w.W) continue;
            for (let c = 0; c < w.C; c++) {
              const xv = x[((b * w.H + iy) * w.W + ix) * w.C + c];
              for (let o = 0; o < O; o++) dw[((kh * w.KW + kw) * w.C + c) * O + o] += xv * dy[((b * w.OH + oy) * w.OW + ox) * O + o];
            }
          }
        }
      }
  return Float32Array.from(dw);
}

/** out[a, c] = scale * sum over r of x[a, r, c] (f64). */
export function reduceRowsRef(x: Float32Array, A: number, R: number, C: number, scale: number): Float32Array {
  const out = new Float32Array(A * C);
  for (let a = 0; a < A; a++)
    for (let c = 0; c < C; c++) {
      let s = 0;
      for (let r = 0; r < R; r++) s += x[(a * R + r) * C + c];
      out[a * C + c] = s * scale;
    }
  return out;
}

/** (x - mean) * gamma / sqrt(variance + eps) + beta per channel of x viewed as [R, C] (f64). */
export function batchNormRef(
  x: Float32Array,
  C: number,
  v: { mean: Float32Array; variance: Float32Array; gamma: Float32Array; beta: Float32Array },
  eps: number,
): Float32Array {
  return x.map((xv, i) => {
    const c = i % C;
    return ((xv - v.mean[c]) * v.gamma[c]) / Math.sqrt(v.variance[c] + eps) + v.beta[c];
  });
}

/**
 * op(x, y) (0 add, 1 sub, 2 mul, 3 div) over an output [A, R, C]; each operand's index is
 * computed from its span: 0 the whole output, 1 a C-vector per a, 2 one C-vector, 3 a scalar.
 */
export function binaryRef(
  op: number,
  x: Float32Array,
  mx: number,
  y: Float32Array,
  my: number,
  A: number,
  R: number,
  C: number,
): Float32Array {
  const idx = (m: number, a: number, r: number, c: number) => (m === 0 ? (a * R + r) * C + c : m === 1 ? a * C + c : m === 2 ? c : 0);
  const out = new Float32Array(A * R * C);
  for (let a = 0; a < A; a++)
    for (let r = 0; r < R; r++)
      for (let c = 0; c < C; c++) {
        const u = x[idx(mx, a, r, c)],
          w = y[idx(my, a, r, c)];
        out[(a * R + r) * C + c] = op === 0 ? u + w : op === 1 ? u - w : op === 2 ? u * w : u / w;
      }
  return out;
}
