/**
 * The study file (YAML or JSON): a base config of one kind plus parameter axes addressed by path, a sampling
 * block and replicas. Validated in one place, here, before anything runs: the base config by its kind's own
 * parser, every axis path against the base config and the kind's schema, the seed as an integer.
 */
import { createHash } from "node:crypto";
import { dirname, resolve } from "node:path";
import { z } from "zod";
import { ConfigError, configErrorFrom, inputError } from "../config/errors.js";
import { readConfigFile } from "../config/load.js";
import { KIND_NAMES, loadKind, readBaseFile, type KindName } from "./kinds.js";
import { hasAt, parsePath, schemaAccepts, type PathSegment } from "./paths.js";

const Range = z
  .object({
    min: z.number({ error: "expected a finite number" }),
    max: z.number({ error: "expected a finite number" }),
    /** draw uniformly in log(x) (min and max > 0) */
    log: z.boolean().default(false),
  })
  .strict();
const nonEmpty = (what: string) => z.array(z.unknown()).min(1, { error: `an empty ${what}: expected at least one value` });

const AxisSchema = z
  .object({
    /** where the value goes in the base config: dots, [i] indices, ["quoted key"] */
    path: z.string().min(1),
    /** its column in the results table (default: the path with every run of other characters as "_") */
    name: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: "expected a column name: letters, digits and _, not starting with a digit" })
      .optional(),
    list: nonEmpty("list").optional(),
    /** values, or an evenly spaced grid {min, max, count[, log]} (both ends included) */
    grid: z.union([nonEmpty("grid"), Range.extend({ count: z.number().int().min(1) })]).optional(),
    random: Range.optional(),
    "latin-hypercube": Range.optional(),
  })
  .strict();

export const StudySchema = z
  .object({
    name: z.string().min(1),
    description: z.string().optional(),
    seed: z
      .number({ error: "expected an integer seed (e.g. 42)" })
      .int({ error: "expected an integer seed (e.g. 42)" })
      .min(0)
      .max(Number.MAX_SAFE_INTEGER),
    base: z
      .object({
        kind: z.enum(KIND_NAMES, { error: `expected one of ${KIND_NAMES.join(", ")}` }),
        config: z.record(z.string(), z.unknown()).optional(),
        /** a config file of that kind, relative to the study file */
        file: z.string().min(1).optional(),
      })
      .strict(),
    axes: z.array(AxisSchema).default([]),
    sampling: z
      .object({
        method: z.enum(["grid", "random", "latin-hypercube"]).optional(),
        /** points drawn for the random / latin-hypercube axes (crossed with the grid of the list and grid axes) */
        samples: z.number().int().min(1).optional(),
      })
      .strict()
      .default({}),
    /** replicas of every point (each with its own seed) */
    repeat: z.number().int().min(1).default(1),
  })
  .strict();
export type StudyInput = z.input<typeof StudySchema>;

export type AxisMode = "list" | "grid" | "random" | "latin-hypercube";
export interface Axis {
  path: string;
  segs: PathSegment[];
  /** its column in the results table */
  column: string;
  mode: AxisMode;
  /** list and grid axes */
  values?: unknown[];
  /** random and latin-hypercube axes */
  range?: { min: number; max: number; log: boolean };
}

/** A validated study: plain and serializable (the coordinator hands its cases to workers). */
export interface Study {
  name: string;
  description?: string;
  seed: number;
  kind: KindName;
  /** the base config as written (before validation), with `file` read */
  base: unknown;
  /** where relative paths in the base config resolve (the base file's folder, or the study file's) */
  baseDir: string;
  /** names the base in error lines */
  baseSource: string;
  axes: Axis[];
  sampling: { method: "grid" | "random" | "latin-hypercube"; samples: number };
  repeat: number;
  /** sha256 of the study with its base inlined (canonical JSON): a results folder belongs to one study */
  hash: string;
}

/** Columns every results row has; an axis or a scalar named like one gets a prefix. */
export const FIXED_COLUMNS = ["case_id", "replica", "seed", "status", "error", "started_at", "wall_s", "artefact_dir"] as const;

/** A path as a SQL-friendly column name: `compact.stages[0].targetPressure_Pa` -> `compact_stages_0_targetPressure_Pa`. */
export function columnName(path: string): string {
  let c = path
    .replace(/[^A-Za-z0-9_]+/g, "_")
    .replace(/_+/g, "_")
    .replace(/^_|_$/g, "");
  if (!c) c = "param";
  if (/^\d/.test(c)) c = `p_${c}`;
  return c;
}

/** JSON with sorted keys, so equal objects hash equally. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  if (v && typeof v === "object")
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  return JSON.stringify(v) ?? "null";
}

export const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

function gridValues(g: unknown[] | { min: number; max: number; count: number; log: boolean }, where: string): unknown[] {
  if (Array.isArray(g)) return g;
  if (g.log && !(g.min > 0 && g.max > 0)) throw inputError(`${where}.min`, g.min, "min and max > 0 for a log grid");
  if (g.count === 1) return [g.min];
  return Array.from({ length: g.count }, (_, i) => {
    const f = i / (g.count - 1);
    return g.log ? Math.exp(Math.log(g.min) + f * (Math.log(g.max) - Math.log(g.min))) : g.min + f * (g.max - g.min);
  });
}

/** Validates a study file's content; `studyDir` resolves `base.file` and the relative paths in the base config. */
export async function parseStudy(input: unknown, source = "study", studyDir = process.cwd()): Promise<Study> {
  const r = StudySchema.safeParse(input);
  if (!r.success) throw configErrorFrom(r.error, input, source);
  const s = r.data;
  const b = s.base;
  if ((b.config === undefined) === (b.file === undefined))
    throw new ConfigError(
      `${source}: base = ${b.config ? "config and file" : "neither config nor file"}: expected exactly one of base.config (inline) and base.file (a ${b.kind} config file)`,
    );
  let base: unknown = b.config;
  let baseDir = studyDir;
  let baseSource = `${source}: base.config`;
  if (b.file !== undefined) {
    const f = readBaseFile(b.file, studyDir);
    base = f.input;
    baseDir = dirname(f.path);
    baseSource = f.path;
  }
  const kind = await loadKind(b.kind);
  await kind.parse(base, baseSource, baseDir); // the base itself must be valid

  const kindSchema = await kind.schema?.();
  const axes: Axis[] = s.axes.map((a, i) => {
    const where = `${source}: axes[${i}]`;
    const modes = (["list", "grid", "random", "latin-hypercube"] as const).filter((m) => a[m] !== undefined);
    if (modes.length !== 1)
      throw new ConfigError(
        `${where} (${a.path}): give exactly one of list, grid, random, latin-hypercube (got ${modes.length ? modes.join(", ") : "none"})`,
      );
    const segs = parsePath(a.path, `${where}.path`);
    if (!hasAt(base, segs) && !(kindSchema && schemaAccepts(kindSchema, segs)))
      throw inputError(
        `${where}.path`,
        a.path,
        `a path into the base ${b.kind} config: it is neither in the base config nor a key the ${b.kind} config accepts`,
      );
    const mode = modes[0];
    const axis: Axis = { path: a.path, segs, column: a.name ?? columnName(a.path), mode };
    if (mode === "list" || mode === "grid") {
      axis.values = mode === "list" ? a.list! : gridValues(a.grid!, `${where}.grid`);
      const seen = new Set<string>();
      for (const v of axis.values) {
        const key = canonicalJson(v);
        if (seen.has(key)) throw inputError(`${where}.${mode}`, axis.values, `distinct values (${key} appears twice)`);
        seen.add(key);
      }
    } else {
      const rg = a[mode]!;
      if (!(rg.max > rg.min)) throw inputError(`${where}.${mode}.max`, rg.max, `a value above min = ${rg.min}`);
      if (rg.log && !(rg.min > 0)) throw inputError(`${where}.${mode}.min`, rg.min, "a value > 0 for log sampling");
      axis.range = rg;
    }
    return axis;
  });

  const cols = new Map<string, string>();
  for (const a of axes) {
    if ((FIXED_COLUMNS as readonly string[]).includes(a.column)) a.column = `param_${a.column}`;
    const other = cols.get(a.column);
    if (other !== undefined)
      throw new ConfigError(`${source}: axes ${other} and ${a.path} give the same column ${a.column}; one path per axis`);
    cols.set(a.column, a.path);
  }

  const sampled = axes.filter((a) => a.range);
  const kinds = [...new Set(sampled.map((a) => a.mode))];
  const m = s.sampling.method;
  if (m === "grid" && sampled.length)
    throw inputError(`${source}: sampling.method`, m, `random or latin-hypercube: axis ${sampled[0].path} is ${sampled[0].mode}`);
  if ((m === "random" || m === "latin-hypercube") && kinds.some((k) => k !== m))
    throw inputError(`${source}: sampling.method`, m, `the method of the sampled axes (${kinds.join(", ")})`);
  if (sampled.length && s.sampling.samples === undefined)
    throw inputError(`${source}: sampling.samples`, undefined, `the number of points to draw for the ${kinds.join(", ")} axes`);
  const method = m ?? (kinds.length === 1 ? kinds[0] : kinds.length ? "random" : "grid");

  // what decides the cases and their results (not the description)
  const { description: _d, ...decisive } = s;
  const hash = sha256(canonicalJson({ study: { ...decisive, base: { kind: b.kind } }, base }));
  return {
    name: s.name,
    ...(s.description !== undefined ? { description: s.description } : {}),
    seed: s.seed,
    kind: b.kind,
    base,
    baseDir,
    baseSource,
    axes,
    sampling: { method: method as Study["sampling"]["method"], samples: sampled.length ? s.sampling.samples! : 1 },
    repeat: s.repeat,
    hash,
  };
}

/** Reads and validates a study file (YAML or JSON). */
export async function loadStudy(path: string): Promise<Study> {
  return parseStudy(readConfigFile(path), path, dirname(resolve(path)));
}
