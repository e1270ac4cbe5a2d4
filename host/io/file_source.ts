/** A file as a ByteSource (Node): reads by position, in pieces, so files past Node's 2 GiB readFileSync limit work. */
import { openSync, closeSync, fstatSync, readSync } from "node:fs";
import { ConfigError, fsError } from "../config/errors.js";
import { MAX_ARRAY_BYTES, truncated, type ByteSource } from "./byte_source.js";

/** Reads of a file go in pieces of this size (readFileSync refuses files over 2 GiB). */
export const READ_CHUNK = 2 ** 30;

/** Opens `path`, hands it to `fn` as a ByteSource and closes it; reads go in pieces of `chunk` bytes. */
export function withFile<T>(path: string, fn: (f: ByteSource) => T, chunk = READ_CHUNK): T {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (e) {
    throw fsError(e, path, "read");
  }
  try {
    const size = fstatSync(fd).size;
    const readInto = (offset: number, length: number, into: Uint8Array, at: number) => {
      if (!(offset >= 0 && length >= 0 && offset + length <= size)) throw truncated(path, "the data", offset, length, size);
      for (let done = 0; done < length; ) {
        let got: number;
        try {
          got = readSync(fd, into, at + done, Math.min(chunk, length - done), offset + done);
        } catch (e) {
          throw fsError(e, path, "read");
        }
        if (got === 0) throw truncated(path, "the data", offset, length, offset + done);
        done += got;
      }
    };
    return fn({
      size,
      read: (offset, length) => {
        if (!(offset >= 0 && length >= 0 && offset + length <= size)) throw truncated(path, "a header", offset, length, size);
        if (length > MAX_ARRAY_BYTES) throw new ConfigError(`volume: ${path}: ${length} bytes do not fit one array (4 GiB at most)`);
        const b = new Uint8Array(length);
        readInto(offset, length, b, 0);
        return b;
      },
      readInto,
    });
  } finally {
    closeSync(fd);
  }
}
