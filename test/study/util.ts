/** Helpers of the study tests: the CLI in a child process, study files in a temporary folder, rows to compare. */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { ROOT } from "../helpers.js";
import { openResults } from "../../host/study/run.js";

const ARGS = ["--import", "tsx", join(ROOT, "host/cli/main.ts")];

export const assb = (...args: string[]) => spawnSync(process.execPath, [...ARGS, ...args], { encoding: "utf8", cwd: ROOT });

/** Starts `assb args` and kills it with SIGKILL after `delay_ms`; resolves when it is gone. */
export function assbKilled(delay_ms: number, ...args: string[]): Promise<{ killed: boolean; code: number | null }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [...ARGS, ...args], { cwd: ROOT, stdio: "ignore" });
    const t = setTimeout(() => p.kill("SIGKILL"), delay_ms);
    p.on("exit", (code, signal) => {
      clearTimeout(t);
      resolve({ killed: signal === "SIGKILL", code });
    });
  });
}

export const tmp = (tag: string) => mkdtempSync(join(tmpdir(), `assb-study-${tag}-`));

/** Writes a study (an object) as YAML into `dir`; returns the path. */
export function studyFile(dir: string, name: string, study: unknown): string {
  const p = join(dir, name);
  writeFileSync(p, stringify(study));
  return p;
}

/** A query over a study's store, read in this process (rows as objects). */
export async function query(dir: string, sql: string): Promise<Record<string, unknown>[]> {
  const store = await openResults(dir);
  try {
    const r = await store.query(sql);
    return r.rows.map((row) => Object.fromEntries(r.columns.map((c, k) => [c, row[k]])));
  } finally {
    store.close();
  }
}

/** The results table, rows keyed by case_id, without the timing columns. */
export async function rows(dir: string): Promise<Map<string, Record<string, unknown>>> {
  return new Map(
    (await query(dir, "select * from results")).map((row) => {
      const { started_at: _s, wall_s: _w, ...rest } = row;
      return [row.case_id as string, rest];
    }),
  );
}

/** case_id -> started_at of the finished case folders (what a recomputation would change). */
export function startedAt(dir: string, ids: Iterable<string>): Map<string, string> {
  const out = new Map<string, string>();
  for (const id of ids) {
    try {
      out.set(id, JSON.parse(readFileSync(join(dir, "cases", id, "case.json"), "utf8")).started_at);
    } catch {
      // not finished
    }
  }
  return out;
}

/** The JSON lines a non-TTY `assb study run` prints. */
export const events = (stdout: string) =>
  stdout
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown> & { event: string });
