/** `assb run <pipeline.yaml> -o <dir>`: pack -> compact -> voxelize -> transport -> cell in one command (host/pipeline). */
import type { Command } from "commander";
import { dirname } from "node:path";
import { readConfigFile } from "../config/load.js";
import { applyOverrides } from "../config/overrides.js";
import { ConfigError } from "../config/errors.js";
import { prepareOutDir } from "../io/atomic.js";
import { requirePlotting } from "../plot/render.js";
import { loadCore } from "../core/wasm.js";
import type { PipelineConfig } from "../pipeline/config.js";
import type { PipelineResult } from "../pipeline/run.js";
import { progressBar } from "./progress.js";

const collect = (v: string, prev: string[] = []) => [...prev, v];

/**
 * Runs a parsed pipeline into `out` with a progress bar and a few lines of results on stdout: the start
 * file is read and the plot packages loaded before the folder is touched, the folder checked before any work.
 */
export async function runPipelineToDir(
  cfg: PipelineConfig,
  baseDir: string,
  out: string,
  o: { report?: boolean; stageFiles?: boolean; threads?: string } = {},
): Promise<{ result: PipelineResult; files: string[] }> {
  const { runPipeline } = await import("../pipeline/run.js");
  const { pipelineInputs } = await import("../pipeline/inputs.js");
  const { writePipelineResult } = await import("../pipeline/output.js");
  const from = pipelineInputs(cfg, baseDir);
  const { demThreading } = await import("../dem/threads.js");
  const dem = await demThreading(o.threads);
  if (o.report !== false) await requirePlotting();
  prepareOutDir(out);
  const core = await loadCore();
  const bar = progressBar();
  let result: PipelineResult;
  try {
    result = runPipeline(core, cfg, {
      from,
      baseDir,
      ...(dem.onSystem ? { dem: { kernels: dem.kernels, onSystem: dem.onSystem } } : {}),
      onProgress: (stage, f, detail) =>
        // compaction reports each protocol phase's own fraction: one bar per phase, as assb compact draws them
        bar.fraction(stage === "compact" && detail ? detail.split(",")[0] : stage, f, detail ?? ""),
    });
  } finally {
    dem.done();
  }
  bar.done();
  const files = await writePipelineResult(out, result, o);
  printSummary(result, out, o.report !== false);
  return { result, files };
}

function printSummary(r: PipelineResult, out: string, report: boolean): void {
  const f = (x: number | undefined, d = 3) => (x === undefined ? "-" : x.toFixed(d));
  const t = Object.entries(r.timings_s)
    .map(([k, s]) => `${k} ${f(s, 2)} s`)
    .join(", ");
  console.log(`pipeline ${r.name}: from ${r.startedAt}; ${t}`);
  if (r.pack)
    console.log(
      `  packing: ${r.pack.summary.particles} particles (${r.pack.summary.am} AM, ${r.pack.summary.se} SE) from ${r.pack.source}`,
    );
  const u = r.compact?.stages.find((s) => s.type === "uniaxial");
  if (u?.type === "uniaxial")
    console.log(
      `  compact: ${(u.loaded.pressure_Pa / 1e6).toFixed(0)} MPa, solid fraction ${f(u.loaded.solidFraction)} loaded, ${f(u.released.solidFraction)} released`,
    );
  const v = r.voxels;
  console.log(
    `  voxels ${v.shape.join(" x ")} of ${(v.voxelSize_m * 1e6).toPrecision(3)} um; D_SCA ${(v.surface.dSca_m * 1e6).toFixed(2)} um`,
  );
  for (const [ph, tr] of Object.entries(r.transport))
    if (tr)
      console.log(`  ${ph.toUpperCase()}: eps ${f(tr.eps)}, tau ${tr.tauFactor.toPrecision(4)}, D_eff/D ${tr.deffRel.toPrecision(4)}`);
  if (r.cell)
    for (const row of r.cell.rows)
      console.log(`  ${row.cRate}C: ${row.capacity_Ah_m2.toFixed(4)} Ah/m2 = ${row.capacity_mAh_g.toFixed(2)} mAh/g (${row.termination})`);
  for (const w of r.warnings) console.error(`assb: warning: ${w}`);
  console.log(`  wrote ${out}/result.json${report ? ", report.html" : ""} and the stage folders`);
}

export function register(program: Command): void {
  program
    .command("run")
    .description(
      "the whole pipeline from one file: pack -> compact -> voxelize -> transport -> cell (capacity vs C-rate); writes one folder per stage, result.json and report.html",
    )
    .argument("[pipeline]", "YAML/JSON pipeline file (assb run --example prints a commented one)")
    .option("-o, --out <dir>", "output folder", "pipeline-out")
    .option(
      "--set <key=value>",
      'override a key, e.g. --set cell.rates=[0.1,1] --set "compact.stages[0].targetPressure_Pa=200 MPa" (repeatable)',
      collect,
    )
    .option("--example", "print the example pipeline file (YAML, commented) and exit")
    .option("--no-report", "skip report.html and its PNGs")
    .option("--threads <n>", "threads that step the compaction's DEM (the same numbers on the same count; 1: none)", "1")
    .action(async (file: string | undefined, o: { out: string; set?: string[]; example?: boolean; report: boolean; threads: string }) => {
      if (o.example) {
        const { PIPELINE_EXAMPLE_YAML } = await import("../pipeline/example.js");
        process.stdout.write(PIPELINE_EXAMPLE_YAML);
        return;
      }
      if (file === undefined)
        throw new ConfigError("run: <pipeline> = missing: expected a pipeline file (assb run --example > pipeline.yaml writes one)");
      const { parsePipelineConfig } = await import("../pipeline/config.js");
      const cfg = parsePipelineConfig(applyOverrides(readConfigFile(file), o.set ?? []), file);
      await runPipelineToDir(cfg, dirname(file), o.out, { report: o.report, threads: o.threads });
    });
}
