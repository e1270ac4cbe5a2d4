/** Atomic file writes (Node): write to a temporary name in the same folder, fsync, then rename. */
import {
  type Stats,
  mkdirSync,
  openSync,
  writeSync,
  fsyncSync,
  closeSync,
  renameSync,
  rmSync,
  statSync,
  accessSync,
  readdirSync,
  constants,
} from "node:fs";
import { dirname, basename, join } from "node:path";
import { ConfigError, fsError } from "../config/errors.js";

/** Temporary names: `.<name>.<pid>.<random>.tmp` beside the target. */
const TMP = /^\..+\.\d+\.[0-9a-z]+\.tmp$/;

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const dir = dirname(path);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw fsError(e, dir, "create the folder");
  }
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${Math.random().toString(36).slice(2, 8)}.tmp`);
  try {
    const fd = openSync(tmp, "w");
    try {
      writeSync(fd, typeof data === "string" ? Buffer.from(data, "utf8") : data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw fsError(e, path, "write");
  }
}

/**
 * Makes sure `dir` is a folder this process can write into (creating it), before any work starts, and
 * removes temporary files a killed run left there. `option` names where the path came from (`-o`).
 */
export function prepareOutDir(dir: string, option = "-o"): void {
  let st: Stats | undefined;
  try {
    st = statSync(dir);
  } catch {
    /* created below */
  }
  if (st && !st.isDirectory()) throw new ConfigError(`${option} ${dir}: is a file; expected a folder to write the results into`);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new ConfigError(
      `${option} ${dir}: cannot create the output folder (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
  try {
    accessSync(dir, constants.W_OK);
  } catch (e) {
    throw new ConfigError(
      `${option} ${dir}: the output folder is not writable (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
  cleanTemporaries(dir);
}

/** Like prepareOutDir, for an output file: its folder must be writable and the path must not be a folder. */
export function prepareOutFile(path: string, option = "-o"): void {
  let st: Stats | undefined;
  try {
    st = statSync(path);
  } catch {
    /* new file */
  }
  if (st?.isDirectory()) throw new ConfigError(`${option} ${path}: is a folder; expected a file name`);
  prepareOutDir(dirname(path), option);
}

/** Removes `.name.<pid>.<rand>.tmp` files of atomic writes that a killed process left behind. */
export function cleanTemporaries(dir: string): string[] {
  const gone: string[] = [];
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return gone;
  }
  for (const f of names) {
    if (!TMP.test(f)) continue;
    const pid = Number(/\.(\d+)\.[0-9a-z]+\.tmp$/.exec(f)![1]);
    if (pid !== process.pid && alive(pid)) continue; // another run is writing here right now
    rmSync(join(dir, f), { force: true });
    gone.push(f);
  }
  return gone;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
