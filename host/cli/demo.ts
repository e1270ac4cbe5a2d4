/**
 * `assb demo`: the main job on built-in defaults, a few seconds on a laptop core:
 *  3D: the example pipeline (`assb run --example`): 160 AM/SE spheres pressed uniaxially to 375 MPa (paper 003),
 *      voxelized, the SE and AM networks' tortuosity, and the capacity vs C-rate of the cell built from them,
 *      with its report.html, under pipeline/;
 *  2D (paper 000): a disc structure compressed from 46-55 um to 40 um wide, then its 224 x 224 section.
 * Writes CSV, JSON, VTK and PNG files under the output folder.
 */
import type { Command } from "commander";
import { join } from "node:path";
import { loadCore } from "../core/wasm.js";
import { generatePacking, parsePackSpec } from "../pack/pack.js";
import { writePacking } from "../pack/node.js";
import { DEFAULT_TYPES } from "../pack/packing.js";
import { caseFromPacking } from "../pack/to_case.js";
import { parseCompact, runCompact } from "../dem/compact.js";
import { reportParticles, sectionImage } from "../image/section.js";
import { writeFileAtomic, prepareOutDir } from "../io/atomic.js";
import { intOption } from "./options.js";
import { encodePng } from "../io/png.js";
import { columnsToTable, toCsv } from "../io/csv.js";
import { particlesVtk } from "../io/vtk.js";
import type { StateReport } from "../dem/report.js";
import type { DemCase } from "../dem/case.js";
import { reportPacking } from "../dem/packing.js";
import { progressBar } from "./progress.js";
import { writeReportPlots } from "../plot/report_plots.js";
import { requirePlotting } from "../plot/render.js";
import { parseYaml } from "../config/load.js";
import { parsePipelineConfig } from "../pipeline/config.js";
import { PIPELINE_EXAMPLE_YAML } from "../pipeline/example.js";
import { runPipelineToDir } from "./run.js";

function writeState(dir: string, tag: string, rep: StateReport, c: DemCase, files: string[]): void {
  const { particles, contacts, ...analysis } = rep;
  files.push(...writePacking(join(dir, `${tag}_particles.csv`), reportPacking(c, rep, `demo ${tag}`)));
  const out: [string, string | Uint8Array][] = [
    [`${tag}_contacts.csv`, toCsv(columnsToTable(contacts))],
    [`${tag}_particles.vtk`, particlesVtk(particles, `assbkit demo ${tag}`)],
    [`${tag}_analysis.json`, JSON.stringify(analysis, null, 1) + "\n"],
  ];
  for (const [f, data] of out) {
    writeFileAtomic(join(dir, f), data);
    files.push(join(dir, f));
  }
}

function section(rep: StateReport, lo: [number, number], hi: [number, number], file: string, files: string[]): string {
  const P = rep.particles;
  const s = sectionImage(reportParticles(P), { lo, hi, crop_m: 2e-6, size: 224 });
  writeFileAtomic(file, encodePng(s.pixels, 224, 224));
  files.push(file);
  return `AM ${(100 * s.amFraction).toFixed(1)} %, SE ${(100 * s.seFraction).toFixed(1)} %, void ${(100 * s.voidFraction).toFixed(1)} %`;
}

export function register(program: Command): void {
  program
    .command("demo")
    .description(
      "run the built-in demo: the example pipeline (a 3D AM/SE electrode pressed at 375 MPa, its tortuosity and capacity vs C-rate; report.html) and a 2D structure compressed to 40 um (paper 000)",
    )
    .option("-o, --out <dir>", "output folder", "assb-demo")
    .option("--seed <n>", "random seed", "1")
    .action(async (o: { out: string; seed: string }) => {
      const seed = intOption("--seed", o.seed, 0, 2 ** 31 - 1, "a non-negative integer seed");
      await requirePlotting(); // the demo writes plots: missing plot packages stop it before any work
      prepareOutDir(o.out);
      const core = await loadCore();
      const files: string[] = [];
      const t0 = performance.now();

      // 3D: the example pipeline (pack -> press to 375 MPa, hold, release -> voxels -> SE/AM transport -> capacity vs C-rate)
      const raw = parseYaml(PIPELINE_EXAMPLE_YAML) as { pack: { seed: number } };
      raw.pack.seed = seed;
      const { files: pfiles } = await runPipelineToDir(parsePipelineConfig(raw, "the example pipeline"), ".", join(o.out, "pipeline"));
      files.push(...pfiles);
      const bar = progressBar();

      // 2D: paper 000 structure -> compression to 40 um -> section image + labels
      const p2 = generatePacking(parsePackSpec({ kind: "2d", seed, amAreaFraction: 0.63 }));
      const d2 = join(o.out, "2d");
      files.push(...writePacking(join(d2, "initial_particles.csv"), p2, DEFAULT_TYPES));
      const r2 = runCompact(
        core,
        parseCompact({
          case: caseFromPacking(p2, { name: "demo-2d" }),
          stages: [{ type: "compress2d", wall: "right", finalWidth_m: "40 um", speed_m_s: 2, holdSteps: 5000 }],
        }),
        undefined,
        (ph, _step, _p, _z, f) => bar.fraction(`2D ${ph}`, f),
      );
      bar.done();
      const rep2 = r2.stages[0].reports.compressed;
      writeState(d2, "compressed", rep2, r2.config.case, files);
      const sec2 = section(rep2, [0, 0], [40e-6, 40e-6], join(d2, "section_224.png"), files);
      files.push(...(await writeReportPlots(d2, "compressed", rep2, { lx_m: 40e-6, ly_m: 40e-6 }, 2)));
      const s2 = p2.summary;
      const labels = {
        seed,
        frameWidth_m: s2.width_m,
        amMeanDiameter_m: s2.amMeanDiameter_m,
        amSd_m: s2.amSd_m,
        amAreaFraction: s2.amAreaFraction,
        AM_pressure_mean_Pa: rep2.phases.AM.pressure_Pa.mean,
        AM_pressure_sd_Pa: rep2.phases.AM.pressure_Pa.sd,
        SE_pressure_mean_Pa: rep2.phases.SE.pressure_Pa.mean,
        SE_pressure_sd_Pa: rep2.phases.SE.pressure_Pa.sd,
        reactionArea_m2: rep2.areas.reactionArea_m2,
        seCoverage: rep2.areas.seCoverage,
      };
      writeFileAtomic(join(d2, "section_224_labels.csv"), toCsv({ columns: Object.keys(labels), rows: [Object.values(labels)] }));
      files.push(join(d2, "section_224_labels.csv"));

      console.log(`2D: ${s2.particles} discs (${s2.am} AM), frame ${(s2.width_m * 1e6).toFixed(1)} -> 40 um; section: ${sec2}`);
      console.log(
        `    AM pressure ${(labels.AM_pressure_mean_Pa / 1e6).toFixed(0)} ± ${(labels.AM_pressure_sd_Pa / 1e6).toFixed(0)} MPa, SE ${(labels.SE_pressure_mean_Pa / 1e6).toFixed(0)} ± ${(labels.SE_pressure_sd_Pa / 1e6).toFixed(0)} MPa`,
      );
      console.log(
        `done in ${((performance.now() - t0) / 1000).toFixed(1)} s; ${files.length} files under ${o.out}/ (open *.vtk in ParaView with a Glyph filter scaled by radius_m)`,
      );
    });
}
