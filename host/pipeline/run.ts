/**
 * The pipeline in Node (engine.ts runs the stages): `from:` files read before any work (inputs.ts), cell
 * parameters from the shipped sets in data/cell or from a JSON/YAML file relative to the pipeline file.
 */
import { resolve } from "node:path";
import { PARAMETER_SETS } from "../cell/params_core.js";
import { loadCellParams, resolveCellParams } from "../cell/params.js";
import type { PipelineConfig } from "./config.js";
import { runPipelineWith, type CellSource, type PipelineCore, type PipelineResult, type PipelineRunOptions } from "./engine.js";
import { pipelineInputs } from "./inputs.js";

export * from "./engine.js";

/** Cell parameters in Node: a shipped set by name, else a file relative to `baseDir`. */
export function nodeCellSource(baseDir = "."): CellSource {
  return {
    load: (nameOrPath, overrides) =>
      loadCellParams((PARAMETER_SETS as readonly string[]).includes(nameOrPath) ? nameOrPath : resolve(baseDir, nameOrPath), overrides),
    resolve: resolveCellParams,
  };
}

/** Runs the pipeline from its first stage (pack, or cfg.from / opts.from) to its last. */
export function runPipeline(core: PipelineCore, cfg: PipelineConfig, opts: PipelineRunOptions = {}): PipelineResult {
  const from = opts.from ?? (cfg.from ? pipelineInputs(cfg, opts.baseDir) : undefined);
  return runPipelineWith(core, cfg, nodeCellSource(opts.baseDir), { ...opts, ...(from ? { from } : {}) });
}
