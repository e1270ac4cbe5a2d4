/**
 * Compaction outputs on disk (Node only): every stage's files are written as soon as the stage ends, in an
 * order that leaves a consistent, resumable folder wherever the process is killed:
 *
 *   1. the stage's outputs (curve CSV, per-state particles/contacts CSV, VTK, analysis JSON, plots),
 *   2. `stageN_summary.json` (the stage's results and its file list),
 *   3. `restart_stageN.json` (the state after the stage, a format version and hashes of the case),
 *   after the last stage: 4. `particles.csv` (final state), 5. `summary.json` (union of the stage summaries).
 *
 * A restart file therefore implies that its stage's outputs and those of all earlier stages are complete.
 * `--resume` continues after the last restart file, rerunning (and rewriting) a stage that was cut short;
 * after the last stage it only writes 4 and 5. Each file is written to a temporary name and renamed.
 */
import type { DemSystem } from "./system.js";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { basename, join } from "node:path";
import { ConfigError, fsError } from "../config/errors.js";
import type { Kernels } from "../core/wasm.js";
import { prepareOutDir, writeFileAtomic } from "../io/atomic.js";
import { columnsToTable, toCsv } from "../io/csv.js";
import { particlesVtk } from "../io/vtk.js";
import { writePacking, sidecarPath } from "../pack/node.js";
import type { Packing } from "../pack/packing.js";
import { reportPacking } from "./packing.js";
import { writeCurvePlot, writeReportPlots } from "../plot/report_plots.js";
import { VERSION } from "../version.js";
import { compactStages, type CompactConfig, type CompactStageResult, type StageDone } from "./compact.js";
import type { Progress } from "./protocol.js";
import type { TextReader } from "./resolve.js";
import type { RestartState } from "./system_restart.js";

/** Restart file layout version; bump when RestartState or the identity hashes change meaning. */
export const RESTART_FORMAT = 2;

/** What a restart file was written for: sha-256 of the canonical JSON of the case and of each stage run. */
export interface CaseIdentity {
  algorithm: "sha-256";
  /** the parsed case (defaults filled, quantities in SI) */
  case: string;
  /** the particle CSV's bytes, when the particles come from a file */
  particles?: string;
  /** one per stage up to and including the restart's stage */
  stages: string[];
}

export interface CompactRestartFile {
  kind: "assbkit.compact.restart";
  format: number;
  version: string;
  /** 1-based: the state after this stage */
  stage: number;
  stageType: string;
  identity: CaseIdentity;
  state: RestartState;
}

/** Layout version of stageN_summary.json and summary.json; raise it when a reader of the old layout would misread them. */
export const SUMMARY_FORMAT = 1;

/** The per-stage summary (`stageN_summary.json`); summary.json lists these for all finished stages. */
export interface StageSummary {
  kind: "assbkit.compact.stage";
  format: number;
  version: string;
  /** 1-based */
  stage: number;
  type: string;
  tag: string;
  identity: CaseIdentity;
  /** the stage's results without reports and curves; reactionArea per analysed state */
  result: Record<string, unknown>;
  warnings: string[];
  wallClock_s: number;
  particleSteps_per_s: number;
  /** files of this stage, relative to the output folder */
  files: string[];
}

export interface CompactSummary {
  kind: "assbkit.compact.result";
  format: number;
  version: string;
  seed: number;
  config: CompactConfig;
  stages: Omit<StageSummary, "kind" | "identity" | "format">[];
  warnings: string[];
  /** compute time of all stages, summed over the runs that produced them */
  wallClock_s: number;
  particleSteps_per_s: number;
  /** every file of the compaction, relative to the output folder (summary.json itself last) */
  files: string[];
}

/** JSON with object keys sorted at every level: equal data give equal text. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? "null" : canonicalJson(x))).join(",")}]`;
  if (v !== null && typeof v === "object") {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .filter((k) => o[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v) ?? "null";
}

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

/** Hashes of the case and of stages 0..upTo-1 (and of the particle CSV, read through `readText`). */
export function caseIdentity(cfg: CompactConfig, upTo: number, readText?: TextReader): CaseIdentity {
  const id: CaseIdentity = {
    algorithm: "sha-256",
    case: sha256(canonicalJson(cfg.case)),
    stages: cfg.stages.slice(0, upTo).map((st) => sha256(canonicalJson(st))),
  };
  const p = cfg.case.particles;
  if (!Array.isArray(p) && readText) id.particles = sha256(readText(p.csv));
  return id;
}

/** What differs between the identity a file was written for and the current config, or undefined. */
export function identityDifference(file: CaseIdentity | undefined, now: CaseIdentity, cfg: CompactConfig): string | undefined {
  if (!file || typeof file !== "object" || !Array.isArray(file.stages)) return "it carries no case hash";
  if (file.algorithm !== now.algorithm) return `its case hash uses ${file.algorithm}, this assbkit ${now.algorithm}`;
  if (file.case !== now.case) return "the case (materials, particles, box, walls, time step, ...) was edited since";
  if (file.particles !== now.particles)
    return `the particle file ${Array.isArray(cfg.case.particles) ? "" : `${cfg.case.particles.csv} `}was changed since`;
  if (file.stages.length !== now.stages.length) return `it was written after ${file.stages.length} stages, expected ${now.stages.length}`;
  const k = file.stages.findIndex((h, j) => h !== now.stages[j]);
  if (k >= 0) return `stage ${k + 1} (${cfg.stages[k].type}) was edited since`;
  return undefined;
}

export const stageTag = (k: number, st: { type: string }) => `stage${k + 1}_${st.type}`;
const restartName = (stage: number) => `restart_stage${stage}.json`;
const stageSummaryName = (stage: number) => `stage${stage}_summary.json`;

/**
 * Writes one particles CSV (the final particles.csv and each state's `*_particles.csv`); the one place
 * where particle files are written, so a sidecar can be added beside every one of them.
 */
export function writeParticlesCsv(file: string, packing: Packing): void {
  writePacking(file, packing);
}

function curveCsv(st: CompactStageResult): string {
  if (st.type === "uniaxial")
    return toCsv({
      columns: ["step", "time_s", "wallPosition_m", "pressure_Pa"],
      rows: st.curve.map((p) => [p.step, p.time_s, p.wallPosition_m, p.pressure_Pa]),
    });
  if (st.type === "isostatic")
    return toCsv({
      columns: ["step", "time_s", "Lx_m", "Ly_m", "Lz_m", "p_xlo_Pa", "p_xhi_Pa", "p_ylo_Pa", "p_yhi_Pa", "p_zlo_Pa", "p_zhi_Pa"],
      rows: st.curve.map((p) => [p.step, p.time_s, ...p.L_m, ...p.facePressure_Pa]),
    });
  if (st.type === "compress2d")
    return toCsv({ columns: ["step", "time_s", "wallPosition_m"], rows: st.curve.map((p) => [p.step, p.time_s, p.wallPosition_m]) });
  return toCsv({
    columns: ["state", "step", "solidFraction", "meanCoordination", "AM_szz_Pa", "SE_szz_Pa"],
    rows: st.states.map((c) => [
      c.name,
      c.step,
      c.solidFraction,
      c.meanCoordination,
      c.phases.AM?.volWeightedStress_Pa[2] ?? NaN,
      c.phases.SE?.volWeightedStress_Pa[2] ?? NaN,
    ]),
  });
}

/** The stage's results for the summaries: no per-particle reports and no curves (those are files). */
function stageResultSummary(st: CompactStageResult): Record<string, unknown> {
  const { reports, warnings: _w, wallClock_s: _t, ...rest } = st;
  const noCurve = "curve" in rest ? (({ curve: _c, ...x }) => x)(rest as { curve: unknown }) : rest;
  return { ...noCurve, reactionArea: Object.fromEntries(Object.entries(reports).map(([k, v]) => [k, v.areas])) };
}

/**
 * Steps 1 and 2 of the write order: the stage's outputs, then its summary (which names them). Returns the
 * summary. `index` is 0-based.
 */
export async function writeStageOutputs(
  dir: string,
  cfg: CompactConfig,
  index: number,
  st: CompactStageResult,
  n: number,
  identity: CaseIdentity,
): Promise<StageSummary> {
  const tag = stageTag(index, st);
  const files: string[] = [];
  const put = (name: string, data: string) => {
    writeFileAtomic(join(dir, name), data);
    files.push(name);
  };
  put(`${tag}_curve.csv`, curveCsv(st));
  const box = cfg.case.box;
  for (const [state, rep] of Object.entries(st.reports)) {
    const pf = `${tag}_${state}_particles.csv`;
    writeParticlesCsv(join(dir, pf), reportPacking(cfg.case, rep, `compact ${tag} ${state}`));
    files.push(pf, basename(sidecarPath(pf)));
    put(`${tag}_${state}_particles.vtk`, particlesVtk(rep.particles, `assbkit ${tag} ${state}`));
    put(`${tag}_${state}_contacts.csv`, toCsv(columnsToTable(rep.contacts)));
    const { particles: _pp, contacts: _cc, ...analysis } = rep;
    put(`${tag}_${state}_analysis.json`, JSON.stringify(analysis, null, 1) + "\n");
    const plots = await writeReportPlots(
      dir,
      `${tag}_${state}`,
      rep,
      { lx_m: box.hi_m[0] - box.lo_m[0], ly_m: box.hi_m[1] - box.lo_m[1] },
      cfg.case.dimension,
    );
    files.push(...plots.map((f) => basename(f)));
  }
  if (st.type === "uniaxial") {
    await writeCurvePlot(
      join(dir, `${tag}_curve.png`),
      st.curve.map((c) => ({ x: c.wallPosition_m * 1e6, y: c.pressure_Pa / 1e6 })),
      "wall position [um]",
      "wall pressure [MPa]",
      `${tag}: compaction curve`,
    );
    files.push(`${tag}_curve.png`);
  }
  const steps = "steps" in st ? st.steps : 0;
  const summary: StageSummary = {
    kind: "assbkit.compact.stage",
    format: SUMMARY_FORMAT,
    version: VERSION,
    stage: index + 1,
    type: st.type,
    tag,
    identity,
    result: stageResultSummary(st),
    warnings: st.warnings,
    wallClock_s: st.wallClock_s,
    particleSteps_per_s: st.wallClock_s > 0 ? (n * steps) / st.wallClock_s : 0,
    files,
  };
  writeFileAtomic(join(dir, stageSummaryName(index + 1)), JSON.stringify(summary, null, 1) + "\n");
  return summary;
}

/** Step 3: the restart file after stage `index` (0-based). */
export function writeRestartFile(dir: string, cfg: CompactConfig, index: number, state: RestartState, identity: CaseIdentity): string {
  const file: CompactRestartFile = {
    kind: "assbkit.compact.restart",
    format: RESTART_FORMAT,
    version: VERSION,
    stage: index + 1,
    stageType: cfg.stages[index].type,
    identity,
    state,
  };
  const path = join(dir, restartName(index + 1));
  writeFileAtomic(path, JSON.stringify(file));
  return path;
}

/** File names in `dir` ([] when it does not exist yet). */
function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw fsError(e, dir, "list");
  }
}

/** Stage numbers (1-based) of the restart files in `dir`. */
export function findRestarts(dir: string): number[] {
  return listDir(dir)
    .map((f) => /^restart_stage(\d+)\.json$/.exec(f))
    .filter((m): m is RegExpExecArray => !!m)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
}

function readJson(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw fsError(e, path, "read");
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ConfigError(
      `${path}: not a complete ${what} (truncated or corrupt JSON: ${(e as Error).message.split("\n")[0]}); delete it to resume from the stage before, or rerun without --resume`,
    );
  }
}

/**
 * Reads and checks the restart file after stage `stage` (1-based): complete JSON, this format, and written
 * for this case and these stages. Every refusal is a one-line ConfigError naming the file and what differs.
 */
export function readRestartFile(dir: string, stage: number, cfg: CompactConfig, readText?: TextReader): CompactRestartFile {
  const path = join(dir, restartName(stage));
  const f = readJson(path, "restart file") as Omit<Partial<CompactRestartFile>, "kind"> & { kind?: unknown };
  const rerun = "; rerun without --resume";
  if (f?.kind === "assbkit.dem.restart")
    throw new ConfigError(
      `${path}: restart format 1 (assbkit ${String((f as { version?: unknown }).version)}, before restart files carried a format and a case hash); this assbkit ${VERSION} reads format ${RESTART_FORMAT}${rerun}`,
    );
  if (f?.kind !== "assbkit.compact.restart")
    throw new ConfigError(`${path}: not an assbkit compaction restart file (kind = ${JSON.stringify(f?.kind)})${rerun}`);
  if (f.format !== RESTART_FORMAT)
    throw new ConfigError(
      `${path}: restart format ${JSON.stringify(f.format)} (assbkit ${f.version}); this assbkit ${VERSION} reads format ${RESTART_FORMAT}${rerun}`,
    );
  const diff = identityDifference(f.identity, caseIdentity(cfg, stage, readText), cfg);
  if (diff) throw new ConfigError(`${path}: written for another case: ${diff}${rerun}`);
  if (!f.state || typeof f.state !== "object") throw new ConfigError(`${path}: the restart state is missing${rerun}`);
  return f as CompactRestartFile;
}

/** Reads a finished stage's summary and checks it belongs to this case. */
export function readStageSummary(dir: string, stage: number, cfg: CompactConfig, readText?: TextReader): StageSummary {
  const path = join(dir, stageSummaryName(stage));
  const s = readJson(path, "stage summary") as StageSummary;
  if (s?.kind !== "assbkit.compact.stage" || s.stage !== stage)
    throw new ConfigError(`${path}: not the summary of stage ${stage} of an assbkit compaction; rerun without --resume`);
  if (s.format !== SUMMARY_FORMAT)
    throw new ConfigError(
      `${path}: stage summary format ${JSON.stringify(s.format)} (assbkit ${s.version}); this assbkit ${VERSION} reads format ${SUMMARY_FORMAT}; rerun without --resume`,
    );
  const diff = identityDifference(s.identity, caseIdentity(cfg, stage, readText), cfg);
  if (diff) throw new ConfigError(`${path}: written for another case: ${diff}; rerun without --resume`);
  return s;
}

/** Step 5: summary.json as the union of the summaries of stages 1..N. */
export function writeCompactSummary(dir: string, cfg: CompactConfig, stageSummaries: StageSummary[], extraFiles: string[]): CompactSummary {
  const stages = stageSummaries.map(({ kind: _k, identity: _i, format: _f, ...rest }) => rest);
  const wall = stages.reduce((a, s) => a + s.wallClock_s, 0);
  const work = stages.reduce((a, s) => a + s.particleSteps_per_s * s.wallClock_s, 0);
  const summary: CompactSummary = {
    kind: "assbkit.compact.result",
    format: SUMMARY_FORMAT,
    version: VERSION,
    seed: cfg.case.seed,
    config: cfg,
    stages,
    warnings: stages.flatMap((s) => s.warnings),
    wallClock_s: wall,
    particleSteps_per_s: wall > 0 ? work / wall : 0,
    files: [...stages.flatMap((s) => [...s.files, stageSummaryName(s.stage)]), ...extraFiles, "summary.json"],
  };
  writeFileAtomic(join(dir, "summary.json"), JSON.stringify(summary, null, 1) + "\n");
  return summary;
}

export interface CompactToDirOptions {
  readText?: TextReader;
  /** continue after the last restart file in the folder (refused if none, or if it belongs to another case) */
  resume?: boolean;
  /** how the folder was given, for error messages (default "-o") */
  outOption?: string;
  onProgress?: Progress;
  /** after each stage's outputs and restart file are on disk (1-based stage, its summary) */
  onStageWritten?: (stage: number, summary: StageSummary, result: CompactStageResult) => void;
  /** a resumed run, before it continues: the stage it continues after (1-based) and the restart file read */
  onResume?: (after: number, file: CompactRestartFile, path: string) => void;
  /** called with the system before it steps (e.g. startDemThreads) */
  onSystem?: (s: DemSystem) => void;
}

export interface CompactToDirResult {
  /** stages finished before this run (0 for a fresh run) */
  resumedAfter: number;
  /** stages run now, with their full results */
  ran: CompactStageResult[];
  summary: CompactSummary;
  /** files written by this run, relative to the folder */
  written: string[];
}

/**
 * Runs a compaction into a folder. The config, the particles and (resumed) the restart file are checked
 * first; then the folder is prepared (prepareOutDir: created, writable, temporary files of killed runs
 * removed) and a fresh run removes restart and summary files of an earlier run there; `resume` continues
 * after the last restart file. See the file comment for the write order.
 */
export async function runCompactToDir(
  kernels: Kernels,
  cfg: CompactConfig,
  dir: string,
  opts: CompactToDirOptions = {},
): Promise<CompactToDirResult> {
  const N = cfg.stages.length;
  let after = 0;
  let resume: { state: RestartState; after: number } | undefined;
  const summaries: StageSummary[] = [];
  if (opts.resume) {
    const done = findRestarts(dir);
    if (done.length === 0) throw new ConfigError(`--resume: no restart_stageN.json in ${dir}; run without --resume first`);
    after = done[done.length - 1];
    if (after > N)
      throw new ConfigError(
        `--resume: ${join(dir, restartName(after))} is the restart after stage ${after}, but the config has ${N} stages; rerun without --resume`,
      );
    const f = readRestartFile(dir, after, cfg, opts.readText);
    for (let k = 1; k <= after; k++) summaries.push(readStageSummary(dir, k, cfg, opts.readText));
    resume = { state: f.state, after: after - 1 };
    opts.onResume?.(after, f, join(dir, restartName(after)));
  }
  // the case is resolved and the restart state loaded here: bad input stops before anything is written
  const run = loadResumed(
    () => compactStages(kernels, cfg, opts.readText, { onProgress: opts.onProgress, resume, onSystem: opts.onSystem }),
    dir,
    after,
  );
  prepareOutDir(dir, opts.outOption);
  if (!resume) {
    // a fresh run: restart files and summaries of an earlier run here would be mistaken for this one's
    for (const k of findRestarts(dir)) rmSync(join(dir, restartName(k)), { force: true });
    for (const f of listDir(dir)) if (/^stage\d+_summary\.json$/.test(f) || f === "summary.json") rmSync(join(dir, f), { force: true });
  }
  const written: string[] = [];
  const ran: CompactStageResult[] = [];
  let r = run.next();
  while (!r.done) {
    const d: StageDone = r.value;
    const identity = caseIdentity(cfg, d.index + 1, opts.readText);
    const sum = await writeStageOutputs(dir, cfg, d.index, d.stage, d.n, identity);
    writeRestartFile(dir, cfg, d.index, d.state(), identity);
    written.push(...sum.files, stageSummaryName(d.index + 1), restartName(d.index + 1));
    summaries.push(sum);
    ran.push(d.stage);
    opts.onStageWritten?.(d.index + 1, sum, d.stage);
    r = run.next();
  }
  writeParticlesCsv(join(dir, "particles.csv"), r.value.packing);
  const summary = writeCompactSummary(dir, cfg, summaries, ["particles.csv", "particles.packing.json"]);
  written.push("particles.csv", "particles.packing.json", "summary.json");
  return { resumedAfter: after, ran, summary, written };
}

/** Setting up a resumed run restores the state: its ConfigErrors name the restart file. */
function loadResumed<T>(next: () => T, dir: string, after: number): T {
  try {
    return next();
  } catch (e) {
    if (after > 0 && e instanceof ConfigError && /^restart:/.test(e.message))
      throw new ConfigError(`${join(dir, restartName(after))}: ${e.message.replace(/^restart: /, "")}; rerun without --resume`);
    throw e;
  }
}
