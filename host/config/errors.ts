/**
 * User-facing failures. Every one is a one-line message naming the file or field, the value, what was
 * expected and the unit; the CLI prints `assb: error: <message>` and exits with the error's `exitCode`
 * (2 for bad input, 3 for a computation that did not converge). Anything else that reaches the CLI is
 * an internal error (exit 1), with the stack only behind `--debug`.
 */
import type { z } from "zod";

/** Base of every error meant for the user (never a stack trace). */
export class AssbError extends Error {
  /** process exit code the CLI uses for this error */
  readonly exitCode: number = 2;
}

/** Bad input: a config field, a file, a command-line option. Exit code 2. */
export class ConfigError extends AssbError {
  constructor(
    message: string,
    readonly issues: string[] = [message],
  ) {
    super(message);
    this.name = "ConfigError";
  }
}

/** A computation that did not converge within its limits (solver, protocol, time stepper). Exit code 3. */
export class NotConvergedError extends AssbError {
  override readonly exitCode = 3;
  constructor(
    message: string,
    readonly detail: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "NotConvergedError";
  }
}

function valueAt(input: unknown, path: PropertyKey[]): unknown {
  let v: unknown = input;
  for (const k of path) {
    if (v == null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

/** A value as it appears in an error line: JSON, shortened to 60 characters; `missing` for undefined. */
export function show(v: unknown): string {
  if (v === undefined) return "missing";
  if (typeof v === "number" && !Number.isFinite(v)) return String(v);
  let s: string | undefined;
  try {
    s = JSON.stringify(v);
  } catch {
    s = String(v);
  }
  if (s === undefined) s = String(v);
  return s.length > 60 ? s.slice(0, 57) + "..." : s;
}

/**
 * The standard one-line input error: `<where> = <value>: expected <expectation> [<unit>]`.
 * `where` names the file and/or field (`particles.csv row 4, radius_m`, `--z`, `stages[1].wall`).
 */
export function inputError(where: string, value: unknown, expectation: string, unit?: string): ConfigError {
  return new ConfigError(`${where} = ${show(value)}: expected ${expectation}${unit ? ` [${unit}]` : ""}`);
}

/** One line per issue: `<prefix>.<path> = <value>: <message>`. */
export function formatIssues(err: z.ZodError, input: unknown, prefix = ""): string[] {
  return err.issues.map((iss) => {
    const path = [prefix, ...iss.path.map(String)].filter(Boolean).join(".");
    const v = valueAt(input, iss.path);
    return `${path || "(root)"} = ${show(v)}: ${iss.message}`;
  });
}

export function configErrorFrom(err: z.ZodError, input: unknown, what: string, prefix = ""): ConfigError {
  const lines = formatIssues(err, input, prefix);
  return new ConfigError(
    `${what}: ${lines[0]}${lines.length > 1 ? ` (and ${lines.length - 1} more: ${lines.slice(1).join("; ")})` : ""}`,
    lines,
  );
}

const FS_CODES: Record<string, string> = {
  ENOENT: "no such file or folder",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EEXIST: "a file is in the way (expected a folder)",
  ENOTDIR: "a part of the path is a file, not a folder",
  EISDIR: "is a folder, expected a file",
  EROFS: "read-only file system",
  ENOSPC: "no space left on the device",
  EMFILE: "too many open files",
  ERR_FS_FILE_TOO_LARGE: "file too large to read at once",
};

/** Node file-system errors (errno codes) as one line naming the path and what went wrong. */
export function fsError(e: unknown, path: string, action: "read" | "write" | "create the folder" | "list" = "read"): ConfigError {
  const code = (e as NodeJS.ErrnoException)?.code;
  const why = code ? `${code}: ${FS_CODES[code] ?? (e as Error).message}` : ((e as Error)?.message ?? String(e));
  return new ConfigError(`${path}: cannot ${action} (${why})`);
}

/** Whether `e` is a Node system error with an errno code (ENOENT, EACCES, ...). */
export function isFsError(e: unknown): e is NodeJS.ErrnoException {
  const c = (e as NodeJS.ErrnoException)?.code;
  return typeof c === "string" && (c in FS_CODES || /^E[A-Z]+$/.test(c));
}
