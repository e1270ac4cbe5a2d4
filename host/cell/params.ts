/**
 * P2D parameter sets from files (Node): the named sets in the package's data/cell/params/*.json (PyBaMM
 * style, SI units in the key names, source cited; data/cell/README.md) or a JSON/YAML file, and OCV
 * tables from CSV files. Schema, validation and the derived numbers: host/cell/params_core.ts
 * (re-exported here).
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigError } from "../config/errors.js";
import { readConfigFile } from "../config/load.js";
import {
  parseOcvTable,
  parseCellParams,
  resolveCellParams as resolveCore,
  PARAMETER_SETS,
  type CellParams,
  type ResolvedCellParams,
} from "./params_core.js";

export * from "./params_core.js";

/** The package's data/cell (params/, OCV tables), from host/cell and from dist/host/cell; shipped with the package. */
export function cellDataDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const up of ["../..", "../../.."]) {
    const d = resolve(here, up, "data/cell");
    if (existsSync(join(d, "params"))) return d;
  }
  return resolve(here, "../../data/cell");
}

/** @deprecated the parameter sets moved from fixtures/ to data/: use cellDataDir. */
export const cellFixtureDir = cellDataDir;

/** Reads a named set (Asheri2023, NCA_LPS_2023) or a JSON/YAML file path; `overrides` replace keys. */
export function loadCellParams(nameOrPath: string, overrides: Record<string, unknown> = {}): CellParams {
  const named = join(cellDataDir(), "params", `${nameOrPath}.json`);
  const path = existsSync(named) ? named : nameOrPath;
  if (!existsSync(path))
    throw new ConfigError(`cell parameters: '${nameOrPath}' is neither a parameter set (${PARAMETER_SETS.join(", ")}) nor a file`);
  const raw = readConfigFile(path) as Record<string, unknown>;
  const p = parseCellParams({ ...raw, ...overrides });
  const ocv = p["Open-circuit potential"];
  if (typeof ocv === "object" && "table" in ocv && !isAbsolute(ocv.table)) {
    const local = resolve(dirname(path), ocv.table);
    p["Open-circuit potential"] = { table: existsSync(local) ? local : join(cellDataDir(), ocv.table) };
  }
  return p;
}

/** Reads an OCV table (two columns: stoichiometry, OCP [V]; header optional) and checks it is monotone. */
export function readOcvTable(path: string): [number, number][] {
  if (!existsSync(path)) throw new ConfigError(`cell parameters: Open-circuit potential table '${path}' not found`);
  return parseOcvTable(readFileSync(path, "utf8"), path);
}

/** The derived model numbers; OCV tables are read from their files. */
export function resolveCellParams(p: CellParams): ResolvedCellParams {
  return resolveCore(p, readOcvTable);
}
