/**
 * Files read by position: a header without the data, the data in pieces. A `ByteSource` is a file
 * (file_source.ts, Node) or bytes in memory; a read past its end is a one-line ConfigError naming
 * the source and the bytes that are missing.
 */
import { ConfigError } from "../config/errors.js";

export interface ByteSource {
  size: number;
  /** `length` bytes at `offset`; a ConfigError when the source ends first. */
  read(offset: number, length: number): Uint8Array;
  /** Reads `length` bytes at `offset` into `into` at `at`. */
  readInto(offset: number, length: number, into: Uint8Array, at: number): void;
}

/** The largest typed array this process can make (4 GiB). */
export const MAX_ARRAY_BYTES = 2 ** 32;

export function truncated(source: string, what: string, offset: number, length: number, size: number): ConfigError {
  return new ConfigError(
    `volume: ${source}: truncated or corrupt file: ${what} needs bytes ${offset}-${offset + length} but the file has ${size}`,
  );
}

export function memorySource(bytes: Uint8Array, source: string, what = "the data"): ByteSource {
  const read = (offset: number, length: number) => {
    if (!(offset >= 0 && length >= 0 && offset + length <= bytes.length)) throw truncated(source, what, offset, length, bytes.length);
    return bytes.subarray(offset, offset + length);
  };
  return { size: bytes.length, read, readInto: (offset, length, into, at) => into.set(read(offset, length), at) };
}
