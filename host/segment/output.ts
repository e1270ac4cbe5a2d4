/**
 * A segmentation's files (Node): `labels.tif` (8-bit phase codes that ImageJ/Fiji opens as a calibrated
 * z-stack and `assb transport` reads with its phases, voxel size and transport axis), `histogram.png`
 * (the grey histogram with the thresholds marked) and `segment.json` (the report, written last), each
 * through a temp name + rename.
 */
import { join } from "node:path";
import { writeFileAtomic } from "../io/atomic.js";
import { cropText } from "../io/crop.js";
import { renderPng } from "../plot/render.js";
import { thresholdHistogramSpec } from "../plot/histogram.js";
import { writeVolume, type Volume } from "../transport/volume.js";
import { VERSION } from "../version.js";
import type { GreyVolume } from "./grey_volume.js";
import type { Segmentation } from "./segment.js";
import { fmtUm } from "../io/voxel_size.js";

export const SEGMENT_FORMAT = 1;

/** The labels of a segmentation as a volume: phases, voxel size, axes (z, y, x) and, when given, the transport axis. */
export function labelsVolume(grey: GreyVolume, seg: Segmentation, transportAxis?: number): Volume {
  return {
    shape: grey.shape,
    data: seg.labels,
    phases: seg.phases,
    voxelSize_m: grey.voxelSize_m,
    meta: {
      axes: grey.shape.length === 3 ? ["z", "y", "x"] : ["y", "x"],
      ...(transportAxis !== undefined ? { transport_axis: transportAxis } : {}),
      source: grey.source,
      ...(grey.crop ? { crop: cropText(grey.crop) } : {}),
    },
  };
}

/** The report of a segmentation (segment.json): input, crop, voxel size and its source, thresholds, fractions. */
export function segmentReport(grey: GreyVolume, seg: Segmentation, o: { transportAxis?: number; files?: Record<string, string> } = {}) {
  const names = Object.values(seg.phases);
  const h = seg.histogram;
  return {
    kind: "assbkit.segment",
    format: SEGMENT_FORMAT,
    version: VERSION,
    input: grey.source,
    inputKind: grey.what,
    dtype: grey.dtype,
    shape: grey.shape,
    fullShape: grey.fullShape,
    crop: grey.crop ? cropText(grey.crop) : null,
    voxelSize_m: grey.voxelSize_m ?? null,
    voxelSizeSource: grey.voxelSizeSource,
    fileVoxelSize_zyx_m: grey.fileVoxelSize_zyx_m ?? null,
    method: seg.method,
    phases: seg.phases,
    thresholds: seg.thresholds,
    fractions: seg.fractions,
    voxels: Object.fromEntries(names.map((nm, c) => [nm, seg.counts[c]])),
    meanGrey: Object.fromEntries(names.map((nm, c) => [nm, seg.means[c]])),
    separability: seg.separability,
    greyRange: [h.min, h.max],
    histogram: { bins: h.counts.length, lo: h.lo, binWidth: h.width },
    transport_axis: o.transportAxis ?? null,
    warnings: seg.warnings,
    files: o.files ?? {},
  };
}

/** Writes labels.tif, histogram.png (unless `histogram: false`) and segment.json into `dir`; returns the paths. */
export async function writeSegmentation(
  dir: string,
  grey: GreyVolume,
  seg: Segmentation,
  o: { transportAxis?: number; histogram?: boolean } = {},
): Promise<string[]> {
  const written: string[] = [];
  const files: Record<string, string> = { labels: "labels.tif" };
  written.push(...writeVolume(join(dir, "labels.tif"), labelsVolume(grey, seg, o.transportAxis)));
  if (o.histogram !== false) {
    const names = Object.values(seg.phases);
    const sub = `${seg.method === "otsu" ? `Otsu (${names.length} classes)` : "given thresholds"}: ${names
      .map((nm) => `${nm} ${(100 * seg.fractions[nm]).toFixed(1)} %`)
      .join(", ")}${grey.voxelSize_m ? `; voxel ${fmtUm(grey.voxelSize_m)}` : ""}`;
    const png = await renderPng(
      thresholdHistogramSpec(
        { counts: seg.histogram.counts, lo: seg.histogram.lo, width: seg.histogram.width, thresholds: seg.thresholds, phases: names },
        `Grey values of ${grey.source.split(/[\\/]/).pop()}${grey.crop ? ` [${cropText(grey.crop)}]` : ""}`,
        sub,
        `grey value (${grey.dtype})`,
      ),
    );
    writeFileAtomic(join(dir, "histogram.png"), png);
    written.push(join(dir, "histogram.png"));
    files.histogram = "histogram.png";
  }
  writeFileAtomic(
    join(dir, "segment.json"),
    JSON.stringify(segmentReport(grey, seg, { transportAxis: o.transportAxis, files }), null, 1) + "\n",
  );
  written.push(join(dir, "segment.json"));
  return written;
}
