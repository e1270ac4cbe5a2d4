/**
 * Grey values (a CT or SEM scan before segmentation) in memory: the sample types a scan comes in and
 * the typed array of each. Values stay in the file's own type (no scaling, no conversion), so a 16-bit
 * scan takes 2 bytes a voxel and thresholds are in the file's grey units.
 */
import { ConfigError } from "../config/errors.js";

export type GreyDtype = "uint8" | "int8" | "uint16" | "int16" | "float32" | "float64";
export type GreyArray = Uint8Array | Int8Array | Uint16Array | Int16Array | Float32Array | Float64Array;

export const GREY_DTYPES: Record<GreyDtype, { bytes: number; make: (n: number) => GreyArray; integer: boolean }> = {
  uint8: { bytes: 1, make: (n) => new Uint8Array(n), integer: true },
  int8: { bytes: 1, make: (n) => new Int8Array(n), integer: true },
  uint16: { bytes: 2, make: (n) => new Uint16Array(n), integer: true },
  int16: { bytes: 2, make: (n) => new Int16Array(n), integer: true },
  float32: { bytes: 4, make: (n) => new Float32Array(n), integer: false },
  float64: { bytes: 8, make: (n) => new Float64Array(n), integer: false },
};

/** numpy's dtype strings (`np.dtype(...).str`) for the same types, with their byte order. */
const NUMPY: Record<string, [GreyDtype, "little" | "big" | undefined]> = {
  "|u1": ["uint8", undefined],
  "|i1": ["int8", undefined],
  "<u2": ["uint16", "little"],
  ">u2": ["uint16", "big"],
  "<i2": ["int16", "little"],
  ">i2": ["int16", "big"],
  "<f4": ["float32", "little"],
  ">f4": ["float32", "big"],
  "<f8": ["float64", "little"],
  ">f8": ["float64", "big"],
};

/** A dtype name (uint8, int8, uint16, int16, float32, float64) or numpy string (<u2, >f4, |u1), with its byte order when it says one. */
export function greyDtype(name: unknown): { dtype: GreyDtype; byteOrder?: "little" | "big" } | undefined {
  if (typeof name !== "string") return undefined;
  if (name in GREY_DTYPES) return { dtype: name as GreyDtype };
  const np = NUMPY[name];
  return np ? { dtype: np[0], byteOrder: np[1] } : undefined;
}

/** The grey dtype of TIFF samples: BitsPerSample and SampleFormat (1 unsigned, 2 signed, 3 float). */
export function tiffGreyDtype(bits: number, format: number): GreyDtype {
  if (format === 3) return bits === 64 ? "float64" : "float32";
  if (bits === 8) return format === 2 ? "int8" : "uint8";
  return format === 2 ? "int16" : "uint16";
}

/**
 * `n` samples of `dtype` from raw bytes in `byteOrder`, written into `into` at `at`. Whole multi-byte
 * samples only: `bytes` holds n * size bytes.
 */
export function samplesFromBytes(
  bytes: Uint8Array,
  dtype: GreyDtype,
  byteOrder: "little" | "big",
  into: GreyArray,
  at: number,
  n: number,
): void {
  const size = GREY_DTYPES[dtype].bytes;
  if (bytes.length < n * size) throw new ConfigError(`grey samples: ${bytes.length} bytes for ${n} samples of ${dtype}`);
  const d = new DataView(bytes.buffer, bytes.byteOffset, n * size);
  const le = byteOrder === "little";
  switch (dtype) {
    case "uint8":
      into.set(bytes.subarray(0, n), at);
      return;
    case "int8":
      into.set(new Int8Array(bytes.buffer, bytes.byteOffset, n), at);
      return;
    case "uint16":
      for (let i = 0; i < n; i++) into[at + i] = d.getUint16(2 * i, le);
      return;
    case "int16":
      for (let i = 0; i < n; i++) into[at + i] = d.getInt16(2 * i, le);
      return;
    case "float32":
      for (let i = 0; i < n; i++) into[at + i] = d.getFloat32(4 * i, le);
      return;
    case "float64":
      for (let i = 0; i < n; i++) into[at + i] = d.getFloat64(8 * i, le);
      return;
  }
}

/** Samples decoded as unsigned integers (the `tiff` package's 8/16-bit output) seen as the signed type they hold. */
export function asSigned(v: ArrayLike<number>, dtype: GreyDtype): ArrayLike<number> {
  if (dtype === "int16" && v instanceof Uint16Array) return new Int16Array(v.buffer, v.byteOffset, v.length);
  if (dtype === "int8" && v instanceof Uint8Array) return new Int8Array(v.buffer, v.byteOffset, v.length);
  return v;
}

/** Rows y[0]..y[1] and columns x[0]..x[1] (half-open) of a plane of `w` columns, in the plane's type (the plane itself when that is all of it). */
export function cropPlane(a: GreyArray, w: number, y: [number, number], x: [number, number]): GreyArray {
  const nx = x[1] - x[0];
  if (y[0] === 0 && x[0] === 0 && nx === w && y[1] * w === a.length) return a;
  const out = new (a.constructor as new (n: number) => GreyArray)((y[1] - y[0]) * nx);
  for (let r = y[0]; r < y[1]; r++) out.set(a.subarray(r * w + x[0], r * w + x[1]), (r - y[0]) * nx);
  return out;
}
