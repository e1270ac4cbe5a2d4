// Parameter block of the ML training kernels (assembly/ml/kernels.ts), shared with the host
// (host/ml/kernels/core.ts, host/ml/kernels/inplace.ts). One block of 8-byte slots (accessors in
// common/mem.ts) per call; tensors are f32 (Tile: any 4-byte type), NHWC, laid out by the host in
// the core's memory, or, for the build/assbkit-ml.wasm instance, tfjs-wasm tensors in place on the
// tfjs heap (any 4-byte alignment: v128.load does not require more).
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
export const K_A = 25; //     i32  reduce / binary: outer count A of the [A, ROWS, C] view
export const K_SCALE = 26; // f64  reduce: factor applied to the sums (1 for Sum, 1/ROWS for Mean)
export const K_OP = 27; //    i32  binary: ML_ADD, ML_SUB, ML_MUL or ML_DIV
export const K_MODE_X = 28; // i32 binary: how X spans the [A, ROWS, C] output (ML_FULL, ML_ROW, ML_CHAN, ML_SCALAR)
export const K_MODE_Y = 29; // i32 binary: how Y spans it
export const K_Y = 30; //     ptr  binary: second operand
export const K_EPS = 31; //   f64  batch norm: variance epsilon
export const K_MEAN = 32; //  ptr  batch norm: f32[C] mean
export const K_VAR = 33; //   ptr  batch norm: f32[C] variance
export const K_GAMMA = 34; // ptr  batch norm: f32[C] scale
export const K_BETA = 35; //  ptr  batch norm: f32[C] offset
export const PARAM_SLOTS = 40;

// ---- binary operations and operand spans (mlBinary) ----
export const ML_ADD = 0;
export const ML_SUB = 1;
export const ML_MUL = 2;
export const ML_DIV = 3;
export const ML_FULL = 0; //  the whole [A, ROWS, C] tensor
export const ML_ROW = 1; //   one C-vector per a ([N,1,1,C] against [N,H,W,C])
export const ML_CHAN = 2; //  one C-vector for all ([C] or [1,1,1,C])
export const ML_SCALAR = 3; // one value for all

// ---- status codes ----
export const ML_OK = 0;
export const ML_BAD_SHAPE = 1; //    a dimension, stride, dilation, multiplier or row count < 1, or a negative pad
export const ML_BAD_RANK = 2; //     tile rank outside 1..8
export const ML_BAD_OP = 3; //       binary: unknown operation or operand span
