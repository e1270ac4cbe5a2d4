/**
 * CSV tables: a header row, then rows of numbers or strings. Reading goes through papaparse (quoted
 * fields with commas, quotes and newlines, as `toCsv` writes them; `#` comment lines; CRLF); every
 * failure is a one-line ConfigError naming the file, the row and the column.
 */
import Papa from "papaparse";
import { ConfigError } from "../config/errors.js";

export interface Table {
  columns: string[];
  rows: (number | string)[][];
}

/** Parses CSV text: header + rows of strings. A row whose field count differs from the header's is refused (a truncated file ends that way). */
export function parseCsv(text: string, source = "csv"): { columns: string[]; rows: string[][] } {
  const r = Papa.parse<string[]>(text, { header: false, skipEmptyLines: "greedy", comments: "#", dynamicTyping: false });
  const bad = r.errors.find((e) => e.type === "Quotes");
  if (bad)
    throw new ConfigError(
      `${source}: row ${(bad.row ?? 0) + 1}: ${bad.message.toLowerCase()} (a quoted field is not closed: truncated file?)`,
    );
  const lines = r.data;
  if (lines.length === 0 || lines[0].every((c) => c.trim() === ""))
    throw new ConfigError(`${source}: empty file; expected a header row of column names`);
  const columns = lines[0].map((s) => s.trim());
  const dup = columns.find((c, k) => columns.indexOf(c) !== k);
  if (dup !== undefined) throw new ConfigError(`${source}: column '${dup}' appears twice in the header`);
  const rows = lines.slice(1).map((l, k) => {
    if (l.length !== columns.length) {
      const last = k === lines.length - 2;
      throw new ConfigError(
        `${source}: row ${k + 2} has ${l.length} fields, the header has ${columns.length}${last ? " (the last row: truncated file?)" : ""}`,
      );
    }
    return l.map((s) => s.trim());
  });
  return { columns, rows };
}

/** Numeric columns by name; a bad number is refused naming the file, row and column. */
export function numericColumns(
  t: { columns: string[]; rows: string[][] },
  names: string[],
  source = "csv",
  optional: string[] = [],
): Record<string, Float64Array | undefined> {
  const out: Record<string, Float64Array | undefined> = {};
  for (const name of [...names, ...optional]) {
    const c = t.columns.indexOf(name);
    if (c < 0) {
      if (optional.includes(name)) {
        out[name] = undefined;
        continue;
      }
      throw new ConfigError(`${source}: column '${name}' is missing; columns: ${t.columns.join(", ")}`);
    }
    const a = new Float64Array(t.rows.length);
    t.rows.forEach((r, k) => {
      const v = Number(r[c]);
      if (r[c] === "" || !Number.isFinite(v))
        throw new ConfigError(`${source}: row ${k + 2}, column '${name}' = '${r[c]}': expected a finite number`);
      a[k] = v;
    });
    out[name] = a;
  }
  return out;
}

function cell(v: number | string): string {
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : v > 0 ? "inf" : v < 0 ? "-inf" : "nan";
  return /[",\n\r]/.test(v) || v.startsWith("#") ? `"${v.replace(/"/g, '""')}"` : v;
}

export function toCsv(t: Table): string {
  const out = [t.columns.map(cell).join(",")];
  for (const r of t.rows) out.push(r.map(cell).join(","));
  return out.join("\n") + "\n";
}

/** Column-wise table -> rows. */
export function columnsToTable(cols: Record<string, ArrayLike<number> | (number | string)[]>): Table {
  const columns = Object.keys(cols);
  const n = columns.length ? cols[columns[0]].length : 0;
  const rows: (number | string)[][] = [];
  for (let k = 0; k < n; k++) rows.push(columns.map((c) => (cols[c] as ArrayLike<number | string>)[k]));
  return { columns, rows };
}
