/**
 * Cell parameters in a page or Web Worker: the parameter sets shipped in data/cell (the same files Node reads)
 * fetched beside this module, so engine.ts runs the cell stage with the same numbers as Node. A browser names a
 * set; a file path is refused in one line naming cell.params.
 */
import { ConfigError } from "../config/errors.js";
import { parseCellParams, parseOcvTable, resolveCellParams, PARAMETER_SETS, type CellParams } from "../cell/params_core.js";
import type { CellSource } from "../pipeline/engine.js";

// static URLs (bundlers copy the files: esbuild's dist/browser/ and Vite both resolve them from here)
const SET_URLS: Record<(typeof PARAMETER_SETS)[number], URL> = {
  Asheri2023: new URL("../../data/cell/params/Asheri2023.json", import.meta.url),
  Asheri2023_multiscale: new URL("../../data/cell/params/Asheri2023_multiscale.json", import.meta.url),
  NCA_LPS_2023: new URL("../../data/cell/params/NCA_LPS_2023.json", import.meta.url),
};
const TABLE_URLS: Record<string, URL> = {
  "nca_ocp_Kim2011.csv": new URL("../../data/cell/nca_ocp_Kim2011.csv", import.meta.url),
};

async function fetchText(url: URL): Promise<string> {
  const r = await fetch(url);
  if (!r.ok) throw new ConfigError(`cell parameters: ${url.href}: HTTP ${r.status} (the package's data/cell folder is served beside it?)`);
  return r.text();
}

let cached: Promise<CellSource> | undefined;

/** The shipped parameter sets and OCV tables, fetched once. */
export function browserCellSource(): Promise<CellSource> {
  cached ??= (async () => {
    const sets = new Map<string, Record<string, unknown>>();
    const tables = new Map<string, [number, number][]>();
    await Promise.all([
      ...Object.entries(SET_URLS).map(async ([name, url]) => sets.set(name, JSON.parse(await fetchText(url)))),
      ...Object.entries(TABLE_URLS).map(async ([name, url]) => tables.set(name, parseOcvTable(await fetchText(url), name))),
    ]);
    return {
      load(name: string, overrides: Record<string, unknown>): CellParams {
        const raw = sets.get(name);
        if (!raw)
          throw new ConfigError(
            `cell.params: '${name}' is not a shipped parameter set (expected ${PARAMETER_SETS.join(", ")}; in a browser give a set's name and change keys under cell.set)`,
          );
        return parseCellParams({ ...raw, ...overrides });
      },
      resolve: (p) =>
        resolveCellParams(p, (path) => {
          const t = tables.get(path);
          if (!t)
            throw new ConfigError(
              `cell parameters: Open-circuit potential table '${path}' is not shipped (${[...tables.keys()].join(", ")})`,
            );
          return t;
        }),
    };
  })();
  cached.catch(() => (cached = undefined));
  return cached;
}
