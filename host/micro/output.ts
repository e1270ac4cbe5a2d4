/**
 * Files of a micro-scale run (Node): timeseries.csv, summary.json, fields.vtk (c, u, von Mises, phase on the
 * mesh), interface.vtk (d, g_n, g_t per interface element), averages.png and fields.png. Every file is
 * written atomically; a run that failed writes nothing (the caller only gets here with a result).
 */
import { join } from "node:path";
import { writeFileAtomic } from "../io/atomic.js";
import { columnsToTable, toCsv } from "../io/csv.js";
import { points2dVtk, quadMeshVtk } from "../io/vtk.js";
import { renderPng } from "../plot/render.js";
import { averagesSpec, fieldsSpec } from "./plots.js";
import type { MicroResult } from "./types.js";

/** Layout version of summary.json (raise it when a reader of the old layout would misread it). */
export const MICRO_SUMMARY_FORMAT = 1;

/** The columns of timeseries.csv, in order (every series of MicroResult). */
export const TIMESERIES_COLUMNS = [
  "t_s",
  "c_surf_avg_mol_m3",
  "c_bulk_avg_mol_m3",
  "c_surf_norm",
  "c_bulk_norm",
  "c_max_norm",
  "damage_avg",
  "damage_max",
  "vm_max_AM_Pa",
  "vm_max_SE_Pa",
  "dt_s",
  "newton_iterations",
] as const;

export function timeseriesCsv(r: MicroResult): string {
  return toCsv(columnsToTable(Object.fromEntries(TIMESERIES_COLUMNS.map((c) => [c, r.series[c]]))));
}

/** What summary.json holds: the resolved config, the mesh, what happened, the values at the stop. */
export function microSummary(r: MicroResult) {
  const s = r.series,
    last = s.t_s.length - 1;
  return {
    kind: "assbkit.micro.summary",
    format: MICRO_SUMMARY_FORMAT,
    version: r.version,
    config: r.config,
    mesh: r.mesh,
    steps: r.steps,
    rejectedSteps: r.rejectedSteps,
    damageOnset_s: r.damageOnset_s,
    stop: r.stop,
    atStop: {
      t_s: s.t_s[last],
      c_surf_norm: s.c_surf_norm[last],
      c_bulk_norm: s.c_bulk_norm[last],
      c_max_norm: s.c_max_norm[last],
      damage_avg: s.damage_avg[last],
      damage_max: s.damage_max[last],
      vm_max_AM_Pa: s.vm_max_AM_Pa[last],
      vm_max_SE_Pa: s.vm_max_SE_Pa[last],
    },
    wallClock_s: r.wallClock_s,
  };
}

/** Writes every output of a run into `dir`; returns the paths. */
export async function writeMicroResult(dir: string, r: MicroResult, opts: { plots?: boolean } = {}): Promise<string[]> {
  const f = r.final;
  const title = `micro: ${r.config.mechanics ? (r.config.interface === "cohesive" ? `cohesive interface${r.config.cohesive.fractureEnergy_J_m2 ? `, Gc ${r.config.cohesive.fractureEnergy_J_m2} J/m2` : ""}` : "bonded") : "diffusion only"}`;
  const files: [string, string | Uint8Array][] = [
    ["timeseries.csv", timeseriesCsv(r)],
    ["summary.json", `${JSON.stringify(microSummary(r), null, 1)}\n`],
    [
      "fields.vtk",
      quadMeshVtk(
        { x: f.x_m, y: f.y_m, quads: f.quads },
        { c_mol_m3: f.c_mol_m3, u_m: [f.ux_m, f.uy_m] },
        { vonMises_Pa: f.vonMises_Pa, phase: f.phase },
        `assbkit ${title}, t = ${r.stop.t_s} s`,
      ),
    ],
    [
      "interface.vtk",
      points2dVtk(
        f.interface.x_m,
        f.interface.y_m,
        { d: f.interface.d, gn_m: f.interface.gn_m, gt_m: f.interface.gt_m },
        `assbkit ${title}: interface`,
      ),
    ],
  ];
  if (opts.plots ?? true) {
    files.push(["averages.png", await renderPng(averagesSpec(r, title))]);
    files.push(["fields.png", await renderPng(fieldsSpec(r, title))]);
  }
  return files.map(([name, data]) => {
    const p = join(dir, name);
    writeFileAtomic(p, data);
    return p;
  });
}
