/**
 * The whole pipeline in one call: pack -> compact (DEM protocol stages) -> voxelize -> transport (SE and AM
 * networks, D_SCA) -> cell (capacity vs C-rate of the cell built from them: eps and tau of both networks,
 * R = D_SCA / 2, paper 004 eq 1-3). Each stage takes the previous one's plain object; a run can start at
 * compact or voxelize from a packing, or at transport from a volume (host/pipeline/inputs.ts reads them).
 * The result holds every stage's full result (what output.ts writes) and its summary (pipelineSummary).
 * No file access here, so the same code runs in Node (run.ts: files, shipped parameter sets from data/) and in a
 * page or Web Worker (host/browser/: the sets fetched beside the module): what differs comes in as a CellSource.
 */
import type { Kernels, loadCore } from "../core/wasm.js";
import type { DemSystem } from "../dem/system.js";
import { ConfigError, inputError } from "../config/errors.js";
import { VERSION } from "../version.js";
import { generatePacking, type GeneratedPacking } from "../pack/pack.js";
import { caseFromPacking } from "../pack/to_case.js";
import type { Packing } from "../pack/packing.js";
import { parseCompact, runCompact, type CompactResult } from "../dem/compact.js";
import { MATERIALS_COMPACTION } from "../dem/presets.js";
import { voxelize, surfaceStats, type SurfaceStats } from "../transport/voxelize.js";
import type { Volume } from "../transport/volume_type.js";
import { transport, type TransportResult } from "../transport/tortuosity.js";
import { fromMicrostructure } from "../cell/microstructure.js";
import { rateSweep, type RateRow } from "../cell/rates.js";
import { DEFAULT_NUMERICS, validateNumerics, type CellNumerics, type CellResult } from "../cell/model.js";
import { fmt } from "../cell/experiment.js";
import type { CellParams, ResolvedCellParams } from "../cell/params_core.js";
import { PIPELINE_STAGES, type PipelineConfig, type PipelineStage } from "./config.js";

/** The object the first stage run takes, and the file it came from. */
export type PipelineStart =
  | { stage: "compact" | "voxelize"; packing: Packing; file?: string }
  | { stage: "transport"; volume: Volume; file?: string };

/** Where cell parameters come from: a shipped set by name, or (Node) a file relative to the pipeline file. */
export interface CellSource {
  /** The set `nameOrPath` with `overrides` replacing keys (validated). */
  load(nameOrPath: string, overrides: Record<string, unknown>): CellParams;
  /** The derived model numbers (OCV tables looked up by the source). */
  resolve(p: CellParams): ResolvedCellParams;
}

export type PipelineCore = Awaited<ReturnType<typeof loadCore>>;

export interface PipelineRunOptions {
  /**
   * a stage and its fraction done (0..1), with a short note (the protocol phase, the pressure) and, for the
   * compaction, the state it reports (pressure_Pa, wallPosition_m, step: a live compaction curve)
   */
  onProgress?: (stage: PipelineStage, fraction: number, detail?: string, data?: Record<string, number>) => void;
  /** start from an object in memory instead of cfg.from's file (see pipelineInputs) */
  from?: PipelineStart;
  /** (Node, run.ts) folder that relative paths of the config (from.file, cell.params) are taken from; default the working folder */
  baseDir?: string;
  /**
   * the compaction's DEM on other kernels, e.g. the shared-memory core with threads started by `onSystem`
   * (demThreading in Node, host/browser/dem_threads.ts in a page); default `core` on this thread
   */
  dem?: { kernels: Kernels; onSystem?: (s: DemSystem) => void };
}

/** The packing the pipeline starts from: generated (pack stage) or read from a file. */
export interface PackOutput {
  source: string;
  packing: Packing | GeneratedPacking;
  summary: Record<string, number>;
}

export interface VoxelOutput {
  source: string;
  volume: Volume;
  shape: number[];
  voxelSize_m: number;
  periodicXY: boolean;
  fractions: { pore: number; AM: number; SE: number };
  surface: SurfaceStats;
}

export interface CellOutput {
  params: CellParams;
  /** the model numbers the sweep ran with (SI) */
  derived: {
    kappaEff_S_m: number;
    sigmaEff_S_m: number;
    radius_m: number;
    thickness_m: number;
    epsAM: number;
    epsSE: number;
    oneC_A_m2: number;
    amMass_kg_m2: number;
  };
  cutoff_V: number;
  numerics: CellNumerics;
  rows: RateRow[];
  results: CellResult[];
}

export interface PipelineResult {
  kind: "assbkit.pipeline.result";
  version: string;
  name: string;
  config: PipelineConfig;
  /** the first stage run here (later ones follow it) */
  startedAt: PipelineStage;
  pack?: PackOutput;
  compact?: CompactResult;
  voxels: VoxelOutput;
  transport: { se?: TransportResult; am?: TransportResult };
  cell?: CellOutput;
  timings_s: Partial<Record<PipelineStage, number>>;
  warnings: string[];
}

/** Sum of sphere volumes / box volume (3D); what the DEM reports as solid fraction. */
export function solidFraction(p: Packing): number {
  const L = p.box.hi_m.map((h, a) => h - p.box.lo_m[a]);
  const v = p.particles.radius_m.reduce((s, r) => s + (4 / 3) * Math.PI * r ** 3, 0);
  return v / (L[0] * L[1] * L[2]);
}

function packSummary(p: Packing | GeneratedPacking): Record<string, number> {
  if ("summary" in p) return { ...p.summary };
  const am = p.particles.material.filter((m) => (p.materials[m]?.phase ?? m) === "AM").length;
  return {
    particles: p.particles.id.length,
    am,
    se: p.particles.id.length - am,
    height_m: p.box.hi_m[2] - p.box.lo_m[2],
    solidFraction: solidFraction(p),
  };
}

function compactCase(p: Packing, cfg: NonNullable<PipelineConfig["compact"]>, name: string) {
  const c = caseFromPacking(p, { name, materials: { ...MATERIALS_COMPACTION, ...cfg.materials } });
  if (cfg.timestep) c.timestep = cfg.timestep;
  if (cfg.neighbor) c.neighbor = cfg.neighbor;
  if (cfg.contact) c.contact = cfg.contact;
  if (cfg.limits) c.limits = cfg.limits;
  c.pairDefaults = cfg.pairDefaults;
  return c;
}

/** Voxel fractions per phase name of the volume (pore, AM, SE). */
function fractions(v: Volume): VoxelOutput["fractions"] {
  const count = new Float64Array(256);
  for (let i = 0; i < v.data.length; i++) count[v.data[i]]++;
  const f = { pore: 0, AM: 0, SE: 0 };
  for (const [code, name] of Object.entries(v.phases)) if (name in f) f[name as keyof typeof f] = count[Number(code)] / v.data.length;
  return f;
}

function phaseCode(v: Volume, name: "AM" | "SE", source: string): number {
  const hit = Object.entries(v.phases).find(([, nm]) => nm === name);
  if (!hit) throw inputError(`${source}: phases`, v.phases, `a volume with an ${name} phase (codes to names, e.g. {"1": "AM", "2": "SE"})`);
  return Number(hit[0]);
}

/** voxelize.poreAs: SE: a copy of the volume whose pore voxels are SE (a volume without a pore phase is returned as it is). */
function poresToSe(v: Volume, source: string): Volume {
  const pore = Object.entries(v.phases).find(([, nm]) => nm === "pore");
  if (!pore) return v;
  const p = Number(pore[0]),
    se = phaseCode(v, "SE", source);
  return { ...v, data: v.data.map((c) => (c === p ? se : c)) };
}

/** Runs the pipeline from its first stage (pack, or opts.from) to its last, with cell parameters from `cells`. */
export function runPipelineWith(core: PipelineCore, cfg: PipelineConfig, cells: CellSource, opts: PipelineRunOptions = {}): PipelineResult {
  const start = opts.from;
  const first: PipelineStage = start?.stage ?? "pack";
  const at = PIPELINE_STAGES.indexOf(first);
  const progress = opts.onProgress ?? (() => {});
  const timings: PipelineResult["timings_s"] = {};
  const warnings: string[] = [];
  const timed = <T>(stage: PipelineStage, f: () => T): T => {
    const t0 = performance.now();
    progress(stage, 0);
    const r = f();
    timings[stage] = (performance.now() - t0) / 1000;
    progress(stage, 1);
    return r;
  };
  // the cell parameters are read first: a bad set or key stops the run before the DEM starts
  const base = cfg.cell ? loadCell(cfg, cells) : undefined;

  let pack: PackOutput | undefined;
  let packing: Packing | undefined;
  if (first === "pack") {
    const g = timed("pack", () => generatePacking(cfg.pack!));
    pack = { source: "generated", packing: g, summary: packSummary(g) };
    packing = g;
  } else if (start && "packing" in start) {
    pack = { source: start.file ?? "memory", packing: start.packing, summary: packSummary(start.packing) };
    packing = start.packing;
  }

  let compact: CompactResult | undefined;
  if (packing && cfg.compact && at <= PIPELINE_STAGES.indexOf("compact")) {
    const c = cfg.compact;
    compact = timed("compact", () =>
      runCompact(
        opts.dem?.kernels ?? core,
        parseCompact({ case: compactCase(packing!, c, cfg.name), stages: c.stages }, "compact"),
        undefined,
        {
          onProgress: (ph, step, p, z, f) =>
            progress("compact", f, `${ph}, P ${(p / 1e6).toFixed(1)} MPa`, { pressure_Pa: p, wallPosition_m: z, step }),
          ...(opts.dem?.onSystem ? { onSystem: opts.dem.onSystem } : {}),
        },
      ),
    );
    warnings.push(...compact.warnings);
    packing = compact.packing;
  }

  const voxels = timed("voxelize", (): VoxelOutput => {
    const source = start && "volume" in start ? (start.file ?? "memory") : (packing?.source ?? "packing");
    const v0 = start && "volume" in start ? start.volume : voxelize(packing!, cfg.voxelize);
    const v = cfg.voxelize.poreAs === "SE" ? poresToSe(v0, source) : v0;
    const periodicXY = v.meta?.periodicXY !== false;
    const surface = surfaceStats(v, phaseCode(v, "AM", source), phaseCode(v, "SE", source), periodicXY);
    return { source, volume: v, shape: v.shape, voxelSize_m: v.voxelSize_m ?? Number.NaN, periodicXY, fractions: fractions(v), surface };
  });

  const tr: PipelineResult["transport"] = {};
  timed("transport", () => {
    const phases = cfg.transport.phases;
    phases.forEach((ph, i) => {
      const { method, rtol, tauRtol, maxIterations } = cfg.transport;
      // the tau rule unless the file sets rtol (transport() defaults); SOR has only the residual rule
      const solver = { method, rtol: rtol ?? (method === "sor" ? 1e-10 : undefined), tauRtol, maxIterations };
      const r = transport(core, voxels.volume, { phase: ph, solver });
      warnings.push(...r.warnings.map((w) => `transport ${ph}: ${w}`));
      if (ph === "SE") tr.se = r;
      else tr.am = r;
      progress("transport", (i + 1) / phases.length, `${ph}: tau ${r.tauFactor.toPrecision(4)}`);
    });
  });

  let cell: CellOutput | undefined;
  if (cfg.cell && base) cell = timed("cell", () => runCell(core, cfg.cell!, base, tr, voxels, (f, d) => progress("cell", f, d)));

  return {
    kind: "assbkit.pipeline.result",
    version: VERSION,
    name: cfg.name,
    config: cfg,
    startedAt: first,
    ...(pack ? { pack } : {}),
    ...(compact ? { compact } : {}),
    voxels,
    transport: tr,
    ...(cell ? { cell } : {}),
    timings_s: timings,
    warnings,
  };
}

/** Keys fromMicrostructure sets: a user override of one would be silently replaced. */
const MICRO_KEYS = [
  "Effective property method",
  "SE volume fraction in cathode",
  "SE tortuosity factor (measured)",
  "Active material volume fraction",
  "Electronic conduction volume fraction",
  "AM tortuosity factor (measured)",
  "Particle radius [m]",
  "AM median diameter [m]",
  "AM D_SCA [m]",
];

interface CellBase {
  cells: CellSource;
  path: string;
  set: Record<string, unknown>;
  /** the set's "AM median diameter [m]" (cell.radiusFrom: d50) */
  d50_m?: number;
}

function loadCell(cfg: PipelineConfig, cells: CellSource): CellBase {
  const c = cfg.cell!;
  // with radiusFrom d50 the median diameter is the set's (or cell.set's); with thicknessFrom volume the thickness is the volume's
  const keys = [
    ...MICRO_KEYS.filter((k) => !(c.radiusFrom === "d50" && k === "AM median diameter [m]")),
    ...(c.thicknessFrom === "volume" ? ["Cathode thickness [m]"] : []),
  ];
  if (c.microstructure)
    for (const k of Object.keys(c.set))
      if (keys.includes(k))
        throw inputError(
          `cell.set."${k}"`,
          c.set[k],
          "no key the microstructure sets (eps, tau, radius come from the transport results, the thickness from the volume with thicknessFrom: volume; set cell.microstructure: false to give them)",
        );
  // a shipped set by name, else (Node) a file beside the pipeline file
  const path = c.params;
  // parse now (the set exists, the overrides are valid); the microstructure keys are checked again with their values
  const p = cells.load(path, c.set);
  validateNumerics({ ...DEFAULT_NUMERICS, ...numerics(c) });
  const rp = cells.resolve(p);
  if (c.cutoff_V !== undefined && (c.cutoff_V < rp.vmin || c.cutoff_V > rp.vmax))
    throw inputError(
      "cell.cutoff_V",
      c.cutoff_V,
      `a voltage within the set's safety limits [${fmt(rp.vmin)}, ${fmt(rp.vmax)}] (to go lower, set "Lower voltage cut-off [V]")`,
      "V",
    );
  const d50_m = p["AM median diameter [m]"];
  if (c.microstructure && c.radiusFrom === "d50" && d50_m === undefined)
    throw inputError(
      "cell.radiusFrom",
      c.radiusFrom,
      `a set with "AM median diameter [m]" (R = D50 / 2): ${p.name} gives none; add it to cell.set, or use dSca`,
    );
  return { cells, path, set: c.set, ...(d50_m !== undefined ? { d50_m } : {}) };
}

function numerics(c: NonNullable<PipelineConfig["cell"]>): Partial<CellNumerics> {
  const n = c.numerics;
  return {
    nx: n.nx,
    nr: n.nr,
    ...(n.tolV !== undefined ? { tolV: n.tolV } : {}),
    ...(n.tolTheta !== undefined ? { tolTheta: n.tolTheta } : {}),
  };
}

function runCell(
  core: PipelineCore,
  c: NonNullable<PipelineConfig["cell"]>,
  base: CellBase,
  tr: PipelineResult["transport"],
  voxels: VoxelOutput,
  progress: (f: number, detail: string) => void,
): CellOutput {
  let micro: Record<string, unknown> = {};
  if (c.microstructure) {
    if (!tr.se || !tr.am) throw new ConfigError("cell: the microstructure needs transport of both SE and AM (transport.phases)");
    micro = fromMicrostructure({ se: tr.se, am: tr.am, surface: voxels.surface });
    const provenance: Record<string, unknown> = {
      ...(micro["Microstructure provenance"] as Record<string, unknown>),
      radiusFrom: c.radiusFrom ?? "dSca",
    };
    // paper 004's other radius: the AM powder's median, R = D50 / 2, on the same eps and tau
    if (c.radiusFrom === "d50") micro = { ...micro, "AM D_SCA [m]": undefined, "AM median diameter [m]": base.d50_m };
    if (c.thicknessFrom === "volume") {
      const L = voxels.shape[tr.se.axis] * voxels.voxelSize_m;
      micro["Cathode thickness [m]"] = L;
      provenance.thickness_m = L;
    }
    micro["Microstructure provenance"] = provenance;
  }
  const rp = base.cells.resolve(base.cells.load(base.path, { ...base.set, ...micro }));
  const cutoff = c.cutoff_V ?? rp.vmin;
  const num = { ...DEFAULT_NUMERICS, ...numerics(c) };
  progress(0, `${c.rates.length} rates`);
  const { rows, results } = rateSweep(core, rp, c.rates, cutoff, num);
  return {
    params: rp.params,
    derived: {
      kappaEff_S_m: rp.kappaEff,
      sigmaEff_S_m: rp.sigmaEff,
      radius_m: rp.radius_m,
      thickness_m: rp.Lc,
      epsAM: rp.epsAM,
      epsSE: rp.epsSE,
      oneC_A_m2: rp.oneC_A_m2,
      amMass_kg_m2: rp.amMass_kg_m2,
    },
    cutoff_V: cutoff,
    numerics: num,
    rows,
    results,
  };
}
