// Memory layout of the surrogate network (paper 001 §2.2.2, eq 40-42; SPEC §6), shared by the AssemblyScript
// kernels and the TypeScript host (host/multiscale/mlp.ts). One header block of 8-byte slots (Q_*): sizes,
// flags and pointers to f64 arrays the host allocates. Plain numeric constants.
//
// The network: inputs min-max scaled, one hidden ReLU layer, a linear or ReLU output layer, outputs scaled
// back:  xs = (x - XLO) XINV,  h = relu(W1 xs + B1),  ys = W2 h + B2 (relu if OUTRELU),  y = YLO + ys YSPAN.
// The hidden width NH is even (the host pads with zero units: they add exact zeros), so the f64x2 lanes of the
// SIMD kernel hold units j and j+1.

export const Q_NIN = 0; //     i32  inputs
export const Q_NH = 1; //      i32  hidden units (even)
export const Q_NOUT = 2; //    i32  outputs
export const Q_NB = 3; //      i32  rows of the batch
export const Q_OUTRELU = 4; // i32  1: ReLU on the output layer (paper 001: rates are >= 0)
export const Q_W1T = 5; //     ptr  f64[nin nh] first layer, input-major: W1T[i nh + j] = weight of input i into unit j
export const Q_B1 = 6; //      ptr  f64[nh]
export const Q_W2 = 7; //      ptr  f64[nout nh] output layer, output-major: W2[o nh + j]
export const Q_B2 = 8; //      ptr  f64[nout]
export const Q_XLO = 9; //     ptr  f64[nin] input scaling: xs = (x - XLO) XINV
export const Q_XINV = 10; //   ptr  f64[nin]
export const Q_YLO = 11; //    ptr  f64[nout] output scaling: y = YLO + ys YSPAN
export const Q_YSPAN = 12; //  ptr  f64[nout]
export const Q_X = 13; //      ptr  f64[nb nin] inputs, row-major
export const Q_Y = 14; //      ptr  f64[nb nout] outputs, row-major
export const Q_H = 15; //      ptr  f64[nh] hidden activations (scratch)
export const Q_G = 16; //      ptr  f64[nb nout nin] mlpForwardGrad: dy_o / dx_i per row, x as the host passes it
//                              (after log10, before scaling): G[(b nout + o) nin + i]

// ---- mlpForwardGradCached: the network as an affine map per activation pattern, kept per row across calls ----
// Within one pattern M of the hidden units (which are > 0) the ReLU net is affine in the scaled inputs,
//   ys = A_M xs + c_M + B2,  A_M = W2 diag(M) W1,  c_M = W2 diag(M) B1,
// so a row whose pattern changed in k units since the last call needs only its pre-activations moved by the
// inputs that changed (a constant input such as Gc costs nothing) and k rank-one updates of (A, c), instead of
// the whole forward and gradient ((nin + nout + nout nin) nh).
export const Q_ACT = 17; //    ptr  f64[nb] 1: evaluate the row this call; 0: skip it (its cache goes stale)
export const Q_MASK = 18; //   ptr  f64[nb nh] each row's pattern (1: unit active), persistent
export const Q_AC = 19; //     ptr  f64[nb nout (nin + 1)] each row's A_M (nout x nin, row-major) then c_M (nout), persistent
export const Q_RST = 20; //    ptr  f64[nb 2] each row's state: valid (0: rebuild), calls since the rebuild
export const Q_REFRESH = 21; // i32 rebuild (A, c) from the pattern after this many incremental calls (bounds rounding drift)
export const Q_Z = 22; //      ptr  f64[nb nh] each row's pre-activations, persistent: updated by the inputs that changed
export const Q_XR = 23; //     ptr  f64[nb nin] each row's scaled inputs at its last call

export const HEADER_SLOTS = 24;
