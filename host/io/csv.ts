/** Minimal CSV for numeric tables: header row + rows of numbers or strings (no quoting needed). */

export interface Table { columns: string[]; rows: (number | string)[][] }

export function parseCsv(text: string, source = "csv"): { columns: string[]; rows: string[][] } {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== "" && !l.startsWith("#"));
  if (lines.length === 0) throw new Error(`${source}: empty file, expected a header row`);
  const columns = lines[0].split(",").map((s) => s.trim());
  const rows = lines.slice(1).map((l, k) => {
    const r = l.split(",").map((s) => s.trim());
    if (r.length !== columns.length) throw new Error(`${source}: row ${k + 2} has ${r.length} fields, the header has ${columns.length}`);
    return r;
  });
  return { columns, rows };
}

/** Numeric columns by name; throws naming the file, row and column on a bad number. */
export function numericColumns(t: { columns: string[]; rows: string[][] }, names: string[], source = "csv", optional: string[] = []): Record<string, Float64Array | undefined> {
  const out: Record<string, Float64Array | undefined> = {};
  for (const name of [...names, ...optional]) {
    const c = t.columns.indexOf(name);
    if (c < 0) {
      if (optional.includes(name)) { out[name] = undefined; continue; }
      throw new Error(`${source}: column '${name}' is missing; columns: ${t.columns.join(", ")}`);
    }
    const a = new Float64Array(t.rows.length);
    t.rows.forEach((r, k) => {
      const v = Number(r[c]);
      if (r[c] === "" || !Number.isFinite(v)) throw new Error(`${source}: row ${k + 2}, column '${name}' = '${r[c]}' is not a finite number`);
      a[k] = v;
    });
    out[name] = a;
  }
  return out;
}

function cell(v: number | string): string {
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : v > 0 ? "inf" : v < 0 ? "-inf" : "nan";
  return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function toCsv(t: Table): string {
  const out = [t.columns.join(",")];
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
