/**
 * The paper-000 dataset case as a study kind (`base.kind: section2d`): one 2D structure (paper 000 §2.1.1)
 * at a given initial width, pressed to 40 um (compress2d), its 224 x 224 section image (AM gray, SE white,
 * void black, 2 um crop, §2.2) and its labels: the AM and SE stress mean and SD (the Gaussian fit of the
 * per-particle stresses, §2.2), the AM-SE reaction area from the Hertz contact radii (eq 15-16), and the
 * structure parameters (AM area fraction, AM mean diameter and SD, compression ratio).
 *
 * Per-particle stress in 2D: the discs are spheres with their centres in one plane, touching by the 3D
 * Hertz law, so the Love-Weber tensor (sum of 1/2 d (x) F) is divided by the sphere volume 4/3 pi R^3 (Pa,
 * comparable with the 3D runs, no arbitrary thickness) and the scalar stress is the in-plane mean
 * -(s_xx + s_yy)/2 (compression positive): s_zz = 0 exactly for in-plane forces, so -tr/3 would report
 * 2/3 of it (host/dem/analysis.ts vonMisesAndPressure).
 *
 * `section2dLabels(studyDir)` collects the finished cases into `labels.csv` (a `file` column pointing at
 * cases/<id>/section.png and the label columns), the input of an `assb train` images dataset.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { configErrorFrom } from "../config/errors.js";
import { quantity } from "../config/schema.js";
import { writeFileAtomic } from "../io/atomic.js";
import { toCsv } from "../io/csv.js";
import { encodePng } from "../io/png.js";
import { readCaseRecord } from "./case.js";
import type { StudyKind } from "./kinds.js";

/** LCO / LGPS of paper 000 Table 1 (the wall: steel). */
export const TABLE1_MATERIALS = {
  AM: { youngsModulus_Pa: 264e9, poissonRatio: 0.32, density_kg_m3: 4720 },
  SE: { youngsModulus_Pa: 26.7e9, poissonRatio: 0.37, density_kg_m3: 1990 },
  wall: { youngsModulus_Pa: 210e9, poissonRatio: 0.3, density_kg_m3: 7850 },
};

export const Section2dSchema = z
  .object({
    /** the 2D packing (pack spec kind 2d, without frame.widthRange_m: the width is initialWidth_m) */
    pack: z.record(z.string(), z.unknown()),
    /** frame width before compression (paper 000: 46-55 um) */
    initialWidth_m: quantity("m", { min: 0, minExclusive: true }, "initial width"),
    compress: z
      .object({
        finalWidth_m: quantity("m", { min: 0, minExclusive: true }, "final width").default(40e-6),
        speed_m_s: quantity("m/s", { min: 0, minExclusive: true }, "wall speed").default(2),
        holdSteps: z.number().int().nonnegative().default(5000),
        checkEvery: z.number().int().positive().default(500),
        /** a jammed frame that the contact law cannot press to finalWidth_m: "fail" the case or "stop" where it jams (compress2d) */
        onLimit: z.enum(["fail", "stop"]).default("fail"),
      })
      .strict()
      .prefault({}),
    image: z
      .object({
        size: z.number().int().min(8).max(8192).default(224),
        crop_m: quantity("m", { min: 0 }, "crop").default(2e-6),
      })
      .strict()
      .prefault({}),
    /** write stress.csv (material, radius_m, stress_Pa per particle: the histogram of Fig 4B) */
    particleStress: z.boolean().default(true),
  })
  .strict();
export type Section2dConfig = z.output<typeof Section2dSchema> & { packSpec: import("../pack/pack.js").PackSpec };

/** The label columns of a section2d case, in the order the CNN outputs them. */
export const SECTION2D_LABELS = [
  "AM_stress_mean_Pa",
  "AM_stress_sd_Pa",
  "SE_stress_mean_Pa",
  "SE_stress_sd_Pa",
  "reactionArea_m2",
  "amAreaFraction",
  "amMeanDiameter_m",
  "amSd_m",
  "compressionRatio",
] as const;

async function packSpecOf(c: z.output<typeof Section2dSchema>, source: string, seed?: number) {
  const { parsePackSpec } = await import("../pack/pack.js");
  const p = c.pack as Record<string, unknown>;
  const frame: Record<string, unknown> = {
    ...((p.frame as Record<string, unknown>) ?? {}),
    widthRange_m: [c.initialWidth_m, c.initialWidth_m],
  };
  frame.finalWidth_m ??= c.compress.finalWidth_m;
  const am = { density_kg_m3: TABLE1_MATERIALS.AM.density_kg_m3, ...((p.am as Record<string, unknown>) ?? {}) };
  const se = { density_kg_m3: TABLE1_MATERIALS.SE.density_kg_m3, ...((p.se as Record<string, unknown>) ?? {}) };
  return parsePackSpec({ kind: "2d", ...p, ...(seed !== undefined ? { seed } : {}), frame, am, se }, `${source}: pack`);
}

export const section2dKind: StudyKind<Section2dConfig> = {
  name: "section2d",
  schema: async () => Section2dSchema,
  seedPath: ["pack", "seed"],
  async parse(input, source) {
    const r = Section2dSchema.safeParse(input);
    if (!r.success) throw configErrorFrom(r.error, input, source);
    return { ...r.data, packSpec: await packSpecOf(r.data, source) };
  },
  async run(core, cfg, dir) {
    const { scalars, files } = await runSection2d(core, cfg, dir);
    // a NaN (e.g. no SE particle) becomes an empty cell, not a number
    return { scalars: Object.fromEntries(Object.entries(scalars).map(([k, v]) => [k, Number.isFinite(v) ? v : null])), files };
  },
};

/** One structure: pack, press, section, labels. Returns the scalars and the files (relative to `dir`). */
export async function runSection2d(
  core: import("./kinds.js").Core,
  cfg: Section2dConfig,
  dir: string,
): Promise<{ scalars: Record<string, number>; files: string[]; png: Uint8Array; stress: { material: string[]; stress_Pa: number[] } }> {
  const { generatePacking } = await import("../pack/pack.js");
  const { caseFromPacking } = await import("../pack/to_case.js");
  const { parseCompact, runCompact } = await import("../dem/compact.js");
  const { sectionImage, reportParticles } = await import("../image/section.js");
  const p = generatePacking(cfg.packSpec);
  const r = runCompact(
    core,
    parseCompact({
      case: caseFromPacking(p, { name: "section2d", materials: TABLE1_MATERIALS }),
      stages: [{ type: "compress2d", wall: "right", ...cfg.compress }],
    }),
  );
  const st = r.stages[0];
  const rep = st.reports.compressed;
  const P = rep.particles;
  const width_m = (st as { width_m: number }).width_m;
  // a frame held short of finalWidth_m (onLimit "stop") is imaged over the finalWidth_m square at the fixed wall,
  // so every image has the same pixel size; its labels still cover the whole frame
  const e0 = rep.heatMapExtent_m;
  const ext = { lo: e0.lo, hi: [Math.min(e0.hi[0], e0.lo[0] + cfg.compress.finalWidth_m), e0.hi[1]] as [number, number] };
  const N = cfg.image.size;
  const sec = sectionImage(reportParticles(P), { lo: ext.lo, hi: ext.hi, crop_m: cfg.image.crop_m, size: N });
  const png = encodePng(sec.pixels, N, N);
  const files = ["section.png"];
  writeFileAtomic(join(dir, "section.png"), png);
  const material = P.material as string[],
    stress_Pa = P.pressure_Pa as number[];
  if (cfg.particleStress) {
    const radius = P.radius_m as number[];
    writeFileAtomic(
      join(dir, "stress.csv"),
      toCsv({ columns: ["material", "radius_m", "stress_Pa"], rows: material.map((m, k) => [m, radius[k], stress_Pa[k]]) }),
    );
    files.push("stress.csv");
  }
  const s = p.summary;
  const ph = rep.phases;
  const scalars: Record<string, number> = {
    AM_stress_mean_Pa: ph.AM.pressure_Pa.mean,
    AM_stress_sd_Pa: ph.AM.pressure_Pa.sd,
    SE_stress_mean_Pa: ph.SE.pressure_Pa.mean,
    SE_stress_sd_Pa: ph.SE.pressure_Pa.sd,
    reactionArea_m2: rep.areas.reactionArea_m2,
    amAreaFraction: s.amAreaFraction,
    amMeanDiameter_m: s.amMeanDiameter_m,
    amSd_m: s.amSd_m,
    compressionRatio: s.width_m / width_m,
    initialWidth_m: s.width_m,
    reachedWidth_m: width_m,
    seCoverage: rep.areas.seCoverage,
    image_amFraction: sec.amFraction,
    image_seFraction: sec.seFraction,
    image_voidFraction: sec.voidFraction,
    particles: s.particles,
    am: s.am,
    se: s.se,
    steps: st.steps,
    load_N: (st as { load_N?: number }).load_N ?? Number.NaN,
  };
  return { scalars, files, png, stress: { material, stress_Pa } };
}

/**
 * labels.csv of a section2d study folder: one row per finished case (sorted by case id), `file` =
 * cases/<id>/section.png, the case id, seed and parameters, and every scalar. Returns the row count and
 * the failed case ids (left out).
 */
export function section2dLabels(studyDir: string, out = join(studyDir, "labels.csv")): { rows: number; failed: string[]; file: string } {
  const casesDir = join(studyDir, "cases");
  const ids = readdirSync(casesDir)
    .filter((d) => !d.endsWith(".tmp"))
    .sort();
  const failed: string[] = [];
  const recs = ids.flatMap((id) => {
    const r = readCaseRecord(join(casesDir, id));
    if (!r) return [];
    if (r.status !== "done") {
      failed.push(id);
      return [];
    }
    return [r];
  });
  const scalarCols = recs.length ? Object.keys(recs[0].scalars) : [...SECTION2D_LABELS];
  const paramCols = recs.length ? Object.keys(recs[0].params) : [];
  const rows = recs.map((r) => [
    `cases/${r.case_id}/section.png`,
    r.case_id,
    r.replica,
    r.seed,
    ...paramCols.map((c) => JSON.stringify(r.params[c])),
    ...scalarCols.map((c) => r.scalars[c] ?? ""),
  ]);
  writeFileAtomic(
    out,
    toCsv({ columns: ["file", "case_id", "replica", "seed", ...paramCols.map((c) => `param_${c}`), ...scalarCols], rows }),
  );
  return { rows: rows.length, failed, file: out };
}
