/** The Parquet writer: one row group, per column one uncompressed DATA_PAGE (v1) with PLAIN encoding (see parquet.ts). */
import {
  CODEC_UNCOMPRESSED,
  CT_UTF8,
  ENC_PLAIN,
  ENC_RLE,
  MAGIC,
  PAGE_DATA,
  REQUIRED,
  T_BYTE_ARRAY,
  T_DOUBLE,
  T_INT64,
  type ParquetColumn,
  type ParquetType,
} from "./parquet_format.js";
import { Bytes, bin, i32, i64, list, struct, writeStruct, type TVal } from "./parquet_thrift.js";

const enc = new TextEncoder();
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
