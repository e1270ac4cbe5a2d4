/**
 * Compaction workflows (paper 003 §2.1.2-2.1.3, paper 000 §2.2): a DEM case (materials, particles, box,
 * walls) plus protocol stages run in order, each starting from the previous state: `uniaxial`, `isostatic`,
 * `cycle`, `compress2d`. Browser-safe; writing a run into a folder (per-stage outputs, restart files,
 * --resume) is host/dem/compact_io.ts (Node).
 */
import { z } from "zod";
import { quantity } from "../config/schema.js";
import { ConfigError, configErrorFrom } from "../config/errors.js";
import type { Kernels } from "../core/wasm.js";
import { VERSION } from "../version.js";
import { DemCaseSchema } from "./case.js";
import { resolveCase, type TextReader } from "./resolve.js";
import { particleColumns } from "./particle_columns.js";
import { DemSystem } from "./system.js";
import { runUniaxial, runDisplacement, type CurvePoint, UNIAXIAL_DEFAULTS, type Progress, type UniaxialResult } from "./protocol.js";
import { runIsostatic, runCycle, type IsostaticResult, type CycleState, type BoxWalls, type ServoLaw } from "./isostatic.js";
import type { WallInit } from "./system_init.js";
import type { RestartState } from "./system_restart.js";
import { demPacking, stateBox } from "./packing.js";
import type { Packing } from "../pack/packing.js";
import { stateReport, type StateReport } from "./report.js";

/**
 * When a hold under the isostatic servo is settled (the deck's loop of `run checkEvery` chunks): over the last `window`
 * chunks no wall travelled more than travel_m and every chunk-averaged face pressure was within tolerance x P; not
 * before holdSteps, at most maxSteps.
 */
const SettleSchema = z
  .object({
    window: z.number().int().positive().default(4),
    travel_m: quantity("m", { min: 0, minExclusive: true }, "wall travel over the window").default(1e-8),
    tolerance: quantity("-", { min: 0, minExclusive: true }, "relative pressure tolerance").default(0.02),
    maxSteps: z.number().int().positive().default(1_000_000),
  })
  .strict();

export const UniaxialStageSchema = z
  .object({
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
  })
  .strict();

export const IsostaticStageSchema = z
  .object({
    type: z.literal("isostatic"),
    /** pressure on all six faces (paper 003: 1, 3, 5 MPa) */
    pressure_Pa: quantity("Pa", { min: 0, minExclusive: true }, "isostatic pressure"),
    /** material of the four side walls added for this stage (default: the case's z walls' material) */
    wallMaterial: z.string().optional(),
    /** LIGGGHTS fix mesh/surface/stress/servo `vel_max` */
    maxSpeed_m_s: quantity("m/s", { min: 0, minExclusive: true }, "servo speed limit").default(1),
    /** LIGGGHTS fix mesh/surface/stress/servo `kp`: speed = maxSpeed_m_s x kp x (1 - F / F_target), clipped at +-maxSpeed_m_s */
    kp: quantity("-", { min: 0, minExclusive: true }, "servo proportional constant").default(1),
    checkEvery: z.number().int().positive().default(250),
    tolerance: quantity("-", { min: 0, minExclusive: true }, "relative pressure tolerance").default(0.02),
    maxSteps: z.number().int().positive().default(2_000_000),
    holdSteps: z.number().int().nonnegative().default(2000),
    settle: SettleSchema.optional(),
  })
  .strict();

export const CycleStageSchema = z
  .object({
    type: z.literal("cycle"),
    /** the swelling phase (paper 003: AM) */
    material: z.string().default("AM"),
    /** diameter change on discharge (paper 003: 6 %) */
    diameterStrain: quantity("-", { min: -0.5, max: 0.5 }, "diameter strain").default(0.06),
    cycles: z.number().int().positive().default(5),
    rampSteps: z.number().int().positive().default(20000),
    holdSteps: z.number().int().nonnegative().default(2000),
    checkEvery: z.number().int().positive().default(250),
    /** steps between radius updates in a ramp: LIGGGHTS `fix adapt N atom diameter ...` (default checkEvery) */
    swellEvery: z.number().int().positive().optional(),
    /** "constant-mass" (default), or "constant-density": the mass grows with the volume, as `fix adapt ... mass yes` */
    swelling: z.enum(["constant-mass", "constant-density"]).default("constant-mass"),
    /** the holds end when settled, as the deck's loop of `run` chunks (needs an isostatic stage before) */
    settle: SettleSchema.optional(),
  })
  .strict();

export const Compress2dStageSchema = z
  .object({
    type: z.literal("compress2d"),
    /** the moving wall (e.g. "right"); the opposite wall along the same axis stays */
    wall: z.string(),
    /** frame width after compression (paper 000: 40 um) */
    finalWidth_m: quantity("m", { min: 0, minExclusive: true }, "final width").default(40e-6),
    speed_m_s: quantity("m/s", { min: 0, minExclusive: true }, "wall speed").default(1),
    holdSteps: z.number().int().nonnegative().default(5000),
    checkEvery: z.number().int().positive().default(500),
    /**
     * a particle past limits.maxOverlapFraction or maxStepDisplacementFraction while the wall moves or holds:
     * "fail" (the run stops with the error) or "stop" (the frame is jammed harder than the contact law can
     * press: the wall goes back to the last check, the stage holds there and reports the width it reached)
     */
    onLimit: z.enum(["fail", "stop"]).default("fail"),
  })
  .strict();

export const CompactSchema = z
  .object({
    /** the DEM case; its own `stages` are not used (give `stages: [{steps: 1}]`) */
    case: DemCaseSchema,
    stages: z
      .array(
        z.discriminatedUnion("type", [UniaxialStageSchema, IsostaticStageSchema, CycleStageSchema, Compress2dStageSchema], {
          error: (iss) =>
            iss.code === "invalid_union" ? `unknown stage type; available: uniaxial, isostatic, cycle, compress2d` : undefined,
        }),
      )
      .min(1),
  })
  .strict()
  .superRefine((c, ctx) => {
    const walls = c.case.walls.map((w) => w.name);
    const mats = Object.keys(c.case.materials);
    c.stages.forEach((st, k) => {
      if (st.type === "compress2d") {
        const w = c.case.walls.find((x) => x.name === st.wall);
        if (!w)
          ctx.addIssue({
            code: "custom",
            path: ["stages", k, "wall"],
            message: `unknown wall; walls of the case: ${walls.join(", ") || "none"}`,
          });
        else if (!c.case.walls.some((x) => x.axis === w.axis && x.side !== w.side))
          ctx.addIssue({
            code: "custom",
            path: ["stages", k, "wall"],
            message: `needs an opposite wall along ${w.axis} to measure the width from`,
          });
      }
      if (st.type === "uniaxial" && !walls.includes(st.wall))
        ctx.addIssue({
          code: "custom",
          path: ["stages", k, "wall"],
          message: `unknown wall; walls of the case: ${walls.join(", ") || "none"}`,
        });
      if (st.type === "isostatic") {
        if (c.case.dimension !== 3)
          ctx.addIssue({ code: "custom", path: ["stages", k, "type"], message: "isostatic pressing needs a 3D case" });
        if (!c.case.walls.some((w) => w.axis === "z" && w.side === "+") || !c.case.walls.some((w) => w.axis === "z" && w.side === "-"))
          ctx.addIssue({
            code: "custom",
            path: ["stages", k, "type"],
            message: "isostatic pressing needs a bottom (side +) and a top (side -) wall along z",
          });
        if (st.wallMaterial !== undefined && !mats.includes(st.wallMaterial))
          ctx.addIssue({
            code: "custom",
            path: ["stages", k, "wallMaterial"],
            message: `unknown material; defined materials: ${mats.join(", ")}`,
          });
      }
      if (st.type === "cycle" && !mats.includes(st.material))
        ctx.addIssue({
          code: "custom",
          path: ["stages", k, "material"],
          message: `unknown material; defined materials: ${mats.join(", ")}`,
        });
    });
  });
export type CompactConfig = z.output<typeof CompactSchema>;

export function parseCompact(input: unknown, source = "compact"): CompactConfig {
  const r = CompactSchema.safeParse(input);
  if (!r.success) throw configErrorFrom(r.error, input, source);
  return r.data;
}

/** What every stage result carries: its state reports, warnings a user must see, and its compute time. */
interface StageCommon {
  reports: Record<string, StateReport>;
  warnings: string[];
  wallClock_s: number;
}

export type UniaxialStageResult = { type: "uniaxial" } & StageCommon & UniaxialResult;
export type IsostaticStageResult = { type: "isostatic" } & StageCommon & IsostaticResult;
export type CycleStageResult = { type: "cycle"; states: CycleState[]; steps: number } & StageCommon;
export type Compress2dStageResult = {
  type: "compress2d";
  steps: number;
  load_N: number;
  /** the frame width reached: finalWidth_m, or less far where onLimit "stop" ended the compression */
  width_m: number;
  /** present (true) when onLimit "stop" ended the compression before finalWidth_m */
  stoppedAtLimit?: boolean;
  curve: CurvePoint[];
} & StageCommon;
export type CompactStageResult = UniaxialStageResult | IsostaticStageResult | CycleStageResult | Compress2dStageResult;

export interface CompactResult {
  kind: "assbkit.compact.result";
  version: string;
  seed: number;
  config: CompactConfig;
  /** index of the first stage run here (> 0 when resumed from a restart file) */
  firstStage: number;
  /** the stages run here (cfg.stages[firstStage..]) */
  stages: CompactStageResult[];
  particles: Record<string, number[] | string[]>;
  /** the final state as the packing handed to the next stage (box = the walls now; voxelize(result.packing)) */
  packing: Packing;
  /** warnings of the stages run here */
  warnings: string[];
  wallClock_s: number;
  particleSteps_per_s: number;
}

/** One finished stage, handed out by compactStages while the simulation waits. */
export interface StageDone {
  /** 0-based index in cfg.stages */
  index: number;
  stage: CompactStageResult;
  /** true for the config's last stage */
  last: boolean;
  /** the restart state after this stage (read it before asking for the next stage) */
  state: () => RestartState;
  /** particles in the system */
  n: number;
}

export interface CompactRunOptions {
  onProgress?: Progress;
  /** called after each stage with its index and the restart state (write it to disk) */
  onStageDone?: (stage: number, state: RestartState) => void;
  /** resume: the restart state written after stage `resumeAfter` (0-based); later stages run */
  resume?: { state: RestartState; after: number };
  /** called with the system before it steps (e.g. to step it on several threads: startDemThreads, Node) */
  onSystem?: (s: DemSystem) => void;
}

/** Runs the stages and returns the result (see compactStages to act between stages). */
export function runCompact(
  kernels: Kernels,
  cfg: CompactConfig,
  readText?: TextReader,
  onProgressOrOpts?: Progress | CompactRunOptions,
): CompactResult {
  const opts: CompactRunOptions = typeof onProgressOrOpts === "function" ? { onProgress: onProgressOrOpts } : (onProgressOrOpts ?? {});
  const run = compactStages(kernels, cfg, readText, opts);
  for (;;) {
    const r = run.next();
    if (r.done) return r.value;
    opts.onStageDone?.(r.value.index, r.value.state());
  }
}

/**
 * The compaction as a generator: yields after every stage (the system paused, so its outputs and restart
 * file can be written before the next stage starts) and returns the whole result. A resumed run (from the
 * restart state after stage `resume.after`) yields the later stages only; resumed after the last stage it
 * yields nothing and returns the final particles of that state. The case is resolved and the restart
 * state loaded when this is called (input errors surface before any stage runs), the stages on `next()`.
 */
/**
 * The DemSystem of a case, with four die walls on x and y added switched off when `sideWallMaterial` is not undefined
 * (null: the material of the case's z walls), and the six walls of the box as BoxWalls (x, y: -1 without die walls).
 */
export function boxSystem(
  kernels: Kernels,
  c: CompactConfig["case"],
  rc: ReturnType<typeof resolveCase>,
  sideWallMaterial: string | null | undefined,
): { s: DemSystem; walls: BoxWalls } {
  const wallsBefore = rc.init.walls.length;
  if (sideWallMaterial !== undefined) {
    const zWall = c.walls.find((w) => w.axis === "z")!;
    const material = rc.materialNames.indexOf(sideWallMaterial ?? zWall.material);
    const b = c.box;
    const side = (name: string, axis: 0 | 1, sgn: 1 | -1, pos: number): WallInit => ({
      name,
      axis,
      side: sgn,
      position_m: pos,
      velocity_m_s: [0, 0, 0],
      mode: "off",
      targetLoad_N: 0,
      gain_m_per_s_N: 0,
      maxSpeed_m_s: 0,
      material,
    });
    rc.init.walls.push(
      side("xlo", 0, 1, b.lo_m[0]),
      side("xhi", 0, -1, b.hi_m[0]),
      side("ylo", 1, 1, b.lo_m[1]),
      side("yhi", 1, -1, b.hi_m[1]),
    );
  }
  const s = new DemSystem(kernels, rc.init);
  s.ids = rc.particles.id;
  const zlo = c.walls.findIndex((w) => w.axis === "z" && w.side === "+"),
    zhi = c.walls.findIndex((w) => w.axis === "z" && w.side === "-");
  const x = sideWallMaterial !== undefined ? wallsBefore : -1;
  return { s, walls: { xlo: x, xhi: x < 0 ? -1 : x + 1, ylo: x < 0 ? -1 : x + 2, yhi: x < 0 ? -1 : x + 3, zlo, zhi } };
}

export function compactStages(
  kernels: Kernels,
  cfg: CompactConfig,
  readText?: TextReader,
  opts: Omit<CompactRunOptions, "onStageDone"> = {},
): Generator<StageDone, CompactResult, void> {
  const onProgress = opts.onProgress;
  const rc = resolveCase(cfg.case, readText);
  // isostatic stages need die walls on x and y: added switched off, turned on by the stage
  const iso = cfg.stages.find((st) => st.type === "isostatic");
  const { s, walls: boxWalls } = boxSystem(kernels, cfg.case, rc, iso?.type === "isostatic" ? (iso.wallMaterial ?? null) : undefined);
  const box = cfg.case.box;
  opts.onSystem?.(s);
  let isoState: ({ walls: BoxWalls; pressure_Pa: number } & ServoLaw) | undefined;
  let first = 0;
  if (opts.resume) {
    s.loadState(opts.resume.state);
    first = opts.resume.after + 1;
    // the servo context of an isostatic stage already run
    for (const st of cfg.stages.slice(0, first))
      if (st.type === "isostatic") isoState = { walls: boxWalls, pressure_Pa: st.pressure_Pa, maxSpeed_m_s: st.maxSpeed_m_s, kp: st.kp };
  }
  return (function* (): Generator<StageDone, CompactResult, void> {
    const stages: CompactResult["stages"] = [];
    let steps = 0,
      sec = 0;
    for (const [k, st] of cfg.stages.entries()) {
      if (k < first) continue;
      const t0 = performance.now();
      const reports: Record<string, StateReport> = {};
      const snap = (state: string) => {
        reports[state] = stateReport(s, rc);
      };
      let done: CompactStageResult;
      if (st.type === "uniaxial") {
        if (cfg.case.dimension === 2)
          throw new ConfigError(
            `stages.${k}.type = "uniaxial": needs a 3D case (pressure = force / wall area); this case has dimension = 2 (use compress2d)`,
          );
        const wi = s.wallNames.indexOf(st.wall);
        const axis = s.wall(wi).axis;
        const ext = box.hi_m.map((h, a) => h - box.lo_m[a]);
        const area = ext.filter((_, a) => a !== axis).reduce((p, e) => p * e, 1);
        const r = runUniaxial(s, rc.materialNames, { ...st, wall: wi, area_m2: area }, onProgress, snap);
        steps += r.steps;
        done = { type: "uniaxial", reports, ...r, wallClock_s: 0 };
      } else if (st.type === "isostatic") {
        const r = runIsostatic(s, rc.materialNames, boxWalls, st, onProgress, snap);
        isoState = { walls: boxWalls, pressure_Pa: st.pressure_Pa, maxSpeed_m_s: st.maxSpeed_m_s, kp: st.kp };
        steps += r.steps;
        done = { type: "isostatic", reports, ...r, warnings: [], wallClock_s: 0 };
      } else if (st.type === "compress2d") {
        const wi = s.wallNames.indexOf(st.wall);
        const w = cfg.case.walls[wi];
        const opp = cfg.case.walls.findIndex((x) => x.axis === w.axis && x.side !== w.side);
        const base = s.wall(opp).position_m;
        const target = base + (w.side === "-" ? 1 : -1) * st.finalWidth_m;
        const r = runDisplacement(
          s,
          {
            wall: wi,
            targetPosition_m: target,
            speed_m_s: st.speed_m_s,
            holdSteps: st.holdSteps,
            checkEvery: st.checkEvery,
            stopAtLimit: st.onLimit === "stop",
          },
          onProgress,
          snap,
        );
        steps += r.steps;
        done = {
          type: "compress2d",
          reports,
          steps: r.steps,
          load_N: r.load_N,
          width_m: r.stoppedAt_m === undefined ? st.finalWidth_m : Math.abs(r.stoppedAt_m - base),
          ...(r.stoppedAt_m === undefined ? {} : { stoppedAtLimit: true }),
          curve: r.curve,
          warnings:
            r.stoppedAt_m === undefined
              ? []
              : [
                  `compress2d: a particle passed the DEM limits (overlap or step displacement) near width ${(Math.abs(r.stoppedAt_m - base) * 1e6).toFixed(2)} um; onLimit "stop" held the frame there instead of ${(st.finalWidth_m * 1e6).toFixed(2)} um`,
                ],
          wallClock_s: 0,
        };
      } else {
        if (st.settle && !isoState)
          throw new ConfigError(
            `stages.${k}.settle: settling is judged on the isostatic walls' travel and pressures; put an isostatic stage before this cycle stage, or drop settle (holdSteps then)`,
          );
        const r = runCycle(
          s,
          rc.materialNames,
          { ...st, materials: [rc.materialNames.indexOf(st.material)], isostatic: isoState },
          onProgress,
          snap,
        );
        steps += r.steps;
        done = { type: "cycle", reports, ...r, warnings: [], wallClock_s: 0 };
      }
      done.wallClock_s = (performance.now() - t0) / 1000;
      sec += done.wallClock_s;
      stages.push(done);
      yield { index: k, stage: done, last: k === cfg.stages.length - 1, state: () => s.saveState(), n: s.n };
    }
    const finalParticles = particleColumns(s, rc);
    return {
      kind: "assbkit.compact.result",
      version: VERSION,
      seed: cfg.case.seed,
      config: cfg,
      stages,
      firstStage: first,
      particles: finalParticles,
      packing: demPacking(cfg.case, finalParticles, stateBox(s, cfg.case), "compact: final state"),
      warnings: stages.flatMap((st) => st.warnings),
      wallClock_s: sec,
      particleSteps_per_s: sec > 0 ? (s.n * steps) / sec : 0,
    };
  })();
}
