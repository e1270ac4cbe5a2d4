/**
 * What a study can vary: one entry per kind of base config (a P2D cell, a micro particle, a DEM case, a
 * transport solve, the whole pipeline). Each kind validates its config as written (`parse`, the same
 * function its own command uses) and runs one case into a folder (`run`), returning the scalars that
 * become columns of the results table and the files it wrote. Kinds load their stage on first use, so a
 * cell study never loads the DEM engine.
 */
import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { z } from "zod";
import { configErrorFrom, ConfigError, inputError } from "../config/errors.js";
import { readConfigFile } from "../config/load.js";
import type { loadCore } from "../core/wasm.js";
import { writeFileAtomic } from "../io/atomic.js";
import { toCsv } from "../io/csv.js";
import { quantity } from "../config/schema.js";

/** The compute core a case runs on (one per worker thread, reused across its cases). */
export type Core = Awaited<ReturnType<typeof loadCore>>;
export type Scalar = number | string | null;
export interface CaseOutput {
  /** one column each in the results table (SI units in the names) */
  scalars: Record<string, Scalar>;
  /** artefacts written, relative to the case folder */
  files: string[];
}

export const KIND_NAMES = ["cell", "micro", "dem", "transport", "pipeline", "section2d", "grf"] as const;
export type KindName = (typeof KIND_NAMES)[number];

export interface StudyKind<C = unknown> {
  readonly name: KindName;
  /** the schema of the config as written: axis paths must have a place in it (or be present in the base config) */
  schema?(): Promise<z.ZodType>;
  /** where the case seed goes in the config as written, when the config does not set it itself (and its parent is there) */
  seedPath?: string[];
  /** validates (throws ConfigError naming `source` and the field); relative paths resolve against `baseDir` */
  parse(input: unknown, source: string, baseDir: string): C | Promise<C>;
  run(core: Core, cfg: C, caseDir: string, seed: number): Promise<CaseOutput>;
}

const finite = (x: number | null | undefined): number | null => (typeof x === "number" && Number.isFinite(x) ? x : null);
const rel = (dir: string, paths: string[]) => paths.map((p) => (p.startsWith(dir) ? p.slice(dir.length).replace(/^[\\/]/, "") : p));
/** A C-rate as a column-name suffix: 0.5 -> "0p5C" (as the pipeline's cell_capacity_Ah_m2_at_<rate>C). */
export const rateTag = (c: number) => `${String(c).replace(".", "p").replace("-", "m").replace("+", "")}C`;

// ---- cell: one discharge at `rate`, capacity vs `rates`, or a PyBaMM-style experiment ----------------

const CellKindSchema = z
  .object({
    /** a parameter set name (Asheri2023, NCA_LPS_2023) or a JSON/YAML file (relative to the study file) */
    params: z.string().min(1).default("Asheri2023"),
    /** parameter overrides, keyed as in the set ("Active material volume fraction": 0.6) */
    parameters: z.record(z.string(), z.unknown()).default({}),
    rate: quantity("1/h", { min: 0, minExclusive: true }, "C-rate").optional(),
    rates: z
      .array(quantity("1/h", { min: 0, minExclusive: true }, "C-rate"))
      .min(1)
      .optional(),
    experiment: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
    cutoff_V: quantity("V", { min: 0, minExclusive: true }, "lower cut-off voltage").optional(),
    numerics: z
      .object({
        nx: z.number().int().min(2).optional(),
        nr: z.number().int().min(2).optional(),
        tolV: z.number().optional(),
        tolTheta: z.number().optional(),
      })
      .strict()
      .default({}),
  })
  .strict();
type CellKindInput = z.output<typeof CellKindSchema>;

const cell: StudyKind<CellKindInput & { paramsPath: string }> = {
  name: "cell",
  // axis paths into `parameters` must name a key of a parameter set
  schema: async () => CellKindSchema.extend({ parameters: (await import("../cell/params_core.js")).CellParamsSchema.partial() }),
  async parse(input, source, baseDir) {
    const r = CellKindSchema.safeParse(input);
    if (!r.success) throw configErrorFrom(r.error, input, source);
    const c = r.data;
    const modes = [c.rate, c.rates, c.experiment].filter((m) => m !== undefined).length;
    if (modes !== 1)
      throw new ConfigError(
        `${source}: give exactly one of rate (one discharge), rates (capacity vs C-rate), experiment (PyBaMM-style steps); got ${modes}`,
      );
    const { loadCellParams, resolveCellParams, PARAMETER_SETS } = await import("../cell/params.js");
    const named = (PARAMETER_SETS as readonly string[]).includes(c.params);
    const paramsPath = named || isAbsolute(c.params) ? c.params : resolve(baseDir, c.params);
    if (!named && !existsSync(paramsPath))
      throw inputError(`${source}: params`, c.params, `a parameter set (${PARAMETER_SETS.join(", ")}) or a file`);
    const cfg = { ...c, paramsPath };
    resolveCellParams(loadCellParams(paramsPath, c.parameters)); // every parameter checked before any case runs
    if (c.experiment !== undefined) (await import("../cell/experiment.js")).parseExperiment(c.experiment);
    return cfg;
  },
  async run(core, cfg, dir) {
    const { loadCellParams, resolveCellParams } = await import("../cell/params.js");
    const { runExperiment, DEFAULT_NUMERICS, validateNumerics } = await import("../cell/model.js");
    const { rateSweep } = await import("../cell/rates.js");
    const { timeseriesCsv } = await import("../cell/output.js");
    const rp = resolveCellParams(loadCellParams(cfg.paramsPath, cfg.parameters));
    const num = { ...DEFAULT_NUMERICS, overpotentials: false, ...cfg.numerics };
    validateNumerics(num);
    const cutoff = cfg.cutoff_V ?? rp.vmin;
    const files: [string, string][] = [];
    const scalars: Record<string, Scalar> = {};
    if (cfg.experiment !== undefined) {
      const r = runExperiment(core, rp, cfg.experiment, { numerics: num });
      const k = r.time_s.length - 1;
      Object.assign(scalars, {
        capacity_Ah_m2: finite(r.capacity_Ah_m2[k]),
        capacity_mAh_g: finite(r.capacity_mAh_g[k]),
        time_s: finite(r.time_s[k]),
        end_V: finite(r.voltage_V[k]),
        steps_run: r.steps.length,
        termination: r.steps.at(-1)?.termination ?? null,
      });
      files.push(["timeseries.csv", timeseriesCsv(r)]);
    } else {
      const rates = cfg.rates ?? [cfg.rate!];
      const { rows, results } = rateSweep(core, rp, rates, cutoff, num);
      const one = cfg.rate !== undefined;
      for (const row of rows) {
        const tag = one ? "" : `_at_${rateTag(row.cRate)}`;
        scalars[`capacity_Ah_m2${tag}`] = finite(row.capacity_Ah_m2);
        scalars[`capacity_mAh_g${tag}`] = finite(row.capacity_mAh_g);
        scalars[`time_s${tag}`] = finite(row.time_s);
        scalars[`termination${tag}`] = row.termination;
      }
      const table = {
        columns: ["c_rate", "current_A_m2", "capacity_Ah_m2", "capacity_mAh_g", "time_s", "termination"],
        rows: rows.map((r) => [r.cRate, r.current_A_m2, r.capacity_Ah_m2, r.capacity_mAh_g, r.time_s, r.termination]),
      };
      files.push(["rates.csv", toCsv(table)]);
      results.forEach((r, i) => files.push([`timeseries_${rateTag(rates[i])}.csv`, timeseriesCsv(r)]));
    }
    for (const [name, text] of files) writeFileAtomic(join(dir, name), text);
    return { scalars, files: files.map((f) => f[0]) };
  },
};

// ---- micro: an AM particle in SE, lithiated at J_s, interface damage ---------------------------------

const micro: StudyKind<import("../micro/types.js").MicroConfig> = {
  name: "micro",
  schema: async () => (await import("../micro/config.js")).MicroConfigSchema,
  async parse(input, source) {
    return (await import("../micro/config.js")).parseMicroConfig(input, source);
  },
  async run(core, cfg, dir) {
    const { runMicro } = await import("../micro/model.js");
    const { writeMicroResult, microSummary } = await import("../micro/output.js");
    const r = runMicro(core, cfg);
    const files = await writeMicroResult(dir, r, { plots: false });
    // the values at the stop, as summary.json has them
    const { t_s: _t, ...atStop } = microSummary(r).atStop;
    return {
      scalars: { t_stop_s: r.stop.t_s, stop_reason: r.stop.reason, damageOnset_s: r.damageOnset_s, ...atStop, steps: r.steps },
      files: rel(dir, files),
    };
  },
};

// ---- dem: one DEM case file ---------------------------------------------------------------------------

const dem: StudyKind<{ config: import("../dem/case.js").DemCase; baseDir: string }> = {
  name: "dem",
  schema: async () => (await import("../dem/case.js")).DemCaseSchema,
  seedPath: ["seed"],
  async parse(input, source, baseDir) {
    const { parseDemCase } = await import("../dem/case.js");
    return { config: parseDemCase(input, source), baseDir };
  },
  async run(core, cfg, dir) {
    const { resolveCase, runCase } = await import("../dem/run.js");
    const { writeDemResult } = await import("../dem/node.js");
    const resolved = resolveCase(cfg.config, (p) => {
      const full = resolve(cfg.baseDir, p);
      try {
        return readFileSync(full, "utf8");
      } catch (e) {
        throw new ConfigError(`particles.csv = "${p}": cannot read ${full} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
      }
    });
    const r = runCase(core, resolved);
    const files = writeDemResult(dir, r);
    const s = r.summary;
    // timings (wall clock, particle-steps/s) stay out: the row has wall_s, and scalars must not depend on the machine
    return {
      scalars: {
        particles: s.particles,
        steps: s.steps,
        time_s: s.time_s,
        dt_s: s.dt_s,
        contacts: s.contacts,
        meanCoordination: s.meanCoordination,
        kineticEnergy_J: s.kineticEnergy_J,
        rotationalEnergy_J: s.rotationalEnergy_J,
      },
      files: rel(dir, files),
    };
  },
};

// ---- transport: effective transport of one phase of a volume file -------------------------------------

const TransportKindSchema = z
  .object({
    /** a volume file (raw + JSON sidecar's .json, or TIFF), relative to the study file */
    volume: z.string().min(1),
    phase: z.union([z.string().min(1), z.number().int()]).optional(),
    sigma_S_m: z.record(z.string(), z.number().nonnegative()).optional(),
    axis: z.union([z.number().int(), z.string()]).optional(),
    periodic: z.boolean().optional(),
  })
  .strict();
type TransportKindInput = z.output<typeof TransportKindSchema>;

const transport: StudyKind<TransportKindInput> = {
  name: "transport",
  schema: async () => TransportKindSchema,
  async parse(input, source, baseDir) {
    const r = TransportKindSchema.safeParse(input);
    if (!r.success) throw configErrorFrom(r.error, input, source);
    const c = { ...r.data, volume: resolve(baseDir, r.data.volume) };
    if ((c.phase === undefined) === (c.sigma_S_m === undefined))
      throw new ConfigError(`${source}: give exactly one of phase (binary: the conducting phase) and sigma_S_m (multi-phase)`);
    (await import("../transport/volume.js")).probeVolume(c.volume); // a missing or malformed volume fails before any case
    return c;
  },
  async run(core, cfg, dir) {
    const { readVolume } = await import("../transport/volume.js");
    const { transport: solve, resultJson } = await import("../transport/tortuosity.js");
    const v = readVolume(cfg.volume);
    const t = solve(core, v, { phase: cfg.phase, sigma_S_m: cfg.sigma_S_m, axis: cfg.axis, periodic: cfg.periodic });
    writeFileAtomic(join(dir, "transport.json"), resultJson(t));
    return {
      scalars: {
        eps: t.eps,
        deffRel: t.deffRel,
        tauFactor: finite(t.tauFactor),
        tauSqrt: finite(t.tauSqrt),
        percolatingFraction: t.percolatingFraction,
        converged: t.converged ? 1 : 0,
      },
      files: ["transport.json"],
    };
  },
};

const KINDS: Record<string, StudyKind<never>> = { cell, micro, dem, transport } as unknown as Record<string, StudyKind<never>>;

/** The kind `name` (ConfigError naming `field` when there is none). */
export async function loadKind(name: string, field = "base.kind"): Promise<StudyKind<unknown>> {
  if (name === "pipeline") return (await import("./pipeline_kind.js")).pipelineKind as StudyKind<unknown>;
  // paper 000's dataset case (structure -> compress2d -> section image + labels)
  if (name === "section2d") return (await import("./section2d_kind.js")).section2dKind as StudyKind<unknown>;
  // paper 002's dataset block (seeded GRF images + solver labels)
  if (name === "grf") return (await import("./grf_kind.js")).grfKind as StudyKind<unknown>;
  const k = KINDS[name];
  if (!k) throw inputError(field, name, `one of ${KIND_NAMES.join(", ")}`);
  return k as StudyKind<unknown>;
}

/** The config as written of a base `{ file }`: read relative to the study file's folder. */
export function readBaseFile(file: string, studyDir: string): { input: unknown; path: string } {
  const path = resolve(studyDir, file);
  return { input: readConfigFile(path), path };
}
