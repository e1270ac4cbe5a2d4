/** The Parquet reader: what `writeParquet` writes (see parquet.ts), and clear errors for anything else. */
import {
  CODEC_UNCOMPRESSED,
  ENC_PLAIN,
  MAGIC,
  PAGE_DATA,
  REQUIRED,
  T_BYTE_ARRAY,
  T_DOUBLE,
  T_INT64,
  type ParquetTable,
  type ParquetType,
} from "./parquet_format.js";
import { Reader, type RVal } from "./parquet_thrift.js";

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
