/**
 * The Thrift compact protocol as Parquet's headers and footer use it: a growable byte buffer, a
 * writer of typed values and structs, and a generic reader (a struct is a Map of field id -> value).
 */
import { C_BINARY, C_BYTE, C_DOUBLE, C_FALSE, C_I16, C_I32, C_I64, C_LIST, C_MAP, C_SET, C_STRUCT, C_TRUE } from "./parquet_format.js";

const enc = new TextEncoder();

/** Growable byte buffer. */
export class Bytes {
  buf = new Uint8Array(1024);
  n = 0;
  private room(k: number): void {
    if (this.n + k <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.n + k) cap *= 2;
    const b = new Uint8Array(cap);
    b.set(this.buf.subarray(0, this.n));
    this.buf = b;
  }
  byte(v: number): void {
    this.room(1);
    this.buf[this.n++] = v & 0xff;
  }
  bytes(b: ArrayLike<number>): void {
    this.room(b.length);
    this.buf.set(b, this.n);
    this.n += b.length;
  }
  u32le(v: number): void {
    this.room(4);
    new DataView(this.buf.buffer).setUint32(this.n, v >>> 0, true);
    this.n += 4;
  }
  f64le(v: number): void {
    this.room(8);
    new DataView(this.buf.buffer).setFloat64(this.n, v, true);
    this.n += 8;
  }
  i64le(v: bigint): void {
    this.room(8);
    new DataView(this.buf.buffer).setBigInt64(this.n, v, true);
    this.n += 8;
  }
  /** unsigned LEB128 varint of a non-negative bigint */
  varint(v: bigint): void {
    do {
      let b = Number(v & 0x7fn);
      v >>= 7n;
      if (v > 0n) b |= 0x80;
      this.byte(b);
    } while (v > 0n);
  }
  result(): Uint8Array {
    return this.buf.slice(0, this.n);
  }
}

// ---- Thrift compact protocol: writer ----
export type TVal =
  | { t: "i32" | "i64" | "i16"; v: number | bigint }
  | { t: "bin"; v: Uint8Array | string }
  | { t: "bool"; v: boolean }
  | { t: "double"; v: number }
  | { t: "struct"; v: TStruct }
  | { t: "list"; et: "i32" | "bin" | "struct"; v: TVal[] };
/** A struct: [field id, value] in increasing field id order; undefined values are skipped. */
export type TStruct = [number, TVal | undefined][];

export const i32 = (v: number): TVal => ({ t: "i32", v });
export const i64 = (v: number | bigint): TVal => ({ t: "i64", v });
export const bin = (v: Uint8Array | string): TVal => ({ t: "bin", v });
export const struct = (v: TStruct): TVal => ({ t: "struct", v });
export const list = (et: "i32" | "bin" | "struct", v: TVal[]): TVal => ({ t: "list", et, v });

const zigzag = (v: bigint): bigint => (v << 1n) ^ (v >> 63n);
const CTYPE: Record<string, number> = {
  i16: C_I16,
  i32: C_I32,
  i64: C_I64,
  double: C_DOUBLE,
  bin: C_BINARY,
  list: C_LIST,
  struct: C_STRUCT,
};

export function writeValue(o: Bytes, x: TVal): void {
  switch (x.t) {
    case "i16":
    case "i32":
    case "i64":
      o.varint(zigzag(BigInt.asIntN(64, BigInt(x.v))) & 0xffffffffffffffffn);
      break;
    case "double":
      o.f64le(x.v);
      break;
    case "bin": {
      const b = typeof x.v === "string" ? enc.encode(x.v) : x.v;
      o.varint(BigInt(b.length));
      o.bytes(b);
      break;
    }
    case "bool":
      o.byte(x.v ? C_TRUE : C_FALSE);
      break; // only inside lists
    case "struct":
      writeStruct(o, x.v);
      break;
    case "list": {
      const et = CTYPE[x.et],
        n = x.v.length;
      if (n < 15) o.byte((n << 4) | et);
      else {
        o.byte(0xf0 | et);
        o.varint(BigInt(n));
      }
      for (const e of x.v) writeValue(o, e);
      break;
    }
  }
}

export function writeStruct(o: Bytes, s: TStruct): void {
  let last = 0;
  for (const [id, x] of s) {
    if (x === undefined) continue;
    if (id <= last) throw new Error(`parquet: thrift field ids must increase (${id} after ${last})`);
    const ct = x.t === "bool" ? (x.v ? C_TRUE : C_FALSE) : CTYPE[x.t];
    const d = id - last;
    if (d <= 15) o.byte((d << 4) | ct);
    else {
      o.byte(ct);
      o.varint(zigzag(BigInt(id)));
    }
    if (x.t !== "bool") writeValue(o, x);
    last = id;
  }
  o.byte(0); // STOP
}

// ---- Thrift compact protocol: reader (generic: struct = Map<field id, value>) ----
export type RVal = number | bigint | boolean | Uint8Array | RVal[] | Map<number, RVal>;

export class Reader {
  pos: number;
  constructor(
    readonly b: Uint8Array,
    pos = 0,
  ) {
    this.pos = pos;
  }
  private need(k: number): void {
    if (this.pos + k > this.b.length) throw new Error(`parquet: truncated data at byte ${this.pos} (wanted ${k} more bytes)`);
  }
  byte(): number {
    this.need(1);
    return this.b[this.pos++];
  }
  varint(): bigint {
    let r = 0n,
      shift = 0n;
    for (;;) {
      const b = this.byte();
      r |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return r;
      shift += 7n;
      if (shift > 70n) throw new Error("parquet: bad varint");
    }
  }
  zz(): bigint {
    const v = this.varint();
    return (v >> 1n) ^ -(v & 1n);
  }
  value(ct: number): RVal {
    switch (ct) {
      case C_TRUE:
        return true;
      case C_FALSE:
        return false;
      case C_BYTE:
        return (this.byte() << 24) >> 24;
      case C_I16:
      case C_I32:
        return Number(this.zz());
      case C_I64:
        return this.zz();
      case C_DOUBLE: {
        this.need(8);
        const v = new DataView(this.b.buffer, this.b.byteOffset + this.pos, 8).getFloat64(0, true);
        this.pos += 8;
        return v;
      }
      case C_BINARY: {
        const n = Number(this.varint());
        this.need(n);
        const v = this.b.subarray(this.pos, this.pos + n);
        this.pos += n;
        return v;
      }
      case C_LIST:
      case C_SET: {
        const h = this.byte();
        let n = h >> 4;
        const et = h & 15;
        if (n === 15) n = Number(this.varint());
        const out: RVal[] = [];
        for (let i = 0; i < n; i++) out.push(et === C_TRUE || et === C_FALSE ? this.byte() === C_TRUE : this.value(et));
        return out;
      }
      case C_MAP: {
        const n = Number(this.varint());
        if (n === 0) return [];
        const kv = this.byte(),
          out: RVal[] = [];
        for (let i = 0; i < n; i++) out.push([this.value(kv >> 4), this.value(kv & 15)]);
        return out;
      }
      case C_STRUCT:
        return this.struct();
      default:
        throw new Error(`parquet: unknown thrift compact type ${ct} at byte ${this.pos}`);
    }
  }
  struct(): Map<number, RVal> {
    const m = new Map<number, RVal>();
    let last = 0;
    for (;;) {
      const h = this.byte();
      if (h === 0) return m;
      const d = h >> 4,
        ct = h & 15;
      const id = d === 0 ? Number(this.zz()) : last + d;
      m.set(id, this.value(ct));
      last = id;
    }
  }
}
