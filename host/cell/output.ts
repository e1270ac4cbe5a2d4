/** Cell results to files: time series (CSV and/or Parquet, with the overpotential breakdown), full JSON
 *  (resolved parameters, version, seed), c(x, r) snapshots (CSV and/or Parquet), and PNG plots (voltage
 *  vs capacity; capacity vs C-rate) via vega-lite + resvg. All files are written atomically. */
import { join } from "node:path";
import { mkdirSync } from "node:fs";
import { writeFileAtomic } from "../io/atomic.js";
import { toCsv, columnsToTable } from "../io/csv.js";
import { writeParquet, type ParquetColumn } from "../io/parquet.js";
import { renderPng } from "../plot/render.js";
import { ConfigError } from "../config/errors.js";
import { VERSION } from "../version.js";
import { OVERPOTENTIAL_KEYS, type CellResult } from "./model.js";
import { voltageCapacitySpec } from "./plots.js";

export { voltageCapacitySpec, rateSpec } from "./plots.js";

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
 *  snapshots.parquet; json -> result.json (everything); and voltage_capacity.png. Default: all formats. */
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
  if (formats.includes("json")) files.push(["result.json", JSON.stringify(r, null, 1)]);
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
