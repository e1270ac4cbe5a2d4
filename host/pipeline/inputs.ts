/**
 * Where a pipeline starts when it does not pack: `from: {stage, file}` read into the object that stage
 * takes — a particles CSV with its `.packing.json` sidecar (assb pack/compact/dem and a pipeline's
 * pack/ and compact/ folders write them) for compact or voxelize, a voxel volume (.json + .raw, or .tif)
 * for transport. Read before any work, so a missing or bad file is a one-line error naming `from.file`.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { ConfigError, inputError } from "../config/errors.js";
import { readPacking, sidecarPath } from "../pack/node.js";
import { readVolume } from "../transport/volume.js";
import type { PipelineConfig } from "./config.js";
import type { PipelineStart } from "./engine.js";

export type { PipelineStart } from "./engine.js";

/** Reads cfg.from's file (relative to `baseDir`, the pipeline file's folder); undefined without `from`. */
export function pipelineInputs(cfg: PipelineConfig, baseDir = "."): PipelineStart | undefined {
  const from = cfg.from;
  if (!from) return undefined;
  const file = resolve(baseDir, from.file);
  if (!existsSync(file))
    throw inputError(
      "from.file",
      from.file,
      `an existing ${from.stage === "transport" ? "voxel volume (.json + .raw, or .tif)" : "particles CSV with its .packing.json sidecar"} (relative to the pipeline file's folder; not found: ${file})`,
    );
  try {
    if (from.stage === "transport") return { stage: "transport", volume: readVolume(file), file: from.file };
    if (!existsSync(sidecarPath(file)))
      throw inputError(
        "from.file",
        from.file,
        `a particles CSV with its sidecar ${sidecarPath(from.file)} (box, periodicity, materials) beside it`,
      );
    return { stage: from.stage, packing: readPacking(file), file: from.file };
  } catch (e) {
    // the reader names the file; the line says which field gave it
    if (e instanceof ConfigError && !e.message.startsWith("from.file")) throw new ConfigError(`from.file: ${e.message}`);
    throw e;
  }
}
