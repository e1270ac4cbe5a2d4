/**
 * The results store of a study: a DuckDB file `<dir>/study.duckdb` with
 *   - `results`: one row per case: case_id, replica, seed, one column per axis, status, error, started_at,
 *     wall_s, artefact_dir, then one column per scalar output (added as new names appear);
 *   - `study`: key/value metadata (name, seed, hash of the study file, kind, cases, created, version).
 * Only the coordinator writes it; rows are keyed by case_id and written with INSERT OR REPLACE, so writing a
 * case again (a restart re-inserting from case.json) never duplicates it.
 */
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { ConfigError } from "../config/errors.js";
import type { CaseRecord } from "./case.js";
import type { Scalar } from "./kinds.js";
import { canonicalJson, columnName, FIXED_COLUMNS, type Axis } from "./schema.js";

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;
const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** The SQL type of an axis column from its values: numbers, strings, booleans, else JSON text. */
function axisType(a: Axis): string {
  const vs = a.values ?? [0.5];
  if (vs.every((v) => typeof v === "number")) return vs.every((v) => Number.isInteger(v)) ? "BIGINT" : "DOUBLE";
  if (vs.every((v) => typeof v === "boolean")) return "BOOLEAN";
  return "VARCHAR";
}
function axisValue(type: string, v: unknown): unknown {
  return type === "VARCHAR" && typeof v !== "string" ? canonicalJson(v) : v;
}

export interface StudyMeta {
  name: string;
  seed: number;
  hash: string;
  kind: string;
  cases: number;
  created: string;
  version: string;
}

export class StudyStore {
  private cols = new Map<string, string>();
  private scalarCols = new Map<string, string>();
  private constructor(
    readonly path: string,
    private readonly inst: DuckDBInstance,
    readonly con: DuckDBConnection,
    readonly readOnly: boolean,
  ) {}

  /** Opens (creating) the store; a store held by a running study is refused with one line. */
  static async open(path: string, o: { readOnly?: boolean } = {}): Promise<StudyStore> {
    let inst: DuckDBInstance;
    try {
      inst = await DuckDBInstance.create(path, o.readOnly ? { access_mode: "READ_ONLY" } : {});
    } catch (e) {
      const msg = (e as Error).message;
      const pid = /PID (\d+)/.exec(msg)?.[1];
      if (/lock/i.test(msg))
        throw new ConfigError(`${path}: in use by a running study${pid ? ` (process ${pid})` : ""}; read it when that run ends`);
      throw new ConfigError(`${path}: cannot open the results store (${msg.split("\n")[0]})`);
    }
    const s = new StudyStore(path, inst, await inst.connect(), o.readOnly ?? false);
    await s.loadColumns();
    return s;
  }

  private async loadColumns(): Promise<void> {
    this.cols.clear();
    const r = await this.con.runAndReadAll(
      "select column_name, data_type from information_schema.columns where table_name = 'results' order by ordinal_position",
    );
    for (const [name, type] of r.getRows() as [string, string][]) this.cols.set(name, type);
  }

  /** Creates the tables (first run) and records the study's metadata; returns the metadata stored. */
  async init(meta: StudyMeta, axes: Axis[]): Promise<StudyMeta> {
    await this.con.run("create table if not exists study (key varchar primary key, value varchar)");
    const axisCols = axes.map((a) => `${q(a.column)} ${axisType(a)}`).join(", ");
    await this.con.run(
      `create table if not exists results (case_id varchar primary key, replica integer, seed bigint${axisCols ? `, ${axisCols}` : ""}, status varchar, error varchar, started_at varchar, wall_s double, artefact_dir varchar)`,
    );
    for (const [k, v] of Object.entries(meta)) await this.con.run("insert or ignore into study values ($1, $2)", [k, String(v)]);
    await this.loadColumns();
    for (const a of axes) this.axisTypes.set(a.path, { column: a.column, type: this.cols.get(a.column) ?? "VARCHAR" });
    return (await this.meta())!;
  }
  private axisTypes = new Map<string, { column: string; type: string }>();

  /** The stored metadata, or null for a new store. */
  async meta(): Promise<StudyMeta | null> {
    const t = await this.con.runAndReadAll("select count(*) from information_schema.tables where table_name = 'study'");
    if (Number(t.getRows()[0][0]) === 0) return null;
    const r = await this.con.runAndReadAll("select key, value from study");
    const o = Object.fromEntries(r.getRows() as [string, string][]);
    return { ...o, seed: Number(o.seed), cases: Number(o.cases) } as StudyMeta;
  }

  /** The column of scalar `name`: its sanitized name, prefixed `out_` where it would clash with a fixed or axis column. */
  private async scalarColumn(name: string, v: Scalar): Promise<string> {
    let col = this.scalarCols.get(name);
    if (!col) {
      col = columnName(name);
      const axisCols = new Set([...this.axisTypes.values()].map((a) => a.column));
      if ((FIXED_COLUMNS as readonly string[]).includes(col) || axisCols.has(col)) col = `out_${col}`;
      this.scalarCols.set(name, col);
    }
    const have = this.cols.get(col);
    const want = typeof v === "string" ? "VARCHAR" : "DOUBLE";
    if (!have) {
      await this.con.run(`alter table results add column ${q(col)} ${want}`);
      this.cols.set(col, want);
    } else if (want === "VARCHAR" && have !== "VARCHAR") {
      // a scalar that was numeric (or null) so far and now is text: the column becomes text
      await this.con.run(`alter table results alter column ${q(col)} set data type varchar`);
      this.cols.set(col, "VARCHAR");
    }
    return col;
  }

  /** Writes (or rewrites) the row of a case. */
  async insert(rec: CaseRecord): Promise<void> {
    const row = new Map<string, unknown>([
      ["case_id", rec.case_id],
      ["replica", rec.replica],
      ["seed", rec.seed],
      ["status", rec.status],
      ["error", rec.error],
      ["started_at", rec.started_at],
      ["wall_s", rec.wall_s],
      ["artefact_dir", rec.artefact_dir],
    ]);
    for (const [path, v] of Object.entries(rec.params)) {
      const a = this.axisTypes.get(path);
      if (a) row.set(a.column, axisValue(a.type, v));
    }
    for (const [name, v] of Object.entries(rec.scalars)) {
      const col = await this.scalarColumn(name, v);
      const type = this.cols.get(col);
      row.set(col, v === null || (typeof v === "number" && !Number.isFinite(v)) ? null : type === "VARCHAR" ? String(v) : v);
    }
    const names = [...row.keys()];
    await this.con.run(
      `insert or replace into results (${names.map(q).join(", ")}) values (${names.map((_, i) => `$${i + 1}`).join(", ")})`,
      [...row.values()] as never[],
    );
  }

  /** Deletes the row of a case (it runs again). */
  async remove(caseId: string): Promise<void> {
    await this.con.run("delete from results where case_id = $1", [caseId]);
  }

  /** case_id -> status of every row. */
  async statuses(): Promise<Map<string, string>> {
    if (!this.cols.size) return new Map();
    const r = await this.con.runAndReadAll("select case_id, status from results");
    return new Map(r.getRows() as [string, string][]);
  }

  /** Runs a query; columns and rows as JSON-safe values (big integers as numbers where exact, else strings). */
  async query(sql: string): Promise<{ columns: string[]; rows: unknown[][] }> {
    let r: Awaited<ReturnType<DuckDBConnection["runAndReadAll"]>>;
    try {
      r = await this.con.runAndReadAll(sql);
    } catch (e) {
      throw new ConfigError(`query: ${(e as Error).message.split("\n")[0]}`);
    }
    const rows = (r.getRows() as unknown[][]).map((row) =>
      row.map((v) => (typeof v === "bigint" ? (Number.isSafeInteger(Number(v)) ? Number(v) : String(v)) : jsonSafe(v))),
    );
    return { columns: r.columnNames(), rows };
  }

  /** Writes the results table (ordered by case_id) with DuckDB's COPY: csv, parquet or json (an array of rows). */
  async export(file: string, format: "csv" | "parquet" | "json"): Promise<void> {
    const opts = format === "csv" ? "format csv, header true" : format === "parquet" ? "format parquet" : "format json, array true";
    await this.con.run(`copy (select * from results order by case_id) to ${lit(file)} (${opts})`);
  }

  close(): void {
    this.con.closeSync();
    this.inst.closeSync();
  }
}

function jsonSafe(v: unknown): unknown {
  if (v === null || typeof v !== "object") return v;
  return String(v); // DuckDB value objects (dates, decimals, lists) as their SQL text
}
