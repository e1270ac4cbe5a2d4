/**
 * Training checkpoints (Node): one file, [magic 8][u32 header bytes][JSON header][pad to 4][float32
 * blobs], written atomically; the header holds the run's fingerprint, epoch, step, Adam's step count,
 * the PRNG state, the history and the best epoch, the blobs the weights, Adam's moments and the best
 * weights. A truncated or foreign file is refused with what is wrong.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../io/atomic.js";
import { ConfigError, fsError } from "../config/errors.js";
import type { EpochRecord } from "./loop.js";

export interface CheckpointHeader {
  kind: "assbkit.checkpoint";
  version: string;
  fingerprint: Record<string, unknown>;
  epoch: number;
  step: number;
  adamT: number;
  rng: number[];
  history: EpochRecord[];
  best: { epoch: number; valLoss: number | null; wait: number };
  blobs: { group: "weights" | "m" | "v" | "best"; shape: number[]; offset: number; length: number }[];
}
const MAGIC = "ASSBCKP1";

export function writeCheckpoint(
  path: string,
  h: Omit<CheckpointHeader, "blobs">,
  groups: Record<CheckpointHeader["blobs"][number]["group"], { shape: number[]; data: Float32Array }[]>,
): void {
  const blobs: CheckpointHeader["blobs"] = [];
  let off = 0;
  const parts: Float32Array[] = [];
  for (const g of ["weights", "m", "v", "best"] as const)
    for (const b of groups[g]) {
      blobs.push({ group: g, shape: b.shape, offset: off, length: b.data.length });
      parts.push(b.data);
      off += b.data.length;
    }
  const head = new TextEncoder().encode(JSON.stringify({ ...h, blobs }));
  const start = 12 + head.length + ((4 - ((12 + head.length) % 4)) % 4);
  const buf = new Uint8Array(start + off * 4);
  buf.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(buf.buffer).setUint32(8, head.length, true);
  buf.set(head, 12);
  const f = new Float32Array(buf.buffer, start, off);
  let o = 0;
  for (const p of parts) {
    f.set(p, o);
    o += p.length;
  }
  writeFileAtomic(path, buf);
}

export function readCheckpoint(path: string): { h: CheckpointHeader; group: (g: string) => { shape: number[]; data: Float32Array }[] } {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch (e) {
    throw fsError(e, path, "read");
  }
  if (bytes.length < 12 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC)
    throw new ConfigError(`checkpoint ${path}: not an assbkit checkpoint`);
  const corrupt = (why: string) => new ConfigError(`checkpoint ${path}: truncated or corrupt (${why}); delete it and run without --resume`);
  const len = new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true);
  if (12 + len > bytes.length) throw corrupt(`a ${len}-byte header in a ${bytes.length}-byte file`);
  let h: CheckpointHeader;
  try {
    h = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + len))) as CheckpointHeader;
  } catch (e) {
    throw corrupt((e as Error).message);
  }
  if (
    !Array.isArray(h?.blobs) ||
    !h.blobs.every((b) => Number.isInteger(b?.offset) && Number.isInteger(b?.length) && b.offset >= 0 && b.length >= 0)
  )
    throw corrupt("no blob table");
  const start = 12 + len + ((4 - ((12 + len) % 4)) % 4);
  const total = h.blobs.reduce((a, b) => a + b.length, 0);
  if (start + total * 4 > bytes.length || h.blobs.some((b) => b.offset + b.length > total))
    throw corrupt(`${total} weights need ${start + total * 4} bytes, the file has ${bytes.length}`);
  const f = new Float32Array(bytes.buffer.slice(bytes.byteOffset + start, bytes.byteOffset + start + total * 4));
  return {
    h,
    group: (g) => h.blobs.filter((b) => b.group === g).map((b) => ({ shape: b.shape, data: f.subarray(b.offset, b.offset + b.length) })),
  };
}

export function checkpointPath(dir: string): string {
  return join(dir, "checkpoint.bin");
}

/** Refuses a resume with nothing to resume from (instead of silently starting over). */
export function requireCheckpoint(dir: string | undefined): string {
  if (!dir) throw new ConfigError("resume: no checkpoint folder (checkpointDir) is set, so there is nothing to resume from");
  const p = checkpointPath(dir);
  if (!existsSync(p))
    throw new ConfigError(
      `--resume: no checkpoint in ${dir} (checkpoint.bin is missing); run without --resume first, with train.checkpointEvery > 0 so that it writes checkpoints`,
    );
  return p;
}
