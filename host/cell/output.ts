/**
 * Cell results to files and back: time series (CSV and/or Parquet, with the overpotential breakdown),
 * full JSON (resolved parameters, version, seed), c(x, r) snapshots (CSV and/or Parquet), the rate
 * table of `assb cell-rates`, and PNG plots (voltage vs capacity; capacity vs C-rate) via vega-lite +
 * resvg. All files are written atomically. The JSON files carry a format number; readers check it.
 */
import { join } from "node:path";
import { mkdirSync, readFileSync } from "node:fs";
import { writeFileAtomic } from "../io/atomic.js";
import { toCsv, columnsToTable } from "../io/csv.js";
import { writeParquet, type ParquetColumn } from "../io/parquet.js";
import { renderPng } from "../plot/render.js";
import { ConfigError, fsError } from "../config/errors.js";
import { VERSION } from "../version.js";
import type { ResolvedCellParams } from "./params_core.js";
import type { CellNumerics } from "./numerics.js";
import { OVERPOTENTIAL_KEYS, type CellResult } from "./result.js";
import type { RateRow } from "./rates.js";
import { damageProfileSpec, rateSpec, voltageCapacitySpec } from "./plots.js";
import { fmt } from "./experiment.js";

export { voltageCapacitySpec, rateSpec } from "./plots.js";

/**
 * Layout versions of the JSON result files, an integer in the file's `format` field. Raise one when a
 * reader of the previous format would misread the file (a field renamed, removed, or changed in meaning
 * or unit); a field added leaves it. Readers refuse any format but their own, naming it.
 *   result.json (writeCellResult):  { format: CELL_RESULT_FORMAT, ...CellResult }
 *   rates.json (writeRatesResult):  { format: CELL_RATES_FORMAT, version, seed, params, cutoff_V, numerics, rows }
 */
export const CELL_RESULT_FORMAT = 1;
export const CELL_RATES_FORMAT = 1;

/** result.json as written. */
export type CellResultFile = { format: number } & CellResult;

/** rates.json as written: one row per C-rate (discharges to cutoff_V from the same initial state). */
export interface CellRatesFile {
  format: number;
  version: string;
  seed: null;
  params: ResolvedCellParams["params"];
  cutoff_V: number;
  numerics: CellNumerics;
  rows: RateRow[];
}

/** Time-series columns: t, V, I, capacity, step, then the overpotential breakdown (when recorded). */
export function timeseriesColumns(r: CellResult): Record<string, number[]> {
  const cols: Record<string, number[]> = {
    t_s: r.time_s,
    voltage_V: r.voltage_V,
    current_A_m2: r.current_A_m2,
    capacity_Ah_m2: r.capacity_Ah_m2,
    capacity_mAh_g: r.capacity_mAh_g,
    step: r.step,
  };
  const ov = r.overpotentials;
  if (ov && ov.ocv_V.length === r.time_s.length) for (const k of OVERPOTENTIAL_KEYS) cols[k] = ov[k];
  return cols;
}

export function timeseriesCsv(r: CellResult): string {
  return toCsv(columnsToTable(timeseriesColumns(r)));
}

/** The time series as Parquet: DOUBLE columns, `step` INT64; version and experiment in the key-value metadata. */
export function timeseriesParquet(r: CellResult): Uint8Array {
  const cols: ParquetColumn[] = Object.entries(timeseriesColumns(r)).map(([name, values]) => ({
    name,
    values,
    type: name === "step" ? "int64" : "double",
  }));
  return writeParquet(cols, {
    keyValue: { "assbkit.version": VERSION, "assbkit.parameter_set": r.params.name, "assbkit.experiment": r.experiment.join("; ") },
  });
}

function snapshotColumns(r: CellResult): {
  snapshot: number[];
  t_s: number[];
  step: number[];
  x_m: number[];
  r_m: number[];
  theta: number[];
} {
  const c = {
    snapshot: [] as number[],
    t_s: [] as number[],
    step: [] as number[],
    x_m: [] as number[],
    r_m: [] as number[],
    theta: [] as number[],
  };
  r.snapshots.forEach((s, k) =>
    s.theta.forEach((col, j) =>
      col.forEach((th, q) => {
        c.snapshot.push(k);
        c.t_s.push(s.t_s);
        c.step.push(s.step);
        c.x_m.push(r.x_m[j]);
        c.r_m.push(r.r_m[q]);
        c.theta.push(th);
      }),
    ),
  );
  return c;
}

/** One row per (snapshot, node, shell): theta = c / c1max. */
export function snapshotsCsv(r: CellResult): string {
  return toCsv(columnsToTable(snapshotColumns(r)));
}

export function snapshotsParquet(r: CellResult): Uint8Array {
  const c = snapshotColumns(r);
  return writeParquet(
    Object.entries(c).map(([name, values]) => ({ name, values, type: name === "snapshot" || name === "step" ? "int64" : "double" })),
    { keyValue: { "assbkit.version": VERSION, "assbkit.parameter_set": r.params.name } },
  );
}

/** The particle model's per-node fields (the multiscale cell's c~_s, c~_b, <d>) in long form: one row per (output point, node). */
export function fieldColumns(r: CellResult): Record<string, number[]> | null {
  const names = Object.keys(r.fields ?? {});
  if (names.length === 0) return null;
  const cols: Record<string, number[]> = { point: [], t_s: [], x_m: [] };
  for (const n of names) cols[n] = [];
  r.time_s.forEach((t, k) =>
    r.x_m.forEach((x, j) => {
      cols.point.push(k);
      cols.t_s.push(t);
      cols.x_m.push(x);
      for (const n of names) cols[n].push(r.fields[n][k]?.[j] ?? Number.NaN);
    }),
  );
  return cols;
}

export const RESULT_FORMATS = ["csv", "json", "parquet"] as const;
export type ResultFormat = (typeof RESULT_FORMATS)[number];

/** "csv,parquet" -> ["csv", "parquet"]; ConfigError naming the bad entry. */
export function parseFormats(s: string, what = "--format"): ResultFormat[] {
  const list = s
    .split(",")
    .map((x) => x.trim().toLowerCase())
    .filter(Boolean);
  if (list.length === 0) throw new ConfigError(`${what} = '${s}': expected a comma-separated list of ${RESULT_FORMATS.join(", ")}`);
  for (const f of list)
    if (!(RESULT_FORMATS as readonly string[]).includes(f))
      throw new ConfigError(`${what} = '${s}': '${f}' is not a format; expected a comma-separated list of ${RESULT_FORMATS.join(", ")}`);
  return [...new Set(list)] as ResultFormat[];
}

/** Writes into dir, per format: csv -> timeseries.csv, snapshots.csv; parquet -> timeseries.parquet,
 *  snapshots.parquet; json -> result.json (everything, CellResultFile); and voltage_capacity.png. Default: all formats. */
export async function writeCellResult(
  dir: string,
  r: CellResult,
  plot = true,
  formats: readonly ResultFormat[] = RESULT_FORMATS,
): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  if (r.time_s.length === 0) plot = false; // a run that failed before its first output point
  const files: [string, string | Uint8Array][] = [];
  if (formats.includes("csv")) files.push(["timeseries.csv", timeseriesCsv(r)], ["snapshots.csv", snapshotsCsv(r)]);
  if (formats.includes("parquet")) files.push(["timeseries.parquet", timeseriesParquet(r)], ["snapshots.parquet", snapshotsParquet(r)]);
  const fc = fieldColumns(r);
  if (fc && formats.includes("csv")) files.push(["fields.csv", toCsv(columnsToTable(fc))]);
  if (fc && formats.includes("parquet"))
    files.push([
      "fields.parquet",
      writeParquet(
        Object.entries(fc).map(([name, values]) => ({ name, values, type: name === "point" ? "int64" : "double" })),
        { keyValue: { "assbkit.version": VERSION, "assbkit.parameter_set": r.params.name, "assbkit.particle_model": r.particleModel } },
      ),
    ]);
  if (plot && fc && r.fields.damage_avg)
    files.push(["damage.png", await renderPng(damageProfileSpec(r, `${r.particleModel}: interface damage along the cathode`))]);
  if (formats.includes("json"))
    files.push(["result.json", JSON.stringify({ format: CELL_RESULT_FORMAT, ...r } satisfies CellResultFile, null, 1)]);
  const title = `${r.params.name}: ${r.experiment.join("; ")}`;
  if (plot)
    files.push([
      "voltage_capacity.png",
      await renderPng(voltageCapacitySpec([{ label: r.params.name, r }], title.length > 100 ? `${title.slice(0, 97)}...` : title)),
    ]);
  return files.map(([n, d]) => {
    const f = join(dir, n);
    writeFileAtomic(f, d);
    return f;
  });
}

/** Writes the rate table of `assb cell-rates` into dir: rates.csv, rates.parquet, rates.json
 *  (CellRatesFile), capacity_vs_rate.png and voltage_capacity.png (one curve per rate); returns the paths. */
export async function writeRatesResult(
  dir: string,
  rp: ResolvedCellParams,
  cutoff_V: number,
  rows: RateRow[],
  results: CellResult[],
): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const table = {
    columns: ["c_rate", "current_A_m2", "capacity_Ah_m2", "capacity_mAh_g", "time_s", "termination"],
    rows: rows.map((r) => [r.cRate, r.current_A_m2, r.capacity_Ah_m2, r.capacity_mAh_g, r.time_s, r.termination]),
  };
  const json: CellRatesFile = {
    format: CELL_RATES_FORMAT,
    version: VERSION,
    seed: null,
    params: rp.params,
    cutoff_V,
    numerics: results[0].numerics,
    rows,
  };
  const files: [string, string | Uint8Array][] = [
    ["rates.csv", toCsv(table)],
    [
      "rates.parquet",
      writeParquet(
        [
          { name: "c_rate", type: "double", values: rows.map((r) => r.cRate) },
          { name: "current_A_m2", type: "double", values: rows.map((r) => r.current_A_m2) },
          { name: "capacity_Ah_m2", type: "double", values: rows.map((r) => r.capacity_Ah_m2) },
          { name: "capacity_mAh_g", type: "double", values: rows.map((r) => r.capacity_mAh_g) },
          { name: "time_s", type: "double", values: rows.map((r) => r.time_s) },
          { name: "termination", type: "string", values: rows.map((r) => r.termination) },
        ],
        { keyValue: { "assbkit.version": VERSION, "assbkit.parameter_set": rp.params.name, "assbkit.cutoff_V": String(cutoff_V) } },
      ),
    ],
    ["rates.json", JSON.stringify(json, null, 1)],
    ["capacity_vs_rate.png", await renderPng(rateSpec(rows, `${rp.params.name}: discharge capacity to ${fmt(cutoff_V)} V vs C-rate`))],
    [
      "voltage_capacity.png",
      await renderPng(
        voltageCapacitySpec(
          results.map((r, i) => ({ label: `${rows[i].cRate}C`, r })),
          `${rp.params.name}: discharge curves`,
        ),
      ),
    ],
  ];
  return files.map(([n, d]) => {
    const f = join(dir, n);
    writeFileAtomic(f, d);
    return f;
  });
}

/** A JSON result file with the expected format: ConfigError naming the file, the format found and the
 *  one expected (and which assbkit wrote it) otherwise. */
function readFormatted(path: string, what: string, expected: number): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw fsError(e, path, "read");
  }
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`${path}: not a complete ${what} (truncated or corrupt JSON: ${(e as Error).message.split("\n")[0]})`);
  }
  if (o === null || typeof o !== "object" || Array.isArray(o)) throw new ConfigError(`${path}: not a ${what} (expected a JSON object)`);
  const f = o as Record<string, unknown>;
  const by = typeof f.version === "string" ? `assbkit ${f.version}` : "unknown writer";
  if (f.format === undefined)
    throw new ConfigError(
      `${path}: no format field (${by}): not a ${what}, or one written before these files carried a format; this assbkit ${VERSION} reads format ${expected}: rerun the simulation`,
    );
  if (f.format !== expected)
    throw new ConfigError(
      `${path}: ${what} format ${JSON.stringify(f.format)} (${by}); this assbkit ${VERSION} reads format ${expected}${typeof f.format === "number" && f.format > expected ? ": read it with a newer assbkit" : ": rerun the simulation"}`,
    );
  return f;
}

/** Reads a result.json back (CELL_RESULT_FORMAT only). NaN start/end voltages of a step that failed
 *  before its start come back as null (JSON has no NaN). */
export function readCellResult(path: string): CellResultFile {
  const f = readFormatted(path, "cell result file", CELL_RESULT_FORMAT);
  if (!Array.isArray(f.time_s) || !Array.isArray(f.voltage_V) || !Array.isArray(f.steps))
    throw new ConfigError(`${path}: not a cell result file (time_s, voltage_V or steps missing)`);
  return f as unknown as CellResultFile;
}

/** Reads a rates.json back (CELL_RATES_FORMAT only). */
export function readRatesResult(path: string): CellRatesFile {
  const f = readFormatted(path, "cell rates file", CELL_RATES_FORMAT);
  if (!Array.isArray(f.rows) || typeof f.cutoff_V !== "number")
    throw new ConfigError(`${path}: not a cell rates file (rows or cutoff_V missing)`);
  return f as unknown as CellRatesFile;
}
