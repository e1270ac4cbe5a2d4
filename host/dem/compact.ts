/**
 * Compaction workflows (paper 003 §2.1.2): a DEM case (materials, particles, box, walls) plus protocol
 * stages run in order, each starting from the previous state. Implemented so far: `uniaxial`.
 */
import { z } from "zod";
import { quantity } from "../config/schema.js";
import { ConfigError, configErrorFrom } from "../config/errors.js";
import type { Kernels } from "../core/wasm.js";
import { VERSION } from "../version.js";
import { DemCaseSchema } from "./case.js";
import { particleColumns, resolveCase, type TextReader } from "./run.js";
import { DemSystem } from "./system.js";
import { runUniaxial, UNIAXIAL_DEFAULTS, type Progress, type UniaxialResult } from "./protocol.js";
import { stateReport, type StateReport } from "./report.js";

export const UniaxialStageSchema = z.object({
  type: z.literal("uniaxial"),
  /** the moving wall (a wall of the case, e.g. "top") */
  wall: z.string(),
  targetPressure_Pa: quantity("Pa", { min: 0, minExclusive: true }, "target pressure"),
  speed_m_s: quantity("m/s", { min: 0, minExclusive: true }, "pressing speed").default(UNIAXIAL_DEFAULTS.speed_m_s),
  checkEvery: z.number().int().positive().default(UNIAXIAL_DEFAULTS.checkEvery),
  holdSteps: z.number().int().nonnegative().default(UNIAXIAL_DEFAULTS.holdSteps),
  releaseSpeed_m_s: quantity("m/s", { min: 0, minExclusive: true }, "release speed").default(UNIAXIAL_DEFAULTS.releaseSpeed_m_s),
  releasePressure_Pa: quantity("Pa", { min: 0 }, "release pressure").default(UNIAXIAL_DEFAULTS.releasePressure_Pa),
  maxReleaseChunks: z.number().int().positive().default(UNIAXIAL_DEFAULTS.maxReleaseChunks),
  relaxSteps: z.number().int().nonnegative().default(UNIAXIAL_DEFAULTS.relaxSteps),
  maxCompressionSteps: z.number().int().positive().default(UNIAXIAL_DEFAULTS.maxCompressionSteps),
}).strict();

export const CompactSchema = z.object({
  /** the DEM case; its own `stages` are not used (give `stages: [{steps: 1}]`) */
  case: DemCaseSchema,
  stages: z.array(z.discriminatedUnion("type", [UniaxialStageSchema], {
    error: (iss) => (iss.code === "invalid_union" ? `unknown stage type; available: uniaxial` : undefined),
  })).min(1),
}).strict().superRefine((c, ctx) => {
  const walls = c.case.walls.map((w) => w.name);
  c.stages.forEach((st, k) => {
    if (!walls.includes(st.wall)) ctx.addIssue({ code: "custom", path: ["stages", k, "wall"], message: `unknown wall; walls of the case: ${walls.join(", ") || "none"}` });
  });
});
export type CompactConfig = z.output<typeof CompactSchema>;

export function parseCompact(input: unknown, source = "compact"): CompactConfig {
  const r = CompactSchema.safeParse(input);
  if (!r.success) throw configErrorFrom(r.error, input, source);
  return r.data;
}

export interface CompactResult {
  kind: "assbkit.compact.result";
  version: string;
  seed: number;
  config: CompactConfig;
  stages: ({ type: "uniaxial"; reports: { loaded?: StateReport; released?: StateReport } } & UniaxialResult)[];
  particles: Record<string, number[] | string[]>;
  wallClock_s: number;
  particleSteps_per_s: number;
}

export function runCompact(kernels: Kernels, cfg: CompactConfig, readText?: TextReader, onProgress?: Progress): CompactResult {
  const rc = resolveCase(cfg.case, readText);
  const s = new DemSystem(kernels, rc.init);
  s.ids = rc.particles.id;
  const box = cfg.case.box;
  const t0 = performance.now();
  const stages: CompactResult["stages"] = [];
  let steps = 0;
  for (const st of cfg.stages) {
    const wi = s.wallNames.indexOf(st.wall);
    const axis = s.wall(wi).axis;
    const ext = box.hi_m.map((h, a) => h - box.lo_m[a]);
    const area = ext.filter((_, a) => a !== axis).reduce((p, e) => p * e, 1);
    if (cfg.case.dimension === 2) throw new ConfigError(`stages: uniaxial needs a 3D case (pressure = force / wall area); dimension = 2`);
    const reports: { loaded?: StateReport; released?: StateReport } = {};
    const r = runUniaxial(s, rc.materialNames, { ...st, wall: wi, area_m2: area }, onProgress, (state) => { reports[state] = stateReport(s, rc); });
    steps += r.steps;
    stages.push({ type: "uniaxial", reports, ...r });
  }
  const sec = (performance.now() - t0) / 1000;
  return {
    kind: "assbkit.compact.result", version: VERSION, seed: cfg.case.seed, config: cfg, stages,
    particles: particleColumns(s, rc), wallClock_s: sec, particleSteps_per_s: (s.n * steps) / sec,
  };
}
