/**
 * Runs one case into its folder: a function of (case spec, cases folder) alone, so a worker thread here or a
 * worker on another machine that sees the folder runs it the same way. Artefacts go into `<id>.tmp/`, then
 * `case.json` (parameters, scalars, status, timings), then the folder is renamed to `<id>/`: a case folder
 * without `.tmp` is complete, and a `.tmp` one is what a killed run left behind.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { AssbError, ConfigError } from "../config/errors.js";
import { writeFileAtomic } from "../io/atomic.js";
import { VERSION } from "../version.js";
import type { CaseSpec } from "./expand.js";
import { loadKind, type Core, type Scalar } from "./kinds.js";
import { hasAt, setAt } from "./paths.js";

export const CASE_FORMAT = 1;

/** One row of the results table (and the content of case.json). */
export interface CaseRecord {
  case_id: string;
  replica: number;
  seed: number;
  params: Record<string, unknown>;
  status: "done" | "failed";
  /** the one-line error of a failed case */
  error: string | null;
  /** ISO 8601, when the case started */
  started_at: string;
  wall_s: number;
  scalars: Record<string, Scalar>;
  /** artefacts, relative to the case folder */
  files: string[];
  /** the case folder, relative to the study folder */
  artefact_dir: string | null;
}

/** A failure as one line: the message of an input or convergence error, else the first line of anything else. */
export function oneLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  const first = msg.split("\n")[0].trim();
  return e instanceof AssbError ? first : `internal error: ${first}`;
}

/** Writes `case.json` into `<casesDir>/<id>.tmp/` and renames that folder to `<casesDir>/<id>/`. */
export function sealCase(casesDir: string, rec: CaseRecord): void {
  const tmp = join(casesDir, `${rec.case_id}.tmp`);
  mkdirSync(tmp, { recursive: true });
  writeFileAtomic(
    join(tmp, "case.json"),
    `${JSON.stringify({ kind: "assbkit.study.case", format: CASE_FORMAT, version: VERSION, ...rec }, null, 1)}\n`,
  );
  const dir = join(casesDir, rec.case_id);
  // only a run that lost its row and its folder's rename at once could leave both; the newer one wins
  if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
}

/** Runs `spec` on `core`, writing into `<casesDir>/<id>/`; a failing case is recorded, not thrown. */
export async function executeCase(core: Core, spec: CaseSpec, casesDir: string): Promise<CaseRecord> {
  const tmp = join(casesDir, `${spec.id}.tmp`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const started_at = new Date().toISOString();
  const t0 = performance.now();
  let scalars: Record<string, Scalar> = {};
  let files: string[] = [];
  let error: string | null = null;
  try {
    const kind = await loadKind(spec.kind);
    let input = spec.config;
    if (kind.seedPath && !hasAt(input, kind.seedPath) && hasAt(input, kind.seedPath.slice(0, -1)))
      input = setAt(input, kind.seedPath, spec.seed);
    const cfg = await kind.parse(input, spec.source, spec.baseDir);
    ({ scalars, files } = await kind.run(core, cfg, tmp, spec.seed));
  } catch (e) {
    error = oneLine(e);
  }
  const rec: CaseRecord = {
    case_id: spec.id,
    replica: spec.replica,
    seed: spec.seed,
    params: spec.params,
    status: error === null ? "done" : "failed",
    error,
    started_at,
    wall_s: (performance.now() - t0) / 1000,
    scalars,
    files,
    artefact_dir: `cases/${spec.id}`,
  };
  sealCase(casesDir, rec);
  return rec;
}

/** The record in a finished case folder, or null when its case.json is missing or unreadable. */
export function readCaseRecord(dir: string): CaseRecord | null {
  try {
    const o = JSON.parse(readFileSync(join(dir, "case.json"), "utf8"));
    if (o?.kind !== "assbkit.study.case" || o.format !== CASE_FORMAT) return null;
    const { kind: _k, format: _f, version: _v, ...rec } = o;
    return rec as CaseRecord;
  } catch {
    return null;
  }
}

/** The folders under `casesDir`: finished (`<id>`) and left over by a killed run (`<id>.tmp`). */
export function listCaseFolders(casesDir: string): { finished: string[]; leftovers: string[] } {
  let names: string[] = [];
  try {
    names = readdirSync(casesDir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw new ConfigError(`${casesDir}: cannot list (${(e as Error).message})`);
  }
  return { finished: names.filter((n) => /^[0-9a-f]{12}$/.test(n)), leftovers: names.filter((n) => n.endsWith(".tmp")) };
}
