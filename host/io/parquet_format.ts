/** Parquet format numbers (parquet.thrift enums, Thrift compact type ids) and the table types of the writer and reader. */
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

export const MAGIC = [0x50, 0x41, 0x52, 0x31]; // "PAR1"
// parquet.thrift enums
export const T_INT64 = 2,
  T_DOUBLE = 5,
  T_BYTE_ARRAY = 6;
export const REQUIRED = 0;
export const CT_UTF8 = 0;
export const ENC_PLAIN = 0,
  ENC_RLE = 3;
export const CODEC_UNCOMPRESSED = 0;
export const PAGE_DATA = 0;
// Thrift compact protocol type ids
export const C_TRUE = 1,
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
