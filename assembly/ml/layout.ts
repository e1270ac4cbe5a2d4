// Parameter block of the ML training kernels (assembly/ml/kernels.ts), shared with the host
// (host/ml/kernels/core.ts). One block of 8-byte slots (accessors in common/mem.ts) per call;
// tensors are f32 (Tile: any 4-byte type), NHWC, laid out by the host in the core's memory
// (16-byte aligned, though v128.load does not require it).
// Plain numeric constants only.

export const K_X = 0; //      ptr  input x [B,H,W,C] (MaxPoolGrad, depthwise filter gradient), or the tensor to reduce/tile
export const K_DY = 1; //     ptr  output gradient dy [B,OH,OW,C*M]
export const K_OUT = 2; //    ptr  result (dx [B,H,W,C], dw [KH,KW,C,M], sums [C], tiled tensor)
export const K_W = 3; //      ptr  depthwise filter [KH,KW,C,M] (input gradient)
export const K_WORK = 4; //   ptr  scratch the host sizes with the kernel's documented need
export const K_B = 5; //      i32  batch
export const K_H = 6; //      i32  input height
export const K_WD = 7; //     i32  input width
export const K_C = 8; //      i32  input channels
export const K_OH = 9; //     i32  output height
export const K_OW = 10; //    i32  output width
export const K_KH = 11; //    i32  window / filter height
export const K_KW = 12; //    i32  window / filter width
export const K_SH = 13; //    i32  stride along the height
export const K_SW = 14; //    i32  stride along the width
export const K_DH = 15; //    i32  dilation along the height
export const K_DW = 16; //    i32  dilation along the width
export const K_PT = 17; //    i32  top padding
export const K_PL = 18; //    i32  left padding
export const K_M = 19; //     i32  depthwise channel multiplier
export const K_ROWS = 20; //  i32  bias sum: rows of the [ROWS, C] view
export const K_RANK = 21; //  i32  tile: rank
export const K_SHAPE = 22; // ptr  tile: i32[rank] input shape
export const K_REPS = 23; //  ptr  tile: i32[rank] repetitions
export const K_O = 24; //     i32  convolution filter gradient: output channels
export const PARAM_SLOTS = 32;

// ---- status codes ----
export const ML_OK = 0;
export const ML_BAD_SHAPE = 1; //    a dimension, stride, dilation, multiplier or row count < 1, or a negative pad
export const ML_BAD_RANK = 2; //     tile rank outside 1..8
