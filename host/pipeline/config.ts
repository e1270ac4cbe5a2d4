/**
 * A pipeline file (SPEC §8): the stages from particles to cell in one config, each section the input its
 * stage takes on its own — `pack` (a 3D pack spec, host/pack), `compact` (the protocol stages and the DEM
 * case settings of `assb compact`; the case itself is built from the packing), `voxelize`, `transport`
 * (which networks, solver), `cell` (a parameter set, overrides, the C-rates of the capacity sweep) — and
 * `from`, which starts the pipeline at a later stage from a file an earlier run (or another tool) wrote.
 * Quantities take SI numbers or strings with units; every refusal is one line naming the field.
 */
import { z } from "zod";
import { quantity } from "../config/schema.js";
import { ConfigError, formatIssues } from "../config/errors.js";
import { PackSpecSchema } from "../pack/pack.js";
import { DemCaseSchema, MaterialSchema } from "../dem/case.js";
import { UniaxialStageSchema, IsostaticStageSchema, CycleStageSchema } from "../dem/compact.js";
import { PAIRS_COMPACTION } from "../dem/presets.js";

/** The stages in order; `from.stage` names the first one run. */
export const PIPELINE_STAGES = ["pack", "compact", "voxelize", "transport", "cell"] as const;
export type PipelineStage = (typeof PIPELINE_STAGES)[number];

const positive = (unit: string, what: string) => quantity(unit, { min: 0, minExclusive: true }, what);

const FromSchema = z
  .object({
    /** the first stage run: compact or voxelize (from a particles CSV with its .packing.json), transport (from a volume) */
    stage: z.enum(["compact", "voxelize", "transport"], {
      error: () =>
        "expected compact or voxelize (from a particles CSV with its .packing.json sidecar) or transport (from a voxel volume: .json + .raw, or .tif)",
    }),
    /** the file, relative to the pipeline file's folder */
    file: z.string({ error: () => "expected the path of the file to start from" }).min(1),
  })
  .strict();

const CompactSectionSchema = z
  .object({
    /** DEM settings of the case built from the packing (the rest of the case: particles, box, walls, from it) */
    timestep: DemCaseSchema.shape.timestep.optional(),
    neighbor: DemCaseSchema.shape.neighbor.optional(),
    contact: DemCaseSchema.shape.contact.optional(),
    /** the DEM's stability limits (overlap / smaller radius, displacement per step / radius): a stop with an error past them */
    limits: DemCaseSchema.shape.limits.optional(),
    /** replaces materials of the compaction set (AM, SE, wall: host/dem/presets.ts) by name */
    materials: z.record(z.string(), MaterialSchema).optional(),
    pairDefaults: z
      .object({ restitution: quantity("-", { min: 0, max: 1 }, "restitution"), friction: quantity("-", { min: 0 }, "friction") })
      .strict()
      .default(PAIRS_COMPACTION),
    stages: z
      .array(
        z.discriminatedUnion("type", [UniaxialStageSchema, IsostaticStageSchema, CycleStageSchema], {
          error: (iss) =>
            iss.code === "invalid_union" ? "unknown stage type; available in a pipeline: uniaxial, isostatic, cycle" : undefined,
        }),
      )
      .min(1, { error: () => "expected at least one protocol stage" }),
  })
  .strict()
  .superRefine((c, ctx) =>
    c.stages.forEach((st, k) => {
      // the case built from a 3D packing has a bottom and a top wall
      if (st.type === "uniaxial" && st.wall !== "top" && st.wall !== "bottom")
        ctx.addIssue({ code: "custom", path: ["stages", k, "wall"], message: "expected top or bottom (the walls of the pressed box)" });
    }),
  );

const VoxelizeSectionSchema = z
  .object({
    voxelSize_m: positive("m", "voxel edge"),
    /** refuse volumes above this many voxels */
    maxVoxels: z
      .number()
      .int()
      .positive()
      .default(64 * 2 ** 20),
    /**
     * what the pore voxels become: pore (default), or SE: the two-phase image of a dense composite (paper 004
     * thresholds its CT images into AM and SE only; a plastic SE that fills the voids of the pressed spheres)
     */
    poreAs: z.enum(["pore", "SE"], { error: () => "expected pore (keep the voids) or SE (fill them with SE)" }).default("pore"),
  })
  .strict();

const TransportSectionSchema = z
  .object({
    /** networks solved along z (separator to collector): SE (ionic, tau_SE) and AM (electronic, sigma_eff/sigma) */
    phases: z
      .array(z.enum(["SE", "AM"], { error: () => "expected SE or AM" }))
      .min(1)
      .default(["SE", "AM"]),
    method: z.enum(["pcg", "sor"], { error: () => "expected pcg (multigrid-preconditioned CG) or sor" }).default("pcg"),
    /** the tau rule: stop when tau is known to this relative error (default 1e-6) */
    tauRtol: quantity("-", { min: 1e-12, max: 0.1 }, "relative tolerance of tau").optional(),
    /** the residual rule instead: stop at this relative residual ||b - Ax||/||b|| (sor: default 1e-10) */
    rtol: quantity("-", { min: 0, max: 1, minExclusive: true, maxExclusive: true }, "relative residual").optional(),
    maxIterations: z.number().int().positive().default(20000),
  })
  .strict()
  .refine((t) => t.rtol === undefined || t.tauRtol === undefined, {
    path: ["rtol"],
    message: "give one stopping rule: tauRtol (tau to a relative error) or rtol (a relative residual), not both",
  });

const CellSectionSchema = z
  .object({
    /** a shipped parameter set (Asheri2023, NCA_LPS_2023) or a JSON/YAML file relative to the pipeline file */
    params: z.string().min(1).default("Asheri2023"),
    /** parameter overrides, PyBaMM-style keys ("Butler-Volmer form": asheri2023) */
    set: z.record(z.string(), z.unknown()).default({}),
    /** eps, tau and R from the transport results (fromMicrostructure); false: the set's own values */
    microstructure: z.boolean().default(true),
    /**
     * the AM radius with the microstructure (paper 004 compares both): dSca (default), R = D_SCA / 2 of the
     * volume; d50, R = D50 / 2 with the median diameter of the set ("AM median diameter [m]", or cell.set's)
     */
    radiusFrom: z.enum(["dSca", "d50"], { error: () => "expected dSca (R = D_SCA / 2) or d50 (R = D50 / 2 of the set)" }).optional(),
    /**
     * the cathode thickness with the microstructure: set (default), the set's "Cathode thickness [m]"; volume, the
     * volume's extent along the transport axis (the pressed electrode itself: its AM loading, not the set's)
     */
    thicknessFrom: z.enum(["set", "volume"], { error: () => "expected set or volume" }).optional(),
    /** C-rates of the capacity sweep: one discharge each from the same initial state to the cut-off */
    rates: z.array(positive("1/h", "C-rate")).min(1, { error: () => "expected at least one C-rate" }),
    /** lower cut-off voltage [V]; default the set's 'Lower voltage cut-off [V]' */
    cutoff_V: positive("V", "cut-off voltage").optional(),
    numerics: z
      .object({
        nx: z.number().int().min(2).max(100000).default(20),
        nr: z.number().int().min(2).max(10000).default(10),
        tolV: quantity("V", { min: 0, max: 0.1, minExclusive: true }, "local error tolerance on V").optional(),
        tolTheta: quantity("-", { min: 0, max: 0.1, minExclusive: true }, "local error tolerance on stoichiometry").optional(),
      })
      .strict()
      .default({ nx: 20, nr: 10 }),
  })
  .strict();

export const PipelineConfigSchema = z
  .object({
    name: z.string().default("pipeline"),
    from: FromSchema.optional(),
    pack: PackSpecSchema.optional(),
    compact: CompactSectionSchema.optional(),
    voxelize: VoxelizeSectionSchema,
    transport: TransportSectionSchema.default({ phases: ["SE", "AM"], method: "pcg", maxIterations: 20000 }),
    cell: CellSectionSchema.optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    const first = c.from?.stage ?? "pack";
    if (first === "pack" && !c.pack)
      ctx.addIssue({ code: "custom", path: ["pack"], message: "required: a pack spec (or from: {stage, file} to start from a file)" });
    if (c.pack && c.pack.kind !== "3d")
      ctx.addIssue({ code: "custom", path: ["pack", "kind"], message: "expected 3d (the pipeline voxelizes spheres)" });
    if (first === "compact" && !c.compact)
      ctx.addIssue({ code: "custom", path: ["compact"], message: "required when from.stage is compact: the protocol stages" });
    for (const k of ["radiusFrom", "thicknessFrom"] as const)
      if (c.cell?.microstructure === false && c.cell[k] !== undefined)
        ctx.addIssue({
          code: "custom",
          path: ["cell", k],
          message: "takes effect with the microstructure only: drop it or set cell.microstructure: true",
        });
    if (c.cell?.microstructure !== false && c.cell && !(c.transport.phases.includes("SE") && c.transport.phases.includes("AM")))
      ctx.addIssue({
        code: "custom",
        path: ["transport", "phases"],
        message: "expected both SE and AM: the cell takes eps and tau of both networks (or set cell.microstructure: false)",
      });
  });

export type PipelineConfig = z.output<typeof PipelineConfigSchema>;
export type PipelineConfigInput = z.input<typeof PipelineConfigSchema>;

/** Validates a pipeline file as read (`source`: its name, for the error line); defaults filled, SI units. */
export function parsePipelineConfig(input: unknown, source = "pipeline"): PipelineConfig {
  if (input === null || typeof input !== "object" || Array.isArray(input))
    throw new ConfigError(`${source}: expected a mapping with the sections pack, compact, voxelize, transport, cell`);
  const r = PipelineConfigSchema.safeParse(input);
  if (r.success) return r.data;
  // an unknown key is named by its own path ("cell.rate"), not by the section holding it
  const issues = r.error.issues.map((iss) =>
    iss.code === "unrecognized_keys"
      ? {
          ...iss,
          path: [...iss.path, iss.keys[0]],
          message: `unknown key${iss.keys.length > 1 ? ` (also: ${iss.keys.slice(1).join(", ")})` : ""}; see assb run --example for the keys`,
        }
      : iss,
  );
  const lines = formatIssues({ issues } as z.ZodError, input);
  throw new ConfigError(
    `${source}: ${lines[0]}${lines.length > 1 ? ` (and ${lines.length - 1} more: ${lines.slice(1).join("; ")})` : ""}`,
    lines,
  );
}
