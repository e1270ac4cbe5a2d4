/**
 * The whole pipeline as a study kind (pack -> compact -> voxelize -> transport -> cell): its scalars are the
 * pipeline's flat summary (pack_*, compact_*, se_*, am_*, cell_*). Loaded only when a study names it.
 */
import { parsePipelineConfig, PipelineConfigSchema, type PipelineConfig } from "../pipeline/config.js";
import { writePipelineResult } from "../pipeline/output.js";
import { runPipeline } from "../pipeline/run.js";
import { pipelineScalars } from "../pipeline/summary.js";
import type { StudyKind } from "./kinds.js";

export const pipelineKind: StudyKind<{ config: PipelineConfig; baseDir: string }> = {
  name: "pipeline",
  schema: async () => PipelineConfigSchema,
  seedPath: ["pack", "seed"],
  parse(input, source, baseDir) {
    return { config: parsePipelineConfig(input, source), baseDir };
  },
  async run(core, cfg, dir) {
    const r = runPipeline(core, cfg.config, { baseDir: cfg.baseDir });
    // the report needs the optional plot packages and is the slowest output: a study reads the table instead
    const files = await writePipelineResult(dir, r, { report: false, stageFiles: false });
    return { scalars: pipelineScalars(r), files: files.map((f) => (f.startsWith(dir) ? f.slice(dir.length + 1) : f)) };
  },
};
