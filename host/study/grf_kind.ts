/**
 * The paper-002 dataset as a study kind (`base.kind: grf`): one case is a block of `count` images of one
 * seeded Gaussian-random-field series (host/image/grf.ts) starting at image `first`, written as a raw batch
 * (`images.json` + `.raw`) with its solver labels (`labels.csv`: current and resistance at sigma = 1 S/m,
 * V = 1 V across the rows, the multigrid-preconditioned CG at rtol 1e-8). Image i depends on (seed, i) only,
 * so a study whose axis is `first` splits one series into blocks that run on any number of workers and
 * resume block by block; `grfStudyDataset(dir)` joins the finished blocks into the study's `images.json` +
 * `labels.csv` (the input of `assb train` data.type raw), refusing gaps or overlaps between blocks.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { configErrorFrom, ConfigError } from "../config/errors.js";
import { quantity } from "../config/schema.js";
import { writeFileAtomic } from "../io/atomic.js";
import { parseCsv, toCsv } from "../io/csv.js";
import { readVolume, writeVolume } from "../transport/volume.js";
import { listCaseFolders, readCaseRecord } from "./case.js";
import type { CaseOutput, StudyKind } from "./kinds.js";

export const GrfKindSchema = z
  .object({
    /** image edge [px] */
    size: z.number().int().min(2).max(8192).default(64),
    /** smoothing kernel standard deviation [px] */
    corrPx: quantity("px", { min: 0, minExclusive: true }, "correlation length").default(2),
    /** conductive fraction range, drawn uniformly per image */
    fraction: z.tuple([z.number().min(0).max(1), z.number().min(0).max(1)]).default([0.6, 1]),
    /** the series seed: the same for every block of one dataset (the study's case seed is not used) */
    seed: z.number().int().min(0).max(0xffffffff),
    /** index of the block's first image in the series */
    first: z.number().int().min(0),
    /** images in the block */
    count: z.number().int().min(1).max(1_000_000),
    /** solve each image for its labels (false: images only) */
    labels: z.boolean().default(true),
    /** relative residual of the labels' CG solve */
    rtol: z.number().gt(0).lt(1).default(1e-8),
  })
  .strict()
  .refine((c) => c.fraction[0] <= c.fraction[1], { message: "fraction: expected [min, max] with min <= max", path: ["fraction"] });
export type GrfKindConfig = z.output<typeof GrfKindSchema>;

const grfOptions = (c: GrfKindConfig) => ({
  size: c.size,
  corrPx: c.corrPx,
  fractionMin: c.fraction[0],
  fractionMax: c.fraction[1],
  seed: c.seed,
});

export const grfKind: StudyKind<GrfKindConfig> = {
  name: "grf",
  schema: async () => GrfKindSchema,
  parse(input, source) {
    const r = GrfKindSchema.safeParse(input);
    if (!r.success) throw configErrorFrom(r.error, input, source);
    return r.data;
  },
  async run(core, cfg, dir): Promise<CaseOutput> {
    const { grfBatch, grfSidecarMeta } = await import("../image/grf.js");
    const o = grfOptions(cfg);
    const { data, fractions } = grfBatch(o, cfg.count, cfg.first);
    const volume = {
      shape: [cfg.count, cfg.size, cfg.size],
      data,
      phases: { "0": "insulator", "1": "conductor" },
      meta: { ...grfSidecarMeta(o), batch: cfg.count, first: cfg.first },
    };
    writeVolume(join(dir, "images.json"), volume);
    const files = ["images.json", "images.raw"];
    const meanFraction = fractions.reduce((a, b) => a + b, 0) / cfg.count;
    if (!cfg.labels) return { scalars: { first: cfg.first, count: cfg.count, meanFraction }, files };
    const { solveImages, imageResultsTable } = await import("../transport/images.js");
    // one case runs on one thread: the study's workers are the parallelism
    const rows = solveImages(core, volume, { axis: 0, conductorCodes: [1], solver: { rtol: cfg.rtol } });
    const t = imageResultsTable(rows);
    t.rows.forEach((r) => (r[0] = (r[0] as number) + cfg.first)); // the series index, not the block's
    writeFileAtomic(join(dir, "labels.csv"), toCsv(t));
    files.push("labels.csv");
    return {
      scalars: {
        first: cfg.first,
        count: cfg.count,
        meanFraction,
        percolating: rows.filter((r) => r.percolates).length,
        maxIterations: Math.max(...rows.map((r) => r.iterations)),
      },
      files,
    };
  },
};

/**
 * Joins the finished blocks of a grf study in `studyDir` into `images.json` + `images.raw` and `labels.csv`
 * there (rows in series order, the `index` column = the image's place in the joined batch). Refuses a study
 * with failed or missing blocks, gaps or overlaps, or blocks of different image settings.
 */
export function grfStudyDataset(studyDir: string): { images: string; labels: string; count: number } {
  const casesDir = join(studyDir, "cases");
  const recs = listCaseFolders(casesDir).finished.flatMap((id) => {
    const r = readCaseRecord(join(casesDir, id));
    return r ? [r] : [];
  });
  if (recs.length === 0) throw new ConfigError(`${studyDir}: no finished case; run the study first (assb study run)`);
  const failed = recs.filter((r) => r.status !== "done");
  if (failed.length)
    throw new ConfigError(
      `${studyDir}: ${failed.length} block(s) failed (${failed.map((r) => r.case_id).join(", ")}); rerun with --retry-failed`,
    );
  const blocks = recs
    .map((r) => ({ id: r.case_id, first: Number(r.scalars.first), count: Number(r.scalars.count) }))
    .sort((a, b) => a.first - b.first);
  let next = 0;
  for (const b of blocks) {
    if (b.first !== next)
      throw new ConfigError(
        `${studyDir}: block ${b.id} starts at image ${b.first}, expected ${next} (${b.first > next ? "a gap: a block is missing or unfinished" : "blocks overlap"})`,
      );
    next = b.first + b.count;
  }
  const vols = blocks.map((b) => readVolume(join(casesDir, b.id, "images.json")));
  const [h, w] = vols[0].shape.slice(1);
  // the series settings (the sidecar also holds per-block fields: batch, first, label_fractions)
  const metaOf = (m: Record<string, unknown> | undefined) =>
    JSON.stringify(["kind", "corr_px", "fraction_range", "seed", "transport_axis"].map((k) => m?.[k]));
  vols.forEach((v, k) => {
    if (v.shape[1] !== h || v.shape[2] !== w || metaOf(v.meta) !== metaOf(vols[0].meta))
      throw new ConfigError(
        `${studyDir}: block ${blocks[k].id} has other image settings than block ${blocks[0].id}; one dataset is one series`,
      );
  });
  const data = new Uint8Array(next * h * w);
  vols.forEach((v, k) => data.set(v.data, blocks[k].first * h * w));
  const images = join(studyDir, "images.json");
  const { label_fractions: _l, first: _f, ...meta } = vols[0].meta ?? {};
  writeVolume(images, { shape: [next, h, w], data, phases: vols[0].phases, meta: { ...meta, batch: next } });
  let columns: string[] = [];
  const rows: (string | number)[][] = [];
  for (const b of blocks) {
    const file = join(casesDir, b.id, "labels.csv");
    if (!existsSync(file))
      throw new ConfigError(`${file}: missing (a block run with labels: false); the dataset needs every block's labels`);
    const t = parseCsv(readFileSync(file, "utf8"), file);
    columns = t.columns;
    rows.push(...t.rows);
  }
  const labels = join(studyDir, "labels.csv");
  writeFileAtomic(labels, toCsv({ columns, rows }));
  return { images, labels, count: next };
}
