/** `assb segment`: a grey-value scan (CT or FIB-SEM: TIFF stack, folder of slices, raw + sidecar) to phase labels. */
import type { Command } from "commander";
import { prepareOutDir } from "../io/atomic.js";
import { ConfigError, inputError } from "../config/errors.js";
import { parseCrop, cropShape, cropText } from "../io/crop.js";
import { fmtUm } from "../io/voxel_size.js";
import { requirePlotting } from "../plot/render.js";
import { axisIndex } from "../transport/defaults.js";
import { checkGreyBytes, probeGreyVolume, readGreyVolume } from "../segment/grey_volume.js";
import { segmentGrey } from "../segment/segment.js";
import { writeSegmentation } from "../segment/output.js";
import { progressBar } from "./progress.js";
import { quantityOption } from "./options.js";

/** `--voxel-size 325nm` -> metres (a bare number is metres). */
export const parseVoxelSize = (text: string | undefined): number | undefined =>
  text === undefined ? undefined : quantityOption("--voxel-size", text, "m", { min: 0, minExclusive: true, example: "325nm" });

function parseThresholds(text: string): number[] {
  return text.split(",").map((s) => {
    const t = s.trim();
    const v = t === "" ? Number.NaN : Number(t);
    if (!Number.isFinite(v))
      throw inputError("--thresholds", text, "grey values separated by commas, ascending, e.g. 9000,21000", "grey units of the input");
    return v;
  });
}

interface SegmentCliOptions {
  out: string;
  phases?: string;
  thresholds?: string;
  otsu?: boolean;
  bins?: string;
  crop?: string;
  voxelSize?: string;
  transportAxis?: string;
  histogram: boolean;
}

export function register(program: Command): void {
  program
    .command("segment")
    .description(
      "segment a grey-value scan (X-ray CT, FIB-SEM) into phases by thresholds or multi-level Otsu; writes labels.tif (Fiji-calibrated, read by assb transport), histogram.png, segment.json",
    )
    .argument(
      "<input>",
      "a TIFF stack (8/16-bit integer or 32/64-bit float; none/LZW/Deflate/PackBits), a folder of .tif or 16/8-bit .png slices (natural name order), a raw volume's .json sidecar, or a .png",
    )
    .option("-o, --out <dir>", "output folder", "segment")
    .option("--phases <names>", "phase names, darkest grey first (default pore,SE,AM; two phases: pore,solid)")
    .option("--thresholds <list>", "grey thresholds, ascending, one fewer than the phases: phase c holds t[c-1] <= grey < t[c]")
    .option("--otsu", "multi-level Otsu thresholds for 2 or 3 phases (the default without --thresholds)")
    .option("--bins <n>", "Otsu histogram bins (default 256 for 8-bit data, 4096 otherwise)")
    .option("--crop <ranges>", "read only z0:z1,y0:y1,x0:x1 (half-open voxel ranges, from 0; ':' is a whole axis)")
    .option("--voxel-size <length>", "voxel edge, e.g. 325nm; overrides the file's calibration (ImageJ, resolution tags, sidecar)")
    .option(
      "--transport-axis <axis>",
      "through-thickness axis recorded for assb transport: z, y, x or an index (default z, the stack axis, for a 3D scan)",
    )
    .option("--no-histogram", "skip histogram.png (no plot packages needed)")
    .action(async (input: string, o: SegmentCliOptions) => {
      if (o.thresholds !== undefined && o.otsu) throw new ConfigError("segment: --thresholds and --otsu exclude each other: give one");
      const phases = o.phases?.split(",").map((s) => s.trim());
      const thresholds = o.thresholds !== undefined ? parseThresholds(o.thresholds) : undefined;
      const bins = o.bins === undefined ? undefined : Number(o.bins);
      if (bins !== undefined && !(/^\d+$/.test(o.bins!) && bins >= 2 && bins <= 4096))
        throw inputError("--bins", o.bins, "an integer 2-4096 (Otsu searches all splits of the bins)");
      const voxelSize_m = parseVoxelSize(o.voxelSize);
      prepareOutDir(o.out);
      if (o.histogram) await requirePlotting(); // histogram.png: missing plot packages stop the run before it reads
      const head = probeGreyVolume(input);
      const crop = o.crop !== undefined ? parseCrop(o.crop, head.shape) : undefined;
      const shape = crop ? cropShape(crop) : head.shape;
      checkGreyBytes(input, head, shape, undefined, 1);
      const transportAxis =
        o.transportAxis !== undefined ? axisIndex({ shape }, o.transportAxis, "--transport-axis") : shape.length === 3 ? 0 : undefined;
      console.log(
        `${input}: ${head.what}, shape ${head.shape.join(" x ")}${crop ? `, crop ${cropText(crop)} -> ${shape.join(" x ")}` : ""}`,
      );
      const bar = progressBar();
      const grey = readGreyVolume(input, { head, crop, voxelSize_m, onProgress: (d, t) => bar.update("read", d, t) });
      bar.done();
      console.log(`  voxel size: ${grey.voxelSize_m ? `${fmtUm(grey.voxelSize_m)} (${grey.voxelSizeSource})` : grey.voxelSizeSource}`);
      const seg = segmentGrey(grey.data, grey.dtype, { phases, thresholds, bins, shape: grey.shape, source: input });
      const names = Object.values(seg.phases);
      console.log(
        `  ${seg.method === "otsu" ? `Otsu (${names.length} classes, ${seg.histogram.counts.length} bins)` : "given"} thresholds ${seg.thresholds
          .map((t) => Number(t.toPrecision(8)))
          .join(", ")} (grey ${seg.histogram.min} to ${seg.histogram.max}); separability ${seg.separability.toFixed(3)}`,
      );
      console.log(`  ${names.map((nm, c) => `${c} = ${nm}: ${(100 * seg.fractions[nm]).toFixed(2)} %`).join(", ")}`);
      for (const w of seg.warnings) console.log(`  warning: ${w}`);
      const files = await writeSegmentation(o.out, grey, seg, { transportAxis, histogram: o.histogram });
      console.log(`  wrote ${files.join(", ")}`);
    });
}
