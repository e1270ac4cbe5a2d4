/**
 * Dependency-free Apache Parquet writer (and a small reader for round trips and tests).
 *
 * What is written: "PAR1", one row group, per column one uncompressed DATA_PAGE (v1) with PLAIN
 * encoding, then the FileMetaData footer in the Thrift compact protocol, its 4-byte little-endian
 * length and "PAR1" (format: github.com/apache/parquet-format, parquet.thrift). All columns are
 * REQUIRED (no nulls), flat (no nesting), so a page holds no repetition/definition levels.
 *   - "double": DOUBLE (8-byte IEEE little endian)
 *   - "int64":  INT64 (8-byte two's complement little endian; numbers must be safe integers, or bigint)
 *   - "string": BYTE_ARRAY with converted type UTF8 and logical type STRING (4-byte length + bytes)
 * The reader understands exactly what the writer writes (uncompressed PLAIN, required flat columns,
 * any number of row groups / v1 data pages) and says so clearly for anything else.
 */

export type ParquetType = "double" | "int64" | "string";
export interface ParquetColumn {
  name: string;
  type: ParquetType;
  values: ArrayLike<number> | readonly (number | bigint)[] | readonly string[];
}
export interface ParquetTable {
  columns: { name: string; type: ParquetType; values: number[] | string[] | bigint[] }[];
  numRows: number;
  keyValue: Record<string, string>;
  createdBy?: string;
}

const MAGIC = [0x50, 0x41, 0x52, 0x31]; // "PAR1"
// parquet.thrift enums
const T_INT64 = 2,
  T_DOUBLE = 5,
  T_BYTE_ARRAY = 6;
const REQUIRED = 0;
const CT_UTF8 = 0;
const ENC_PLAIN = 0,
  ENC_RLE = 3;
const CODEC_UNCOMPRESSED = 0;
const PAGE_DATA = 0;
// Thrift compact protocol type ids
const C_TRUE = 1,
  C_FALSE = 2,
  C_BYTE = 3,
  C_I16 = 4,
  C_I32 = 5,
  C_I64 = 6,
  C_DOUBLE = 7,
  C_BINARY = 8,
  C_LIST = 9,
  C_SET = 10,
  C_MAP = 11,
  C_STRUCT = 12;

const enc = new TextEncoder();

/** Growable byte buffer. */
class Bytes {
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
type TVal =
  | { t: "i32" | "i64" | "i16"; v: number | bigint }
  | { t: "bin"; v: Uint8Array | string }
  | { t: "bool"; v: boolean }
  | { t: "double"; v: number }
  | { t: "struct"; v: TStruct }
  | { t: "list"; et: "i32" | "bin" | "struct"; v: TVal[] };
/** A struct: [field id, value] in increasing field id order; undefined values are skipped. */
type TStruct = [number, TVal | undefined][];

const i32 = (v: number): TVal => ({ t: "i32", v });
const i64 = (v: number | bigint): TVal => ({ t: "i64", v });
const bin = (v: Uint8Array | string): TVal => ({ t: "bin", v });
const struct = (v: TStruct): TVal => ({ t: "struct", v });
const list = (et: "i32" | "bin" | "struct", v: TVal[]): TVal => ({ t: "list", et, v });

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

function writeValue(o: Bytes, x: TVal): void {
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

function writeStruct(o: Bytes, s: TStruct): void {
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

// ---- writer ----
const PHYS: Record<ParquetType, number> = { double: T_DOUBLE, int64: T_INT64, string: T_BYTE_ARRAY };

function plainPage(c: ParquetColumn, n: number): Uint8Array {
  const o = new Bytes();
  const v = c.values as ArrayLike<unknown>;
  for (let i = 0; i < n; i++) {
    const x = v[i];
    if (c.type === "double") {
      if (typeof x !== "number") throw new Error(`parquet: column '${c.name}' row ${i}: ${String(x)} is not a number (type double)`);
      o.f64le(x);
    } else if (c.type === "int64") {
      if (typeof x === "bigint") o.i64le(BigInt.asIntN(64, x));
      else if (typeof x === "number" && Number.isSafeInteger(x)) o.i64le(BigInt(x));
      else
        throw new Error(
          `parquet: column '${c.name}' row ${i}: ${String(x)} is not an integer (type int64; expected a safe integer or bigint)`,
        );
    } else {
      if (typeof x !== "string") throw new Error(`parquet: column '${c.name}' row ${i}: ${String(x)} is not a string (type string)`);
      const b = enc.encode(x);
      o.u32le(b.length);
      o.bytes(b);
    }
  }
  return o.result();
}

/** Encodes columns (equal lengths) as a Parquet file: one row group, uncompressed PLAIN pages. */
export function writeParquet(columns: ParquetColumn[], opts: { keyValue?: Record<string, string>; createdBy?: string } = {}): Uint8Array {
  if (columns.length === 0) throw new Error("parquet: at least one column is needed");
  const n = columns[0].values.length;
  const seen = new Set<string>();
  for (const c of columns) {
    if (!c.name) throw new Error("parquet: a column has an empty name");
    if (seen.has(c.name)) throw new Error(`parquet: column name '${c.name}' appears twice`);
    seen.add(c.name);
    if (!(c.type in PHYS)) throw new Error(`parquet: column '${c.name}': type '${c.type}' is not one of double, int64, string`);
    if (c.values.length !== n)
      throw new Error(`parquet: column '${c.name}' has ${c.values.length} values, column '${columns[0].name}' has ${n}`);
  }
  const o = new Bytes();
  o.bytes(MAGIC);
  const chunks: TVal[] = [];
  let total = 0;
  for (const c of columns) {
    const data = plainPage(c, n);
    const ph = new Bytes();
    writeStruct(ph, [
      [1, i32(PAGE_DATA)],
      [2, i32(data.length)],
      [3, i32(data.length)],
      [
        5,
        struct([
          [1, i32(n)],
          [2, i32(ENC_PLAIN)],
          [3, i32(ENC_RLE)],
          [4, i32(ENC_RLE)],
        ]),
      ],
    ]);
    const header = ph.result();
    const offset = o.n;
    o.bytes(header);
    o.bytes(data);
    const size = header.length + data.length;
    total += size;
    chunks.push(
      struct([
        [2, i64(offset)],
        [
          3,
          struct([
            [1, i32(PHYS[c.type])],
            [2, list("i32", [i32(ENC_PLAIN), i32(ENC_RLE)])],
            [3, list("bin", [bin(c.name)])],
            [4, i32(CODEC_UNCOMPRESSED)],
            [5, i64(n)],
            [6, i64(size)],
            [7, i64(size)],
            [9, i64(offset)],
          ]),
        ],
      ]),
    );
  }
  const schema: TVal[] = [
    struct([
      [4, bin("schema")],
      [5, i32(columns.length)],
    ]),
  ];
  for (const c of columns) {
    schema.push(
      struct([
        [1, i32(PHYS[c.type])],
        [3, i32(REQUIRED)],
        [4, bin(c.name)],
        [6, c.type === "string" ? i32(CT_UTF8) : undefined],
        [10, c.type === "string" ? struct([[1, struct([])]]) : undefined], // LogicalType { STRING: StringType {} }
      ]),
    );
  }
  const kv = Object.entries(opts.keyValue ?? {}).map(([k, v]) =>
    struct([
      [1, bin(k)],
      [2, bin(v)],
    ]),
  );
  const meta = new Bytes();
  writeStruct(meta, [
    [1, i32(1)],
    [2, list("struct", schema)],
    [3, i64(n)],
    [
      4,
      list("struct", [
        struct([
          [1, list("struct", chunks)],
          [2, i64(total)],
          [3, i64(n)],
          [5, i64(4)],
          [6, i64(total)],
          [7, { t: "i16", v: 0 }],
        ]),
      ]),
    ],
    [5, kv.length ? list("struct", kv) : undefined],
    [6, bin(opts.createdBy ?? "assbkit parquet writer")],
  ]);
  const m = meta.result();
  o.bytes(m);
  o.u32le(m.length);
  o.bytes(MAGIC);
  return o.result();
}

/** Column-wise record -> Parquet: number arrays become DOUBLE, unless listed in `int64`; string arrays STRING. */
export function tableToParquet(
  cols: Record<string, ArrayLike<number> | readonly string[]>,
  opts: { int64?: string[]; keyValue?: Record<string, string> } = {},
): Uint8Array {
  return writeParquet(
    Object.entries(cols).map(([name, values]) => ({
      name,
      values,
      type: values.length > 0 && typeof values[0] === "string" ? "string" : opts.int64?.includes(name) ? "int64" : "double",
    })),
    { keyValue: opts.keyValue },
  );
}

// ---- Thrift compact protocol: reader (generic: struct = Map<field id, value>) ----
type RVal = number | bigint | boolean | Uint8Array | RVal[] | Map<number, RVal>;

class Reader {
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

const dec = new TextDecoder();
const num = (v: RVal | undefined): number => (typeof v === "bigint" ? Number(v) : (v as number));
const str = (v: RVal | undefined): string => dec.decode(v as Uint8Array);

/** Reads what `writeParquet` writes (uncompressed, PLAIN, REQUIRED flat DOUBLE/INT64/BYTE_ARRAY columns). */
export function readParquet(file: Uint8Array): ParquetTable {
  const b = file;
  const isMagic = (at: number) => MAGIC.every((m, i) => b[at + i] === m);
  if (b.length < 12 || !isMagic(0) || !isMagic(b.length - 4))
    throw new Error("parquet: not a Parquet file (missing PAR1 magic at start or end)");
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const mlen = dv.getUint32(b.length - 8, true);
  if (mlen + 12 > b.length) throw new Error(`parquet: footer length ${mlen} exceeds the file (${b.length} bytes)`);
  const meta = new Reader(b, b.length - 8 - mlen).struct();
  const schema = meta.get(2) as Map<number, RVal>[];
  const numRows = num(meta.get(3));
  const leaves = schema.slice(1).map((s) => {
    if (s.get(5) !== undefined && num(s.get(5)) > 0) throw new Error(`parquet: nested column '${str(s.get(4))}' is not supported`);
    if (num(s.get(3)) !== REQUIRED)
      throw new Error(`parquet: column '${str(s.get(4))}' is not REQUIRED (optional/repeated columns are not supported)`);
    const pt = num(s.get(1));
    const type: ParquetType =
      pt === T_DOUBLE
        ? "double"
        : pt === T_INT64
          ? "int64"
          : pt === T_BYTE_ARRAY
            ? "string"
            : (() => {
                throw new Error(
                  `parquet: column '${str(s.get(4))}': physical type ${pt} is not supported (DOUBLE, INT64, BYTE_ARRAY only)`,
                );
              })();
    return { name: str(s.get(4)), type, values: [] as (number | string | bigint)[] };
  });
  for (const rg of meta.get(4) as Map<number, RVal>[]) {
    const cols = rg.get(1) as Map<number, RVal>[];
    cols.forEach((cc, ci) => {
      const md = cc.get(3) as Map<number, RVal>;
      if (num(md.get(4)) !== CODEC_UNCOMPRESSED)
        throw new Error(`parquet: column '${leaves[ci].name}': compression codec ${num(md.get(4))} is not supported (uncompressed only)`);
      const nval = num(md.get(5));
      const r = new Reader(b, num(md.get(11) ?? md.get(9)));
      let got = 0;
      const col = leaves[ci];
      while (got < nval) {
        const ph = r.struct();
        const size = num(ph.get(3));
        if (num(ph.get(1)) !== PAGE_DATA)
          throw new Error(`parquet: column '${col.name}': page type ${num(ph.get(1))} is not supported (DATA_PAGE v1 only)`);
        const dh = ph.get(5) as Map<number, RVal>;
        const nv = num(dh.get(1));
        if (num(dh.get(2)) !== ENC_PLAIN)
          throw new Error(`parquet: column '${col.name}': encoding ${num(dh.get(2))} is not supported (PLAIN only)`);
        const pdv = new DataView(b.buffer, b.byteOffset + r.pos, size);
        let p = 0;
        for (let i = 0; i < nv; i++) {
          if (col.type === "double") {
            col.values.push(pdv.getFloat64(p, true));
            p += 8;
          } else if (col.type === "int64") {
            col.values.push(pdv.getBigInt64(p, true));
            p += 8;
          } else {
            const L = pdv.getUint32(p, true);
            col.values.push(dec.decode(b.subarray(r.pos + p + 4, r.pos + p + 4 + L)));
            p += 4 + L;
          }
        }
        r.pos += size;
        got += nv;
      }
    });
  }
  const keyValue: Record<string, string> = {};
  for (const kv of (meta.get(5) as Map<number, RVal>[] | undefined) ?? [])
    keyValue[str(kv.get(1))] = kv.get(2) !== undefined ? str(kv.get(2)) : "";
  return {
    columns: leaves.map((l) => ({
      name: l.name,
      type: l.type,
      // int64 values come back as numbers when every value is a safe integer, else as bigint
      values: (l.type === "int64" &&
      (l.values as bigint[]).every((v) => v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER))
        ? (l.values as bigint[]).map(Number)
        : l.values) as number[] | string[] | bigint[],
    })),
    numRows,
    keyValue,
    createdBy: meta.get(6) !== undefined ? str(meta.get(6)) : undefined,
  };
}
