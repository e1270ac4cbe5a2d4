// FusedBatchNorm and the broadcasting binary operations for the kernel pack (see kernels.ts).
import { gI, gP, gF } from "../common/mem";
import {
  K_X, K_OUT, K_WORK, K_C, K_ROWS, ML_OK, ML_BAD_SHAPE, K_A, K_OP, K_MODE_X, K_MODE_Y, K_Y, K_EPS, K_MEAN,
  K_VAR, K_GAMMA, K_BETA, ML_ADD, ML_SUB, ML_MUL, ML_DIV, ML_FULL, ML_ROW, ML_CHAN, ML_SCALAR, ML_BAD_OP,
} from "./layout";
import { at } from "./lanes";

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
