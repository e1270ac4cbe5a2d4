/** Node-side helpers for DEM cases: load a case file, write results atomically. */
import { readFileSync } from "node:fs";
import { dirname, resolve, join } from "node:path";
import { readConfigFile } from "../config/load.js";
import { ConfigError } from "../config/errors.js";
import { writeFileAtomic } from "../io/atomic.js";
import { columnsToTable, toCsv } from "../io/csv.js";
import { particlesVtk } from "../io/vtk.js";
import { packingCsv, packingSidecar } from "../pack/packing.js";
import { parseDemCase, type DemCase } from "./case.js";
import type { DemResult } from "./run.js";
import { resolveCase, type ResolvedCase } from "./resolve.js";

export function loadDemCase(path: string): { config: DemCase; resolved: ResolvedCase } {
  const config = parseDemCase(readConfigFile(path), path);
  const base = dirname(resolve(path));
  const resolved = resolveCase(config, (p) => {
    const full = resolve(base, p);
    try {
      return readFileSync(full, "utf8");
    } catch (e) {
      throw new ConfigError(`particles.csv = "${p}": cannot read ${full} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  });
  return { config, resolved };
}

/** Writes timeseries.csv, particles.csv, contacts.csv and summary.json (each atomically) into dir. */
export function writeDemResult(dir: string, r: DemResult): string[] {
  const files: [string, string][] = [
    ["timeseries.csv", toCsv(r.timeseries)],
    ["particles.csv", packingCsv(r.packing)],
    ["particles.packing.json", JSON.stringify(packingSidecar(r.packing, "particles.csv"), null, 1) + "\n"],
    ["contacts.csv", toCsv(columnsToTable(r.contacts))],
    ["particles.vtk", particlesVtk(r.particles, `assbkit ${r.config.name}`)],
  ];
  const summary = {
    kind: r.kind,
    // layout version of summary.json (raise it when a reader of the old layout would misread it)
    format: 1,
    version: r.version,
    seed: r.seed,
    backend: r.backend,
    summary: r.summary,
    config: r.config,
    files: files.map((f) => f[0]),
  };
  files.push(["summary.json", JSON.stringify(summary, null, 1) + "\n"]);
  for (const [name, text] of files) writeFileAtomic(join(dir, name), text);
  return files.map((f) => join(dir, f[0]));
}
