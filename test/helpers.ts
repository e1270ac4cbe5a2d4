/** Shared test helpers: kernels for both backends, fixture paths, CSV reading, tolerances. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { loadCore, type Kernels } from "../host/core/wasm.js";
import { ArrayHeap } from "../host/core/heap.js";
import { createTwin } from "../host/dem/twin.js";
import { parseCsv } from "../host/io/csv.js";
import { ConfigError } from "../host/config/errors.js";
import * as assert from "uvu/assert";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const fixture = (p: string) => `${ROOT}fixtures/${p}`;

export async function kernels(name: "wasm" | "ts"): Promise<Kernels> {
  return name === "wasm" ? loadCore() : createTwin(new ArrayHeap());
}

/** Reads a numeric CSV into named columns. */
export function readCsvColumns(path: string): Record<string, number[]> {
  const t = parseCsv(readFileSync(path, "utf8"), path);
  const out: Record<string, number[]> = {};
  t.columns.forEach((c, k) => (out[c] = t.rows.map((r) => Number(r[k]))));
  return out;
}

export function relErr(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), Number.MIN_VALUE);
}

/** Largest |a - b| over the column, relative to the column's largest |b| (the fixture README's measure). */
export function colErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0,
    e = 0;
  for (let k = 0; k < b.length; k++) {
    m = Math.max(m, Math.abs(b[k]));
    e = Math.max(e, Math.abs(a[k] - b[k]));
  }
  return e / (m || 1);
}

export function column(t: { columns: string[]; rows: number[][] }, name: string): number[] {
  const c = t.columns.indexOf(name);
  if (c < 0) throw new Error(`no column ${name} in ${t.columns.join(",")}`);
  return t.rows.map((r) => r[c]);
}

/** Asserts that `f` throws a ConfigError (the one-line input error) whose message matches `re`. */
export function expectConfigError(f: () => unknown, re: RegExp): void {
  try {
    f();
  } catch (e) {
    assert.instance(e, ConfigError);
    assert.match((e as Error).message, re);
    return;
  }
  assert.unreachable(`no ConfigError (expected ${re})`);
}

/** The message of the one-line ConfigError `fn` throws (fails if it throws something else, a multi-line message, or nothing). */
export function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    assert.not.match((e as Error).message, /\n/);
    return (e as Error).message;
  }
  assert.unreachable("expected a ConfigError");
  return "";
}
