/**
 * A pipeline run to a folder: one subfolder per stage with the files that stage's own command writes
 * (pack/: particles.csv + sidecar; compact/: per-state particles, contacts, VTK, analysis, plots,
 * summary.json, particles.csv; voxels/: volume.raw + .json, surface.json; transport/: se.json, am.json;
 * cell/: rates.csv, rates.json, one time series per rate, plots), result.json (pipelineSummary) at the
 * top, and report.html with its PNGs beside it. Every file is written atomically.
 */
import { join, relative } from "node:path";
import { writeFileAtomic } from "../io/atomic.js";
import { encodePng } from "../io/png.js";
import { toCsv } from "../io/csv.js";
import { renderPng } from "../plot/render.js";
import { VERSION } from "../version.js";
import { writePacking } from "../pack/node.js";
import { DEFAULT_TYPES } from "../pack/packing.js";
import { caseIdentity, writeCompactSummary, writeParticlesCsv, writeStageOutputs, type StageSummary } from "../dem/compact_io.js";
import { writeVolume } from "../transport/volume.js";
import { resultJson } from "../transport/tortuosity.js";
import { CELL_RATES_FORMAT, timeseriesCsv } from "../cell/output.js";
import { rateSpec, voltageCapacitySpec } from "../cell/plots.js";
import type { PipelineResult } from "./engine.js";
import { pipelineSummary, rateTag } from "./summary.js";
import { densificationCurve, densificationSpec, packingSection, voxelSlice, type GrayImage } from "./plots.js";
import { reportHtml, type ReportImage } from "./report.js";

export interface PipelineOutputOptions {
  /** the compaction's per-state files and stress plots (the slowest part to write); default true */
  stageFiles?: boolean;
  /** report.html and its PNGs (needs the optional plot packages); default true */
  report?: boolean;
}

const json = (x: unknown) => `${resultJson(x)}\n`;
const png = (g: GrayImage) => encodePng(g.pixels, g.width, g.height, 1);

/** Writes the run into `dir` (created; see prepareOutDir to check it first) and returns the files written. */
export async function writePipelineResult(dir: string, r: PipelineResult, opts: PipelineOutputOptions = {}): Promise<string[]> {
  const files: string[] = [];
  const put = (path: string, data: string | Uint8Array) => {
    writeFileAtomic(path, data);
    files.push(path);
  };
  const stageFiles = opts.stageFiles ?? true;

  if (r.pack) {
    const d = join(dir, "pack");
    files.push(...writePacking(join(d, "particles.csv"), r.pack.packing, DEFAULT_TYPES));
    put(join(d, "summary.json"), json({ kind: "assbkit.pipeline.pack", version: VERSION, source: r.pack.source, summary: r.pack.summary }));
  }

  if (r.compact) {
    const d = join(dir, "compact");
    const cfg = r.compact.config;
    const sums: StageSummary[] = [];
    if (stageFiles)
      for (const [k, st] of r.compact.stages.entries()) {
        const s = await writeStageOutputs(d, cfg, k, st, r.compact.packing.particles.id.length, caseIdentity(cfg, k + 1));
        sums.push(s);
        files.push(...s.files.map((f) => join(d, f)), join(d, `stage${k + 1}_summary.json`));
      }
    writeParticlesCsv(join(d, "particles.csv"), r.compact.packing);
    files.push(join(d, "particles.csv"), join(d, "particles.packing.json"));
    if (stageFiles) {
      writeCompactSummary(d, cfg, sums, ["particles.csv", "particles.packing.json"]);
      files.push(join(d, "summary.json"));
    }
  }

  const vd = join(dir, "voxels");
  const v = r.voxels;
  files.push(...writeVolume(join(vd, "volume.raw"), v.volume));
  put(
    join(vd, "surface.json"),
    json({
      kind: "assbkit.voxelize",
      format: 1,
      version: VERSION,
      source: v.source,
      shape_zyx: v.shape,
      voxelSize_m: v.voxelSize_m,
      periodicXY: v.periodicXY,
      fractions: v.fractions,
      surface: v.surface,
    }),
  );

  const td = join(dir, "transport");
  for (const [ph, t] of Object.entries(r.transport))
    if (t)
      put(
        join(td, `${ph}.json`),
        json({ kind: "assbkit.transport", format: 1, version: VERSION, volume: "../voxels/volume.json", voxelSize_m: v.voxelSize_m, ...t }),
      );

  const images: Parameters<typeof reportHtml>[1] = {};
  const report = opts.report ?? true;
  if (r.cell) {
    const c = r.cell;
    const cd = join(dir, "cell");
    put(
      join(cd, "rates.csv"),
      toCsv({
        columns: ["c_rate", "current_A_m2", "capacity_Ah_m2", "capacity_mAh_g", "time_s", "termination"],
        rows: c.rows.map((w) => [w.cRate, w.current_A_m2, w.capacity_Ah_m2, w.capacity_mAh_g, w.time_s, w.termination]),
      }),
    );
    // the layout of assb cell-rates' rates.json (readRatesResult reads it)
    put(
      join(cd, "rates.json"),
      JSON.stringify(
        {
          format: CELL_RATES_FORMAT,
          version: VERSION,
          seed: null,
          params: c.params,
          cutoff_V: c.cutoff_V,
          numerics: c.numerics,
          rows: c.rows,
        },
        null,
        1,
      ),
    );
    c.results.forEach((res, i) => put(join(cd, `timeseries_${rateTag(c.rows[i].cRate)}.csv`), timeseriesCsv(res)));
    if (report) {
      const title = `${c.params.name} with this microstructure`;
      images.rates = {
        file: "capacity_vs_rate.png",
        png: await renderPng(rateSpec(c.rows, `${title}: discharge capacity to ${c.cutoff_V} V`)),
        caption: "Discharge capacity vs C-rate (each from the same initial state to the cut-off)",
        width: 540,
      };
      images.discharge = {
        file: "voltage_capacity.png",
        png: await renderPng(
          voltageCapacitySpec(
            c.results.map((res, i) => ({ label: `${c.rows[i].cRate}C`, r: res })),
            `${title}: discharge curves`,
          ),
        ),
        caption: "Voltage vs discharged capacity, one curve per C-rate",
        width: 540,
      };
    }
  }

  if (report) {
    const section = r.compact?.packing ?? r.pack?.packing;
    if (section)
      images.section = {
        file: "section.png",
        png: png(packingSection(section)),
        caption: `xy section at mid-height of the packing${r.compact ? " after the last compaction stage" : ""}: AM gray, SE white, void black`,
        width: 300,
      };
    images.voxels = {
      file: "voxel_slice.png",
      png: png(voxelSlice(v.volume)),
      caption: `the voxel volume's middle z slice (${v.shape[2]} × ${v.shape[1]} voxels of ${(v.voxelSize_m * 1e6).toPrecision(3)} µm)`,
      width: 300,
      pixelated: true,
    };
    const curve = r.compact ? densificationCurve(r.compact) : [];
    if (curve.length)
      images.compaction = {
        file: "densification.png",
        png: await renderPng(densificationSpec(curve, "Densification: press, hold, release")),
        caption: "Solid fraction vs wall pressure during the uniaxial stages (the release shows the spring-back)",
        width: 540,
      };
    const all = Object.values(images).filter((x): x is ReportImage => x !== undefined);
    for (const img of all) put(join(dir, img.file), img.png);
    put(join(dir, "report.html"), reportHtml(r, images));
  }
  put(join(dir, "result.json"), json({ ...pipelineSummary(r), files: [...files.map((f) => relative(dir, f)), "result.json"] }));
  return files;
}
