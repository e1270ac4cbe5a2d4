/**
 * The coordinator of a study: plans the cases, skips the finished ones, hands the rest to an executor (by
 * default a local piscina pool, pool.ts), and records each finished case in the results store. Its
 * bookkeeping (manifest, recovery, store, progress) is kept apart from running a case (case.ts), which is
 * all an executor's worker does.
 *
 * Crash safety: a case is complete once its folder `cases/<id>/` exists (renamed from `<id>.tmp/` after its
 * case.json was written); its row is written after the rename. On a restart, `.tmp` folders are removed and
 * their cases run again, and a finished folder without a row gets its row from case.json.
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { ConfigError, inputError } from "../config/errors.js";
import { prepareOutDir, writeFileAtomic } from "../io/atomic.js";
import { VERSION } from "../version.js";
import { listCaseFolders, oneLine, readCaseRecord, sealCase, type CaseRecord } from "./case.js";
import { expandCases, type CaseSpec } from "./expand.js";
import { localExecutor, type CaseExecutor } from "./pool.js";
import type { Study } from "./schema.js";
import type { StudyStore } from "./store.js";

export const MANIFEST_FILE = "study.json";
/** the DuckDB results store in a study folder */
export const STORE_FILE = "study.duckdb";
/** DuckDB is a native module (~0.15 s to load): loaded when a store is opened, not with the library */
const storeModule = () => import("./store.js");
export const MANIFEST_FORMAT = 1;

/** `<dir>/study.json`: which study a results folder belongs to, and its cases (for `status` without the store). */
export interface StudyManifest {
  kind: "assbkit.study";
  format: number;
  version: string;
  name: string;
  seed: number;
  hash: string;
  created: string;
  caseKind: string;
  axes: { path: string; column: string; mode: string }[];
  cases: { id: string; index: number; replica: number; seed: number; params: Record<string, unknown> }[];
}

export interface StudyProgress {
  case_id: string;
  status: "done" | "failed";
  error: string | null;
  wall_s: number;
  /** over the whole study, finished before this run included */
  done: number;
  failed: number;
  total: number;
  /** cases this run has finished / has to run */
  ran: number;
  toRun: number;
}

export interface RunStudyOptions {
  /** worker threads (default: available cores, at most the cases to run) */
  workers?: number;
  /** how cases run (default: localExecutor, a piscina pool of `workers` threads); the bookkeeping stays here */
  executor?: (casesDir: string, workers: number) => Promise<CaseExecutor>;
  /** the folder must hold this study already (continue it) */
  resume?: boolean;
  /** run the failed cases again */
  retryFailed?: boolean;
  /** once the finished cases are known, before the pool starts */
  onStart?: (s: { total: number; toRun: number; skipped: number; workers: number }) => void;
  /** one call per finished case */
  onProgress?: (p: StudyProgress) => void;
}

export interface StudySummary {
  name: string;
  dir: string;
  store: string;
  total: number;
  done: number;
  failed: number;
  /** finished before this run */
  skipped: number;
  /** run by this run */
  ran: number;
  /** finished folders whose rows were written again from case.json */
  recovered: number;
  /** `.tmp` folders of a killed run, removed (their cases ran again) */
  leftovers: number;
  workers: number;
  wall_s: number;
}

export function readManifest(dir: string): StudyManifest | null {
  const p = join(dir, MANIFEST_FILE);
  if (!existsSync(p)) return null;
  let m: StudyManifest;
  try {
    m = JSON.parse(readFileSync(p, "utf8"));
  } catch (e) {
    throw new ConfigError(`${p}: not a study manifest (${(e as Error).message.split("\n")[0]})`);
  }
  if (m?.kind !== "assbkit.study") throw new ConfigError(`${p}: not a study manifest (kind ${JSON.stringify(m?.kind)})`);
  if (m.format !== MANIFEST_FORMAT)
    throw new ConfigError(`${p}: study manifest format ${m.format}; this assbkit ${VERSION} reads ${MANIFEST_FORMAT}`);
  return m;
}

function manifestOf(study: Study, cases: CaseSpec[]): StudyManifest {
  return {
    kind: "assbkit.study",
    format: MANIFEST_FORMAT,
    version: VERSION,
    name: study.name,
    seed: study.seed,
    hash: study.hash,
    created: new Date().toISOString(),
    caseKind: study.kind,
    axes: study.axes.map((a) => ({ path: a.path, column: a.column, mode: a.mode })),
    cases: cases.map((c) => ({ id: c.id, index: c.index, replica: c.replica, seed: c.seed, params: c.params })),
  };
}

/** Runs (or continues) `study` in `dir`; failing cases are recorded, the study goes on. */
export async function runStudy(study: Study, dir: string, opts: RunStudyOptions = {}): Promise<StudySummary> {
  const t0 = performance.now();
  const workersWanted = opts.workers ?? availableParallelism();
  if (!Number.isInteger(workersWanted) || workersWanted < 1) throw inputError("--workers", opts.workers, "an integer >= 1", "threads");
  const cases = expandCases(study);
  prepareOutDir(dir);
  let manifest = readManifest(dir);
  if (manifest && manifest.hash !== study.hash)
    throw new ConfigError(
      `-o ${dir}: holds the study "${manifest.name}" (hash ${manifest.hash.slice(0, 12)}), not this study file (hash ${study.hash.slice(0, 12)}); use another folder, or the study file it was run with`,
    );
  if (!manifest && opts.resume)
    throw new ConfigError(`--resume: ${dir} holds no study (no ${MANIFEST_FILE}); run without --resume to start one`);
  if (!manifest && existsSync(join(dir, STORE_FILE)))
    throw new ConfigError(`-o ${dir}: holds a ${STORE_FILE} but no ${MANIFEST_FILE}; use another folder`);
  if (!manifest) {
    manifest = manifestOf(study, cases);
    writeFileAtomic(join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 1)}\n`);
  }
  const casesDir = join(dir, "cases");
  mkdirSync(casesDir, { recursive: true });
  const store = await (await storeModule()).StudyStore.open(join(dir, STORE_FILE));
  let executor: CaseExecutor | undefined;
  try {
    await store.init(
      {
        name: study.name,
        seed: study.seed,
        hash: study.hash,
        kind: study.kind,
        cases: cases.length,
        created: manifest.created,
        version: VERSION,
      },
      study.axes,
    );
    // recovery: what a killed run left behind
    const planned = new Map(cases.map((c) => [c.id, c]));
    const folders = listCaseFolders(casesDir);
    for (const t of folders.leftovers) rmSync(join(casesDir, t), { recursive: true, force: true });
    const rows = await store.statuses();
    let recovered = 0;
    for (const id of folders.finished) {
      if (!planned.has(id) || rows.has(id)) continue;
      const rec = readCaseRecord(join(casesDir, id));
      if (!rec) {
        rmSync(join(casesDir, id), { recursive: true, force: true }); // not written by a complete case: run it again
        continue;
      }
      await store.insert(rec);
      rows.set(id, rec.status);
      recovered += 1;
    }
    if (opts.retryFailed)
      for (const [id, st] of [...rows])
        if (st === "failed" && planned.has(id)) {
          rows.delete(id);
          await store.remove(id);
          rmSync(join(casesDir, id), { recursive: true, force: true });
        }
    let done = 0;
    let failed = 0;
    for (const [id, st] of rows)
      if (planned.has(id)) {
        if (st === "done") done += 1;
        else failed += 1;
      }
    const skipped = done + failed;
    const pending = cases.filter((c) => !rows.has(c.id));
    const workers = Math.max(1, Math.min(workersWanted, pending.length));
    let ran = 0;
    opts.onStart?.({ total: cases.length, toRun: pending.length, skipped, workers: pending.length ? workers : 0 });
    if (pending.length) {
      const ex = await (opts.executor ?? localExecutor)(casesDir, workers);
      executor = ex;
      // one writer: rows are written in the order cases finish, one at a time
      let writes = Promise.resolve();
      const finish = (rec: CaseRecord) => {
        writes = writes.then(async () => {
          await store.insert(rec);
          ran += 1;
          if (rec.status === "done") done += 1;
          else failed += 1;
          opts.onProgress?.({
            case_id: rec.case_id,
            status: rec.status,
            error: rec.error,
            wall_s: rec.wall_s,
            done,
            failed,
            total: cases.length,
            ran,
            toRun: pending.length,
          });
        });
        return writes;
      };
      await Promise.all(
        pending.map((spec) =>
          ex.run(spec).then(
            (rec: CaseRecord) => finish(rec),
            // the machinery failed, not the case (a worker died: out of memory, a crash in the core): recorded as failed
            (e: unknown) => {
              const rec: CaseRecord = {
                case_id: spec.id,
                replica: spec.replica,
                seed: spec.seed,
                params: spec.params,
                status: "failed",
                error: `worker: ${oneLine(e)}`,
                started_at: new Date().toISOString(),
                wall_s: 0,
                scalars: {},
                files: [],
                artefact_dir: `cases/${spec.id}`,
              };
              sealCase(casesDir, rec);
              return finish(rec);
            },
          ),
        ),
      );
      await writes;
    }
    return {
      name: study.name,
      dir,
      store: join(dir, STORE_FILE),
      total: cases.length,
      done,
      failed,
      skipped,
      ran,
      recovered,
      leftovers: folders.leftovers.length,
      workers: pending.length ? workers : 0,
      wall_s: (performance.now() - t0) / 1000,
    };
  } finally {
    await executor?.close();
    store.close();
  }
}

export interface StudyStatus {
  name: string;
  total: number;
  done: number;
  failed: number;
  pending: number;
  /** `.tmp` folders: cases running now, or left by a killed run */
  inProgress: number;
}

/** Counts from the case folders alone (the store may be held by a running study). */
export function studyStatus(dir: string): StudyStatus {
  const m = readManifest(dir);
  if (!m) throw new ConfigError(`${dir}: not a study folder (no ${MANIFEST_FILE}); expected the -o folder of 'assb study run'`);
  const planned = new Set(m.cases.map((c) => c.id));
  const f = listCaseFolders(join(dir, "cases"));
  let done = 0;
  let failed = 0;
  for (const id of f.finished) {
    if (!planned.has(id)) continue;
    const st = readCaseRecord(join(dir, "cases", id))?.status;
    if (st === "done") done += 1;
    else if (st === "failed") failed += 1;
  }
  return { name: m.name, total: m.cases.length, done, failed, pending: m.cases.length - done - failed, inProgress: f.leftovers.length };
}

/** Opens the results store of a study folder for reading. */
export async function openResults(dir: string): Promise<StudyStore> {
  if (!readManifest(dir))
    throw new ConfigError(`${dir}: not a study folder (no ${MANIFEST_FILE}); expected the -o folder of 'assb study run'`);
  const p = join(dir, STORE_FILE);
  if (!existsSync(p)) throw new ConfigError(`${p}: no results store yet; run 'assb study run' on this folder`);
  return (await storeModule()).StudyStore.open(p, { readOnly: true });
}
