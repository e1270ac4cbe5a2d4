/**
 * The two convolution gradients on the wasm backend's own XNNPACK kernels (tfjs-backend-wasm
 * 4.22.0 has naive C++ loops for Conv2DBackpropInput, ~6x slower, and no Conv2DBackpropFilter).
 *
 * With x [B,H,W,C], filter w [KH,KW,C,O], stride s, top/left pads pt/pl and
 * y[b,oy,ox,o] = sum_{kh,kw,c} x[b, oy*s+kh-pt, ox*s+kw-pl, c] w[kh,kw,c,o]:
 *
 *   dx (s = 1) = conv(dy, flip_hw(w) with C and O swapped, pads (KH-1-pt, KW-1-pl))
 *   dx (s > 1) = col2im(dy [B*OH*OW, O] . w^T [O, KH*KW*C])
 *   dw [KH*KW*C, O] = im2row(x) [KH*KW*C, B*OH*OW] . dy [B*OH*OW, O]
 *                     (or the core's direct kernel where that is faster, see CORE_MAX_O)
 *
 * The bottom/right pads of the stride-1 dx convolution are chosen so its output has exactly the
 * input's size; col2im places every product by the forward pass's own top/left pads, so the
 * asymmetric 'same' padding of stride 2 (computeConv2DInfo's padInfo) needs no special case.
 */
import type * as TF from "@tensorflow/tfjs";
import type { TensorInfo, NamedAttrMap, KernelFunc } from "@tensorflow/tfjs";
import { type Builtins, assertNhwc, type KernelArgs, type WasmBackend } from "./util.js";
import { windowOf, type CoreMlKernels } from "./core.js";

type Pad = "valid" | "same" | number | [[number, number], [number, number], [number, number], [number, number]];

function convInfo(tf: typeof TF, xShape: number[], wShape: number[], attrs: NamedAttrMap) {
  const fmt = tf.backend_util.convertConv2DDataFormat((attrs.dataFormat as "NHWC" | "NCHW") ?? "NHWC");
  if (fmt !== "channelsLast") throw new Error(`ml pack: conv gradients support dataFormat 'NHWC' only, got '${attrs.dataFormat}'`);
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    wShape as [number, number, number, number],
    attrs.strides as [number, number] | number,
    1,
    attrs.pad as Pad,
    attrs.dimRoundingMode as "floor" | "round" | "ceil" | undefined,
    false,
    fmt,
  );
}

/** Largest im2row / col2im matrix (floats) the conv gradients build at once: 16 MiB, cache- and heap-friendly. */
let im2rowFloats = 4 << 20;

/** Sets the im2row / col2im chunk limit (floats); returns the previous one. Tests use it to exercise chunking on small tensors. */
export function setIm2rowChunkFloats(n: number): number {
  if (!(Number.isInteger(n) && n >= 1)) throw new Error(`ml pack: im2row chunk of ${n} floats; expected a positive integer`);
  const old = im2rowFloats;
  im2rowFloats = n;
  return old;
}

/**
 * dx += col2im(cols): cols [(b, oy, ox), (kh, kw, c)] = dy . w^T for images b0..b0+n-1, each
 * entry added to x position (oy*sh + kh - pt, ox*sw + kw - pl) when that is inside the image.
 */
function col2im(
  cols: Float32Array,
  dx: Float32Array,
  g: {
    b0: number;
    n: number;
    C: number;
    H: number;
    W: number;
    OH: number;
    OW: number;
    KH: number;
    KW: number;
    sh: number;
    sw: number;
    pt: number;
    pl: number;
  },
): void {
  const { b0, n, C, H, W, OH, OW, KH, KW, sh, sw, pt, pl } = g;
  const taps = KH * KW * C;
  for (let j = 0; j < n; j++) {
    for (let oy = 0; oy < OH; oy++) {
      for (let kh = 0; kh < KH; kh++) {
        const iy = oy * sh + kh - pt;
        if (iy < 0 || iy >= H) continue;
        const drow = ((b0 + j) * H + iy) * W;
        for (let ox = 0; ox < OW; ox++) {
          const crow = ((j * OH + oy) * OW + ox) * taps + kh * KW * C;
          for (let kw = 0; kw < KW; kw++) {
            const ix = ox * sw + kw - pl;
            if (ix < 0 || ix >= W) continue;
            const d = (drow + ix) * C,
              s = crow + kw * C;
            for (let c = 0; c < C; c++) dx[d + c] += cols[s + c];
          }
        }
      }
    }
  }
}

/**
 * Conv2DBackpropInput for strides > 1 (and pads wider than the filter): dx = col2im(dy . w^T),
 * one XNNPACK product [n*OH*OW, O] x [O, KH*KW*C] per chunk of images. It does the forward
 * convolution's work; the stride-1 convolution of dy dilated by the stride would do s^2 times more.
 */
function backpropInputCol2im(
  b: Builtins,
  backend: WasmBackend,
  dy: TensorInfo,
  filter: TensorInfo,
  info: TF.backend_util.Conv2DInfo,
): TensorInfo {
  const [KH, KW, C, O] = filter.shape;
  const B = info.batchSize,
    OH = info.outHeight,
    OW = info.outWidth,
    pix = OH * OW,
    taps = KH * KW * C;
  const g = {
    b0: 0,
    n: 0,
    C,
    H: info.inHeight,
    W: info.inWidth,
    OH,
    OW,
    KH,
    KW,
    sh: info.strideHeight,
    sw: info.strideWidth,
    pt: info.padInfo.top,
    pl: info.padInfo.left,
  };
  const wt = b.call("Transpose", { x: filter }, { perm: [3, 0, 1, 2] }); // [O, KH*KW*C]
  const dx = backend.makeOutput([B, g.H, g.W, C], "float32");
  backend.typedArrayFromHeap(dx).fill(0);
  const nb = Math.max(1, Math.min(B, Math.floor(im2rowFloats / (taps * pix))));
  for (let b0 = 0; b0 < B; b0 += nb) {
    const n = Math.min(nb, B - b0);
    const dyc = n === B ? dy : backend.makeOutput([n, OH, OW, O], "float32");
    if (dyc !== dy) backend.typedArrayFromHeap(dyc).set(backend.typedArrayFromHeap(dy).subarray(b0 * pix * O, (b0 + n) * pix * O));
    const cols = b.call(
      "BatchMatMul",
      {
        a: { dataId: dyc.dataId, shape: [n * pix, O], dtype: "float32" } as TensorInfo,
        b: { dataId: wt.dataId, shape: [O, taps], dtype: "float32" } as TensorInfo,
      },
      { transposeA: false, transposeB: false },
    );
    // views after the allocations above (heap growth detaches views)
    col2im(backend.typedArrayFromHeap(cols), backend.typedArrayFromHeap(dx), { ...g, b0, n });
    b.dispose(cols);
    if (dyc !== dy) b.dispose(dyc);
  }
  b.dispose(wt);
  return dx;
}

export function conv2DBackpropInput(tf: typeof TF, b: Builtins): KernelFunc {
  return ((args: KernelArgs) => {
    const { dy, filter } = args.inputs;
    const attrs = args.attrs ?? {};
    assertNhwc("Conv2DBackpropInput", "dy", dy);
    const inputShape = attrs.inputShape as number[];
    const info = convInfo(tf, inputShape, filter.shape, attrs);
    const [KH, KW] = [info.filterHeight, info.filterWidth];
    const { top, left } = info.padInfo;
    const ptp = KH - 1 - top,
      plp = KW - 1 - left;
    const pbp = info.inHeight + top - 1 - (info.outHeight - 1) * info.strideHeight;
    const prp = info.inWidth + left - 1 - (info.outWidth - 1) * info.strideWidth;
    const backend = args.backend;
    if (info.strideHeight > 1 || info.strideWidth > 1 || ptp < 0 || plp < 0 || pbp < 0 || prp < 0) {
      // strided, or pads wider than the filter (explicit pads only: no stride-1 equivalent)
      return backpropInputCol2im(b, backend, dy, filter, info);
    }
    const wr = b.call("Reverse", { x: filter }, { dims: [0, 1] });
    const wt = b.call("Transpose", { x: wr }, { perm: [0, 1, 3, 2] });
    b.dispose(wr);
    const dx = b.call(
      "Conv2D",
      { x: dy, filter: wt },
      {
        strides: [1, 1],
        dilations: [1, 1],
        pad: [
          [0, 0],
          [ptp, pbp],
          [plp, prp],
          [0, 0],
        ],
        dataFormat: "NHWC",
        dimRoundingMode: undefined as never,
      },
    );
    b.dispose(wt);
    return dx;
  }) as unknown as KernelFunc;
}

/**
 * Rows (kh, kw, c) of the transposed im2col matrix of images b0..b0+n-1: row t = (kh*KW + kw)*C + c
 * holds x[b, oy*sh + kh - pt, ox*sw + kw - pl, c] over (b, oy, ox), zero where that is padding.
 * xo: float offset of x^T [C,B,H,W] in the heap, po: float offset of the [taps, n*OH*OW] matrix.
 * Stride 1 with OW == W ('same') copies a whole image plane per row as one flat shifted block
 * (the row-wrapped columns are zeroed afterwards), so the copy count is taps*n, not taps*n*OH.
 */
function im2row(
  heap: Float32Array,
  xo: number,
  po: number,
  g: {
    B: number;
    b0: number;
    n: number;
    C: number;
    H: number;
    W: number;
    OH: number;
    OW: number;
    KH: number;
    KW: number;
    sh: number;
    sw: number;
    pt: number;
    pl: number;
  },
): void {
  const { B, b0, n, C, H, W, OH, OW, KH, KW, sh, sw, pt, pl } = g;
  const pix = OH * OW;
  const flat = sh === 1 && sw === 1 && OW === W;
  for (let kh = 0; kh < KH; kh++) {
    const dh = kh - pt;
    const oyLo = Math.max(0, Math.ceil(-dh / sh)),
      oyHi = Math.min(OH, Math.floor((H - 1 - dh) / sh) + 1);
    for (let kw = 0; kw < KW; kw++) {
      const dw = kw - pl;
      const oxLo = Math.max(0, Math.ceil(-dw / sw)),
        oxHi = Math.min(OW, Math.floor((W - 1 - dw) / sw) + 1);
      for (let c = 0; c < C; c++) {
        const row = po + ((kh * KW + kw) * C + c) * n * pix;
        for (let j = 0; j < n; j++) {
          const src = xo + (c * B + b0 + j) * H * W,
            dst = row + j * pix;
          if (oyLo >= oyHi || oxLo >= oxHi) {
            heap.fill(0, dst, dst + pix);
            continue;
          }
          heap.fill(0, dst, dst + oyLo * OW);
          heap.fill(0, dst + oyHi * OW, dst + pix);
          if (flat) {
            const shift = dh * W + dw,
              d0 = oyLo * OW + oxLo,
              d1 = (oyHi - 1) * OW + oxHi;
            heap.copyWithin(dst + d0, src + d0 + shift, src + d1 + shift);
            if (oxLo > 0 || oxHi < OW) {
              for (let oy = oyLo; oy < oyHi; oy++) {
                const r = dst + oy * OW;
                for (let ox = 0; ox < oxLo; ox++) heap[r + ox] = 0;
                for (let ox = oxHi; ox < OW; ox++) heap[r + ox] = 0;
              }
            }
            continue;
          }
          for (let oy = oyLo; oy < oyHi; oy++) {
            const r = dst + oy * OW,
              s = src + (oy * sh + dh) * W + dw;
            for (let ox = 0; ox < oxLo; ox++) heap[r + ox] = 0;
            for (let ox = oxHi; ox < OW; ox++) heap[r + ox] = 0;
            if (sw === 1) heap.copyWithin(r + oxLo, s + oxLo, s + oxHi);
            else for (let ox = oxLo; ox < oxHi; ox++) heap[r + ox] = heap[s + ox * sw];
          }
        }
      }
    }
  }
}

/**
 * Conv2DBackpropFilter as im2row + one XNNPACK matrix product per chunk of images:
 * dw [KH*KW*C, O] = P [KH*KW*C, n*OH*OW] . dy [n*OH*OW, O], P built from x^T [C,B,H,W]
 * (one built-in Transpose) by row copies. The product runs at ~30 GFLOP/s here, against
 * 2-10 GFLOP/s for dw as an XNNPACK convolution with dy^T as a 224x224 filter (model A, 1 core).
 */
/**
 * When dw takes the core's direct kernel instead of im2row + XNNPACK product: the product runs
 * ~28 GFLOP/s but first packs all of dy (~5 ns per float here), which dominates with few taps per
 * output channel; the core kernel runs ~22-25 GFLOP/s with nothing to pack. Measured on model A's
 * layers (16 images): 224x224 C 1 O 32: 139 -> 30 ms; 112x112 C 32 O 32: 190 -> 150-170 ms;
 * 56x56 C 32 O 32: 51 -> 40 ms; but 28x28 C 32 O 64: 18 (product) vs 21 ms, and the product wins
 * more clearly for O >= 64 (16x16 C 48 O 192: 27 vs 42 ms).
 */
const FEW_TAPS = 12;
const CORE_MAX_O = 32;

export function conv2DBackpropFilter(tf: typeof TF, b: Builtins, core: CoreMlKernels): KernelFunc {
  return ((args: KernelArgs) => {
    const { x, dy } = args.inputs;
    const attrs = args.attrs ?? {};
    assertNhwc("Conv2DBackpropFilter", "x", x);
    assertNhwc("Conv2DBackpropFilter", "dy", dy);
    const filterShape = attrs.filterShape as number[];
    const info = convInfo(tf, x.shape, filterShape, attrs);
    const [KH, KW, C, O] = filterShape;
    const B = x.shape[0],
      OH = info.outHeight,
      OW = info.outWidth;
    const taps = KH * KW * C,
      pix = OH * OW;
    const backend = args.backend;
    if (O % 4 === 0 && (KW * C <= FEW_TAPS || O <= CORE_MAX_O)) {
      const out = backend.makeOutput(filterShape, "float32");
      core.convFilterGrad(
        backend.typedArrayFromHeap(x),
        backend.typedArrayFromHeap(dy),
        windowOf(info),
        O,
        backend.typedArrayFromHeap(out),
      );
      return out;
    }
    const nb = Math.max(1, Math.min(B, Math.floor(im2rowFloats / (taps * pix))));
    // x^T [C,B,H,W]: every (c, b) image plane contiguous; with C = 1 x already is laid out so
    const xt = C === 1 ? x : b.call("Transpose", { x }, { perm: [3, 0, 1, 2] });
    const g = {
      B,
      b0: 0,
      n: 0,
      C,
      H: info.inHeight,
      W: info.inWidth,
      OH,
      OW,
      KH,
      KW,
      sh: info.strideHeight,
      sw: info.strideWidth,
      pt: info.padInfo.top,
      pl: info.padInfo.left,
    };
    let acc: Float32Array | undefined;
    let result: TensorInfo | undefined;
    for (let b0 = 0; b0 < B; b0 += nb) {
      const n = Math.min(nb, B - b0);
      const P = backend.makeOutput([taps, n * pix], "float32");
      // images b0..b0+n-1 of dy (the built-in Slice would copy all of dy out of the heap first)
      const dyc = n === B ? dy : backend.makeOutput([n, OH, OW, O], "float32");
      // offsets are stable; heap views are taken after the allocations above (growth detaches views)
      if (dyc !== dy) backend.typedArrayFromHeap(dyc).set(backend.typedArrayFromHeap(dy).subarray(b0 * pix * O, (b0 + n) * pix * O));
      const heap = new Float32Array(backend.wasm.HEAPU8.buffer);
      im2row(heap, backend.dataIdMap.get(xt.dataId)!.memoryOffset / 4, backend.dataIdMap.get(P.dataId)!.memoryOffset / 4, { ...g, b0, n });
      const r = b.call(
        "BatchMatMul",
        { a: P, b: { dataId: dyc.dataId, shape: [n * pix, O], dtype: "float32" } as TensorInfo },
        { transposeA: false, transposeB: false },
      );
      b.dispose(P);
      if (dyc !== dy) b.dispose(dyc);
      if (n === B) {
        result = r;
        break;
      }
      const rv = backend.typedArrayFromHeap(r);
      if (!acc) acc = Float32Array.from(rv);
      else for (let i = 0; i < acc.length; i++) acc[i] += rv[i];
      b.dispose(r);
    }
    if (xt !== x) b.dispose(xt);
    if (result) return { dataId: result.dataId, shape: filterShape, dtype: "float32" } as TensorInfo;
    const out = backend.makeOutput(filterShape, "float32");
    backend.typedArrayFromHeap(out).set(acc!);
    return out;
  }) as unknown as KernelFunc;
}
