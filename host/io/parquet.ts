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

export type { ParquetType, ParquetColumn, ParquetTable } from "./parquet_format.js";
export { writeParquet, tableToParquet } from "./parquet_write.js";
export { readParquet } from "./parquet_read.js";
